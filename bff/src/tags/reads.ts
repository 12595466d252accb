/**
 * The reads of other domains' collections the tag engine needs and their services do not offer yet: scans of an
 * organisation's events and customers (building facts for data stored before this engine, or for a new selector),
 * one customer's events (rebuilding after a merge), and events by time (explanations). Read-only, projected to
 * what the rules look at; they belong in events/service.ts and identity/service.ts when those grow bulk readers.
 */
import { Types } from 'mongoose';
import { EventModel } from '../events/model';
import { CustomerModel } from '../identity/model';

const oid = (id: string | Types.ObjectId) => (typeof id === 'string' ? new Types.ObjectId(id) : id);

/**
 * The id facts keep for an event: a 53-bit hash (cyrb53) of its (source, sourceEventId), which is unique in the
 * organisation. Only compared among one customer's latest entries of one stream, where a collision is
 * negligible; cheap, because a facts build hashes every stored event.
 */
export function factEventId(source: string, sourceEventId: string): string {
  const text = `${source}\u0000${sourceEventId}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

export interface EventRow {
  customerId: Types.ObjectId;
  type: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
  source: string;
  sourceEventId: string;
}

const EVENT_FIELDS = { customerId: 1, type: 1, occurredAt: 1, properties: 1, source: 1, sourceEventId: 1 };

/** Streams the organisation's events (optionally of some types only) in no particular order. */
export async function* scanEvents(organisationId: string, types?: readonly string[]): AsyncGenerator<EventRow> {
  const filter: Record<string, unknown> = { organisationId: oid(organisationId) };
  if (types) filter.type = { $in: [...types] };
  const cursor = EventModel.collection.find(filter, { projection: EVENT_FIELDS, batchSize: 5000 });
  for await (const doc of cursor) yield doc as unknown as EventRow;
}

/** One customer's events (optionally of some types, after a time), oldest first. */
export async function customerEvents(
  organisationId: string,
  customerId: string,
  options: { types?: readonly string[]; after?: Date } = {},
): Promise<EventRow[]> {
  const filter: Record<string, unknown> = { organisationId: oid(organisationId), customerId: oid(customerId) };
  if (options.types) filter.type = { $in: [...options.types] };
  if (options.after) filter.occurredAt = { $gt: options.after };
  const docs = await EventModel.collection.find(filter, { projection: EVENT_FIELDS }).toArray();
  return (docs as unknown as EventRow[]).sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}

/** The stored events behind fact entries (type among `types`, at one of `times`), with their ids. */
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
      { projection: { ...EVENT_FIELDS, _id: 1 } },
    )
    .toArray();
  return docs as unknown as (EventRow & { _id: Types.ObjectId })[];
}

/** What rules read of a customer's base data. */
export interface BaseData {
  _id: Types.ObjectId;
  kind: string;
  gender: string | null;
  birthday: string | null;
  clinicId: Types.ObjectId | null;
  ownerStaffId: Types.ObjectId | null;
  hcp: { hospital?: string | null; department?: string | null; title?: string | null; verification?: string } | null;
  mergedInto: Types.ObjectId | null;
  erasedAt: Date | null;
  updatedAt: Date;
}

const BASE_FIELDS = {
  kind: 1,
  gender: 1,
  birthday: 1,
  clinicId: 1,
  ownerStaffId: 1,
  hcp: 1,
  mergedInto: 1,
  erasedAt: 1,
  updatedAt: 1,
};

export async function customerBaseData(organisationId: string, customerId: string): Promise<BaseData | null> {
  const doc = await CustomerModel.collection.findOne(
    { _id: oid(customerId), organisationId: oid(organisationId) },
    { projection: BASE_FIELDS },
  );
  return doc as unknown as BaseData | null;
}

/** Streams the organisation's customers' base data, in no particular order. */
export async function* scanCustomers(organisationId: string): AsyncGenerator<BaseData> {
  const cursor = CustomerModel.collection.find(
    { organisationId: oid(organisationId) },
    { projection: BASE_FIELDS, batchSize: 5000 },
  );
  for await (const doc of cursor) yield doc as unknown as BaseData;
}
