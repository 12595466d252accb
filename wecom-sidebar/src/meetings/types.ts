/**
 * The meeting contract as the WeCom app uses it: types only, inferred from the schemas in `@careloop/shared`
 * (type-only imports, so the page carries no schema code).
 */
import type {
  CreateMeetingRequest as CreateMeetingRequestSchema,
  MeetingAttendeeList as MeetingAttendeeListSchema,
  MeetingDecisionRequest as MeetingDecisionRequestSchema,
  MeetingHistoryEntry as MeetingHistoryEntrySchema,
  StaffMeetingList as StaffMeetingListSchema,
  SurveyQuestion,
  SurveyQuestionResult as SurveyQuestionResultSchema,
  UpdateMeetingRequest as UpdateMeetingRequestSchema,
} from '@careloop/shared';
import type { z } from 'zod';

export type {
  MeetingAttendee,
  MeetingAudience,
  MeetingCounts,
  MeetingStatus,
  MeetingSurveyResults,
  StaffMeeting,
  StaffMeetingCheckInResult,
  SurveyQuestion,
} from '@careloop/shared';
export type StaffMeetingSummary = z.infer<typeof StaffMeetingListSchema>['items'][number];
export type MeetingAttendeeList = z.infer<typeof MeetingAttendeeListSchema>;
export type MeetingHistoryEntry = z.infer<typeof MeetingHistoryEntrySchema>;
export type SurveyQuestionResult = z.infer<typeof SurveyQuestionResultSchema>;
export type SurveyQuestionKind = SurveyQuestion['kind'];
/** What the page sends (every field given: the forms fill the defaults themselves). */
export type CreateMeetingRequest = z.output<typeof CreateMeetingRequestSchema>;
export type UpdateMeetingRequest = z.output<typeof UpdateMeetingRequestSchema>;
export type MeetingDecisionRequest = z.output<typeof MeetingDecisionRequestSchema>;
