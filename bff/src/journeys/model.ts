/**
 * The journeys engine's collections. Correctness rests on single-document conditional updates and unique indexes
 * only (no transactions):
 *
 *   journeys            — one per journey: status, latest and live version, the entry schedule's next run.
 *   journey_versions    — the definition of each version; unique (journeyId, version). Enrolments keep theirs.
 *   journey_enrolments  — a customer in a journey, and the engine's work queue at once: the current step, when it is
 *                         due (`dueAt`) and who holds it (lease). Unique (journeyId, customerId, entryKey): one entry
 *                         is enrolled once; sparse unique `activeKey` (set only while in the journey): never twice
 *                         in the same journey at the same time.
 *   journey_executions  — one per step a customer passes; `key` (journey, version, enrolment, step, position in the
 *                         enrolment's path) is unique, and is the idempotency key of the step's side effect.
 *   journey_runs        — one per run of a segment entry (one-off, each periodic occurrence, each birthday sweep):
 *                         the run is claimed with a lease and repeated after a crash (enrolling is idempotent).
 *   journey_key_dates   — key-date entries waiting for their day; unique (journeyId, customerId, key).
 *   journey_contacts    — per customer, the marketing messages journeys sent lately (the frequency cap).
 *   journey_replay, journey_event_marks — the replay of events the event subscriber lost (journeys/replay.ts).
 *   journey_backfills   — key dates scheduled for what was stored before a version went live (journeys/backfill.ts).
 */
import mongoose, { Schema, type Types } from 'mongoose';
import type { EnrolmentStatus, JourneyDefinition, JourneyStatus } from '@careloop/shared';

const journeySchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    status: { type: String, enum: ['draft', 'live', 'paused', 'archived'], required: true },
    /** The latest version. */
    version: { type: Number, required: true },
    /** The version new customers enter (the latest at the time it was enabled or edited while live). */
    liveVersion: { type: Number, default: null },
    /** Whether `version` was ever live (then an edit makes a new version; a draft's is replaced). */
    versionPublished: { type: Boolean, default: false },
    entryKind: { type: String, required: true },
    templateKey: { type: String, default: null },
    createdBy: { type: String, default: null },
    /** The entry schedule: when it next runs (one-off, periodic, birthday sweep), null when it does not. */
    nextRunAt: { type: Date, default: null },
    /** The key of the last schedule run taken (e.g. the periodic occurrence's time). */
    lastRunKey: { type: String, default: null },
    enabledAt: { type: Date, default: null },
    /**
     * The latest changes of `status` and `liveVersion`, oldest first, each with its time on the server clock (the
     * clock events' `receivedAt` is on): the replay of lost events asks which version was live when an event came.
     * Written with `statusLogPush`, in the same single-document update as the change itself.
     */
    statusLog: {
      type: [{ at: Date, status: String, liveVersion: Number, _id: false }],
      default: undefined,
    },
  },
  { timestamps: true },
);
journeySchema.index({ organisationId: 1, createdAt: -1 });
journeySchema.index({ status: 1, nextRunAt: 1 });
const STATUS_LOG_KEEP = 50;

/** The `$push` that logs a change of status or live version, made in the same update as the change itself. */
export function statusLogPush(change: { status?: unknown; liveVersion?: unknown }, at = new Date()) {
  const entry: { at: Date; status?: string; liveVersion?: number } = { at };
  if (typeof change.status === 'string') entry.status = change.status;
  if (typeof change.liveVersion === 'number') entry.liveVersion = change.liveVersion;
  if (entry.status === undefined && entry.liveVersion === undefined) return {};
  return { $push: { statusLog: { $each: [entry], $slice: -STATUS_LOG_KEEP } } };
}
export const JourneyModel = mongoose.model('Journey', journeySchema, 'journeys');

export interface JourneyDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  name: string;
  description: string;
  status: JourneyStatus;
  version: number;
  liveVersion: number | null;
  versionPublished: boolean;
  entryKind: JourneyDefinition['entry']['kind'];
  templateKey: string | null;
  createdBy: string | null;
  nextRunAt: Date | null;
  lastRunKey: string | null;
  enabledAt: Date | null;
  statusLog?: { at: Date; status?: JourneyStatus; liveVersion?: number }[];
  createdAt: Date;
  updatedAt: Date;
}

const versionSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    journeyId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    definition: { type: Schema.Types.Mixed, required: true },
    createdBy: { type: String, default: null },
    /** Set once customers may enter it: from then on the definition never changes (instances cache it). */
    publishedAt: { type: Date, default: null },
  },
  { timestamps: true, minimize: false },
);
versionSchema.index({ journeyId: 1, version: 1 }, { unique: true });
export const JourneyVersionModel = mongoose.model('JourneyVersion', versionSchema, 'journey_versions');

export interface JourneyVersionDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  journeyId: Types.ObjectId;
  version: number;
  definition: JourneyDefinition;
  createdBy: string | null;
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type EnrolmentState = 'waiting' | 'running' | 'held' | 'in_doubt' | 'ended';

const enrolmentSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    journeyId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    /** What brought the customer in (an event, a run, a key date, a staff member): enrolled once. */
    entryKey: { type: String, required: true },
    /** `<journeyId>:<customerId>` while the customer is in the journey; absent afterwards. */
    activeKey: { type: String },
    status: { type: String, enum: ['active', 'completed', 'exited', 'parked'], required: true },
    state: { type: String, enum: ['waiting', 'running', 'held', 'in_doubt', 'ended'], required: true },
    /** The current step, and its position in the enrolment's path (1 for the start). */
    stepId: { type: String, required: true },
    seq: { type: Number, required: true },
    /** When the current step is due; while running, when the lease runs out (then another instance takes it). */
    dueAt: { type: Date, default: null },
    leaseOwner: { type: String, default: null },
    leaseToken: { type: String, default: null },
    enteredAt: { type: Date, required: true },
    /** When the enrolment reached its current step. */
    stepAt: { type: Date, required: true },
    endedAt: { type: Date, default: null },
    exitReason: { type: String, default: null },
    error: { type: String, default: null },
    source: { type: String, default: null },
  },
  { versionKey: false },
);
enrolmentSchema.index({ journeyId: 1, customerId: 1, entryKey: 1 }, { unique: true });
enrolmentSchema.index({ activeKey: 1 }, { unique: true, sparse: true });
// The due work: waiting enrolments whose step is due, and running ones whose lease ran out.
enrolmentSchema.index({ state: 1, dueAt: 1 });
// The engine's claim and commit are conditional updates on exactly these fields (each as it was read): a filter's
// fields exactly an index's keep them one index lookup each on mongo-java-server, which otherwise scans every row.
enrolmentSchema.index({ _id: 1, seq: 1, status: 1, state: 1, dueAt: 1, leaseToken: 1 }, { unique: true });
enrolmentSchema.index({ organisationId: 1, customerId: 1, status: 1 });
enrolmentSchema.index({ journeyId: 1, status: 1, stepId: 1 });
export const EnrolmentModel = mongoose.model('JourneyEnrolment', enrolmentSchema, 'journey_enrolments');

export interface EnrolmentDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  journeyId: Types.ObjectId;
  version: number;
  customerId: Types.ObjectId;
  entryKey: string;
  activeKey?: string;
  status: EnrolmentStatus;
  state: EnrolmentState;
  stepId: string;
  seq: number;
  dueAt: Date | null;
  leaseOwner: string | null;
  leaseToken: string | null;
  enteredAt: Date;
  stepAt: Date;
  endedAt: Date | null;
  exitReason: string | null;
  error: string | null;
  source: string | null;
}

/**
 * running   — the step's action is under way (an internal action may run again after a crash: it is idempotent);
 * retrying  — the action failed and waits for its next attempt;
 * sending   — an external message is being sent: never sent again; a crash leaves it in_doubt;
 * done      — passed; skipped — went on without the action; not_sent — a reviewer found the message was not sent;
 * in_doubt  — interrupted while sending: waits for review; failed — every attempt failed (enrolment parked);
 * cancelled — the enrolment ended while the step was under way.
 */
export type ExecutionStatus =
  'running' | 'retrying' | 'sending' | 'done' | 'skipped' | 'not_sent' | 'in_doubt' | 'failed' | 'cancelled';

const executionSchema = new Schema(
  {
    key: { type: String, required: true },
    organisationId: { type: Schema.Types.ObjectId, required: true },
    journeyId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    enrolmentId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    stepId: { type: String, required: true },
    stepType: { type: String, required: true },
    seq: { type: Number, required: true },
    status: { type: String, required: true },
    /** A short word for what happened: yes / no (branches), sent, tagged, no_consent, capped, no_openid … */
    outcome: { type: String, default: null },
    /** Details of the effect (coupon id, task id, provider answer). */
    result: { type: Schema.Types.Mixed, default: null },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    owner: { type: String, default: null },
    startedAt: { type: Date, required: true },
    sendingAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
  },
  { versionKey: false, minimize: false },
);
executionSchema.index({ key: 1 }, { unique: true });
// The engine's conditional updates of an execution name exactly (key, status) (see enrolments' claim index).
executionSchema.index({ key: 1, status: 1 }, { unique: true });
executionSchema.index({ journeyId: 1, stepId: 1, status: 1, _id: 1 });
executionSchema.index({ status: 1, journeyId: 1 });
executionSchema.index({ organisationId: 1, customerId: 1 });
export const ExecutionModel = mongoose.model('JourneyExecution', executionSchema, 'journey_executions');

export interface ExecutionDoc {
  _id: Types.ObjectId;
  key: string;
  organisationId: Types.ObjectId;
  journeyId: Types.ObjectId;
  version: number;
  enrolmentId: Types.ObjectId;
  customerId: Types.ObjectId;
  stepId: string;
  stepType: string;
  seq: number;
  status: ExecutionStatus;
  outcome: string | null;
  result: Record<string, unknown> | null;
  attempts: number;
  lastError: string | null;
  owner: string | null;
  startedAt: Date;
  sendingAt: Date | null;
  finishedAt: Date | null;
}

const runSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    journeyId: { type: Schema.Types.ObjectId, required: true },
    /** oneoff, periodic:<occurrence ISO>, birthday:<local date>. */
    runKey: { type: String, required: true },
    /** The moment the audience is evaluated at. */
    at: { type: Date, required: true },
    status: { type: String, enum: ['running', 'done'], required: true },
    leaseUntil: { type: Date, default: null },
    leaseOwner: { type: String, default: null },
    enrolled: { type: Number, default: 0 },
    finishedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
runSchema.index({ journeyId: 1, runKey: 1 }, { unique: true });
runSchema.index({ status: 1, leaseUntil: 1 });
export const JourneyRunModel = mongoose.model('JourneyRun', runSchema, 'journey_runs');

export interface JourneyRunDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  journeyId: Types.ObjectId;
  runKey: string;
  at: Date;
  status: 'running' | 'done';
  leaseUntil: Date | null;
  leaseOwner: string | null;
  enrolled: number;
}

const keyDateSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    journeyId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    /** What the date is of, e.g. coupon:<id>:2026 or event:<source>:<id>. */
    key: { type: String, required: true },
    /** The key date itself (local YYYY-MM-DD), for explanations. */
    date: { type: String, required: true },
    /** When the customer enters; while being entered, when the lease runs out. */
    dueAt: { type: Date, required: true },
    status: { type: String, enum: ['scheduled', 'entering', 'entered', 'cancelled'], required: true },
    outcome: { type: String, default: null },
  },
  { timestamps: true },
);
keyDateSchema.index({ journeyId: 1, customerId: 1, key: 1 }, { unique: true });
keyDateSchema.index({ status: 1, dueAt: 1 });
keyDateSchema.index({ organisationId: 1, customerId: 1 });
export const KeyDateModel = mongoose.model('JourneyKeyDate', keyDateSchema, 'journey_key_dates');

export interface KeyDateDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  journeyId: Types.ObjectId;
  customerId: Types.ObjectId;
  key: string;
  date: string;
  dueAt: Date;
  status: 'scheduled' | 'entering' | 'entered' | 'cancelled';
  outcome: string | null;
}

const contactSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    /** Messages sent lately (kept FREQUENCY_WINDOW_MAX_DAYS), each with the execution that sent it. */
    recent: { type: [{ at: Date, key: String, _id: false }], default: [] },
    /** Bumped by every change: writers update conditionally on it. */
    v: { type: Number, required: true },
  },
  { versionKey: false },
);
contactSchema.index({ organisationId: 1, customerId: 1 }, { unique: true });
export const ContactLogModel = mongoose.model('JourneyContactLog', contactSchema, 'journey_contacts');

export interface ContactLogDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  customerId: Types.ObjectId;
  recent: { at: Date; key: string }[];
  v: number;
}

/**
 * The replay of events the journeys' event subscriber may have lost (journeys/replay.ts): one checkpoint row,
 * `events`: every event received before `checkpoint` was read (re-read a margin back each run); held with a lease.
 */
const replaySchema = new Schema(
  {
    _id: { type: String, required: true },
    checkpoint: { type: Date, default: null },
    leaseOwner: { type: String, default: null },
    leaseUntil: { type: Date, required: true },
  },
  { versionKey: false, timestamps: true },
);
export const JourneyReplayModel = mongoose.model('JourneyReplay', replaySchema, 'journey_replay');

export interface JourneyReplayDoc {
  _id: string;
  checkpoint: Date | null;
  leaseOwner: string | null;
  leaseUntil: Date;
}

/**
 * The events journeys have handled (entered, exited or scheduled a key date for, or found nothing to do in a
 * journey concerned), by `<organisationId>:<source>:<sourceEventId>`: the replay skips them. Pruned by the replay
 * once older than its margin.
 */
const eventMarkSchema = new Schema(
  {
    key: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
eventMarkSchema.index({ key: 1 }, { unique: true });
eventMarkSchema.index({ at: 1 });
export const JourneyEventMarkModel = mongoose.model('JourneyEventMark', eventMarkSchema, 'journey_event_marks');

/**
 * The key-date backfill of one live version of a key-date journey whose dates come from events or coupons
 * (journeys/backfill.ts): unique (journeyId, version); resumable from `cursor`, held with a lease.
 */
const backfillSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    journeyId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    status: { type: String, enum: ['running', 'done'], required: true },
    /** Where the next batch starts: the last item read (its time and id). */
    cursor: { type: { at: Date, id: String, _id: false }, default: null },
    leaseOwner: { type: String, default: null },
    leaseUntil: { type: Date, required: true },
    read: { type: Number, default: 0 },
    scheduled: { type: Number, default: 0 },
    finishedAt: { type: Date, default: null },
    /** Why it ended early (the journey stopped or another version went live), or null. */
    endReason: { type: String, default: null },
  },
  { versionKey: false, timestamps: true },
);
backfillSchema.index({ journeyId: 1, version: 1 }, { unique: true });
export const JourneyBackfillModel = mongoose.model('JourneyBackfill', backfillSchema, 'journey_backfills');

export interface JourneyBackfillDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  journeyId: Types.ObjectId;
  version: number;
  status: 'running' | 'done';
  cursor: { at: Date; id: string } | null;
  leaseOwner: string | null;
  leaseUntil: Date;
  read: number;
  scheduled: number;
  finishedAt: Date | null;
  endReason: string | null;
}
