/**
 * Without zod, so any surface can import it (`@careloop/shared/words`): only types come from the schemas.
 *
 * The Chinese words staff read for the event catalogue and the rule language, the same on every surface: the
 * sidebar's timeline and rule editor and the BFF's tag explanations (`近 180 天内「预约」≥ 1 次（实际 1 次）`) —
 * event types, event properties and the values the enumerated ones take, customer attributes, comparison operators
 * and tag sources. `satisfies Record<EventType, …>` makes a new catalogue type a compile error here. A name or value
 * without words shows as itself.
 */
import type { EventType } from './events';
import type { AttributeField, CountOp, FilterOp, TagSource } from './tags';
import type { TaskOutcome, TaskType } from './tasks';

export const EVENT_LABELS = {
  'page.viewed': '浏览页面',
  'content.opened': '打开内容',
  'content.dwell': '阅读内容',
  'content.finished': '读完内容',
  'share.clicked': '分享',
  'qr.scanned': '扫码',
  'profile.created': '创建档案',
  'profile.merged': '合并档案',
  'identity.linked': '关联身份',
  'phone.verified': '验证手机号',
  'consent.changed': '授权变更',
  'wecom.contact_added': '添加企业微信',
  'wecom.contact_removed': '删除企业微信',
  'appointment.booked': '预约',
  'appointment.rescheduled': '改约',
  'appointment.cancelled': '取消预约',
  'appointment.arrived': '到店',
  'appointment.no_show': '失约',
  'payment.paid': '支付',
  'payment.refunded': '退款',
  'coupon.claimed': '领取优惠券',
  'coupon.redeemed': '核销优惠券',
  'coupon.redemption_undone': '撤销核销',
  'coupon.expired': '优惠券过期',
  'coupon.revoked': '优惠券作废',
  'coupon.expiring': '优惠券即将过期',
  'campaign.scanned': '扫码进入活动',
  'campaign.attributed': '渠道归因',
  'tag.added': '添加标签',
  'tag.removed': '移除标签',
  'task.completed': '完成回访任务',
  'task.created': '新建回访任务',
  'task.reassigned': '回访任务转交',
  'task.cancelled': '取消回访任务',
  'meeting.signed_up': '报名会议',
  'meeting.checked_in': '会议签到',
  'meeting.invited': '受邀参会',
  'meeting.waitlisted': '会议候补',
  'meeting.promoted': '候补转正式报名',
  'meeting.cancelled_signup': '取消会议报名',
  'meeting.payment_expired': '会议报名未按时付费',
  'meeting.survey_answered': '提交会后问卷',
  'content.shared': '分享内容',
  'content.sent': '员工发送内容',
  'journey.entered': '进入旅程',
  'journey.exited': '离开旅程',
  'journey.message_sent': '旅程消息',
  'note.added': '添加备注',
  'referral.converted': '转介绍成功',
} as const satisfies Record<EventType, string>;

/** `appointment.booked` → `预约`; an unknown type shows as itself. */
export function eventLabel(type: string): string {
  return Object.hasOwn(EVENT_LABELS, type) ? EVENT_LABELS[type as EventType] : type;
}

/**
 * The event properties a rule's filters can name: those of `serverEventCatalogue` / `clientEventCatalogue`
 * (events.ts) plus the fields the BFF's domains add to them (payments' `purpose`, tags' `source` …).
 */
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

/** `purpose` → `支付用途`; an unknown name shows as itself. */
export function propertyLabel(property: string): string {
  return Object.hasOwn(EVENT_PROPERTY_LABELS, property) ? EVENT_PROPERTY_LABELS[property]! : property;
}

/** The kinds of identity a customer has (`kind` of identity.linked, `via` of profile.created). */
export const IDENTITY_KIND_LABELS: Record<string, string> = {
  miniapp_openid: '小程序',
  oa_openid: '公众号',
  unionid: '微信 UnionID',
  wecom_external_userid: '企业微信',
  phone: '手机号',
};

/** How a customer got a tag (`source` of tag.added / tag.removed, of a customer's tag). */
export const TAG_SOURCE_LABELS: Record<TagSource, string> = {
  manual: '手动',
  rule: '规则',
  channel: '渠道',
  keyword: '关键词',
};

/** Kinds of follow-up task (`taskType` of task.created / task.completed). */
export const TASK_TYPE_LABELS: Record<TaskType, string> = {
  follow_up_call: '电话回访',
  post_treatment_check: '治疗后回访',
  forward_message: '转发消息',
  moments_post: '朋友圈任务',
};

/** How a follow-up call went (`outcome` of task.completed). */
export const TASK_OUTCOME_LABELS: Record<TaskOutcome, string> = {
  reached: '已联系上',
  not_reached: '未联系上',
  rebooked: '已再次预约',
  declined: '客户拒绝',
};

/** Content categories staff usually pick (tag rules match on the key); any other key may be typed. */
export const CONTENT_CATEGORY_LABELS: Record<string, string> = {
  ortho: '正畸',
  implant: '种植',
  hygiene: '口腔卫生',
  restorative: '修复',
  pediatric: '儿童口腔',
  academic: '学术',
  prescription: '处方信息',
  news: '机构动态',
};

/** The values an enumerated property takes, by property name (the same name means the same thing everywhere). */
export const EVENT_PROPERTY_VALUE_LABELS: Record<string, Record<string, string>> = {
  purpose: { appointment_deposit: '预约定金', meeting_fee: '会议报名费' },
  outcome: TASK_OUTCOME_LABELS,
  taskType: TASK_TYPE_LABELS,
  category: CONTENT_CATEGORY_LABELS,
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
  source: TAG_SOURCE_LABELS,
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

/** `appointment_deposit` of `purpose` → `预约定金`; null when there are no words for it. */
export function propertyValueWords(property: string, value: string): string | null {
  const values = Object.hasOwn(EVENT_PROPERTY_VALUE_LABELS, property) ? EVENT_PROPERTY_VALUE_LABELS[property]! : {};
  return Object.hasOwn(values, value) ? values[value]! : null;
}

/** A customer attribute a rule reads, and the values the enumerated ones take. */
export interface AttributeWords {
  label: string;
  values?: Record<string, string>;
}

export const ATTRIBUTE_LABELS: Record<AttributeField, AttributeWords> = {
  kind: { label: '客户类型', values: { patient: '患者', hcp: '医生' } },
  gender: { label: '性别', values: { female: '女', male: '男', other: '其他' } },
  clinicId: { label: '所属门店' },
  ownerStaffId: { label: '负责人' },
  'hcp.hospital': { label: '医院' },
  'hcp.department': { label: '科室' },
  'hcp.title': { label: '职称' },
  'hcp.verification': {
    label: '医生认证',
    values: { unverified: '待认证', verified: '已认证', rejected: '认证未通过' },
  },
};

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

export const COUNT_OP_LABELS: Record<CountOp, string> = { gte: '≥', gt: '>', eq: '=', lte: '≤', lt: '<' };
