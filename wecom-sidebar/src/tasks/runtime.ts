/** The page's task API, over the page's one API client. */
import { client } from '../shell/runtime';
import { createTasksApi } from './api';

export const tasksApi = createTasksApi(client);
