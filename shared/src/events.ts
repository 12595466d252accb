/**
 * Behaviour events: the catalogue of event types with the schema of each type's properties, the mini-program's
 * batch ingestion contract and the timeline contract.
 *
 * Client types are what the mini-program may send to `POST /api/mp/events`. Server types are recorded by the
 * backend's domains through the internal `recordEvent` only; a client sending one is rejected. A domain that
 * records a new kind of event adds its type (and the schema of its properties) to `serverEventCatalogue`.
 */
import { z } from 'zod';
import { ObjectId } from './common';
import { ContentCategory } from './content';

const text = (max: number) => z.string().trim().min(1).max(max);
/** An id of a record in another domain (content, campaign …), as the mini-program knows it. */
const RecordId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 characters A–Z, a–z, 0–9, _ or -');
/** A mini-program page path with its query, e.g. `pages/content/detail?id=42`. */
const PagePath = text(512);

/** What the mini-program may send, and the properties of each (strict: unknown fields are rejected). */
export const clientEventCatalogue = {
  'page.viewed': z.strictObject({ path: PagePath, title: text(200).optional(), referrer: PagePath.optional() }),
  /** `category` and `title` are filled by the server, which records reading (see shared/src/content.ts). */
  'content.opened': z.strictObject({
    contentId: RecordId,
    category: ContentCategory.optional(),
    title: text(200).optional(),
  }),
  'content.dwell': z.strictObject({ contentId: RecordId, seconds: z.number().int().min(1).max(86_400) }),
  'content.finished': z.strictObject({
    contentId: RecordId,
    category: ContentCategory.optional(),
    title: text(200).optional(),
  }),
  'share.clicked': z.strictObject({
    target: z.enum(['friend', 'group', 'moments', 'poster', 'link']),
    path: PagePath.optional(),
  }),
  /** `scene`: the mini-program code's scene (at most 32 visible characters, WeChat's limit). */
  'qr.scanned': z.strictObject({ scene: z.string().regex(/^[\x21-\x7e]{1,32}$/, 'must be 1–32 visible characters') }),
} as const;

const meetingEventProperties = z.looseObject({
  meetingId: z.string().max(64).optional(),
  title: z.string().max(100).optional(),
  registrationId: z.string().max(64).optional(),
});

/**
 * What the backend records about a customer. Properties are open objects (a domain may add fields) whose
 * named fields are typed; the store bounds their size.
 */
export const serverEventCatalogue = {
  'profile.created': z.looseObject({ via: z.string().max(64).optional() }),
  'profile.merged': z.looseObject({ fromCustomerId: ObjectId.optional(), intoCustomerId: ObjectId.optional() }),
  'identity.linked': z.looseObject({ kind: z.string().max(64).optional(), app: z.string().max(128).optional() }),
  'phone.verified': z.looseObject({ via: z.string().max(64).optional() }),
  'consent.changed': z.looseObject({
    privacyPolicyVersion: z.string().max(64).nullable().optional(),
    marketing: z.boolean().optional(),
    channel: z.string().max(64).optional(),
  }),
  'wecom.contact_added': z.looseObject({
    staffId: z.string().max(64).optional(),
    state: z.string().max(64).optional(),
  }),
  'wecom.contact_removed': z.looseObject({ staffId: z.string().max(64).optional() }),
  'appointment.booked': z.looseObject({ appointmentId: z.string().max(64).optional() }),
  'appointment.rescheduled': z.looseObject({ appointmentId: z.string().max(64).optional() }),
  'appointment.cancelled': z.looseObject({ appointmentId: z.string().max(64).optional() }),
  'appointment.arrived': z.looseObject({ appointmentId: z.string().max(64).optional() }),
  'appointment.no_show': z.looseObject({ appointmentId: z.string().max(64).optional() }),
  'payment.paid': z.looseObject({ paymentId: z.string().max(64).optional(), amountFen: z.number().int().optional() }),
  'payment.refunded': z.looseObject({
    paymentId: z.string().max(64).optional(),
    amountFen: z.number().int().optional(),
  }),
  'coupon.claimed': z.looseObject({
    couponId: z.string().max(64).optional(),
    templateId: z.string().max(64).optional(),
    campaignId: z.string().max(64).nullable().optional(),
  }),
  'coupon.redeemed': z.looseObject({
    couponId: z.string().max(64).optional(),
    templateId: z.string().max(64).optional(),
    campaignId: z.string().max(64).nullable().optional(),
    clinicId: z.string().max(64).optional(),
  }),
  'coupon.redemption_undone': z.looseObject({ couponId: z.string().max(64).optional() }),
  'coupon.expired': z.looseObject({ couponId: z.string().max(64).optional() }),
  'coupon.revoked': z.looseObject({ couponId: z.string().max(64).optional(), reason: z.string().max(200).optional() }),
  /** Fires COUPON_EXPIRING_DAYS before a claimed coupon expires (journeys use it). */
  'coupon.expiring': z.looseObject({
    couponId: z.string().max(64).optional(),
    expiresAt: z.string().max(40).optional(),
  }),
  'campaign.scanned': z.looseObject({
    campaignId: z.string().max(64).optional(),
    channelId: z.string().max(64).optional(),
    via: z.string().max(32).optional(),
  }),
  'campaign.attributed': z.looseObject({
    campaignId: z.string().max(64).optional(),
    touch: z.enum(['first', 'last']).optional(),
  }),
  'tag.added': z.looseObject({ tagId: z.string().max(64).optional() }),
  'tag.removed': z.looseObject({ tagId: z.string().max(64).optional() }),
  /** A follow-up task was completed (journeys branch on it): its outcome, and the journey step that created it. */
  'task.completed': z.looseObject({
    taskId: z.string().max(64).optional(),
    outcome: z.enum(['reached', 'not_reached', 'rebooked', 'declined']).optional(),
    taskType: z.string().max(32).optional(),
    journeyId: z.string().max(64).optional(),
    enrolmentId: z.string().max(64).optional(),
    stepId: z.string().max(64).optional(),
  }),
  /** A follow-up task was created for the customer (by a journey step or a staff member). */
  'task.created': z.looseObject({
    taskId: z.string().max(64).optional(),
    taskType: z.string().max(32).optional(),
    assigneeStaffId: z.string().max(64).nullable().optional(),
    journeyId: z.string().max(64).optional(),
    stepId: z.string().max(64).optional(),
  }),
  /** A follow-up task moved to another staff member (by a manager, or a handover when someone leaves). */
  'task.reassigned': z.looseObject({
    taskId: z.string().max(64).optional(),
    fromStaffId: z.string().max(64).nullable().optional(),
    toStaffId: z.string().max(64).optional(),
    reason: z.enum(['manager', 'handover']).optional(),
  }),
  'task.cancelled': z.looseObject({ taskId: z.string().max(64).optional(), reason: z.string().max(200).optional() }),
  /** Meeting events carry the meeting's id and title (as it was then), and the registration's id. */
  'meeting.signed_up': meetingEventProperties,
  'meeting.checked_in': meetingEventProperties.extend({ via: z.enum(['self', 'staff']).optional() }),
  'meeting.invited': meetingEventProperties,
  'meeting.waitlisted': meetingEventProperties.extend({ position: z.number().int().optional() }),
  /** A waitlisted registration got a place when someone cancelled (or places were added). */
  'meeting.promoted': meetingEventProperties,
  'meeting.cancelled_signup': meetingEventProperties.extend({ wasWaitlisted: z.boolean().optional() }),
  /** A paid meeting's place held for the customer lapsed unpaid at `holdExpiresAt`: it went to the next in line. */
  'meeting.payment_expired': meetingEventProperties.extend({ feeFen: z.number().int().optional() }),
  'meeting.survey_answered': meetingEventProperties,
  /** A staff member's note on a customer (the sidebar); keyword tags read its text. */
  'note.added': z.looseObject({ noteId: z.string().max(64).optional(), text: z.string().max(1000).optional() }),
  /** On the referrer's profile: a new customer they referred joined (recorded by the channel that knows it). */
  'referral.converted': z.looseObject({
    referredCustomerId: z.string().max(64).optional(),
    campaignId: z.string().max(64).optional(),
  }),
  /** The customer shared content (mini-program share); `target` as in share.clicked. */
  'content.shared': z.looseObject({
    contentId: z.string().max(64).optional(),
    category: z.string().max(32).optional(),
    title: z.string().max(200).optional(),
    target: z.string().max(32).optional(),
  }),
  /** A staff member (the event's actor) sent content into a chat with the customer. */
  'content.sent': z.looseObject({
    contentId: z.string().max(64).optional(),
    category: z.string().max(32).optional(),
    title: z.string().max(200).optional(),
  }),
  /** The customer entered a journey (marketing automation / SOP). */
  'journey.entered': z.looseObject({
    journeyId: z.string().max(64).optional(),
    name: z.string().max(100).optional(),
    version: z.number().int().optional(),
  }),
  /** The customer left a journey: `reason` completed, exit_step, event:<type>, manual, archived, merged. */
  'journey.exited': z.looseObject({
    journeyId: z.string().max(64).optional(),
    name: z.string().max(100).optional(),
    reason: z.string().max(100).optional(),
  }),
  /** A journey sent the customer a message (`channel`: subscribe_message or sms). */
  'journey.message_sent': z.looseObject({
    journeyId: z.string().max(64).optional(),
    stepId: z.string().max(64).optional(),
    channel: z.string().max(32).optional(),
  }),
} as const;

export type ClientEventType = keyof typeof clientEventCatalogue;
export type ServerEventType = keyof typeof serverEventCatalogue;
export type EventType = ClientEventType | ServerEventType;

export const ClientEventType = z.enum(Object.keys(clientEventCatalogue) as [ClientEventType, ...ClientEventType[]]);
export const ServerEventType = z.enum(Object.keys(serverEventCatalogue) as [ServerEventType, ...ServerEventType[]]);
export const EventType = z.enum([...ClientEventType.options, ...ServerEventType.options]);

export const isClientEventType = (type: string): type is ClientEventType => Object.hasOwn(clientEventCatalogue, type);
export const isServerEventType = (type: string): type is ServerEventType => Object.hasOwn(serverEventCatalogue, type);

/** The properties schema of a known type (client or server), or undefined for an unknown type. */
export function eventPropertiesSchema(type: string): z.ZodType<Record<string, unknown>> | undefined {
  if (isClientEventType(type)) return clientEventCatalogue[type];
  if (isServerEventType(type)) return serverEventCatalogue[type];
  return undefined;
}

/** Where an event came from. Staff-caused events are `server` events with an `actor`. */
export const EventSource = z.enum(['miniapp', 'server', 'wecom', 'wechat', 'wechat_pay']);
export type EventSource = z.infer<typeof EventSource>;

/** How far ahead of the server clock a client timestamp may be (clock skew), and how old a batch may be. */
export const EVENT_MAX_FUTURE_MS = 5 * 60_000;
export const EVENT_MAX_AGE_MS = 7 * 24 * 60 * 60_000;
export const EVENT_BATCH_MAX = 100;

/** The mini-program's id of one event; a resend carries the same id and is stored once. */
export const ClientEventId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 characters A–Z, a–z, 0–9, _ or -');

/**
 * The envelope of one event as the mini-program sends it. The type is any string here so that an unknown or
 * server-only type gets its own rejection code; the properties are then checked against the type's schema.
 */
export const ClientEventEnvelope = z.strictObject({
  id: ClientEventId,
  type: z.string().min(1).max(64),
  occurredAt: z.iso.datetime({ offset: true }),
  properties: z.record(z.string(), z.unknown()).optional(),
});

/** A well-formed client event, typed by its type (for the mini-program's sender). */
export type ClientEvent = {
  [T in ClientEventType]: {
    id: string;
    type: T;
    occurredAt: string;
    properties: z.input<(typeof clientEventCatalogue)[T]>;
  };
}[ClientEventType];

/**
 * The batch. Each element is checked on its own (an invalid event is rejected with a reason and the others are
 * still stored), so the body schema only fixes the batch's shape.
 */
export const IngestEventsRequest = z.strictObject({
  events: z
    .array(z.unknown().meta({ description: 'A ClientEvent: { id, type, occurredAt, properties }' }))
    .min(1)
    .max(EVENT_BATCH_MAX),
});
export type IngestEventsRequest = z.infer<typeof IngestEventsRequest>;

export const EventRejectionCode = z.enum([
  /** Not an object, or a missing or malformed id, type or occurredAt, or an unexpected field. */
  'INVALID_EVENT',
  'UNKNOWN_TYPE',
  /** A type only the server records (e.g. `profile.merged`). */
  'SERVER_ONLY_TYPE',
  'INVALID_PROPERTIES',
  /** More than EVENT_MAX_FUTURE_MS ahead of the server clock. */
  'TIMESTAMP_IN_FUTURE',
  /** Older than EVENT_MAX_AGE_MS. */
  'TIMESTAMP_TOO_OLD',
]);
export type EventRejectionCode = z.infer<typeof EventRejectionCode>;

export const EventRejection = z.object({
  /** Position in the batch. */
  index: z.number().int().min(0),
  /** The event's id when it sent a string id (cut to 64 characters), else null. */
  id: z.string().nullable(),
  code: EventRejectionCode,
  message: z.string(),
});
export type EventRejection = z.infer<typeof EventRejection>;

export const IngestEventsResponse = z
  .object({
    /** Events stored by this request. */
    accepted: z.number().int().min(0),
    /** Valid events already stored (a resend) or repeated within the batch: stored once, nothing to retry. */
    duplicates: z.number().int().min(0),
    /** Events that will never be stored: do not retry them. */
    rejected: z.array(EventRejection),
  })
  .meta({ id: 'IngestEventsResponse' });
export type IngestEventsResponse = z.infer<typeof IngestEventsResponse>;

export const TimelineQuery = z.strictObject({
  /** `nextCursor` of the previous page. */
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** Comma-separated event types to keep, e.g. `page.viewed,content.opened`. */
  types: z
    .string()
    .max(1000)
    .transform((value) => value.split(',').filter(Boolean))
    .pipe(z.array(EventType).max(50))
    .optional(),
});
export type TimelineQuery = z.infer<typeof TimelineQuery>;

export const TimelineEvent = z
  .object({
    id: ObjectId,
    type: z.string(),
    occurredAt: z.iso.datetime(),
    receivedAt: z.iso.datetime(),
    source: z.string(),
    properties: z.record(z.string(), z.unknown()),
    /** The staff member who caused it, for staff-caused events. */
    actor: z.string().nullable(),
  })
  .meta({ id: 'TimelineEvent' });
export type TimelineEvent = z.infer<typeof TimelineEvent>;

export const TimelinePage = z
  .object({
    /** Newest first. */
    items: z.array(TimelineEvent),
    /** Pass as `cursor` for the next (older) page; null on the last page. */
    nextCursor: z.string().nullable(),
    /**
     * Names of the staff this page's events name: actors and task assignees (`assigneeStaffId`, `fromStaffId`,
     * `toStaffId`) by staff id, WeCom followers (`staffId` of wecom.contact_*) by WeCom userid.
     */
    staffNames: z.record(z.string(), z.string()).optional(),
  })
  .meta({ id: 'TimelinePage' });
export type TimelinePage = z.infer<typeof TimelinePage>;
