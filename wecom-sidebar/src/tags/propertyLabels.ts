/**
 * Words for the event properties a rule's filters can name (`purpose` of payment.paid, `outcome` of
 * task.completed …) and for the enumerated values they take, so a rule reads `（支付用途 不属于 预约定金）` instead
 * of `（purpose 不属于 appointment_deposit）`. The names are those of `serverEventCatalogue` /
 * `clientEventCatalogue` (`@careloop/shared` events.ts) plus the fields the BFF's domains add to them (payments'
 * `purpose`, tags' `source` …). A property or value not listed here shows as itself.
 */
import { CATEGORY_LABELS } from '../content/labels';
import { IDENTITY_KIND_LABELS } from '../profile/eventLabels';
import { OUTCOME_LABELS, TASK_TYPE_LABELS } from '../tasks/labels';
import type { RuleScalar } from './types';

export const EVENT_PROPERTY_LABELS: Record<string, string> = {
  // mini-program events
  path: '页面路径',
  title: '标题',
  referrer: '来源页面',
  contentId: '内容',
  category: '内容分类',
  seconds: '阅读秒数',
  target: '分享对象',
  scene: '场景值',
  // identity and consent
  via: '来源方式',
  kind: '身份类型',
  app: '应用',
  fromCustomerId: '被合并档案',
  intoCustomerId: '合并后档案',
  privacyPolicyVersion: '隐私政策版本',
  marketing: '营销授权',
  channel: '渠道',
  staffId: '员工',
  state: '渠道参数',
  // appointments, payments, coupons, campaigns
  appointmentId: '预约',
  paymentId: '支付单',
  amountFen: '金额（分）',
  purpose: '支付用途',
  referenceId: '关联记录',
  outRefundNo: '退款单号',
  automatic: '自动退款',
  couponId: '优惠券',
  templateId: '优惠券模板',
  campaignId: '活动',
  channelId: '渠道码',
  clinicId: '门店',
  expiresAt: '到期时间',
  touch: '归因方式',
  newCustomer: '新客户',
  referredCustomerId: '被推荐客户',
  // tags, notes, tasks
  tagId: '标签',
  name: '名称',
  source: '来源',
  ruleVersion: '规则版本',
  noteId: '备注',
  text: '备注内容',
  taskId: '任务',
  outcome: '回访结果',
  taskType: '任务类型',
  assigneeStaffId: '负责员工',
  fromStaffId: '原负责员工',
  toStaffId: '新负责员工',
  reason: '原因',
  // meetings and journeys
  meetingId: '会议',
  registrationId: '报名记录',
  position: '候补位次',
  wasWaitlisted: '原为候补',
  feeFen: '报名费（分）',
  journeyId: '旅程',
  enrolmentId: '旅程记录',
  stepId: '旅程步骤',
  version: '旅程版本',
};

/** The values an enumerated property takes, by property name (the same name means the same thing everywhere). */
export const EVENT_PROPERTY_VALUE_LABELS: Record<string, Record<string, string>> = {
  purpose: { appointment_deposit: '预约定金', meeting_fee: '会议报名费' },
  outcome: OUTCOME_LABELS,
  taskType: TASK_TYPE_LABELS,
  category: CATEGORY_LABELS,
  kind: IDENTITY_KIND_LABELS,
  target: { friend: '好友', group: '群聊', moments: '朋友圈', poster: '海报', link: '链接' },
  via: {
    ...IDENTITY_KIND_LABELS,
    wechat_phone_code: '微信手机号授权',
    staff_confirmed: '员工确认',
    mini_program_code: '小程序码',
    link: '链接',
    share: '分享',
    contact_me: '联系我二维码',
    self: '扫码签到',
    staff: '工作人员签到',
  },
  channel: {
    miniapp: '小程序',
    official_account: '公众号',
    sidebar: '侧边栏',
    workbench: '工作台',
    api: '接口',
    subscribe_message: '订阅消息',
    sms: '短信',
  },
  touch: { first: '首次来源', last: '最近来源' },
  source: { manual: '手动', rule: '规则', channel: '渠道', keyword: '关键词' },
  reason: {
    manager: '主管转交',
    handover: '离职交接',
    completed: '走完全部步骤',
    exit_step: '到达退出步骤',
    manual: '被手动移出',
    archived: '旅程已归档',
    merged: '客户档案已合并',
  },
};

/** `purpose` → `支付用途`; an unknown name shows as itself. */
export function propertyLabel(property: string): string {
  return Object.hasOwn(EVENT_PROPERTY_LABELS, property) ? EVENT_PROPERTY_LABELS[property]! : property;
}

/**
 * A value of `property` in words: `appointment_deposit` of `purpose` → `预约定金`, a boolean → 是 / 否; null when
 * there are no words for it (the caller shows the value as typed).
 */
export function propertyValueLabel(property: string, value: RuleScalar): string | null {
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value !== 'string') return null;
  const options = Object.hasOwn(EVENT_PROPERTY_VALUE_LABELS, property) ? EVENT_PROPERTY_VALUE_LABELS[property]! : {};
  return Object.hasOwn(options, value) ? options[value]! : null;
}
