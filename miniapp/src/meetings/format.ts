/**
 * How a meeting reads on screen. Its times are shown in the meeting's own zone (`timeZone`, the organisation's):
 * the agenda's times are local to it, and an attendee travels to the venue's clock. Fees are in yuan (feeText).
 */
import { formatFen } from '../booking/format';
import type { CustomerMeeting, CustomerMeetingSummary, MeetingAudience, MyRegistration } from './types';

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  if (!formatters.has(timeZone)) {
    let formatter: Intl.DateTimeFormat | null = null;
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      formatter = null; // an unknown zone, or a runtime without time zone data
    }
    formatters.set(timeZone, formatter);
  }
  return formatters.get(timeZone) ?? null;
}

/**
 * Minutes east of UTC of `timeZone` at the instant `at`; the device's own offset when the runtime cannot tell
 * (no Intl time zone support in an old WeChat engine, or an unknown zone).
 */
export function zoneOffsetMinutes(timeZone: string, at: number): number {
  const formatter = formatterFor(timeZone);
  if (formatter) {
    try {
      const parts: Record<string, number> = {};
      for (const part of formatter.formatToParts(new Date(at))) {
        if (part.type !== 'literal') parts[part.type] = Number(part.value);
      }
      const local = Date.UTC(
        parts.year ?? 0,
        (parts.month ?? 1) - 1,
        parts.day ?? 1,
        parts.hour === 24 ? 0 : (parts.hour ?? 0),
        parts.minute ?? 0,
        parts.second ?? 0,
      );
      const offset = Math.round((local - Math.floor(at / 1000) * 1000) / 60_000);
      if (Number.isFinite(offset)) return offset;
    } catch {
      // fall through to the device's zone
    }
  }
  return -new Date(at).getTimezoneOffset();
}

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  weekday: string;
  time: string;
}

function local(iso: string, timeZone: string): LocalParts | null {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  const shifted = new Date(at + zoneOffsetMinutes(timeZone, at) * 60_000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    weekday: WEEKDAYS[shifted.getUTCDay()] ?? '',
    time: `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}`,
  };
}

/** "2025年12月26日（周五）14:00" in the meeting's zone. */
export function meetingDateTimeText(iso: string, timeZone: string): string {
  const at = local(iso, timeZone);
  return at ? `${at.year}年${at.month}月${at.day}日（${at.weekday}）${at.time}` : '';
}

/** "12月26日 14:00" in the meeting's zone (short, for deadlines and windows). */
export function shortDateTimeText(iso: string, timeZone: string): string {
  const at = local(iso, timeZone);
  return at ? `${at.month}月${at.day}日 ${at.time}` : '';
}

/**
 * When a meeting happens: "2025年12月26日（周五）14:00–17:00" on one day, or both ends in full when it spans days.
 */
export function meetingTimeText(meeting: Pick<CustomerMeetingSummary, 'startsAt' | 'endsAt' | 'timeZone'>): string {
  const start = local(meeting.startsAt, meeting.timeZone);
  const end = local(meeting.endsAt, meeting.timeZone);
  if (!start || !end) return '';
  if (start.year === end.year && start.month === end.month && start.day === end.day) {
    return `${meetingDateTimeText(meeting.startsAt, meeting.timeZone)}–${end.time}`;
  }
  return `${meetingDateTimeText(meeting.startsAt, meeting.timeZone)} 至 ${meetingDateTimeText(meeting.endsAt, meeting.timeZone)}`;
}

const AUDIENCES: Record<MeetingAudience, string> = {
  hcp: '医生专场',
  patient: '患者活动',
  public: '公开活动',
};

export function audienceLabel(audience: string): string {
  return AUDIENCES[audience as MeetingAudience] ?? audience;
}

/** Where: the venue's name (and address), "线上会议", or both. */
export function placeText(meeting: {
  venue?: { name: string; address: string } | null;
  venueName?: string | null;
  online?: boolean;
  onlineUrl?: string | null;
}): string {
  const venue = meeting.venue?.name ?? meeting.venueName ?? null;
  const online = meeting.online ?? Boolean(meeting.onlineUrl);
  if (venue && online) return `${venue} · 同步线上直播`;
  if (venue) return venue;
  return online ? '线上会议' : '';
}

/** The places line: "剩余 12 个名额", "名额已满，可加入候补", "名额已满". */
export function placesText(meeting: Pick<CustomerMeeting, 'placesLeft' | 'waitlistOpen' | 'capacity'>): string {
  if (meeting.placesLeft > 0) return `剩余 ${meeting.placesLeft} 个名额（共 ${meeting.capacity} 个）`;
  return meeting.waitlistOpen ? '名额已满，可加入候补' : '名额已满';
}

/** The badge of my registration: 已报名, 已签到, 候补第 3 位, 付款超时, 已取消. */
export function registrationLabel(
  registration: Pick<MyRegistration, 'status' | 'waitlistPosition' | 'checkedInAt'> &
    Partial<Pick<MyRegistration, 'cancelReason'>>,
): string {
  switch (registration.status) {
    case 'confirmed':
      return registration.checkedInAt ? '已签到' : '已报名';
    case 'awaiting_payment':
      return '待付款';
    case 'waitlisted':
      return registration.waitlistPosition ? `候补第 ${registration.waitlistPosition} 位` : '候补中';
    default:
      return registration.cancelReason === 'unpaid' ? '付款超时' : '已取消';
  }
}

/**
 * Why my registration is cancelled, in words, with when: a hold not paid in time ("未在时限内支付，名额已释放"), my
 * own cancel, the meeting's, a sign-up that found no place or did not finish. Null unless cancelled.
 */
export function cancelledText(
  registration: Pick<MyRegistration, 'status' | 'cancelReason' | 'cancelledAt' | 'holdExpiresAt'>,
  timeZone: string,
): string | null {
  if (registration.status !== 'cancelled') return null;
  const at = (iso: string | null) => (iso ? shortDateTimeText(iso, timeZone) : '');
  switch (registration.cancelReason) {
    case 'unpaid': {
      const deadline = at(registration.holdExpiresAt ?? registration.cancelledAt);
      return deadline ? `未在时限内支付，名额已释放（付款截止 ${deadline}）` : '未在时限内支付，名额已释放';
    }
    case 'by_customer': {
      const when = at(registration.cancelledAt);
      return when ? `你已于 ${when} 取消报名` : '你已取消报名';
    }
    case 'meeting_cancelled':
      return '会议已取消，你的报名随之取消';
    case 'full':
      return '报名时名额和候补都已满，未能报上';
    case 'incomplete':
      return '上次报名未能完成';
    default:
      return '报名已取消';
  }
}

/** A meeting's fee: 免费, or ¥199.00. */
export function feeText(feeFen: number): string {
  return feeFen > 0 ? formatFen(feeFen) : '免费';
}

/** Where a paid registration's money stands, in words; null for a free one or nothing to say. */
export function feeStatusText(
  registration: Pick<MyRegistration, 'feeFen' | 'paidAt' | 'refundFen' | 'refundedAt' | 'status'>,
): string | null {
  if (!registration.feeFen) return null;
  if (registration.refundedAt) return `已退款 ${formatFen(registration.refundFen ?? registration.feeFen)}，原路退回`;
  if (registration.refundFen) return `退款中 ${formatFen(registration.refundFen)}，将原路退回`;
  if (registration.paidAt) return `已支付 ${formatFen(registration.feeFen)}`;
  return null; // unpaid: a held place says so itself, a lapsed one in cancelledText
}

/** A meeting's own state when it is not simply open: 已结束, 已取消, 进行中. */
export function meetingPhaseLabel(
  meeting: Pick<CustomerMeetingSummary, 'status' | 'startsAt' | 'endsAt'>,
  now: number,
): string | null {
  if (meeting.status === 'cancelled') return '会议已取消';
  if (meeting.status === 'finished' || Date.parse(meeting.endsAt) <= now) return '已结束';
  if (Date.parse(meeting.startsAt) <= now) return '进行中';
  return null;
}

/** "签到码 ABCD EFGH …": the code in groups of four, easy to read out at the desk. */
export function checkInCodeText(code: string): string {
  return code.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}
