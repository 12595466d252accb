/**
 * What the journeys engine reads from tags and segments, as thin wrappers over this domain's own pieces: a saved
 * segment's rule, the customers a rule selects at a pinned `now` (in batches, from the customers' facts, the same
 * query segments run), whether a rule holds for one customer, and customers by birthday (key-date journeys).
 */
import { Types } from 'mongoose';
import type { RuleCondition } from '@careloop/shared';
import { scanCustomers } from '../identity/readers';
import { evaluationContext } from './clock';
import { compileRule } from './compile';
import { ensureRuleFacts } from './facts';
import { CustomerFactsModel, SegmentModel } from './model';
import { ruleSpecs } from './specs';

export { ruleHoldsFor } from './engine';

/** The rule of a saved segment of the organisation, or null when there is no such segment. */
export async function segmentRule(organisationId: string, segmentId: string): Promise<RuleCondition | null> {
  if (!Types.ObjectId.isValid(segmentId)) return null;
  const doc = await SegmentModel.findOne({ _id: segmentId, organisationId }, { rule: 1 }).lean();
  return (doc?.rule as RuleCondition | undefined) ?? null;
}

/** The ids of the customers the rule selects at `now`, in batches of at most `batchSize`. */
export async function* ruleMembers(
  organisationId: string,
  rule: RuleCondition,
  now: Date,
  batchSize = 1000,
): AsyncGenerator<string[]> {
  const context = await evaluationContext(organisationId, now);
  await ensureRuleFacts(organisationId, ruleSpecs(rule), context.timeZone);
  const cursor = CustomerFactsModel.collection.find(
    { $and: [{ organisationId: new Types.ObjectId(organisationId) }, compileRule(rule, context)] },
    { projection: { customerId: 1 }, batchSize },
  );
  let batch: string[] = [];
  for await (const doc of cursor) {
    batch.push(String(doc.customerId));
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** Active customers whose birthday (YYYY-MM-DD) falls on one of `monthDays` (MM-DD), with the birthday. */
export async function* customersWithBirthdayOn(
  organisationId: string,
  monthDays: ReadonlySet<string>,
): AsyncGenerator<{ customerId: string; birthday: string }> {
  for await (const customer of scanCustomers(organisationId)) {
    if (customer.mergedInto || customer.erasedAt || typeof customer.birthday !== 'string') continue;
    if (monthDays.has(customer.birthday.slice(5))) {
      yield { customerId: String(customer._id), birthday: customer.birthday };
    }
  }
}
