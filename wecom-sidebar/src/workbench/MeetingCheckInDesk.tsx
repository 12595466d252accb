/**
 * The check-in desk at the venue: staff scan the attendee's registration QR (inside WeCom with the camera; anywhere
 * with a handheld scanner, which types the code and Enter) or type its code. The answer fills the screen: who checked
 * in, or that they had already, or why not (not this meeting's code, no confirmed place, outside the check-in
 * window). The input keeps the focus for the next person.
 */
import { useEffect, useRef, useState } from 'react';
import { describeError } from '../api/errors';
import { checkInMessage, normaliseAttendeeCode } from '../meetings/attendees';
import { explainMeetingError } from '../meetings/errors';
import { meetingsApi } from '../meetings/runtime';
import type { StaffMeeting } from '../meetings/types';
import { formatDateTime } from '../profile/format';

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
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const opensAt = new Date(Date.parse(meeting.startsAt) - meeting.checkInOpensMinutesBefore * 60_000);
  const closesAt = new Date(Date.parse(meeting.endsAt) + meeting.checkInClosesMinutesAfterEnd * 60_000);

  const submit = async (raw: string) => {
    const parsed = normaliseAttendeeCode(raw);
    if (!parsed.ok) {
      setFeedback({ state: 'error', headline: '无法签到', detail: parsed.error });
      return;
    }
    setBusy(true);
    setFeedback(null);
    try {
      const result = await meetingsApi.checkIn(meeting.id, parsed.code);
      const message = checkInMessage(result);
      setFeedback({ state: result.alreadyCheckedIn ? 'repeat' : 'ok', ...message });
      setCode('');
      onCheckedIn();
    } catch (reason) {
      setFeedback({ state: 'error', headline: '签到失败', detail: explainMeetingError(reason, 'check-in') });
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };

  const scanNow = async () => {
    if (!scan) return;
    try {
      const text = await scan();
      setCode(text);
      await submit(text);
    } catch (reason) {
      setFeedback({ state: 'error', headline: '扫码失败', detail: describeError(reason) });
    }
  };

  return (
    <div className="desk" data-testid="meeting-checkin-desk">
      <p className="muted small">
        签到时间 {formatDateTime(opensAt)} 至 {formatDateTime(closesAt)} · 已签到{' '}
        <strong data-testid="desk-checked-in">{meeting.counts.checkedIn}</strong> / 已报名 {meeting.counts.signedUp}
      </p>
      <form
        className="desk__form"
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) void submit(code);
        }}
      >
        <input
          ref={input}
          className="input desk__input"
          data-testid="desk-code"
          placeholder="扫描或输入参会者的签到码 Scan or type the attendee’s code"
          autoComplete="off"
          spellCheck={false}
          enterKeyHint="go"
          value={code}
          onChange={(event) => setCode(event.target.value)}
        />
        <button type="submit" className="button button--primary desk__button" data-testid="desk-submit" disabled={busy}>
          {busy ? '签到中…' : '签到 Check in'}
        </button>
        {scan ? (
          <button
            type="button"
            className="button desk__button"
            data-testid="desk-scan"
            disabled={busy}
            onClick={() => void scanNow()}
          >
            扫码 Scan
          </button>
        ) : null}
      </form>
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
