/**
 * Behaviour events: batch ingestion from the mini-program, `recordEvent` for the backend's domains, the timeline
 * and the activity helpers the profile uses. Importing this module plugs events into the merge and into the
 * customer's data export and erasure.
 */
import { Types } from 'mongoose';
import {
  ClientEventEnvelope,
  EVENT_MAX_AGE_MS,
  EVENT_MAX_FUTURE_MS,
  eventPropertiesSchema,
  isClientEventType,
  isServerEventType,
  type EventRejection,
  type EventRejectionCode,
  type EventSource,
  type IngestEventsResponse,
  type TimelineEvent,
  type TimelinePage,
} from '@careloop/shared';
import type { z } from 'zod';
import { AppError } from '../http/errors';
import { isDuplicateKey } from '../db/retry';
import { registerMergeStep } from '../identity/mergeSteps';
import { registerPrivacyContributor } from '../privacy/contributors';
import { EventModel, type EventDocument } from './model';

/** Largest serialised `properties` recordEvent stores. */
const MAX_PROPERTIES_BYTES = 4096;

const oid = (id: string) => new Types.ObjectId(id);

/** The stored id of a mini-program event: the client's id, scoped to the customer who sent it. */
const miniappSourceEventId = (customerId: string, clientEventId: string) => `${customerId}:${clientEventId}`;

function describeIssues(issues: readonly z.core.$ZodIssue[], prefix: string): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

type Checked =
  | { ok: true; id: string; type: string; occurredAt: Date; properties: Record<string, unknown> }
  | { ok: false; code: EventRejectionCode; message: string };

/** Checks one client event against the catalogue and the server clock; nothing is clamped or corrected. */
function checkClientEvent(raw: unknown, now: number): Checked {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      code: 'INVALID_EVENT',
      message: 'An event must be an object { id, type, occurredAt, properties }',
    };
  }
  const envelope = ClientEventEnvelope.safeParse(raw);
  if (!envelope.success) {
    return { ok: false, code: 'INVALID_EVENT', message: describeIssues(envelope.error.issues, '') };
  }
  const { id, type, occurredAt } = envelope.data;
  if (!isClientEventType(type)) {
    return isServerEventType(type)
      ? { ok: false, code: 'SERVER_ONLY_TYPE', message: `Only the server records ${type} events` }
      : { ok: false, code: 'UNKNOWN_TYPE', message: `Unknown event type ${JSON.stringify(type)}` };
  }
  const at = new Date(occurredAt);
  const time = at.getTime();
  if (time > now + EVENT_MAX_FUTURE_MS) {
    return {
      ok: false,
      code: 'TIMESTAMP_IN_FUTURE',
      message: `occurredAt is more than ${EVENT_MAX_FUTURE_MS / 60_000} minutes ahead of the server clock`,
    };
  }
  if (time < now - EVENT_MAX_AGE_MS) {
    return {
      ok: false,
      code: 'TIMESTAMP_TOO_OLD',
      message: `occurredAt is more than ${EVENT_MAX_AGE_MS / 86_400_000} days in the past`,
    };
  }
  const properties = eventPropertiesSchema(type)!.safeParse(envelope.data.properties ?? {});
  if (!properties.success) {
    return { ok: false, code: 'INVALID_PROPERTIES', message: describeIssues(properties.error.issues, 'properties') };
  }
  return { ok: true, id, type, occurredAt: at, properties: properties.data };
}

/**
 * Inserts documents unordered and returns how many were already stored (duplicate keys). Any other failure of
 * any row is thrown: only "already there" counts as success.
 */
async function insertUnordered(docs: Omit<EventDocument, '_id'>[]): Promise<Set<number>> {
  if (docs.length === 0) return new Set();
  try {
    await EventModel.insertMany(docs, { ordered: false, lean: true });
    return new Set();
  } catch (error) {
    const failure = error as { writeErrors?: unknown; writeConcernError?: unknown };
    if (failure.writeErrors === undefined || failure.writeConcernError) throw error;
    const writeErrors = [failure.writeErrors].flat() as { code?: number; index?: number }[];
    if (writeErrors.length === 0 || !writeErrors.every((writeError) => writeError.code === 11000)) throw error;
    return new Set(writeErrors.map((writeError) => writeError.index ?? -1));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Subscribers

/** An event as stored, handed to subscribers once, right after it was stored (never for a duplicate). */
export interface StoredEvent {
  organisationId: string;
  customerId: string;
  type: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
  source: EventSource;
  sourceEventId: string;
  actor: string | null;
}

/**
 * A domain that reacts to events (campaign counters, dynamic tags …) subscribes here. Subscribers run in the
 * process that stored the event, after the store, one after another; a subscriber's failure is logged and does
 * not fail the caller (the event is stored either way), so what must not be lost needs its own repair pass.
 */
export interface EventSubscriber {
  name: string;
  handle(event: StoredEvent): Promise<void>;
}

const subscribers = new Map<string, EventSubscriber>();
let subscriberErrorLogger: (error: unknown, subscriber: string, event: StoredEvent) => void = (error, name) =>
  console.error(`event subscriber ${name} failed`, error);

export function subscribeToEvents(subscriber: EventSubscriber): void {
  subscribers.set(subscriber.name, subscriber);
}

export function setEventSubscriberErrorLogger(log: typeof subscriberErrorLogger): void {
  subscriberErrorLogger = log;
}

async function notifySubscribers(events: StoredEvent[]): Promise<void> {
  for (const event of events) {
    for (const subscriber of subscribers.values()) {
      try {
        await subscriber.handle(event);
      } catch (error) {
        subscriberErrorLogger(error, subscriber.name, event);
      }
    }
  }
}

const toStoredEvent = (doc: Omit<EventDocument, '_id'>): StoredEvent => ({
  organisationId: String(doc.organisationId),
  customerId: String(doc.customerId),
  type: doc.type,
  occurredAt: doc.occurredAt,
  properties: (doc.properties ?? {}) as Record<string, unknown>,
  source: doc.source as EventSource,
  sourceEventId: doc.sourceEventId,
  actor: (doc.actor as string | undefined) ?? null,
});

/**
 * Stores a batch of mini-program events for the signed-in customer: each event is checked on its own, the good
 * ones are written with one unordered insert, resends and repeats are counted as duplicates.
 */
export async function ingestClientEvents(input: {
  organisationId: string;
  /** The customer the session was opened for: it scopes the client's event ids, so resends stay duplicates. */
  sessionCustomerId: string;
  /** Where the events go: the session's customer, or the profile it was merged into. */
  customerId: string;
  events: readonly unknown[];
  now?: Date;
}): Promise<IngestEventsResponse> {
  const receivedAt = input.now ?? new Date();
  const now = receivedAt.getTime();
  const organisationId = oid(input.organisationId);
  const customerId = oid(input.customerId);
  const rejected: EventRejection[] = [];
  const seen = new Set<string>();
  const docs: Omit<EventDocument, '_id'>[] = [];
  let repeated = 0;

  input.events.forEach((raw, index) => {
    const checked = checkClientEvent(raw, now);
    if (!checked.ok) {
      const id = (raw as { id?: unknown } | null)?.id;
      rejected.push({
        index,
        id: typeof id === 'string' ? id.slice(0, 64) : null,
        code: checked.code,
        message: checked.message,
      });
      return;
    }
    if (seen.has(checked.id)) {
      repeated += 1;
      return;
    }
    seen.add(checked.id);
    docs.push({
      organisationId,
      customerId,
      type: checked.type,
      occurredAt: checked.occurredAt,
      receivedAt,
      source: 'miniapp',
      sourceEventId: miniappSourceEventId(input.sessionCustomerId, checked.id),
      properties: checked.properties,
    });
  });

  const alreadyStored = await insertUnordered(docs);
  await notifySubscribers(docs.filter((_, index) => !alreadyStored.has(index)).map(toStoredEvent));
  return { accepted: docs.length - alreadyStored.size, duplicates: repeated + alreadyStored.size, rejected };
}

export interface RecordEventInput {
  organisationId: string;
  customerId: string;
  /** A type of the catalogue in shared/src/events.ts (a server type, or a client type the server observed). */
  type: string;
  /** Default: now. */
  occurredAt?: Date;
  properties?: Record<string, unknown>;
  /** Anything but `miniapp`, whose ids belong to the mini-program's batches. */
  source: Exclude<EventSource, 'miniapp'>;
  /** The event's id at its source (e.g. `appointment:<id>:booked`, a WeCom callback's id); the idempotency key. */
  sourceEventId: string;
  /** The staff member who caused it. */
  actor?: string | null;
}

/**
 * Records a domain event into the customer's timeline. Idempotent: recording the same (source, sourceEventId)
 * again stores nothing and answers `{ stored: false }`. A wrong type or properties is a programming error: it
 * throws.
 */
export async function recordEvent(input: RecordEventInput): Promise<{ stored: boolean }> {
  if ((input.source as string) === 'miniapp')
    throw new Error('recordEvent: source miniapp is reserved for the mini-program');
  if (!input.sourceEventId || input.sourceEventId.length > 200) {
    throw new Error('recordEvent: sourceEventId must be 1–200 characters');
  }
  const schema = eventPropertiesSchema(input.type);
  if (!schema) throw new Error(`recordEvent: unknown event type ${input.type}; add it to shared/src/events.ts`);
  const parsed = schema.safeParse(input.properties ?? {});
  if (!parsed.success) {
    throw new Error(
      `recordEvent: invalid ${input.type} properties: ${describeIssues(parsed.error.issues, 'properties')}`,
    );
  }
  if (Buffer.byteLength(JSON.stringify(parsed.data)) > MAX_PROPERTIES_BYTES) {
    throw new Error(`recordEvent: ${input.type} properties exceed ${MAX_PROPERTIES_BYTES} bytes`);
  }
  const occurredAt = input.occurredAt ?? new Date();
  if (Number.isNaN(occurredAt.getTime())) throw new Error('recordEvent: occurredAt is not a valid date');
  const doc = {
    organisationId: oid(input.organisationId),
    customerId: oid(input.customerId),
    type: input.type,
    occurredAt,
    receivedAt: new Date(),
    source: input.source,
    sourceEventId: input.sourceEventId,
    properties: parsed.data,
    ...(input.actor && { actor: input.actor }),
  };
  try {
    await EventModel.create(doc);
  } catch (error) {
    if (isDuplicateKey(error)) return { stored: false };
    throw error;
  }
  await notifySubscribers([toStoredEvent(doc)]);
  return { stored: true };
}

// ---------------------------------------------------------------------------------------------------------------
// Timeline

/** The opaque cursor: the last item's occurredAt (8-byte double) and _id (12 bytes), base64url. */
function encodeCursor(occurredAt: Date, id: Types.ObjectId): string {
  const buffer = Buffer.alloc(20);
  buffer.writeDoubleBE(occurredAt.getTime(), 0);
  Buffer.from(id.toHexString(), 'hex').copy(buffer, 8);
  return buffer.toString('base64url');
}

function decodeCursor(cursor: string): { occurredAt: Date; id: Types.ObjectId } {
  const buffer = Buffer.from(cursor, 'base64url');
  const time = buffer.length === 20 ? buffer.readDoubleBE(0) : NaN;
  if (!Number.isFinite(time) || buffer.toString('base64url') !== cursor) {
    throw new AppError('VALIDATION_FAILED', 'Invalid query', [
      { in: 'query', path: 'cursor', code: 'invalid_cursor', message: 'Not a cursor this API returned' },
    ]);
  }
  return { occurredAt: new Date(time), id: new Types.ObjectId(buffer.subarray(8).toString('hex')) };
}

function toTimelineEvent(doc: EventDocument): TimelineEvent {
  return {
    id: String(doc._id),
    type: doc.type,
    occurredAt: doc.occurredAt.toISOString(),
    receivedAt: doc.receivedAt.toISOString(),
    source: doc.source,
    properties: doc.properties ?? {},
    actor: doc.actor ?? null,
  };
}

/**
 * A customer's events, newest first (by occurredAt, then _id), a page at a time. The cursor is the position of the
 * last item returned, so events stored after the first page (newer ones) never shift or repeat later pages.
 */
export async function listTimeline(
  organisationId: string,
  customerId: string,
  options: { cursor?: string; limit: number; types?: readonly string[] },
): Promise<TimelinePage> {
  const filter: Record<string, unknown> = { organisationId: oid(organisationId), customerId: oid(customerId) };
  if (options.types?.length) filter.type = { $in: [...options.types] };
  if (options.cursor) {
    const after = decodeCursor(options.cursor);
    filter.occurredAt = { $lte: after.occurredAt };
    filter.$or = [{ occurredAt: { $lt: after.occurredAt } }, { _id: { $lt: after.id } }];
  }
  const docs = await EventModel.find(filter)
    .sort({ occurredAt: -1, _id: -1 })
    .limit(options.limit + 1)
    .lean<EventDocument[]>();
  const items = docs.slice(0, options.limit);
  const last = items.at(-1);
  return {
    items: items.map(toTimelineEvent),
    nextCursor: docs.length > options.limit && last ? encodeCursor(last.occurredAt, last._id) : null,
  };
}

/** How many events of each type the customer has had since `since` (activity level). */
export async function countEventsByType(
  organisationId: string,
  customerId: string,
  since: Date,
): Promise<Record<string, number>> {
  const rows = await EventModel.aggregate<{ _id: string; count: number }>([
    { $match: { organisationId: oid(organisationId), customerId: oid(customerId), occurredAt: { $gte: since } } },
    { $group: { _id: '$type', count: { $sum: 1 } } },
  ]);
  return Object.fromEntries(rows.map((row) => [row._id, row.count]));
}

/** When the customer's latest event happened, or null. */
export async function lastEventAt(
  organisationId: string,
  customerId: string,
  types?: readonly string[],
): Promise<Date | null> {
  const filter: Record<string, unknown> = { organisationId: oid(organisationId), customerId: oid(customerId) };
  if (types?.length) filter.type = { $in: [...types] };
  const doc = await EventModel.findOne(filter)
    .sort({ occurredAt: -1, _id: -1 })
    .select({ occurredAt: 1 })
    .lean<{ occurredAt: Date }>();
  return doc?.occurredAt ?? null;
}

/** The ids of the customers who had an event of `type` in [from, to) (segments, dynamic tags). */
export async function customersWithEvent(
  organisationId: string,
  type: string,
  window: { from: Date; to: Date },
): Promise<string[]> {
  const ids = await EventModel.distinct('customerId', {
    organisationId: oid(organisationId),
    type,
    occurredAt: { $gte: window.from, $lt: window.to },
  });
  return ids.map(String);
}

/**
 * The organisation's events of some types, oldest first, optionally of one customer, since a time, or with one
 * property equal to a value: for domains that recount their own aggregates from the timeline (a repair path,
 * not a hot path).
 */
export async function findEvents(
  organisationId: string,
  query: {
    types: readonly string[];
    customerId?: string;
    since?: Date;
    property?: { name: string; value: string };
  },
): Promise<{ customerId: string; type: string; occurredAt: Date; properties: Record<string, unknown> }[]> {
  const filter: Record<string, unknown> = { organisationId: oid(organisationId), type: { $in: [...query.types] } };
  if (query.customerId) filter.customerId = oid(query.customerId);
  if (query.since) filter.occurredAt = { $gte: query.since };
  if (query.property) filter[`properties.${query.property.name}`] = query.property.value;
  const docs = await EventModel.find(filter, { customerId: 1, type: 1, occurredAt: 1, properties: 1 })
    .sort({ occurredAt: 1, _id: 1 })
    .lean<EventDocument[]>();
  return docs.map((doc) => ({
    customerId: String(doc.customerId),
    type: doc.type,
    occurredAt: doc.occurredAt,
    properties: (doc.properties ?? {}) as Record<string, unknown>,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Bulk readers (derived data such as dynamic-tag facts, rebuilt from the stored events)

/** An event as the bulk readers return it: raw stored fields, projected (no hydration). */
export interface EventRow {
  customerId: Types.ObjectId;
  type: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
  source: string;
  sourceEventId: string;
}

const EVENT_ROW_FIELDS = { customerId: 1, type: 1, occurredAt: 1, properties: 1, source: 1, sourceEventId: 1 };

/**
 * Streams the organisation's events (optionally of some types only) in no particular order, through one driver
 * cursor in batches of 5000: for rebuilding derived data over every stored event without holding them all.
 */
export async function* scanEvents(organisationId: string, types?: readonly string[]): AsyncGenerator<EventRow> {
  const filter: Record<string, unknown> = { organisationId: oid(organisationId) };
  if (types) filter.type = { $in: [...types] };
  const cursor = EventModel.collection.find(filter, { projection: EVENT_ROW_FIELDS, batchSize: 5000 });
  for await (const doc of cursor) yield doc as unknown as EventRow;
}

/** One customer's events (optionally of some types, strictly after a time), oldest first. */
export async function customerEvents(
  organisationId: string,
  customerId: string,
  options: { types?: readonly string[]; after?: Date } = {},
): Promise<EventRow[]> {
  const filter: Record<string, unknown> = { organisationId: oid(organisationId), customerId: oid(customerId) };
  if (options.types) filter.type = { $in: [...options.types] };
  if (options.after) filter.occurredAt = { $gt: options.after };
  const docs = await EventModel.collection.find(filter, { projection: EVENT_ROW_FIELDS }).toArray();
  return (docs as unknown as EventRow[]).sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}

/** A customer's stored events of some types that happened at one of `times`, with their ids (no order). */
export async function eventsAt(
  organisationId: string,
  customerId: string,
  types: readonly string[],
  times: readonly Date[],
): Promise<(EventRow & { _id: Types.ObjectId })[]> {
  if (!times.length) return [];
  const docs = await EventModel.collection
    .find(
      {
        organisationId: oid(organisationId),
        customerId: oid(customerId),
        type: { $in: [...types] },
        occurredAt: { $in: [...times] },
      },
      { projection: { ...EVENT_ROW_FIELDS, _id: 1 } },
    )
    .toArray();
  return docs as unknown as (EventRow & { _id: Types.ObjectId })[];
}

/**
 * Removes some properties from one stored event (found by its source id), keeping its type and time: for a domain
 * whose event on one customer's timeline names another person who asked to be erased (e.g. the customer a
 * referral brought). Idempotent; nothing happens when there is no such event.
 */
export async function clearEventProperties(
  organisationId: string,
  event: { source: EventSource; sourceEventId: string },
  names: readonly string[],
): Promise<void> {
  if (!names.length) return;
  await EventModel.updateOne(
    { organisationId: oid(organisationId), source: event.source, sourceEventId: event.sourceEventId },
    { $unset: Object.fromEntries(names.map((name) => [`properties.${name}`, ''])) },
  );
}

/**
 * Removes one stored event (found by its source id): for a domain whose event a merge showed to count one thing twice
 * (e.g. the same person brought twice under two profiles). Answers whose timeline it was on, or null when there was
 * no such event (idempotent).
 */
export async function deleteEvent(
  organisationId: string,
  event: { source: EventSource; sourceEventId: string },
): Promise<string | null> {
  const deleted = await EventModel.findOneAndDelete(
    { organisationId: oid(organisationId), source: event.source, sourceEventId: event.sourceEventId },
    { projection: { customerId: 1 } },
  ).lean<Pick<EventDocument, 'customerId'>>();
  return deleted ? String(deleted.customerId) : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Repair readers (a subscriber's own repair pass replays what it may have lost; backfills of stored events)

/**
 * An erased customer's events (their source ids were erased, see the end of this file) are passed to no
 * subscriber again: nothing is derived anew for a person who asked to be erased.
 */
const NOT_ERASED = { $not: /^erased:/ };

/** A stored event with its id and the time it was stored. */
export type ReceivedEvent = StoredEvent & { id: string; receivedAt: Date };

const toReceivedEvent = (doc: EventDocument): ReceivedEvent => ({
  ...toStoredEvent(doc),
  id: String(doc._id),
  receivedAt: doc.receivedAt,
});

/**
 * Every organisation's events received in [from, to), in (receivedAt, _id) order, after the position `after`
 * (the last one of the previous batch): for the subscribers' repair passes (index { receivedAt, _id }).
 */
export async function eventsReceivedBetween(
  from: Date,
  to: Date,
  after: { receivedAt: Date; id: string } | null,
  limit: number,
): Promise<ReceivedEvent[]> {
  const filter: Record<string, unknown> = { receivedAt: { $gte: from, $lt: to }, sourceEventId: NOT_ERASED };
  if (after) {
    filter.$or = [
      { receivedAt: { $gt: after.receivedAt } },
      { receivedAt: after.receivedAt, _id: { $gt: oid(after.id) } },
    ];
  }
  const docs = await EventModel.find(filter).sort({ receivedAt: 1, _id: 1 }).limit(limit).lean<EventDocument[]>();
  return docs.map(toReceivedEvent);
}

/**
 * The organisation's events of one type in (occurredAt, _id) order, after the position `after`, optionally only
 * those that happened since a time: for backfills over what was stored before (journeys' key dates).
 */
export async function eventsOfTypeAfter(
  organisationId: string,
  type: string,
  options: { since?: Date | null; after?: { occurredAt: Date; id: string } | null; limit: number },
): Promise<ReceivedEvent[]> {
  const filter: Record<string, unknown> = { organisationId: oid(organisationId), type, sourceEventId: NOT_ERASED };
  if (options.since) filter.occurredAt = { $gte: options.since };
  if (options.after) {
    filter.$or = [
      { occurredAt: { $gt: options.after.occurredAt } },
      { occurredAt: options.after.occurredAt, _id: { $gt: oid(options.after.id) } },
    ];
  }
  const docs = await EventModel.find(filter)
    .sort({ occurredAt: 1, _id: 1 })
    .limit(options.limit)
    .lean<EventDocument[]>();
  return docs.map(toReceivedEvent);
}

// ---------------------------------------------------------------------------------------------------------------
// Merge and privacy

/** An erased customer's event keeps this source id: derived from nothing but the event's own id, so still unique. */
const erasedSourceEventId = (eventId: Types.ObjectId) => `erased:${eventId.toHexString()}`;

/**
 * Gives each of the customer's events whose source id is not erased yet its erased source id (one conditional
 * update per event, so a rerun after a crash finishes the rest and a second run changes nothing).
 */
async function eraseSourceEventIds(filter: { organisationId: Types.ObjectId; customerId: Types.ObjectId }) {
  const docs = await EventModel.find(filter, { _id: 1, sourceEventId: 1 }).lean<
    Pick<EventDocument, '_id' | 'sourceEventId'>[]
  >();
  const pending = docs.filter((doc) => doc.sourceEventId !== erasedSourceEventId(doc._id));
  for (let start = 0; start < pending.length; start += 1000) {
    await EventModel.bulkWrite(
      pending.slice(start, start + 1000).map((doc) => ({
        updateOne: {
          filter: { _id: doc._id, sourceEventId: doc.sourceEventId },
          update: { $set: { sourceEventId: erasedSourceEventId(doc._id) } },
        },
      })),
      { ordered: false },
    );
  }
}

registerMergeStep({
  name: 'events',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    await EventModel.updateMany(
      { organisationId: oid(organisationId), customerId: oid(fromCustomerId) },
      { $set: { customerId: oid(intoCustomerId) } },
    );
  },
});

registerPrivacyContributor({
  name: 'events',
  async exportData({ organisationId, customerId }) {
    const docs = await EventModel.find({ organisationId: oid(organisationId), customerId: oid(customerId) })
      .sort({ occurredAt: 1, _id: 1 })
      .select({ type: 1, occurredAt: 1, source: 1, properties: 1 })
      .lean<Pick<EventDocument, 'type' | 'occurredAt' | 'source' | 'properties'>[]>();
    return docs.map((doc) => ({
      type: doc.type,
      occurredAt: doc.occurredAt.toISOString(),
      source: doc.source,
      properties: doc.properties ?? {},
    }));
  },
  // Keeps type and time, so that aggregate counts (channel, content, funnel) stay right; the properties go, and
  // so do the source ids, many of which name a record that outlives the erasure anonymised (a content read, a
  // payment, a campaign, a tag …) and would lead back to it.
  async erase({ organisationId, customerId }) {
    const filter = { organisationId: oid(organisationId), customerId: oid(customerId) };
    await EventModel.updateMany(filter, { $set: { properties: {} } });
    await eraseSourceEventIds(filter);
  },
});
