/**
 * Dates and times as staff read them: in the organisation's time zone, whatever zone the browser is in.
 * The API does not give the organisation's zone to the front end yet; every organisation is created in
 * Asia/Shanghai (the BFF's default), so that is the zone used here.
 */
export const ORGANISATION_TIME_ZONE = 'Asia/Shanghai';

type Parts = { year: string; month: string; day: string; hour: string; minute: string; weekday: string };

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(date: Date, timeZone: string): Parts {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(date)) parts[part.type] = part.value;
  return parts as Parts;
}

const WEEKDAYS: Record<string, string> = {
  Mon: '周一',
  Tue: '周二',
  Wed: '周三',
  Thu: '周四',
  Fri: '周五',
  Sat: '周六',
  Sun: '周日',
};

function toDate(value: string | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `2026-03-05`: the calendar day in the zone (a key for grouping). */
export function dayKey(value: string | Date, timeZone = ORGANISATION_TIME_ZONE): string {
  const date = toDate(value);
  if (!date) return '';
  const p = partsIn(date, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** `09:05` in the zone. */
export function formatTime(value: string | Date, timeZone = ORGANISATION_TIME_ZONE): string {
  const date = toDate(value);
  if (!date) return '';
  const p = partsIn(date, timeZone);
  return `${p.hour}:${p.minute}`;
}

/** `2026-03-05 09:05` in the zone. */
export function formatDateTime(value: string | Date | null | undefined, timeZone = ORGANISATION_TIME_ZONE): string {
  if (!value) return '';
  const date = toDate(value);
  if (!date) return '';
  return `${dayKey(date, timeZone)} ${formatTime(date, timeZone)}`;
}

/** A day heading: `今天`, `昨天`, or `2026年3月5日 周四` (the year left out in the current year). */
export function formatDayHeading(value: string | Date, now: Date = new Date(), timeZone = ORGANISATION_TIME_ZONE) {
  const date = toDate(value);
  if (!date) return '';
  const key = dayKey(date, timeZone);
  if (key === dayKey(now, timeZone)) return '今天 Today';
  if (key === dayKey(new Date(now.getTime() - 86_400_000), timeZone)) return '昨天 Yesterday';
  const p = partsIn(date, timeZone);
  const sameYear = p.year === partsIn(now, timeZone).year;
  const monthDay = `${Number(p.month)}月${Number(p.day)}日`;
  return `${sameYear ? '' : `${p.year}年`}${monthDay} ${WEEKDAYS[p.weekday] ?? ''}`.trim();
}

/** `3 天前`-style age of a moment, for "last seen". */
export function formatAgo(value: string | Date | null | undefined, now: Date = new Date()): string {
  if (!value) return '';
  const date = toDate(value);
  if (!date) return '';
  const minutes = Math.floor((now.getTime() - date.getTime()) / 60_000);
  if (minutes < 1) return '刚刚';
  if (minutes < 60) return `${minutes} 分钟前`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} 小时前`;
  const days = Math.floor(hours / 24);
  if (days < 30) return `${days} 天前`;
  const months = Math.floor(days / 30);
  if (months < 12) return `${months} 个月前`;
  return `${Math.floor(days / 365)} 年前`;
}

/** Fen to `¥12.50`. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
