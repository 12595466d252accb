/**
 * What form inputs hold (strings) turned into what the API takes: whole numbers, yuan typed by staff to fen, and a
 * wall-clock date and time in the organisation's zone to an instant (and back, for the inputs' defaults).
 */
import { ORGANISATION_TIME_ZONE } from '../profile/format';

export type FieldErrors<F extends string> = Partial<Record<F, string>>;
export type FormResult<R, F extends string> = { ok: true; request: R } | { ok: false; errors: FieldErrors<F> };

/** A whole number written in the input (spaces around allowed), or null. */
export function wholeNumber(value: string): number | null {
  const trimmed = value.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : null;
}

/** `12`, `12.5`, `¥12.50`, `1,200` → fen; null when it is not an amount with at most two decimals. */
export function yuanToFen(value: string): number | null {
  const trimmed = value
    .trim()
    .replace(/^[¥￥]\s*/, '')
    .replace(/,/g, '');
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(trimmed);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Fen as staff type it back: `12.5` → `12.50`, `1200` → `12`. */
export function fenToYuanInput(fen: number): string {
  return fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2);
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?$/;

/** The zone's offset from UTC at an instant, in minutes (Shanghai: +480). */
function offsetMinutes(instant: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  const formatter = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  for (const part of formatter.formatToParts(new Date(instant))) parts[part.type] = part.value;
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/**
 * `2026-03-05T09:30` (a datetime-local input) or `2026-03-05` (a date input: its start) on the zone's clock → an ISO
 * instant; null when the text is no real date and time.
 */
export function zonedToIso(value: string, timeZone: string = ORGANISATION_TIME_ZONE): string | null {
  const match = LOCAL_DATE_TIME.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (hour > 23 || minute > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  // The offset at the guessed instant, then once more at the corrected one (right across a DST change too).
  let instant = wall - offsetMinutes(wall, timeZone) * 60_000;
  instant = wall - offsetMinutes(instant, timeZone) * 60_000;
  return new Date(instant).toISOString();
}

/** The last second of a calendar day (YYYY-MM-DD) on the zone's clock: a validity that ends "on" that day. */
export function zonedEndOfDayIso(date: string, timeZone: string = ORGANISATION_TIME_ZONE): string | null {
  const trimmed = date.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(trimmed) || !zonedToIso(trimmed, timeZone)) return null;
  const [year, month, day] = trimmed.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
  const nextStart = zonedToIso(next, timeZone);
  return nextStart ? new Date(new Date(nextStart).getTime() - 1000).toISOString() : null;
}

/** An instant as a datetime-local input's value on the zone's clock: `2026-03-05T09:30`. */
export function isoToZonedInput(value: string | Date, timeZone: string = ORGANISATION_TIME_ZONE): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const parts: Record<string, string> = {};
  const formatter = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  for (const part of formatter.formatToParts(date)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}
