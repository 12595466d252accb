/**
 * The timeline's type filter: a few groups staff think in, each a list of event types of the catalogue. Every
 * catalogue type is in exactly one group (checked by the unit tests against `EventType.options`), so "all" and the
 * groups together cover everything.
 */
import type { EventType } from '@careloop/shared';

export interface TimelineFilterGroup {
  id: string;
  label: string;
  types: readonly EventType[];
}

export const TIMELINE_FILTER_GROUPS = [
  { id: 'views', label: '浏览 Page views', types: ['page.viewed'] },
  {
    id: 'content',
    label: '内容 Content',
    types: ['content.opened', 'content.dwell', 'content.finished', 'share.clicked', 'content.shared', 'content.sent'],
  },
  {
    id: 'appointments',
    label: '预约 Appointments',
    types: [
      'appointment.booked',
      'appointment.rescheduled',
      'appointment.cancelled',
      'appointment.arrived',
      'appointment.no_show',
    ],
  },
  { id: 'payments', label: '支付 Payments', types: ['payment.paid', 'payment.refunded'] },
  {
    id: 'coupons',
    label: '优惠券 Coupons',
    types: [
      'coupon.claimed',
      'coupon.redeemed',
      'coupon.redemption_undone',
      'coupon.expiring',
      'coupon.expired',
      'coupon.revoked',
    ],
  },
  {
    id: 'meetings',
    label: '会议 Meetings',
    types: [
      'meeting.invited',
      'meeting.signed_up',
      'meeting.waitlisted',
      'meeting.promoted',
      'meeting.cancelled_signup',
      'meeting.payment_expired',
      'meeting.checked_in',
      'meeting.survey_answered',
    ],
  },
  {
    id: 'wecom',
    label: '企业微信与渠道 WeCom & channels',
    types: [
      'wecom.contact_added',
      'wecom.contact_removed',
      'qr.scanned',
      'campaign.scanned',
      'campaign.attributed',
      'referral.converted',
    ],
  },
  {
    id: 'profile',
    label: '资料与授权 Profile & consent',
    types: ['profile.created', 'profile.merged', 'identity.linked', 'phone.verified', 'consent.changed'],
  },
  {
    id: 'tags',
    label: '标签、任务与旅程 Tags, tasks & journeys',
    types: [
      'tag.added',
      'tag.removed',
      'task.completed',
      'task.created',
      'task.reassigned',
      'task.cancelled',
      'note.added',
      'journey.entered',
      'journey.exited',
      'journey.message_sent',
    ],
  },
] as const satisfies readonly TimelineFilterGroup[];

export type TimelineFilterId = 'all' | (typeof TIMELINE_FILTER_GROUPS)[number]['id'];

export const ALL_FILTER = { id: 'all', label: '全部 All', types: [] } as const satisfies TimelineFilterGroup;

/** The options of the filter select, "all" first. */
export const TIMELINE_FILTERS: readonly TimelineFilterGroup[] = [ALL_FILTER, ...TIMELINE_FILTER_GROUPS];

export function isTimelineFilterId(value: string): value is TimelineFilterId {
  return TIMELINE_FILTERS.some((filter) => filter.id === value);
}

/** The `types` to ask the timeline for; empty for "all" (and for an unknown id, which falls back to all). */
export function typesForFilter(id: string): readonly EventType[] {
  return TIMELINE_FILTERS.find((filter) => filter.id === id)?.types ?? [];
}

/** The group an event type belongs to, e.g. for its colour; null for a type the catalogue does not have. */
export function groupOfType(type: string): TimelineFilterGroup['id'] | null {
  return TIMELINE_FILTER_GROUPS.find((group) => (group.types as readonly string[]).includes(type))?.id ?? null;
}
