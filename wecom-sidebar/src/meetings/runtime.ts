/** The page's meetings API, over the page's one API client. */
import { client } from '../shell/runtime';
import { createMeetingsApi } from './api';

export const meetingsApi = createMeetingsApi(client);
