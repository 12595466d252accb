/**
 * The coupon and campaign contracts as TypeScript types, inferred from the API's schemas in `@careloop/shared`.
 * Types only: nothing of zod reaches the mini-program bundle.
 */
import type { z } from 'zod';
import type { CampaignLanding, Coupon, CouponKind, CouponState, ReportScanRequest } from '@careloop/shared';

export type { CampaignLanding, Coupon, CouponKind, CouponState };
/** The coupon a campaign's landing page offers (null for a campaign without one). */
export type LandingCoupon = NonNullable<CampaignLanding['coupon']>;
/** How the landing page was reached: scanning the mini-program code, a link, or a share. */
export type ScanVia = z.infer<typeof ReportScanRequest>['via'];
/** Where a coupon can be used, as the API names clinics. */
export interface ClinicName {
  id: string;
  name: string;
}
export type { Loadable } from '../booking/types';
