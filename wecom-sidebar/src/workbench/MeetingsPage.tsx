/**
 * 会议: academic meetings and patient events. Every staff member (reps included) creates meetings and submits them
 * for compliance approval; managers and admins see the approval queue — submitted meetings someone else created —
 * at the top. The list filters by state; a meeting opens at `#meetings/<id>`, a new one at `#meetings/new`.
 */
import type { StaffProfile } from '@careloop/shared';
import { useState } from 'react';
import type { PageRoute } from '../content/nav';
import { explainMeetingError } from '../meetings/errors';
import { MEETING_AUDIENCE_LABELS, MEETING_STATUSES, MEETING_STATUS_LABELS } from '../meetings/labels';
import { meetingHref, type MeetingView } from '../meetings/nav';
import { meetingsApi } from '../meetings/runtime';
import type { MeetingStatus, StaffMeeting, StaffMeetingSummary } from '../meetings/types';
import { ORGANISATION_TIME_ZONE } from '../profile/format';
import { canManageCampaigns } from '../profile/roles';
import { SelectInput } from '../shell/Field';
import { useResource } from '../shell/useResource';
import { MeetingDetail, MeetingStatusChip, meetingWhen } from './MeetingDetail';
import { MeetingEditor } from './MeetingEditor';

const explain = (reason: unknown) => explainMeetingError(reason);

function MeetingTable({
  items,
  selectedId,
  testId,
}: {
  items: readonly StaffMeetingSummary[];
  selectedId: string | null;
  testId: string;
}) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th>会议</th>
            <th>对象</th>
            <th>时间</th>
            <th>报名</th>
            <th>签到</th>
            <th>创建人</th>
            <th>状态</th>
          </tr>
        </thead>
        <tbody>
          {items.map((meeting) => (
            <tr
              key={meeting.id}
              data-testid="meeting-row"
              data-meeting-id={meeting.id}
              data-status={meeting.status}
              className={meeting.id === selectedId ? 'row--selected' : undefined}
            >
              <td>
                <a href={meetingHref(meeting.id)} data-testid="meeting-open">
                  {meeting.title}
                </a>
              </td>
              <td className="small">{MEETING_AUDIENCE_LABELS[meeting.audience]}</td>
              <td className="small nowrap">{meetingWhen({ ...meeting, timeZone: ORGANISATION_TIME_ZONE })}</td>
              <td className="nowrap">
                {meeting.counts.signedUp}/{meeting.capacity}
                {meeting.counts.waitlisted ? (
                  <span className="muted small"> +{meeting.counts.waitlisted} 候补</span>
                ) : null}
              </td>
              <td className="nowrap">{meeting.counts.checkedIn}</td>
              <td className="nowrap">{meeting.createdBy.name ?? '—'}</td>
              <td className="nowrap">
                <MeetingStatusChip status={meeting.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MeetingsPage({
  staff,
  route,
  scan,
}: {
  staff: StaffProfile;
  route: PageRoute<MeetingView>;
  scan: (() => Promise<string>) | null;
}) {
  const manager = canManageCampaigns(staff);
  const [status, setStatus] = useState<MeetingStatus | ''>('');
  // Bumped when a meeting changes: the lists are read again.
  const [version, setVersion] = useState(0);
  const list = useResource(
    `meetings:${status}:${version}`,
    () => meetingsApi.list({ status: status || undefined }),
    explain,
  );
  const queue = useResource(
    manager ? `meeting-queue:${version}` : null,
    () => meetingsApi.list({ awaitingMyDecision: true }),
    explain,
  );
  const selectedId = route.kind === 'item' ? route.id : null;
  const changed = (_next: StaffMeeting) => setVersion((value) => value + 1);

  return (
    <div className="page meetings-page">
      {route.kind === 'new' ? (
        <MeetingEditor
          meeting={null}
          onSaved={(saved) => {
            changed(saved);
            window.location.hash = meetingHref(saved.id);
          }}
        />
      ) : route.kind === 'item' ? (
        <MeetingDetail key={route.id} id={route.id} view={route.view} staff={staff} scan={scan} onChanged={changed} />
      ) : null}
      {manager ? (
        <section className="card" aria-label="待我审批 Approval queue" data-testid="meeting-approval-queue">
          <h2 className="card__title">
            待我审批 <span className="muted small">Approval queue · {queue.data?.length ?? 0}</span>
          </h2>
          {queue.state.status === 'failed' ? (
            <p className="field-error" role="alert">
              加载失败：{queue.state.message}
            </p>
          ) : !queue.data ? (
            <p className="muted">加载中… Loading</p>
          ) : queue.data.length ? (
            <MeetingTable items={queue.data} selectedId={selectedId} testId="meeting-queue-table" />
          ) : (
            <p className="muted" data-testid="meeting-queue-empty">
              没有等待您审批的会议。自己创建的会议需由另一位店长或管理员审批。 Nothing awaits your decision.
            </p>
          )}
        </section>
      ) : null}
      <section className="card" aria-label="会议 Meetings">
        <div className="day__head">
          <h2 className="card__title">
            会议 <span className="muted small">Meetings</span>
          </h2>
          <div className="row">
            <SelectInput
              inline
              ariaLabel="状态 Status"
              testId="meeting-filter-status"
              empty="全部状态 All states"
              options={MEETING_STATUSES}
              labels={MEETING_STATUS_LABELS}
              value={status}
              onChange={(next) => setStatus(next)}
            />
            <button type="button" className="link-button" onClick={list.reload}>
              刷新
            </button>
            <a className="button button--primary button--small" href="#meetings/new" data-testid="meeting-new">
              新建会议 New
            </a>
          </div>
        </div>
        {list.state.status === 'failed' ? (
          <p className="field-error" role="alert">
            会议加载失败：{list.state.message}
          </p>
        ) : !list.data ? (
          <p className="muted">加载中… Loading</p>
        ) : list.data.length ? (
          <MeetingTable items={list.data} selectedId={selectedId} testId="meeting-table" />
        ) : (
          <p className="muted" data-testid="meetings-empty">
            没有会议。 No meetings.
          </p>
        )}
      </section>
    </div>
  );
}
