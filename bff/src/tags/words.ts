/**
 * The Chinese words of a tag explanation (explain.ts, evaluate.ts), e.g. `近 180 天内「预约」≥ 1 次（实际 1 次）`.
 * Event types, event properties and their values, customer attributes and operators are the words the sidebar
 * shows too (`@careloop/shared/words`); the sentences and the tag-source words of an explanation are the server's.
 * A name or value without words shows as itself.
 */
import type { AttributeField, EventSelector, FilterOp, TagSource } from '@careloop/shared';
import {
  ATTRIBUTE_LABELS,
  eventLabel,
  EVENT_PROPERTY_VALUE_LABELS,
  FILTER_OP_LABELS,
  propertyLabel,
} from '@careloop/shared/words';

export { COUNT_OP_LABELS as COUNT_OP_WORDS } from '@careloop/shared/words';

/** How a customer got a tag, for `由 张伟 于 2026-11-20 添加（员工手动）`. */
export const TAG_SOURCE_WORDS: Record<TagSource, string> = {
  manual: '员工手动',
  rule: '规则',
  channel: '渠道活动',
  keyword: '备注关键词',
};

const has = <T>(record: Record<string, T>, key: string) => Object.hasOwn(record, key);

/** `「预约」`; an unknown type shows as itself. */
export function eventWord(type: string): string {
  return `「${eventLabel(type)}」`;
}

/** A value as staff read it: words for an enumerated value, 是 / 否, a string as typed, anything else as JSON. */
function valueWord(value: unknown, words: Record<string, string> | undefined): string {
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'string') return words && has(words, value) ? words[value]! : value;
  return JSON.stringify(value);
}

function comparison(
  op: FilterOp,
  value: unknown,
  values: readonly unknown[] | undefined,
  words: Record<string, string> | undefined,
): string {
  if (values) return `${FILTER_OP_LABELS[op]} ${values.map((v) => valueWord(v, words)).join('、')}`;
  if (value !== undefined) return `${FILTER_OP_LABELS[op]} ${valueWord(value, words)}`;
  return FILTER_OP_LABELS[op];
}

/** `「预约」或「改约」（支付用途 不属于 预约定金）`. */
export function selectorWords(selector: EventSelector): string {
  const types = selector.types.map(eventWord).join('或');
  if (!selector.where?.length) return types;
  const filters = selector.where.map((filter) => {
    const words = has(EVENT_PROPERTY_VALUE_LABELS, filter.property)
      ? EVENT_PROPERTY_VALUE_LABELS[filter.property]
      : undefined;
    return `${propertyLabel(filter.property)} ${comparison(filter.op, filter.value, filter.values, words)}`;
  });
  return `${types}（${filters.join('，')}）`;
}

/** `性别 等于 女` and the attribute's value in words (`未填写` when there is none). */
export function attributeWords(
  field: AttributeField,
  op: FilterOp,
  value: unknown,
  values: readonly unknown[] | undefined,
  found: unknown,
): { condition: string; found: string } {
  const spec = ATTRIBUTE_LABELS[field] ?? { label: field };
  return {
    condition: `${spec.label} ${comparison(op, value, values, spec.values)}`,
    found: found === null || found === undefined ? '未填写' : valueWord(found, spec.values),
  };
}
