/**
 * One meeting (`#meetings/<id>/<view>`): its state and numbers, and five views — the meeting with the workflow's
 * buttons, the approval decision, the history of every step and the venue code (概览); the editor (编辑); the
 * attendee list with the CSV export (参会名单); the check-in desk (签到台); the survey results (问卷结果).
 * A button the staff member may not use stays visible, disabled, with the reason beside it.
 */
import type { StaffProfile } from '@careloop/shared';
import { lazy, useState } from 'react';
import { useFreshness } from '../content/useFreshness';
import { LazyView } from './ContentLoadBoundary';
import { explainMeetingError } from '../meetings/errors';
import {
  HISTORY_LABELS,
  FIELD_LABELS,
  MEETING_AUDIENCE_LABELS,
  MEETING_STATUS_LABELS,
  MEETING_STATUS_TONES,
} from '../meetings/labels';
import { meetingHref, type MeetingView } from '../meetings/nav';
import { meetingsApi } from '../meetings/runtime';
import type { MeetingStatus, StaffMeeting } from '../meetings/types';
import { actionState, decisionState, latestRejection, visibleActions, type MeetingAction } from '../meetings/workflow';
import { formatDateTime, formatFen, formatTime } from '../profile/format';
import { StatusChip } from '../shell/components';
import { FieldError, OutcomeLine, type Outcome } from '../shell/Field';
import { useResource } from '../shell/useResource';
import { MeetingAttendees } from './MeetingAttendees';
import { MeetingCheckInDesk } from './MeetingCheckInDesk';
import { MeetingEditor } from './MeetingEditor';
import { MeetingVenueCode } from './MeetingVenueCode';

const MeetingSurveyResults = lazy(() => import('./MeetingSurveyResults'));

export function MeetingStatusChip({ status }: { status: MeetingStatus }) {
  return (
    <StatusChip
      status={status}
      tone={MEETING_STATUS_TONES[status]}
      label={MEETING_STATUS_LABELS[status]}
      testId="meeting-status"
    />
  );
}

/** `2026-03-12 14:00–17:00` (or across days, both ends in full). */
export function meetingWhen(meeting: Pick<StaffMeeting, 'startsAt' | 'endsAt' | 'timeZone'>): string {
  const start = formatDateTime(meeting.startsAt, meeting.timeZone);
  const end = formatDateTime(meeting.endsAt, meeting.timeZone);
  return start.slice(0, 10) === end.slice(0, 10)
    ? `${start}–${formatTime(meeting.endsAt, meeting.timeZone)}`
    : `${start} 至 ${end}`;
}

const ACTION_LABELS: Record<Exclude<MeetingAction, 'approve' | 'reject' | 'edit' | 'cancel'>, string> = {
  submit: '提交审批 Submit',
  publish: '发布 Publish',
  finish: '结束会议 Finish',
};

const DONE: Record<'submit' | 'publish' | 'finish', string> = {
  submit: '已提交审批，等待另一位店长或管理员审批。',
  publish: '已发布：客户现在可以在小程序里看到并报名。',
  finish: '会议已结束：问卷在结束时间后向已签到者开放。',
};

function DecisionPanel({
  meeting,
  staff,
  onDecided,
}: {
  meeting: StaffMeeting;
  staff: StaffProfile;
  onDecided(next: StaffMeeting): void;
}) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  if (meeting.status !== 'submitted') return null;
  const state = decisionState(meeting, staff);

  const decide = async (decision: 'approved' | 'rejected') => {
    if (decision === 'rejected' && reason.trim().length < 2) {
      setError('驳回时请写明原因 A rejection needs a reason');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onDecided(await meetingsApi.decide(meeting.id, { decision, reason: reason.trim(), version: meeting.version }));
      setReason('');
    } catch (failure) {
      setError(explainMeetingError(failure, 'decide'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="review-panel" aria-label="合规审批 Approval" data-testid="meeting-decision">
      <h3 className="review-panel__title">
        合规审批 · 第 {meeting.version} 版 <span className="muted small">Compliance approval</span>
      </h3>
      <textarea
        className="input textarea"
        rows={2}
        maxLength={500}
        data-testid="meeting-decision-reason"
        placeholder="审批意见（驳回时必填原因） Reason (required to reject)"
        disabled={!state.allowed}
        value={reason}
        onChange={(event) => {
          setReason(event.target.value);
          setError(undefined);
        }}
      />
      <div className="row review-panel__buttons">
        <button
          type="button"
          className="button button--primary button--small"
          data-testid="meeting-approve"
          disabled={busy || !state.allowed}
          title={state.allowed ? undefined : state.reason}
          onClick={() => void decide('approved')}
        >
          批准 Approve
        </button>
        <button
          type="button"
          className="button button--danger button--small"
          data-testid="meeting-reject"
          disabled={busy || !state.allowed}
          title={state.allowed ? undefined : state.reason}
          onClick={() => void decide('rejected')}
        >
          驳回 Reject
        </button>
      </div>
      {state.allowed ? null : (
        <p className="blocked-reason small" data-testid="meeting-decision-blocked">
          {state.reason}
        </p>
      )}
      <FieldError message={error} />
    </section>
  );
}

function CancelBox({ meeting, onCancelled }: { meeting: StaffMeeting; onCancelled(next: StaffMeeting): void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const cancel = async () => {
    if (reason.trim().length < 2) {
      setError('请写明取消原因 Give the reason');
      return;
    }
    setBusy(true);
    try {
      onCancelled(await meetingsApi.cancel(meeting.id, reason.trim()));
      setOpen(false);
    } catch (failure) {
      setError(explainMeetingError(failure));
    } finally {
      setBusy(false);
    }
  };
  if (!open) {
    return (
      <button type="button" className="button button--small" data-testid="meeting-cancel" onClick={() => setOpen(true)}>
        取消会议 Cancel
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label="取消会议 Cancel the meeting">
      <input
        className="input"
        data-testid="meeting-cancel-reason"
        placeholder="取消原因（会记录在审批历史中）"
        value={reason}
        onChange={(event) => {
          setReason(event.target.value);
          setError(undefined);
        }}
      />
      <div className="row">
        <button
          type="button"
          className="button button--small button--danger"
          data-testid="meeting-cancel-confirm"
          disabled={busy}
          onClick={() => void cancel()}
        >
          确认取消
        </button>
        <button type="button" className="button button--small" disabled={busy} onClick={() => setOpen(false)}>
          返回
        </button>
      </div>
      <FieldError message={error} />
    </div>
  );
}

function Overview({
  meeting,
  staff,
  onChanged,
}: {
  meeting: StaffMeeting;
  staff: StaffProfile;
  onChanged(next: StaffMeeting): void;
}) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const actions = visibleActions(meeting);
  const rejection = meeting.status === 'rejected' ? latestRejection(meeting) : null;

  const run = async (action: 'submit' | 'publish' | 'finish') => {
    setBusy(true);
    setOutcome(null);
    try {
      onChanged(await meetingsApi[action](meeting.id));
      setOutcome({ kind: 'ok', text: DONE[action] });
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainMeetingError(reason) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="meeting-overview">
      {rejection ? (
        <p className="form-outcome form-outcome--error" data-testid="meeting-rejection">
          {rejection.by.name ?? '审批人'} 于 {formatDateTime(rejection.at)} 驳回：“{rejection.reason}” —
          修改后会成为草稿，可重新提交审批。
        </p>
      ) : null}
      {meeting.status === 'cancelled' && meeting.cancelReason ? (
        <p className="readonly-note small">已取消：{meeting.cancelReason}</p>
      ) : null}
      <div className="row meeting-overview__actions">
        {actions
          .filter((action): action is 'submit' | 'publish' | 'finish' =>
            ['submit', 'publish', 'finish'].includes(action),
          )
          .map((action) => {
            const state = actionState(action, meeting, staff);
            return (
              <span key={action} className="action-slot">
                <button
                  type="button"
                  className="button button--small button--primary"
                  data-testid={`meeting-${action}`}
                  disabled={busy || !state.allowed}
                  title={state.allowed ? undefined : state.reason}
                  onClick={() => void run(action)}
                >
                  {ACTION_LABELS[action]}
                </button>
                {state.allowed ? null : (
                  <span className="blocked-reason small" data-testid={`meeting-${action}-blocked`}>
                    {state.reason}
                  </span>
                )}
              </span>
            );
          })}
        {actions.includes('edit') && actionState('edit', meeting, staff).allowed ? (
          <a className="button button--small" href={meetingHref(meeting.id, 'edit')} data-testid="meeting-edit">
            编辑 Edit
          </a>
        ) : null}
        {actions.includes('cancel') && actionState('cancel', meeting, staff).allowed ? (
          <CancelBox meeting={meeting} onCancelled={onChanged} />
        ) : null}
      </div>
      <OutcomeLine outcome={outcome} testId="meeting-action-result" />
      <DecisionPanel meeting={meeting} staff={staff} onDecided={onChanged} />
      <div className="meeting-overview__grid">
        <dl className="facts facts--meeting">
          <dt>对象</dt>
          <dd>{MEETING_AUDIENCE_LABELS[meeting.audience]}</dd>
          <dt>时间</dt>
          <dd data-testid="meeting-when">{meetingWhen(meeting)}</dd>
          <dt>场地</dt>
          <dd>
            {meeting.venue ? (
              <>
                {meeting.venue.name}
                {meeting.venue.address ? <div className="muted small">{meeting.venue.address}</div> : null}
              </>
            ) : (
              <span className="muted">—</span>
            )}
          </dd>
          <dt>线上链接</dt>
          <dd className="mono small">{meeting.onlineUrl ?? '—'}</dd>
          <dt>名额</dt>
          <dd>
            {meeting.capacity} 人 · 候补 {meeting.waitlistLimit} 人 · 报名截止 {formatDateTime(meeting.signUpDeadline)}
          </dd>
          <dt>费用</dt>
          <dd data-testid="meeting-fee">
            {meeting.feeFen > 0
              ? `${formatFen(meeting.feeFen)}（微信支付；报名截止前取消全额退款，之后不退；会议取消全额退款）`
              : '免费'}
          </dd>
          <dt>签到时间</dt>
          <dd>
            开始前 {meeting.checkInOpensMinutesBefore} 分钟至结束后 {meeting.checkInClosesMinutesAfterEnd} 分钟
          </dd>
          <dt>问卷</dt>
          <dd>
            {meeting.survey.length ? `${meeting.survey.length} 题，结束后开放 ${meeting.surveyOpenDays} 天` : '无'}
          </dd>
          <dt>创建人</dt>
          <dd>{meeting.createdBy.name ?? '员工'}</dd>
          {meeting.description ? (
            <>
              <dt>介绍</dt>
              <dd className="small pre-line">{meeting.description}</dd>
            </>
          ) : null}
          {meeting.agenda.length ? (
            <>
              <dt>议程</dt>
              <dd>
                <ol className="plain-list small">
                  {meeting.agenda.map((item, index) => (
                    <li key={index}>
                      <span className="mono">{item.time}</span> {item.topic}
                      {item.speaker ? <span className="muted"> · {item.speaker}</span> : null}
                    </li>
                  ))}
                </ol>
              </dd>
            </>
          ) : null}
          {meeting.speakers.length ? (
            <>
              <dt>讲者</dt>
              <dd className="small">
                {meeting.speakers
                  .map((speaker) => [speaker.name, speaker.title, speaker.hospital].filter(Boolean).join(' · '))
                  .join('；')}
              </dd>
            </>
          ) : null}
        </dl>
        {['approved', 'published', 'finished'].includes(meeting.status) ? <MeetingVenueCode meeting={meeting} /> : null}
      </div>
      <h3 className="section-title">审批与操作记录 History</h3>
      <ol className="workflow-history" data-testid="meeting-history">
        {[...meeting.history].reverse().map((entry, index) => (
          <li key={index} className="workflow-history__item" data-action={entry.action}>
            <strong>{HISTORY_LABELS[entry.action]}</strong> · 第 {entry.version} 版 · {entry.by?.name ?? '系统'} ·{' '}
            {formatDateTime(entry.at)}
            {entry.fields.length ? (
              <span className="muted small">
                {' '}
                · 修改了 {entry.fields.map((field) => FIELD_LABELS[field] ?? field).join('、')}
              </span>
            ) : null}
            {entry.reason ? <div className="workflow-history__reason">“{entry.reason}”</div> : null}
          </li>
        ))}
      </ol>
    </div>
  );
}

const VIEWS: { id: MeetingView; label: string }[] = [
  { id: 'overview', label: '概览 Overview' },
  { id: 'edit', label: '编辑 Edit' },
  { id: 'attendees', label: '参会名单 Attendees' },
  { id: 'checkin', label: '签到台 Check-in desk' },
  { id: 'survey', label: '问卷结果 Survey' },
];

export function MeetingDetail({
  id,
  view,
  staff,
  scan,
  onChanged,
}: {
  id: string;
  view: MeetingView;
  staff: StaffProfile;
  /** Inside WeCom: scan an attendee's code with the camera. */
  scan: (() => Promise<string>) | null;
  onChanged(next: StaffMeeting): void;
}) {
  const resource = useResource(
    `meeting:${id}`,
    () => meetingsApi.get(id),
    (reason) => explainMeetingError(reason),
  );
  const { state, reload, data } = resource;
  // The server's answer at once; then read again, which also drops an older read still on its way.
  const changed = (next: StaffMeeting) => {
    resource.patch(() => next);
    reload();
  };
  useFreshness(
    view,
    reload,
    data,
    (meeting) => `${meeting.status}:${meeting.version}:${JSON.stringify(meeting.counts)}`,
    onChanged,
  );

  if (state.status === 'loading' || state.status === 'idle') {
    return <section className="card muted">加载中… Loading</section>;
  }
  if (state.status === 'failed') {
    return (
      <section className="card">
        <p className="field-error" role="alert">
          会议加载失败：{state.message}
        </p>
      </section>
    );
  }
  const meeting = state.data;
  const edit = actionState('edit', meeting, staff);
  return (
    <section
      className="card meeting-detail"
      data-testid="meeting-detail"
      data-meeting-id={meeting.id}
      data-key={meeting.key}
      data-status={meeting.status}
    >
      <div className="day__head">
        <h2 className="card__title">
          {meeting.title} <MeetingStatusChip status={meeting.status} />
        </h2>
        <div className="row">
          <button type="button" className="link-button" onClick={resource.reload}>
            刷新
          </button>
          <a className="link-button" href="#meetings">
            返回列表 Back
          </a>
        </div>
      </div>
      <p className="muted small meeting-counts" data-testid="meeting-counts">
        报名 {meeting.counts.signedUp}/{meeting.capacity}
        {meeting.feeFen > 0 ? ` · 待付款 ${meeting.counts.awaitingPayment}` : ''} · 候补 {meeting.counts.waitlisted} ·
        签到 {meeting.counts.checkedIn} · 问卷 {meeting.counts.surveyed} · 邀请 {meeting.counts.invited}
      </p>
      <nav className="item-tabs" aria-label="会议 Meeting">
        {VIEWS.map((item) => (
          <a
            key={item.id}
            href={meetingHref(meeting.id, item.id)}
            className={`item-tabs__tab${item.id === view ? ' item-tabs__tab--current' : ''}`}
            aria-current={item.id === view ? 'page' : undefined}
            data-testid={`meeting-view-${item.id}`}
          >
            {item.label}
          </a>
        ))}
      </nav>
      {view === 'overview' ? (
        <Overview meeting={meeting} staff={staff} onChanged={changed} />
      ) : view === 'edit' ? (
        edit.allowed ? (
          <MeetingEditor key={meeting.id} meeting={meeting} onSaved={changed} />
        ) : (
          <p className="readonly-note" role="note" data-testid="meeting-edit-blocked">
            {edit.reason}
          </p>
        )
      ) : view === 'attendees' ? (
        <MeetingAttendees meeting={meeting} />
      ) : view === 'checkin' ? (
        <MeetingCheckInDesk meeting={meeting} scan={scan} onCheckedIn={resource.reload} />
      ) : (
        <LazyView>
          <MeetingSurveyResults meeting={meeting} />
        </LazyView>
      )}
    </section>
  );
}
