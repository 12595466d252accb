/** The page's tag API, over the page's one API client. */
import { client } from '../shell/runtime';
import { createTagsApi } from './api';

export const tagsApi = createTagsApi(client);
