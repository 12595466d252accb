/** What the meetings modules share: loading a meeting, its time windows, and recording its timeline events. */
import type { Types } from 'mongoose';
import { recordEvent } from '../events/service';
import { MeetingModel, MeetingRegistrationModel } from './model';

export type MeetingDoc = NonNullable<Awaited<ReturnType<typeof findMeeting>>>;
export type RegistrationDoc = NonNullable<Awaited<ReturnType<typeof findRegistration>>>;

const MINUTE = 60_000;
const DAY = 86_400_000;

export async function findMeeting(organisationId: string, meetingId: string) {
  return MeetingModel.findOne({ _id: meetingId, organisationId }).lean();
}

type Id = string | Types.ObjectId;

export async function findRegistration(meetingId: Id, customerId: Id) {
  return MeetingRegistrationModel.findOne({ meetingId, customerId }).lean();
}

/** Statuses in which customers see a meeting in lists and can open it. */
export const CUSTOMER_VISIBLE = ['published', 'finished'] as const;

export function isCustomerVisible(status: string): boolean {
  return (CUSTOMER_VISIBLE as readonly string[]).includes(status);
}

export function signUpDeadline(meeting: Pick<MeetingDoc, 'signUpDeadline' | 'startsAt'>): Date {
  return meeting.signUpDeadline ?? meeting.startsAt;
}

export function checkInWindow(
  meeting: Pick<MeetingDoc, 'startsAt' | 'endsAt' | 'checkInOpensMinutesBefore' | 'checkInClosesMinutesAfterEnd'>,
) {
  return {
    opensAt: new Date(meeting.startsAt.getTime() - meeting.checkInOpensMinutesBefore * MINUTE),
    closesAt: new Date(meeting.endsAt.getTime() + meeting.checkInClosesMinutesAfterEnd * MINUTE),
  };
}

export function surveyWindow(meeting: Pick<MeetingDoc, 'endsAt' | 'surveyOpenDays'>) {
  return { opensAt: meeting.endsAt, closesAt: new Date(meeting.endsAt.getTime() + meeting.surveyOpenDays * DAY) };
}

/** Timeline event types of meetings; ids are deterministic, so a retried step never records one twice. */
export type MeetingEventType =
  | 'meeting.signed_up'
  | 'meeting.waitlisted'
  | 'meeting.promoted'
  | 'meeting.cancelled_signup'
  | 'meeting.payment_expired'
  | 'meeting.checked_in'
  | 'meeting.invited'
  | 'meeting.survey_answered';

export async function recordMeetingEvent(input: {
  meeting: Pick<MeetingDoc, '_id' | 'organisationId' | 'title'>;
  customerId: Id;
  type: MeetingEventType;
  /** Makes the id unique: e.g. `<registrationId>:<attempt>`. */
  key: string;
  registrationId?: Id;
  properties?: Record<string, unknown>;
  actor?: string | null;
  occurredAt?: Date;
}) {
  await recordEvent({
    organisationId: String(input.meeting.organisationId),
    customerId: String(input.customerId),
    type: input.type,
    properties: {
      meetingId: String(input.meeting._id),
      title: input.meeting.title.slice(0, 100),
      ...(input.registrationId ? { registrationId: String(input.registrationId) } : {}),
      ...input.properties,
    },
    source: 'server',
    sourceEventId: `${input.type}:${input.key}`,
    actor: input.actor ?? null,
    occurredAt: input.occurredAt,
  });
}
