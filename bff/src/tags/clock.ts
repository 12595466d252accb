/**
 * Time for tag rules: one pinned `now` per evaluation run, read in the organisation's time zone. Day windows are
 * local calendar days: "the last N days" starts at local midnight N days before today, and an event leaves it at
 * the local midnight N+1 days after its own day. Tests replace the clock with `setTagClock`.
 */
import { DateTime } from 'luxon';
import { getOrganisation } from '../organisations/service';

export interface EvaluationContext {
  now: Date;
  timeZone: string;
}

let clock: () => Date = () => new Date();

/** The clock incremental evaluation and the sweep read when not given a `now` (tests pin it). */
export function setTagClock(next: (() => Date) | null): void {
  clock = next ?? (() => new Date());
}

export function tagNow(): Date {
  return clock();
}

const zones = new Map<string, { zone: string; until: number }>();
const ZONE_CACHE_MS = 60_000;

/** The organisation's time zone (cached for a minute). */
export async function organisationTimeZone(organisationId: string): Promise<string> {
  const cached = zones.get(organisationId);
  if (cached && cached.until > Date.now()) return cached.zone;
  const zone = (await getOrganisation(organisationId)).timeZone;
  zones.set(organisationId, { zone, until: Date.now() + ZONE_CACHE_MS });
  return zone;
}

export async function evaluationContext(organisationId: string, now?: Date): Promise<EvaluationContext> {
  return { now: now ?? tagNow(), timeZone: await organisationTimeZone(organisationId) };
}

const localDay = (at: Date, timeZone: string) => DateTime.fromJSDate(at, { zone: timeZone }).startOf('day');

/** The first instant of "the last `days` days" at `now`: local midnight `days` days before today. */
export function windowStart(now: Date, days: number, timeZone: string): Date {
  return localDay(now, timeZone).minus({ days }).toJSDate();
}

/**
 * The first instant at which an event at `at` is no longer within "the last `days` days"; equally, the end of
 * "within `days` days after `at`" (the end of the local day `days` days after `at`'s day).
 */
export function windowEnd(at: Date, days: number, timeZone: string): Date {
  return localDay(at, timeZone)
    .plus({ days: days + 1 })
    .toJSDate();
}

/** Today's local date (YYYY-MM-DD) at `now`. */
export function localDate(now: Date, timeZone: string): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
}

const BIRTHDAY = /^\d{4}-\d{2}-\d{2}$/;

/** The birthday (YYYY-MM-DD) a person of exactly `years` on the local date at `now` was born on at the latest. */
export function latestBirthdayForAge(years: number, now: Date, timeZone: string): string {
  return localDay(now, timeZone).minus({ years }).toISODate()!;
}

/**
 * Whole years from `birthday` (YYYY-MM-DD) to the local date at `now`, null for a missing or malformed date. One
 * definition with the compiled query: age ≥ n ⇔ birthday ≤ today minus n years (so a 29 February birthday counts
 * from 1 March in other years).
 */
export function ageAt(birthday: unknown, now: Date, timeZone: string): number | null {
  if (typeof birthday !== 'string' || !BIRTHDAY.test(birthday)) return null;
  if (!DateTime.fromISO(birthday, { zone: timeZone }).isValid) return null;
  let years = localDay(now, timeZone).year - Number(birthday.slice(0, 4));
  if (birthday > latestBirthdayForAge(years, now, timeZone)) years -= 1;
  return years < 0 ? null : years;
}

/** The local midnight from which someone born on `birthday` is `years` old. */
export function turnsAgeAt(birthday: string, years: number, timeZone: string): Date {
  let day = DateTime.fromISO(birthday, { zone: timeZone }).plus({ years });
  if (day.minus({ years }).toISODate()! < birthday) day = day.plus({ days: 1 });
  return day.startOf('day').toJSDate();
}
