import { z } from 'zod';
import { ObjectId } from './common';

/**
 * A payment order's life: `created` (waiting for the customer) → `paid` → `refunding` (a refund is under way) →
 * `refunded` (all of it) or `partially_refunded`; or `closed` (never paid, closed at WeChat Pay).
 */
export const PaymentStatus = z.enum(['created', 'paid', 'refunding', 'refunded', 'partially_refunded', 'closed']);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

export const RefundStatus = z.enum(['pending', 'processing', 'succeeded', 'closed', 'abnormal', 'failed']);
export type RefundStatus = z.infer<typeof RefundStatus>;

export const PaymentRefundView = z.object({
  outRefundNo: z.string(),
  amountFen: z.number().int(),
  reason: z.string(),
  status: RefundStatus,
  createdAt: z.iso.datetime(),
  succeededAt: z.iso.datetime().nullable(),
});
export type PaymentRefundView = z.infer<typeof PaymentRefundView>;

/** A payment order as the customer (and the domains that own its purpose) see it. Amounts are in fen (0.01 CNY). */
export const PaymentView = z.object({
  id: ObjectId,
  purpose: z.string(),
  referenceId: z.string(),
  amountFen: z.number().int(),
  description: z.string(),
  status: PaymentStatus,
  expiresAt: z.iso.datetime(),
  paidAt: z.iso.datetime().nullable(),
  refundedFen: z.number().int(),
  refunds: z.array(PaymentRefundView),
});
export type PaymentView = z.infer<typeof PaymentView>;

export const PaymentIdParams = z.strictObject({ id: ObjectId });

/** What `wx.requestPayment` / `Taro.requestPayment` takes, signed by the server (RSA, the merchant key). */
export const RequestPaymentParams = z.object({
  timeStamp: z.string(),
  nonceStr: z.string(),
  package: z.string().meta({ description: '`prepay_id=…`' }),
  signType: z.literal('RSA'),
  paySign: z.string(),
});
export type RequestPaymentParams = z.infer<typeof RequestPaymentParams>;

// ---- Sandbox control (dev and tests only): the emulated WeChat Pay user and its notifications ----

export const SandboxPayRequest = z.strictObject({
  /** Send the TRANSACTION.SUCCESS notification (default true); false emulates a notification that never arrives. */
  notify: z.boolean().optional(),
  /** Accept the payment even past the order's time_expire (a payment that arrives after the hold expired). */
  ignoreTimeExpire: z.boolean().optional(),
});

export const SandboxNotifyAgainRequest = z.strictObject({
  /** Replay the exact headers of the last delivery too (same timestamp and signature); default: sign it afresh. */
  sameHeaders: z.boolean().optional(),
});

export const SandboxTamperKind = z.enum([
  'bad_signature',
  'unknown_serial',
  'stale_timestamp',
  'tampered_ciphertext',
  'wrong_amount',
  'wrong_mchid',
  'wrong_appid',
  'unknown_order',
]);
export type SandboxTamperKind = z.infer<typeof SandboxTamperKind>;
export const SandboxTamperedNotifyRequest = z.strictObject({ kind: SandboxTamperKind });

export const SandboxPayNotification = z.object({
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
  /** How the notify URL answered: its HTTP status and body (null when it could not be reached). */
  answer: z.object({ status: z.number().int(), body: z.unknown() }).nullable(),
});
export type SandboxPayNotification = z.infer<typeof SandboxPayNotification>;

export const SandboxPayResult = z.object({
  outTradeNo: z.string(),
  transactionId: z.string(),
  tradeState: z.string(),
  notification: SandboxPayNotification.nullable(),
});
export type SandboxPayResult = z.infer<typeof SandboxPayResult>;

export const SandboxOutTradeNoParams = z.strictObject({ outTradeNo: z.string().min(1).max(32) });
/** The prepay_id of requestPayment's `package` (all the H5 sandbox cashier knows of the order). */
export const SandboxPrepayParams = z.strictObject({ prepayId: z.string().min(1).max(64) });
