/**
 * A meeting's attendee list: everyone signed up, waiting, checked in, surveyed, cancelled or only invited, filtered by
 * group, with phones masked, and the CSV export for compliance records (fetched with the staff token as a Blob and
 * saved under a file name that names the meeting). Every view and export is audited by the BFF.
 */
import { useMemo, useState } from 'react';
import { ATTENDEE_FILTERS, attendeesCsvFilename, matchesFilter, type AttendeeFilter } from '../meetings/attendees';
import { explainMeetingError } from '../meetings/errors';
import { ATTENDEE_STATUS_LABELS, ATTENDEE_STATUS_TONES } from '../meetings/labels';
import { meetingsApi } from '../meetings/runtime';
import type { MeetingAttendee, StaffMeeting } from '../meetings/types';
import { customerDisplayName, KIND_LABELS } from '../labels';
import { formatDateTime, formatFen } from '../profile/format';
import { fetchBlob } from '../shell/runtime';
import { useResource } from '../shell/useResource';

/** Saves a Blob under a file name (an object URL behind a temporary link). */
function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The fee column: what was paid and where the payment stands (a held place: until when). */
function paymentText(attendee: MeetingAttendee): string {
  switch (attendee.paymentStatus) {
    case 'paid':
      return `已付 ${formatFen(attendee.paidFen)}`;
    case 'refunding':
      return `退款中 ${formatFen(attendee.refundFen ?? attendee.paidFen)}`;
    case 'refunded':
      return `已退款 ${formatFen(attendee.refundFen ?? attendee.paidFen)}`;
    case 'awaiting':
      return attendee.holdExpiresAt ? `待付款（${formatDateTime(attendee.holdExpiresAt)} 前）` : '待付款';
    case 'unpaid':
      return '未付款';
    default:
      return '—';
  }
}

export function MeetingAttendees({ meeting }: { meeting: StaffMeeting }) {
  const list = useResource(
    `attendees:${meeting.id}`,
    () => meetingsApi.attendees(meeting.id),
    (reason) => explainMeetingError(reason),
  );
  const [filter, setFilter] = useState<AttendeeFilter>('all');
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const rows = useMemo(
    () => (list.data?.items ?? []).filter((attendee) => matchesFilter(attendee, filter)),
    [list.data, filter],
  );
  const counts = list.data?.counts ?? meeting.counts;

  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      saveBlob(await fetchBlob(meetingsApi.attendeesCsvPath(meeting.id)), attendeesCsvFilename(meeting));
    } catch (reason) {
      setExportError(explainMeetingError(reason));
    } finally {
      setExporting(false);
    }
  };

  return (
    <div className="attendees" data-testid="meeting-attendees">
      <div className="day__head">
        <div className="row attendees__filters" role="group" aria-label="筛选 Filter">
          {ATTENDEE_FILTERS.map((item) => (
            <button
              key={item.id}
              type="button"
              className={`filter-pill${item.id === filter ? ' filter-pill--current' : ''}`}
              aria-pressed={item.id === filter}
              data-testid={`attendee-filter-${item.id}`}
              onClick={() => setFilter(item.id)}
            >
              {item.label}
              {item.count ? <span className="filter-pill__count">{counts[item.count]}</span> : null}
            </button>
          ))}
        </div>
        <div className="row">
          <button type="button" className="link-button" onClick={list.reload}>
            刷新
          </button>
          <button
            type="button"
            className="button button--small"
            data-testid="meeting-export-csv"
            disabled={exporting}
            onClick={() => void exportCsv()}
          >
            {exporting ? '导出中…' : '导出 CSV Export'}
          </button>
        </div>
      </div>
      {exportError ? (
        <p className="field-error" role="alert">
          导出失败：{exportError}
        </p>
      ) : null}
      {list.state.status === 'failed' ? (
        <p className="field-error" role="alert">
          名单加载失败：{list.state.message}
        </p>
      ) : !list.data ? (
        <p className="muted">加载中… Loading</p>
      ) : !rows.length ? (
        <p className="muted" data-testid="meeting-attendees-empty">
          {filter === 'all' ? '还没有人报名。 Nobody yet.' : '这一组没有人。 Nobody in this group.'}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="meeting-attendee-table">
            <thead>
              <tr>
                <th>姓名</th>
                <th>身份</th>
                <th>手机</th>
                <th>状态</th>
                <th>报名</th>
                <th>签到</th>
                <th>问卷</th>
                {meeting.feeFen > 0 && <th>付费</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((attendee) => (
                <tr
                  key={attendee.registrationId ?? attendee.customer.id}
                  data-testid="meeting-attendee-row"
                  data-customer-id={attendee.customer.id}
                  data-status={attendee.status}
                  data-checked-in={attendee.checkedInAt ? 'true' : 'false'}
                  data-surveyed={attendee.surveyedAt ? 'true' : 'false'}
                >
                  <td>{customerDisplayName(attendee.customer.name)}</td>
                  <td className="small">
                    {KIND_LABELS[attendee.customer.kind].split(' ')[0]}
                    {attendee.customer.hcp ? (
                      <div className="muted">
                        {[attendee.customer.hcp.hospital, attendee.customer.hcp.department, attendee.customer.hcp.title]
                          .filter(Boolean)
                          .join(' · ')}
                        {attendee.customer.hcp.verification === 'verified' ? ' · 已认证' : ' · 未认证'}
                      </div>
                    ) : null}
                  </td>
                  <td className="mono nowrap">{attendee.customer.phone ?? '—'}</td>
                  <td className="nowrap">
                    <span className={`status status--${ATTENDEE_STATUS_TONES[attendee.status]}`}>
                      {ATTENDEE_STATUS_LABELS[attendee.status]}
                      {attendee.status === 'waitlisted' && attendee.waitlistPosition
                        ? ` 第 ${attendee.waitlistPosition} 位`
                        : ''}
                    </span>
                  </td>
                  <td className="small nowrap">{formatDateTime(attendee.signedUpAt) || '—'}</td>
                  <td className="small nowrap">
                    {attendee.checkedInAt ? (
                      <>
                        {formatDateTime(attendee.checkedInAt)}
                        <span className="muted">
                          {' '}
                          · {attendee.checkedInVia === 'staff' ? '工作人员扫码' : '现场扫码'}
                        </span>
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="small nowrap">{attendee.surveyedAt ? formatDateTime(attendee.surveyedAt) : '—'}</td>
                  {meeting.feeFen > 0 && (
                    <td
                      className="small nowrap"
                      data-testid="meeting-attendee-payment"
                      data-payment={attendee.paymentStatus}
                    >
                      {paymentText(attendee)}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted small">
        手机号已脱敏；查看和导出名单都会记入审计日志。 Phones are masked; views and exports are audited.
      </p>
    </div>
  );
}
