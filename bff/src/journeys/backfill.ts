/**
 * Key dates for what was stored before a key-date journey went live. The event subscriber schedules a key date for
 * each event (or claimed coupon) from the moment the journey is live; a journey whose dates come from events or
 * coupon expiries also needs the dates of the events and coupons already stored when its live version was published
 * (when it was enabled, and again when a new version went live). Birthdays need none: the daily birthday sweep (a
 * schedule run, the first one at enabling) finds each day's birthdays on the profiles as they are that day.
 *
 * One backfill per live version (unique journeyId + version), found by the periodic job: resumable from its cursor,
 * held with a lease, in batches. Scheduling is idempotent (a key date is unique per journey, customer and key, the
 * same keys the subscriber uses), so a repeated batch or a date the subscriber scheduled as well schedules once.
 * Dates whose firing day is over are not scheduled (scheduleKeyDate); missing, empty and epoch dates never are
 * (keyDateOf). Only live journeys are backfilled: a version published while paused is when the journey resumes.
 */
import { Types } from 'mongoose';
import type { JourneyDefinition } from '@careloop/shared';
import { eventsOfTypeAfter } from '../events/service';
import { listCouponsForKeyDates } from '../coupons/service';
import { selectorMatcher } from '../tags/specs';
import { isDuplicateKey } from '../db/retry';
import { JourneyBackfillModel, JourneyModel, type JourneyBackfillDoc, type JourneyDoc } from './model';
import { loadDefinition } from './definitions';
import { eventEntryKey, scheduleKeyDate } from './entries';
import { keyDateOf } from './schedule';
import { defaultInstanceId, journeyNow, journeyTimeZone } from './runtime';

const DAY_MS = 86_400_000;
const LEASE_MS = 5 * 60_000;

type KeyDateEntry = Extract<JourneyDefinition['entry'], { kind: 'key_date' }>;

/** Whether a definition's key dates come from stored records (then a new live version is backfilled). */
export function needsKeyDateBackfill(definition: JourneyDefinition): boolean {
  const { entry } = definition;
  return entry.kind === 'key_date' && (entry.date.kind === 'event' || entry.date.kind === 'coupon_expiry');
}

export interface BackfillResult {
  /** Backfills worked on in this run, and of them finished. */
  journeys: number;
  finished: number;
  read: number;
  scheduled: number;
}

interface Batch {
  read: number;
  scheduled: number;
  cursor: { at: Date; id: string } | null;
}

/**
 * The earliest record time that can still fire: a firing day (date + offset) from today on means a date from
 * today - offset on (two days' slack for time zones). Yearly dates fire every year: every record counts.
 */
const earliestDate = (entry: KeyDateEntry, now: Date) =>
  entry.yearly ? null : new Date(now.getTime() - (entry.offsetDays + 2) * DAY_MS);

async function eventBatch(
  journey: { id: string; organisationId: string; definition: JourneyDefinition },
  entry: KeyDateEntry & { date: { kind: 'event' } },
  cursor: Batch['cursor'],
  limit: number,
  now: Date,
): Promise<Batch> {
  const timeZone = await journeyTimeZone(journey.organisationId);
  const matches = selectorMatcher({ types: [entry.date.event], where: entry.date.where });
  // A date in a property (e.g. a visit booked ahead) can be any time after the event: only occurredAt is bounded.
  const since = entry.date.property === null ? earliestDate(entry, now) : null;
  const events = await eventsOfTypeAfter(journey.organisationId, entry.date.event, {
    since,
    after: cursor && { occurredAt: cursor.at, id: cursor.id },
    limit,
  });
  let scheduled = 0;
  for (const event of events) {
    if (!matches(event.type, event.properties)) continue;
    const value = entry.date.property === null ? event.occurredAt : event.properties[entry.date.property];
    const date = keyDateOf(value, timeZone);
    if (!date) continue;
    const key = eventEntryKey(event);
    if (await scheduleKeyDate({ journey, customerId: event.customerId, key, date, now })) scheduled += 1;
  }
  const last = events.at(-1);
  return { read: events.length, scheduled, cursor: last ? { at: last.occurredAt, id: last.id } : cursor };
}

async function couponBatch(
  journey: { id: string; organisationId: string; definition: JourneyDefinition },
  entry: KeyDateEntry & { date: { kind: 'coupon_expiry' } },
  cursor: Batch['cursor'],
  limit: number,
  now: Date,
): Promise<Batch> {
  const timeZone = await journeyTimeZone(journey.organisationId);
  const coupons = await listCouponsForKeyDates(journey.organisationId, {
    templateId: entry.date.templateId,
    expiresFrom: earliestDate(entry, now) ?? new Date(0),
    after: cursor && { expiresAt: cursor.at, id: cursor.id },
    limit,
  });
  let scheduled = 0;
  for (const coupon of coupons) {
    const date = keyDateOf(coupon.expiresAt, timeZone);
    if (!date) continue;
    const key = `coupon:${coupon.id}`;
    if (await scheduleKeyDate({ journey, customerId: coupon.customerId, key, date, now })) scheduled += 1;
  }
  const last = coupons.at(-1);
  return { read: coupons.length, scheduled, cursor: last ? { at: last.expiresAt, id: last.id } : cursor };
}

/** Takes the backfill of the journey's live version (creating it), or null: done, or another instance has it. */
async function takeBackfill(journey: JourneyDoc, instanceId: string): Promise<JourneyBackfillDoc | null> {
  const key = { journeyId: journey._id, version: journey.liveVersion ?? 0 };
  const existing = await JourneyBackfillModel.findOne(key).lean<JourneyBackfillDoc>();
  if (existing?.status === 'done') return null;
  if (!existing) {
    try {
      await JourneyBackfillModel.create({
        ...key,
        organisationId: journey.organisationId,
        status: 'running',
        cursor: null,
        leaseUntil: new Date(0),
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  const clock = new Date();
  const taken = await JourneyBackfillModel.updateOne(
    { ...key, status: 'running', leaseUntil: { $lte: clock } },
    { $set: { leaseOwner: instanceId, leaseUntil: new Date(clock.getTime() + LEASE_MS) } },
  );
  if (taken.modifiedCount !== 1) return null;
  return JourneyBackfillModel.findOne({ ...key, leaseOwner: instanceId }).lean<JourneyBackfillDoc>();
}

/**
 * The periodic job: works through the backfills of live key-date journeys' versions that are not done, in batches,
 * up to `maxItems` records a run (the rest next run, from the saved cursor).
 */
export async function runKeyDateBackfills(
  options: { now?: Date; instanceId?: string; batchSize?: number; maxItems?: number } = {},
): Promise<BackfillResult> {
  const now = options.now ?? journeyNow();
  const instanceId = options.instanceId ?? defaultInstanceId;
  const batchSize = options.batchSize ?? 500;
  const maxItems = options.maxItems ?? 20_000;
  const result: BackfillResult = { journeys: 0, finished: 0, read: 0, scheduled: 0 };
  const journeys = await JourneyModel.find({ status: 'live', entryKind: 'key_date', liveVersion: { $ne: null } })
    .limit(500)
    .lean<JourneyDoc[]>();
  for (const journey of journeys) {
    if (result.read >= maxItems) break;
    const definition = await loadDefinition(String(journey._id), journey.liveVersion!);
    if (!definition || !needsKeyDateBackfill(definition)) continue;
    const entry = definition.entry as KeyDateEntry;
    const row = await takeBackfill(journey, instanceId);
    if (!row) continue;
    result.journeys += 1;
    const target = { id: String(journey._id), organisationId: String(journey.organisationId), definition };
    let cursor = row.cursor;
    let endReason: string | null = null;
    for (;;) {
      const limit = Math.min(batchSize, maxItems - result.read);
      if (limit <= 0) break;
      const batch =
        entry.date.kind === 'event'
          ? await eventBatch(target, { ...entry, date: entry.date }, cursor, limit, now)
          : entry.date.kind === 'coupon_expiry'
            ? await couponBatch(target, { ...entry, date: entry.date }, cursor, limit, now)
            : { read: 0, scheduled: 0, cursor };
      cursor = batch.cursor;
      result.read += batch.read;
      result.scheduled += batch.scheduled;
      const done = batch.read < limit;
      const current = await JourneyModel.findById(journey._id, { status: 1, liveVersion: 1 }).lean<
        Pick<JourneyDoc, 'status' | 'liveVersion'>
      >();
      if (!done && current?.liveVersion !== journey.liveVersion) endReason = 'superseded';
      else if (!done && current?.status !== 'live') endReason = `journey_${current?.status ?? 'deleted'}`;
      const finished = done || endReason !== null;
      const clock = new Date();
      const saved = await JourneyBackfillModel.updateOne(
        { _id: row._id, leaseOwner: instanceId, status: 'running' },
        {
          $set: {
            cursor,
            leaseUntil: finished ? clock : new Date(clock.getTime() + LEASE_MS),
            ...(finished && { status: 'done', finishedAt: clock, endReason, leaseOwner: null }),
          },
          $inc: { read: batch.read, scheduled: batch.scheduled },
        },
      );
      if (saved.matchedCount !== 1) break; // the lease was lost: another instance goes on from the saved cursor
      if (finished) {
        result.finished += 1;
        break;
      }
    }
    if (result.read >= maxItems) {
      // The budget ran out: the lease is given back so that the next run goes on at once.
      await JourneyBackfillModel.updateOne(
        { _id: row._id, leaseOwner: instanceId, status: 'running' },
        { $set: { leaseUntil: new Date(), leaseOwner: null } },
      );
    }
  }
  return result;
}

/** The backfill of one journey version, for tests and the workbench: its progress, or null. */
export async function keyDateBackfillOf(journeyId: string, version: number): Promise<JourneyBackfillDoc | null> {
  return JourneyBackfillModel.findOne({
    journeyId: new Types.ObjectId(journeyId),
    version,
  }).lean<JourneyBackfillDoc>();
}
