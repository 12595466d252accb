/**
 * Per-customer facts (model.ts `customer_facts`), kept up to date as events and changes arrive so that a rule
 * reads one document. Every writer reads the document, computes the change and writes it only if the version `v`
 * is still the one it read (else it reads again): without transactions, that is what keeps concurrent events,
 * attribute changes and rebuilds from losing each other's updates. Stream entries carry the event's id, so
 * applying an event twice (or an event a rebuild already counted) changes nothing.
 */
import { Types } from 'mongoose';
import { TAG_RECENT_KEEP, type EventSelector } from '@careloop/shared';
import { windowEnd } from './clock';
import {
  CustomerFactsModel,
  CustomerTagModel,
  FactSpecModel,
  type AbsenceFact,
  type CustomerFactsDoc,
  type StreamEntry,
} from './model';
import { baseStreamKey, selectorMatcher, type AbsenceSpec, type RuleSpecs } from './specs';
import { customerEvents, scanEvents, type EventRow } from '../events/service';
import { customerBaseData, scanCustomers, type CustomerBaseData as BaseData } from '../identity/readers';
import { isDuplicateKey } from '../db/retry';

const oid = (id: string | Types.ObjectId) => (typeof id === 'string' ? new Types.ObjectId(id) : id);
const MAX_ATTEMPTS = 8;

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

// ---------------------------------------------------------------------------------------------------------------
// The registry of derived streams and absences

interface DerivedStream {
  key: string;
  selector: EventSelector;
  matches: (type: string, properties: Record<string, unknown>) => boolean;
}
export interface RegisteredAbsence extends AbsenceSpec {
  key: string;
  afterSelector: EventSelector;
  noneSelector: EventSelector;
  noneMatches: (type: string, properties: Record<string, unknown>) => boolean;
  afterMatches: (type: string, properties: Record<string, unknown>) => boolean;
}
export interface FactsRegistry {
  streams: DerivedStream[];
  absences: RegisteredAbsence[];
  /** Derived streams by the event types they select. */
  byType: Map<string, DerivedStream[]>;
  baseReady: boolean;
  /** Keys of the specs filled from stored events. */
  ready: Set<string>;
}

let registryTtlMs = 5_000;
const registries = new Map<string, { registry: Promise<FactsRegistry>; until: number }>();

/**
 * How long an instance may keep using its cached registry. A new spec is filled from stored events only after
 * this long, so that by then every instance's ingestion keeps it. Tests with one instance set 0.
 */
export function setFactsRegistryTtl(ms: number): void {
  registryTtlMs = ms;
  registries.clear();
}
export const factsRegistryTtl = () => registryTtlMs;

export function invalidateRegistry(organisationId: string): void {
  registries.delete(organisationId);
}

export async function loadRegistry(organisationId: string): Promise<FactsRegistry> {
  const cached = registries.get(organisationId);
  if (cached && cached.until > Date.now()) return cached.registry;
  // One read for every caller while it is in flight (a burst of events would each read the specs otherwise).
  const registry = readRegistry(organisationId);
  registries.set(organisationId, { registry, until: Date.now() + registryTtlMs });
  registry.catch(() => {
    if (registries.get(organisationId)?.registry === registry) registries.delete(organisationId);
  });
  return registry;
}

async function readRegistry(organisationId: string): Promise<FactsRegistry> {
  const docs = await FactSpecModel.find({ organisationId }).lean();
  const registry: FactsRegistry = {
    streams: [],
    absences: [],
    byType: new Map(),
    baseReady: false,
    ready: new Set(docs.filter((doc) => doc.readyAt).map((doc) => doc.key)),
  };
  for (const doc of docs) {
    if (doc.kind === 'base') registry.baseReady = Boolean(doc.readyAt);
    if (doc.kind === 'stream') {
      const selector = doc.spec as EventSelector;
      const stream = { key: doc.key, selector, matches: selectorMatcher(selector) };
      registry.streams.push(stream);
      for (const type of selector.types) registry.byType.set(type, [...(registry.byType.get(type) ?? []), stream]);
    }
    if (doc.kind === 'absence') {
      const spec = doc.spec as AbsenceSpec & { noneSelector: EventSelector; afterSelector: EventSelector };
      registry.absences.push({
        key: doc.key,
        after: spec.after,
        none: spec.none,
        withinDays: spec.withinDays,
        afterSelector: spec.afterSelector,
        noneSelector: spec.noneSelector,
        noneMatches: selectorMatcher(spec.noneSelector),
        afterMatches: selectorMatcher(spec.afterSelector),
      });
    }
  }
  return registry;
}

/** Registers what a rule or segment reads; answers the keys not yet filled from stored events. */
export async function registerSpecs(organisationId: string, specs: RuleSpecs): Promise<string[]> {
  const rows: { key: string; kind: string; spec: unknown }[] = [
    { key: 'base', kind: 'base', spec: null },
    ...[...specs.streams].map(([key, selector]) => ({ key, kind: 'stream', spec: selector })),
    ...[...specs.absences].map(([key, spec]) => ({ key, kind: 'absence', spec })),
  ];
  for (const row of rows) {
    await FactSpecModel.updateOne(
      { organisationId, key: row.key },
      { $setOnInsert: { kind: row.kind, spec: row.spec, readyAt: null } },
      { upsert: true },
    ).catch((error: unknown) => {
      if (!isDuplicateKey(error)) throw error;
    });
  }
  invalidateRegistry(organisationId);
  const pending = await FactSpecModel.find({
    organisationId,
    key: { $in: rows.map((row) => row.key) },
    readyAt: null,
  }).lean();
  return pending.map((doc) => doc.key);
}

/** Waits until every instance's cached registry has seen the specs not filled yet (see setFactsRegistryTtl). */
async function awaitRegistryPropagation(organisationId: string): Promise<void> {
  const newest = await FactSpecModel.findOne({ organisationId, readyAt: null }).sort({ createdAt: -1 }).lean();
  const wait = newest ? newest.createdAt.getTime() + registryTtlMs - Date.now() : 0;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/**
 * Makes sure the facts a rule reads exist: registers its derived streams and absences and, for those not filled
 * yet (or when the organisation's facts were never built), fills them from the stored events. Fast when all are.
 */
export async function ensureRuleFacts(organisationId: string, specs: RuleSpecs, timeZone: string): Promise<void> {
  const registry = await loadRegistry(organisationId);
  const keys = [...specs.streams.keys(), ...specs.absences.keys()];
  if (registry.baseReady && keys.every((key) => registry.ready.has(key))) return;
  const pending = await registerSpecs(organisationId, specs);
  if (pending.includes('base')) await buildOrganisationFacts(organisationId, timeZone);
  else if (pending.length) await fillSpecs(organisationId, pending, timeZone);
}

// ---------------------------------------------------------------------------------------------------------------
// Pure pieces

const newestFirst = (a: StreamEntry, b: StreamEntry) => b.a.getTime() - a.a.getTime() || (b.e < a.e ? -1 : 1);

/** The stream with `added` merged in, or null when nothing changes. */
export function mergeEntries(current: readonly StreamEntry[] | undefined, added: readonly StreamEntry[]) {
  const existing = current ?? [];
  const seen = new Set(existing.map((entry) => entry.e));
  const fresh = added.filter((entry) => !seen.has(entry.e) && (seen.add(entry.e), true));
  if (!fresh.length) return null;
  const merged = [...existing, ...fresh].sort(newestFirst).slice(0, TAG_RECENT_KEEP);
  const same = merged.length === existing.length && merged.every((entry, i) => entry.e === existing[i]!.e);
  return same ? null : merged;
}

export function attributesOf(base: BaseData): Record<string, unknown> {
  return {
    kind: base.kind ?? 'patient',
    gender: base.gender ?? null,
    birthday: base.birthday ?? null,
    clinicId: base.clinicId ? String(base.clinicId) : null,
    ownerStaffId: base.ownerStaffId ? String(base.ownerStaffId) : null,
    hcp: base.hcp
      ? {
          hospital: base.hcp.hospital ?? null,
          department: base.hcp.department ?? null,
          title: base.hcp.title ?? null,
          verification: base.hcp.verification ?? null,
        }
      : null,
  };
}

const isActive = (base: BaseData | null): base is BaseData => Boolean(base && !base.mergedInto && !base.erasedAt);

/** The streams (base and derived) an event belongs to. */
function streamKeysOf(registry: FactsRegistry, type: string, properties: Record<string, unknown>): string[] {
  const derived = registry.byType.get(type) ?? [];
  return [baseStreamKey(type), ...derived.filter((stream) => stream.matches(type, properties)).map((s) => s.key)];
}

/** Collects top-K entries per stream key; trims as it goes so memory stays bounded. */
class StreamAccumulator {
  readonly streams = new Map<string, StreamEntry[]>();
  add(key: string, entry: StreamEntry) {
    let list = this.streams.get(key);
    if (!list) this.streams.set(key, (list = []));
    list.push(entry);
    if (list.length >= TAG_RECENT_KEEP * 4)
      this.streams.set(key, dedupe(list).sort(newestFirst).slice(0, TAG_RECENT_KEEP));
  }
  finish(): Record<string, { r: StreamEntry[] }> {
    const out: Record<string, { r: StreamEntry[] }> = {};
    for (const [key, list] of this.streams) out[key] = { r: dedupe(list).sort(newestFirst).slice(0, TAG_RECENT_KEEP) };
    return out;
  }
}
function dedupe(list: StreamEntry[]): StreamEntry[] {
  const seen = new Set<string>();
  return list.filter((entry) => !seen.has(entry.e) && (seen.add(entry.e), true));
}

const entryOf = (event: { occurredAt: Date; source: string; sourceEventId: string }): StreamEntry => ({
  a: event.occurredAt,
  e: factEventId(event.source, event.sourceEventId),
});

/** An absence computed exactly from a customer's complete list of events. */
function absenceFromEvents(spec: RegisteredAbsence, events: readonly EventRow[], timeZone: string): AbsenceFact | null {
  let t: Date | null = null;
  for (const event of events) {
    if (spec.afterMatches(event.type, event.properties ?? {}) && (!t || event.occurredAt > t)) t = event.occurredAt;
  }
  if (!t) return null;
  let f: Date | null = null;
  for (const event of events) {
    if (event.occurredAt > t && spec.noneMatches(event.type, event.properties ?? {}) && (!f || event.occurredAt < f)) {
      f = event.occurredAt;
    }
  }
  const end = spec.withinDays === null ? null : windowEnd(t, spec.withinDays, timeZone);
  return { t, f, c: !(f && (!end || f < end)) };
}

/**
 * An absence from the kept streams. When the follow-up stream is full and all of it lies after the window, older
 * follow-ups (not kept) might fall in the window: then it asks the stored events (`lookup`).
 */
async function absenceFromStreams(
  spec: RegisteredAbsence,
  streams: Record<string, { r: StreamEntry[] } | undefined>,
  timeZone: string,
  lookup: (spec: RegisteredAbsence, after: Date) => Promise<Date | null>,
): Promise<AbsenceFact | null> {
  const anchor = streams[spec.after]?.r[0];
  if (!anchor) return null;
  const t = anchor.a;
  const end = spec.withinDays === null ? null : windowEnd(t, spec.withinDays, timeZone);
  const later = (streams[spec.none]?.r ?? []).filter((entry) => entry.a > t);
  let f = later.length ? later[later.length - 1]!.a : null;
  const full = (streams[spec.none]?.r.length ?? 0) >= TAG_RECENT_KEEP;
  if (full && later.length === streams[spec.none]!.r.length && end && f && f >= end) f = await lookup(spec, t);
  return { t, f, c: !(f && (!end || f < end)) };
}

const sameAbsence = (a: AbsenceFact | null | undefined, b: AbsenceFact | null | undefined) =>
  (!a && !b) ||
  Boolean(
    a && b && a.c === b.c && a.t.getTime() === b.t.getTime() && (a.f?.getTime() ?? null) === (b.f?.getTime() ?? null),
  );

function lookupFor(organisationId: string, customerId: string) {
  return async (spec: RegisteredAbsence, after: Date) => {
    const events = await customerEvents(organisationId, customerId, { types: spec.noneSelector.types, after });
    return events.find((event) => spec.noneMatches(event.type, event.properties ?? {}))?.occurredAt ?? null;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading and building

export async function findFacts(organisationId: string, customerId: string): Promise<CustomerFactsDoc | null> {
  return CustomerFactsModel.findOne({
    organisationId: oid(organisationId),
    customerId: oid(customerId),
  }).lean<CustomerFactsDoc>();
}

async function tagIdsOf(organisationId: string, customerId: string): Promise<string[]> {
  const rows = await CustomerTagModel.find({ organisationId, customerId }, { tagId: 1 }).lean();
  return rows.flatMap((row) => (row.tagId ? [String(row.tagId)] : []));
}

/** Facts of one customer from the stored events and base data (null for a merged-away or erased profile). */
export async function buildCustomerFacts(
  organisationId: string,
  customerId: string,
  timeZone: string,
): Promise<CustomerFactsDoc | null> {
  const registry = await loadRegistry(organisationId);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const existing = await findFacts(organisationId, customerId);
    const base = await customerBaseData(organisationId, customerId);
    if (!isActive(base)) {
      if (existing) await CustomerFactsModel.deleteOne({ _id: existing._id });
      return null;
    }
    const events = await customerEvents(organisationId, customerId);
    const accumulator = new StreamAccumulator();
    for (const event of events) {
      for (const key of streamKeysOf(registry, event.type, event.properties ?? {})) {
        accumulator.add(key, entryOf(event));
      }
    }
    const x: Record<string, AbsenceFact> = {};
    for (const spec of registry.absences) {
      const fact = absenceFromEvents(spec, events, timeZone);
      if (fact) x[spec.key] = fact;
    }
    const doc = {
      organisationId: oid(organisationId),
      customerId: oid(customerId),
      v: (existing?.v ?? 0) + 1,
      a: attributesOf(base),
      au: base.updatedAt ?? null,
      tags: await tagIdsOf(organisationId, customerId),
      s: accumulator.finish(),
      x,
      builtAt: new Date(),
    };
    if (existing) {
      const result = await CustomerFactsModel.replaceOne({ _id: existing._id, v: existing.v }, doc);
      if (result.matchedCount === 1) return { ...doc, _id: existing._id } as CustomerFactsDoc;
    } else {
      try {
        const created = await CustomerFactsModel.create(doc);
        return created.toObject() as unknown as CustomerFactsDoc;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
  }
  throw new Error(`facts of customer ${customerId} kept changing while being built`);
}

export interface FactsChange {
  facts: CustomerFactsDoc;
  /** What changed (`attr`, `tag:<id>`, `s:<key>`, `x:<key>`); `*` for everything (a fresh build). */
  deps: Set<string>;
}
const EVERYTHING = () => new Set(['*']);

/** Applies one stored event to its customer's facts (idempotent). Null when the customer has no facts (merged). */
export async function applyEventToFacts(
  event: {
    organisationId: string;
    customerId: string;
    type: string;
    occurredAt: Date;
    properties: Record<string, unknown>;
    source: string;
    sourceEventId: string;
  },
  timeZone: string,
): Promise<FactsChange | null> {
  const { organisationId, customerId } = event;
  const registry = await loadRegistry(organisationId);
  const entry = entryOf(event);
  const keys = streamKeysOf(registry, event.type, event.properties ?? {});
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const doc = await findFacts(organisationId, customerId);
    if (!doc) {
      const built = await buildCustomerFacts(organisationId, customerId, timeZone);
      return built && { facts: built, deps: EVERYTHING() };
    }
    const deps = new Set<string>();
    const streams = { ...doc.s };
    const set: Record<string, unknown> = {};
    const unset: Record<string, ''> = {};
    for (const key of keys) {
      const merged = mergeEntries(doc.s?.[key]?.r, [entry]);
      if (!merged) continue;
      streams[key] = { r: merged };
      set[`s.${key}`] = { r: merged };
      deps.add(`s:${key}`);
    }
    if (!deps.size) return { facts: doc, deps };
    const x = { ...doc.x };
    for (const spec of registry.absences) {
      if (!deps.has(`s:${spec.after}`) && !deps.has(`s:${spec.none}`)) continue;
      const fact = await absenceFromStreams(spec, streams, timeZone, lookupFor(organisationId, customerId));
      if (sameAbsence(fact, doc.x?.[spec.key])) continue;
      deps.add(`x:${spec.key}`);
      if (fact) set[`x.${spec.key}`] = x[spec.key] = fact;
      else {
        unset[`x.${spec.key}`] = '';
        delete x[spec.key];
      }
    }
    const result = await CustomerFactsModel.updateOne(
      { _id: doc._id, v: doc.v },
      { $set: set, ...(Object.keys(unset).length && { $unset: unset }), $inc: { v: 1 } },
    );
    if (result.modifiedCount === 1) return { facts: { ...doc, s: streams, x, v: doc.v + 1 }, deps };
  }
  throw new Error(`facts of customer ${customerId} kept changing`);
}

/** Rereads the customer's base data into the facts (after a change in identity). */
export async function refreshAttributes(
  organisationId: string,
  customerId: string,
  timeZone: string,
): Promise<FactsChange | null> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const doc = await findFacts(organisationId, customerId);
    const base = await customerBaseData(organisationId, customerId);
    if (!doc || !isActive(base)) {
      const built = await buildCustomerFacts(organisationId, customerId, timeZone);
      return built && { facts: built, deps: EVERYTHING() };
    }
    const a = attributesOf(base);
    // A read of the customer older than the one the facts hold never overwrites it.
    if (doc.au && doc.au > base.updatedAt) return { facts: doc, deps: new Set() };
    if (JSON.stringify(a) === JSON.stringify(doc.a)) return { facts: doc, deps: new Set() };
    const result = await CustomerFactsModel.updateOne(
      { _id: doc._id, v: doc.v },
      { $set: { a, au: base.updatedAt }, $inc: { v: 1 } },
    );
    if (result.modifiedCount === 1) {
      return { facts: { ...doc, a, au: base.updatedAt, v: doc.v + 1 }, deps: new Set(['attr']) };
    }
  }
  throw new Error(`facts of customer ${customerId} kept changing`);
}

/** Records that the customer has (or no longer has) a library tag. */
export async function setFactsTag(
  organisationId: string,
  customerId: string,
  tagId: string,
  present: boolean,
  timeZone: string,
): Promise<FactsChange | null> {
  const doc = await findFacts(organisationId, customerId);
  if (!doc) {
    const built = await buildCustomerFacts(organisationId, customerId, timeZone);
    return built && { facts: built, deps: EVERYTHING() };
  }
  if (doc.tags.includes(tagId) === present) return { facts: doc, deps: new Set() };
  const updated = await CustomerFactsModel.findOneAndUpdate(
    { _id: doc._id },
    present ? { $addToSet: { tags: tagId }, $inc: { v: 1 } } : { $pull: { tags: tagId }, $inc: { v: 1 } },
    { returnDocument: 'after' },
  ).lean<CustomerFactsDoc>();
  return updated && { facts: updated, deps: new Set([`tag:${tagId}`]) };
}

export async function deleteFacts(organisationId: string, customerId: string): Promise<void> {
  await CustomerFactsModel.deleteOne({ organisationId: oid(organisationId), customerId: oid(customerId) });
}

// ---------------------------------------------------------------------------------------------------------------
// Bulk: the whole organisation, or new specs

const BATCH = 500;

/**
 * Writes computed facts for a batch of customers, each conditional on the version read; then every document that
 * does not carry this build's mark (`builtAt`: its write lost to a concurrent change) is rebuilt on its own (rare:
 * only customers with activity during the build).
 */
async function writeFactsBatch(
  organisationId: string,
  items: { customerId: Types.ObjectId; existing: FactsVersion | null; doc: Record<string, unknown> | null }[],
  builtAt: Date,
  timeZone: string,
) {
  const ops = items.flatMap(({ existing, doc }): Record<string, unknown>[] => {
    if (!doc) return existing ? [{ deleteOne: { filter: { _id: existing._id } } }] : [];
    const replacement = { ...doc, builtAt };
    if (existing) {
      return [
        {
          replaceOne: {
            filter: { _id: existing._id, v: existing.v },
            replacement: { ...replacement, v: existing.v + 1 },
          },
        },
      ];
    }
    return [{ insertOne: { document: { ...replacement, v: 1 } } }];
  });
  if (!ops.length) return;
  let complete = false;
  try {
    const result = await CustomerFactsModel.collection.bulkWrite(ops as never, { ordered: false });
    complete = result.insertedCount + result.modifiedCount + result.deletedCount === ops.length;
  } catch (error) {
    const writeErrors = [(error as { writeErrors?: unknown }).writeErrors ?? []].flat() as { code?: number }[];
    if (!writeErrors.length || !writeErrors.every((writeError) => writeError.code === 11000)) throw error;
  }
  if (complete) return;
  // Some writes lost to concurrent changes (or the server's counts cannot be trusted): check each by its mark.
  const written = await CustomerFactsModel.find(
    { organisationId: oid(organisationId), customerId: { $in: items.map((item) => item.customerId) } },
    { customerId: 1, builtAt: 1 },
  ).lean();
  const marked = new Set(
    written.filter((doc) => doc.builtAt?.getTime() === builtAt.getTime()).map((doc) => String(doc.customerId)),
  );
  const present = new Set(written.map((doc) => String(doc.customerId)));
  for (const item of items) {
    const id = String(item.customerId);
    if (item.doc ? !marked.has(id) : present.has(id)) await buildCustomerFacts(organisationId, id, timeZone);
  }
}

type FactsVersion = { _id: Types.ObjectId; customerId: Types.ObjectId; v: number };

/**
 * Builds every customer's facts from the stored events and base data, with one scan of each: for data stored
 * before the engine (or written around it, e.g. by a bulk import). Idempotent; marks every registered spec ready.
 */
export async function buildOrganisationFacts(
  organisationId: string,
  timeZone: string,
  onProgress?: (done: number) => void,
): Promise<{ customers: number; events: number }> {
  await awaitRegistryPropagation(organisationId);
  const started = new Date();
  invalidateRegistry(organisationId);
  const registry = await loadRegistry(organisationId);
  const perCustomer = new Map<string, StreamAccumulator>();
  const absenceInputs = new Map<string, EventRow[]>();
  const absenceTypes = new Set<string>(
    registry.absences.flatMap((spec) => [...spec.afterSelector.types, ...spec.noneSelector.types]),
  );
  let events = 0;
  for await (const event of scanEvents(organisationId)) {
    events += 1;
    const id = String(event.customerId);
    let accumulator = perCustomer.get(id);
    if (!accumulator) perCustomer.set(id, (accumulator = new StreamAccumulator()));
    for (const key of streamKeysOf(registry, event.type, event.properties ?? {})) accumulator.add(key, entryOf(event));
    if (absenceTypes.has(event.type)) {
      let list = absenceInputs.get(id);
      if (!list) absenceInputs.set(id, (list = []));
      list.push({ ...event, properties: event.properties ?? {} });
    }
  }
  const tags = new Map<string, string[]>();
  for await (const row of CustomerTagModel.collection.find(
    { organisationId: oid(organisationId), tagId: { $ne: null } },
    { projection: { customerId: 1, tagId: 1 } },
  )) {
    const id = String(row.customerId);
    tags.set(id, [...(tags.get(id) ?? []), String(row.tagId)]);
  }

  // The versions of the facts already there, read once (one scan instead of one query per batch).
  const versions = new Map<string, FactsVersion>();
  for await (const doc of CustomerFactsModel.collection.find(
    { organisationId: oid(organisationId) },
    { projection: { customerId: 1, v: 1 }, batchSize: 5000 },
  )) {
    versions.set(String(doc.customerId), doc as unknown as FactsVersion);
  }
  let customers = 0;
  let batch: BaseData[] = [];
  const flush = async () => {
    const existing = versions;
    const items = batch.map((base) => {
      const customerId = base._id;
      const id = String(customerId);
      if (!isActive(base)) return { customerId, existing: existing.get(id) ?? null, doc: null };
      const x: Record<string, AbsenceFact> = {};
      const inputs = (absenceInputs.get(id) ?? []).sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
      for (const spec of registry.absences) {
        const fact = absenceFromEvents(spec, inputs, timeZone);
        if (fact) x[spec.key] = fact;
      }
      return {
        customerId: base._id,
        existing: existing.get(id) ?? null,
        doc: {
          organisationId: oid(organisationId),
          customerId: base._id,
          a: attributesOf(base),
          au: base.updatedAt ?? null,
          tags: tags.get(id) ?? [],
          s: perCustomer.get(id)?.finish() ?? {},
          x,
        },
      };
    });
    await writeFactsBatch(organisationId, items, started, timeZone);
    customers += batch.length;
    onProgress?.(customers);
    batch = [];
  };
  for await (const base of scanCustomers(organisationId)) {
    batch.push(base);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  await FactSpecModel.updateMany(
    { organisationId, createdAt: { $lte: started }, readyAt: null },
    { $set: { readyAt: new Date() } },
  );
  await FactSpecModel.updateOne(
    { organisationId, key: 'base' },
    { $set: { kind: 'base', readyAt: new Date() } },
    { upsert: true },
  ).catch((error: unknown) => {
    if (!isDuplicateKey(error)) throw error;
  });
  invalidateRegistry(organisationId);
  return { customers, events };
}

/**
 * Fills new derived streams and absences from the stored events, for customers who already have facts: one scan
 * of the events of the types concerned, then a conditional update of each customer concerned. Idempotent.
 */
export async function fillSpecs(organisationId: string, keys: readonly string[], timeZone: string): Promise<void> {
  await awaitRegistryPropagation(organisationId);
  invalidateRegistry(organisationId);
  const registry = await loadRegistry(organisationId);
  if (!registry.baseReady) {
    await buildOrganisationFacts(organisationId, timeZone);
    return;
  }
  const wanted = new Set(keys);
  const streams = registry.streams.filter((stream) => wanted.has(stream.key));
  const absences = registry.absences.filter(
    (spec) => wanted.has(spec.key) || wanted.has(spec.after) || wanted.has(spec.none),
  );
  const perCustomer = new Map<string, StreamAccumulator>();
  if (streams.length) {
    const types = [...new Set(streams.flatMap((stream) => stream.selector.types))];
    for await (const event of scanEvents(organisationId, types)) {
      const id = String(event.customerId);
      for (const stream of streams) {
        if (!stream.matches(event.type, event.properties ?? {})) continue;
        let accumulator = perCustomer.get(id);
        if (!accumulator) perCustomer.set(id, (accumulator = new StreamAccumulator()));
        accumulator.add(stream.key, entryOf(event));
      }
    }
  }
  // Every customer with facts may gain a stream or an absence: visit them all in batches.
  const cursor = CustomerFactsModel.find({ organisationId: oid(organisationId) })
    .lean<CustomerFactsDoc[]>()
    .cursor({
      batchSize: BATCH,
    });
  const change = async (current: CustomerFactsDoc) => {
    const accumulator = perCustomer.get(String(current.customerId));
    const set: Record<string, unknown> = {};
    const unset: Record<string, ''> = {};
    const s = { ...current.s };
    for (const [key, list] of Object.entries(accumulator?.finish() ?? {})) {
      const merged = mergeEntries(current.s?.[key]?.r, list.r);
      if (merged) set[`s.${key}`] = s[key] = { r: merged };
    }
    for (const spec of absences) {
      const fact = await absenceFromStreams(spec, s, timeZone, lookupFor(organisationId, String(current.customerId)));
      if (sameAbsence(fact, current.x?.[spec.key])) continue;
      if (fact) set[`x.${spec.key}`] = fact;
      else unset[`x.${spec.key}`] = '';
    }
    return { set, unset };
  };
  let pending: CustomerFactsDoc[] = [];
  // A batch is written with one bulk of conditional updates; a document whose version moved meanwhile is then
  // redone on its own.
  const flush = async () => {
    const writes: { doc: CustomerFactsDoc; update: Record<string, unknown> }[] = [];
    for (const doc of pending) {
      const { set, unset } = await change(doc);
      if (!Object.keys(set).length && !Object.keys(unset).length) continue;
      writes.push({ doc, update: { $set: set, ...(Object.keys(unset).length && { $unset: unset }), $inc: { v: 1 } } });
    }
    pending = [];
    if (!writes.length) return;
    const result = await CustomerFactsModel.collection.bulkWrite(
      writes.map(({ doc, update }) => ({ updateOne: { filter: { _id: doc._id, v: doc.v }, update } })),
      { ordered: false },
    );
    if (result.modifiedCount === writes.length) return;
    // Some versions moved: redo each against its current document (a change already there is found empty).
    for (const { doc } of writes) {
      const current = await CustomerFactsModel.findById(doc._id).lean<CustomerFactsDoc>();
      if (current) await mutateFacts(current, change);
    }
  };
  for await (const doc of cursor) {
    pending.push(doc as unknown as CustomerFactsDoc);
    if (pending.length >= BATCH) await flush();
  }
  if (pending.length) await flush();
  await FactSpecModel.updateMany({ organisationId, key: { $in: [...keys] } }, { $set: { readyAt: new Date() } });
  invalidateRegistry(organisationId);
}

/** A conditional read-modify-write of one facts document, retried when its version moved. */
async function mutateFacts(
  first: CustomerFactsDoc,
  change: (doc: CustomerFactsDoc) => Promise<{ set: Record<string, unknown>; unset: Record<string, ''> }>,
): Promise<void> {
  let doc: CustomerFactsDoc | null = first;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && doc; attempt++) {
    const { set, unset } = await change(doc);
    if (!Object.keys(set).length && !Object.keys(unset).length) return;
    const result = await CustomerFactsModel.updateOne(
      { _id: doc._id, v: doc.v },
      { $set: set, ...(Object.keys(unset).length && { $unset: unset }), $inc: { v: 1 } },
    );
    if (result.modifiedCount === 1) return;
    doc = await CustomerFactsModel.findById(doc._id).lean<CustomerFactsDoc>();
  }
  if (doc) throw new Error(`facts ${String(first._id)} kept changing`);
}
