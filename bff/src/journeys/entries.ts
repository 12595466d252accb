/**
 * How customers get into journeys: triggered by an event (the event subscriber), a segment now, at a time or on a
 * cron schedule (schedule runs), and key dates (scheduled per customer, entered when due). Every entry names what
 * brought the customer in (`entryKey`): the same entry enrols once, whichever instance and however often it is
 * repeated; a customer is never twice in one journey at once (the sparse unique `activeKey`); the re-entry policy
 * decides whether one who was in the journey before may come back.
 *
 * The same event subscriber ends enrolments on their journey's exit events. What it handled is marked; events it
 * lost (a crash between the store and the subscriber) are replayed by journeys/replay.ts.
 */
import { Types } from 'mongoose';
import type { EnrolOutcome, JourneyDefinition, JourneyStep } from '@careloop/shared';
import { subscribeToEvents, type StoredEvent } from '../events/service';
import { resolveCustomerId } from '../identity/merge';
import { getCustomerCoupon } from '../coupons/service';
import { ruleMembers, segmentRule, customersWithBirthdayOn } from '../tags/forJourneys';
import { selectorMatcher } from '../tags/specs';
import { isDuplicateKey } from '../db/retry';
import {
  EnrolmentModel,
  JourneyModel,
  JourneyRunModel,
  JourneyEventMarkModel,
  KeyDateModel,
  type EnrolmentDoc,
  type JourneyDoc,
  type JourneyRunDoc,
  type KeyDateDoc,
} from './model';
import { activeJourneys, loadDefinition, stepOf, type ActiveJourney } from './definitions';
import { activeKeyOf, exitEnrolment, recordJourneyEvent } from './lifecycle';
import { fault, journeyNow, journeyTimeZone } from './runtime';
import {
  birthdayOf,
  keyDateOf,
  localDate,
  localInstant,
  nextCronRun,
  nextLocalMidnight,
  sameDayIn,
  shiftDate,
  waitEnd,
} from './schedule';
import { mapLimit } from './pool';

const oid = (id: string | Types.ObjectId) => (typeof id === 'string' ? new Types.ObjectId(id) : id);
const DAY_MS = 86_400_000;
export const RUN_LEASE_MS = 10 * 60_000;

/** A journey customers can enter: its id, organisation, name and the definition of its live version. */
export interface EnterableJourney {
  id: string;
  organisationId: string;
  name: string;
  status: string;
  liveVersion: number;
  definition: JourneyDefinition;
}

/** When a step reached at `at` is due: a wait's end, or at once. */
export function arrivalDue(step: JourneyStep, at: Date, timeZone: string): Date {
  return step.type === 'wait' ? waitEnd(at, step, timeZone) : at;
}

async function enterable(doc: JourneyDoc): Promise<EnterableJourney | null> {
  if (doc.liveVersion === null) return null;
  const definition = await loadDefinition(String(doc._id), doc.liveVersion);
  if (!definition) return null;
  return {
    id: String(doc._id),
    organisationId: String(doc.organisationId),
    name: doc.name,
    status: doc.status,
    liveVersion: doc.liveVersion,
    definition,
  };
}

export async function loadEnterable(journeyId: string): Promise<EnterableJourney | null> {
  const doc = await JourneyModel.findById(journeyId).lean<JourneyDoc>();
  return doc ? enterable(doc) : null;
}

/** The entry key the re-entry policy allows: `never` folds every entry into one. */
const policyKey = (journey: EnterableJourney, entryKey: string) =>
  journey.definition.reEntry.policy === 'never' ? 'once' : entryKey;

async function newEnrolment(
  journey: EnterableJourney,
  customerId: string,
  entryKey: string,
  now: Date,
  source: string,
  timeZone: string,
) {
  const start = stepOf(journey.definition, journey.definition.start)!;
  return {
    _id: new Types.ObjectId(),
    organisationId: oid(journey.organisationId),
    journeyId: oid(journey.id),
    version: journey.liveVersion,
    customerId: oid(customerId),
    entryKey: policyKey(journey, entryKey),
    activeKey: activeKeyOf(journey.id, customerId),
    status: 'active' as const,
    state: 'waiting' as const,
    stepId: start.id,
    seq: 1,
    dueAt: arrivalDue(start, now, timeZone),
    leaseOwner: null,
    leaseToken: null,
    enteredAt: now,
    stepAt: now,
    endedAt: null,
    exitReason: null,
    error: null,
    source,
  };
}

async function recordEntered(
  journey: EnterableJourney,
  enrolment: { _id: Types.ObjectId; customerId: Types.ObjectId; enteredAt: Date },
) {
  await recordJourneyEvent({
    organisationId: journey.organisationId,
    customerId: String(enrolment.customerId),
    type: 'journey.entered',
    properties: { journeyId: journey.id, name: journey.name.slice(0, 100), version: journey.liveVersion },
    sourceEventId: `journey:${String(enrolment._id)}:entered`,
    occurredAt: enrolment.enteredAt,
  });
}

/** Customers (of `ids`) the after-N-days policy keeps out at `now`: they entered less than N days ago. */
async function reEntryBlocked(journey: EnterableJourney, customerIds: string[], now: Date): Promise<Set<string>> {
  const policy = journey.definition.reEntry;
  if (policy.policy !== 'after_days' || customerIds.length === 0) return new Set();
  const since = new Date(now.getTime() - policy.days * DAY_MS);
  const recent = await EnrolmentModel.find(
    { journeyId: oid(journey.id), customerId: { $in: customerIds.map(oid) }, enteredAt: { $gt: since } },
    { customerId: 1 },
  ).lean<Pick<EnrolmentDoc, 'customerId'>[]>();
  return new Set(recent.map((doc) => String(doc.customerId)));
}

/** Enrols one customer (idempotent by entry key). */
export async function enrolCustomer(input: {
  journey: EnterableJourney;
  customerId: string;
  entryKey: string;
  now: Date;
  source: string;
}): Promise<{ outcome: EnrolOutcome; enrolmentId: string | null }> {
  const { journey, now } = input;
  if (journey.status !== 'live') return { outcome: 'journey_not_live', enrolmentId: null };
  const customerId = await resolveCustomerId(journey.organisationId, input.customerId);
  if ((await reEntryBlocked(journey, [customerId], now)).size) {
    return { outcome: 're_entry_not_allowed', enrolmentId: null };
  }
  const timeZone = await journeyTimeZone(journey.organisationId);
  const doc = await newEnrolment(journey, customerId, input.entryKey, now, input.source, timeZone);
  try {
    await EnrolmentModel.create(doc);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const same = await EnrolmentModel.findOne({
      journeyId: doc.journeyId,
      customerId: doc.customerId,
      entryKey: doc.entryKey,
    })
      .select({ _id: 1, status: 1, customerId: 1, enteredAt: 1 })
      .lean<Pick<EnrolmentDoc, '_id' | 'status' | 'customerId' | 'enteredAt'>>();
    if (same) {
      // A crash after the enrolment was stored lost its `journey.entered`; the same entry again records it (once).
      await recordEntered(journey, same);
      // This entry was enrolled already; under `never`, any earlier entry counts.
      const inside = same.status === 'active' || same.status === 'parked';
      return {
        outcome: inside || doc.entryKey !== 'once' ? 'already_in_journey' : 're_entry_not_allowed',
        enrolmentId: String(same._id),
      };
    }
    const current = await EnrolmentModel.findOne({ activeKey: doc.activeKey })
      .select({ _id: 1 })
      .lean<{ _id: Types.ObjectId }>();
    return { outcome: 'already_in_journey', enrolmentId: current ? String(current._id) : null };
  }
  await fault({ point: 'enrolled', instanceId: 'entry', customerId });
  await recordEntered(journey, doc);
  return { outcome: 'enrolled', enrolmentId: String(doc._id) };
}

/**
 * Enrols many customers of one entry (a segment run): one unordered insert per batch, where a row that is already
 * in (duplicate key) never stops the others; re-reads which rows it stored.
 */
export async function enrolMany(input: {
  journey: EnterableJourney;
  customerIds: string[];
  entryKey: string;
  now: Date;
  source: string;
}): Promise<number> {
  const { journey, now } = input;
  const blocked = await reEntryBlocked(journey, input.customerIds, now);
  const timeZone = await journeyTimeZone(journey.organisationId);
  const docs = await Promise.all(
    input.customerIds
      .filter((id) => !blocked.has(id))
      .map((id) => newEnrolment(journey, id, input.entryKey, now, input.source, timeZone)),
  );
  if (!docs.length) return 0;
  try {
    await EnrolmentModel.collection.insertMany(docs, { ordered: false });
  } catch (error) {
    const rows = (error as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
    const list = Array.isArray(rows) ? rows : rows ? [rows] : [];
    if (!list.length || !list.every((row) => row.code === 11000)) throw error;
  }
  const stored = await EnrolmentModel.find({ _id: { $in: docs.map((doc) => doc._id) } }, { _id: 1 }).lean<
    { _id: Types.ObjectId }[]
  >();
  const ids = new Set(stored.map((doc) => String(doc._id)));
  const inserted = docs.filter((doc) => ids.has(String(doc._id)));
  await mapLimit(inserted, 16, (doc) => recordEntered(journey, doc));
  return inserted.length;
}

// ---------------------------------------------------------------------------------------------------------------
// Key dates

/** The moment a key date (local YYYY-MM-DD) fires for a journey's entry: offset days later, at the local time. */
function keyDateFireAt(
  entry: Extract<JourneyDefinition['entry'], { kind: 'key_date' }>,
  date: string,
  timeZone: string,
) {
  return localInstant(shiftDate(date, entry.offsetDays), entry.at, timeZone);
}

/**
 * Schedules a customer's entry at a key date (idempotent by key). A date whose firing day is already over is not
 * scheduled (for yearly dates: the next year's is); one firing today whose time passed enters at once.
 */
export async function scheduleKeyDate(input: {
  journey: Pick<ActiveJourney, 'id' | 'organisationId' | 'definition'>;
  customerId: string;
  key: string;
  date: string;
  now: Date;
}): Promise<boolean> {
  const { entry } = input.journey.definition;
  if (entry.kind !== 'key_date') return false;
  const timeZone = await journeyTimeZone(input.journey.organisationId);
  const today = localDate(input.now, timeZone);
  let date = input.date;
  let key = input.key;
  if (entry.yearly || entry.date.kind === 'birthday') {
    // The first anniversary whose firing day (offset at most ten years either way) is today or later.
    const thisYear = Number(today.slice(0, 4));
    const years = Array.from({ length: 23 }, (_, index) => thisYear - 11 + index);
    const next = years
      .map((year) => sameDayIn(input.date, year))
      .find((candidate) => shiftDate(candidate, entry.offsetDays) >= today);
    if (!next) return false;
    date = next;
    key = `${input.key}:${date.slice(0, 4)}`;
  } else if (shiftDate(date, entry.offsetDays) < today) {
    return false;
  }
  const fireAt = keyDateFireAt(entry, date, timeZone);
  try {
    await KeyDateModel.create({
      organisationId: oid(input.journey.organisationId),
      journeyId: oid(input.journey.id),
      customerId: oid(input.customerId),
      key,
      date,
      dueAt: fireAt < input.now ? input.now : fireAt,
      status: 'scheduled',
    });
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/** Schedules the key date an event (or the coupon a `coupon.claimed` event claimed) gives a key-date journey. */
export async function keyDateFromEvent(journey: ActiveJourney, event: StoredEvent, now: Date): Promise<void> {
  const { entry } = journey.definition;
  if (entry.kind !== 'key_date') return;
  const timeZone = await journeyTimeZone(journey.organisationId);
  if (entry.date.kind === 'event') {
    if (!journey.entryMatcher?.(event.type, event.properties)) return;
    const value = entry.date.property === null ? event.occurredAt : event.properties[entry.date.property];
    const date = keyDateOf(value, timeZone);
    if (!date) return; // missing, empty, malformed or epoch 0: never fires
    await scheduleKeyDate({
      journey,
      customerId: event.customerId,
      key: `event:${event.source}:${event.sourceEventId}`,
      date,
      now,
    });
  } else if (entry.date.kind === 'coupon_expiry' && event.type === 'coupon.claimed') {
    const couponId = event.properties.couponId;
    if (typeof couponId !== 'string') return;
    if (entry.date.templateId && event.properties.templateId !== entry.date.templateId) return;
    const coupon = await getCustomerCoupon(journey.organisationId, event.customerId, couponId).catch(() => null);
    const date = keyDateOf(coupon?.expiresAt, timeZone);
    if (!coupon || !date) return;
    await scheduleKeyDate({ journey, customerId: event.customerId, key: `coupon:${couponId}`, date, now });
  }
}

/** Enters the key dates that are due (claimed one by one, with a lease; entering is idempotent). */
export async function enterDueKeyDates(now: Date, limit: number): Promise<number> {
  let entered = 0;
  const due = await KeyDateModel.find({ status: { $in: ['scheduled', 'entering'] }, dueAt: { $lte: now } })
    .sort({ dueAt: 1 })
    .limit(limit)
    .lean<KeyDateDoc[]>();
  for (const keyDate of due) {
    const claimed = await KeyDateModel.updateOne(
      { _id: keyDate._id, status: keyDate.status, dueAt: keyDate.dueAt },
      { $set: { status: 'entering', dueAt: new Date(now.getTime() + RUN_LEASE_MS) } },
    );
    if (claimed.modifiedCount !== 1) continue;
    const journey = await loadEnterable(String(keyDate.journeyId));
    if (!journey || journey.status === 'archived') {
      await KeyDateModel.updateOne({ _id: keyDate._id }, { $set: { status: 'cancelled' } });
      continue;
    }
    if (journey.status !== 'live') {
      // Paused (or a draft again): looks again in an hour.
      await KeyDateModel.updateOne(
        { _id: keyDate._id },
        { $set: { status: 'scheduled', dueAt: new Date(now.getTime() + 3_600_000) } },
      );
      continue;
    }
    const result = await enrolCustomer({
      journey,
      customerId: String(keyDate.customerId),
      entryKey: `keydate:${keyDate.key}`,
      now,
      source: `key_date:${keyDate.date}`,
    });
    if (result.outcome === 'enrolled') entered += 1;
    await KeyDateModel.updateOne({ _id: keyDate._id }, { $set: { status: 'entered', outcome: result.outcome } });
    const { entry } = journey.definition;
    if (entry.kind === 'key_date' && (entry.yearly || entry.date.kind === 'birthday')) {
      // Next year's, for yearly dates from events (birthdays are found by the daily sweep).
      if (entry.date.kind !== 'birthday') {
        const base = keyDate.key.replace(/:\d{4}$/, '');
        const tomorrow = new Date(now.getTime() + DAY_MS);
        await scheduleKeyDate({
          journey,
          customerId: String(keyDate.customerId),
          key: base,
          date: keyDate.date,
          now: tomorrow,
        });
      }
    }
  }
  return entered;
}

// ---------------------------------------------------------------------------------------------------------------
// Segment runs: one-off, periodic, birthday sweeps

async function audienceRule(journey: EnterableJourney) {
  const { entry } = journey.definition;
  if (entry.kind !== 'one_off' && entry.kind !== 'periodic') return null;
  return 'segmentId' in entry.audience
    ? segmentRule(journey.organisationId, entry.audience.segmentId)
    : entry.audience.rule;
}

async function executeRun(run: JourneyRunDoc, instanceId: string): Promise<number> {
  const journey = await loadEnterable(String(run.journeyId));
  if (journey && journey.status === 'paused') {
    // Resumed with the journey: looked at again in an hour.
    await JourneyRunModel.updateOne({ _id: run._id }, { $set: { leaseUntil: new Date(Date.now() + 3_600_000) } });
    return 0;
  }
  let enrolled = 0;
  if (journey && journey.status === 'live') {
    const { entry } = journey.definition;
    if (entry.kind === 'key_date' && entry.date.kind === 'birthday') {
      enrolled = await birthdaySweep(journey, run.at);
    } else {
      const rule = await audienceRule(journey);
      const entryKey = run.runKey === 'oneoff' ? 'oneoff' : `run:${run.runKey}`;
      if (rule) {
        for await (const batch of ruleMembers(journey.organisationId, rule, run.at, 1000)) {
          enrolled += await enrolMany({ journey, customerIds: batch, entryKey, now: run.at, source: run.runKey });
          // Keeps the run's lease while it works through a large audience.
          await JourneyRunModel.updateOne(
            { _id: run._id, leaseOwner: instanceId },
            { $set: { leaseUntil: new Date(Date.now() + RUN_LEASE_MS) } },
          );
        }
      }
    }
  }
  await JourneyRunModel.updateOne(
    { _id: run._id },
    { $set: { status: 'done', finishedAt: new Date(), leaseUntil: null }, $inc: { enrolled } },
  );
  return enrolled;
}

/** Today's birthdays (shifted by the offset) scheduled as key dates; answers how many were scheduled. */
async function birthdaySweep(journey: EnterableJourney, now: Date): Promise<number> {
  const { entry } = journey.definition;
  if (entry.kind !== 'key_date') return 0;
  const timeZone = await journeyTimeZone(journey.organisationId);
  const today = localDate(now, timeZone);
  const birthdayDay = shiftDate(today, -entry.offsetDays);
  const monthDays = new Set([birthdayDay.slice(5)]);
  // 29 February birthdays are kept on 28 February in other years.
  if (birthdayDay.slice(5) === '02-28' && sameDayIn('2024-02-29', Number(birthdayDay.slice(0, 4))) === birthdayDay) {
    monthDays.add('02-29');
  }
  let scheduled = 0;
  for await (const { customerId, birthday } of customersWithBirthdayOn(journey.organisationId, monthDays)) {
    const valid = birthdayOf(birthday);
    if (!valid) continue;
    const active: ActiveJourney = { ...journey, status: 'live', entryMatcher: null, exitTypes: new Set() };
    if (await scheduleKeyDate({ journey: active, customerId, key: 'birthday', date: valid, now })) scheduled += 1;
  }
  return scheduled;
}

/** The run after this one of a journey's schedule, or null. */
async function followingRun(journey: JourneyDoc, definition: JourneyDefinition, now: Date): Promise<Date | null> {
  const { entry } = definition;
  const timeZone = await journeyTimeZone(String(journey.organisationId));
  if (entry.kind === 'periodic') {
    const after = journey.nextRunAt && journey.nextRunAt > now ? journey.nextRunAt : now;
    return nextCronRun(entry.cron, timeZone, after);
  }
  if (entry.kind === 'key_date' && entry.date.kind === 'birthday') return nextLocalMidnight(now, timeZone);
  return null;
}

/** Takes and carries out the schedule runs that are due, and resumes runs a crashed instance left. */
export async function runDueSchedules(now: Date, instanceId: string): Promise<number> {
  let enrolled = 0;
  const due = await JourneyModel.find({ status: 'live', nextRunAt: { $ne: null, $lte: now } })
    .limit(50)
    .lean<JourneyDoc[]>();
  for (const journey of due) {
    if (journey.liveVersion === null) continue;
    const definition = await loadDefinition(String(journey._id), journey.liveVersion);
    if (!definition) continue;
    const timeZone = await journeyTimeZone(String(journey.organisationId));
    const occurrence = journey.nextRunAt!;
    const runKey =
      definition.entry.kind === 'one_off'
        ? 'oneoff'
        : definition.entry.kind === 'periodic'
          ? `periodic:${occurrence.toISOString()}`
          : `birthday:${localDate(now, timeZone)}`;
    const taken = await JourneyModel.updateOne(
      { _id: journey._id, status: 'live', nextRunAt: occurrence },
      { $set: { nextRunAt: await followingRun(journey, definition, now), lastRunKey: runKey } },
    );
    if (taken.modifiedCount !== 1) continue; // another instance took it
    let run: JourneyRunDoc;
    try {
      run = (
        await JourneyRunModel.create({
          organisationId: journey.organisationId,
          journeyId: journey._id,
          runKey,
          at: now,
          status: 'running',
          leaseUntil: new Date(now.getTime() + RUN_LEASE_MS),
          leaseOwner: instanceId,
        })
      ).toObject() as JourneyRunDoc;
    } catch (error) {
      if (isDuplicateKey(error)) continue; // this occurrence ran already
      throw error;
    }
    enrolled += await executeRun(run, instanceId);
  }
  const stale = await JourneyRunModel.find({ status: 'running', leaseUntil: { $lte: now } })
    .limit(10)
    .lean<JourneyRunDoc[]>();
  for (const run of stale) {
    const taken = await JourneyRunModel.updateOne(
      { _id: run._id, status: 'running', leaseUntil: run.leaseUntil },
      { $set: { leaseUntil: new Date(now.getTime() + RUN_LEASE_MS), leaseOwner: instanceId } },
    );
    if (taken.modifiedCount === 1) enrolled += await executeRun(run, instanceId);
  }
  return enrolled;
}

// ---------------------------------------------------------------------------------------------------------------
// The event subscriber: triggered entries, exits, key dates from events

/** Ends the enrolments the event is an exit event of (entered by `enteredBy`, when given); true when any journey
 * has exits of the event's type. */
async function exitOnEvent(
  journeys: ActiveJourney[],
  event: StoredEvent,
  now: Date,
  enteredBy: Date | null = null,
): Promise<boolean> {
  const concerned = journeys.filter((journey) => journey.exitTypes.has(event.type));
  if (!concerned.length) return false;
  // One lookup per journey by the unique `activeKey`: mongo-java-server serves only an exactly named unique index,
  // and a query by customer and status scanned every enrolment for every event.
  const found = await Promise.all(
    concerned.map((journey) =>
      EnrolmentModel.findOne({ activeKey: activeKeyOf(journey.id, event.customerId) }).lean<EnrolmentDoc>(),
    ),
  );
  const enrolments = found.filter(
    (enrolment): enrolment is EnrolmentDoc =>
      enrolment?.status === 'active' &&
      String(enrolment.organisationId) === event.organisationId &&
      (!enteredBy || enrolment.enteredAt <= enteredBy),
  );
  for (const enrolment of enrolments) {
    const definition = await loadDefinition(String(enrolment.journeyId), enrolment.version);
    const matches = definition?.exitOn.some((filter) =>
      selectorMatcher({ types: [filter.event], where: filter.where })(event.type, event.properties),
    );
    if (matches) await exitEnrolment(enrolment, `event:${event.type}`, now);
  }
  return true;
}

/**
 * One pass of an event through the journeys: the live subscriber's (at once, as things are now), or the replay's
 * of an event the subscriber lost (journeys/replay.ts: as things were when the event was received).
 */
export interface EventPass {
  /** When entries and key dates count from: the subscriber's clock; the replay: when the event was received. */
  now: Date;
  /** When exits happen. */
  exitAt: Date;
  /** Only enrolments entered by then exit (the replay: not those who entered after the event came), or null. */
  enteredBy: Date | null;
  /** The journey (its live version) as customers entered it when the event came, or null: it was not live then. */
  liveAtEvent(journey: ActiveJourney): Promise<ActiveJourney | null>;
}

/** The key a journey's entry by this event is enrolled once under. */
export const eventEntryKey = (event: Pick<StoredEvent, 'source' | 'sourceEventId'>) =>
  `event:${event.source}:${event.sourceEventId}`;

/**
 * Runs the journeys' exits, triggered entries and key dates for one event; true when any journey was concerned
 * (then the event is marked handled, and the replay skips it). Every effect is idempotent: an entry by its entry
 * key, an exit by its conditional update, a key date by its unique key.
 */
export async function passEventToJourneys(event: StoredEvent, pass: EventPass): Promise<boolean> {
  const journeys = await activeJourneys(event.organisationId);
  if (!journeys.length) return false;
  let concerned = await exitOnEvent(journeys, event, pass.exitAt, pass.enteredBy);
  for (const current of journeys) {
    const journey = await pass.liveAtEvent(current);
    if (!journey) continue;
    const { entry } = journey.definition;
    if (entry.kind === 'triggered' && journey.entryMatcher?.(event.type, event.properties)) {
      concerned = true;
      await enrolCustomer({
        journey: { ...journey, status: 'live' },
        customerId: event.customerId,
        entryKey: eventEntryKey(event),
        now: pass.now,
        source: `event:${event.type}`,
      });
    } else if (entry.kind === 'key_date') {
      if (
        entry.date.kind === 'event'
          ? journey.entryMatcher?.(event.type, event.properties)
          : entry.date.kind === 'coupon_expiry' && event.type === 'coupon.claimed'
      ) {
        concerned = true;
      }
      await keyDateFromEvent(journey, event, pass.now);
    }
  }
  return concerned;
}

/** Marks events journeys have handled (the replay skips them). */
export async function markEventsHandled(
  events: Pick<StoredEvent, 'organisationId' | 'source' | 'sourceEventId'>[],
  at: Date,
): Promise<void> {
  if (!events.length) return;
  try {
    await JourneyEventMarkModel.collection.insertMany(
      events.map((event) => ({ key: eventMarkKey(event), at })),
      { ordered: false },
    );
  } catch (error) {
    const rows = (error as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
    const list = Array.isArray(rows) ? rows : rows ? [rows] : [];
    if (!list.length || !list.every((row) => row.code === 11000)) throw error;
  }
}

export const eventMarkKey = (event: Pick<StoredEvent, 'organisationId' | 'source' | 'sourceEventId'>) =>
  `${event.organisationId}:${event.source}:${event.sourceEventId}`;

/** The event subscriber: as the journeys are now (live ones enter, live and paused ones exit). */
export async function onEventForJourneys(event: StoredEvent): Promise<void> {
  await fault({ point: 'event_subscriber', instanceId: 'subscriber', customerId: event.customerId });
  const now = journeyNow();
  const concerned = await passEventToJourneys(event, {
    now,
    exitAt: now,
    enteredBy: null,
    liveAtEvent: async (journey) => (journey.status === 'live' ? journey : null),
  });
  if (concerned) await markEventsHandled([event], new Date());
}

subscribeToEvents({ name: 'journeys', handle: onEventForJourneys });
