/**
 * The coupon contracts as the WeCom app uses them: types only, inferred from the schemas in `@careloop/shared`
 * (type-only imports, so the page carries no schema code).
 */
import type {
  Coupon,
  CouponEligibility,
  CouponKind,
  CouponList,
  CouponState,
  CouponTemplate,
  CouponValidity,
  CreateCouponTemplateRequest as CreateCouponTemplateRequestSchema,
  UpdateCouponTemplateRequest as UpdateCouponTemplateRequestSchema,
} from '@careloop/shared';
import type { z } from 'zod';

export type { Coupon, CouponEligibility, CouponKind, CouponList, CouponState, CouponTemplate, CouponValidity };
/** What the page sends (every field given: the form fills the defaults itself). */
export type CreateCouponTemplateRequest = z.output<typeof CreateCouponTemplateRequestSchema>;
export type UpdateCouponTemplateRequest = z.output<typeof UpdateCouponTemplateRequestSchema>;
/** The value a coupon carries (a template's, or the copy on an issued coupon). */
export type CouponValue = Pick<
  CouponTemplate,
  'kind' | 'amountOffFen' | 'percentOff' | 'giftDescription' | 'minSpendFen' | 'serviceIds'
>;
