/**
 * Turning a rule's result for a customer into the tag: the state document (model.ts `tag_rule_states`) is changed
 * with single-document conditional updates only, so each transition is claimed once however many evaluations
 * (events, the sweep, recomputes, other instances) race; its effects — the tag row, the tag.added / tag.removed
 * event named by the transition's number, the facts — are idempotent and are finished by the sweep if a crash
 * cuts them short.
 */
import { Types } from 'mongoose';
import { recordEvent } from '../events/service';
import { isDuplicateKey } from '../db/retry';
import { CustomerTagModel, RuleStateModel, type RuleStateDoc } from './model';
import { setFactsTag, type FactsChange } from './facts';
import { notifyCustomerTagChanged } from './changes';

/** How long a claimed transition may take to carry out before the sweep finishes it. */
const REPAIR_AFTER_MS = 60_000;
const MAX_ATTEMPTS = 6;

export interface RuleResult {
  organisationId: string;
  tag: { id: string; name: string; ruleVersion: number };
  customerId: string;
  holds: boolean;
  nextCheckAt: Date | null;
  /** The facts version and the `now` the result was computed from. */
  factsVersion: number;
  now: Date;
  timeZone: string;
}

export interface AppliedResult {
  transition: 'added' | 'removed' | null;
  /** The facts after the tag changed (so dependent rules can follow). */
  factsChange: FactsChange | null;
}

/** An evaluation older than the stored one (rule version, then facts version, then `now`) must not overwrite it. */
function isStale(state: RuleStateDoc, result: RuleResult) {
  if (state.ruleVersion !== result.tag.ruleVersion) return state.ruleVersion > result.tag.ruleVersion;
  if (state.v !== result.factsVersion) return state.v > result.factsVersion;
  return state.at > result.now;
}

/** Writes `set` if the state is still the one read (compare-and-set on `rev`); true when written. */
async function compareAndSet(state: RuleStateDoc, set: Partial<RuleStateDoc>): Promise<boolean> {
  const result = await RuleStateModel.updateOne({ _id: state._id, rev: state.rev }, { $set: set, $inc: { rev: 1 } });
  return result.modifiedCount === 1;
}

/** Carries out transition `state.seq` (to `state.holds`): tag row, timeline event, facts. Idempotent. */
async function carryOut(state: RuleStateDoc, tagName: string, timeZone: string): Promise<FactsChange | null> {
  const organisationId = String(state.organisationId);
  const customerId = String(state.customerId);
  const tagId = String(state.tagId);
  if (state.holds) {
    await CustomerTagModel.updateOne(
      { organisationId: state.organisationId, customerId: state.customerId, name: tagName },
      { $setOnInsert: { tagId: state.tagId, source: 'rule', setBy: tagId, setAt: state.at } },
      { upsert: true },
    ).catch((error: unknown) => {
      if (!isDuplicateKey(error)) throw error;
    });
  } else {
    const row = await CustomerTagModel.findOne({
      organisationId: state.organisationId,
      customerId: state.customerId,
      name: tagName,
    }).lean();
    if (row?.source === 'rule' && String(row.tagId) === tagId) await CustomerTagModel.deleteOne({ _id: row._id });
  }
  await recordEvent({
    organisationId,
    customerId,
    type: state.holds ? 'tag.added' : 'tag.removed',
    occurredAt: state.at,
    properties: { tagId, name: tagName, source: 'rule', ruleVersion: state.ruleVersion },
    source: 'server',
    sourceEventId: `tag-rule:${tagId}:${customerId}:${state.seq}`,
  });
  const change = await setFactsTag(organisationId, customerId, tagId, state.holds, timeZone);
  await notifyCustomerTagChanged({
    organisationId,
    customerId,
    tagId,
    name: tagName,
    source: 'rule',
    present: state.holds,
    at: state.at,
  });
  return change;
}

/**
 * Stores a rule result for one customer and, when it flips the tag, carries out the transition once. `known` is
 * the state as a batch read it (null: none), saving the first read; a stale one only costs a retry.
 */
export async function applyRuleResult(result: RuleResult, known?: RuleStateDoc | null): Promise<AppliedResult> {
  const tagId = new Types.ObjectId(result.tag.id);
  const customerId = new Types.ObjectId(result.customerId);
  const basis = { ruleVersion: result.tag.ruleVersion, v: result.factsVersion, at: result.now };
  const none = { transition: null, factsChange: null };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const state =
      attempt === 0 && known !== undefined
        ? known
        : await RuleStateModel.findOne({ tagId, customerId }).lean<RuleStateDoc>();
    if (!state) {
      if (!result.holds && !result.nextCheckAt) return none;
      const created: RuleStateDoc = {
        _id: new Types.ObjectId(),
        organisationId: new Types.ObjectId(result.organisationId),
        tagId,
        customerId,
        holds: result.holds,
        seq: result.holds ? 1 : 0,
        applied: !result.holds,
        ...basis,
        nextCheckAt: result.holds ? new Date(result.now.getTime() + REPAIR_AFTER_MS) : result.nextCheckAt,
        rev: 0,
      };
      try {
        await RuleStateModel.create(created);
      } catch (error) {
        if (isDuplicateKey(error)) continue; // another evaluation created it: look again
        throw error;
      }
      if (!result.holds) return none;
      const factsChange = await carryOut(created, result.tag.name, result.timeZone);
      await compareAndSet(created, { applied: true, nextCheckAt: result.nextCheckAt });
      return { transition: 'added', factsChange };
    }
    if (isStale(state, result)) return none;
    if (!state.applied) {
      // A transition a crash (or a concurrent evaluation) has not finished: finish it first.
      await carryOut(state, result.tag.name, result.timeZone);
      await compareAndSet(state, { applied: true });
      continue;
    }
    if (state.holds === result.holds) {
      const same =
        (state.nextCheckAt?.getTime() ?? null) === (result.nextCheckAt?.getTime() ?? null) &&
        state.ruleVersion === basis.ruleVersion &&
        state.v === basis.v;
      if (same || (await compareAndSet(state, { ...basis, nextCheckAt: result.nextCheckAt }))) return none;
      continue;
    }
    const transition = {
      ...basis,
      holds: result.holds,
      seq: state.seq + 1,
      applied: false,
      nextCheckAt: new Date(result.now.getTime() + REPAIR_AFTER_MS),
    };
    if (!(await compareAndSet(state, transition))) continue;
    const claimed: RuleStateDoc = { ...state, ...transition, rev: state.rev + 1 };
    const factsChange = await carryOut(claimed, result.tag.name, result.timeZone);
    await compareAndSet(claimed, { applied: true, nextCheckAt: result.nextCheckAt });
    return { transition: result.holds ? 'added' : 'removed', factsChange };
  }
  return none;
}

/** Finishes a transition left unapplied (the sweep, for states whose carrying out was cut short). */
export async function finishTransition(state: RuleStateDoc, tagName: string, timeZone: string) {
  if (state.applied) return null;
  const change = await carryOut(state, tagName, timeZone);
  await compareAndSet(state, { applied: true });
  return change;
}

/** Stops the sweep visiting a state (its tag or its customer is gone). */
export async function retireState(state: RuleStateDoc): Promise<void> {
  await compareAndSet(state, { nextCheckAt: null });
}
