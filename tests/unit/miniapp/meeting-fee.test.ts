import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import type { PaymentView } from '../../../miniapp/src/booking/types';
import { createMeetingDetail, registrationNotice } from '../../../miniapp/src/meetings/detail';
import {
  awaitingPaymentFirst,
  canSignUpAgain,
  createMeetingFeePayment,
  feeDue,
  MEETING_FEE_MESSAGES,
  readMeetingFee,
} from '../../../miniapp/src/meetings/fee';
import { isMeeting } from '../../../miniapp/src/meetings/api';
import type { CustomerMeeting, MyRegistration } from '../../../miniapp/src/meetings/types';
import type { Platform } from '../../../miniapp/src/platform/types';
import { payment as bookingPayment } from './booking-fixtures';
import { HOUR, meeting, registration, STARTS, summary } from './meeting-fixtures';
import {
  JSAPI_PARAMS as jsapi,
  paymentSheet as sheet,
  pollingOnSleepClock,
  steppedPaymentServer,
} from './payment-fakes';

const PAYMENT_ID = '65a1b2c3d4e5f60718293b77';
const FEE = 19_900;
const NOW = STARTS - 48 * HOUR;
const HOLD = new Date(NOW + 15 * 60_000).toISOString();

const payment = (overrides: Partial<PaymentView> = {}) =>
  bookingPayment({
    id: PAYMENT_ID,
    purpose: 'meeting_fee',
    amountFen: FEE,
    description: '付费沙龙 会议费',
    ...overrides,
  });

function paidMeeting(reg: Partial<MyRegistration> | null): CustomerMeeting {
  return meeting({
    title: '付费沙龙',
    audience: 'public',
    feeFen: FEE,
    myRegistration: reg && registration({ feeFen: FEE, paymentId: PAYMENT_ID, ...reg }),
  });
}
const held = { status: 'awaiting_payment' as const, checkInCode: null, holdExpiresAt: HOLD };
const confirmed = { status: 'confirmed' as const, paidAt: new Date(NOW).toISOString(), refundableOnCancel: true };
const lapsed = { status: 'cancelled' as const, checkInCode: null };

/** GET /payments/:id and GET /meetings/:id, step by step (each check takes the next answer; the last repeats). */
function server(states: Array<{ payment: Partial<PaymentView>; registration: Partial<MyRegistration> | null }>) {
  const fake = steppedPaymentServer(states, (state) => payment(state.payment), PAYMENT_ID);
  return {
    calls: fake.calls,
    failJsapi: fake.failJsapi,
    api: {
      jsapiParams: fake.jsapiParams,
      payment: fake.payment,
      meeting: fake.check((state) => paidMeeting(state.registration)),
    },
  };
}

function feePayment(api: ReturnType<typeof server>['api'], requestPayment: Platform['requestPayment']) {
  return createMeetingFeePayment({ api, requestPayment, meeting: paidMeeting(held), ...pollingOnSleepClock(NOW) });
}

describe('paying a meeting fee', () => {
  it('opens the sheet with the order’s amount, then waits until the server confirms the place', async () => {
    const fake = server([
      { payment: {}, registration: held },
      { payment: { status: 'paid' }, registration: held },
      { payment: { status: 'paid' }, registration: confirmed },
    ]);
    const wx = sheet('ok');
    const fee = feePayment(fake.api, wx.requestPayment);
    expect(fee.getState().status).toBe('ready');
    await fee.pay();
    expect(wx.opened).toEqual([[jsapi, { amountFen: FEE, description: '付费沙龙 会议费' }]]);
    expect(fee.getState()).toMatchObject({ status: 'paid', message: null });
    expect(fee.getState().subject.myRegistration?.status).toBe('confirmed');
    expect(fake.calls.checks).toBe(3);
  });

  it('stays awaiting with the pay button after the customer closes the sheet', async () => {
    const fake = server([{ payment: {}, registration: held }]);
    const fee = feePayment(fake.api, sheet('cancel').requestPayment);
    await fee.pay();
    expect(fee.getState()).toMatchObject({ status: 'cancelled', message: '你已取消支付' });
    expect(fee.getState().subject.myRegistration?.status).toBe('awaiting_payment');
  });

  it('says the hold lapsed when the server refuses an expired order', async () => {
    const fake = server([{ payment: { status: 'closed' }, registration: lapsed }]);
    fake.failJsapi(new ApiError(409, 'PAYMENT_EXPIRED', 'This payment has expired'));
    const fee = feePayment(fake.api, sheet().requestPayment);
    await fee.pay();
    expect(fee.getState()).toMatchObject({ status: 'expired', message: MEETING_FEE_MESSAGES.expired });
  });

  it('says the hold lapsed when the order was already closed by the server', async () => {
    const fake = server([{ payment: { status: 'closed' }, registration: lapsed }]);
    fake.failJsapi(new ApiError(409, 'PAYMENT_NOT_PAYABLE', 'This payment is closed', { status: 'closed' }));
    const fee = feePayment(fake.api, sheet().requestPayment);
    await fee.pay();
    expect(fee.getState()).toMatchObject({ status: 'expired', message: MEETING_FEE_MESSAGES.expired });
  });

  it('tells a payment that arrived after the hold lapsed is refunded', async () => {
    const fake = server([{ payment: { status: 'refunding' }, registration: lapsed }]);
    const fee = feePayment(fake.api, sheet('ok').requestPayment);
    await fee.pay();
    expect(fee.getState()).toMatchObject({ status: 'refunded', message: MEETING_FEE_MESSAGES.refunded });
  });

  it('ends the hold when the countdown reaches zero before it was paid', () => {
    const fee = feePayment(server([{ payment: {}, registration: held }]).api, sheet().requestPayment);
    fee.holdRanOut();
    expect(fee.getState().status).toBe('expired');
  });
});

describe('reading the fee from the order and the meeting', () => {
  it('tells confirmed, being applied, refunded, lapsed and unpaid apart', () => {
    const at = (reg: Partial<MyRegistration> | null, pay: Partial<PaymentView> = {}, now = NOW) =>
      readMeetingFee(payment(pay), paidMeeting(reg), PAYMENT_ID, now).kind;
    expect(at(held)).toBe('unpaid');
    expect(at(held, {}, Date.parse(HOLD))).toBe('expired');
    expect(at(held, { status: 'closed' })).toBe('expired');
    expect(at(held, { status: 'paid' })).toBe('processing');
    expect(at(confirmed, { status: 'paid' })).toBe('confirmed');
    expect(at(lapsed, { status: 'paid' })).toBe('refunded');
    expect(at(lapsed)).toBe('expired');
    expect(at(null)).toBe('expired');
    // A newer sign-up's order is another payment: the old one's place is gone.
    expect(at({ ...held, paymentId: '65a1b2c3d4e5f60718293b78' })).toBe('expired');
  });

  it('has a fee due only for a held place with its order', () => {
    expect(feeDue(paidMeeting(held))?.paymentId).toBe(PAYMENT_ID);
    expect(feeDue(paidMeeting({ ...held, paymentId: null }))).toBeNull();
    expect(feeDue(paidMeeting(confirmed))).toBeNull();
    expect(feeDue(paidMeeting(null))).toBeNull();
  });

  it('offers signing up again after a lapse only while sign-up is open', () => {
    expect(canSignUpAgain(paidMeeting(lapsed), NOW)).toBe(true);
    expect(canSignUpAgain({ ...paidMeeting(lapsed), signUpOpen: false }, NOW)).toBe(false);
    expect(canSignUpAgain(paidMeeting(lapsed), Date.parse(paidMeeting(lapsed).signUpDeadline))).toBe(false);
    expect(canSignUpAgain({ ...paidMeeting(lapsed), status: 'cancelled' }, NOW)).toBe(false);
  });

  it('accepts a meeting whose place waits for payment', () => {
    expect(isMeeting(paidMeeting(held))).toBe(true);
  });
});

describe('my meetings', () => {
  it('lists places waiting for payment first, the rest in the server’s order', () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => summary({ id }));
    const list = [
      { ...a!, myRegistration: registration({ status: 'confirmed' }) },
      { ...b!, myRegistration: registration({ status: 'awaiting_payment' }) },
      { ...c!, myRegistration: registration({ status: 'waitlisted' }) },
      { ...d!, myRegistration: registration({ status: 'awaiting_payment' }) },
    ];
    expect(awaitingPaymentFirst(list).map((item) => item.id)).toEqual(['b', 'd', 'a', 'c']);
  });
});

describe('the meeting page after paying', () => {
  it('shows the confirmed place, says it is paid and offers the reminder', async () => {
    const api = {
      meeting: async () => paidMeeting(held),
      signUp: async () => paidMeeting(held),
      cancel: async () => paidMeeting(null),
    };
    const page = createMeetingDetail({ api, id: paidMeeting(null).id, now: () => NOW });
    await page.load();
    expect(page.getState().signedUpHere).toBe(false);
    page.paid(paidMeeting(confirmed));
    expect(page.getState()).toMatchObject({ notice: 'paid', signedUpHere: true });
    expect(registrationNotice(paidMeeting(held), paidMeeting(confirmed))).toBe('paid');
  });
});
