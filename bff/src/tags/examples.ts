/**
 * The five dynamic tags clinics asked for (PRODUCT.md, capability 3), written in the rule language. They ship as
 * examples the workbench offers, and the tests hold each to its definition on crafted histories.
 *
 * Words used below: a *consultation* is a staff note on the customer (note.added, the sidebar) or a completed
 * follow-up task (task.completed); an *interaction* is anything the customer did (pages, content, sharing, scans,
 * WeCom contact, bookings, arrivals, coupons, meetings) or their profile being created; a *paid treatment* is a
 * payment other than a booking deposit (purpose ≠ appointment_deposit); a *referral* is referral.converted on the
 * referrer's profile, recorded by the channel that knows a new customer came through them.
 */
import type { EventType, RuleCondition } from '@careloop/shared';

const INTERACTIONS: EventType[] = [
  'profile.created',
  'page.viewed',
  'content.opened',
  'content.finished',
  'share.clicked',
  'qr.scanned',
  'wecom.contact_added',
  'appointment.booked',
  'appointment.rescheduled',
  'appointment.arrived',
  'coupon.claimed',
  'coupon.redeemed',
  'meeting.signed_up',
  'meeting.checked_in',
  'payment.paid',
];

export interface ExampleRule {
  key: string;
  name: string;
  description: string;
  rule: RuleCondition;
}

export const EXAMPLE_RULES: ExampleRule[] = [
  {
    key: 'no_show_6_months',
    name: '6个月内失约',
    description: '近 180 天内有过预约，且最近一次预约之后一直没有到店。',
    rule: {
      type: 'all',
      conditions: [
        { type: 'count', events: { types: ['appointment.booked'] }, withinDays: 180, op: 'gte', value: 1 },
        { type: 'absence', after: { types: ['appointment.booked'] }, none: { types: ['appointment.arrived'] } },
      ],
    },
  },
  {
    key: 'no_show_not_followed_up',
    name: '失约未跟进',
    description:
      '最近一次预约失约（之后没有再预约或到店），且失约后 3 天内没有新预约、没有到店，也没有人跟进（备注或完成回访）。',
    rule: {
      type: 'all',
      conditions: [
        {
          type: 'absence',
          after: { types: ['appointment.no_show'] },
          none: { types: ['appointment.booked', 'appointment.arrived'] },
        },
        {
          type: 'absence',
          after: { types: ['appointment.no_show'] },
          none: { types: ['appointment.booked', 'appointment.arrived', 'note.added', 'task.completed'] },
          withinDays: 3,
        },
      ],
    },
  },
  {
    key: 'arrived_not_converted',
    name: '到店未成交',
    description: '到过店，但从没有定金以外的付费治疗。',
    rule: {
      type: 'all',
      conditions: [
        { type: 'count', events: { types: ['appointment.arrived'] }, op: 'gte', value: 1 },
        {
          type: 'count',
          events: {
            types: ['payment.paid'],
            where: [{ property: 'purpose', op: 'notIn', values: ['appointment_deposit'] }],
          },
          op: 'eq',
          value: 0,
        },
      ],
    },
  },
  {
    key: 'dormant',
    name: '沉睡客户',
    description: '一年以上没有任何互动，也没有消费（最近一次都在 365 天以前）。',
    rule: { type: 'last', events: { types: INTERACTIONS }, op: 'olderThan', days: 365 },
  },
  {
    key: 'referral_champion',
    name: '转介绍达人',
    description: '成功转介绍 3 位以上新客户。',
    rule: { type: 'count', events: { types: ['referral.converted'] }, op: 'gt', value: 3 },
  },
];
