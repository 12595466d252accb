/**
 * Where the meetings page is, from the location hash: `#meetings` (the list and the approval queue), `#meetings/new`,
 * `#meetings/<id>` (the meeting), `#meetings/<id>/<view>` (its editor, attendees, check-in desk or survey results).
 */
import { parsePageRoute } from '../content/nav';

export const MEETING_VIEWS = ['overview', 'edit', 'attendees', 'checkin', 'survey'] as const;
export type MeetingView = (typeof MEETING_VIEWS)[number];

export const meetingRoute = (hash: string) => parsePageRoute(hash, 'meetings', MEETING_VIEWS);

export function meetingHref(id: string, view: MeetingView = 'overview'): string {
  return view === 'overview' ? `#meetings/${id}` : `#meetings/${id}/${view}`;
}
