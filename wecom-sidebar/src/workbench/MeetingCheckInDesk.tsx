/**
 * The check-in desk at the venue: staff scan the attendee's registration QR (inside WeCom with the camera; anywhere
 * with a handheld scanner, which types the code and Enter) or type its code. The answer fills the screen: who checked
 * in, or that they had already, or why not (not this meeting's code, no confirmed place, outside the check-in
 * window). The input keeps the focus for the next person.
 */
import { useState } from 'react';
import { describeError } from '../api/errors';
import { checkInMessage, normaliseAttendeeCode } from '../meetings/attendees';
import { explainMeetingError } from '../meetings/errors';
import { meetingsApi } from '../meetings/runtime';
import type { StaffMeeting } from '../meetings/types';
import { formatDateTime } from '../profile/format';
import { CodeEntry } from './CodeEntry';

type Feedback =
  | { state: 'ok' | 'repeat'; headline: string; detail: string }
  | { state: 'error'; headline: string; detail: string }
  | null;

export function MeetingCheckInDesk({
  meeting,
  scan,
  onCheckedIn,
}: {
  meeting: StaffMeeting;
  /** Inside WeCom: the camera. */
  scan: (() => Promise<string>) | null;
  onCheckedIn(): void;
}) {
  const [feedback, setFeedback] = useState<Feedback>(null);

  const opensAt = new Date(Date.parse(meeting.startsAt) - meeting.checkInOpensMinutesBefore * 60_000);
  const closesAt = new Date(Date.parse(meeting.endsAt) + meeting.checkInClosesMinutesAfterEnd * 60_000);

  const submit = async (raw: string): Promise<boolean> => {
    const parsed = normaliseAttendeeCode(raw);
    if (!parsed.ok) {
      setFeedback({ state: 'error', headline: '无法签到', detail: parsed.error });
      return false;
    }
    setFeedback(null);
    try {
      const result = await meetingsApi.checkIn(meeting.id, parsed.code);
      const message = checkInMessage(result);
      setFeedback({ state: result.alreadyCheckedIn ? 'repeat' : 'ok', ...message });
      onCheckedIn();
      return true;
    } catch (reason) {
      setFeedback({ state: 'error', headline: '签到失败', detail: explainMeetingError(reason, 'check-in') });
      return false;
    }
  };

  return (
    <div className="desk" data-testid="meeting-checkin-desk">
      <p className="muted small">
        签到时间 {formatDateTime(opensAt)} 至 {formatDateTime(closesAt)} · 已签到{' '}
        <strong data-testid="desk-checked-in">{meeting.counts.checkedIn}</strong> / 已报名 {meeting.counts.signedUp}
      </p>
      <CodeEntry
        block="desk"
        testIds={{ input: 'desk-code', submit: 'desk-submit', scan: 'desk-scan' }}
        placeholder="扫描或输入参会者的签到码 Scan or type the attendee’s code"
        scan={scan}
        autoFocus
        onSubmit={submit}
        onScanError={(reason) => setFeedback({ state: 'error', headline: '扫码失败', detail: describeError(reason) })}
      />
      {feedback ? (
        <div
          className={`desk__feedback desk__feedback--${feedback.state}`}
          data-testid="desk-feedback"
          data-state={feedback.state}
          role={feedback.state === 'error' ? 'alert' : 'status'}
        >
          <span className="desk__icon" aria-hidden="true">
            {feedback.state === 'error' ? '✕' : '✓'}
          </span>
          <div>
            <div className="desk__headline">{feedback.headline}</div>
            <div className="desk__detail">{feedback.detail}</div>
          </div>
        </div>
      ) : (
        <div className="desk__feedback desk__feedback--idle">
          <div className="desk__detail muted">
            {scan ? '点「扫码」用企业微信扫描参会者出示的二维码，' : '用扫码枪扫描参会者出示的二维码，'}
            或输入二维码下方的签到码。
          </div>
        </div>
      )}
    </div>
  );
}
