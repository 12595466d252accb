/**
 * Incremental evaluation: an event, an attribute change or a tag change updates the customer's facts, then
 * re-evaluates only the dynamic tags whose rules read what changed, for that customer only, in the process that
 * stored the event (so the tag follows within a second). A rule tag that changes is itself a change: rules that
 * name it (has/lacks tag) follow, as deep as rules chain (cycles are refused when rules are saved).
 */
import type { RuleCondition } from '@careloop/shared';
import { subscribeToEvents, type StoredEvent } from '../events/service';
import { onCustomerChanged } from '../identity/service';
import { evaluationContext, organisationTimeZone, type EvaluationContext } from './clock';
import { evaluateCondition } from './evaluate';
import {
  applyEventToFacts,
  buildCustomerFacts,
  ensureRuleFacts,
  findFacts,
  refreshAttributes,
  type FactsChange,
} from './facts';
import { ruleSpecs } from './specs';
import { dynamicTags, type DynamicTag } from './library';
import type { CustomerFactsDoc, RuleStateDoc } from './model';
import { applyRuleResult } from './states';

const MAX_CHAIN = 8;

/** Evaluates one tag's rule on facts and stores the result (the common step of every path). */
export async function evaluateAndApply(
  organisationId: string,
  tag: Pick<DynamicTag, 'id' | 'name' | 'rule' | 'ruleVersion'>,
  facts: CustomerFactsDoc,
  context: EvaluationContext,
  knownState?: RuleStateDoc | null,
) {
  const result = evaluateCondition(tag.rule, facts, context);
  const applied = await applyRuleResult(
    {
      organisationId,
      tag,
      customerId: String(facts.customerId),
      holds: result.holds,
      nextCheckAt: result.changesAt,
      factsVersion: facts.v,
      now: context.now,
      timeZone: context.timeZone,
    },
    knownState,
  );
  return { holds: result.holds, ...applied };
}

/** Re-evaluates the ready dynamic tags that read what changed, and follows tag changes to rules naming them. */
export async function reactToChange(
  organisationId: string,
  change: FactsChange | null,
  context: EvaluationContext,
  depth = 0,
): Promise<void> {
  if (!change || !change.deps.size || depth > MAX_CHAIN) return;
  const everything = change.deps.has('*');
  const tags = (await dynamicTags(organisationId)).filter(
    (tag) => tag.ready && (everything || [...tag.deps].some((dep) => change.deps.has(dep))),
  );
  let facts = change.facts;
  for (const tag of tags) {
    const { factsChange } = await evaluateAndApply(organisationId, tag, facts, context);
    if (factsChange) {
      facts = factsChange.facts;
      await reactToChange(organisationId, factsChange, context, depth + 1);
      facts = (await findFacts(organisationId, String(facts.customerId))) ?? facts;
    }
  }
}

export async function onEventStored(event: StoredEvent): Promise<void> {
  const context = await evaluationContext(event.organisationId);
  const change = await applyEventToFacts(event, context.timeZone);
  await reactToChange(event.organisationId, change, context);
}

/** After identity changed a customer's base data (or created the customer). */
export async function customerAttributesChanged(organisationId: string, customerId: string): Promise<void> {
  const context = await evaluationContext(organisationId);
  await reactToChange(organisationId, await refreshAttributes(organisationId, customerId, context.timeZone), context);
}

/** After a tag row changed by hand, channel, journey or keyword. */
export async function onTagsChanged(organisationId: string, change: FactsChange | null): Promise<void> {
  await reactToChange(organisationId, change, await evaluationContext(organisationId));
}

/** Rebuilds a customer's facts from the stored data and re-evaluates every rule (after a merge). */
export async function rebuildCustomer(organisationId: string, customerId: string): Promise<void> {
  const timeZone = await organisationTimeZone(organisationId);
  const facts = await buildCustomerFacts(organisationId, customerId, timeZone);
  if (facts)
    await reactToChange(organisationId, { facts, deps: new Set(['*']) }, await evaluationContext(organisationId));
}

/**
 * Whether a rule (of the tag language) holds for a customer now: the condition journeys branch on. Reads the
 * customer's facts (building them, and the rule's selectors, if missing).
 */
export async function ruleHoldsFor(
  organisationId: string,
  customerId: string,
  rule: RuleCondition,
  now?: Date,
): Promise<boolean> {
  const context = await evaluationContext(organisationId, now);
  await ensureRuleFacts(organisationId, ruleSpecs(rule), context.timeZone);
  const facts =
    (await findFacts(organisationId, customerId)) ??
    (await buildCustomerFacts(organisationId, customerId, context.timeZone));
  return facts ? evaluateCondition(rule, facts, context).holds : false;
}

subscribeToEvents({ name: 'tags', handle: onEventStored });
onCustomerChanged('tags', customerAttributesChanged);
