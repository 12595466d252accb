/**
 * A rule in words, for the library's list, the editor's "reads as" line and the explanation panel:
 * `近 180 天内「预约」≥ 1 次，且 最近一次「预约」之后至今没有「到店」`.
 */
import { eventLabel } from '../profile/eventLabels';
import { ATTRIBUTE_FIELDS, COUNT_OP_LABELS, FILTER_OP_LABELS } from './labels';
import { propertyLabel, propertyValueLabel } from './propertyLabels';
import { formatScalar } from './ruleDraft';
import type { EventSelector, PropertyFilter, RuleCondition, RuleScalar } from './types';

/** Names the page knows: tags, clinics and staff by id. Unknown ids show as themselves. */
export interface RuleNames {
  tag?: (id: string) => string | null | undefined;
  clinic?: (id: string) => string | null | undefined;
  staff?: (id: string) => string | null | undefined;
}

/** Properties whose values are ids of the page's tags, clinics or staff. */
const PROPERTY_LOOKUPS: Record<string, keyof RuleNames> = {
  tagId: 'tag',
  clinicId: 'clinic',
  staffId: 'staff',
  assigneeStaffId: 'staff',
  fromStaffId: 'staff',
  toStaffId: 'staff',
};

function propertyValue(property: string, value: RuleScalar, names: RuleNames): string {
  const label = propertyValueLabel(property, value);
  if (label) return label;
  const lookup = Object.hasOwn(PROPERTY_LOOKUPS, property) ? names[PROPERTY_LOOKUPS[property]!] : undefined;
  return (typeof value === 'string' && lookup?.(value)) || formatScalar(value);
}

/** `支付用途 不属于 预约定金`: the property and its values in words where the page has them. */
function filterText(filter: PropertyFilter, names: RuleNames): string {
  const property = propertyLabel(filter.property);
  const op = FILTER_OP_LABELS[filter.op];
  const value = (v: RuleScalar) => propertyValue(filter.property, v, names);
  if (filter.values) return `${property} ${op} ${filter.values.map(value).join('、')}`;
  if (filter.value !== undefined) return `${property} ${op} ${value(filter.value)}`;
  return `${property} ${op}`;
}

/** `「预约」或「改约」（支付用途 不属于 预约定金）`. */
export function selectorText(events: EventSelector, names: RuleNames = {}): string {
  const types = events.types.map((type) => `「${eventLabel(type)}」`).join('或');
  return events.where?.length ? `${types}（${events.where.map((f) => filterText(f, names)).join('，')}）` : types;
}

function attributeValue(field: string, value: RuleScalar, names: RuleNames): string {
  const spec = ATTRIBUTE_FIELDS[field as keyof typeof ATTRIBUTE_FIELDS];
  const text = String(value);
  if (spec?.options?.[text]) return spec.options[text]!;
  if (spec?.lookup === 'clinic') return names.clinic?.(text) ?? text;
  if (spec?.lookup === 'staff') return names.staff?.(text) ?? text;
  return text;
}

/** One condition (groups summarised by their size). */
export function conditionText(condition: RuleCondition, names: RuleNames = {}): string {
  switch (condition.type) {
    case 'all':
      return `同时满足以下 ${condition.conditions.length} 项`;
    case 'any':
      return `满足以下任意一项（共 ${condition.conditions.length} 项）`;
    case 'not':
      return '不满足以下条件';
    case 'attribute': {
      const label = ATTRIBUTE_FIELDS[condition.field]?.label ?? condition.field;
      const op = FILTER_OP_LABELS[condition.op];
      if (condition.values) {
        return `${label} ${op} ${condition.values.map((v) => attributeValue(condition.field, v, names)).join('、')}`;
      }
      if (condition.value !== undefined) {
        return `${label} ${op} ${attributeValue(condition.field, condition.value, names)}`;
      }
      return `${label} ${op}`;
    }
    case 'age':
      if (condition.min !== undefined && condition.max !== undefined) {
        return `年龄 ${condition.min}–${condition.max} 岁`;
      }
      return condition.min !== undefined ? `年龄 ≥ ${condition.min} 岁` : `年龄 ≤ ${condition.max} 岁`;
    case 'tag': {
      const name = names.tag?.(condition.tagId) ?? condition.tagId;
      return `${condition.has ? '有' : '没有'}标签「${name}」`;
    }
    case 'count': {
      const period = condition.withinDays ? `近 ${condition.withinDays} 天内` : '累计';
      if (condition.op === 'eq' && condition.value === 0) {
        return `${condition.withinDays ? period : '从'}没有${selectorText(condition.events, names)}`;
      }
      return `${period}${selectorText(condition.events, names)} ${COUNT_OP_LABELS[condition.op]} ${condition.value} 次`;
    }
    case 'last':
      return condition.op === 'within'
        ? `最近一次${selectorText(condition.events, names)}在 ${condition.days} 天以内`
        : `最近一次${selectorText(condition.events, names)}在 ${condition.days} 天以前（之后再没有）`;
    case 'absence': {
      const period = condition.withinDays ? `${condition.withinDays} 天内` : '至今';
      return `最近一次${selectorText(condition.after, names)}之后${period}没有${selectorText(condition.none, names)}`;
    }
  }
}

/** The whole rule in one sentence; nested groups in brackets. */
export function ruleText(rule: RuleCondition, names: RuleNames = {}, nested = false): string {
  if (rule.type === 'all' || rule.type === 'any') {
    const parts = rule.conditions.map((condition) => ruleText(condition, names, true));
    if (parts.length === 1) return parts[0]!;
    const text = parts.join(rule.type === 'all' ? '，且 ' : '，或 ');
    return nested ? `（${text}）` : text;
  }
  if (rule.type === 'not') return `并非${ruleText(rule.condition, names, true)}`;
  return conditionText(rule, names);
}
