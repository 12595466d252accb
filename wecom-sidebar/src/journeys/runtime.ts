/** The page's journey API, over the page's one API client. */
import { client } from '../shell/runtime';
import { createJourneysApi } from './api';

export const journeysApi = createJourneysApi(client);
