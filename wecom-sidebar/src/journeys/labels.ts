/**
 * Names of journey statuses, entry kinds, key-date sources, steps, step states, re-entry policies and filter operators
 * as managers read them. Step type names are the ones the sidebar's 旅程 section uses (tasks/labels.ts).
 */
import { STEP_TYPE_LABELS, type Tone } from '../tasks/labels';
import type {
  JourneyEntryKind,
  JourneyStatus,
  JourneyStepType,
  KeyDateSource,
  PropertyFilter,
  StepCustomerState,
} from './types';
import { FILTER_OP_LABELS } from '@careloop/shared/words';

export { STEP_TYPE_LABELS };
export type { Tone };

export const JOURNEY_STATUS_LABELS: Record<JourneyStatus, string> = {
  draft: '草稿',
  live: '运行中',
  paused: '已暂停',
  archived: '已归档',
};

export const JOURNEY_STATUS_TONES: Record<JourneyStatus, Tone> = {
  draft: 'pending',
  live: 'ok',
  paused: 'off',
  archived: 'done',
};

export const JOURNEY_STATUSES = Object.keys(JOURNEY_STATUS_LABELS) as JourneyStatus[];

export const ENTRY_KIND_LABELS: Record<JourneyEntryKind, string> = {
  triggered: '事件触发',
  one_off: '一次性人群',
  periodic: '周期人群',
  key_date: '关键日期',
};

export const ENTRY_KIND_HINTS: Record<JourneyEntryKind, string> = {
  triggered: 'Triggered by an event',
  one_off: 'A segment, once',
  periodic: 'A segment on a schedule',
  key_date: 'A date on the profile or a record',
};

export const ENTRY_KINDS = Object.keys(ENTRY_KIND_LABELS) as JourneyEntryKind[];

export const STEP_TYPE_HINTS: Record<JourneyStepType, string> = {
  wait: 'Wait',
  branch: 'Branch',
  send_subscribe_message: 'WeChat subscribe message',
  send_wecom_message: 'WeCom message for the owner to forward',
  send_sms: 'SMS',
  issue_coupon: 'Issue a coupon',
  add_tag: 'Add a tag',
  remove_tag: 'Remove a tag',
  create_task: 'Follow-up task',
  notify_staff: 'Notify staff',
  exit: 'Exit',
};

/** In the order the builder offers them. */
export const STEP_TYPES = Object.keys(STEP_TYPE_HINTS) as JourneyStepType[];

export const STEP_STATE_LABELS: Record<StepCustomerState, string> = {
  waiting: '等待中',
  passed: '已通过',
  skipped: '已跳过',
  exited: '已退出',
  failed: '失败',
};

export const STEP_STATE_HINTS: Record<StepCustomerState, string> = {
  waiting: 'At the step now: waiting, running, held or in doubt',
  passed: 'Ran the step',
  skipped: 'Went on without its action: no consent, over the cap, unreachable, not sent',
  exited: 'Left the journey here',
  failed: 'Parked after every retry failed',
};

export const STEP_STATES = Object.keys(STEP_STATE_LABELS) as StepCustomerState[];

export const REENTRY_LABELS = {
  never: '不可再次进入',
  after_days: '间隔若干天后可再次进入',
  always: '每次都可进入',
} as const;
export const REENTRY_POLICIES = Object.keys(REENTRY_LABELS) as (keyof typeof REENTRY_LABELS)[];

/** Where a key-date journey's date comes from. */
export const KEY_DATE_KIND_LABELS: Record<KeyDateSource['kind'], string> = {
  birthday: '生日（每年）',
  event: '某事件的日期（如治疗日）',
  coupon_expiry: '优惠券到期日',
};
export const KEY_DATE_KINDS = Object.keys(KEY_DATE_KIND_LABELS) as KeyDateSource['kind'][];

export { FILTER_OP_LABELS };

export const FILTER_OPS = Object.keys(FILTER_OP_LABELS) as PropertyFilter['op'][];

export const WEEKDAY_LABELS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'] as const;

export const TEMPLATE_PARAMETER_KIND_LABELS = {
  coupon_template: '优惠券模板',
  sms_template: '短信模板编号',
  tag: '标签',
  text: '文字',
} as const;
