/** The page's content API, over the page's one API client. */
import { client } from '../shell/runtime';
import { createContentApi } from './api';

export const contentApi = createContentApi(client);
