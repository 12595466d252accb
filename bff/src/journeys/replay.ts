/**
 * The replay of events the journeys' event subscriber lost. The subscriber runs in the process that stored the
 * event, after the store: a crash in between (or a failure of the subscriber) would lose the event's entries, exits
 * and key dates for good. This periodic job reads every event by `receivedAt` after a stored checkpoint (re-reading
 * REPLAY_MARGIN_MS back, for events stored with an older `receivedAt` that became visible late), skips those the
 * subscriber marked handled, and passes the others through the journeys as they were when the event was received:
 *
 *   - entries count from the event's `receivedAt` (when the subscriber would have run): the first wait ends when it
 *     would have, the re-entry policy looks back from then;
 *   - a journey enters the event only if it was live when the event was received, in the version live then (from
 *     the journey's `statusLog`): an event received before the journey went live, or while it was paused, never
 *     enters it (the subscriber does the same: no one enters a paused journey);
 *   - exits happen now, and only for enrolments entered by the time the event was received (a customer who entered
 *     after an old exit event stays in); paused journeys' enrolments exit too, as with the subscriber.
 *
 * Replaying is safe however often and on however many instances: an entry is enrolled once per entry key, an exit is
 * a conditional update, a key date is unique per key. The checkpoint row is held with a lease.
 */
import { eventsReceivedBetween, type ReceivedEvent } from '../events/service';
import { isDuplicateKey } from '../db/retry';
import {
  JourneyEventMarkModel,
  JourneyModel,
  JourneyReplayModel,
  type JourneyDoc,
  type JourneyReplayDoc,
} from './model';
import { entryMatcher, loadDefinition, type ActiveJourney } from './definitions';
import { eventMarkKey, markEventsHandled, passEventToJourneys } from './entries';
import { defaultInstanceId, journeyNow } from './runtime';

/** How far back each run re-reads before the checkpoint. */
export const REPLAY_MARGIN_MS = 5 * 60_000;
/** Events younger than this are left to the subscriber, which is probably still at them. */
export const REPLAY_SETTLE_MS = 10_000;
const LEASE_MS = 2 * 60_000;
const ROW = 'events';
/** Marks are kept this long after they can no longer be read again. */
const MARK_KEEP_MS = 60 * 60_000;

type JourneyState = Pick<JourneyDoc, '_id' | 'status' | 'liveVersion' | 'enabledAt' | 'statusLog'>;

/**
 * A journey's status and live version at a time, from its status log (changes on the server clock). A journey with
 * no log (last changed before the log existed) counts as in its current state since it was enabled.
 */
export function journeyStateAt(
  doc: Omit<JourneyState, '_id'>,
  at: Date,
): { status: JourneyDoc['status']; liveVersion: number | null } {
  const log = doc.statusLog ?? [];
  if (!log.length) {
    const since = doc.enabledAt !== null && doc.enabledAt.getTime() <= at.getTime();
    return since ? { status: doc.status, liveVersion: doc.liveVersion } : { status: 'draft', liveVersion: null };
  }
  const state: { status: JourneyDoc['status']; liveVersion: number | null } = { status: 'draft', liveVersion: null };
  for (const entry of log) {
    if (entry.at.getTime() > at.getTime()) break;
    if (entry.status) state.status = entry.status;
    if (typeof entry.liveVersion === 'number') state.liveVersion = entry.liveVersion;
  }
  return state;
}

/** What one replay run reads once: the journeys' state docs by organisation. */
interface ReplayContext {
  states: Map<string, Promise<Map<string, JourneyState>>>;
}

function statesOf(context: ReplayContext, organisationId: string) {
  let states = context.states.get(organisationId);
  if (!states) {
    states = JourneyModel.find(
      { organisationId, status: { $in: ['live', 'paused'] } },
      { status: 1, liveVersion: 1, enabledAt: 1, statusLog: 1 },
    )
      .lean<JourneyState[]>()
      .then((docs) => new Map(docs.map((doc) => [String(doc._id), doc])));
    context.states.set(organisationId, states);
  }
  return states;
}

/** The journey as it was live at `at` (in the version live then), or null when it was not live. */
async function liveAt(journey: ActiveJourney, at: Date, context: ReplayContext): Promise<ActiveJourney | null> {
  const doc = (await statesOf(context, journey.organisationId)).get(journey.id);
  if (!doc) return null;
  const state = journeyStateAt(doc, at);
  if (state.status !== 'live' || state.liveVersion === null) return null;
  if (state.liveVersion === journey.liveVersion) return { ...journey, status: 'live' };
  const definition = await loadDefinition(journey.id, state.liveVersion);
  if (!definition) return null;
  return {
    ...journey,
    status: 'live',
    liveVersion: state.liveVersion,
    definition,
    entryMatcher: entryMatcher(definition),
  };
}

function replayOne(event: ReceivedEvent, context: ReplayContext): Promise<boolean> {
  return passEventToJourneys(event, {
    now: event.receivedAt,
    exitAt: journeyNow(),
    enteredBy: event.receivedAt,
    liveAtEvent: (journey) => liveAt(journey, event.receivedAt, context),
  });
}

/**
 * Passes one stored event through the journeys as they were when it was received (see the top of this file) and
 * marks it handled when a journey was concerned; true then.
 */
export async function replayEvent(event: ReceivedEvent): Promise<boolean> {
  const concerned = await replayOne(event, { states: new Map() });
  if (concerned) await markEventsHandled([event], new Date());
  return concerned;
}

export interface ReplayResult {
  /** False when another instance holds the replay. */
  taken: boolean;
  read: number;
  /** Events the subscriber had not handled that concerned a journey. */
  replayed: number;
  checkpoint: Date | null;
}

async function takeLease(instanceId: string, now: Date): Promise<JourneyReplayDoc | null> {
  try {
    await JourneyReplayModel.updateOne(
      { _id: ROW },
      { $setOnInsert: { checkpoint: null, leaseOwner: null, leaseUntil: new Date(0) } },
      { upsert: true },
    );
  } catch (error) {
    if (!isDuplicateKey(error)) throw error; // created by another instance meanwhile
  }
  const taken = await JourneyReplayModel.updateOne(
    { _id: ROW, leaseUntil: { $lte: now } },
    { $set: { leaseOwner: instanceId, leaseUntil: new Date(now.getTime() + LEASE_MS) } },
  );
  if (taken.modifiedCount !== 1) return null;
  return JourneyReplayModel.findOne({ _id: ROW, leaseOwner: instanceId }).lean<JourneyReplayDoc>();
}

/**
 * The periodic job: replays the events received since the checkpoint (less the margin) up to a few seconds ago,
 * in batches, advancing the checkpoint as it goes. One instance at a time (lease); idempotent.
 */
export async function replayLostJourneyEvents(
  options: { now?: Date; instanceId?: string; batchSize?: number; maxEvents?: number } = {},
): Promise<ReplayResult> {
  const now = options.now ?? new Date();
  const instanceId = options.instanceId ?? defaultInstanceId;
  // Each batch is one read of the window sorted by (receivedAt, _id): on mongo-java-server a scan of every event
  // and a sort of the whole window, so a run costs (window / batch) scans. Large batches keep that to a few.
  const batchSize = options.batchSize ?? 5_000;
  const maxEvents = options.maxEvents ?? 100_000;
  const row = await takeLease(instanceId, now);
  if (!row) return { taken: false, read: 0, replayed: 0, checkpoint: null };
  const from = new Date((row.checkpoint ?? now).getTime() - REPLAY_MARGIN_MS);
  const to = new Date(now.getTime() - REPLAY_SETTLE_MS);
  const context: ReplayContext = { states: new Map() };
  let checkpoint = row.checkpoint;
  let after: { receivedAt: Date; id: string } | null = null;
  let read = 0;
  let replayed = 0;
  const save = async (reached: Date, release: boolean) => {
    if (!checkpoint || reached.getTime() > checkpoint.getTime()) checkpoint = reached;
    const leaseUntil = release ? new Date() : new Date(Date.now() + LEASE_MS);
    const saved = await JourneyReplayModel.updateOne(
      { _id: ROW, leaseOwner: instanceId },
      { $set: { checkpoint, leaseUntil, ...(release && { leaseOwner: null }) } },
    );
    return saved.matchedCount === 1;
  };
  for (;;) {
    const limit = Math.min(batchSize, maxEvents - read);
    const batch = await eventsReceivedBetween(from, to, after, limit);
    read += batch.length;
    const marks = await JourneyEventMarkModel.find({ key: { $in: batch.map(eventMarkKey) } }, { key: 1 }).lean<
      { key: string }[]
    >();
    const marked = new Set(marks.map((mark) => mark.key));
    const handled: ReceivedEvent[] = [];
    for (const event of batch) {
      if (marked.has(eventMarkKey(event))) continue;
      if (await replayOne(event, context)) handled.push(event);
    }
    await markEventsHandled(handled, new Date());
    replayed += handled.length;
    const last = batch.at(-1);
    if (!last || batch.length < limit) {
      await save(to, true); // everything received before `to` was read
      break;
    }
    after = { receivedAt: last.receivedAt, id: last.id };
    if (read >= maxEvents) {
      await save(last.receivedAt, true);
      break;
    }
    if (!(await save(last.receivedAt, false))) break; // the lease was lost: another instance goes on
  }
  await JourneyEventMarkModel.deleteMany({ at: { $lt: new Date(from.getTime() - MARK_KEEP_MS) } });
  return { taken: true, read, replayed, checkpoint };
}
