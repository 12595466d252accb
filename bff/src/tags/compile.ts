/**
 * A rule, at a pinned `now` in the organisation's time zone, as one MongoDB query over `customer_facts`. Segments
 * run it on the database; evaluation runs the same query on one facts document in memory with mingo, so a
 * segment's count and the tags the rules apply follow one definition. Missing and null values are unknown (see
 * shared/src/tags.ts): every comparison guards against them explicitly rather than relying on MongoDB's or
 * mingo's own handling of null, which differ.
 */
import type { CountOp, LeafCondition, RuleCondition } from '@careloop/shared';
import { latestBirthdayForAge, windowStart, type EvaluationContext } from './clock';
import { absenceKey, streamKey, valueFilterQuery } from './specs';

export type FactsQuery = Record<string, unknown>;

/** Matches no document (an empty `$or` is invalid in MongoDB). */
export const NOTHING: FactsQuery = { _id: { $exists: false } };

/** Where facts keep an attribute. */
export const attributePath = (field: string) => `a.${field}`;

/** "At least `position` selected events since `from`" (from null: ever), as a query on the stream's positions. */
function atLeast(key: string, position: number, from: Date | null): FactsQuery {
  const path = `s.${key}.r.${position - 1}.a`;
  return from ? { [path]: { $gte: from } } : { [path]: { $type: 'date' } };
}

export function countQuery(key: string, op: CountOp, value: number, from: Date | null): FactsQuery {
  const not = (query: FactsQuery) => ({ $nor: [query] });
  switch (op) {
    case 'gte':
      return value === 0 ? {} : atLeast(key, value, from);
    case 'gt':
      return atLeast(key, value + 1, from);
    case 'lt':
      return not(atLeast(key, value, from));
    case 'lte':
      return not(atLeast(key, value + 1, from));
    case 'eq':
      return value === 0
        ? not(atLeast(key, 1, from))
        : { $and: [atLeast(key, value, from), not(atLeast(key, value + 1, from))] };
  }
}

export function compileLeaf(condition: LeafCondition, context: EvaluationContext): FactsQuery {
  const { now, timeZone } = context;
  switch (condition.type) {
    case 'attribute':
      return valueFilterQuery(attributePath(condition.field), condition);
    case 'age': {
      const parts: FactsQuery[] = [{ 'a.birthday': { $type: 'string' } }];
      if (condition.min !== undefined) {
        parts.push({ 'a.birthday': { $lte: latestBirthdayForAge(condition.min, now, timeZone) } });
      }
      if (condition.max !== undefined) {
        parts.push({ 'a.birthday': { $gt: latestBirthdayForAge(condition.max + 1, now, timeZone) } });
      }
      return { $and: parts };
    }
    case 'tag':
      return condition.has ? { tags: condition.tagId } : { tags: { $ne: condition.tagId } };
    case 'count': {
      const from = condition.withinDays ? windowStart(now, condition.withinDays, timeZone) : null;
      return countQuery(streamKey(condition.events), condition.op, condition.value, from);
    }
    case 'last': {
      const path = `s.${streamKey(condition.events)}.r.0.a`;
      const from = windowStart(now, condition.days, timeZone);
      return condition.op === 'within' ? { [path]: { $gte: from } } : { [path]: { $lt: from } };
    }
    case 'absence': {
      const key = absenceKey(condition);
      // Over once the window after the anchor has ended: anchor < start of "the last K days".
      const anchor = condition.withinDays
        ? { $lt: windowStart(now, condition.withinDays, timeZone) }
        : { $type: 'date' };
      return { [`x.${key}.t`]: anchor, [`x.${key}.c`]: true };
    }
  }
}

export function compileRule(rule: RuleCondition, context: EvaluationContext): FactsQuery {
  switch (rule.type) {
    case 'all':
      return { $and: rule.conditions.map((condition) => compileRule(condition, context)) };
    case 'any':
      return { $or: rule.conditions.map((condition) => compileRule(condition, context)) };
    case 'not':
      return { $nor: [compileRule(rule.condition, context)] };
    default:
      return compileLeaf(rule, context);
  }
}
