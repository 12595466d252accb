/**
 * What a timeline event says to staff: its type's Chinese label and a short detail from its properties. The
 * words for types and enumerated values are those the server's tag explanations use too (`@careloop/shared/words`,
 * zod-free, so the page carries no schema code).
 */
import type { TimelineEvent } from '@careloop/shared';
import { eventLabel, propertyValueWords } from '@careloop/shared/words';
import { exitReasonText } from '../tasks/journeys';
import { formatFen } from './format';

export { EVENT_LABELS, eventLabel, IDENTITY_KIND_LABELS } from '@careloop/shared/words';

/** A value of an enumerated property in words (`friend` of `target` → 好友); else the value itself. */
const valueWords = (property: string, value: string): string => propertyValueWords(property, value) ?? value;

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
      return [contentOf(p), target ? `到${valueWords('target', target)}` : ''].filter(Boolean).join(' ');
    }
    case 'content.sent':
      return contentOf(p);
    case 'share.clicked': {
      const target = str(p.target);
      return target ? `到${valueWords('target', target)}` : '';
    }
    case 'qr.scanned':
      return str(p.scene) ? `场景 ${str(p.scene)}` : '';
    case 'profile.created':
    case 'phone.verified': {
      const via = str(p.via);
      return via ? `经${valueWords('via', via)}` : '';
    }
    case 'identity.linked': {
      const kind = str(p.kind);
      return kind ? valueWords('kind', kind) : '';
    }
    case 'consent.changed': {
      const parts: string[] = [];
      const version = str(p.privacyPolicyVersion);
      if (version) parts.push(`同意隐私政策 ${version}`);
      if (p.marketing === true) parts.push('同意接收营销信息');
      if (p.marketing === false) parts.push('停止营销');
      const channel = str(p.channel);
      if (channel) parts.push(`经${valueWords('channel', channel)}`);
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
      const how = source && source !== 'manual' ? valueWords('source', source) : '';
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
      return [quoted(p.title), via ? valueWords('via', via) : ''].filter(Boolean).join(' · ');
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
      return channel ? `经${valueWords('channel', channel)}` : '';
    }
    case 'task.reassigned': {
      const from = str(p.fromStaffId);
      const to = str(p.toStaffId);
      const reason = str(p.reason);
      const who = (id: string) => nameOf(id) ?? '其他员工';
      return [to ? `${from ? `${who(from)} → ` : '转给 '}${who(to)}` : '', reason ? valueWords('reason', reason) : '']
        .filter(Boolean)
        .join(' · ');
    }
    case 'task.cancelled':
    case 'coupon.revoked':
      return str(p.reason) ? `原因：${str(p.reason)}` : '';
    case 'campaign.attributed': {
      const touch = str(p.touch);
      return touch ? valueWords('touch', touch) : '';
    }
    case 'task.completed':
    case 'task.created': {
      const type = str(p.taskType);
      const outcome = str(p.outcome);
      return [type ? valueWords('taskType', type) : '', outcome ? `结果：${valueWords('outcome', outcome)}` : '']
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
