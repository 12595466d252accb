/**
 * Coupon templates (what a manager defines) and coupons (what a customer holds). Every guarantee comes from
 * single-document conditional updates and unique indexes; no transactions:
 *   - stock: a template's `issued` grows only while it is below `totalStock` (one conditional `$inc`), and the
 *     claim in flight is listed in the same update (`inFlight`), so a crash half-way can be repaired;
 *   - per-person limit: a coupon holds one of its holder's `slot`s 1 … perPersonLimit, and (templateId,
 *     customerId, slot) is unique, so one person never holds more than the limit however claims interleave;
 *   - idempotent claims: (organisationId, templateId, requestId) is unique;
 *   - state changes are conditional on the current state (one redemption wins), and each appends its timeline
 *     event to `history` in the same update (an outbox), so an event a crash did not record is recorded later.
 */
import mongoose, { Schema, type Types } from 'mongoose';

const validitySchema = new Schema(
  {
    type: { type: String, enum: ['fixed', 'days_after_claim'], required: true },
    startsAt: { type: Date, default: null },
    endsAt: { type: Date, default: null },
    days: { type: Number, default: null },
  },
  { _id: false },
);

const eligibilitySchema = new Schema(
  {
    type: { type: String, enum: ['all', 'new_customers', 'tagged', 'verified_hcp'], required: true },
    tag: { type: String, default: null },
  },
  { _id: false },
);

const couponTemplateSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    kind: { type: String, enum: ['amount_off', 'percent_off', 'free_service', 'gift'], required: true },
    amountOffFen: { type: Number, default: null },
    percentOff: { type: Number, default: null },
    giftDescription: { type: String, default: null },
    minSpendFen: { type: Number, default: 0 },
    serviceIds: { type: [Schema.Types.ObjectId], default: [] },
    clinicIds: { type: [Schema.Types.ObjectId], default: [] },
    validity: { type: validitySchema, required: true },
    totalStock: { type: Number, required: true },
    perPersonLimit: { type: Number, required: true },
    eligibility: { type: eligibilitySchema, required: true },
    stackable: { type: Boolean, default: false },
    paused: { type: Boolean, default: false },
    /** Coupons issued: only ever raised while below totalStock. */
    issued: { type: Number, default: 0 },
    /**
     * Claims that took stock and are not finished yet (normally for milliseconds). An entry older than a few
     * minutes is a crashed claim: the repair finishes it or gives its stock back (coupons/service.ts).
     */
    inFlight: {
      type: [
        { couponId: { type: Schema.Types.ObjectId, required: true }, at: { type: Date, required: true }, _id: false },
      ],
      default: [],
    },
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, minimize: false },
);
couponTemplateSchema.index({ organisationId: 1, createdAt: -1 });
couponTemplateSchema.index({ 'inFlight.at': 1 });

/** A transition's timeline event, written with the transition and recorded into the events afterwards. */
const historySchema = new Schema(
  {
    type: { type: String, required: true },
    sourceEventId: { type: String, required: true },
    at: { type: Date, required: true },
    actor: { type: String, default: null },
    properties: { type: Schema.Types.Mixed, default: {} },
  },
  { _id: false, minimize: false },
);

const couponSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    templateId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    campaignId: { type: Schema.Types.ObjectId, default: null },
    /** 16 characters of Crockford base32 (80 random bits), shown as the coupon's QR. */
    code: { type: String, required: true },
    /** `pending` is internal (a claim in progress, never shown): claimed → redeemed | expired | revoked. */
    state: { type: String, enum: ['pending', 'claimed', 'redeemed', 'expired', 'revoked'], required: true },
    /** The caller's idempotency key: the same key answers the same coupon. */
    requestId: { type: String, required: true },
    /** Which of its holder's places (1 … perPersonLimit) this coupon takes; above the limit only after a merge. */
    slot: { type: Number, required: true },
    claimedAt: { type: Date, required: true },
    validFrom: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    redemption: {
      type: new Schema(
        {
          at: { type: Date, required: true },
          clinicId: { type: Schema.Types.ObjectId, required: true },
          clinicName: { type: String, required: true },
          staffId: { type: Schema.Types.ObjectId, required: true },
          staffName: { type: String, required: true },
        },
        { _id: false },
      ),
      default: null,
    },
    /** How many times it was redeemed (a redemption can be undone): numbers each redemption's event. */
    redemptions: { type: Number, default: 0 },
    revokedAt: { type: Date, default: null },
    revokedReason: { type: String, default: null },
    revokedBy: { type: Schema.Types.ObjectId, default: null },
    overLimitAfterMerge: { type: Boolean, default: false },
    /** Set once the `coupon.expiring` event was written for it. */
    expiringNotified: { type: Boolean, default: false },
    history: { type: [historySchema], default: [] },
    /** How many history entries are known to be recorded as events. */
    eventsRecorded: { type: Number, default: 0 },
    /** True while history holds entries perhaps not recorded yet. */
    eventsPending: { type: Boolean, default: false },
    erasedAt: { type: Date, default: null },
  },
  { timestamps: true, minimize: false },
);
couponSchema.index({ code: 1 }, { unique: true });
couponSchema.index({ templateId: 1, customerId: 1, slot: 1 }, { unique: true });
couponSchema.index({ organisationId: 1, templateId: 1, requestId: 1 }, { unique: true });
couponSchema.index({ organisationId: 1, customerId: 1, claimedAt: -1 });
couponSchema.index({ state: 1, expiresAt: 1 });
couponSchema.index({ eventsPending: 1, updatedAt: 1 });

/** A template as read with `.lean()`. */
export interface CouponTemplateDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  name: string;
  description: string;
  kind: 'amount_off' | 'percent_off' | 'free_service' | 'gift';
  amountOffFen: number | null;
  percentOff: number | null;
  giftDescription: string | null;
  minSpendFen: number;
  serviceIds: Types.ObjectId[];
  clinicIds: Types.ObjectId[];
  validity: { type: 'fixed' | 'days_after_claim'; startsAt: Date | null; endsAt: Date | null; days: number | null };
  totalStock: number;
  perPersonLimit: number;
  eligibility: { type: 'all' | 'new_customers' | 'tagged' | 'verified_hcp'; tag: string | null };
  stackable: boolean;
  paused: boolean;
  issued: number;
  inFlight: { couponId: Types.ObjectId; at: Date }[];
  createdBy: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CouponHistoryEntry {
  type: string;
  sourceEventId: string;
  at: Date;
  actor: string | null;
  properties: Record<string, unknown>;
}

/** A coupon as read with `.lean()`. */
export interface CouponDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  templateId: Types.ObjectId;
  customerId: Types.ObjectId;
  campaignId: Types.ObjectId | null;
  code: string;
  state: 'pending' | 'claimed' | 'redeemed' | 'expired' | 'revoked';
  requestId: string;
  slot: number;
  claimedAt: Date;
  validFrom: Date;
  expiresAt: Date;
  redemption: {
    at: Date;
    clinicId: Types.ObjectId;
    clinicName: string;
    staffId: Types.ObjectId;
    staffName: string;
  } | null;
  redemptions: number;
  revokedAt: Date | null;
  revokedReason: string | null;
  revokedBy: Types.ObjectId | null;
  overLimitAfterMerge: boolean;
  expiringNotified: boolean;
  history: CouponHistoryEntry[];
  eventsRecorded: number;
  eventsPending: boolean;
  erasedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const CouponTemplateModel = mongoose.model('CouponTemplate', couponTemplateSchema, 'coupon_templates');
export const CouponModel = mongoose.model('Coupon', couponSchema, 'coupons');
