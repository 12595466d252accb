/**
 * Paid meetings through the API: staff publish a meeting with a fee, patients sign up (their place is held until
 * paid) and pay through the sandbox WeChat Pay, whose v3 notification confirms the place.
 */
import type { CreateMeetingRequest } from '@careloop/shared';
import { expect } from 'vitest';
import { PaymentOrderModel } from '../../bff/src/payments/model';
import { publishMeeting, type TestBff } from './bff';

const HOUR = 3_600_000;

/** The fee of a paid meeting unless told otherwise: ¥199. */
export const MEETING_FEE_FEN = 19_900;

type SignedIn = { accessToken: string };

export interface PaidMeetingOptions extends Partial<CreateMeetingRequest> {
  /** Sign-up closes this many hours before the start (by default it stays open until the start). */
  deadlineHours?: number;
}

/**
 * A public meeting starting in 48 hours with a fee (¥199, 5 places, 10 on the waitlist unless `options` say
 * otherwise), created by `staff.rep`, approved by `staff.manager` and published; any field of the request may be
 * given. Returns its id and start (ms).
 */
export async function publishPaidMeeting(
  bff: TestBff,
  staff: { rep: SignedIn; manager: SignedIn },
  options: PaidMeetingOptions = {},
) {
  const { deadlineHours, ...fields } = options;
  const startsAt = Date.now() + 48 * HOUR;
  const published = await publishMeeting(bff, staff.rep, staff.manager, {
    title: '付费学术沙龙',
    audience: 'public',
    startsAt: new Date(startsAt).toISOString(),
    endsAt: new Date(startsAt + 2 * HOUR).toISOString(),
    venue: { name: '会议室', address: '' },
    capacity: 5,
    waitlistLimit: 10,
    feeFen: MEETING_FEE_FEN,
    ...(deadlineHours && { signUpDeadline: new Date(startsAt - deadlineHours * HOUR).toISOString() }),
    ...fields,
  });
  expect(published).toMatchObject({ status: 'published', feeFen: fields.feeFen ?? MEETING_FEE_FEN });
  return { id: published.id as string, startsAt };
}

/** The patient signs up from the mini-program; the answer carries `myRegistration`. */
export function signUpForMeeting(bff: TestBff, patient: SignedIn, meetingId: string) {
  return bff.call('POST', `/api/mp/meetings/${meetingId}/sign-up`, { token: patient.accessToken });
}

/** The patient's registration as the mini-program's meeting page reads it (null when they never signed up). */
export async function myRegistration(bff: TestBff, patient: SignedIn, meetingId: string) {
  return (await bff.call('GET', `/api/mp/meetings/${meetingId}`, { token: patient.accessToken })).body.myRegistration;
}

/** The WeChat Pay order number of a payment, as the sandbox knows it. */
export async function outTradeNo(paymentId: string) {
  return (await PaymentOrderModel.findById(paymentId).lean())!.outTradeNo;
}

/**
 * Pays a held place's fee as the mini-program does: requestPayment parameters, then WeChat Pay (the sandbox) takes
 * the money and notifies the BFF, unless `notify: false` (the notification is late). Returns the sandbox's answer.
 */
export async function payMeetingFee(
  bff: TestBff,
  patient: SignedIn,
  paymentId: string,
  options: { notify?: boolean } = {},
) {
  const jsapi = await bff.call('POST', `/api/mp/payments/${paymentId}/jsapi`, { token: patient.accessToken });
  expect(jsapi.status).toBe(200);
  const paid = await bff.call('POST', `/sandbox/control/pay/orders/${await outTradeNo(paymentId)}/pay`, {
    body: options.notify === false ? { notify: false } : {},
  });
  expect(paid.status).toBe(200);
  if (options.notify !== false) expect(paid.body.notification.answer.status).toBe(200);
  return paid.body;
}
