/**
 * Journey time, in the organisation's time zone: waits (a duration, then the next weekday/time), quiet hours,
 * cron schedules (croner) and key dates, including the rule that a missing, empty, malformed or epoch-0 date never
 * fires. Pure functions of their inputs (no clock of their own).
 */
import { Cron } from 'croner';
import { DateTime } from 'luxon';
import type { QuietHours, WaitDuration } from '@careloop/shared';

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** The local calendar date (YYYY-MM-DD) at `at`. */
export function localDate(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toISODate()!;
}

/** The instant of a local date and time (HH:mm) in the zone. */
export function localInstant(date: string, time: string, timeZone: string): Date {
  return DateTime.fromISO(`${date}T${time}`, { zone: timeZone }).toJSDate();
}

/** When a wait that starts at `from` ends: after the duration, then at the next `until` time on an allowed weekday. */
export function waitEnd(
  from: Date,
  wait: { duration?: WaitDuration; until?: { weekdays?: number[]; time: string } },
  timeZone: string,
): Date {
  let at = DateTime.fromJSDate(from, { zone: timeZone });
  if (wait.duration) {
    at = at
      .plus({ days: wait.duration.days ?? 0 })
      .plus({ hours: wait.duration.hours ?? 0, minutes: wait.duration.minutes ?? 0 });
  }
  if (wait.until) {
    const minutes = minutesOf(wait.until.time);
    let candidate = at.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 });
    if (candidate < at) candidate = candidate.plus({ days: 1 });
    const weekdays = wait.until.weekdays;
    for (let i = 0; weekdays && i < 7 && !weekdays.includes(candidate.weekday); i++) {
      candidate = candidate.plus({ days: 1 });
    }
    at = candidate;
  }
  return at.toJSDate();
}

/** When quiet hours that contain `now` end; null when `now` is outside them. */
export function quietHoursEnd(now: Date, quiet: QuietHours | null, timeZone: string): Date | null {
  if (!quiet) return null;
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const endToday = local.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  if (start < end) return minute >= start && minute < end ? endToday.toJSDate() : null;
  if (minute >= start) return endToday.plus({ days: 1 }).toJSDate();
  if (minute < end) return endToday.toJSDate();
  return null;
}

/** Why a cron pattern is not valid, or null when it is. */
export function cronProblem(pattern: string, timeZone: string): string | null {
  try {
    const cron = new Cron(pattern, { timezone: timeZone, paused: true });
    const next = cron.nextRun();
    cron.stop();
    return next ? null : 'the schedule never runs';
  } catch (error) {
    return (error as Error).message;
  }
}

/** The schedule's first occurrence strictly after `after`, or null. */
export function nextCronRun(pattern: string, timeZone: string, after: Date): Date | null {
  const cron = new Cron(pattern, { timezone: timeZone, paused: true });
  const next = cron.nextRun(after);
  cron.stop();
  return next;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** Dates that stand for "unknown" in imported or defaulted data. */
const PLACEHOLDER_DATES = new Set(['1970-01-01', '1900-01-01', '0001-01-01', '0000-00-00']);

/**
 * The local date (YYYY-MM-DD) a key-date value stands for, or null when it is missing, empty, malformed, epoch 0
 * (or earlier) or a known placeholder: such a date never fires.
 */
export function keyDateOf(value: unknown, timeZone: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    const text = value.trim();
    if (!text || PLACEHOLDER_DATES.has(text.slice(0, 10))) return null;
    if (DATE_ONLY.test(text)) {
      const day = DateTime.fromISO(text, { zone: timeZone });
      return day.isValid && day.year > 1900 ? text : null;
    }
    const at = DateTime.fromISO(text, { zone: timeZone });
    if (!at.isValid || at.toMillis() <= 0) return null;
    const date = at.toISODate();
    return date && !PLACEHOLDER_DATES.has(date) ? date : null;
  }
  if (value instanceof Date || typeof value === 'number') {
    const millis = value instanceof Date ? value.getTime() : value;
    if (!Number.isFinite(millis) || millis <= 0) return null;
    const date = DateTime.fromMillis(millis, { zone: timeZone }).toISODate();
    return date && !PLACEHOLDER_DATES.has(date) ? date : null;
  }
  return null;
}

/** A birthday (YYYY-MM-DD) that can fire, or null (missing, malformed, placeholder). */
export function birthdayOf(value: unknown): string | null {
  if (typeof value !== 'string' || !DATE_ONLY.test(value) || PLACEHOLDER_DATES.has(value)) return null;
  const day = DateTime.fromISO(value);
  return day.isValid && day.year > 1900 ? value : null;
}

/** The local date `days` after `date` (negative: before). */
export function shiftDate(date: string, days: number): string {
  return DateTime.fromISO(date).plus({ days }).toISODate()!;
}

/** The same month and day in `year` (29 February becomes 28 February in other years). */
export function sameDayIn(date: string, year: number): string {
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  const inYear = DateTime.fromObject({ year, month, day });
  return (inYear.isValid ? inYear : DateTime.fromObject({ year, month, day: day - 1 })).toISODate()!;
}

/** The next local midnight after `now`. */
export function nextLocalMidnight(now: Date, timeZone: string): Date {
  return DateTime.fromJSDate(now, { zone: timeZone }).startOf('day').plus({ days: 1 }).toJSDate();
}

/** Keeps text within `max` characters (WeChat's thing fields hold 20). */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : text;
}
