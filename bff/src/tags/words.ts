/**
 * The Chinese words of a tag explanation (explain.ts, evaluate.ts): event types, customer attributes, event
 * properties and operators as clinic staff read them, e.g. `近 180 天内「预约」≥ 1 次（实际 1 次）`. The event and
 * attribute words are those the sidebar shows (wecom-sidebar/src/profile/eventLabels.ts, …/tags/labels.ts,
 * …/tags/propertyLabels.ts); `satisfies Record<EventType, …>` makes a new catalogue type a compile error here too.
 * A name or value without words shows as itself.
 */
import type { AttributeField, CountOp, EventSelector, EventType, FilterOp, TagSource } from '@careloop/shared';

export const EVENT_WORDS = {
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

const ATTRIBUTE_WORDS: Record<AttributeField, { label: string; values?: Record<string, string> }> = {
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

const PROPERTY_WORDS: Record<string, string> = {
  path: '页面路径',
  title: '标题',
  contentId: '内容',
  category: '内容分类',
  seconds: '阅读秒数',
  target: '分享对象',
  scene: '场景值',
  via: '来源方式',
  channel: '渠道',
  staffId: '员工',
  state: '渠道参数',
  appointmentId: '预约',
  paymentId: '支付单',
  amountFen: '金额（分）',
  purpose: '支付用途',
  couponId: '优惠券',
  templateId: '优惠券模板',
  campaignId: '活动',
  channelId: '渠道码',
  clinicId: '门店',
  touch: '归因方式',
  newCustomer: '新客户',
  tagId: '标签',
  name: '名称',
  source: '来源',
  outcome: '回访结果',
  taskType: '任务类型',
  assigneeStaffId: '负责员工',
  reason: '原因',
  meetingId: '会议',
  journeyId: '旅程',
  stepId: '旅程步骤',
};

const PROPERTY_VALUE_WORDS: Record<string, Record<string, string>> = {
  purpose: { appointment_deposit: '预约定金', meeting_fee: '会议报名费' },
  outcome: { reached: '已联系上', not_reached: '未联系上', rebooked: '已再次预约', declined: '客户拒绝' },
  taskType: {
    follow_up_call: '电话回访',
    post_treatment_check: '治疗后回访',
    forward_message: '转发消息',
    moments_post: '朋友圈任务',
  },
  target: { friend: '好友', group: '群聊', moments: '朋友圈', poster: '海报', link: '链接' },
  source: { manual: '手动', rule: '规则', channel: '渠道', keyword: '关键词' },
  touch: { first: '首次来源', last: '最近来源' },
  category: {
    ortho: '正畸',
    implant: '种植',
    hygiene: '口腔卫生',
    restorative: '修复',
    pediatric: '儿童口腔',
    academic: '学术',
    prescription: '处方信息',
    news: '机构动态',
  },
};

const FILTER_OP_WORDS: Record<FilterOp, string> = {
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

export const COUNT_OP_WORDS: Record<CountOp, string> = { gte: '≥', gt: '>', eq: '=', lte: '≤', lt: '<' };

/** How a customer got a tag, for `（员工手动）`. */
export const TAG_SOURCE_WORDS: Record<TagSource, string> = {
  manual: '员工手动',
  rule: '规则',
  channel: '渠道活动',
  keyword: '备注关键词',
};

const has = <T>(record: Record<string, T>, key: string) => Object.hasOwn(record, key);

/** `「预约」`; an unknown type shows as itself. */
export function eventWord(type: string): string {
  return `「${has(EVENT_WORDS, type) ? EVENT_WORDS[type as EventType] : type}」`;
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
  if (values) return `${FILTER_OP_WORDS[op]} ${values.map((v) => valueWord(v, words)).join('、')}`;
  if (value !== undefined) return `${FILTER_OP_WORDS[op]} ${valueWord(value, words)}`;
  return FILTER_OP_WORDS[op];
}

/** `「预约」或「改约」（支付用途 不属于 预约定金）`. */
export function selectorWords(selector: EventSelector): string {
  const types = selector.types.map(eventWord).join('或');
  if (!selector.where?.length) return types;
  const filters = selector.where.map((filter) => {
    const property = has(PROPERTY_WORDS, filter.property) ? PROPERTY_WORDS[filter.property]! : filter.property;
    const words = has(PROPERTY_VALUE_WORDS, filter.property) ? PROPERTY_VALUE_WORDS[filter.property] : undefined;
    return `${property} ${comparison(filter.op, filter.value, filter.values, words)}`;
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
  const spec = ATTRIBUTE_WORDS[field] ?? { label: field };
  return {
    condition: `${spec.label} ${comparison(op, value, values, spec.values)}`,
    found: found === null || found === undefined ? '未填写' : valueWord(found, spec.values),
  };
}
