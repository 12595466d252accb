/**
 * What the mini-program is told about a cancelled registration of a paid meeting (over real HTTP on the real
 * database): why (`cancelReason`) and when (`cancelledAt`; for a hold not paid in time, `holdExpiresAt` is the time it
 * had to be paid by), so the page can say "未在时限内支付，名额已释放" rather than a bare 已取消; and a new attempt clears
 * them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { setMeetingClock } from '../../bff/src/meetings/clock';
import { expireFeeHolds } from '../../bff/src/meetings/registrations';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';
import { myRegistration, publishPaidMeeting, signUpForMeeting } from '../support/paidMeetings';

let bff: TestBff;
let manager: { accessToken: string };
let rep: { accessToken: string };

beforeAll(async () => {
  bff = await startTestBff('meetings_hold_lapse');
  manager = await signInStaff(bff, 'lina');
  rep = await signInStaff(bff, 'zhangwei');
});
afterAll(() => bff?.close());
afterEach(() => setMeetingClock(null));

const MINUTE = 60_000;

type Patient = Awaited<ReturnType<typeof signInNewPatient>>;

const publishedPaidMeeting = async () => (await publishPaidMeeting(bff, { rep, manager })).id;

async function heldPlace(patient: Patient, meetingId: string) {
  const signed = await signUpForMeeting(bff, patient, meetingId);
  expect(signed.status, JSON.stringify(signed.body)).toBe(200);
  const held = signed.body.myRegistration;
  expect(held).toMatchObject({ status: 'awaiting_payment', cancelReason: null, cancelledAt: null });
  return held as { id: string; paymentId: string; holdExpiresAt: string };
}

const mine = (patient: Patient, meetingId: string) => myRegistration(bff, patient, meetingId);

describe('a cancelled registration says why and when', () => {
  it('says a hold lapsed unpaid, with the time it had to be paid by, on the meeting read after the deadline', async () => {
    const id = await publishedPaidMeeting();
    const patient = await signInNewPatient(bff);
    const held = await heldPlace(patient, id);
    const later = new Date(Date.parse(held.holdExpiresAt) + MINUTE);
    setMeetingClock(() => later); // the read itself lapses the hold

    expect(await mine(patient, id)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'unpaid',
      cancelledAt: later.toISOString(),
      holdExpiresAt: held.holdExpiresAt,
      paymentId: held.paymentId,
      paidAt: null,
    });
  });

  it('lists a hold the fees job lapsed as unpaid in my meetings', async () => {
    const id = await publishedPaidMeeting();
    const patient = await signInNewPatient(bff);
    const held = await heldPlace(patient, id);
    const later = new Date(Date.parse(held.holdExpiresAt) + MINUTE);
    expect(await expireFeeHolds(later, { meetingId: new Types.ObjectId(id) })).toBe(1);

    const list = await bff.call('GET', '/api/mp/meetings/mine', { token: patient.accessToken });
    const item = (list.body.items as Array<{ id: string; myRegistration: unknown }>).find((m) => m.id === id);
    expect(item?.myRegistration).toMatchObject({
      status: 'cancelled',
      cancelReason: 'unpaid',
      cancelledAt: later.toISOString(),
      holdExpiresAt: held.holdExpiresAt,
    });
  });

  it('clears the reason when the person whose hold lapsed signs up again, with a new hold and order', async () => {
    const id = await publishedPaidMeeting();
    const patient = await signInNewPatient(bff);
    const first = await heldPlace(patient, id);
    setMeetingClock(() => new Date(Date.parse(first.holdExpiresAt) + MINUTE));
    expect(await mine(patient, id)).toMatchObject({ status: 'cancelled', cancelReason: 'unpaid' });

    const again = await heldPlace(patient, id);
    expect(again.id).toBe(first.id); // one registration per person and meeting, a new attempt
    expect(again.paymentId).not.toBe(first.paymentId);
    expect(Date.parse(again.holdExpiresAt)).toBeGreaterThan(Date.parse(first.holdExpiresAt));
  });

  it('says the person cancelled the held place, when, and shows no hold time', async () => {
    const id = await publishedPaidMeeting();
    const patient = await signInNewPatient(bff);
    await heldPlace(patient, id);
    const cancelled = await bff.call('POST', `/api/mp/meetings/${id}/cancel`, { token: patient.accessToken });
    expect(cancelled.status).toBe(200);
    const registration = cancelled.body.myRegistration;
    expect(registration).toMatchObject({ status: 'cancelled', cancelReason: 'by_customer', holdExpiresAt: null });
    expect(Date.now() - Date.parse(registration.cancelledAt)).toBeLessThan(MINUTE);
  });

  it('says the meeting was cancelled when staff cancel it while the place is held', async () => {
    const id = await publishedPaidMeeting();
    const patient = await signInNewPatient(bff);
    await heldPlace(patient, id);
    const cancelled = await bff.call('POST', `/api/staff/meetings/${id}/cancel`, {
      token: rep.accessToken,
      body: { reason: '讲者临时无法出席' },
    });
    expect(cancelled.body.status).toBe('cancelled');
    expect(await mine(patient, id)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'meeting_cancelled',
      cancelledAt: expect.any(String),
      holdExpiresAt: null,
    });
  });
});
