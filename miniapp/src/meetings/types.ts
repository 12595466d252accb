/**
 * The meeting contracts as TypeScript types, inferred from the API's schemas in `@careloop/shared`.
 * Types only: nothing of zod reaches the mini-program bundle.
 */

export type {
  CustomerMeeting,
  CustomerMeetingSummary,
  MeetingAudience,
  MeetingCheckInResult,
  MeetingSurvey,
  MyRegistration,
  RegistrationStatus,
  SurveyQuestion,
} from '@careloop/shared';
/** One answer: an option's index (single), indexes (multiple), 1–5 (rating) or a text. */
export type SurveyAnswer = number | number[] | string;
export type { Loadable } from '../booking/types';
