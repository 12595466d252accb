/**
 * A meeting's people as the workbench lists them: the groups the attendee list filters by (signed up, waitlisted,
 * checked in, surveyed, cancelled, invited), the CSV export's file name, and the check-in desk's code — what staff
 * type, or what a scanner or WeCom's scanQRCode reads from the attendee's registration QR — and its outcome in words.
 */
import { customerDisplayName } from '../labels';
import { formatDateTime } from '../profile/format';
import type { MeetingAttendee, MeetingCounts, StaffMeetingCheckInResult } from './types';

export type AttendeeFilter = 'all' | 'signedUp' | 'waitlisted' | 'checkedIn' | 'surveyed' | 'cancelled' | 'invited';

export const ATTENDEE_FILTERS: readonly { id: AttendeeFilter; label: string; count?: keyof MeetingCounts }[] = [
  { id: 'all', label: '全部 All' },
  { id: 'signedUp', label: '已报名', count: 'signedUp' },
  { id: 'waitlisted', label: '候补', count: 'waitlisted' },
  { id: 'checkedIn', label: '已签到', count: 'checkedIn' },
  { id: 'surveyed', label: '已答问卷', count: 'surveyed' },
  { id: 'cancelled', label: '已取消', count: 'cancelled' },
  { id: 'invited', label: '已邀请', count: 'invited' },
];

/** Whether a row belongs to a group; `signedUp` is "holds a place" (confirmed, checked in or not). */
export function matchesFilter(attendee: MeetingAttendee, filter: AttendeeFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'signedUp':
      return attendee.status === 'confirmed';
    case 'waitlisted':
      return attendee.status === 'waitlisted';
    case 'checkedIn':
      return attendee.checkedInAt !== null;
    case 'surveyed':
      return attendee.surveyedAt !== null;
    case 'cancelled':
      return attendee.status === 'cancelled';
    case 'invited':
      return attendee.invited;
  }
}

/** Characters file systems and WeCom's file transfer refuse or mangle. */
function safePart(text: string, max = 30): string {
  const cleaned = text
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, ' ')
    .trim()
    .replace(/\s+/g, '_');
  return [...cleaned].slice(0, max).join('') || 'meeting';
}

/** `参会名单_种植修复学术沙龙_abcdefgh23.csv` */
export function attendeesCsvFilename(meeting: { title: string; key: string }): string {
  return `参会名单_${safePart(meeting.title)}_${meeting.key}.csv`;
}

/** `会议签到码_种植修复学术沙龙_abcdefgh23.png` */
export function venueCodeFilename(meeting: { title: string; key: string }): string {
  return `会议签到码_${safePart(meeting.title)}_${meeting.key}.png`;
}

const CODE = /^[A-Za-z0-9_-]{8,64}$/;

export type AttendeeCodeResult = { ok: true; code: string } | { ok: false; error: string };

/**
 * The attendee's check-in code from what was typed or scanned: the bare code, a link carrying it as `code`, or
 * `…:code` (a prefixed QR text).
 */
export function normaliseAttendeeCode(raw: string): AttendeeCodeResult {
  const text = raw.normalize('NFKC').trim();
  if (!text) return { ok: false, error: '请输入或扫描参会者的签到码 Type or scan the attendee’s code' };
  let candidate = text;
  if (/^https?:\/\//i.test(text) || text.includes('?')) {
    // The parameter may sit in the query or in a hash route's query (`…/#/page?code=…`).
    const match = /[?&](?:code|checkInCode)=([^&#\s]+)/.exec(text);
    try {
      candidate = match ? decodeURIComponent(match[1]!) : '';
    } catch {
      candidate = '';
    }
  } else if (text.includes(':')) {
    candidate = text.slice(text.lastIndexOf(':') + 1);
  }
  candidate = candidate.replace(/\s+/g, '');
  if (!CODE.test(candidate)) return { ok: false, error: '签到码格式不正确 Not an attendee code' };
  return { ok: true, code: candidate };
}

/** Who the attendee is, in one line: `吴建国 · 上海市第九人民医院 口腔修复科 · 138****5678`. */
export function attendeeLine(attendee: MeetingAttendee): string {
  const hcp = attendee.customer.hcp;
  const where = hcp ? [hcp.hospital, hcp.department].filter(Boolean).join(' ') : '';
  return [customerDisplayName(attendee.customer.name), where, attendee.customer.phone ?? '']
    .filter(Boolean)
    .join(' · ');
}

/** The desk's big message after a check-in. */
export function checkInMessage(result: StaffMeetingCheckInResult): { headline: string; detail: string } {
  const who = customerDisplayName(result.attendee.customer.name);
  const at = result.attendee.checkedInAt ? formatDateTime(result.attendee.checkedInAt) : '';
  return result.alreadyCheckedIn
    ? { headline: `${who} 此前已签到`, detail: `签到时间 ${at} · Already checked in` }
    : { headline: `${who} 签到成功`, detail: `${attendeeLine(result.attendee)} · Checked in` };
}
