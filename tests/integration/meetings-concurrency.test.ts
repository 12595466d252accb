/** Meeting places under concurrency, over real HTTP on the real database: sign-ups, the waitlist and promotions. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeetingModel, MeetingRegistrationModel } from '../../bff/src/meetings/model';
import { settleStaleRegistrations } from '../../bff/src/meetings/registrations';
import { publishMeeting, signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let manager: { accessToken: string };
let rep: { accessToken: string };

beforeAll(async () => {
  bff = await startTestBff('meetings_concurrency');
  manager = await signInStaff(bff, 'lina');
  rep = await signInStaff(bff, 'zhangwei');
});
afterAll(() => bff?.close());

async function publishedMeeting(capacity: number, waitlistLimit: number) {
  const start = Date.now() + 24 * 3_600_000;
  const published = await publishMeeting(bff, rep, manager, {
    title: '并发测试会议',
    audience: 'public',
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 2 * 3_600_000).toISOString(),
    venue: { name: '会议室', address: '' },
    capacity,
    waitlistLimit,
  });
  expect(published.status).toBe('published');
  return published.id as string;
}

type Registration = { id: string; status: string; waitlistPosition: number | null };
type Patient = Awaited<ReturnType<typeof signInNewPatient>>;

const signUp = (patient: Patient, meetingId: string) =>
  bff.call('POST', `/api/mp/meetings/${meetingId}/sign-up`, { token: patient.accessToken });
const cancel = (patient: Patient, meetingId: string) =>
  bff.call('POST', `/api/mp/meetings/${meetingId}/cancel`, { token: patient.accessToken });
async function registrationOf(patient: Patient, meetingId: string): Promise<Registration> {
  const detail = await bff.call('GET', `/api/mp/meetings/${meetingId}`, { token: patient.accessToken });
  return detail.body.myRegistration;
}

async function staffCounts(meetingId: string) {
  const meeting = await bff.call('GET', `/api/staff/meetings/${meetingId}`, { token: rep.accessToken });
  return meeting.body.counts as { signedUp: number; waitlisted: number; cancelled: number };
}

async function promotedEvents(patient: Patient) {
  const timeline = await bff.call(
    'GET',
    `/api/staff/customers/${patient.customer.id}/timeline?types=meeting.promoted`,
    { token: manager.accessToken },
  );
  return timeline.body.items.length as number;
}

/** Signs people up one after another, so the waitlist order is known: answers them in sign-up order. */
async function signUpInOrder(meetingId: string, count: number) {
  const people = await Promise.all(Array.from({ length: count }, () => signInNewPatient(bff)));
  for (const person of people) expect((await signUp(person, meetingId)).status).toBe(200);
  return people;
}

describe('places under concurrency', () => {
  it('confirms exactly 50 of 100 people signing up at once for 50 places and waitlists the other 50 in order', async () => {
    const meetingId = await publishedMeeting(50, 100);
    const people = await Promise.all(Array.from({ length: 100 }, () => signInNewPatient(bff)));
    const results = await Promise.all(people.map((person) => signUp(person, meetingId)));
    expect(results.map((result) => result.status).filter((status) => status !== 200)).toEqual([]);
    const registrations = results.map((result) => result.body.myRegistration as Registration);
    expect(registrations.filter((reg) => reg.status === 'confirmed')).toHaveLength(50);
    const waitlisted = registrations.filter((reg) => reg.status === 'waitlisted');
    expect(waitlisted.map((reg) => reg.waitlistPosition).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    const stored = await MeetingModel.findById(meetingId).lean();
    expect(stored!.queue).toHaveLength(100);
    expect(await staffCounts(meetingId)).toMatchObject({ signedUp: 50, waitlisted: 50 });
  }, 60_000);

  it('gives a cancelled place to exactly the first in line, and moves everyone behind up one', async () => {
    const meetingId = await publishedMeeting(3, 10);
    const people = await signUpInOrder(meetingId, 6);
    expect((await cancel(people[1]!, meetingId)).body.myRegistration.status).toBe('cancelled');
    const after = await Promise.all(people.map((person) => registrationOf(person, meetingId)));
    expect(after.map((reg) => [reg.status, reg.waitlistPosition])).toEqual([
      ['confirmed', null],
      ['cancelled', null],
      ['confirmed', null],
      ['confirmed', null], // promoted
      ['waitlisted', 1],
      ['waitlisted', 2],
    ]);
    expect(await promotedEvents(people[3]!)).toBe(1);
  });

  it('promotes exactly one waiting person per place freed when ten people cancel at once', async () => {
    const meetingId = await publishedMeeting(20, 30);
    const people = await signUpInOrder(meetingId, 35);
    const leaving = people.slice(0, 10);
    const results = await Promise.all(leaving.map((person) => cancel(person, meetingId)));
    expect(results.map((result) => result.body.myRegistration?.status)).toEqual(Array(10).fill('cancelled'));
    const after = await Promise.all(people.slice(10).map((person) => registrationOf(person, meetingId)));
    // The 20 places now hold people 11–30 (10 of them promoted, in order); 31–35 wait as 1–5.
    expect(after.slice(0, 20).every((reg) => reg.status === 'confirmed')).toBe(true);
    expect(after.slice(20).map((reg) => [reg.status, reg.waitlistPosition])).toEqual(
      [1, 2, 3, 4, 5].map((position) => ['waitlisted', position]),
    );
    expect(await staffCounts(meetingId)).toMatchObject({ signedUp: 20, waitlisted: 5, cancelled: 10 });
    const promotions = await Promise.all(people.slice(20, 30).map((person) => promotedEvents(person)));
    expect(promotions).toEqual(Array(10).fill(1));
    expect(await promotedEvents(people[30]!)).toBe(0);
  }, 60_000);

  it('repairs what a crash left: a cancelled sign-up still holding a place, and a sign-up that never joined the queue', async () => {
    const meetingId = await publishedMeeting(1, 5);
    const [holder, waiting, stuck] = await signUpInOrder(meetingId, 3);
    // The holder's cancellation crashed after the status change, before its ticket left the queue.
    await MeetingRegistrationModel.updateOne({ customerId: holder!.customer.id }, { $set: { status: 'cancelled' } });
    // The last sign-up crashed between saving the registration and joining the queue.
    const stuckReg = await MeetingRegistrationModel.findOne({ customerId: stuck!.customer.id }).lean();
    await MeetingModel.updateOne({ _id: meetingId }, { $pull: { queue: stuckReg!.ticket } });
    await MeetingRegistrationModel.updateOne({ _id: stuckReg!._id }, { $set: { status: 'pending' } });
    await MeetingRegistrationModel.updateOne(
      { _id: stuckReg!._id },
      { $set: { updatedAt: new Date(Date.now() - 10 * 60_000) } },
      { timestamps: false },
    );

    expect(await settleStaleRegistrations()).toBe(1);
    expect((await registrationOf(waiting!, meetingId)).status).toBe('confirmed');
    expect((await MeetingRegistrationModel.findById(stuckReg!._id).lean())!).toMatchObject({
      status: 'cancelled',
      cancelReason: 'incomplete',
    });
    expect((await MeetingModel.findById(meetingId).lean())!.queue).toHaveLength(1);
  });
});
