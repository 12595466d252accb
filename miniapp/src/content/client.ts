import { session } from '../session';
import { createContentApi } from './api';

/** The content routes, called as the signed-in customer. */
export const contentApi = createContentApi(session.api);
