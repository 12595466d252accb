/**
 * The meeting routes the workbench calls (`/api/staff/meetings…`), over the shared API client. The CSV export and
 * the venue code's PNG are not JSON: their paths are fetched with the staff token as Blobs (`fetchBlob`).
 */
import type { ApiClient } from '@careloop/shared/client';
import type {
  CreateMeetingRequest,
  MeetingAttendeeList,
  MeetingDecisionRequest,
  MeetingStatus,
  MeetingSurveyResults,
  StaffMeeting,
  StaffMeetingCheckInResult,
  StaffMeetingSummary,
  UpdateMeetingRequest,
} from './types';

export interface MeetingListFilter {
  status?: MeetingStatus;
  /** The approval queue: submitted meetings created by someone else (managers). */
  awaitingMyDecision?: boolean;
  limit?: number;
}

export function meetingListQuery(filter: MeetingListFilter = {}): string {
  const params = new URLSearchParams();
  if (filter.status) params.set('status', filter.status);
  if (filter.awaitingMyDecision) params.set('awaitingMyDecision', 'true');
  if (filter.limit) params.set('limit', String(filter.limit));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function createMeetingsApi(client: ApiClient) {
  const path = (id: string) => `/api/staff/meetings/${encodeURIComponent(id)}`;
  return {
    list: async (filter: MeetingListFilter = {}) =>
      (await client.get<{ items: StaffMeetingSummary[] }>(`/api/staff/meetings${meetingListQuery(filter)}`)).items,
    get: (id: string) => client.get<StaffMeeting>(path(id)),
    create: (request: CreateMeetingRequest) => client.post<StaffMeeting>('/api/staff/meetings', request),
    update: (id: string, changes: UpdateMeetingRequest) => client.patch<StaffMeeting>(path(id), changes),
    submit: (id: string) => client.post<StaffMeeting>(`${path(id)}/submit`),
    /** Managers and admins other than the creator, on the version they reviewed. */
    decide: (id: string, request: MeetingDecisionRequest) => client.post<StaffMeeting>(`${path(id)}/decision`, request),
    publish: (id: string) => client.post<StaffMeeting>(`${path(id)}/publish`),
    finish: (id: string) => client.post<StaffMeeting>(`${path(id)}/finish`),
    cancel: (id: string, reason: string) => client.post<StaffMeeting>(`${path(id)}/cancel`, { reason }),
    attendees: (id: string) => client.get<MeetingAttendeeList>(`${path(id)}/attendees`),
    /** By the code in the attendee's registration QR; a replay answers `alreadyCheckedIn`. */
    checkIn: (id: string, code: string) => client.post<StaffMeetingCheckInResult>(`${path(id)}/check-in`, { code }),
    surveyResults: (id: string) => client.get<MeetingSurveyResults>(`${path(id)}/survey-results`),
    /** text/csv: fetch with `fetchBlob`. */
    attendeesCsvPath: (id: string) => `${path(id)}/attendees/export`,
  };
}

export type MeetingsApi = ReturnType<typeof createMeetingsApi>;
