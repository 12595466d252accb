/**
 * Words for the tag library and the rule language: tag kinds and sources, who may apply a tag, the customer
 * attributes a rule reads (with the values the enumerated ones take), comparison operators, recompute states and
 * the event types a behaviour condition can look at (the timeline's own labels).
 */
import { EVENT_LABELS } from '../profile/eventLabels';
import { GENDER_LABELS, HCP_VERIFICATION_LABELS, TAG_SOURCE_LABELS } from '../profile/profileView';
import type { AttributeField, CountOp, FilterOp, TagApplyBy, TagKind, TagRecomputeStatus, TagSource } from './types';

export { TAG_SOURCE_LABELS };

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

export const ATTRIBUTE_FIELDS: Record<AttributeField, AttributeFieldSpec> = {
  kind: { label: '客户类型', options: { patient: '患者', hcp: '医生' } },
  gender: { label: '性别', options: GENDER_LABELS },
  clinicId: { label: '所属门店', lookup: 'clinic' },
  ownerStaffId: { label: '负责人', lookup: 'staff' },
  'hcp.hospital': { label: '医院' },
  'hcp.department': { label: '科室' },
  'hcp.title': { label: '职称' },
  'hcp.verification': { label: '医生认证', options: HCP_VERIFICATION_LABELS },
};

export const ATTRIBUTE_FIELD_IDS = Object.keys(ATTRIBUTE_FIELDS) as AttributeField[];

export const FILTER_OP_LABELS: Record<FilterOp, string> = {
  eq: '等于',
  ne: '不等于',
  in: '属于',
  notIn: '不属于',
  gt: '大于',
  gte: '大于等于',
  lt: '小于',
  lte: '小于等于',
  exists: '有值',
  missing: '无值',
};

export const FILTER_OPS = Object.keys(FILTER_OP_LABELS) as FilterOp[];

export const COUNT_OP_LABELS: Record<CountOp, string> = {
  gte: '≥',
  gt: '>',
  eq: '=',
  lte: '≤',
  lt: '<',
};

export const COUNT_OPS = Object.keys(COUNT_OP_LABELS) as CountOp[];

/** Every event type a behaviour condition can select, with its timeline label. */
export const EVENT_TYPE_OPTIONS = (Object.keys(EVENT_LABELS) as (keyof typeof EVENT_LABELS)[]).map((type) => ({
  type,
  label: EVENT_LABELS[type],
}));

export const PRESET_COLOURS = ['#1f8a70', '#c2571a', '#0a7cff', '#7b4bd1', '#d4380d', '#d48806', '#646a73'] as const;
