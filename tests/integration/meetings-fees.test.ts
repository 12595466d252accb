/**
 * Paid meetings over real HTTP on the real database, paying through the sandbox WeChat Pay (v3 notifications with
 * their real signature and encryption): held places, payment, lapsed holds and promotion, refunds, concurrency, OneID
 * merges of people with paid places, and recovery from crashes (state left half-done, then the fees jobs).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { EventModel } from '../../bff/src/events/model';
import { PaymentOrderModel } from '../../bff/src/payments/model';
import { setMeetingClock } from '../../bff/src/meetings/clock';
import { mergeCustomers } from '../../bff/src/identity/merge';
import { closePaymentOrder } from '../../bff/src/payments/service';
import { feeUpkeep, releaseDroppedFee } from '../../bff/src/meetings/fees';
import { MeetingModel, MeetingRegistrationModel } from '../../bff/src/meetings/model';
import { expireFeeHolds } from '../../bff/src/meetings/registrations';
import { signInNewPatient, signInPatientsOldestFirst, signInStaff, startTestBff, type TestBff } from '../support/bff';
import { waitFor } from '../support/concurrency';
import {
  MEETING_FEE_FEN as FEE,
  myRegistration,
  outTradeNo,
  payMeetingFee,
  publishPaidMeeting,
  signUpForMeeting,
  type PaidMeetingOptions,
} from '../support/paidMeetings';

let bff: TestBff;
let manager: { accessToken: string; staff: { organisation: { id: string } } };
let rep: { accessToken: string };

beforeAll(async () => {
  bff = await startTestBff('meetings_fees');
  manager = await signInStaff(bff, 'lina');
  rep = await signInStaff(bff, 'zhangwei');
});
afterAll(() => bff?.close());
afterEach(() => setMeetingClock(null));

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Each test's meeting only (the job itself runs over every meeting). */
const only = (meetingId: string) => ({ meetingId: new Types.ObjectId(meetingId) });

type Patient = Awaited<ReturnType<typeof signInNewPatient>>;

const publishedMeeting = (options?: PaidMeetingOptions) => publishPaidMeeting(bff, { rep, manager }, options);
const signUp = (patient: Patient, meetingId: string) => signUpForMeeting(bff, patient, meetingId);
/** Signs up and returns the registration the sign-up made (held, waitlisted, or confirmed when free). */
const register = async (patient: Patient, meetingId: string) => (await signUp(patient, meetingId)).body.myRegistration;
const cancel = (patient: Patient, meetingId: string) =>
  bff.call('POST', `/api/mp/meetings/${meetingId}/cancel`, { token: patient.accessToken });
const mine = (patient: Patient, meetingId: string) => myRegistration(bff, patient, meetingId);
const pay = (patient: Patient, paymentId: string, options?: { notify?: boolean }) =>
  payMeetingFee(bff, patient, paymentId, options);
/** Signs up and pays the fee at once; returns the registration as the sign-up held it. */
async function registerAndPay(patient: Patient, meetingId: string) {
  const held = await register(patient, meetingId);
  await pay(patient, held.paymentId);
  return held;
}
async function counts(meetingId: string) {
  return (await bff.call('GET', `/api/staff/meetings/${meetingId}`, { token: rep.accessToken })).body.counts;
}
async function attendees(meetingId: string) {
  return (await bff.call('GET', `/api/staff/meetings/${meetingId}/attendees`, { token: rep.accessToken })).body;
}
async function paymentOf(patient: Patient, paymentId: string) {
  return (await bff.call('GET', `/api/mp/payments/${paymentId}`, { token: patient.accessToken })).body;
}
/** The payment as the patient sees it, once refunded (or as it is when the refund does not come). */
const refundedPayment = (patient: Patient, paymentId: string) =>
  waitFor(
    () => paymentOf(patient, paymentId),
    (payment) => payment.status === 'refunded',
  );
/** The patient's registration once its refund is done (or as it is when the refund does not come). */
const refundedRegistration = (patient: Patient, meetingId: string) =>
  waitFor(
    () => mine(patient, meetingId),
    (reg) => Boolean(reg.refundedAt),
  );
const countEvents = (patient: Patient, type: string) =>
  EventModel.countDocuments({ customerId: new Types.ObjectId(patient.customer.id), type });

/** A one-place meeting's place held for one person, a second person on the waitlist. */
async function heldPlaceAndWaiter(meetingId: string) {
  const [holder, waiter] = await Promise.all([signInNewPatient(bff), signInNewPatient(bff)]);
  const held = await register(holder!, meetingId);
  const waiting = await register(waiter!, meetingId);
  expect(waiting.status).toBe('waitlisted');
  return { holder: holder!, waiter: waiter!, held, waiting };
}

/** Three people with places on a meeting of three: a and b paid, c's place is held unpaid. */
async function twoPaidOneHeld(meetingId: string) {
  const [a, b, c] = await Promise.all([1, 2, 3].map(() => signInNewPatient(bff)));
  const regA = await register(a!, meetingId);
  const regB = await register(b!, meetingId);
  const regC = await register(c!, meetingId);
  await pay(a!, regA.paymentId);
  await pay(b!, regB.paymentId);
  return { a: a!, b: b!, c: c!, regA, regB, regC };
}

describe('signing up for a paid meeting', () => {
  it('holds the place for 15 minutes with a payment order of the fee, and confirms it once paid', async () => {
    const { id } = await publishedMeeting();
    const patient = await signInNewPatient(bff);
    const before = Date.now();
    const signed = await signUp(patient, id);
    expect(signed.status).toBe(200);
    const held = signed.body.myRegistration;
    expect(held).toMatchObject({ status: 'awaiting_payment', feeFen: FEE, paymentId: expect.any(String) });
    expect(held.checkInCode).toBeNull();
    const due = Date.parse(held.holdExpiresAt);
    expect(due - before).toBeGreaterThanOrEqual(15 * MINUTE - 1000);
    expect(due - Date.now()).toBeLessThanOrEqual(15 * MINUTE);
    expect(await paymentOf(patient, held.paymentId)).toMatchObject({
      purpose: 'meeting_fee',
      referenceId: held.id,
      amountFen: FEE,
      status: 'created',
    });
    expect(await counts(id)).toMatchObject({ signedUp: 0, awaitingPayment: 1 });
    expect(signed.body.placesLeft).toBe(4); // a held place is taken

    await pay(patient, held.paymentId);
    const paid = await mine(patient, id);
    expect(paid).toMatchObject({ status: 'confirmed', paidAt: expect.any(String), holdExpiresAt: null });
    expect(paid.checkInCode).toEqual(expect.any(String));
    expect(paid.refundableOnCancel).toBe(true);
    expect(await counts(id)).toMatchObject({ signedUp: 1, awaitingPayment: 0 });
    expect(await countEvents(patient, 'meeting.signed_up')).toBe(1);
    expect(await countEvents(patient, 'payment.paid')).toBe(1);
  });

  it('confirms once when the payment notification arrives many times at once', async () => {
    const { id } = await publishedMeeting();
    const patient = await signInNewPatient(bff);
    const held = await registerAndPay(patient, id);
    const tradeNo = await outTradeNo(held.paymentId);
    const replays = await Promise.all(
      Array.from({ length: 5 }, () => bff.call('POST', `/sandbox/control/pay/orders/${tradeNo}/notify-again`)),
    );
    for (const replay of replays) expect(replay.body.answer.status).toBe(200);
    expect(await countEvents(patient, 'meeting.signed_up')).toBe(1);
    expect(await mine(patient, id)).toMatchObject({ status: 'confirmed', refundFen: null });
    expect((await PaymentOrderModel.findById(held.paymentId).lean())!.status).toBe('paid');
  });

  it('shows what each person paid and the payment state in the attendee list and the CSV', async () => {
    const { id } = await publishedMeeting({ capacity: 2 });
    const [payer, holder, waiter] = await Promise.all([1, 2, 3].map(() => signInNewPatient(bff)));
    await registerAndPay(payer!, id);
    await signUp(holder!, id);
    await signUp(waiter!, id);
    const list = await attendees(id);
    const row = (patient: Patient) =>
      list.items.find((item: { customer: { id: string } }) => item.customer.id === patient.customer.id);
    expect(row(payer!)).toMatchObject({ status: 'confirmed', paymentStatus: 'paid', paidFen: FEE });
    expect(row(holder!)).toMatchObject({ status: 'awaiting_payment', paymentStatus: 'awaiting', paidFen: 0 });
    expect(row(holder!).holdExpiresAt).toEqual(expect.any(String));
    expect(row(waiter!)).toMatchObject({ status: 'waitlisted', paymentStatus: 'none', paidFen: 0 });
    expect(list.counts).toMatchObject({ signedUp: 1, awaitingPayment: 1, waitlisted: 1 });

    const csv = await bff.call('GET', `/api/staff/meetings/${id}/attendees/export`, { token: rep.accessToken });
    const lines = (csv.body as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]!.endsWith(',paymentStatus,paidYuan,refundYuan')).toBe(true);
    expect(lines.some((line) => line.includes(',confirmed,') && line.endsWith(',paid,199.00,'))).toBe(true);
    expect(lines.some((line) => line.includes(',awaiting_payment,') && line.endsWith(',awaiting,0.00,'))).toBe(true);
  });
});

describe('lapsed holds', () => {
  it('lapses an unpaid hold, closes its order, and only then gives the place to the next in line for 24 hours', async () => {
    const { id } = await publishedMeeting({ capacity: 1 });
    const { holder, waiter, held, waiting } = await heldPlaceAndWaiter(id);
    expect(waiting.waitlistPosition).toBe(1);
    // Not yet due: the held place is not free, nobody moves up.
    expect(await expireFeeHolds(new Date(Date.now() + 14 * MINUTE), only(id))).toBe(0);
    expect(await mine(waiter, id)).toMatchObject({ status: 'waitlisted' });

    const later = new Date(Date.now() + 16 * MINUTE);
    expect(await expireFeeHolds(later, only(id))).toBe(1);
    expect(await mine(holder, id)).toMatchObject({ status: 'cancelled', paymentId: held.paymentId });
    expect(await paymentOf(holder, held.paymentId)).toMatchObject({ status: 'closed' });
    expect(await countEvents(holder, 'meeting.payment_expired')).toBe(1);
    const promoted = await mine(waiter, id);
    expect(promoted).toMatchObject({ status: 'awaiting_payment', paymentId: expect.any(String) });
    expect(Date.parse(promoted.holdExpiresAt) - later.getTime()).toBe(24 * HOUR);
    expect(await countEvents(waiter, 'meeting.promoted')).toBe(1);
    expect(await paymentOf(waiter, promoted.paymentId)).toMatchObject({ status: 'created', amountFen: FEE });
    expect(await expireFeeHolds(later, only(id))).toBe(0); // once
  });

  it('refunds in full a payment WeChat Pay took for a hold that lapsed meanwhile', async () => {
    const { id } = await publishedMeeting({ capacity: 1 });
    const patient = await signInNewPatient(bff);
    const held = await register(patient, id);
    await pay(patient, held.paymentId, { notify: false }); // paid at the last moment; the notification is late
    expect(await expireFeeHolds(new Date(Date.now() + 16 * MINUTE), only(id))).toBe(1);
    const refunded = await refundedPayment(patient, held.paymentId);
    expect(refunded).toMatchObject({ status: 'refunded', refundedFen: FEE });
    const registration = await refundedRegistration(patient, id);
    expect(registration).toMatchObject({ status: 'cancelled', refundFen: FEE, refundedAt: expect.any(String) });
    expect(await countEvents(patient, 'meeting.signed_up')).toBe(0);
    expect(await counts(id)).toMatchObject({ signedUp: 0, awaitingPayment: 0 });
  });

  it('refunds in full a payment that arrives after the person cancelled the held place', async () => {
    const { id } = await publishedMeeting();
    const patient = await signInNewPatient(bff);
    const held = await register(patient, id);
    await pay(patient, held.paymentId, { notify: false });
    expect((await cancel(patient, id)).body.myRegistration.status).toBe('cancelled');
    const tradeNo = await outTradeNo(held.paymentId);
    await bff.call('POST', `/sandbox/control/pay/orders/${tradeNo}/notify-again`);
    const refunded = await refundedPayment(patient, held.paymentId);
    expect(refunded.refundedFen).toBe(FEE);
    expect((await mine(patient, id)).status).toBe('cancelled');
  });
});

describe('cancelling', () => {
  it('refunds the fee in full when a paid place is cancelled before the sign-up deadline, once', async () => {
    const { id } = await publishedMeeting();
    const [payer, waiter] = await Promise.all([signInNewPatient(bff), signInNewPatient(bff)]);
    const held = await registerAndPay(payer!, id);
    const [cancelled, again] = await Promise.all([cancel(payer!, id), cancel(payer!, id)]);
    expect([cancelled.status, again.status]).toEqual([200, 200]);
    const refunded = await refundedPayment(payer!, held.paymentId);
    expect(refunded.refunds).toHaveLength(1);
    expect(refunded.refundedFen).toBe(FEE);
    const registration = await refundedRegistration(payer!, id);
    expect(registration).toMatchObject({ status: 'cancelled', refundFen: FEE });
    void waiter;
  });

  it('keeps the fee when a paid place is cancelled after the sign-up deadline', async () => {
    const { id, startsAt } = await publishedMeeting({ deadlineHours: 24 });
    const patient = await signInNewPatient(bff);
    const held = await registerAndPay(patient, id);
    setMeetingClock(() => new Date(startsAt - 12 * HOUR)); // after the deadline, before the start
    expect((await mine(patient, id)).refundableOnCancel).toBe(false);
    const cancelled = await cancel(patient, id);
    expect(cancelled.body.myRegistration).toMatchObject({ status: 'cancelled', refundFen: 0 });
    expect(await paymentOf(patient, held.paymentId)).toMatchObject({ status: 'paid', refundedFen: 0 });
  });

  it('refunds everyone who paid and closes every held place when staff cancel the meeting', async () => {
    const { id } = await publishedMeeting({ capacity: 3 });
    const { a, b, c, regA, regB, regC } = await twoPaidOneHeld(id);
    const cancelled = await bff.call('POST', `/api/staff/meetings/${id}/cancel`, {
      token: rep.accessToken,
      body: { reason: '讲者临时无法出席' },
    });
    expect(cancelled.body.status).toBe('cancelled');
    for (const [patient, reg] of [
      [a, regA],
      [b, regB],
    ] as const) {
      const payment = await refundedPayment(patient, reg.paymentId);
      expect(payment.refundedFen).toBe(FEE);
    }
    expect(await paymentOf(c, regC.paymentId)).toMatchObject({ status: 'closed' });
    expect(await MeetingRegistrationModel.findById(regC.id).lean()).toMatchObject({
      status: 'cancelled',
      cancelReason: 'meeting_cancelled',
    });
  });
});

describe('paid places under concurrency', () => {
  it('holds exactly 10 of 30 people signing up at once for 10 places; 10 lapsed holds promote exactly 10', async () => {
    const { id } = await publishedMeeting({ capacity: 10, waitlistLimit: 50 });
    const people = await Promise.all(Array.from({ length: 30 }, () => signInNewPatient(bff)));
    const results = await Promise.all(people.map((person) => signUp(person, id)));
    const statuses = results.map((result) => result.body.myRegistration?.status);
    expect(statuses.filter((status) => status === 'awaiting_payment')).toHaveLength(10);
    expect(statuses.filter((status) => status === 'waitlisted')).toHaveLength(20);
    expect(await counts(id)).toMatchObject({ signedUp: 0, awaitingPayment: 10, waitlisted: 20 });
    const heldIds = results.flatMap((result) =>
      result.body.myRegistration.status === 'awaiting_payment' ? [result.body.myRegistration.id as string] : [],
    );
    expect(await PaymentOrderModel.countDocuments({ referenceId: { $in: heldIds }, status: 'created' })).toBe(10);

    // Three job runs at once (several instances, or the job and a read) lapse the ten holds.
    const later = new Date(Date.now() + 16 * MINUTE);
    const expired = await Promise.all([
      expireFeeHolds(later, only(id)),
      expireFeeHolds(later, only(id)),
      expireFeeHolds(later, only(id)),
    ]);
    expect(expired.reduce((sum, n) => sum + n, 0)).toBe(10);
    expect(await counts(id)).toMatchObject({ signedUp: 0, awaitingPayment: 10, waitlisted: 10, cancelled: 10 });
    const promoted = await MeetingRegistrationModel.find({
      meetingId: id,
      status: 'awaiting_payment',
    }).lean();
    expect(promoted.map((reg) => String(reg._id)).filter((regId) => heldIds.includes(regId))).toHaveLength(0);
    const promotedEvents = await EventModel.countDocuments({
      type: 'meeting.promoted',
      'properties.meetingId': id,
    });
    expect(promotedEvents).toBe(10);
    const openOrders = await PaymentOrderModel.countDocuments({
      referenceId: { $in: promoted.map((reg) => String(reg._id)) },
      status: 'created',
    });
    expect(openOrders).toBe(10);
  });
});

describe('the fee in the workflow', () => {
  it('changes the fee only while the meeting is a draft or rejected, and an approval covers it', async () => {
    const { id } = await publishedMeeting({ feeFen: 0 });
    const refused = await bff.call('PATCH', `/api/staff/meetings/${id}`, {
      token: rep.accessToken,
      body: { feeFen: 5000 },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('MEETING_STATE_CONFLICT');

    const draft = await bff.call('POST', '/api/staff/meetings', {
      token: rep.accessToken,
      body: {
        title: '草稿会议',
        audience: 'public',
        startsAt: new Date(Date.now() + 48 * HOUR).toISOString(),
        endsAt: new Date(Date.now() + 50 * HOUR).toISOString(),
        venue: { name: '会议室', address: '' },
        capacity: 5,
      },
    });
    expect(draft.body.feeFen).toBe(0);
    const edited = await bff.call('PATCH', `/api/staff/meetings/${draft.body.id}`, {
      token: rep.accessToken,
      body: { feeFen: 5000 },
    });
    expect(edited.body).toMatchObject({ status: 'draft', feeFen: 5000 });
    expect(edited.body.history.at(-1)).toMatchObject({ action: 'edited', fields: ['feeFen'] });
  });

  it('keeps a free meeting free: a sign-up is confirmed at once with no payment', async () => {
    const { id } = await publishedMeeting({ feeFen: 0 });
    const patient = await signInNewPatient(bff);
    const reg = await register(patient, id);
    expect(reg).toMatchObject({ status: 'confirmed', feeFen: 0, paymentId: null, holdExpiresAt: null });
    expect(await counts(id)).toMatchObject({ signedUp: 1, awaitingPayment: 0 });
  });
});

/** The order as payments stores it: its status and how many refunds were asked. */
async function order(paymentId: string) {
  const doc = (await PaymentOrderModel.findById(paymentId).lean())!;
  return { status: doc.status, refunds: doc.refunds.length, refundedFen: doc.refundedFen ?? 0 };
}
/** The order once refunded (or as it is when the refund does not come). */
const refundedOrder = (paymentId: string) =>
  waitFor(
    () => order(paymentId),
    (view) => view.status === 'refunded',
  );
const registration = (registrationId: string) => MeetingRegistrationModel.findById(registrationId).lean();
/** The fees job as it runs a few minutes from now (its crash recovery looks only at records unchanged for a minute). */
const upkeepLater = () => feeUpkeep(new Date(Date.now() + 3 * MINUTE));
/** Two runs of the fees job at once (as on several instances), then one more: each must leave the others' work alone. */
async function upkeepRacingThenAgain() {
  await Promise.all([upkeepLater(), upkeepLater()]);
  await upkeepLater();
}

describe('a OneID merge of two people with paid places', () => {
  const merge = (from: Patient, into: Patient) =>
    mergeCustomers(manager.staff.organisation.id, from.customer.id, into.customer.id, {
      rule: 'staff_confirmed',
      details: {},
    });

  it('refunds the dropped paid place once, keeps the survivor’s paid place, and gives the freed place to the next', async () => {
    const { id } = await publishedMeeting({ capacity: 2 });
    const [first, second, waiter] = await signInPatientsOldestFirst(bff, 3);
    const kept = await registerAndPay(first!, id);
    const dropped = await registerAndPay(second!, id);
    expect((await register(waiter!, id)).status).toBe('waitlisted');

    expect(await merge(second!, first!)).toBe(first!.customer.id);
    const refunded = await refundedOrder(dropped.paymentId);
    expect(refunded).toMatchObject({ refunds: 1, refundedFen: FEE });
    expect(await registration(dropped.id)).toBeNull();
    expect(await mine(first!, id)).toMatchObject({ id: kept.id, status: 'confirmed', paymentId: kept.paymentId });
    expect(await order(kept.paymentId)).toMatchObject({ status: 'paid', refunds: 0 });
    expect(await mine(waiter!, id)).toMatchObject({ status: 'awaiting_payment', paymentId: expect.any(String) });
    expect(await countEvents(waiter!, 'meeting.promoted')).toBe(1);
    expect((await MeetingModel.findById(id).lean())!.queue).toHaveLength(2);
  });

  it('closes the survivor’s held place and moves the merged profile’s paid place, with its payment, to the survivor', async () => {
    const { id } = await publishedMeeting();
    const [first, second] = await signInPatientsOldestFirst(bff, 2);
    const held = await register(first!, id);
    const paid = await registerAndPay(second!, id);

    await merge(second!, first!);
    expect(await order(held.paymentId)).toMatchObject({ status: 'closed' });
    expect(await registration(held.id)).toBeNull();
    const moved = await mine(first!, id);
    expect(moved).toMatchObject({ id: paid.id, status: 'confirmed', paymentId: paid.paymentId, refundFen: null });
    expect(await order(paid.paymentId)).toMatchObject({ status: 'paid', refunds: 0 });
    expect(await counts(id)).toMatchObject({ signedUp: 1, awaitingPayment: 0 });
  });

  it('keeps the fee of a dropped place cancelled after the sign-up deadline (it was forfeited)', async () => {
    const { id, startsAt } = await publishedMeeting({ deadlineHours: 24 });
    const [first, second] = await signInPatientsOldestFirst(bff, 2);
    const forfeited = await registerAndPay(first!, id);
    const kept = await registerAndPay(second!, id);
    setMeetingClock(() => new Date(startsAt - 12 * HOUR)); // after the deadline
    expect((await cancel(first!, id)).body.myRegistration).toMatchObject({ status: 'cancelled', refundFen: 0 });

    await merge(second!, first!);
    expect(await registration(forfeited.id)).toBeNull();
    expect(await order(forfeited.paymentId)).toMatchObject({ status: 'paid', refunds: 0 });
    expect(await mine(first!, id)).toMatchObject({ id: kept.id, status: 'confirmed', paymentId: kept.paymentId });
  });

  it('refunds the dropped place once when a merge that crashed after asking for the refund is resumed', async () => {
    const { id } = await publishedMeeting();
    const [first, second] = await signInPatientsOldestFirst(bff, 2);
    const kept = await registerAndPay(first!, id);
    const dropped = await registerAndPay(second!, id);
    // The first run asked WeChat Pay for the refund and died before noting it or deleting the registration.
    const meeting = (await MeetingModel.findById(id).lean())!;
    await releaseDroppedFee(meeting, (await registration(dropped.id))!);
    await MeetingRegistrationModel.updateOne({ _id: dropped.id }, { $set: { refundRequestedAt: null } });

    await merge(second!, first!);
    const refunded = await refundedOrder(dropped.paymentId);
    expect(refunded).toMatchObject({ refunds: 1, refundedFen: FEE });
    expect(await order(kept.paymentId)).toMatchObject({ status: 'paid', refunds: 0 });
  });
});

describe('the fees job after a crash', () => {
  it('makes the missing order of a hold once, even when two runs race, and the person can pay it', async () => {
    const { id } = await publishedMeeting();
    const patient = await signInNewPatient(bff);
    const held = await register(patient, id);
    // The crash: the place was held, its order never made (the one made here is closed and unlinked).
    await closePaymentOrder(held.paymentId);
    await MeetingRegistrationModel.updateOne({ _id: held.id }, { $set: { paymentId: null } });

    await Promise.all([upkeepLater(), upkeepLater()]);
    const open = await PaymentOrderModel.find({ referenceId: held.id, status: 'created' }).lean();
    expect(open).toHaveLength(1);
    const reg = await mine(patient, id);
    expect(reg).toMatchObject({ status: 'awaiting_payment', paymentId: String(open[0]!._id) });
    await upkeepLater();
    expect(await PaymentOrderModel.countDocuments({ referenceId: held.id, status: 'created' })).toBe(1);
    expect((await mine(patient, id)).paymentId).toBe(reg.paymentId);
    await pay(patient, reg.paymentId);
    expect(await mine(patient, id)).toMatchObject({ status: 'confirmed', paymentId: reg.paymentId });
  });

  it('decides and asks the refund of a paid place cancelled just before a crash, once', async () => {
    const { id } = await publishedMeeting();
    const patient = await signInNewPatient(bff);
    const held = await registerAndPay(patient, id);
    // The crash: cancelled (and the place freed), no refund decided.
    await MeetingRegistrationModel.updateOne(
      { _id: held.id },
      { $set: { status: 'cancelled', cancelReason: 'by_customer', cancelledAt: new Date() } },
    );

    await upkeepRacingThenAgain();
    const refunded = await refundedOrder(held.paymentId);
    expect(refunded).toMatchObject({ refunds: 1, refundedFen: FEE });
    expect(await registration(held.id)).toMatchObject({ refundFen: FEE, refundRequestedAt: expect.any(Date) });
  });

  it('asks a decided refund a crash left unasked, once', async () => {
    const { id } = await publishedMeeting();
    const patient = await signInNewPatient(bff);
    const held = await registerAndPay(patient, id);
    await MeetingRegistrationModel.updateOne(
      { _id: held.id },
      { $set: { status: 'cancelled', cancelReason: 'by_customer', cancelledAt: new Date(), refundFen: FEE } },
    );

    await upkeepRacingThenAgain();
    const refunded = await refundedOrder(held.paymentId);
    expect(refunded).toMatchObject({ refunds: 1, refundedFen: FEE });
  });

  it('refunds every payer and closes every hold of a meeting whose cancellation crashed before settling, once', async () => {
    const { id } = await publishedMeeting({ capacity: 3 });
    const { regA, regB, regC } = await twoPaidOneHeld(id);
    await MeetingModel.updateOne({ _id: id }, { $set: { status: 'cancelled' } }); // cancelled, nothing settled

    await upkeepRacingThenAgain();
    for (const reg of [regA, regB]) {
      const refunded = await refundedOrder(reg.paymentId);
      expect(refunded).toMatchObject({ refunds: 1, refundedFen: FEE });
    }
    expect(await order(regC.paymentId)).toMatchObject({ status: 'closed' });
    expect(await registration(regC.id)).toMatchObject({ status: 'cancelled', cancelReason: 'meeting_cancelled' });
    expect((await MeetingModel.findById(id).lean())!.feesSettledAt).toEqual(expect.any(Date));
  });
});

describe('a lapse interrupted by a crash', () => {
  it.each([
    ['after cancelling the hold', false],
    ['after the ticket left the queue, before the queue moved', true],
  ])('frees the place and promotes the next in line once, however long ago it crashed (%s)', async (_, pulled) => {
    const { id } = await publishedMeeting({ capacity: 1 });
    const { holder, waiter, held } = await heldPlaceAndWaiter(id);
    const lapsedAt = new Date(Date.now() + 16 * MINUTE);
    // The lapse's own update (as expireFeeHolds makes it), then the crash.
    await MeetingRegistrationModel.updateOne(
      { _id: held.id },
      { $set: { status: 'cancelled', cancelReason: 'unpaid', cancelledAt: lapsedAt, freeingPlaceAt: lapsedAt } },
    );
    const ticket = (await registration(held.id))!.ticket;
    if (pulled) await MeetingModel.updateOne({ _id: id }, { $pull: { queue: ticket } });

    const muchLater = new Date(lapsedAt.getTime() + 3 * HOUR);
    const runs = await Promise.all([expireFeeHolds(muchLater, only(id)), expireFeeHolds(muchLater, only(id))]);
    expect(runs).toEqual([0, 0]); // nothing newly lapsed; the half-done one finished
    const promoted = await mine(waiter, id);
    expect(promoted).toMatchObject({ status: 'awaiting_payment', paymentId: expect.any(String) });
    expect(await countEvents(waiter, 'meeting.promoted')).toBe(1);
    expect(await countEvents(holder, 'meeting.payment_expired')).toBe(1);
    expect(await order(held.paymentId)).toMatchObject({ status: 'closed' });
    expect((await registration(held.id))!.freeingPlaceAt).toBeUndefined();
    const queue = (await MeetingModel.findById(id).lean())!.queue.map(String);
    expect(queue).toEqual([String((await registration(promoted.id))!.ticket)]);

    await expireFeeHolds(new Date(muchLater.getTime() + MINUTE), only(id));
    expect(await countEvents(waiter, 'meeting.promoted')).toBe(1);
    expect(await mine(waiter, id)).toMatchObject({ status: 'awaiting_payment', paymentId: promoted.paymentId });
  });

  it('lets the person whose lapsed hold was left half-done sign up again, without their old ticket', async () => {
    const { id } = await publishedMeeting({ capacity: 1 });
    const patient = await signInNewPatient(bff);
    const held = await register(patient, id);
    const oldTicket = (await registration(held.id))!.ticket;
    await MeetingRegistrationModel.updateOne(
      { _id: held.id },
      { $set: { status: 'cancelled', cancelReason: 'unpaid', cancelledAt: new Date(), freeingPlaceAt: new Date() } },
    );

    const again = await register(patient, id);
    expect(again).toMatchObject({ id: held.id, status: 'awaiting_payment', paymentId: expect.any(String) });
    expect(again.paymentId).not.toBe(held.paymentId);
    const queue = (await MeetingModel.findById(id).lean())!.queue.map(String);
    expect(queue).toHaveLength(1);
    expect(queue).not.toContain(String(oldTicket));
    expect(await order(held.paymentId)).toMatchObject({ status: 'closed' });
  });
});
