/**
 * Coupons: templates managers define, coupons customers claim (through a campaign) and staff redeem at a clinic.
 * Money is in fen (1/100 yuan). A coupon moves `claimed → redeemed | expired | revoked`; a manager may undo a
 * redemption shortly after it (back to `claimed`).
 */
import { z } from 'zod';
import { ObjectId } from './common';
import { TagName } from './profile';

const text = (max: number) => z.string().trim().max(max);

export const CouponKind = z.enum(['amount_off', 'percent_off', 'free_service', 'gift']);
export type CouponKind = z.infer<typeof CouponKind>;

/** Who may claim a template's coupons. */
export const CouponEligibility = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('all') }),
  /** Never arrived at a clinic and never paid an order. */
  z.strictObject({ type: z.literal('new_customers') }),
  z.strictObject({ type: z.literal('tagged'), tag: TagName }),
  z.strictObject({ type: z.literal('verified_hcp') }),
]);
export type CouponEligibility = z.infer<typeof CouponEligibility>;

/** When a claimed coupon can be redeemed: fixed dates, or N days from the claim. */
export const CouponValidity = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('fixed'), startsAt: z.iso.datetime(), endsAt: z.iso.datetime() }),
  z.strictObject({ type: z.literal('days_after_claim'), days: z.number().int().min(1).max(3650) }),
]);
export type CouponValidity = z.infer<typeof CouponValidity>;

const couponTemplateFields = {
  name: text(40).min(1),
  description: text(500).default(''),
  kind: CouponKind,
  /** amount_off: the amount taken off. */
  amountOffFen: z.number().int().min(1).max(100_000_00).nullable().default(null),
  /** percent_off: the percentage taken off (1–99). */
  percentOff: z.number().int().min(1).max(99).nullable().default(null),
  /** gift: what the customer receives. */
  giftDescription: text(100).nullable().default(null),
  /** Smallest bill the coupon applies to (0: any). */
  minSpendFen: z.number().int().min(0).max(100_000_00).default(0),
  /** Services it applies to (free_service: the free ones); empty: every service. */
  serviceIds: z.array(ObjectId).max(50).default([]),
  /** Clinics where it can be redeemed; empty: every clinic. */
  clinicIds: z.array(ObjectId).max(50).default([]),
  validity: CouponValidity,
  totalStock: z.number().int().min(1).max(1_000_000),
  /** Coupons of this template one person (one OneID) may hold over all time. */
  perPersonLimit: z.number().int().min(1).max(100).default(1),
  eligibility: CouponEligibility.default({ type: 'all' }),
  /** Whether it may be used together with other coupons on one bill. */
  stackable: z.boolean().default(false),
};

type TemplateFields = {
  kind: CouponKind;
  amountOffFen: number | null;
  percentOff: number | null;
  giftDescription: string | null;
  serviceIds: string[];
  validity: CouponValidity;
};

/** The value fields must match the kind, and fixed validity must end after it starts. */
function checkTemplate(value: TemplateFields, ctx: z.RefinementCtx) {
  const need = (field: keyof TemplateFields, ok: boolean, message: string) => {
    if (!ok) ctx.addIssue({ code: 'custom', path: [field], message });
  };
  need('amountOffFen', (value.kind === 'amount_off') === (value.amountOffFen !== null), 'set for amount_off only');
  need('percentOff', (value.kind === 'percent_off') === (value.percentOff !== null), 'set for percent_off only');
  need('giftDescription', (value.kind === 'gift') === (value.giftDescription !== null), 'set for gift only');
  if (value.kind === 'free_service') need('serviceIds', value.serviceIds.length > 0, 'name the free service(s)');
  if (value.validity.type === 'fixed') {
    need('validity', value.validity.startsAt < value.validity.endsAt, 'endsAt must be after startsAt');
  }
}

export const CreateCouponTemplateRequest = z.strictObject(couponTemplateFields).superRefine(checkTemplate);
export type CreateCouponTemplateRequest = z.infer<typeof CreateCouponTemplateRequest>;

/** What can change once coupons may exist: wording, stock (never below what was issued) and whether it is paused. */
export const UpdateCouponTemplateRequest = z
  .strictObject({
    name: couponTemplateFields.name.optional(),
    description: text(500).optional(),
    totalStock: couponTemplateFields.totalStock.optional(),
    paused: z.boolean().optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'nothing to change');

export const CouponTemplate = z
  .object({
    id: ObjectId,
    name: z.string(),
    description: z.string(),
    kind: CouponKind,
    amountOffFen: z.number().int().nullable(),
    percentOff: z.number().int().nullable(),
    giftDescription: z.string().nullable(),
    minSpendFen: z.number().int(),
    serviceIds: z.array(ObjectId),
    clinicIds: z.array(ObjectId),
    validity: CouponValidity,
    totalStock: z.number().int(),
    perPersonLimit: z.number().int(),
    eligibility: CouponEligibility,
    stackable: z.boolean(),
    /** A paused template issues no coupons; issued ones stay valid. */
    paused: z.boolean(),
    /** Coupons issued so far (stock left = totalStock − issued). */
    issued: z.number().int(),
    redeemed: z.number().int(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'CouponTemplate' });
export type CouponTemplate = z.infer<typeof CouponTemplate>;
export const CouponTemplateList = z.object({ items: z.array(CouponTemplate) });

export const CouponState = z.enum(['claimed', 'redeemed', 'expired', 'revoked']);
export type CouponState = z.infer<typeof CouponState>;

/** The code on the coupon's QR: 16 characters of Crockford base32 (80 random bits), unguessable. */
export const CouponCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[0-9A-HJKMNP-TV-Z]{16}$/, 'must be the 16-character coupon code');

export const Coupon = z
  .object({
    id: ObjectId,
    code: z.string(),
    state: CouponState,
    customerId: ObjectId,
    template: z.object({
      id: ObjectId,
      name: z.string(),
      description: z.string(),
      kind: CouponKind,
      amountOffFen: z.number().int().nullable(),
      percentOff: z.number().int().nullable(),
      giftDescription: z.string().nullable(),
      minSpendFen: z.number().int(),
      serviceIds: z.array(ObjectId),
      clinicIds: z.array(ObjectId),
      stackable: z.boolean(),
    }),
    /** The campaign it was claimed through, if any. */
    campaignId: ObjectId.nullable(),
    claimedAt: z.iso.datetime(),
    validFrom: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    redemption: z
      .object({
        at: z.iso.datetime(),
        clinic: z.object({ id: ObjectId, name: z.string() }),
        staff: z.object({ id: ObjectId, name: z.string() }),
      })
      .nullable(),
    revokedAt: z.iso.datetime().nullable(),
    /** Set when a merge of two profiles left this person holding more than the per-person limit. */
    overLimitAfterMerge: z.boolean(),
  })
  .meta({ id: 'Coupon' });
export type Coupon = z.infer<typeof Coupon>;
export const CouponList = z.object({ items: z.array(Coupon) });
export type CouponList = z.infer<typeof CouponList>;

export const CouponListQuery = z.strictObject({ state: CouponState.optional() });
export const CouponParams = z.strictObject({ id: ObjectId });
export const CustomerCouponParams = z.strictObject({ id: ObjectId, couponId: ObjectId });

/** Staff redeem a coupon at a clinic: from the customer's coupons in the sidebar … */
export const RedeemCouponRequest = z.strictObject({ clinicId: ObjectId });
/** … or by scanning (or typing) the code the patient shows. */
export const RedeemCouponByCodeRequest = z.strictObject({ code: CouponCode, clinicId: ObjectId });
export const RevokeCouponRequest = z.strictObject({ reason: text(200).min(1) });

/** How long after a redemption a manager may undo it. */
export const REDEMPTION_UNDO_MINUTES = 30;
/** How long before expiry the `coupon.expiring` event fires. */
export const COUPON_EXPIRING_DAYS = 3;
