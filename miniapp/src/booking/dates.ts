/**
 * The dates a patient can pick: the next 14 days counted in the clinic's zone (a patient travelling abroad still
 * books the clinic's "tomorrow"). Calendar dates are handled as "YYYY-MM-DD" strings with UTC arithmetic.
 */
import { isoWeekdayOf, monthDay, weekdayLabel } from './format';

export const BOOKING_DAYS = 14;

/** Zones without daylight saving that share UTC+8 (mainland China, Hong Kong, Macau, Taiwan). */
const UTC_PLUS_8 = /^(Asia\/(Shanghai|Chongqing|Chungking|Harbin|Urumqi|Hong_Kong|Macau|Taipei)|PRC|ROC|Hongkong)$/;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The calendar date of an instant at a fixed offset from UTC, in minutes. */
function dateAtOffset(now: Date, offsetMinutes: number): string {
  const shifted = new Date(now.getTime() + offsetMinutes * 60_000);
  return `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`;
}

/**
 * Today's date in the clinic's zone. Uses Intl where the JavaScript engine has it with time zone data (browsers,
 * WeChat on iOS); otherwise UTC+8 for Chinese zones and the device's own date for any other.
 */
export function clinicToday(timeZone: string, now: Date = new Date()): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).formatToParts(now);
    const part = (type: string) => parts.find((p) => p.type === type)?.value;
    const year = part('year');
    const month = part('month');
    const day = part('day');
    if (year && month && day && /^\d{4}$/.test(year)) return `${year}-${month}-${day}`;
  } catch {
    // No Intl, no formatToParts, or no data for this zone: fall through.
  }
  if (UTC_PLUS_8.test(timeZone)) return dateAtOffset(now, 8 * 60);
  return dateAtOffset(now, -now.getTimezoneOffset());
}

/** "2025-11-30" plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(year, month - 1, day + days));
  return `${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}`;
}

export interface BookingDate {
  /** "YYYY-MM-DD", clinic-local: what `GET …/slots?date=` takes. */
  date: string;
  /** "今天", "明天", "后天", or the weekday ("周五"). */
  label: string;
  /** "11月27日". */
  dayText: string;
  weekday: number;
}

/** The bookable dates from the clinic's today on: today, tomorrow, … (14 by default). */
export function bookingDates(today: string, count: number = BOOKING_DAYS): BookingDate[] {
  const relative = ['今天', '明天', '后天'];
  return Array.from({ length: count }, (_, index) => {
    const date = addDays(today, index);
    const weekday = isoWeekdayOf(date);
    return { date, label: relative[index] ?? weekdayLabel(weekday), dayText: monthDay(date), weekday };
  });
}
