/**
 * The journeys engine: runs the steps that are due, each exactly once, on any number of BFF instances.
 *
 * Work. An active enrolment is its own queue entry: its current step and when it is due (`dueAt`, indexed with
 * `state`). A run claims due enrolments in batches with one conditional updateMany that sets a lease (owner, token,
 * `dueAt` = lease end), so a crashed instance's work becomes due again when its lease runs out, and an instance
 * whose lease was taken over cannot commit (its token no longer matches). Waits of months are a date in a document.
 *
 * Each step an enrolment passes has an execution record with a deterministic key (journey, version, enrolment,
 * step, position in the enrolment's path) under a unique index; the key is inserted before the step acts (one
 * unordered insert per batch: a duplicate key is a row done before, never an aborted batch), and it is the
 * idempotency key the step passes downstream. So:
 *   - internal effects (tags, coupons, tasks) happen exactly once: a repeat after a crash, a lost lease or a
 *     timed-out call passes the same key, and those services answer it with the first result;
 *   - external messages (WeChat, SMS) take no key: the execution is marked `sending` (a conditional update only one
 *     instance wins) before the call; a run that finds `sending` (its sender died) marks it `in_doubt` for a
 *     manager's review and never sends again. A definite refusal is retried; an unknown outcome is never retried;
 *   - the enrolment moves on with a conditional update on its position (`seq`) and lease token, so a step is
 *     passed once and the next step scheduled once.
 * A failing action is retried with backoff; after JOURNEY_MAX_ATTEMPTS the enrolment is parked with the error.
 * Consent, quiet hours, the frequency cap and exit events are checked when the step runs, not when it was planned.
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import {
  EXTERNAL_MESSAGE_STEPS,
  JOURNEY_MAX_PATH,
  MESSAGE_STEPS,
  type JourneyDefinition,
  type JourneyStep,
} from '@careloop/shared';
import { AppError, notFound } from '../http/errors';
import { hasMarketingConsent } from '../consent/service';
import { revealContacts } from '../identity/phone';
import {
  EnrolmentModel,
  ExecutionModel,
  JourneyModel,
  type EnrolmentDoc,
  type EnrolmentState,
  type ExecutionDoc,
  type ExecutionStatus,
  type JourneyDoc,
} from './model';
import { loadDefinition, loadJourney, stepOf } from './definitions';
import { arrivalDue, enterDueKeyDates, runDueSchedules } from './entries';
import { endUpdate, exitEnrolment, recordEnded, recordJourneyEvent } from './lifecycle';
import { defaultInstanceId, fault, journeyNow, journeyRuntime, journeyTimeZone, SimulatedCrash } from './runtime';
import { quietHoursEnd, waitEnd } from './schedule';
import {
  eventSince,
  PermanentStepError,
  prepareMessage,
  runInternalStep,
  takeContactSlot,
  type StepContext,
  type StepOutcome,
} from './steps';
import { settleLimit } from './pool';

export const JOURNEY_LEASE_MS = 5 * 60_000;
export const JOURNEY_MAX_ATTEMPTS = 5;

/** 1 min, 4 min, 16 min, 64 min … at most 6 h. */
export function retryDelayMs(failures: number): number {
  return Math.min(60_000 * 4 ** Math.max(0, failures - 1), 6 * 3_600_000);
}

export const executionKey = (row: Pick<EnrolmentDoc, 'journeyId' | 'version' | '_id' | 'stepId' | 'seq'>) =>
  `${String(row.journeyId)}:v${row.version}:${String(row._id)}:${row.stepId}:${row.seq}`;

export interface EngineRunOptions {
  /** The engine's clock for this run (tests and the bench move it). Default: now. */
  now?: Date;
  /** At most this many step executions in this run. */
  limit?: number;
  instanceId?: string;
  batchSize?: number;
  leaseMs?: number;
  /** Steps acting at the same time within a batch. */
  concurrency?: number;
}

export interface EngineRunResult {
  /** Customers enrolled by schedule runs (one-off, periodic) and key dates scheduled by birthday sweeps. */
  scheduled: number;
  keyDatesEntered: number;
  claimed: number;
  passed: number;
  skipped: number;
  /** Messages moved out of quiet hours, and steps held by a paused journey. */
  deferred: number;
  retried: number;
  parked: number;
  inDoubt: number;
  exited: number;
  completed: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Commits: what a row's run writes at the end of the batch

interface Commit {
  row: EnrolmentDoc;
  /** The execution record's final update, if it still has one to make. */
  execution?: Settle;
  /** The enrolment's update (applied only if the row is still this run's, at the same position). */
  enrolment: Record<string, unknown> | null;
  count: keyof EngineRunResult | null;
}

const releaseLease = { leaseOwner: null, leaseToken: null };

function nextStepId(step: JourneyStep, outcome: string): string | null {
  if (step.type === 'branch') return outcome === 'yes' ? step.yes : step.no;
  if (step.type === 'exit') return null;
  return step.next;
}

/** The enrolment's update after `step` ended with `outcome` at `now`: on to the next step, or the journey's end. */
export async function advanceUpdate(
  row: Pick<EnrolmentDoc, 'organisationId' | 'seq'>,
  definition: JourneyDefinition,
  step: JourneyStep,
  outcome: string,
  now: Date,
): Promise<{ update: Record<string, unknown>; ended: string | null }> {
  if (step.type === 'exit') return { update: endUpdate('exited', 'exit_step', now), ended: 'exit_step' };
  const nextId = nextStepId(step, outcome);
  const next = nextId ? stepOf(definition, nextId) : undefined;
  if (!next) return { update: endUpdate('completed', 'completed', now), ended: 'completed' };
  const timeZone = await journeyTimeZone(String(row.organisationId));
  return {
    update: {
      $set: {
        stepId: next.id,
        seq: row.seq + 1,
        state: 'waiting',
        dueAt: arrivalDue(next, now, timeZone),
        stepAt: now,
        error: null,
        ...releaseLease,
      },
    },
    ended: null,
  };
}

const release = (row: EnrolmentDoc, dueAt: Date, state: 'waiting' | 'held', error?: string): Commit => ({
  row,
  enrolment: { $set: { state, dueAt, ...releaseLease, ...(error !== undefined && { error }) } },
  count: state === 'held' ? 'deferred' : null,
});

const park = (row: EnrolmentDoc, error: string, execution?: Commit['execution']): Commit => ({
  row,
  execution,
  enrolment: { $set: { status: 'parked', state: 'ended', dueAt: null, error, ...releaseLease } },
  count: 'parked',
});

const inDoubt = (row: EnrolmentDoc): Commit => ({
  row,
  enrolment: { $set: { state: 'in_doubt', dueAt: null, ...releaseLease } },
  count: 'inDoubt',
});

// ---------------------------------------------------------------------------------------------------------------
// A batch

interface RunContext {
  now: Date;
  instanceId: string;
  journeys: Map<string, JourneyDoc>;
}

/**
 * A step that only decides where the customer goes (wait, branch, exit) has its outcome before its execution record
 * is written: the record is stored as done with it, and a repeat finds it there (a branch is decided once).
 */
type Plan =
  | { kind: 'commit'; commit: Commit }
  | {
      kind: 'run';
      row: EnrolmentDoc;
      definition: JourneyDefinition;
      step: JourneyStep;
      context: StepContext;
      decided: StepOutcome | null;
    };

const DECIDING_STEPS = new Set(['wait', 'branch', 'exit']);

/** Checks that need no execution record: the journey's status, the step, exit events, quiet hours. */
async function plan(row: EnrolmentDoc, run: RunContext): Promise<Plan> {
  const { now } = run;
  const journey = run.journeys.get(String(row.journeyId));
  if (!journey || journey.status === 'archived') {
    return { kind: 'commit', commit: { row, enrolment: endUpdate('exited', 'archived', now), count: 'exited' } };
  }
  if (journey.status !== 'live') return { kind: 'commit', commit: release(row, now, 'held') };
  const definition = await loadDefinition(String(row.journeyId), row.version);
  const step = definition && stepOf(definition, row.stepId);
  if (!definition || !step) {
    return { kind: 'commit', commit: park(row, `Step ${row.stepId} of version ${row.version} does not exist`) };
  }
  if (row.seq > JOURNEY_MAX_PATH) {
    return {
      kind: 'commit',
      commit: park(row, `The customer passed ${JOURNEY_MAX_PATH} steps: is the journey looping?`),
    };
  }
  const timeZone = await journeyTimeZone(String(row.organisationId));
  const context: StepContext = {
    organisationId: String(row.organisationId),
    customerId: String(row.customerId),
    journeyId: String(row.journeyId),
    journeyName: journey.name,
    enrolmentId: String(row._id),
    enteredAt: row.enteredAt,
    key: executionKey(row),
    now,
    timeZone,
  };
  if (definition.exitOn.length) {
    const exitType = await eventSince(context, definition.exitOn, row.enteredAt);
    if (exitType) {
      await recordEnded(row, `event:${exitType}`, now);
      return {
        kind: 'commit',
        commit: { row, enrolment: endUpdate('exited', `event:${exitType}`, now), count: 'exited' },
      };
    }
  }
  if (EXTERNAL_MESSAGE_STEPS.includes(step.type)) {
    const quietEnd = quietHoursEnd(now, definition.quietHours, timeZone);
    if (quietEnd) return { kind: 'commit', commit: { ...release(row, quietEnd, 'waiting'), count: 'deferred' } };
  }
  const decided = DECIDING_STEPS.has(step.type) ? await runInternalStep(step, context) : null;
  return { kind: 'run', row, definition, step, context, decided };
}

/**
 * An execution's final update, made only from one of the `from` statuses. `seen` is the status this run last saw
 * (the one it almost always still has): the update is tried with it first, each try naming exactly (key, status).
 */
interface Settle {
  key: string;
  seen: ExecutionStatus;
  from: readonly ExecutionStatus[];
  update: { $set: Record<string, unknown> & { status: ExecutionStatus }; $inc?: Record<string, number> };
}

const UNDER_WAY: readonly ExecutionStatus[] = ['running', 'retrying', 'cancelled'];

const settleExecution = (
  key: string,
  seen: ExecutionStatus,
  from: readonly ExecutionStatus[],
  set: Settle['update']['$set'],
  inc?: Record<string, number>,
): Settle => ({ key, seen, from, update: { $set: set, ...(inc && { $inc: inc }) } });

/**
 * Applies settles in bulk. Each is one conditional update on (key, status), with the status it was seen in; only if
 * some did not match (an exit cancelled a retry meanwhile, …) are the other `from` statuses tried. A settle to a
 * status among its own `from` (a retry counting an attempt) runs its tries in order, that status first, so that it
 * applies once: after any try applied, only that first one could match again, and it has run.
 */
async function settleExecutions(settles: Settle[]): Promise<void> {
  const tryFrom = (settle: Settle, status: ExecutionStatus) => ({
    updateOne: { filter: { key: settle.key, status }, update: settle.update },
  });
  const repeating = settles.filter((settle) => settle.from.includes(settle.update.$set.status));
  const leaving = settles.filter((settle) => !repeating.includes(settle));
  if (leaving.length) {
    const seen = leaving.filter((settle) => settle.from.includes(settle.seen));
    const first = seen.length
      ? await ExecutionModel.bulkWrite(
          seen.map((settle) => tryFrom(settle, settle.seen)),
          { ordered: false },
        )
      : null;
    if ((first?.matchedCount ?? 0) < leaving.length) {
      // Which ones missed is not said: the others' other statuses no longer match the ones that applied.
      const rest = leaving.flatMap((settle) =>
        settle.from.filter((status) => status !== settle.seen).map((status) => tryFrom(settle, status)),
      );
      if (rest.length) await ExecutionModel.bulkWrite(rest, { ordered: false });
    }
  }
  if (repeating.length) {
    const order = (settle: Settle) =>
      [...new Set([settle.update.$set.status, settle.seen, ...settle.from])].filter((status) =>
        settle.from.includes(status),
      );
    await ExecutionModel.bulkWrite(
      repeating.flatMap((settle) => order(settle).map((status) => tryFrom(settle, status))),
      { ordered: true },
    );
  }
}

/** Marks an execution `sending` from a status under way; false when another run took it (or it moved on). */
async function markSending(key: string, seen: ExecutionStatus, set: Record<string, unknown>): Promise<boolean> {
  for (const status of [seen, ...UNDER_WAY.filter((other) => other !== seen)]) {
    if (!UNDER_WAY.includes(status)) continue;
    const marked = await ExecutionModel.updateOne({ key, status }, { $set: { ...set, status: 'sending' } });
    if (marked.modifiedCount === 1) return true;
  }
  return false;
}

/** The commit of a step that ended (done or skipped): the execution's result and the move to the next step. */
async function finished(
  runPlan: Extract<Plan, { kind: 'run' }>,
  outcome: StepOutcome,
  now: Date,
  /** The execution's status as last seen, when its record still needs the result (null: it has it). */
  recordExecution: ExecutionStatus | null,
): Promise<Commit> {
  const { row, definition, step, context } = runPlan;
  const { update, ended } = await advanceUpdate(row, definition, step, outcome.outcome, now);
  if (ended) await recordEnded(row, ended, now);
  return {
    row,
    execution: recordExecution
      ? settleExecution(context.key, recordExecution, UNDER_WAY, {
          status: outcome.status,
          outcome: outcome.outcome,
          result: outcome.result ?? null,
          finishedAt: now,
        })
      : undefined,
    enrolment: update,
    count: ended === 'completed' ? 'completed' : ended ? 'exited' : outcome.status === 'skipped' ? 'skipped' : 'passed',
  };
}

/** The commit of a failed attempt: a retry later, or parked after the last one. */
function failedAttempt(
  runPlan: Extract<Plan, { kind: 'run' }>,
  execution: ExecutionDoc,
  error: unknown,
  now: Date,
  seen: ExecutionStatus,
): Commit {
  const { row, context } = runPlan;
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
  const failures = execution.attempts + 1;
  if (error instanceof PermanentStepError || failures >= JOURNEY_MAX_ATTEMPTS) {
    return park(
      row,
      message,
      settleExecution(
        context.key,
        seen,
        [...UNDER_WAY, 'sending'],
        { status: 'failed', lastError: message, finishedAt: now },
        { attempts: 1 },
      ),
    );
  }
  return {
    row,
    execution: settleExecution(
      context.key,
      seen,
      [...UNDER_WAY, 'sending'],
      { status: 'retrying', lastError: message },
      { attempts: 1 },
    ),
    enrolment: {
      $set: {
        state: 'waiting',
        dueAt: new Date(now.getTime() + retryDelayMs(failures)),
        error: message,
        ...releaseLease,
      },
    },
    count: 'retried',
  };
}

const isMarketing = (step: JourneyStep) => 'marketing' in step && step.marketing === true;

/** Runs one planned step against its execution record (`fresh`: this run stored it). */
async function act(
  runPlan: Extract<Plan, { kind: 'run' }>,
  execution: ExecutionDoc,
  fresh: boolean,
  run: RunContext,
): Promise<Commit> {
  const { row, step, definition, context } = runPlan;
  const { now, instanceId } = run;
  const where = { instanceId, customerId: context.customerId, stepId: step.id, stepType: step.type };
  if (fresh && runPlan.decided) return finished(runPlan, runPlan.decided, now, null);
  switch (execution.status) {
    case 'done':
    case 'skipped':
    case 'not_sent':
      // Acted before (a crash or a lost lease came after): only the move on is left.
      return finished(
        runPlan,
        { status: execution.status === 'done' ? 'done' : 'skipped', outcome: execution.outcome ?? '' },
        now,
        null,
      );
    case 'sending':
      // Its sender died mid-call: whether the message went out is unknown. Never send it again.
      await ExecutionModel.updateOne(
        { key: context.key, status: 'sending' },
        { $set: { status: 'in_doubt', lastError: 'interrupted while sending' } },
      );
      return inDoubt(row);
    case 'in_doubt':
      return inDoubt(row);
    case 'failed':
      return park(row, execution.lastError ?? 'failed');
    default:
      break;
  }

  /** The execution's status as this run last saw it (the settles try it first). */
  let seen: ExecutionStatus = execution.status;
  try {
    if (isMarketing(step) && !(await hasMarketingConsent(context.organisationId, context.customerId))) {
      return finished(runPlan, { status: 'skipped', outcome: 'no_consent' }, now, seen);
    }
    await fault({ point: 'before_effect', ...where });

    if (EXTERNAL_MESSAGE_STEPS.includes(step.type)) {
      const prepared = await prepareMessage(step, context);
      if ('skip' in prepared) return finished(runPlan, { status: 'skipped', outcome: prepared.skip }, now, seen);
      if (isMarketing(step) && !(await takeContactSlot(context, definition.frequencyCap))) {
        return finished(runPlan, { status: 'skipped', outcome: 'capped' }, now, seen);
      }
      // Another instance (whose lease this run took over) is sending it: leave it to the lease's end.
      if (!(await markSending(context.key, seen, { sendingAt: now, owner: instanceId }))) {
        return { row, enrolment: null, count: null };
      }
      seen = 'sending';
      await fault({ point: 'before_send', ...where });
      let sent;
      try {
        sent = await prepared.send();
      } catch (error) {
        if (error instanceof SimulatedCrash) throw error;
        // A timeout or a broken connection: it may have been delivered. In doubt, never retried.
        await ExecutionModel.updateOne(
          { key: context.key, status: 'sending' },
          { $set: { status: 'in_doubt', lastError: (error as Error).message?.slice(0, 500) ?? 'unknown' } },
        );
        return inDoubt(row);
      }
      await fault({ point: 'after_send', ...where });
      if (sent.kind === 'refused') {
        return failedAttempt(runPlan, execution, new Error(sent.error), now, seen);
      }
      const outcome: StepOutcome =
        sent.kind === 'sent'
          ? { status: 'done', outcome: 'sent', result: sent.result }
          : { status: 'skipped', outcome: sent.outcome, result: sent.result };
      await ExecutionModel.updateOne(
        { key: context.key, status: 'sending' },
        { $set: { status: outcome.status, outcome: outcome.outcome, result: outcome.result ?? null, finishedAt: now } },
      );
      if (sent.kind === 'sent') {
        await recordJourneyEvent({
          organisationId: context.organisationId,
          customerId: context.customerId,
          type: 'journey.message_sent',
          properties: { journeyId: context.journeyId, stepId: step.id, channel: prepared.channel },
          sourceEventId: `journey:${context.key}:sent`,
          occurredAt: now,
        });
      }
      return finished(runPlan, outcome, now, null);
    }

    if (
      MESSAGE_STEPS.includes(step.type) &&
      isMarketing(step) &&
      !(await takeContactSlot(context, definition.frequencyCap))
    ) {
      return finished(runPlan, { status: 'skipped', outcome: 'capped' }, now, seen);
    }
    const outcome = await runInternalStep(step, context);
    await fault({ point: 'after_effect', ...where });
    return finished(runPlan, outcome, now, seen);
  } catch (error) {
    if (error instanceof SimulatedCrash) throw error;
    return failedAttempt(runPlan, execution, error, now, seen);
  }
}

/** What a claim and a commit condition an enrolment on: exactly the fields of its claim index (see model). */
type LeaseFields = Pick<EnrolmentDoc, '_id' | 'seq' | 'status' | 'state' | 'dueAt' | 'leaseToken'>;
const leaseFilter = (row: LeaseFields) => ({
  _id: row._id,
  seq: row.seq,
  status: row.status,
  state: row.state,
  dueAt: row.dueAt,
  leaseToken: row.leaseToken ?? null,
});

/** Due rows a run read and has not tried to claim yet, in random order. */
interface ClaimWindow {
  rows: LeaseFields[];
}

/** How many batches one read of the due rows serves. */
const WINDOW_BATCHES = 8;

async function claimBatch(
  now: Date,
  instanceId: string,
  size: number,
  leaseMs: number,
  window: ClaimWindow,
): Promise<EnrolmentDoc[]> {
  const due = { state: { $in: ['waiting', 'running'] as EnrolmentState[] }, dueAt: { $lte: now } };
  // Finding the due rows sorts them (and scans them all on mongo-java-server): one read serves several batches.
  // Instances reading the same earliest rows would all race for the same few: each takes them in a random order, and
  // reads again when its window is used up; a row another instance took (or that changed) since fails its claim.
  let reads = 0;
  for (;;) {
    if (!window.rows.length) {
      if (reads === 5) return [];
      reads += 1;
      const read = await EnrolmentModel.find(due, { _id: 1, seq: 1, status: 1, state: 1, dueAt: 1, leaseToken: 1 })
        .sort({ dueAt: 1 })
        .limit(size * WINDOW_BATCHES)
        .lean<LeaseFields[]>();
      if (!read.length) return [];
      window.rows = read
        .map((row) => ({ row, order: Math.random() }))
        .sort((a, b) => a.order - b.order)
        .map((item) => item.row);
    }
    const chosen = window.rows.splice(0, size);
    const leaseToken = randomUUID();
    // Each row is taken only as it was read (still due, no other claim or change since): one conditional update
    // per row, in one unordered bulk; then the rows read back by id show which ones this claim took.
    await EnrolmentModel.bulkWrite(
      chosen.map((row) => ({
        updateOne: {
          filter: leaseFilter(row),
          update: {
            $set: { state: 'running', leaseOwner: instanceId, leaseToken, dueAt: new Date(now.getTime() + leaseMs) },
          },
        },
      })),
      { ordered: false },
    );
    const claimed = (
      await EnrolmentModel.find({ _id: { $in: chosen.map((row) => row._id) } }).lean<EnrolmentDoc[]>()
    ).filter((row) => row.leaseToken === leaseToken);
    if (claimed.length) return claimed;
  }
}

const contactSteps = new WeakMap<JourneyStep, boolean>();
/** Whether a step needs the customer's phone number (an SMS) or name (a text with {{name}}). */
function needsContact(step: JourneyStep): boolean {
  let needs = contactSteps.get(step);
  if (needs === undefined) {
    needs = step.type === 'send_sms' || JSON.stringify(step).includes('{{name}}');
    contactSteps.set(step, needs);
  }
  return needs;
}

/** Reads the names and numbers the batch's steps need with one read per organisation (not one per step). */
async function readContacts(runs: Extract<Plan, { kind: 'run' }>[]): Promise<void> {
  const byOrganisation = new Map<string, Extract<Plan, { kind: 'run' }>[]>();
  for (const item of runs) {
    if (item.decided || !needsContact(item.step)) continue;
    const list = byOrganisation.get(item.context.organisationId) ?? [];
    list.push(item);
    byOrganisation.set(item.context.organisationId, list);
  }
  if (!byOrganisation.size) return;
  const { config } = journeyRuntime();
  for (const [organisationId, items] of byOrganisation) {
    const contacts = await revealContacts(
      config,
      organisationId,
      items.map((item) => item.context.customerId),
    );
    for (const item of items) item.context.contact = contacts.get(item.context.customerId);
  }
}

/** Inserts execution records unordered; answers the indexes of those whose key was stored already. */
async function insertExecutions(docs: Record<string, unknown>[]): Promise<Set<number>> {
  if (!docs.length) return new Set();
  try {
    await ExecutionModel.collection.insertMany(docs, { ordered: false });
    return new Set();
  } catch (error) {
    const failure = error as { writeErrors?: { code?: number; index?: number }[] | { code?: number; index?: number } };
    const list = Array.isArray(failure.writeErrors)
      ? failure.writeErrors
      : failure.writeErrors
        ? [failure.writeErrors]
        : [];
    if (!list.length || !list.every((row) => row.code === 11000 && typeof row.index === 'number')) throw error;
    return new Set(list.map((row) => row.index!));
  }
}

async function processBatch(rows: EnrolmentDoc[], run: RunContext, concurrency: number, result: EngineRunResult) {
  const journeyIds = [...new Set(rows.map((row) => String(row.journeyId)))].map((id) => new Types.ObjectId(id));
  run.journeys = new Map(
    (await JourneyModel.find({ _id: { $in: journeyIds } }).lean<JourneyDoc[]>()).map((doc) => [String(doc._id), doc]),
  );
  await fault({ point: 'claimed', instanceId: run.instanceId });

  const commits: Commit[] = [];
  let crash: unknown = null;
  const planned = await settleLimit(rows, concurrency, (row) => plan(row, run));
  const runs: Extract<Plan, { kind: 'run' }>[] = [];
  planned.forEach((settled, index) => {
    if (settled.status === 'rejected') {
      if (settled.reason instanceof SimulatedCrash) crash ??= settled.reason;
      else
        commits.push({
          row: rows[index]!,
          enrolment: {
            $set: {
              state: 'waiting',
              dueAt: new Date(run.now.getTime() + 60_000),
              error: String((settled.reason as Error)?.message ?? settled.reason).slice(0, 500),
              ...releaseLease,
            },
          },
          count: 'retried',
        });
    } else if (settled.value.kind === 'commit') commits.push(settled.value.commit);
    else runs.push(settled.value);
  });
  if (crash) throw crash;

  // One execution record per step run; a key already there is a step run before (kept as it is, read back).
  const docs = runs.map(({ row, step, context, decided }) => ({
    _id: new Types.ObjectId(),
    key: context.key,
    organisationId: row.organisationId,
    journeyId: row.journeyId,
    version: row.version,
    enrolmentId: row._id,
    customerId: row.customerId,
    stepId: step.id,
    stepType: step.type,
    seq: row.seq,
    status: decided ? decided.status : ('running' as const),
    outcome: decided?.outcome ?? null,
    result: decided?.result ?? null,
    attempts: 0,
    lastError: null,
    owner: run.instanceId,
    startedAt: run.now,
    sendingAt: null,
    finishedAt: decided ? run.now : null,
  }));
  const [duplicates] = await Promise.all([insertExecutions(docs), readContacts(runs)]);
  const existing = duplicates.size
    ? new Map(
        (
          await ExecutionModel.find({ key: { $in: [...duplicates].map((index) => docs[index]!.key) } }).lean<
            ExecutionDoc[]
          >()
        ).map((doc) => [doc.key, doc]),
      )
    : new Map<string, ExecutionDoc>();
  const acted = await settleLimit(runs, concurrency, async (item, index) => {
    if (!duplicates.has(index)) return act(item, docs[index] as ExecutionDoc, true, run);
    const execution = existing.get(item.context.key);
    if (!execution) throw new Error(`execution ${item.context.key} was not stored`);
    return act(item, execution, false, run);
  });
  acted.forEach((settled, index) => {
    if (settled.status === 'fulfilled') commits.push(settled.value);
    else if (settled.reason instanceof SimulatedCrash) crash ??= settled.reason;
    else {
      const item = runs[index]!;
      commits.push({
        row: item.row,
        enrolment: {
          $set: {
            state: 'waiting',
            dueAt: new Date(run.now.getTime() + 60_000),
            error: String((settled.reason as Error)?.message ?? settled.reason).slice(0, 500),
            ...releaseLease,
          },
        },
        count: 'retried',
      });
    }
  });
  if (crash) throw crash;

  await fault({ point: 'before_commit', instanceId: run.instanceId });
  await settleExecutions(commits.flatMap((commit) => (commit.execution ? [commit.execution] : [])));
  await fault({ point: 'after_executions', instanceId: run.instanceId });
  // Each row moves on only if it is still this run's, at the same position, as claimed (running, the lease's end).
  const enrolmentWrites = commits.flatMap((commit) =>
    commit.enrolment
      ? [
          {
            updateOne: {
              filter: leaseFilter({ ...commit.row, status: 'active', state: 'running' }),
              update: commit.enrolment,
            },
          },
        ]
      : [],
  );
  if (enrolmentWrites.length) await EnrolmentModel.bulkWrite(enrolmentWrites, { ordered: false });
  for (const commit of commits) if (commit.count) result[commit.count] += 1;
}

/**
 * One pass of the engine at `now`: schedule runs and key dates that are due, then due steps in batches until none
 * is due or `limit` steps ran. Safe to call from any number of instances at once.
 */
export async function runJourneyEngineOnce(options: EngineRunOptions = {}): Promise<EngineRunResult> {
  const now = options.now ?? new Date();
  const instanceId = options.instanceId ?? defaultInstanceId;
  const limit = options.limit ?? 10_000;
  const batchSize = options.batchSize ?? 500;
  const leaseMs = options.leaseMs ?? JOURNEY_LEASE_MS;
  const concurrency = options.concurrency ?? 32;
  const result: EngineRunResult = {
    scheduled: 0,
    keyDatesEntered: 0,
    claimed: 0,
    passed: 0,
    skipped: 0,
    deferred: 0,
    retried: 0,
    parked: 0,
    inDoubt: 0,
    exited: 0,
    completed: 0,
  };
  result.scheduled = await runDueSchedules(now, instanceId);
  result.keyDatesEntered = await enterDueKeyDates(now, limit);
  const run: RunContext = { now, instanceId, journeys: new Map() };
  const window: ClaimWindow = { rows: [] };
  while (result.claimed < limit) {
    const rows = await claimBatch(now, instanceId, Math.min(batchSize, limit - result.claimed), leaseMs, window);
    if (!rows.length) break;
    result.claimed += rows.length;
    await processBatch(rows, run, concurrency, result);
  }
  return result;
}

/** The periodic job: engine passes until nothing is due (or about 50 seconds went by). */
export async function runJourneyEngine(now = () => new Date()): Promise<EngineRunResult[]> {
  const started = Date.now();
  const results: EngineRunResult[] = [];
  do {
    const result = await runJourneyEngineOnce({ now: now(), limit: 5_000 });
    results.push(result);
    if (result.claimed < 5_000) break;
  } while (Date.now() - started < 50_000);
  return results;
}

// ---------------------------------------------------------------------------------------------------------------
// Manual actions: in-doubt review, retry of a parked enrolment, migration between versions

/**
 * A manager records what happened to a message in doubt: sent, or not sent. Either way it is never sent again and
 * the customer goes on (the engine moves them on at its next pass).
 */
export async function reviewExecution(
  organisationId: string,
  executionId: string,
  outcome: 'sent' | 'not_sent',
  staffId: string,
): Promise<void> {
  const execution = await ExecutionModel.findOne({ _id: executionId, organisationId }).lean<ExecutionDoc>();
  if (!execution) throw notFound('Execution');
  const reviewed = await ExecutionModel.updateOne(
    { _id: execution._id, status: 'in_doubt' },
    {
      $set: {
        status: outcome === 'sent' ? 'done' : 'not_sent',
        outcome,
        finishedAt: journeyNow(),
        result: { ...(execution.result ?? {}), reviewedBy: staffId },
      },
    },
  );
  if (reviewed.modifiedCount !== 1)
    throw new AppError('JOURNEY_STATE_CONFLICT', 'This message is not in doubt (any more)');
  await EnrolmentModel.updateOne(
    { _id: execution.enrolmentId, status: 'active', state: 'in_doubt', seq: execution.seq },
    { $set: { state: 'waiting', dueAt: journeyNow() } },
  );
}

/** Runs a parked enrolment's failed step again (from a first attempt). */
export async function retryEnrolment(organisationId: string, journeyId: string, enrolmentId: string): Promise<void> {
  const enrolment = await EnrolmentModel.findOne({ _id: enrolmentId, journeyId, organisationId }).lean<EnrolmentDoc>();
  if (!enrolment) throw notFound('Enrolment');
  if (enrolment.status !== 'parked') throw new AppError('JOURNEY_STATE_CONFLICT', 'Only a parked enrolment is retried');
  await ExecutionModel.updateOne(
    { key: executionKey(enrolment), status: 'failed' },
    { $set: { status: 'retrying', attempts: 0, finishedAt: null } },
  );
  const resumed = await EnrolmentModel.updateOne(
    { _id: enrolment._id, status: 'parked' },
    { $set: { status: 'active', state: 'waiting', dueAt: journeyNow(), error: null } },
  );
  if (resumed.modifiedCount !== 1) throw new AppError('JOURNEY_STATE_CONFLICT', 'The enrolment changed meanwhile');
}

/** Takes a customer out of a journey by hand. */
export async function exitByHand(organisationId: string, journeyId: string, enrolmentId: string): Promise<void> {
  const enrolment = await EnrolmentModel.findOne({ _id: enrolmentId, journeyId, organisationId }).lean<EnrolmentDoc>();
  if (!enrolment) throw notFound('Enrolment');
  if (!(await exitEnrolment(enrolment, 'manual', journeyNow()))) {
    throw new AppError('JOURNEY_STATE_CONFLICT', 'The customer is not in the journey any more');
  }
}

/** Moves the customers waiting on one version to another, step by step as mapped (see MigrateJourneyRequest). */
export async function migrateEnrolments(
  organisationId: string,
  journeyId: string,
  request: { fromVersion: number; toVersion?: number; stepMap: Record<string, string> },
): Promise<{ migrated: number; skipped: number; unmappedSteps: string[] }> {
  const journey = await loadJourney(organisationId, journeyId);
  const toVersion = request.toVersion ?? journey.version;
  const invalid = (message: string) => new AppError('JOURNEY_INVALID', message, [{ stepId: null, path: '', message }]);
  if (toVersion > journey.version || request.fromVersion > journey.version) throw invalid('No such version');
  if (toVersion === request.fromVersion) throw invalid('Migrate to another version');
  const from = await loadDefinition(journeyId, request.fromVersion);
  const to = await loadDefinition(journeyId, toVersion);
  if (!from || !to) throw invalid('No such version');
  for (const [source, target] of Object.entries(request.stepMap)) {
    if (!stepOf(from, source)) throw invalid(`Version ${request.fromVersion} has no step ${source}`);
    if (!stepOf(to, target)) throw invalid(`Version ${toVersion} has no step ${target}`);
  }
  const mapping = new Map<string, string>();
  for (const step of from.steps) {
    const target = request.stepMap[step.id] ?? (stepOf(to, step.id) ? step.id : undefined);
    if (target) mapping.set(step.id, target);
  }
  const timeZone = await journeyTimeZone(organisationId);
  const now = journeyNow();
  let migrated = 0;
  let skipped = 0;
  const unmapped = new Set<string>();
  const enrolments = EnrolmentModel.find({ journeyId: journey._id, version: request.fromVersion, status: 'active' })
    .lean<EnrolmentDoc[]>()
    .cursor();
  for await (const enrolment of enrolments) {
    const target = mapping.get(enrolment.stepId);
    if (!target || (enrolment.state !== 'waiting' && enrolment.state !== 'held')) {
      if (!target) unmapped.add(enrolment.stepId);
      skipped += 1;
      continue;
    }
    const oldStep = stepOf(from, enrolment.stepId)!;
    const newStep = stepOf(to, target)!;
    // The same kind of step keeps its due time (a wait stays as long); another is due as it would be on arrival.
    const dueAt =
      oldStep.type === newStep.type && enrolment.dueAt
        ? enrolment.dueAt
        : newStep.type === 'wait'
          ? waitEnd(enrolment.stepAt, newStep, timeZone)
          : now;
    const result = await EnrolmentModel.updateOne(
      {
        _id: enrolment._id,
        version: request.fromVersion,
        seq: enrolment.seq,
        state: { $in: ['waiting', 'held'] },
        status: 'active',
      },
      { $set: { version: toVersion, stepId: target, dueAt } },
    );
    if (result.modifiedCount === 1) migrated += 1;
    else skipped += 1;
  }
  return { migrated, skipped, unmappedSteps: [...unmapped] };
}
