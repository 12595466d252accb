import { session } from '../session';
import { createMeetingApi } from './api';

/** The meeting routes, called as the signed-in customer. */
export const meetingApi = createMeetingApi(session.api);
