/**
 * What a timeline event says to staff: a Chinese label per event type of the catalogue (`@careloop/shared`
 * events.ts), and a short detail from the event's properties. Types only are imported from the catalogue, so the
 * page carries no schema code; `satisfies Record<EventType, …>` makes a new catalogue type a compile error here.
 */
import type { EventType, TimelineEvent } from '@careloop/shared';
import { exitReasonText } from '../tasks/journeys';
import { OUTCOME_LABELS, TASK_TYPE_LABELS } from '../tasks/labels';
import { formatFen } from './format';

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

export const IDENTITY_KIND_LABELS: Record<string, string> = {
  miniapp_openid: '小程序',
  oa_openid: '公众号',
  unionid: '微信 UnionID',
  wecom_external_userid: '企业微信',
  phone: '手机号',
};

const SHARE_TARGETS: Record<string, string> = {
  friend: '好友',
  group: '群聊',
  moments: '朋友圈',
  poster: '海报',
  link: '链接',
};

const CHANNELS: Record<string, string> = {
  miniapp: '小程序',
  official_account: '公众号',
  sidebar: '侧边栏',
  workbench: '工作台',
  api: '接口',
};

/** How a tag came or went (`source` of tag.added / tag.removed), when not by hand. */
const TAG_SOURCE_WORDS: Record<string, string> = { rule: '规则', channel: '渠道', keyword: '关键词' };

/** `via` of profile.created is the kind of the identity the profile was created for; of phone.verified, how. */
const VIA: Record<string, string> = {
  ...IDENTITY_KIND_LABELS,
  wechat_phone_code: '微信手机号授权',
  staff_confirmed: '员工确认',
};

/** How a journey message went out (`channel` of journey.message_sent). */
const MESSAGE_CHANNELS: Record<string, string> = { subscribe_message: '订阅消息', sms: '短信' };

/** Why a task moved to someone else (`reason` of task.reassigned). */
const REASSIGN_REASONS: Record<string, string> = { manager: '主管转交', handover: '离职交接' };

/** How someone was checked in to a meeting (`via` of meeting.checked_in). */
const CHECK_IN_VIA: Record<string, string> = { self: '扫码签到', staff: '工作人员签到' };

/** Which touch a campaign was credited for (`touch` of campaign.attributed). */
const ATTRIBUTION_TOUCH: Record<string, string> = { first: '首次来源', last: '最近来源' };

/** Why a customer left a journey, the event that ended it by its label (`event:appointment.booked` → 「预约」). */
function journeyExitReason(reason: string): string {
  if (reason.startsWith('event:')) return `因「${eventLabel(reason.slice('event:'.length))}」退出`;
  return exitReasonText(reason);
}

/** Who a staff id (or WeCom userid) is, as far as the page knows; null when it does not. */
export type NameOf = (id: string) => string | null;

/** What an appointment id stands for (e.g. `洗牙 · 3月6日 09:30`), as far as the page knows; null when it does not. */
export type AppointmentOf = (id: string) => string | null;

export interface EventDescription {
  /** E.g. `浏览页面`; an unknown type shows as itself. */
  label: string;
  /** E.g. the page title, the tag, the amount; '' when there is nothing to add. */
  detail: string;
  /** The staff member who caused it, when known. */
  actor: string | null;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** The meeting or journey an event is about: `「title」` when the server recorded it. */
const quoted = (value: unknown): string => (str(value) ? `「${str(value)}」` : '');

/** The content an event is about: `「title」` when the server recorded it, else the id. */
function contentOf(p: Record<string, unknown>): string {
  const title = str(p.title);
  if (title) return `「${title}」`;
  const id = str(p.contentId);
  return id ? `内容 ${id}` : '';
}

export function eventLabel(type: string): string {
  return Object.hasOwn(EVENT_LABELS, type) ? EVENT_LABELS[type as EventType] : type;
}

function detailOf(
  event: Pick<TimelineEvent, 'type' | 'properties'>,
  nameOf: NameOf,
  appointmentOf: AppointmentOf,
): string {
  const p = event.properties ?? {};
  switch (event.type) {
    case 'appointment.booked':
    case 'appointment.rescheduled':
    case 'appointment.cancelled':
    case 'appointment.arrived':
    case 'appointment.no_show': {
      const id = str(p.appointmentId);
      return id ? (appointmentOf(id) ?? '') : '';
    }
    case 'page.viewed':
      return str(p.title) ?? str(p.path) ?? '';
    case 'content.opened':
    case 'content.finished':
      return contentOf(p);
    case 'content.dwell': {
      const seconds = num(p.seconds);
      return [contentOf(p), seconds === null ? '' : `停留 ${seconds} 秒`].filter(Boolean).join(' · ');
    }
    case 'content.shared': {
      const target = str(p.target);
      return [contentOf(p), target ? `到${SHARE_TARGETS[target] ?? target}` : ''].filter(Boolean).join(' ');
    }
    case 'content.sent':
      return contentOf(p);
    case 'share.clicked': {
      const target = str(p.target);
      return target ? `到${SHARE_TARGETS[target] ?? target}` : '';
    }
    case 'qr.scanned':
      return str(p.scene) ? `场景 ${str(p.scene)}` : '';
    case 'profile.created':
    case 'phone.verified': {
      const via = str(p.via);
      return via ? `经${VIA[via] ?? via}` : '';
    }
    case 'identity.linked': {
      const kind = str(p.kind);
      return kind ? (IDENTITY_KIND_LABELS[kind] ?? kind) : '';
    }
    case 'consent.changed': {
      const parts: string[] = [];
      const version = str(p.privacyPolicyVersion);
      if (version) parts.push(`同意隐私政策 ${version}`);
      if (p.marketing === true) parts.push('同意接收营销信息');
      if (p.marketing === false) parts.push('停止营销');
      const channel = str(p.channel);
      if (channel) parts.push(`经${CHANNELS[channel] ?? channel}`);
      return parts.join(' · ');
    }
    case 'wecom.contact_added':
    case 'wecom.contact_removed': {
      const staff = str(p.staffId);
      return staff ? `员工 ${nameOf(staff) ?? staff}` : '';
    }
    case 'payment.paid':
    case 'payment.refunded': {
      const fen = num(p.amountFen);
      return fen === null ? '' : formatFen(fen);
    }
    case 'tag.added':
    case 'tag.removed': {
      // `name` since the tag library (tagId is then the library id, never shown); older events carry the name as
      // tagId. A tag that came or went by itself says how (规则 / 渠道 / 关键词).
      const tagId = str(p.tagId);
      const tag = str(p.name) ?? (tagId && !/^[0-9a-f]{24}$/i.test(tagId) ? tagId : null);
      const source = str(p.source);
      const how = source && source !== 'manual' ? (TAG_SOURCE_WORDS[source] ?? source) : '';
      return tag ? `「${tag}」${how ? ` · ${how}` : ''}` : '';
    }
    case 'note.added':
      return str(p.text) ? `「${str(p.text)}」` : '';
    case 'meeting.signed_up':
    case 'meeting.invited':
    case 'meeting.promoted':
    case 'meeting.cancelled_signup':
    case 'meeting.survey_answered':
      return quoted(p.title);
    case 'meeting.checked_in': {
      const via = str(p.via);
      return [quoted(p.title), via ? (CHECK_IN_VIA[via] ?? via) : ''].filter(Boolean).join(' · ');
    }
    case 'meeting.waitlisted': {
      const position = num(p.position);
      return [quoted(p.title), position === null ? '' : `候补第 ${position} 位`].filter(Boolean).join(' · ');
    }
    case 'meeting.payment_expired': {
      const fen = num(p.feeFen);
      return [quoted(p.title), fen === null ? '' : `报名费 ${formatFen(fen)}，名额已释放`].filter(Boolean).join(' · ');
    }
    case 'journey.entered':
      return quoted(p.name);
    case 'journey.exited': {
      const reason = str(p.reason);
      return [quoted(p.name), reason ? journeyExitReason(reason) : ''].filter(Boolean).join(' · ');
    }
    case 'journey.message_sent': {
      const channel = str(p.channel);
      return channel ? `经${MESSAGE_CHANNELS[channel] ?? channel}` : '';
    }
    case 'task.reassigned': {
      const from = str(p.fromStaffId);
      const to = str(p.toStaffId);
      const reason = str(p.reason);
      const who = (id: string) => nameOf(id) ?? '其他员工';
      return [
        to ? `${from ? `${who(from)} → ` : '转给 '}${who(to)}` : '',
        reason ? (REASSIGN_REASONS[reason] ?? reason) : '',
      ]
        .filter(Boolean)
        .join(' · ');
    }
    case 'task.cancelled':
    case 'coupon.revoked':
      return str(p.reason) ? `原因：${str(p.reason)}` : '';
    case 'campaign.attributed': {
      const touch = str(p.touch);
      return touch ? (ATTRIBUTION_TOUCH[touch] ?? touch) : '';
    }
    case 'task.completed':
    case 'task.created': {
      const type = str(p.taskType);
      const outcome = str(p.outcome);
      return [
        type ? (TASK_TYPE_LABELS[type as keyof typeof TASK_TYPE_LABELS] ?? type) : '',
        outcome ? `结果：${OUTCOME_LABELS[outcome as keyof typeof OUTCOME_LABELS] ?? outcome}` : '',
      ]
        .filter(Boolean)
        .join(' · ');
    }
    default:
      return '';
  }
}

export function describeEvent(
  event: Pick<TimelineEvent, 'type' | 'properties' | 'actor'>,
  nameOf: NameOf = () => null,
  appointmentOf: AppointmentOf = () => null,
): EventDescription {
  return {
    label: eventLabel(event.type),
    detail: detailOf(event, nameOf, appointmentOf),
    actor: event.actor ? (nameOf(event.actor) ?? '员工') : null,
  };
}
