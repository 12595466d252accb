/**
 * Evaluates a rule on one customer's facts at a pinned `now`: whether it holds, why (a tree of the conditions with
 * what each found), and when the result can next change by time alone (the sweep's `nextCheckAt`). Each
 * condition's truth comes from its compiled query (compile.ts) run by mingo on the facts document, the same query
 * segments run on the database.
 */
import { Query } from 'mingo';
import { countPositionsNeeded, TAG_RECENT_KEEP, type LeafCondition, type RuleCondition } from '@careloop/shared';
import { ageAt, turnsAgeAt, windowEnd, windowStart, type EvaluationContext } from './clock';
import { compileLeaf } from './compile';
import type { CustomerFactsDoc, StreamEntry } from './model';
import { absenceKey, streamKey } from './specs';
import { attributeWords, COUNT_OP_WORDS, selectorWords } from './words';

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
      const words = attributeWords(condition.field, condition.op, condition.value, condition.values, value);
      return { ...base, value, text: `${words.condition}（实际：${words.found}）` };
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
      const range =
        condition.min !== undefined && condition.max !== undefined
          ? `${condition.min}–${condition.max} 岁`
          : condition.min !== undefined
            ? `≥ ${condition.min} 岁`
            : `≤ ${condition.max} 岁`;
      const found = age === null ? '未知，没有生日' : `${age} 岁`;
      return { ...base, value: age, changesAt, text: `年龄 ${range}（实际：${found}）` };
    }
    case 'tag': {
      const name = options.tagNames?.get(condition.tagId) ?? condition.tagId;
      const has = facts.tags.includes(condition.tagId);
      return {
        ...base,
        value: has,
        text: `${condition.has ? '有' : '没有'}标签「${name}」（实际：${has ? '有' : '没有'}）`,
      };
    }
    case 'count': {
      const entries = facts.s?.[streamKey(condition.events)]?.r ?? [];
      const from = condition.withinDays ? windowStart(now, condition.withinDays, timeZone) : null;
      const inWindow = from ? entries.filter((entry) => entry.a >= from) : entries;
      const found = inWindow.length >= TAG_RECENT_KEEP ? `${TAG_RECENT_KEEP} 次以上` : `${inWindow.length} 次`;
      const positions = new Set([condition.value, countPositionsNeeded(condition.op, condition.value)]);
      const changesAt = condition.withinDays
        ? earliest(
            [...positions].map((position) => {
              const entry = position > 0 ? inWindow[position - 1] : undefined;
              return entry ? windowEnd(entry.a, condition.withinDays!, timeZone) : null;
            }),
          )
        : null;
      const period = condition.withinDays ? `近 ${condition.withinDays} 天内` : '累计';
      return {
        ...base,
        value: inWindow.length,
        changesAt,
        evidence: { types: condition.events.types, entries: inWindow },
        text: `${period}${selectorWords(condition.events)}${COUNT_OP_WORDS[condition.op]} ${condition.value} 次（实际 ${found}）`,
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
          `最近一次${selectorWords(condition.events)}在 ${condition.days} 天${condition.op === 'within' ? '以内' : '以前'}` +
          `（实际：${latest ? day(latest.a, timeZone) : '没有'}）`,
      };
    }
    case 'absence': {
      const fact = facts.x?.[absenceKey(condition)];
      const anchor = facts.s?.[streamKey(condition.after)]?.r[0];
      const after = selectorWords(condition.after);
      const none = selectorWords(condition.none);
      if (!fact || !anchor) {
        return { ...base, evidence: null, text: `还没有${after}，无需跟进` };
      }
      const end = condition.withinDays ? windowEnd(fact.t, condition.withinDays, timeZone) : null;
      const until = end && end < now ? end : now;
      const followUps = (facts.s?.[streamKey(condition.none)]?.r ?? []).filter(
        (entry) => entry.a > fact.t && (!end || entry.a < end),
      );
      const latestAfter = `最近一次${after}（${day(fact.t, timeZone)}）之后`;
      const period = condition.withinDays ? ` ${condition.withinDays} 天内` : '至今';
      let text: string;
      if (!fact.c) {
        text = `${latestAfter}${condition.withinDays ? period : ''}有${none}（${day(fact.f!, timeZone)}）`;
      } else if (end && now < end) {
        text = `${latestAfter}还没有${none}；${condition.withinDays} 天期限至 ${day(new Date(end.getTime() - 1), timeZone)} 结束`;
      } else {
        text = `${latestAfter}${period}没有${none}`;
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
      text:
        rule.type === 'all'
          ? `同时满足以下 ${children.length} 项（成立 ${counted} 项）`
          : `满足以下任意一项（共 ${children.length} 项，成立 ${counted} 项）`,
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
      text: `并非：${child.text}`,
      evidence: null,
      missing: null,
      changesAt: child.changesAt,
      children: [child],
    };
  }
  return evaluateLeaf(rule, facts, context, options);
}
