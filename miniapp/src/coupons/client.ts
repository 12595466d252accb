import { session } from '../session';
import { createCouponApi } from './api';

/** The campaign and coupon routes, called as the signed-in customer. */
export const couponApi = createCouponApi(session.api);
