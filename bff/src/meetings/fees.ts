/**
 * Meeting fees through the payments domain (purpose `meeting_fee`, reference = the registration's id). A paid
 * meeting's place is held (`awaiting_payment`, in the queue like a confirmed place) with a payment order that
 * expires with the hold; paying confirms it. Every step is a conditional update of the registration, so a payment
 * and an expiry, a cancellation or a meeting's cancellation racing each other have one winner:
 *   - onPaid confirms a held registration whose current order it is; anything else (the hold expired, the person or
 *     the meeting cancelled, an earlier attempt's order) answers `rejected`, and payments refunds it in full;
 *   - a refund is decided once per attempt (`refundFen`, set while null) and asked of WeChat Pay with one
 *     idempotency key per attempt, so a cancellation and the meeting's cancellation never refund twice;
 *   - `feeUpkeep` (a leased job) finishes what a crash left half-done: orders not yet made for holds, refunds not
 *     decided or not asked, cancelled meetings not yet refunded.
 * Hold expiry (which frees the place for the next in line) is in registrations.ts (`expireFeeHolds`).
 */
import { MEETING_FEE_HOLD_MINUTES, MEETING_FEE_PROMOTED_HOLD_HOURS, type MeetingPaymentStatus } from '@careloop/shared';
import type { Types } from 'mongoose';
import { AppError } from '../http/errors';
import {
  closePaymentOrder,
  createPaymentOrder,
  refundPayment,
  registerPaymentPurpose,
  type Payment,
} from '../payments/service';
import { meetingNow } from './clock';
import { MeetingModel, MeetingRegistrationModel } from './model';
import { moveRegistration, recordRegistrationEvent } from './moves';
import { signUpDeadline, type MeetingDoc, type RegistrationDoc } from './store';

export const MEETING_FEE_PURPOSE = 'meeting_fee';

const MINUTE = 60_000;
const refundKey = (reg: Pick<RegistrationDoc, '_id' | 'attempt'>) => `meeting-fee:${String(reg._id)}:${reg.attempt}`;

export const feeOf = (meeting: { feeFen?: number | null }) => meeting.feeFen ?? 0;

/**
 * Until when a place is held unpaid: 15 minutes after signing up; after a promotion from the waitlist 24 hours, but
 * not past the start (and never less than 15 minutes).
 */
export function holdExpiry(meeting: Pick<MeetingDoc, 'startsAt'>, kind: 'signup' | 'promotion', now: Date): Date {
  const minimum = now.getTime() + MEETING_FEE_HOLD_MINUTES * MINUTE;
  if (kind === 'signup') return new Date(minimum);
  const promoted = Math.min(now.getTime() + MEETING_FEE_PROMOTED_HOLD_HOURS * 60 * MINUTE, meeting.startsAt.getTime());
  return new Date(Math.max(minimum, promoted));
}

/** The payment state staff see for a registration. */
export function feePaymentStatus(
  reg: Pick<RegistrationDoc, 'feeFen' | 'status' | 'paidAt' | 'refundFen' | 'refundedAt'>,
): MeetingPaymentStatus {
  if (!reg.feeFen) return 'none';
  if (reg.paidAt) {
    if (reg.refundedAt) return 'refunded';
    return reg.refundFen ? 'refunding' : 'paid';
  }
  return reg.status === 'awaiting_payment' || reg.status === 'pending' ? 'awaiting' : 'unpaid';
}

/** Whether cancelling now gives the fee back: a paid place, before the sign-up deadline. */
export function refundableOnCancel(
  meeting: Pick<MeetingDoc, 'signUpDeadline' | 'startsAt'>,
  reg: Pick<RegistrationDoc, 'status' | 'paidAt' | 'refundFen'>,
  now: Date,
) {
  return reg.status === 'confirmed' && Boolean(reg.paidAt) && !reg.refundFen && now < signUpDeadline(meeting);
}

/** Closes a fee's unpaid order; a failure is left to the payments reconciler, which closes expired orders. */
export async function closeFeeOrder(paymentId: Types.ObjectId | string | null | undefined) {
  if (!paymentId) return;
  await closePaymentOrder(String(paymentId)).catch(() => undefined);
}

/**
 * Makes the payment order of a held registration that has none (after the hold, or after a crash between the two).
 * An order made by a concurrent call that lost is closed again.
 */
export async function ensureFeeOrder(meeting: Pick<MeetingDoc, 'title'>, registrationId: Types.ObjectId) {
  const reg = await MeetingRegistrationModel.findById(registrationId).lean();
  if (!reg || reg.status !== 'awaiting_payment' || reg.paymentId || !reg.holdExpiresAt || !reg.feeFen) return;
  // WeChat Pay's time_expire is real time: a hold about to lapse gets no order (it expires instead).
  if (reg.holdExpiresAt.getTime() <= Date.now() + 5_000) return;
  const payment = await createPaymentOrder({
    organisationId: String(reg.organisationId),
    customerId: String(reg.customerId),
    purpose: MEETING_FEE_PURPOSE,
    referenceId: String(reg._id),
    amountFen: reg.feeFen,
    description: `${meeting.title} 会议费`,
    expiresAt: reg.holdExpiresAt,
  });
  const linked = await MeetingRegistrationModel.updateOne(
    { _id: reg._id, ticket: reg.ticket, status: 'awaiting_payment', paymentId: null },
    { $set: { paymentId: payment.id } },
  );
  if (linked.modifiedCount !== 1) await closeFeeOrder(payment.id);
}

/** Asks WeChat Pay for the refund decided on the registration (once per attempt, whoever asks). */
export async function requestFeeRefund(reg: RegistrationDoc, now = meetingNow()) {
  if (!reg.paymentId || !reg.refundFen || reg.refundRequestedAt) return;
  try {
    await refundPayment({
      organisationId: String(reg.organisationId),
      paymentId: String(reg.paymentId),
      amountFen: reg.refundFen,
      reason: '会议报名取消，退还会议费',
      idempotencyKey: refundKey(reg),
    });
  } catch (error) {
    // Nothing left to refund (e.g. refunded automatically already): the decision stands, nothing to ask.
    const settled =
      error instanceof AppError && ['REFUND_EXCEEDS_AMOUNT', 'REFUND_NOT_ALLOWED'].includes(String(error.code));
    if (!settled) throw error;
  }
  await MeetingRegistrationModel.updateOne(
    { _id: reg._id, attempt: reg.attempt, refundRequestedAt: null },
    { $set: { refundRequestedAt: now } },
  );
}

/**
 * After a registration was cancelled (by the person): a held place's order is closed; a paid place is refunded in
 * full when cancelled before the sign-up deadline, else not at all. `before` is the registration as it was.
 */
export async function settleCancelledFee(
  meeting: Pick<MeetingDoc, 'signUpDeadline' | 'startsAt'>,
  before: RegistrationDoc,
  cancelledAt: Date,
) {
  if (before.status === 'awaiting_payment' && !before.paidAt) {
    await closeFeeOrder(before.paymentId);
    return 0;
  }
  if (!before.paidAt) return 0;
  const refundFen = cancelledAt < signUpDeadline(meeting) ? before.feeFen : 0;
  await MeetingRegistrationModel.updateOne(
    { _id: before._id, attempt: before.attempt, refundFen: null },
    { $set: { refundFen } },
  );
  const current = await MeetingRegistrationModel.findById(before._id).lean();
  if (current && current.attempt === before.attempt) await requestFeeRefund(current).catch(() => undefined);
  return current?.refundFen ?? refundFen;
}

/**
 * A cancelled meeting: held places are cancelled and their orders closed; everyone who paid is refunded in full
 * (also those who cancelled after the deadline). Idempotent; the meeting is marked settled when done.
 */
export async function settleCancelledMeetingFees(meeting: Pick<MeetingDoc, '_id' | 'status'>, now = meetingNow()) {
  if (meeting.status !== 'cancelled') return;
  const held = await MeetingRegistrationModel.find({ meetingId: meeting._id, status: 'awaiting_payment' }).lean();
  for (const reg of held) {
    const cancelled = await MeetingRegistrationModel.updateOne(
      { _id: reg._id, ticket: reg.ticket, status: 'awaiting_payment' },
      { $set: { status: 'cancelled', cancelReason: 'meeting_cancelled', cancelledAt: now } },
    );
    if (cancelled.modifiedCount === 1) {
      await MeetingModel.updateOne({ _id: meeting._id }, { $pull: { queue: reg.ticket } });
      await closeFeeOrder(reg.paymentId);
    }
  }
  const paid = await MeetingRegistrationModel.find({
    meetingId: meeting._id,
    paidAt: { $ne: null },
    refundFen: { $in: [null, 0] },
  }).lean();
  for (const reg of paid) {
    await MeetingRegistrationModel.updateOne(
      { _id: reg._id, attempt: reg.attempt, refundFen: { $in: [null, 0] } },
      { $set: { refundFen: reg.feeFen, refundRequestedAt: null } },
    );
  }
  const toAsk = await MeetingRegistrationModel.find({
    meetingId: meeting._id,
    refundFen: { $gt: 0 },
    refundRequestedAt: null,
  }).lean();
  let failed = 0;
  for (const reg of toAsk) await requestFeeRefund(reg, now).catch(() => (failed += 1));
  if (failed) return; // the fees job asks again
  await MeetingModel.updateOne({ _id: meeting._id, feesSettledAt: null }, { $set: { feesSettledAt: now } });
}

/**
 * A registration dropped by a merge (the other profile's is kept): its hold's order is closed; a paid live place is
 * refunded in full; a cancelled paid one keeps its decision (decided now if a crash left it undecided; 0: the fee was
 * kept). Idempotent (one refund per attempt): a merge that crashed runs it again.
 */
export async function releaseDroppedFee(
  meeting: Pick<MeetingDoc, 'signUpDeadline' | 'startsAt'>,
  reg: RegistrationDoc,
) {
  if (!reg.paymentId) return;
  if (!reg.paidAt) return closeFeeOrder(reg.paymentId);
  if (reg.refundRequestedAt) return;
  const keptAfterDeadline = reg.status === 'cancelled' && (reg.cancelledAt ?? meetingNow()) >= signUpDeadline(meeting);
  const refundFen = reg.refundFen ?? (keptAfterDeadline ? 0 : reg.feeFen);
  if (refundFen > 0) await requestFeeRefund({ ...reg, refundFen });
}

// ---------------------------------------------------------------------------------------------------------------
// The payment purpose

async function onFeePaid(payment: Payment): Promise<'accepted' | 'rejected'> {
  const now = meetingNow();
  const reg = await MeetingRegistrationModel.findOne({
    _id: payment.referenceId,
    organisationId: payment.organisationId,
  }).lean();
  if (!reg || String(reg.paymentId) !== payment.id) return 'rejected';
  const meeting = await MeetingModel.findById(reg.meetingId, { queue: 0 }).lean();
  const signedUp = { type: 'meeting.signed_up' as const, properties: { feeFen: reg.feeFen, paymentId: payment.id } };
  if (reg.status === 'confirmed' && reg.paidAt) {
    // Confirmed already (a repeated notification, or one after a crash before the event): the event, once.
    if (meeting) await recordRegistrationEvent(meeting, reg, signedUp.type, { properties: signedUp.properties });
    return 'accepted';
  }
  if (meeting && meeting.status !== 'cancelled') {
    const paidAt = payment.paidAt ?? now;
    const confirm = { status: 'confirmed', confirmedAt: now, paidAt, holdExpiresAt: null };
    const from = { paymentId: reg.paymentId, status: 'awaiting_payment' };
    if (await moveRegistration(meeting, reg, from, confirm, signedUp)) return 'accepted';
    const current = await MeetingRegistrationModel.findById(reg._id).lean();
    if (current?.status === 'confirmed' && String(current.paymentId) === payment.id) return 'accepted';
  }
  // Too late (the hold lapsed, the person or the meeting cancelled): refunded in full by payments.
  await MeetingRegistrationModel.updateOne(
    { _id: reg._id, paymentId: reg.paymentId, paidAt: null, status: { $ne: 'confirmed' } },
    { $set: { paidAt: payment.paidAt ?? now, refundFen: payment.amountFen, refundRequestedAt: now } },
  );
  return 'rejected';
}

async function onFeeRefunded(payment: Payment, refund: { amountFen: number; succeededAt: Date | null }) {
  const reg = await MeetingRegistrationModel.findOne({
    _id: payment.referenceId,
    organisationId: payment.organisationId,
    paymentId: payment.id,
  }).lean();
  if (!reg || reg.refundedAt) return;
  await MeetingRegistrationModel.updateOne(
    { _id: reg._id, paymentId: payment.id, refundedAt: null },
    {
      $set: {
        refundedAt: refund.succeededAt ?? new Date(),
        refundFen: reg.refundFen || refund.amountFen,
        paidAt: reg.paidAt ?? payment.paidAt,
        refundRequestedAt: reg.refundRequestedAt ?? new Date(),
      },
    },
  );
}

registerPaymentPurpose(MEETING_FEE_PURPOSE, { onPaid: onFeePaid, onRefunded: onFeeRefunded });

// ---------------------------------------------------------------------------------------------------------------
// Upkeep

/**
 * Job: what a crash left half-done. Holds without an order get one; paid places cancelled without a refund decision
 * get it (from when they were cancelled); decided refunds not yet asked are asked; cancelled paid meetings are
 * refunded. `now` is real time (compared with mongoose's `updatedAt`).
 */
export async function feeUpkeep(now = new Date()) {
  const settledBefore = new Date(now.getTime() - MINUTE);
  const result = { orders: 0, decided: 0, refunds: 0, meetings: 0 };
  const orderless = await MeetingRegistrationModel.find({
    status: 'awaiting_payment',
    paymentId: null,
    updatedAt: { $lt: settledBefore },
  })
    .limit(200)
    .lean();
  for (const reg of orderless) {
    const meeting = await MeetingModel.findById(reg.meetingId, { title: 1 }).lean();
    if (meeting) await ensureFeeOrder(meeting, reg._id).catch(() => undefined);
    result.orders += 1;
  }
  const undecided = await MeetingRegistrationModel.find({
    status: 'cancelled',
    cancelReason: 'by_customer',
    paidAt: { $ne: null },
    refundFen: null,
    updatedAt: { $lt: settledBefore },
  })
    .limit(200)
    .lean();
  for (const reg of undecided) {
    const meeting = await MeetingModel.findById(reg.meetingId, { signUpDeadline: 1, startsAt: 1 }).lean();
    if (!meeting) continue;
    await settleCancelledFee(meeting, { ...reg, status: 'confirmed' }, reg.cancelledAt ?? now);
    result.decided += 1;
  }
  const unasked = await MeetingRegistrationModel.find({
    refundFen: { $gt: 0 },
    refundRequestedAt: null,
    updatedAt: { $lt: settledBefore },
  })
    .limit(200)
    .lean();
  for (const reg of unasked) {
    await requestFeeRefund(reg).catch(() => undefined);
    result.refunds += 1;
  }
  const cancelled = await MeetingModel.find(
    { status: 'cancelled', feeFen: { $gt: 0 }, feesSettledAt: null },
    { _id: 1, status: 1 },
  )
    .limit(50)
    .lean();
  for (const meeting of cancelled) {
    await settleCancelledMeetingFees(meeting);
    result.meetings += 1;
  }
  return result;
}
