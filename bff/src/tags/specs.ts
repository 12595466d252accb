/**
 * Which facts a rule reads. A plain event type is a base stream (kept for every type); any other selector (several
 * types, or property filters) is a derived stream, and every absence condition an absence fact, registered per
 * organisation in `tag_fact_specs` so that ingestion keeps them (facts.ts). Keys are stable hashes of the spec,
 * so one selector used by many rules and segments is one stream.
 */
import { createHash } from 'node:crypto';
import { Query } from 'mingo';
import {
  ruleConditions,
  type AbsenceCondition,
  type EventSelector,
  type PropertyFilter,
  type RuleCondition,
} from '@careloop/shared';

export interface AbsenceSpec {
  after: string;
  none: string;
  withinDays: number | null;
}

export interface RuleSpecs {
  /** Derived streams the rule reads, by key. */
  streams: Map<string, EventSelector>;
  absences: Map<string, AbsenceSpec & { afterSelector: EventSelector; noneSelector: EventSelector }>;
}

const hash = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/** The selector in one canonical form: types sorted and unique, filters sorted. */
export function canonicalSelector(selector: EventSelector): EventSelector {
  const types = [...new Set(selector.types)].sort();
  const where = (selector.where ?? [])
    .map((filter) => ({ ...filter, ...(filter.values && { values: [...filter.values] }) }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return where.length ? { types, where } : { types };
}

/** The field name of a plain type's stream (MongoDB field names cannot hold dots). */
export const baseStreamKey = (type: string) => type.replaceAll('.', '~');

export function isBaseSelector(selector: EventSelector): boolean {
  const canonical = canonicalSelector(selector);
  return canonical.types.length === 1 && !canonical.where;
}

export function streamKey(selector: EventSelector): string {
  const canonical = canonicalSelector(selector);
  if (canonical.types.length === 1 && !canonical.where) return baseStreamKey(canonical.types[0]!);
  return `d${hash(canonical)}`;
}

export function absenceKey(condition: AbsenceCondition): string {
  return `x${hash({
    after: streamKey(condition.after),
    none: streamKey(condition.none),
    withinDays: condition.withinDays ?? null,
  })}`;
}

export function ruleSpecs(rule: RuleCondition): RuleSpecs {
  const specs: RuleSpecs = { streams: new Map(), absences: new Map() };
  const addStream = (selector: EventSelector) => {
    if (!isBaseSelector(selector)) specs.streams.set(streamKey(selector), canonicalSelector(selector));
  };
  for (const condition of ruleConditions(rule)) {
    if (condition.type === 'count' || condition.type === 'last') addStream(condition.events);
    if (condition.type === 'absence') {
      addStream(condition.after);
      addStream(condition.none);
      specs.absences.set(absenceKey(condition), {
        after: streamKey(condition.after),
        none: streamKey(condition.none),
        withinDays: condition.withinDays ?? null,
        afterSelector: canonicalSelector(condition.after),
        noneSelector: canonicalSelector(condition.none),
      });
    }
  }
  return specs;
}

/**
 * What a rule's result depends on: `attr` (base data), `tag:<id>`, `s:<stream key>`, `x:<absence key>`. An event
 * or change re-evaluates only the rules whose dependencies it touched.
 */
export function ruleDependencies(rule: RuleCondition): Set<string> {
  const deps = new Set<string>();
  for (const condition of ruleConditions(rule)) {
    if (condition.type === 'attribute' || condition.type === 'age') deps.add('attr');
    if (condition.type === 'tag') deps.add(`tag:${condition.tagId}`);
    if (condition.type === 'count' || condition.type === 'last') deps.add(`s:${streamKey(condition.events)}`);
    if (condition.type === 'absence') {
      deps.add(`x:${absenceKey(condition)}`);
      deps.add(`s:${streamKey(condition.after)}`);
      deps.add(`s:${streamKey(condition.none)}`);
    }
  }
  return deps;
}

/** The tags a rule names (has / lacks). */
export function ruleTagIds(rule: RuleCondition): string[] {
  return [...new Set(ruleConditions(rule).flatMap((condition) => (condition.type === 'tag' ? [condition.tagId] : [])))];
}

/**
 * A property filter as a MongoDB-style query on the event's properties, with the documented meaning of missing
 * and null: unknown, so every comparison with it is false; only `exists` / `missing` test for it.
 */
export function propertyFilterQuery(filter: PropertyFilter, prefix = ''): Record<string, unknown> {
  return valueFilterQuery(prefix + filter.property, filter);
}

export function valueFilterQuery(
  path: string,
  filter: { op: string; value?: unknown; values?: unknown[] },
): Record<string, unknown> {
  switch (filter.op) {
    case 'eq':
      return { [path]: { $eq: filter.value } };
    case 'ne':
      return { $and: [{ [path]: { $ne: null } }, { [path]: { $ne: filter.value } }] };
    case 'in':
      return { [path]: { $in: filter.values } };
    case 'notIn':
      return { $and: [{ [path]: { $ne: null } }, { [path]: { $nin: filter.values } }] };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      // Ordered comparisons only between values of one type (a number with a number, a text with a text).
      return {
        [path]: {
          [`$${filter.op}`]: filter.value,
          $type: typeof filter.value === 'number' ? 'number' : 'string',
        },
      };
    case 'exists':
      return { [path]: { $ne: null } };
    case 'missing':
      return { [path]: null };
    default:
      throw new Error(`unknown filter op ${filter.op}`);
  }
}

/** Whether an event of this type and properties is one the selector selects. */
export function selectorMatcher(
  selector: EventSelector,
): (type: string, properties: Record<string, unknown>) => boolean {
  const types = new Set<string>(selector.types);
  const where = selector.where ?? [];
  if (!where.length) return (type) => types.has(type);
  const query = new Query({ $and: where.map((filter) => propertyFilterQuery(filter)) });
  return (type, properties) => types.has(type) && query.test(properties);
}
