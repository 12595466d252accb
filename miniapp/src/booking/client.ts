import { session } from '../session';
import { createBookingApi } from './api';

/** The booking routes, called as the signed-in customer. */
export const bookingApi = createBookingApi(session.api);
