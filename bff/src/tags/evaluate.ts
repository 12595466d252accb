/**
 * Evaluates a rule on one customer's facts at a pinned `now`: whether it holds, why (a tree of the conditions with
 * what each found), and when the result can next change by time alone (the sweep's `nextCheckAt`). Each
 * condition's truth comes from its compiled query (compile.ts) run by mingo on the facts document, the same query
 * segments run on the database.
 */
import { Query } from 'mingo';
import {
  countPositionsNeeded,
  TAG_RECENT_KEEP,
  type EventSelector,
  type LeafCondition,
  type RuleCondition,
} from '@careloop/shared';
import { ageAt, turnsAgeAt, windowEnd, windowStart, type EvaluationContext } from './clock';
import { compileLeaf } from './compile';
import type { CustomerFactsDoc, StreamEntry } from './model';
import { absenceKey, streamKey } from './specs';

export interface ConditionResult {
  type: string;
  holds: boolean;
  text: string;
  value?: unknown;
  /** Fact entries behind the result (events of `types`), newest first. */
  evidence: { types: string[]; entries: StreamEntry[] } | null;
  missing: { types: string[]; from: Date; to: Date } | null;
  changesAt: Date | null;
  children: ConditionResult[];
}

export interface EvaluateOptions {
  /** Names of tags, for the words. */
  tagNames?: ReadonlyMap<string, string>;
}

const queries = new WeakMap<object, { now: number; zone: string; query: Query }>();

/** The leaf's compiled query for this context, compiled once per (condition, now). */
function leafQuery(condition: LeafCondition, context: EvaluationContext): Query {
  const cached = queries.get(condition);
  if (cached && cached.now === context.now.getTime() && cached.zone === context.timeZone) return cached.query;
  const query = new Query(compileLeaf(condition, context));
  queries.set(condition, { now: context.now.getTime(), zone: context.timeZone, query });
  return query;
}

const day = (date: Date, timeZone: string) => date.toLocaleDateString('sv-SE', { timeZone });
const describeSelector = (selector: EventSelector) =>
  selector.types.join(' or ') +
  (selector.where?.length
    ? ` where ${selector.where
        .map(
          (filter) =>
            `${filter.property} ${filter.op}${filter.value !== undefined ? ` ${JSON.stringify(filter.value)}` : ''}${filter.values ? ` ${JSON.stringify(filter.values)}` : ''}`,
        )
        .join(' and ')}`
    : '');
const earliest = (dates: (Date | null)[]) =>
  dates.reduce<Date | null>((min, date) => (date && (!min || date < min) ? date : min), null);

function readPath(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | null)?.[key], doc);
}

function evaluateLeaf(
  condition: LeafCondition,
  facts: CustomerFactsDoc,
  context: EvaluationContext,
  options: EvaluateOptions,
): ConditionResult {
  const holds = leafQuery(condition, context).test(facts as never);
  const { now, timeZone } = context;
  const base = { type: condition.type, holds, evidence: null, missing: null, changesAt: null, children: [] };
  switch (condition.type) {
    case 'attribute': {
      const value = readPath(facts.a, condition.field) ?? null;
      const wanted =
        condition.value !== undefined
          ? ` ${JSON.stringify(condition.value)}`
          : condition.values
            ? ` ${JSON.stringify(condition.values)}`
            : '';
      return {
        ...base,
        value,
        text: `${condition.field} ${condition.op}${wanted} (found: ${value === null ? 'unknown' : JSON.stringify(value)})`,
      };
    }
    case 'age': {
      const age = ageAt(facts.a?.birthday, now, timeZone);
      const birthday = facts.a?.birthday as string | undefined;
      let changesAt: Date | null = null;
      if (age !== null && birthday) {
        if (!holds && condition.min !== undefined && age < condition.min) {
          changesAt = turnsAgeAt(birthday, condition.min, timeZone);
        }
        if (holds && condition.max !== undefined) changesAt = turnsAgeAt(birthday, condition.max + 1, timeZone);
      }
      const range = `${condition.min ?? 0}–${condition.max ?? '…'}`;
      return { ...base, value: age, changesAt, text: `age ${range} (found: ${age ?? 'unknown'})` };
    }
    case 'tag': {
      const name = options.tagNames?.get(condition.tagId) ?? condition.tagId;
      const has = facts.tags.includes(condition.tagId);
      return {
        ...base,
        value: has,
        text: `${condition.has ? 'has' : 'lacks'} tag ${name} (${has ? 'has it' : 'does not have it'})`,
      };
    }
    case 'count': {
      const entries = facts.s?.[streamKey(condition.events)]?.r ?? [];
      const from = condition.withinDays ? windowStart(now, condition.withinDays, timeZone) : null;
      const inWindow = from ? entries.filter((entry) => entry.a >= from) : entries;
      const found = inWindow.length >= TAG_RECENT_KEEP ? `${TAG_RECENT_KEEP} or more` : String(inWindow.length);
      const positions = new Set([condition.value, countPositionsNeeded(condition.op, condition.value)]);
      const changesAt = condition.withinDays
        ? earliest(
            [...positions].map((position) => {
              const entry = position > 0 ? inWindow[position - 1] : undefined;
              return entry ? windowEnd(entry.a, condition.withinDays!, timeZone) : null;
            }),
          )
        : null;
      const period = condition.withinDays ? ` in the last ${condition.withinDays} days` : ' ever';
      return {
        ...base,
        value: inWindow.length,
        changesAt,
        evidence: { types: condition.events.types, entries: inWindow },
        text: `${describeSelector(condition.events)}: count${period} ${condition.op} ${condition.value} (found: ${found})`,
      };
    }
    case 'last': {
      const latest = facts.s?.[streamKey(condition.events)]?.r[0];
      const within = latest && latest.a >= windowStart(now, condition.days, timeZone);
      const changesAt = within ? windowEnd(latest.a, condition.days, timeZone) : null;
      return {
        ...base,
        value: latest?.a ?? null,
        changesAt,
        evidence: { types: condition.events.types, entries: latest ? [latest] : [] },
        text:
          `latest ${describeSelector(condition.events)} ${condition.op === 'within' ? 'within' : 'more than'} ` +
          `${condition.days} days ago (found: ${latest ? day(latest.a, timeZone) : 'none'})`,
      };
    }
    case 'absence': {
      const fact = facts.x?.[absenceKey(condition)];
      const anchor = facts.s?.[streamKey(condition.after)]?.r[0];
      const after = describeSelector(condition.after);
      const none = describeSelector(condition.none);
      if (!fact || !anchor) {
        return { ...base, evidence: null, text: `no ${after} yet, so nothing to follow up` };
      }
      const end = condition.withinDays ? windowEnd(fact.t, condition.withinDays, timeZone) : null;
      const until = end && end < now ? end : now;
      const followUps = (facts.s?.[streamKey(condition.none)]?.r ?? []).filter(
        (entry) => entry.a > fact.t && (!end || entry.a < end),
      );
      const period = condition.withinDays ? `within ${condition.withinDays} days after` : 'since';
      let text: string;
      if (!fact.c) {
        text = `${none} followed ${period} the latest ${after} (${day(fact.t, timeZone)}): on ${day(fact.f!, timeZone)}`;
      } else if (end && now < end) {
        text = `no ${none} yet after the latest ${after} (${day(fact.t, timeZone)}); the ${condition.withinDays} days end ${day(new Date(end.getTime() - 1), timeZone)}`;
      } else {
        text = `no ${none} ${period} the latest ${after} (${day(fact.t, timeZone)})`;
      }
      return {
        ...base,
        value: { anchor: fact.t, followUp: fact.f },
        changesAt: fact.c && end && now < end ? end : null,
        evidence: {
          types: [...new Set([...condition.after.types, ...condition.none.types])],
          entries: [...followUps.slice(-1), anchor],
        },
        missing: fact.c ? { types: condition.none.types, from: fact.t, to: until } : null,
        text,
      };
    }
  }
}

export function evaluateCondition(
  rule: RuleCondition,
  facts: CustomerFactsDoc,
  context: EvaluationContext,
  options: EvaluateOptions = {},
): ConditionResult {
  if (rule.type === 'all' || rule.type === 'any') {
    const children = rule.conditions.map((condition) => evaluateCondition(condition, facts, context, options));
    const holds = rule.type === 'all' ? children.every((c) => c.holds) : children.some((c) => c.holds);
    const counted = children.filter((c) => c.holds).length;
    return {
      type: rule.type,
      holds,
      text: `${rule.type === 'all' ? 'all' : 'any'} of ${children.length} conditions (${counted} hold)`,
      evidence: null,
      missing: null,
      changesAt: earliest(children.map((child) => child.changesAt)),
      children,
    };
  }
  if (rule.type === 'not') {
    const child = evaluateCondition(rule.condition, facts, context, options);
    return {
      type: 'not',
      holds: !child.holds,
      text: `not: ${child.text}`,
      evidence: null,
      missing: null,
      changesAt: child.changesAt,
      children: [child],
    };
  }
  return evaluateLeaf(rule, facts, context, options);
}
