/**
 * Full recompute of one rule version for the whole organisation, in the background: first the facts the rule
 * reads are filled (new selectors from the stored events), then every customer's facts are evaluated in batches
 * by customer id. Progress is stored on the job; the run that holds the job's lease advances its cursor with a
 * conditional update, so a restart resumes after the last batch done, and a second run at the same time either
 * waits for the lease or loses the cursor race. Every customer's result goes through the same conditional state
 * update as events and the sweep, so running twice adds or removes nothing twice.
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { RuleCondition, TagRecompute } from '@careloop/shared';
import { organisationTimeZone, tagNow } from './clock';
import { ensureRuleFacts } from './facts';
import { evaluateAndApply, reactToChange } from './engine';
import { loadTag, markRuleReady } from './library';
import {
  CustomerFactsModel,
  RecomputeModel,
  RuleStateModel,
  TagDefinitionModel,
  type CustomerFactsDoc,
  type RuleStateDoc,
} from './model';
import { ruleSpecs } from './specs';
import { toRecompute } from './views';

const LEASE_MS = 60_000;
export const RECOMPUTE_BATCH = 500;
/** Customers of a batch evaluated at the same time. */
const CONCURRENCY = 4;

type RecomputeDoc = {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  tagId: Types.ObjectId;
  ruleVersion: number;
  status: string;
  now: Date;
  cursor: Types.ObjectId | null;
  processed: number;
  total: number;
  added: number;
  removed: number;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
};

/** Creates (or finds) the recompute of the tag's current rule version; older unfinished ones are superseded. */
export async function requestRecompute(organisationId: string, tagId: string, now = tagNow()): Promise<TagRecompute> {
  const tag = await loadTag(organisationId, tagId);
  if (tag.kind !== 'dynamic') throw new Error('only dynamic tags are recomputed');
  await RecomputeModel.updateMany(
    { tagId: tag._id, ruleVersion: { $lt: tag.ruleVersion }, status: { $in: ['pending', 'preparing', 'running'] } },
    { $set: { status: 'superseded', finishedAt: new Date() } },
  );
  await RecomputeModel.updateOne(
    { tagId: tag._id, ruleVersion: tag.ruleVersion },
    {
      $setOnInsert: {
        organisationId: tag.organisationId,
        status: 'pending',
        now,
        startedAt: new Date(),
      },
    },
    { upsert: true },
  ).catch((error: { code?: number }) => {
    if (error.code !== 11000) throw error;
  });
  const doc = await RecomputeModel.findOne({ tagId: tag._id, ruleVersion: tag.ruleVersion }).lean<RecomputeDoc>();
  return toRecompute(doc!);
}

/** The latest recompute of a tag (null before the first). */
export async function latestRecompute(organisationId: string, tagId: string): Promise<TagRecompute | null> {
  await loadTag(organisationId, tagId);
  const doc = await RecomputeModel.findOne({ organisationId, tagId }).sort({ ruleVersion: -1 }).lean<RecomputeDoc>();
  return doc ? toRecompute(doc) : null;
}

export interface RunOptions {
  batchSize?: number;
  /** Tests: stop as if the process died after this many batches (the lease stays taken until it expires). */
  crashAfterBatches?: number;
  /** How long the lease lasts between renewals (tests shorten it to make runs overlap). */
  leaseMs?: number;
  /** Tests: called after each batch is committed (to hold a run while another starts). */
  afterBatch?: (batches: number) => Promise<void>;
}

/**
 * Runs (or resumes) a recompute if its lease is free. Answers what happened: 'done', 'busy' (another run holds
 * the lease), 'lost' (another run took over), 'superseded' (the rule changed meanwhile).
 */
export async function runRecompute(jobId: string, options: RunOptions = {}): Promise<string> {
  const owner = randomUUID();
  const batchSize = options.batchSize ?? RECOMPUTE_BATCH;
  const lease = () => ({ leaseOwner: owner, leaseUntil: new Date(Date.now() + (options.leaseMs ?? LEASE_MS)) });
  let job = await RecomputeModel.findOneAndUpdate(
    {
      _id: jobId,
      status: { $in: ['pending', 'preparing', 'running'] },
      $or: [{ leaseUntil: null }, { leaseUntil: { $lte: new Date() } }],
    },
    { $set: lease() },
    { returnDocument: 'after' },
  ).lean<RecomputeDoc>();
  if (!job) return 'busy';
  const organisationId = String(job.organisationId);
  const mine = { _id: job._id, leaseOwner: owner };
  try {
    const tag = await TagDefinitionModel.findOne({ _id: job.tagId, organisationId }).lean();
    if (!tag || tag.archivedAt || tag.ruleVersion !== job.ruleVersion) {
      await RecomputeModel.updateOne(mine, {
        $set: { status: 'superseded', finishedAt: new Date(), leaseUntil: null },
      });
      return 'superseded';
    }
    const rule = tag.rule as RuleCondition;
    const timeZone = await organisationTimeZone(organisationId);
    if (job.status !== 'running') {
      await RecomputeModel.updateOne(mine, { $set: { status: 'preparing' } });
      await ensureRuleFacts(organisationId, ruleSpecs(rule), timeZone);
      await markRuleReady(organisationId, String(tag._id), tag.ruleVersion);
      const total = await CustomerFactsModel.countDocuments({ organisationId: job.organisationId });
      job = await RecomputeModel.findOneAndUpdate(
        { ...mine, status: 'preparing' },
        { $set: { status: 'running', total, ...lease() } },
        { returnDocument: 'after' },
      ).lean<RecomputeDoc>();
      if (!job) return 'lost';
    }
    const dynamic = { id: String(tag._id), name: tag.name, rule, ruleVersion: tag.ruleVersion };
    const context = { now: job.now, timeZone };
    // One cursor by customer id from where the job stands; the cursor on the job advances after each batch.
    const filter: Record<string, unknown> = { organisationId: job.organisationId };
    if (job.cursor) filter.customerId = { $gt: job.cursor };
    const cursor = CustomerFactsModel.find(filter)
      .sort({ customerId: 1 })
      .lean<CustomerFactsDoc[]>()
      .cursor({ batchSize });
    let batch: CustomerFactsDoc[] = [];
    let batches = 0;
    const runBatch = async () => {
      let added = 0;
      let removed = 0;
      // One read of the batch's states instead of one per customer (most have none).
      const states = new Map(
        (
          await RuleStateModel.find({
            tagId: tag._id,
            customerId: { $in: batch.map((doc) => doc.customerId) },
          }).lean<RuleStateDoc[]>()
        ).map((state) => [String(state.customerId), state]),
      );
      // Customers are independent: a few at a time, so the database works while this process evaluates.
      let next = 0;
      const worker = async () => {
        while (next < batch.length) {
          const doc = batch[next++]!;
          const known = states.get(String(doc.customerId)) ?? null;
          const { transition, factsChange } = await evaluateAndApply(organisationId, dynamic, doc, context, known);
          if (transition === 'added') added += 1;
          if (transition === 'removed') removed += 1;
          if (factsChange) await reactToChange(organisationId, factsChange, context, 1);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const last = batch[batch.length - 1]!.customerId;
      job = await RecomputeModel.findOneAndUpdate(
        { ...mine, cursor: job!.cursor },
        { $set: { cursor: last, ...lease() }, $inc: { processed: batch.length, added, removed } },
        { returnDocument: 'after' },
      ).lean<RecomputeDoc>();
      batch = [];
      batches += 1;
      if (job && options.crashAfterBatches !== undefined && batches >= options.crashAfterBatches) {
        throw new Error('simulated crash during a recompute');
      }
      if (job) await options.afterBatch?.(batches);
      return Boolean(job);
    };
    for await (const doc of cursor) {
      batch.push(doc as unknown as CustomerFactsDoc);
      if (batch.length >= batchSize && !(await runBatch())) return 'lost';
    }
    if (batch.length && !(await runBatch())) return 'lost';
    await RecomputeModel.updateOne(mine, {
      $set: { status: 'done', finishedAt: new Date(), leaseUntil: null, error: null },
    });
    return 'done';
  } catch (error) {
    if ((error as Error).message === 'simulated crash during a recompute') throw error;
    await RecomputeModel.updateOne(mine, {
      $set: { status: 'failed', error: String((error as Error).message).slice(0, 500), leaseUntil: null },
    });
    throw error;
  }
}

/** Starts a recompute in the background (its failures are kept on the job and retried by resumeRecomputes). */
export function startRecompute(jobId: string, log: (error: unknown) => void = () => {}): void {
  void runRecompute(jobId).catch(log);
}

/**
 * Resumes every unfinished recompute whose lease has expired (after a restart), and retries failed ones of the
 * current rule version. Run by the scheduled job.
 */
export async function resumeRecomputes(): Promise<number> {
  await RecomputeModel.updateMany({ status: 'failed' }, { $set: { status: 'pending' } });
  const jobs = await RecomputeModel.find({
    status: { $in: ['pending', 'preparing', 'running'] },
    $or: [{ leaseUntil: null }, { leaseUntil: { $lte: new Date() } }],
  }).lean();
  let done = 0;
  for (const job of jobs) if ((await runRecompute(String(job._id))) === 'done') done += 1;
  return done;
}
