/**
 * Paying a paid meeting's fee: signing up holds a place (`awaiting_payment`) with a payment order until
 * `holdExpiresAt`; paying it (payments/flow.ts, the same flow as an appointment's deposit) confirms the place once
 * WeChat Pay's notification has been applied, so the meeting is polled together with the payment order.
 */
import type { PaymentView } from '@careloop/shared';
import {
  createPaymentFlow,
  PAID_STATUSES,
  type PaymentCheck,
  type PaymentFlow,
  type PaymentFlowOptions,
} from '../payments/flow';
import type { Platform } from '../platform/types';
import type { MeetingApi } from './api';
import type { CustomerMeeting, CustomerMeetingSummary, MyRegistration } from './types';

export type MeetingFeePayment = PaymentFlow<CustomerMeeting>;

/** My place held until its fee is paid, with its order; null when nothing is due. */
export function feeDue(
  meeting: Pick<CustomerMeeting, 'myRegistration'>,
): (MyRegistration & { paymentId: string; status: 'awaiting_payment' }) | null {
  const registration = meeting.myRegistration;
  if (registration?.status !== 'awaiting_payment' || !registration.paymentId) return null;
  return registration as MyRegistration & { paymentId: string; status: 'awaiting_payment' };
}

/** What the server says about the fee of order `paymentId`, read from the order and the meeting together. */
export function readMeetingFee(
  payment: Pick<PaymentView, 'status'>,
  meeting: CustomerMeeting,
  paymentId: string,
  now: number,
): PaymentCheck<CustomerMeeting> {
  const registration = meeting.myRegistration;
  const mine = registration?.paymentId === paymentId ? registration : null;
  if (mine?.status === 'confirmed') return { kind: 'confirmed', subject: meeting };
  const held = mine?.status === 'awaiting_payment';
  if (PAID_STATUSES.includes(payment.status)) {
    // Paid while still held: the notification is being applied. Paid for a place no longer held: refunded.
    return { kind: held ? 'processing' : 'refunded', subject: meeting };
  }
  if (payment.status === 'closed' || !held) return { kind: 'expired', subject: meeting };
  const hold = mine.holdExpiresAt ? Date.parse(mine.holdExpiresAt) : Number.NaN;
  if (!Number.isNaN(hold) && hold <= now) return { kind: 'expired', subject: meeting };
  return { kind: 'unpaid', subject: meeting };
}

export const MEETING_FEE_MESSAGES = {
  refunded: '付款到账时名额已释放，会议费将自动原路退还',
  expired: '付款时限已过，保留的名额已释放',
  notPayable: '这笔会议费已无法支付，请刷新后查看',
};

export interface MeetingFeeOptions extends Pick<
  PaymentFlowOptions<CustomerMeeting>,
  'pollIntervalMs' | 'pollTimeoutMs' | 'sleep' | 'now'
> {
  api: Pick<MeetingApi, 'meeting'> & PaymentFlowOptions<CustomerMeeting>['api'];
  requestPayment: Platform['requestPayment'];
  /** The meeting as shown, with my place awaiting payment. */
  meeting: CustomerMeeting;
}

export function createMeetingFeePayment(options: MeetingFeeOptions): MeetingFeePayment {
  const { api, meeting, now = Date.now } = options;
  const due = feeDue(meeting);
  return createPaymentFlow<CustomerMeeting>({
    api,
    requestPayment: options.requestPayment,
    paymentId: due?.paymentId ?? null,
    subject: meeting,
    paid: meeting.myRegistration?.status === 'confirmed',
    async read(paymentId) {
      const [payment, latest] = await Promise.all([api.payment(paymentId), api.meeting(meeting.id)]);
      return readMeetingFee(payment, latest, paymentId, now());
    },
    sheetOrder: (shown) => ({ amountFen: feeDue(shown)?.feeFen ?? shown.feeFen, description: `${shown.title} 会议费` }),
    messages: MEETING_FEE_MESSAGES,
    pollIntervalMs: options.pollIntervalMs,
    pollTimeoutMs: options.pollTimeoutMs,
    sleep: options.sleep,
    now,
  });
}

/** After a lapsed hold: sign up again (the server frees the lapsed place first), while sign-up is open. */
export function canSignUpAgain(
  meeting: Pick<CustomerMeeting, 'status' | 'signUpOpen' | 'signUpDeadline' | 'startsAt'>,
  now: number,
): boolean {
  return (
    meeting.status === 'published' &&
    meeting.signUpOpen &&
    Date.parse(meeting.signUpDeadline) > now &&
    Date.parse(meeting.startsAt) > now
  );
}

/** My meetings with the ones waiting for my payment first (otherwise in the server's order). */
export function awaitingPaymentFirst<M extends Pick<CustomerMeetingSummary, 'myRegistration'>>(meetings: M[]): M[] {
  const due = (meeting: M) => (meeting.myRegistration?.status === 'awaiting_payment' ? 0 : 1);
  return meetings
    .map((meeting, index) => ({ meeting, index }))
    .sort((a, b) => due(a.meeting) - due(b.meeting) || a.index - b.index)
    .map(({ meeting }) => meeting);
}
