/**
 * The meeting pages, all in the `subpackages/meetings` subpackage. The detail and check-in pages are at exactly
 * the paths the server points at (`MEETING_PAGES` in shared/src/meetings.ts, not imported: it would bring zod
 * along): reminders open the detail with `?id=`, the venue's mini-program code opens check-in with `scene` = the
 * meeting key.
 */
export const MEETING_LIST_PAGE = '/subpackages/meetings/pages/list/index';
export const MEETING_DETAIL_PAGE = '/subpackages/meetings/pages/detail/index';
export const MEETING_CHECK_IN_PAGE = '/subpackages/meetings/pages/checkin/index';
export const MY_MEETINGS_PAGE = '/subpackages/meetings/pages/mine/index';
export const MEETING_SURVEY_PAGE = '/subpackages/meetings/pages/survey/index';

export function meetingPage(id: string): string {
  return `${MEETING_DETAIL_PAGE}?id=${encodeURIComponent(id)}`;
}

export function surveyPage(id: string): string {
  return `${MEETING_SURVEY_PAGE}?id=${encodeURIComponent(id)}`;
}

/** The check-in page as the venue code opens it. */
export function checkInPage(key: string): string {
  return `${MEETING_CHECK_IN_PAGE}?scene=${encodeURIComponent(key)}`;
}
