/**
 * Payments: orders paid with WeChat Pay (JSAPI, in the mini-program), their notifications, refunds and
 * reconciliation. Other domains use it through a purpose they register:
 *
 *   registerPaymentPurpose('appointment_deposit', { onPaid, onRefunded })
 *   createPaymentOrder({ organisationId, customerId, purpose, referenceId, amountFen, description, expiresAt })
 *   refundPayment({ organisationId, paymentId, amountFen, reason, idempotencyKey })
 *   closePaymentOrder(paymentId)
 *   getPayment(organisationId, paymentId) / getPaymentForReference(organisationId, purpose, referenceId)
 *
 * Correctness without transactions: each state change is one conditional update of the order document, and who
 * wins it does the follow-up. A payment becomes `paid` once (created → paid, or closed → paid), however many
 * notifications and queries report it at the same time; the winner records `payment.paid` (idempotent) and asks
 * the purpose's onPaid under a lease, and marks the order handled. A crash between the two leaves it unhandled with
 * an expiring lease: the reconciler runs onPaid again — so onPaid must be idempotent, and it is called once in
 * every run that does not crash. A purpose that answers `rejected` (e.g. its hold expired) gets the whole amount
 * refunded automatically; so does a payment that arrives for an order already closed here.
 */
import { randomInt } from 'node:crypto';
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { Config } from '@careloop/config';
import type { PaymentStatus, PaymentView, RefundStatus, RequestPaymentParams } from '@careloop/shared';
import { AppError, notFound } from '../http/errors';
import { recordEvent } from '../events/service';
import { listIdentities } from '../identity/service';
import { registerMergeStep } from '../identity/mergeSteps';
import { registerPrivacyContributor } from '../privacy/contributors';
import { PayApiError, type PayClient, type WechatTransaction } from '../platform/pay/client';
import { PAID_STATUSES, PaymentOrderModel, type PaymentOrderDocument, type PaymentRefundDocument } from './model';

// ---------------------------------------------------------------------------------------------------------------
// Runtime and purposes

interface PaymentsRuntime {
  config: Pick<Config, 'pay' | 'wechat'>;
  pay: PayClient;
  logger: Logger;
}

let runtime: PaymentsRuntime | null = null;

/** Gives the payments service its Pay client and logger (createDeps does this once per process). */
export function registerPaymentsRuntime(value: PaymentsRuntime): void {
  runtime = value;
}

function rt(): PaymentsRuntime {
  if (!runtime) throw new Error('payments: no runtime registered (createDeps registers it)');
  return runtime;
}

export interface PaymentRefund {
  outRefundNo: string;
  amountFen: number;
  reason: string;
  status: RefundStatus;
  automatic: boolean;
  createdAt: Date;
  succeededAt: Date | null;
}

/** A payment order as the service hands it to other domains. */
export interface Payment {
  id: string;
  organisationId: string;
  customerId: string;
  purpose: string;
  referenceId: string;
  outTradeNo: string;
  amountFen: number;
  description: string;
  status: PaymentStatus;
  expiresAt: Date;
  paidAt: Date | null;
  transactionId: string | null;
  refundedFen: number;
  refunds: PaymentRefund[];
}

export interface PaymentPurposeHandlers {
  /**
   * A payment of this purpose arrived. Answer `accepted` to keep it, `rejected` to have it refunded in full (e.g.
   * the appointment's hold expired). Must be idempotent: after a crash it is called again for the same payment.
   */
  onPaid(payment: Payment): Promise<'accepted' | 'rejected'>;
  /** A refund of this purpose succeeded (at least once; idempotent like onPaid). */
  onRefunded?(payment: Payment, refund: PaymentRefund): Promise<void>;
}

const purposes = new Map<string, PaymentPurposeHandlers>();

/** Registers what happens when a payment of `purpose` is paid or refunded; call at module load of the domain. */
export function registerPaymentPurpose(purpose: string, handlers: PaymentPurposeHandlers): void {
  purposes.set(purpose, handlers);
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const oid = (id: string) => new Types.ObjectId(id);
const isObjectId = (id: string) => /^[0-9a-f]{24}$/.test(id);
const isPaid = (status: string) => (PAID_STATUSES as readonly string[]).includes(status);
/**
 * Updates of one refund address it with an array filter (`refunds.$[r]`); the query's $elemMatch decides whether the
 * update applies at all. (mongo-java-server does not support the positional `$` after an $elemMatch.)
 */
const inRefund = (outRefundNo: string) => ({ arrayFilters: [{ 'r.outRefundNo': outRefundNo }] });

/** How long whoever runs onPaid / onRefunded holds the order before a reconciler may try again. */
const HANDLE_LEASE_MS = 2 * 60_000;
/** A prepay_id is valid two hours; a new one is made a little before. */
const PREPAY_REUSE_MS = 110 * 60_000;
/** WeChat Pay's description limit is 127 characters; its refund reason limit is 80. */
const MAX_DESCRIPTION = 127;
const MAX_REASON = 80;

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const randomAlphanumeric = (length: number) =>
  Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');

/** 32 characters: `CL`, the UTC date, 22 random alphanumerics (≈131 bits): unique and unguessable. */
export const newOutTradeNo = (at = new Date()) =>
  `CL${at.toISOString().slice(0, 10).replace(/-/g, '')}${randomAlphanumeric(22)}`;
const newOutRefundNo = (at = new Date()) =>
  `RF${at.toISOString().slice(0, 10).replace(/-/g, '')}${randomAlphanumeric(22)}`;

function toRefund(refund: PaymentRefundDocument): PaymentRefund {
  return {
    outRefundNo: refund.outRefundNo,
    amountFen: refund.amountFen,
    reason: refund.reason,
    status: refund.status as RefundStatus,
    automatic: Boolean(refund.automatic),
    createdAt: refund.createdAt,
    succeededAt: refund.succeededAt ?? null,
  };
}

export function toPayment(doc: PaymentOrderDocument): Payment {
  return {
    id: String(doc._id),
    organisationId: String(doc.organisationId),
    customerId: String(doc.customerId),
    purpose: doc.purpose,
    referenceId: doc.referenceId,
    outTradeNo: doc.outTradeNo,
    amountFen: doc.amountFen,
    description: doc.description,
    status: doc.status as PaymentStatus,
    expiresAt: doc.expiresAt,
    paidAt: doc.paidAt ?? null,
    transactionId: doc.transactionId ?? null,
    refundedFen: doc.refundedFen ?? 0,
    refunds: (doc.refunds ?? []).map(toRefund),
  };
}

/** The HTTP view of a payment (shared PaymentView). */
export function toPaymentView(payment: Payment): PaymentView {
  return {
    id: payment.id,
    purpose: payment.purpose,
    referenceId: payment.referenceId,
    amountFen: payment.amountFen,
    description: payment.description,
    status: payment.status,
    expiresAt: payment.expiresAt.toISOString(),
    paidAt: payment.paidAt?.toISOString() ?? null,
    refundedFen: payment.refundedFen,
    refunds: payment.refunds.map((refund) => ({
      outRefundNo: refund.outRefundNo,
      amountFen: refund.amountFen,
      reason: refund.reason,
      status: refund.status,
      createdAt: refund.createdAt.toISOString(),
      succeededAt: refund.succeededAt?.toISOString() ?? null,
    })),
  };
}

async function load(id: Types.ObjectId | string): Promise<PaymentOrderDocument> {
  const doc = await PaymentOrderModel.findById(id).lean<PaymentOrderDocument>();
  if (!doc) throw notFound('Payment');
  return doc;
}

// ---------------------------------------------------------------------------------------------------------------
// Orders

export interface CreatePaymentOrderInput {
  organisationId: string;
  customerId: string;
  purpose: string;
  referenceId: string;
  /** The server's price in fen; never a client's number. */
  amountFen: number;
  description: string;
  /** Until when it may be paid (default: now + PAY_ORDER_TTL_MINUTES). */
  expiresAt?: Date;
}

/** Creates an order waiting for the customer's payment (nothing is sent to WeChat Pay until they pay). */
export async function createPaymentOrder(input: CreatePaymentOrderInput): Promise<Payment> {
  const now = new Date();
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 1) {
    throw new Error(`createPaymentOrder: amountFen must be a positive integer, got ${input.amountFen}`);
  }
  if (!input.purpose || !input.referenceId) throw new Error('createPaymentOrder: purpose and referenceId are needed');
  if (!isObjectId(input.organisationId) || !isObjectId(input.customerId)) {
    throw new Error('createPaymentOrder: organisationId and customerId must be ids');
  }
  const description = input.description.trim().slice(0, MAX_DESCRIPTION);
  if (!description) throw new Error('createPaymentOrder: a description is needed (customers see it in WeChat)');
  const expiresAt = input.expiresAt ?? new Date(now.getTime() + rt().config.pay.orderTtlMinutes * 60_000);
  if (expiresAt <= now) throw new Error('createPaymentOrder: expiresAt must be in the future');
  const doc = await PaymentOrderModel.create({
    organisationId: oid(input.organisationId),
    customerId: oid(input.customerId),
    purpose: input.purpose,
    referenceId: input.referenceId,
    outTradeNo: newOutTradeNo(now),
    amountFen: input.amountFen,
    description,
    status: 'created',
    expiresAt,
  });
  return toPayment(doc.toObject() as PaymentOrderDocument);
}

export async function getPayment(organisationId: string, paymentId: string): Promise<Payment | null> {
  if (!isObjectId(paymentId) || !isObjectId(organisationId)) return null;
  const doc = await PaymentOrderModel.findOne({
    _id: oid(paymentId),
    organisationId: oid(organisationId),
  }).lean<PaymentOrderDocument>();
  return doc ? toPayment(doc) : null;
}

/** The latest order of a purpose's record (e.g. an appointment's deposit), or null. */
export async function getPaymentForReference(
  organisationId: string,
  purpose: string,
  referenceId: string,
): Promise<Payment | null> {
  const doc = await PaymentOrderModel.findOne({ organisationId: oid(organisationId), purpose, referenceId })
    .sort({ createdAt: -1, _id: -1 })
    .lean<PaymentOrderDocument>();
  return doc ? toPayment(doc) : null;
}

/** The signed-in customer's own order, or NOT_FOUND (another customer's order answers the same). */
export async function getCustomerPayment(organisationId: string, customerId: string, paymentId: string) {
  const doc = isObjectId(paymentId)
    ? await PaymentOrderModel.findOne({
        _id: oid(paymentId),
        organisationId: oid(organisationId),
        customerId: oid(customerId),
      }).lean<PaymentOrderDocument>()
    : null;
  if (!doc) throw notFound('Payment');
  return doc;
}

/**
 * The requestPayment parameters for the customer's own unpaid order: the prepay order is made at WeChat Pay once
 * (for the customer's mini-program openid, expiring with the order) and reused while it is valid.
 */
export async function requestJsapiPayment(input: {
  organisationId: string;
  customerId: string;
  paymentId: string;
}): Promise<RequestPaymentParams> {
  const { pay } = rt();
  const doc = await getCustomerPayment(input.organisationId, input.customerId, input.paymentId);
  const now = new Date();
  if (doc.status !== 'created') {
    throw new AppError('PAYMENT_NOT_PAYABLE', `This payment is ${doc.status}`, { status: doc.status });
  }
  if (doc.expiresAt <= now) throw new AppError('PAYMENT_EXPIRED', 'This payment has expired');
  const identities = await listIdentities(input.organisationId, input.customerId);
  const openid = identities.find((identity) => identity.kind === 'miniapp_openid' && identity.app === pay.appId)?.value;
  if (!openid) throw new AppError('PAYMENT_NO_OPENID', 'Sign in with the mini-program to pay');

  let prepayId = doc.prepayId;
  const reusable =
    prepayId &&
    doc.payerOpenid === openid &&
    doc.prepayCreatedAt &&
    now.getTime() - doc.prepayCreatedAt.getTime() < PREPAY_REUSE_MS;
  if (!reusable) {
    ({ prepayId } = await pay.createJsapiOrder({
      outTradeNo: doc.outTradeNo,
      description: doc.description,
      amountFen: doc.amountFen,
      openid,
      notifyUrl: pay.notifyUrl,
      timeExpire: doc.expiresAt,
    }));
    const saved = await PaymentOrderModel.updateOne(
      { _id: doc._id, status: 'created' },
      { $set: { prepayId, prepayCreatedAt: now, payerOpenid: openid } },
    );
    if (saved.modifiedCount !== 1) {
      const current = await load(doc._id);
      if (current.status !== 'created') {
        throw new AppError('PAYMENT_NOT_PAYABLE', `This payment is ${current.status}`, { status: current.status });
      }
    }
  }
  return pay.requestPaymentParams(prepayId!);
}

/**
 * Closes an unpaid order (e.g. its hold expired): at WeChat Pay first (so it can no longer be paid), then here.
 * If WeChat Pay says it was paid meanwhile, the payment is applied instead (and the purpose decides). A payment
 * that still arrives for an order closed here is refunded automatically.
 */
export async function closePaymentOrder(paymentId: string): Promise<Payment> {
  const { pay } = rt();
  const doc = await load(paymentId);
  if (doc.status !== 'created') return toPayment(doc);
  if (doc.prepayId) {
    try {
      await pay.closeOrder(doc.outTradeNo);
    } catch (error) {
      // Refused (paid meanwhile) or unknown: what WeChat Pay knows of the order decides.
      const tx = await pay.queryOrder(doc.outTradeNo);
      if (tx && (tx.trade_state === 'SUCCESS' || tx.trade_state === 'REFUND')) {
        await applyPaidTransaction(tx, 'query');
        return toPayment(await load(doc._id));
      }
      if (tx && tx.trade_state !== 'CLOSED') throw error;
    }
  }
  await PaymentOrderModel.updateOne(
    { _id: doc._id, status: 'created' },
    { $set: { status: 'closed', closedAt: new Date() }, $inc: { rev: 1 } },
  );
  return toPayment(await load(doc._id));
}

// ---------------------------------------------------------------------------------------------------------------
// Payment received

export type ApplyResult =
  | { ok: true; applied: boolean; paymentId: string }
  | { ok: false; reason: 'wrong_mchid' | 'wrong_appid' | 'not_paid' | 'unknown_order' | 'wrong_amount' | 'malformed' };

/**
 * Applies a paid transaction (from a verified notification or an order query): checks it against the order
 * (merchant, app, amount) and makes the order paid once; the winner runs the purpose's onPaid.
 */
export async function applyPaidTransaction(tx: WechatTransaction, via: 'notification' | 'query'): Promise<ApplyResult> {
  const { pay, logger } = rt();
  if (tx.mchid !== pay.mchId) return { ok: false, reason: 'wrong_mchid' };
  if (tx.appid !== pay.appId) return { ok: false, reason: 'wrong_appid' };
  const paidStates = via === 'notification' ? ['SUCCESS'] : ['SUCCESS', 'REFUND'];
  if (!paidStates.includes(tx.trade_state)) return { ok: false, reason: 'not_paid' };
  if (typeof tx.out_trade_no !== 'string' || !tx.transaction_id) return { ok: false, reason: 'malformed' };
  const total = tx.amount?.total;
  if (!Number.isSafeInteger(total) || (tx.amount?.currency && tx.amount.currency !== 'CNY')) {
    return { ok: false, reason: 'wrong_amount' };
  }
  const successTime = tx.success_time ? new Date(tx.success_time) : new Date();
  const now = new Date();
  // Whoever makes the order paid also takes the lease to handle it, in the same update.
  const paid = {
    status: 'paid' as const,
    transactionId: tx.transaction_id,
    paidAt: Number.isNaN(successTime.getTime()) ? now : successTime,
    paidVia: via,
    refundableFen: total!,
    handleLeaseUntil: new Date(now.getTime() + HANDLE_LEASE_MS),
    ...(tx.payer?.openid && { payerOpenid: tx.payer.openid }),
  };
  const inc = { rev: 1, handleAttempts: 1 };
  // The usual case, in one step: the unpaid order of that number and amount becomes paid (one caller wins).
  const before = await PaymentOrderModel.findOneAndUpdate(
    { outTradeNo: tx.out_trade_no, status: 'created', amountFen: total },
    { $set: paid, $inc: inc },
    { returnDocument: 'before' },
  ).lean<PaymentOrderDocument>();
  if (before) {
    await processPaid({ ...before, ...paid, rev: before.rev + 1 }).catch((err) =>
      logger.error({ err, paymentId: String(before._id) }, 'onPaid failed; the reconciler retries'),
    );
    return { ok: true, applied: true, paymentId: String(before._id) };
  }
  // Otherwise: why not?
  const doc = await PaymentOrderModel.findOne({ outTradeNo: tx.out_trade_no }).lean<PaymentOrderDocument>();
  if (!doc) return { ok: false, reason: 'unknown_order' };
  if (doc.amountFen !== total) return { ok: false, reason: 'wrong_amount' };
  const paymentId = String(doc._id);
  if (doc.status === 'closed') {
    // Closed here, paid at WeChat Pay (a race): paid it is, and refunded without asking the purpose.
    const won =
      (
        await PaymentOrderModel.updateOne(
          { _id: doc._id, status: 'closed' },
          { $set: { ...paid, paidAfterClose: true }, $inc: inc },
        )
      ).modifiedCount === 1;
    if (won) {
      logger.warn({ paymentId }, 'payment arrived for a closed order: it will be refunded');
      await processPaid({ ...doc, ...paid, paidAfterClose: true, rev: doc.rev + 1 }).catch((err) =>
        logger.error({ err, paymentId }, 'onPaid failed; the reconciler retries'),
      );
      return { ok: true, applied: true, paymentId };
    }
  } else if (isPaid(doc.status) && doc.transactionId !== tx.transaction_id) {
    logger.error(
      { paymentId, known: doc.transactionId, reported: tx.transaction_id },
      'a second WeChat Pay transaction reported for one order',
    );
  }
  return { ok: true, applied: false, paymentId };
}

/**
 * Handles a paid order nobody has handled (or whose handler's lease expired): takes the lease, then does what
 * processPaid does; true when this call did it. Safe to call again: a handled order is left alone.
 */
export async function handlePaid(paymentId: string, now = new Date()): Promise<boolean> {
  const lease = await PaymentOrderModel.updateOne(
    {
      _id: oid(paymentId),
      status: { $in: [...PAID_STATUSES] },
      handledAt: null,
      $or: [{ handleLeaseUntil: null }, { handleLeaseUntil: { $lte: now } }],
    },
    { $set: { handleLeaseUntil: new Date(now.getTime() + HANDLE_LEASE_MS) }, $inc: { handleAttempts: 1 } },
  );
  if (lease.modifiedCount !== 1) return false;
  await processPaid(await load(paymentId));
  return true;
}

/**
 * For the holder of the order's lease: records `payment.paid` (idempotent), asks the purpose (onPaid), refunds a
 * rejected payment, and marks the order handled. On failure the lease is freed for the reconciler.
 */
async function processPaid(doc: PaymentOrderDocument): Promise<void> {
  const paymentId = String(doc._id);
  try {
    await recordEvent({
      organisationId: String(doc.organisationId),
      customerId: String(doc.customerId),
      type: 'payment.paid',
      occurredAt: doc.paidAt ?? new Date(),
      properties: { paymentId, amountFen: doc.amountFen, purpose: doc.purpose, referenceId: doc.referenceId },
      source: 'wechat_pay',
      sourceEventId: `payment:${paymentId}:paid`,
    });
    let outcome: 'accepted' | 'rejected';
    if (doc.paidAfterClose) {
      outcome = 'rejected';
    } else {
      const handlers = purposes.get(doc.purpose);
      if (!handlers) throw new Error(`No payment purpose ${doc.purpose} is registered`);
      outcome = await handlers.onPaid(toPayment(doc));
      if (outcome !== 'accepted' && outcome !== 'rejected') {
        throw new Error(`onPaid of ${doc.purpose} answered ${String(outcome)}`);
      }
    }
    if (outcome === 'rejected') {
      const current = await load(paymentId);
      if (!current.refunds.some((refund) => refund.automatic) && current.refundableFen > 0) {
        await startRefund(current, {
          amountFen: current.refundableFen,
          reason: doc.paidAfterClose ? '订单已关闭，自动退款' : '预约已失效，自动退款',
          idempotencyKey: 'automatic-refund',
          automatic: true,
        });
      }
    }
    // Unconditional: this caller holds the lease (at worst an expired one, and then both runs handled it).
    await PaymentOrderModel.updateOne(
      { _id: doc._id },
      { $set: { handledAt: new Date(), handleOutcome: outcome, handleLeaseUntil: null } },
    );
  } catch (error) {
    // Free the lease so the next reconciliation retries soon.
    await PaymentOrderModel.updateOne({ _id: doc._id, handledAt: null }, { $set: { handleLeaseUntil: null } });
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Refunds

export interface RefundPaymentInput {
  organisationId: string;
  paymentId: string;
  amountFen: number;
  reason: string;
  /** The same key never refunds twice (a retry returns the first refund). */
  idempotencyKey: string;
}

/**
 * Refunds part or all of a paid order through WeChat Pay. The amount is reserved atomically (refunds never add up
 * to more than was paid); WeChat Pay is asked with a new out_refund_no, and asked again by the reconciler with the
 * same one while its answer is unknown. The refund completes with WeChat Pay's notification (or a query).
 */
export async function refundPayment(input: RefundPaymentInput): Promise<{ payment: Payment; refund: PaymentRefund }> {
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen < 1) {
    throw new AppError('VALIDATION_FAILED', 'The refund amount must be a positive number of fen');
  }
  if (!input.idempotencyKey || input.idempotencyKey.length > 100) {
    throw new AppError('VALIDATION_FAILED', 'An idempotency key of 1–100 characters is needed');
  }
  const doc = isObjectId(input.paymentId)
    ? await PaymentOrderModel.findOne({
        _id: oid(input.paymentId),
        organisationId: oid(input.organisationId),
      }).lean<PaymentOrderDocument>()
    : null;
  if (!doc) throw notFound('Payment');
  return startRefund(doc, {
    amountFen: input.amountFen,
    reason: input.reason,
    idempotencyKey: input.idempotencyKey,
    automatic: false,
  });
}

async function startRefund(
  doc: PaymentOrderDocument,
  input: { amountFen: number; reason: string; idempotencyKey: string; automatic: boolean },
): Promise<{ payment: Payment; refund: PaymentRefund }> {
  const found = (current: PaymentOrderDocument) => {
    const refund = current.refunds.find((candidate) => candidate.idempotencyKey === input.idempotencyKey);
    if (refund && refund.amountFen !== input.amountFen) {
      throw new AppError('REFUND_NOT_ALLOWED', 'This idempotency key was used for another amount', {
        amountFen: refund.amountFen,
      });
    }
    return refund ? { payment: toPayment(current), refund: toRefund(refund) } : null;
  };
  const existing = found(doc);
  if (existing) return existing;
  if (!isPaid(doc.status)) {
    throw new AppError('REFUND_NOT_ALLOWED', `A ${doc.status} payment cannot be refunded`, { status: doc.status });
  }
  const now = new Date();
  const outRefundNo = newOutRefundNo(now);
  const reason = (input.reason.trim() || '退款').slice(0, MAX_REASON);
  const reserved = await PaymentOrderModel.updateOne(
    {
      _id: doc._id,
      status: { $in: [...PAID_STATUSES] },
      refundableFen: { $gte: input.amountFen },
      'refunds.idempotencyKey': { $ne: input.idempotencyKey },
    },
    {
      $push: {
        refunds: {
          outRefundNo,
          idempotencyKey: input.idempotencyKey,
          amountFen: input.amountFen,
          reason,
          status: 'pending',
          automatic: input.automatic,
          createdAt: now,
          requestedAt: now,
        },
      },
      $inc: { refundableFen: -input.amountFen, rev: 1 },
      $set: { status: 'refunding' },
    },
  );
  if (reserved.modifiedCount !== 1) {
    const current = await load(doc._id);
    const raced = found(current);
    if (raced) return raced;
    if (!isPaid(current.status)) {
      throw new AppError('REFUND_NOT_ALLOWED', `A ${current.status} payment cannot be refunded`, {
        status: current.status,
      });
    }
    throw new AppError('REFUND_EXCEEDS_AMOUNT', 'The refund exceeds what is left to refund', {
      refundableFen: current.refundableFen,
    });
  }
  await requestRefund(String(doc._id), outRefundNo);
  const current = await load(doc._id);
  return { payment: toPayment(current), refund: toRefund(current.refunds.find((r) => r.outRefundNo === outRefundNo)!) };
}

/** A refund WeChat Pay refused for good: the request itself is wrong (not worth repeating as it is). */
const refusedForGood = (error: PayApiError) =>
  !error.outcomeUnknown &&
  (error.httpStatus === 400 || error.httpStatus === 404 || error.wechatCode === 'USER_ACCOUNT_ABNORMAL');

/** Asks WeChat Pay to make a pending refund (again: the same out_refund_no never refunds twice). */
async function requestRefund(paymentId: string, outRefundNo: string): Promise<void> {
  const { pay, logger } = rt();
  const doc = await load(paymentId);
  const refund = doc.refunds.find((candidate) => candidate.outRefundNo === outRefundNo);
  if (refund?.status !== 'pending') return;
  await PaymentOrderModel.updateOne(
    { _id: doc._id, 'refunds.outRefundNo': outRefundNo },
    { $set: { 'refunds.$[r].requestedAt': new Date() } },
    inRefund(outRefundNo),
  );
  try {
    const answer = await pay.createRefund({
      outTradeNo: doc.outTradeNo,
      outRefundNo,
      reason: refund.reason,
      refundFen: refund.amountFen,
      totalFen: doc.amountFen,
      notifyUrl: pay.refundNotifyUrl,
    });
    await applyRefundState({
      outTradeNo: doc.outTradeNo,
      outRefundNo,
      status: answer.status,
      refundId: answer.refund_id,
      successTime: answer.success_time,
      refundFen: answer.amount?.refund,
      totalFen: answer.amount?.total,
    });
  } catch (error) {
    if (error instanceof PayApiError && refusedForGood(error)) {
      logger.error({ paymentId, outRefundNo, code: error.wechatCode, message: error.wechatMessage }, 'refund refused');
      const failed = await PaymentOrderModel.updateOne(
        { _id: doc._id, refunds: { $elemMatch: { outRefundNo, status: 'pending' } } },
        {
          $set: {
            'refunds.$[r].status': 'failed',
            'refunds.$[r].failure': `${error.wechatCode}: ${error.wechatMessage}`,
          },
          $inc: { refundableFen: refund.amountFen, rev: 1 },
        },
        inRefund(outRefundNo),
      );
      if (failed.modifiedCount === 1) await settleStatus(paymentId);
      return;
    }
    logger.warn({ err: error, paymentId, outRefundNo }, 'refund request outcome unknown; the reconciler asks again');
  }
}

export type RefundApplyResult =
  | { ok: true; paymentId: string }
  | { ok: false; reason: 'unknown_order' | 'unknown_refund' | 'wrong_amount' | 'unknown_status' };

/** Applies what WeChat Pay says of a refund (its answer, a query, or a verified notification). */
export async function applyRefundState(input: {
  outTradeNo: string;
  outRefundNo: string;
  status: string;
  refundId?: string;
  successTime?: string;
  refundFen?: number;
  totalFen?: number;
}): Promise<RefundApplyResult> {
  const { logger } = rt();
  const doc = await PaymentOrderModel.findOne({ outTradeNo: input.outTradeNo }).lean<PaymentOrderDocument>();
  if (!doc) return { ok: false, reason: 'unknown_order' };
  const refund = doc.refunds.find((candidate) => candidate.outRefundNo === input.outRefundNo);
  if (!refund) return { ok: false, reason: 'unknown_refund' };
  if (
    (input.refundFen !== undefined && input.refundFen !== refund.amountFen) ||
    (input.totalFen !== undefined && input.totalFen !== doc.amountFen)
  ) {
    return { ok: false, reason: 'wrong_amount' };
  }
  const paymentId = String(doc._id);
  const element = (statuses: string[]) => ({
    _id: doc._id,
    refunds: { $elemMatch: { outRefundNo: input.outRefundNo, status: { $in: statuses } } },
  });
  const refundId = input.refundId ? { 'refunds.$[r].refundId': input.refundId } : {};
  switch (input.status) {
    case 'SUCCESS': {
      const at = input.successTime ? new Date(input.successTime) : new Date();
      const won = await PaymentOrderModel.updateOne(
        element(['pending', 'processing', 'abnormal']),
        {
          $set: {
            'refunds.$[r].status': 'succeeded',
            'refunds.$[r].succeededAt': Number.isNaN(at.getTime()) ? new Date() : at,
            ...refundId,
          },
          $inc: { refundedFen: refund.amountFen, rev: 1 },
        },
        inRefund(input.outRefundNo),
      );
      if (won.modifiedCount === 1) {
        await settleStatus(paymentId);
        await handleRefunded(paymentId, input.outRefundNo).catch((err) =>
          logger.error({ err, paymentId }, 'onRefunded failed; the reconciler retries'),
        );
      }
      return { ok: true, paymentId };
    }
    case 'PROCESSING':
      await PaymentOrderModel.updateOne(
        element(['pending']),
        {
          $set: { 'refunds.$[r].status': 'processing', ...refundId },
          $inc: { rev: 1 },
        },
        inRefund(input.outRefundNo),
      );
      await settleStatus(paymentId);
      return { ok: true, paymentId };
    case 'CLOSED': {
      const closed = await PaymentOrderModel.updateOne(
        element(['pending', 'processing', 'abnormal']),
        {
          $set: { 'refunds.$[r].status': 'closed', ...refundId },
          $inc: { refundableFen: refund.amountFen, rev: 1 },
        },
        inRefund(input.outRefundNo),
      );
      if (closed.modifiedCount === 1) await settleStatus(paymentId);
      return { ok: true, paymentId };
    }
    case 'ABNORMAL':
      logger.error(
        { paymentId, outRefundNo: input.outRefundNo },
        'refund ABNORMAL: handle it in the merchant platform',
      );
      await PaymentOrderModel.updateOne(
        element(['pending', 'processing']),
        {
          $set: { 'refunds.$[r].status': 'abnormal', ...refundId },
          $inc: { rev: 1 },
        },
        inRefund(input.outRefundNo),
      );
      await settleStatus(paymentId);
      return { ok: true, paymentId };
    default:
      return { ok: false, reason: 'unknown_status' };
  }
}

/** Records `payment.refunded` and tells the purpose (onRefunded); at least once per succeeded refund. */
async function handleRefunded(paymentId: string, outRefundNo: string): Promise<void> {
  const doc = await load(paymentId);
  const refund = doc.refunds.find((candidate) => candidate.outRefundNo === outRefundNo);
  if (refund?.status !== 'succeeded' || refund.handledAt) return;
  await recordEvent({
    organisationId: String(doc.organisationId),
    customerId: String(doc.customerId),
    type: 'payment.refunded',
    occurredAt: refund.succeededAt ?? new Date(),
    properties: {
      paymentId,
      amountFen: refund.amountFen,
      outRefundNo,
      automatic: Boolean(refund.automatic),
      purpose: doc.purpose,
      referenceId: doc.referenceId,
    },
    source: 'wechat_pay',
    sourceEventId: `payment:${paymentId}:refund:${outRefundNo}`,
  });
  await purposes.get(doc.purpose)?.onRefunded?.(toPayment(doc), toRefund(refund));
  await PaymentOrderModel.updateOne(
    { _id: doc._id, refunds: { $elemMatch: { outRefundNo, handledAt: null } } },
    { $set: { 'refunds.$[r].handledAt': new Date() } },
    inRefund(outRefundNo),
  );
}

/** Sets the status its refunds call for, conditional on nothing having changed since it was read. */
async function settleStatus(paymentId: string): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const doc = await load(paymentId);
    if (!isPaid(doc.status)) return;
    const active = doc.refunds.some((refund) => ['pending', 'processing', 'abnormal'].includes(refund.status));
    const desired: PaymentStatus =
      doc.refundedFen >= doc.amountFen
        ? 'refunded'
        : active
          ? 'refunding'
          : doc.refundedFen > 0
            ? 'partially_refunded'
            : 'paid';
    if (desired === doc.status) return;
    const settled = await PaymentOrderModel.updateOne(
      { _id: doc._id, rev: doc.rev },
      { $set: { status: desired }, $inc: { rev: 1 } },
    );
    if (settled.modifiedCount === 1) return;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reconciliation

export interface ReconcileOptions {
  now?: Date;
  /** Ask WeChat Pay about an order unpaid this long after its prepay (its notification may be lost). */
  queryAfterMs?: number;
  /** Retry a refund, onPaid or onRefunded left unfinished this long. */
  retryAfterMs?: number;
  /** At most this many orders per step and run. */
  limit?: number;
}

/**
 * What notifications alone cannot guarantee, run periodically on one instance: orders paid whose notification
 * never came (order query → applied as if notified), payments whose onPaid did not finish, expired unpaid orders
 * (closed), refunds whose outcome is unknown (queried, or asked again with the same out_refund_no), refunds whose
 * onRefunded did not finish. Every step is idempotent.
 */
export async function reconcilePayments(options: ReconcileOptions = {}) {
  const { pay, logger } = rt();
  const now = options.now ?? new Date();
  const queryBefore = new Date(now.getTime() - (options.queryAfterMs ?? 2 * 60_000));
  const retryBefore = new Date(now.getTime() - (options.retryAfterMs ?? 60_000));
  const limit = options.limit ?? 100;
  const result = { queried: 0, paid: 0, handled: 0, closed: 0, refundsChecked: 0, refundsHandled: 0, errors: 0 };
  const attempt = async (what: string, id: unknown, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (err) {
      result.errors += 1;
      logger.warn({ err, paymentId: String(id), step: what }, 'payment reconciliation step failed');
    }
  };

  // 1. Unpaid orders with a prepay order: did the customer pay without us hearing of it?
  const waiting = await PaymentOrderModel.find({
    status: 'created',
    prepayCreatedAt: { $lte: queryBefore },
    expiresAt: { $gt: now },
  })
    .sort({ updatedAt: 1 })
    .limit(limit)
    .lean<PaymentOrderDocument[]>();
  for (const doc of waiting) {
    await attempt('query', doc._id, async () => {
      result.queried += 1;
      await PaymentOrderModel.updateOne({ _id: doc._id }, { $set: { updatedAt: new Date() } }); // rotates the queue
      const tx = await pay.queryOrder(doc.outTradeNo);
      if (tx && (tx.trade_state === 'SUCCESS' || tx.trade_state === 'REFUND')) {
        const applied = await applyPaidTransaction(tx, 'query');
        if (!applied.ok)
          logger.error({ paymentId: String(doc._id), reason: applied.reason }, 'queried payment rejected');
        else if (applied.applied) result.paid += 1;
      }
    });
  }

  // 2. Paid orders whose onPaid (or automatic refund) never finished.
  const unhandled = await PaymentOrderModel.find({
    status: { $in: [...PAID_STATUSES] },
    handledAt: null,
    $or: [{ handleLeaseUntil: null }, { handleLeaseUntil: { $lte: now } }],
  })
    .limit(limit)
    .select({ _id: 1 })
    .lean();
  for (const doc of unhandled) {
    await attempt('onPaid', doc._id, async () => {
      if (await handlePaid(String(doc._id), now)) result.handled += 1;
    });
  }

  // 3. Expired unpaid orders: closed at WeChat Pay and here (a payment that slipped in is applied instead).
  const expired = await PaymentOrderModel.find({ status: 'created', expiresAt: { $lte: now } })
    .limit(limit)
    .select({ _id: 1 })
    .lean();
  for (const doc of expired) {
    await attempt('close', doc._id, async () => {
      const closed = await closePaymentOrder(String(doc._id));
      if (closed.status === 'closed') result.closed += 1;
    });
  }

  // 4. Refunds still pending (WeChat Pay's answer unknown) or processing for a while: ask WeChat Pay.
  const refunding = await PaymentOrderModel.find({
    refunds: { $elemMatch: { status: { $in: ['pending', 'processing'] }, requestedAt: { $lte: retryBefore } } },
  })
    .limit(limit)
    .lean<PaymentOrderDocument[]>();
  for (const doc of refunding) {
    for (const refund of doc.refunds) {
      if (!['pending', 'processing'].includes(refund.status) || refund.requestedAt > retryBefore) continue;
      await attempt('refund', doc._id, async () => {
        result.refundsChecked += 1;
        const known = await pay.queryRefund(refund.outRefundNo);
        if (known) {
          await applyRefundState({
            outTradeNo: doc.outTradeNo,
            outRefundNo: refund.outRefundNo,
            status: known.status,
            refundId: known.refund_id,
            successTime: known.success_time,
          });
        } else if (refund.status === 'pending') {
          await requestRefund(String(doc._id), refund.outRefundNo); // never accepted: ask again, same number
        }
      });
    }
  }

  // 5. Succeeded refunds whose onRefunded never finished.
  const refunded = await PaymentOrderModel.find({
    refunds: { $elemMatch: { status: 'succeeded', handledAt: null, succeededAt: { $lte: retryBefore } } },
  })
    .limit(limit)
    .lean<PaymentOrderDocument[]>();
  for (const doc of refunded) {
    for (const refund of doc.refunds) {
      if (refund.status !== 'succeeded' || refund.handledAt) continue;
      await attempt('onRefunded', doc._id, async () => {
        await handleRefunded(String(doc._id), refund.outRefundNo);
        result.refundsHandled += 1;
      });
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Merges and privacy

registerMergeStep({
  name: 'payments',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    await PaymentOrderModel.updateMany(
      { organisationId: oid(organisationId), customerId: oid(fromCustomerId) },
      { $set: { customerId: oid(intoCustomerId) } },
    );
  },
});

registerPrivacyContributor({
  name: 'payments',
  async exportData({ organisationId, customerId }) {
    const docs = await PaymentOrderModel.find({ organisationId: oid(organisationId), customerId: oid(customerId) })
      .sort({ createdAt: 1 })
      .lean<PaymentOrderDocument[]>();
    return docs.map((doc) => ({ ...toPaymentView(toPayment(doc)), createdAt: doc.createdAt.toISOString() }));
  },
  // Payment records are bookkeeping the organisation must keep: only the link to the WeChat account goes.
  async erase({ organisationId, customerId }) {
    await PaymentOrderModel.updateMany(
      { organisationId: oid(organisationId), customerId: oid(customerId) },
      { $set: { payerOpenid: null } },
    );
  },
});
