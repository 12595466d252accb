/**
 * The meeting routes of the BFF for the signed-in customer. Answers are checked for the fields the screens rely on;
 * anything else is a BAD_RESPONSE error rather than a blank screen.
 */
import { ApiError, type ApiClient } from '@careloop/shared/client';
import { BAD_RESPONSE } from '../lib/errors';
import type {
  CustomerMeeting,
  CustomerMeetingSummary,
  MeetingCheckInResult,
  MeetingSurvey,
  MyRegistration,
  SurveyAnswer,
} from './types';

export interface MeetingApi {
  /** Published meetings open to me, soonest first (HCP meetings only for verified HCPs). */
  list(): Promise<CustomerMeetingSummary[]>;
  /** Meetings I signed up for (waitlisted and cancelled too), upcoming first. */
  mine(): Promise<CustomerMeetingSummary[]>;
  meeting(id: string): Promise<CustomerMeeting>;
  /** The meeting behind a venue code's key. */
  meetingByKey(key: string): Promise<CustomerMeeting>;
  /** A place, or the waitlist; signing up again answers the same registration. */
  signUp(id: string): Promise<CustomerMeeting>;
  cancel(id: string): Promise<CustomerMeeting>;
  /** Check in with the venue code's key; a replay answers `alreadyCheckedIn`. */
  checkIn(key: string): Promise<MeetingCheckInResult>;
  survey(id: string): Promise<MeetingSurvey>;
  answerSurvey(id: string, answers: Record<string, SurveyAnswer>): Promise<MeetingSurvey>;
}

function bad(what: string): ApiError {
  return new ApiError(502, BAD_RESPONSE, `The API did not return ${what}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const REGISTRATION_STATUSES: readonly string[] = ['confirmed', 'awaiting_payment', 'waitlisted', 'cancelled'];

export function isRegistration(value: unknown): value is MyRegistration {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.status === 'string' &&
    REGISTRATION_STATUSES.includes(value.status) &&
    (value.waitlistPosition === null || typeof value.waitlistPosition === 'number') &&
    (value.checkInCode === null || typeof value.checkInCode === 'string') &&
    (value.checkedInAt === null || typeof value.checkedInAt === 'string') &&
    typeof value.surveyAnswered === 'boolean'
  );
}

function hasMeetingBasics(value: Record<string, unknown>): boolean {
  return (
    typeof value.id === 'string' &&
    typeof value.title === 'string' &&
    typeof value.status === 'string' &&
    typeof value.audience === 'string' &&
    typeof value.startsAt === 'string' &&
    typeof value.endsAt === 'string' &&
    typeof value.timeZone === 'string' &&
    typeof value.placesLeft === 'number' &&
    (value.myRegistration === null || isRegistration(value.myRegistration))
  );
}

export function isMeetingSummary(value: unknown): value is CustomerMeetingSummary {
  return isObject(value) && hasMeetingBasics(value) && typeof value.online === 'boolean';
}

export function isMeeting(value: unknown): value is CustomerMeeting {
  return (
    isObject(value) &&
    hasMeetingBasics(value) &&
    Array.isArray(value.agenda) &&
    Array.isArray(value.speakers) &&
    typeof value.capacity === 'number' &&
    typeof value.signUpDeadline === 'string' &&
    typeof value.signUpOpen === 'boolean' &&
    typeof value.waitlistOpen === 'boolean' &&
    isObject(value.checkIn) &&
    typeof value.checkIn.opensAt === 'string' &&
    typeof value.checkIn.closesAt === 'string' &&
    isObject(value.survey) &&
    typeof value.survey.questionCount === 'number' &&
    typeof value.reminderTemplateId === 'string'
  );
}

export function isSurvey(value: unknown): value is MeetingSurvey {
  return (
    isObject(value) &&
    typeof value.meetingId === 'string' &&
    Array.isArray(value.questions) &&
    value.questions.every((question) => isObject(question) && typeof question.id === 'string') &&
    typeof value.open === 'boolean' &&
    typeof value.eligible === 'boolean' &&
    typeof value.answered === 'boolean' &&
    typeof value.opensAt === 'string' &&
    typeof value.closesAt === 'string'
  );
}

function meeting(value: unknown): CustomerMeeting {
  if (!isMeeting(value)) throw bad('a meeting');
  return value;
}

function summaries(value: unknown): CustomerMeetingSummary[] {
  const items = isObject(value) ? value.items : undefined;
  if (!Array.isArray(items) || !items.every(isMeetingSummary)) throw bad('meetings');
  return items;
}

function survey(value: unknown): MeetingSurvey {
  if (!isSurvey(value)) throw bad('a survey');
  return value;
}

const path = encodeURIComponent;

export function createMeetingApi(api: Pick<ApiClient, 'get' | 'post'>): MeetingApi {
  return {
    list: async () => summaries(await api.get('/api/mp/meetings')),
    mine: async () => summaries(await api.get('/api/mp/meetings/mine')),
    meeting: async (id) => meeting(await api.get(`/api/mp/meetings/${path(id)}`)),
    meetingByKey: async (key) => meeting(await api.get(`/api/mp/meetings/by-key/${path(key)}`)),
    signUp: async (id) => meeting(await api.post(`/api/mp/meetings/${path(id)}/sign-up`)),
    cancel: async (id) => meeting(await api.post(`/api/mp/meetings/${path(id)}/cancel`)),
    async checkIn(key) {
      const result = await api.post<unknown>('/api/mp/meetings/check-in', { key });
      if (
        !isObject(result) ||
        !isObject(result.meeting) ||
        typeof result.meeting.title !== 'string' ||
        !isRegistration(result.registration) ||
        typeof result.alreadyCheckedIn !== 'boolean'
      ) {
        throw bad('a check-in');
      }
      return result as MeetingCheckInResult;
    },
    survey: async (id) => survey(await api.get(`/api/mp/meetings/${path(id)}/survey`)),
    answerSurvey: async (id, answers) => survey(await api.post(`/api/mp/meetings/${path(id)}/survey`, { answers })),
  };
}
