/**
 * Why a tag applies to a customer, or not: for a dynamic tag, its rule evaluated now on the customer's facts, each
 * condition with what it found and the stored events behind it (or, for an absence, the events that did not
 * happen and the period checked); for a static tag, who or what put it there. The words are Chinese, for clinic
 * staff (words.ts), with dates as the organisation's local dates.
 */
import type { ExplanationNode, RuleCondition, TagExplanation, TagSource } from '@careloop/shared';
import { eventsAt } from '../events/service';
import { staffNamesById } from '../staff/service';
import { evaluationContext, localDate } from './clock';
import { evaluateCondition, type ConditionResult } from './evaluate';
import { buildCustomerFacts, ensureRuleFacts, factEventId, findFacts } from './facts';
import { loadTag, tagNames } from './library';
import { CustomerTagModel } from './model';
import { ruleSpecs } from './specs';
import { TAG_SOURCE_WORDS } from './words';

const MAX_EVENTS = 20;

async function toNode(organisationId: string, customerId: string, result: ConditionResult): Promise<ExplanationNode> {
  let events: ExplanationNode['events'] = [];
  if (result.evidence?.entries.length) {
    const entries = result.evidence.entries.slice(0, MAX_EVENTS);
    const stored = await eventsAt(
      organisationId,
      customerId,
      result.evidence.types,
      entries.map((entry) => entry.a),
    );
    const byFactId = new Map(stored.map((event) => [factEventId(event.source, event.sourceEventId), event]));
    events = entries.map((entry) => {
      const event = byFactId.get(entry.e);
      return {
        id: event ? String(event._id) : null,
        type: event?.type ?? result.evidence!.types.join('|'),
        occurredAt: entry.a.toISOString(),
      };
    });
  }
  return {
    type: result.type,
    holds: result.holds,
    text: result.text,
    ...(result.value !== undefined && {
      value: result.value instanceof Date ? result.value.toISOString() : result.value,
    }),
    events,
    missing: result.missing
      ? { types: result.missing.types, from: result.missing.from.toISOString(), to: result.missing.to.toISOString() }
      : null,
    changesAt: result.changesAt?.toISOString() ?? null,
    children: await Promise.all(result.children.map((child) => toNode(organisationId, customerId, child))),
  };
}

export async function explainTag(
  organisationId: string,
  customerId: string,
  tagId: string,
  now?: Date,
): Promise<TagExplanation> {
  const tag = await loadTag(organisationId, tagId);
  const context = await evaluationContext(organisationId, now);
  const row = await CustomerTagModel.findOne({ organisationId, customerId, tagId: tag._id }).lean();
  const name = `「${tag.name}」`;
  const base = {
    tag: { id: String(tag._id), name: tag.name, kind: tag.kind },
    customerId,
    applied: Boolean(row),
    source: (row?.source as TagExplanation['source']) ?? null,
    setBy: row?.setBy ?? null,
    setAt: row?.setAt.toISOString() ?? null,
    evaluatedAt: context.now.toISOString(),
    timeZone: context.timeZone,
  };
  if (tag.kind === 'static') {
    let by = '';
    if (row?.source === 'manual' && row.setBy) {
      by = `由 ${(await staffNamesById(organisationId, [row.setBy])).get(row.setBy) ?? row.setBy} `;
    }
    const source = row ? (TAG_SOURCE_WORDS[row.source as TagSource] ?? row.source) : '';
    const summary = row
      ? `${name}${by}于 ${localDate(row.setAt, context.timeZone)} 添加（${source}）。`
      : `客户没有${name}；该标签由员工手动、渠道活动或备注关键词添加。`;
    return { ...base, holds: null, summary, conditions: null, changesAt: null };
  }
  const rule = tag.rule as RuleCondition;
  await ensureRuleFacts(organisationId, ruleSpecs(rule), context.timeZone);
  const facts =
    (await findFacts(organisationId, customerId)) ??
    (await buildCustomerFacts(organisationId, customerId, context.timeZone));
  if (!facts) {
    return {
      ...base,
      holds: false,
      summary: `该客户档案还没有可用于判断${name}的数据。`,
      conditions: null,
      changesAt: null,
    };
  }
  const result = evaluateCondition(rule, facts, context, { tagNames: await tagNames(organisationId) });
  const reasons = (result.type === 'all' || result.type === 'any' ? result.children : [result])
    .filter((child) => child.holds === result.holds)
    .map((child) => child.text);
  let summary = `${name}${result.holds ? '符合规则' : '不符合规则'}：${reasons.join('；')}。`;
  if (result.holds !== base.applied) summary += '标签稍后会随此结果更新。';
  return {
    ...base,
    holds: result.holds,
    summary,
    conditions: await toNode(organisationId, customerId, result),
    changesAt: result.changesAt?.toISOString() ?? null,
  };
}
