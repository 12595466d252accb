/**
 * Words for the tag library and the rule language: tag kinds and sources, who may apply a tag, the customer
 * attributes a rule reads (with the values the enumerated ones take), comparison operators, recompute states and
 * the event types a behaviour condition can look at (the timeline's own labels). The attribute, operator, source
 * and event words are those the server's tag explanations use too (`@careloop/shared/words`).
 */
import { ATTRIBUTE_LABELS, COUNT_OP_LABELS, EVENT_LABELS, FILTER_OP_LABELS } from '@careloop/shared/words';
import type { AttributeField, CountOp, FilterOp, TagApplyBy, TagKind, TagRecomputeStatus, TagSource } from './types';

export { COUNT_OP_LABELS, FILTER_OP_LABELS, TAG_SOURCE_LABELS } from '@careloop/shared/words';

/** Sources in the order the sidebar groups them. */
export const TAG_SOURCES: readonly TagSource[] = ['manual', 'rule', 'channel', 'keyword'];

export const TAG_SOURCE_TITLES: Record<TagSource, string> = {
  manual: '手动 Manual',
  rule: '规则 Rule',
  channel: '渠道 Channel',
  keyword: '关键词 Keyword',
};

export const TAG_KIND_LABELS: Record<TagKind, string> = { static: '静态', dynamic: '动态（规则）' };

export const TAG_APPLY_BY_LABELS: Record<TagApplyBy, string> = {
  all_staff: '所有员工',
  managers: '仅店长/管理员',
};
export const TAG_APPLY_BY_OPTIONS = Object.keys(TAG_APPLY_BY_LABELS) as TagApplyBy[];

export const RECOMPUTE_STATUS_LABELS: Record<TagRecomputeStatus, string> = {
  pending: '排队中',
  preparing: '准备数据',
  running: '计算中',
  done: '已完成',
  failed: '失败',
  superseded: '已被新的计算取代',
};

export interface AttributeFieldSpec {
  label: string;
  /** The values an enumerated field takes; free text otherwise (ids: the page offers its clinics and staff). */
  options?: Record<string, string>;
  /** Filled from the organisation's clinics or staff members. */
  lookup?: 'clinic' | 'staff';
}

/** Which attributes hold ids the page fills from the organisation's clinics or staff members. */
const ATTRIBUTE_LOOKUPS: Partial<Record<AttributeField, AttributeFieldSpec['lookup']>> = {
  clinicId: 'clinic',
  ownerStaffId: 'staff',
};

export const ATTRIBUTE_FIELDS = Object.fromEntries(
  (Object.keys(ATTRIBUTE_LABELS) as AttributeField[]).map((field): [AttributeField, AttributeFieldSpec] => {
    const { label, values } = ATTRIBUTE_LABELS[field];
    const lookup = ATTRIBUTE_LOOKUPS[field];
    return [field, { label, ...(values && { options: values }), ...(lookup && { lookup }) }];
  }),
) as Record<AttributeField, AttributeFieldSpec>;

export const ATTRIBUTE_FIELD_IDS = Object.keys(ATTRIBUTE_FIELDS) as AttributeField[];

export const FILTER_OPS = Object.keys(FILTER_OP_LABELS) as FilterOp[];

export const COUNT_OPS = Object.keys(COUNT_OP_LABELS) as CountOp[];

/** Every event type a behaviour condition can select, with its timeline label. */
export const EVENT_TYPE_OPTIONS = (Object.keys(EVENT_LABELS) as (keyof typeof EVENT_LABELS)[]).map((type) => ({
  type,
  label: EVENT_LABELS[type],
}));

export const PRESET_COLOURS = ['#1f8a70', '#c2571a', '#0a7cff', '#7b4bd1', '#d4380d', '#d48806', '#646a73'] as const;
