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
function newerOrSame(state: RuleStateDoc, result: RuleResult) {
  return { $or: newerOrSameClauses(result) , _id: state._id };
}
function newerOrSameClauses(result: RuleResult) {
  return [
    { ruleVersion: { $lt: result.tag.ruleVersion } },
    { ruleVersion: result.tag.ruleVersion, v: { $lt: result.factsVersion } },
    { ruleVersion: result.tag.ruleVersion, v: result.factsVersion, at: { $lte: result.now } },
  ];
}
function isStale(state: RuleStateDoc, result: RuleResult) {
  if (state.ruleVersion !== result.tag.ruleVersion) return state.ruleVersion > result.tag.ruleVersion;
  if (state.v !== result.factsVersion) return state.v > result.factsVersion;
  return state.at > result.now;
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
    await CustomerTagModel.deleteOne({
      organisationId: state.organisationId,
      customerId: state.customerId,
      tagId: state.tagId,
      source: 'rule',
    });
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
  return setFactsTag(organisationId, customerId, tagId, state.holds, timeZone);
}

async function finish(state: RuleStateDoc, nextCheckAt: Date | null) {
  await RuleStateModel.updateOne({ _id: state._id, seq: state.seq }, { $set: { applied: true, nextCheckAt } });
}

/** Stores a rule result for one customer and, when it flips the tag, carries out the transition once. */
export async function applyRuleResult(result: RuleResult): Promise<AppliedResult> {
  const tagId = new Types.ObjectId(result.tag.id);
  const customerId = new Types.ObjectId(result.customerId);
  const basis = { ruleVersion: result.tag.ruleVersion, v: result.factsVersion, at: result.now };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const state = await RuleStateModel.findOne({ tagId, customerId }).lean<RuleStateDoc>();
    if (!state) {
      if (!result.holds && !result.nextCheckAt) return { transition: null, factsChange: null };
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
      };
      try {
        await RuleStateModel.create(created);
      } catch (error) {
        if (isDuplicateKey(error)) continue; // another evaluation created it: look again
        throw error;
      }
      if (!result.holds) return { transition: null, factsChange: null };
      const factsChange = await carryOut(created, result.tag.name, result.timeZone);
      await finish(created, result.nextCheckAt);
      return { transition: 'added', factsChange };
    }
    if (isStale(state, result)) return { transition: null, factsChange: null };
    if (!state.applied) {
      // A transition a crash (or a concurrent evaluation) has not finished: finish it first.
      await carryOut(state, result.tag.name, result.timeZone);
      await RuleStateModel.updateOne({ _id: state._id, seq: state.seq }, { $set: { applied: true } });
      continue;
    }
    if (state.holds === result.holds) {
      const same =
        (state.nextCheckAt?.getTime() ?? null) === (result.nextCheckAt?.getTime() ?? null) &&
        state.ruleVersion === basis.ruleVersion &&
        state.v === basis.v;
      if (same) return { transition: null, factsChange: null };
      const updated = await RuleStateModel.updateOne(
        { ...newerOrSame(state, result), seq: state.seq },
        { $set: { ...basis, nextCheckAt: result.nextCheckAt } },
      );
      if (updated.matchedCount === 1) return { transition: null, factsChange: null };
      continue;
    }
    const claimed = await RuleStateModel.findOneAndUpdate(
      { ...newerOrSame(state, result), seq: state.seq, holds: state.holds, applied: true },
      {
        $set: {
          ...basis,
          holds: result.holds,
          applied: false,
          nextCheckAt: new Date(result.now.getTime() + REPAIR_AFTER_MS),
        },
        $inc: { seq: 1 },
      },
      { returnDocument: 'after' },
    ).lean<RuleStateDoc>();
    if (!claimed) continue;
    const factsChange = await carryOut(claimed, result.tag.name, result.timeZone);
    await finish(claimed, result.nextCheckAt);
    return { transition: result.holds ? 'added' : 'removed', factsChange };
  }
  return { transition: null, factsChange: null };
}

/** Finishes a transition left unapplied (the sweep, for states whose carrying out was cut short). */
export async function finishTransition(state: RuleStateDoc, tagName: string, timeZone: string) {
  if (state.applied) return null;
  const change = await carryOut(state, tagName, timeZone);
  await RuleStateModel.updateOne({ _id: state._id, seq: state.seq }, { $set: { applied: true } });
  return change;
}
