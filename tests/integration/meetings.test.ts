/**
 * Meetings over real HTTP on the real database: the compliance approval workflow, audience gating, sign-up with
 * deadline and waitlist, check-in at the venue and at the desk, the survey, the compliance export, reminders and
 * merges. Times a test cannot wait for (a meeting that has ended) are set on the stored meeting: the clock moves.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MeetingModel, MeetingRegistrationModel } from '../../bff/src/meetings/model';
import { sendDueMeetingReminders } from '../../bff/src/meetings/reminders';
import { mergeCustomers } from '../../bff/src/identity/merge';
import { AuditEntryModel } from '../../bff/src/audit/model';
import { signInNewPatient, signInPatientsOldestFirst, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let manager: { accessToken: string; staff: { id: string; organisation: { id: string } } };
let rep: { accessToken: string; staff: { id: string } };
let colleague: { accessToken: string; staff: { id: string } };
let org: string;

beforeAll(async () => {
  bff = await startTestBff('meetings');
  manager = await signInStaff(bff, 'lina');
  rep = await signInStaff(bff, 'zhangwei');
  colleague = await signInStaff(bff, 'wangfang');
  org = manager.staff.organisation.id;
});
afterAll(() => bff?.close());

const MINUTE = 60_000;
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * MINUTE).toISOString();

function meetingBody(overrides: Record<string, unknown> = {}) {
  return {
    title: '口腔种植学术会',
    audience: 'public',
    startsAt: inMinutes(24 * 60),
    endsAt: inMinutes(26 * 60),
    venue: { name: '三楼会议室', address: '上海市静安区南京西路 1266 号' },
    capacity: 10,
    ...overrides,
  };
}

const SURVEY = [
  { id: 'q1', kind: 'rating', text: '总体评价' },
  { id: 'q2', kind: 'single', text: '内容是否有帮助', options: ['很有帮助', '一般', '没有帮助'] },
  { id: 'q3', kind: 'multiple', text: '下次主题', options: ['种植', '正畸', '修复'], maxChoices: 2, required: false },
  { id: 'q4', kind: 'text', text: '建议', required: false, maxLength: 20 },
];

const staffCall = (method: string, path: string, token: string, body?: unknown) =>
  bff.call(method, path, { token, body });

async function createMeeting(token: string, overrides: Record<string, unknown> = {}) {
  const created = await staffCall('POST', '/api/staff/meetings', token, meetingBody(overrides));
  expect(created.status).toBe(201);
  return created.body as { id: string; key: string; version: number; status: string };
}

/** A rep's meeting, approved by the manager and published. */
async function publishedMeeting(overrides: Record<string, unknown> = {}) {
  const meeting = await createMeeting(rep.accessToken, overrides);
  expect((await staffCall('POST', `/api/staff/meetings/${meeting.id}/submit`, rep.accessToken)).status).toBe(200);
  const approved = await staffCall('POST', `/api/staff/meetings/${meeting.id}/decision`, manager.accessToken, {
    decision: 'approved',
    version: meeting.version,
  });
  expect(approved.status).toBe(200);
  const published = await staffCall('POST', `/api/staff/meetings/${meeting.id}/publish`, rep.accessToken);
  expect(published.body.status).toBe('published');
  return published.body as { id: string; key: string; version: number };
}

async function verifiedHcp(details = { hospital: '第九人民医院', department: '口腔修复科', title: '主任医师' }) {
  const patient = await signInNewPatient(bff);
  await staffCall('PATCH', `/api/staff/customers/${patient.customer.id}`, manager.accessToken, {
    hcp: details,
    phone: '13812345678',
  });
  const verified = await staffCall(
    'POST',
    `/api/staff/customers/${patient.customer.id}/hcp-verification`,
    manager.accessToken,
    { decision: 'verified', evidence: '执业医师证书' },
  );
  expect(verified.status).toBe(200);
  return patient;
}

const signUp = (token: string, meetingId: string) =>
  bff.call('POST', `/api/mp/meetings/${meetingId}/sign-up`, { token });
const venueCheckIn = (token: string, key: string) =>
  bff.call('POST', '/api/mp/meetings/check-in', { token, body: { key } });

/** The clock moves on: the meeting started `startedMinutesAgo` and ended `endedMinutesAgo`. */
async function moveMeetingToPast(meetingId: string, startedMinutesAgo: number, endedMinutesAgo: number) {
  await MeetingModel.updateOne(
    { _id: meetingId },
    {
      $set: {
        startsAt: new Date(Date.now() - startedMinutesAgo * MINUTE),
        endsAt: new Date(Date.now() - endedMinutesAgo * MINUTE),
      },
    },
  );
}

async function timelineTypes(customerId: string) {
  const timeline = await staffCall('GET', `/api/staff/customers/${customerId}/timeline?limit=100`, manager.accessToken);
  return (timeline.body.items as { type: string }[]).map((item) => item.type);
}

describe('approval workflow', () => {
  it('a manager approves a rep’s meeting, the rep publishes it, and every step is recorded with who, when and why', async () => {
    const meeting = await createMeeting(rep.accessToken);
    expect(meeting.status).toBe('draft');
    await staffCall('POST', `/api/staff/meetings/${meeting.id}/submit`, rep.accessToken);
    const queue = await staffCall('GET', '/api/staff/meetings?awaitingMyDecision=true', manager.accessToken);
    expect(queue.body.items.map((item: { id: string }) => item.id)).toContain(meeting.id);
    const approved = await staffCall('POST', `/api/staff/meetings/${meeting.id}/decision`, manager.accessToken, {
      decision: 'approved',
      reason: '讲者资质已核对',
      version: 1,
    });
    expect(approved.body.status).toBe('approved');
    const published = await staffCall('POST', `/api/staff/meetings/${meeting.id}/publish`, rep.accessToken);
    expect(published.body.status).toBe('published');
    expect(published.body.decisions).toEqual([
      {
        decision: 'approved',
        by: { id: manager.staff.id, name: '李娜' },
        at: expect.any(String),
        reason: '讲者资质已核对',
        version: 1,
      },
    ]);
    expect(published.body.history.map((entry: { action: string }) => entry.action)).toEqual([
      'created',
      'submitted',
      'approved',
      'published',
    ]);
  });

  it('refuses a manager’s decision on a meeting they created themselves', async () => {
    const meeting = await createMeeting(manager.accessToken);
    await staffCall('POST', `/api/staff/meetings/${meeting.id}/submit`, manager.accessToken);
    const decided = await staffCall('POST', `/api/staff/meetings/${meeting.id}/decision`, manager.accessToken, {
      decision: 'approved',
      version: 1,
    });
    expect(decided.status).toBe(403);
    expect(decided.body.error.code).toBe('MEETING_SELF_APPROVAL');
    const stored = await staffCall('GET', `/api/staff/meetings/${meeting.id}`, manager.accessToken);
    expect(stored.body).toMatchObject({ status: 'submitted', decisions: [] });
  });

  it('refuses a decision from a staff member without the manager role', async () => {
    const meeting = await createMeeting(rep.accessToken);
    await staffCall('POST', `/api/staff/meetings/${meeting.id}/submit`, rep.accessToken);
    const decided = await staffCall('POST', `/api/staff/meetings/${meeting.id}/decision`, colleague.accessToken, {
      decision: 'approved',
      version: 1,
    });
    expect(decided.status).toBe(403);
    expect(decided.body.error.code).toBe('FORBIDDEN');
  });

  it('a rejected meeting cannot be published; edited and resubmitted, its new version can be approved', async () => {
    const meeting = await createMeeting(rep.accessToken);
    await staffCall('POST', `/api/staff/meetings/${meeting.id}/submit`, rep.accessToken);
    const rejected = await staffCall('POST', `/api/staff/meetings/${meeting.id}/decision`, manager.accessToken, {
      decision: 'rejected',
      reason: '缺少讲者资质',
      version: 1,
    });
    expect(rejected.body.status).toBe('rejected');
    const publish = await staffCall('POST', `/api/staff/meetings/${meeting.id}/publish`, rep.accessToken);
    expect(publish.status).toBe(409);
    expect(publish.body.error.code).toBe('MEETING_STATE_CONFLICT');
    expect((await staffCall('POST', `/api/staff/meetings/${meeting.id}/submit`, rep.accessToken)).status).toBe(409);

    const edited = await staffCall('PATCH', `/api/staff/meetings/${meeting.id}`, rep.accessToken, {
      speakers: [{ name: '吴建国', title: '主任医师', hospital: '第九人民医院' }],
    });
    expect(edited.body).toMatchObject({ status: 'draft', version: 2 });
    await staffCall('POST', `/api/staff/meetings/${meeting.id}/submit`, rep.accessToken);
    const stale = await staffCall('POST', `/api/staff/meetings/${meeting.id}/decision`, manager.accessToken, {
      decision: 'approved',
      version: 1,
    });
    expect(stale.body.error.code).toBe('MEETING_STATE_CONFLICT');
    await staffCall('POST', `/api/staff/meetings/${meeting.id}/decision`, manager.accessToken, {
      decision: 'approved',
      version: 2,
    });
    const published = await staffCall('POST', `/api/staff/meetings/${meeting.id}/publish`, rep.accessToken);
    expect(published.body.status).toBe('published');
    expect(
      published.body.decisions.map((d: { decision: string; reason: string; version: number }) => [
        d.decision,
        d.reason,
        d.version,
      ]),
    ).toEqual([
      ['rejected', '缺少讲者资质', 1],
      ['approved', '', 2],
    ]);
  });

  it('a material edit of a published meeting sends it back for approval and hides it; a capacity change does not', async () => {
    const meeting = await publishedMeeting();
    const patient = await signInNewPatient(bff);
    const roomier = await staffCall('PATCH', `/api/staff/meetings/${meeting.id}`, rep.accessToken, { capacity: 20 });
    expect(roomier.body).toMatchObject({ status: 'published', version: 1, capacity: 20 });
    expect((await bff.call('GET', `/api/mp/meetings/${meeting.id}`, { token: patient.accessToken })).status).toBe(200);

    const retitled = await staffCall('PATCH', `/api/staff/meetings/${meeting.id}`, rep.accessToken, {
      title: '口腔种植学术会（更新议程）',
    });
    expect(retitled.body).toMatchObject({ status: 'submitted', version: 2 });
    expect((await bff.call('GET', `/api/mp/meetings/${meeting.id}`, { token: patient.accessToken })).status).toBe(404);
    const list = await bff.call('GET', '/api/mp/meetings', { token: patient.accessToken });
    expect(list.body.items.map((item: { id: string }) => item.id)).not.toContain(meeting.id);
  });

  it('shows customers no draft, submitted or approved meeting', async () => {
    const draft = await createMeeting(rep.accessToken);
    const patient = await signInNewPatient(bff);
    const detail = await bff.call('GET', `/api/mp/meetings/${draft.id}`, { token: patient.accessToken });
    expect(detail.status).toBe(404);
    expect((await signUp(patient.accessToken, draft.id)).status).toBe(404);
  });
});

describe('audience', () => {
  it('lists and opens an HCP meeting only to verified HCPs; others get HCP_ONLY and never see its title', async () => {
    const meeting = await publishedMeeting({ audience: 'hcp', title: '仅限医生的闭门会' });
    const patient = await signInNewPatient(bff);
    const list = await bff.call('GET', '/api/mp/meetings', { token: patient.accessToken });
    expect(JSON.stringify(list.body)).not.toContain('仅限医生的闭门会');
    expect(
      (await bff.call('GET', `/api/mp/meetings/${meeting.id}`, { token: patient.accessToken })).body.error.code,
    ).toBe('HCP_ONLY');
    expect((await signUp(patient.accessToken, meeting.id)).body.error.code).toBe('HCP_ONLY');

    const doctor = await verifiedHcp();
    const listed = await bff.call('GET', '/api/mp/meetings', { token: doctor.accessToken });
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(meeting.id);
    const signed = await signUp(doctor.accessToken, meeting.id);
    expect(signed.body.myRegistration).toMatchObject({ status: 'confirmed' });
  });

  it('refuses an HCP’s sign-up for a patient event', async () => {
    const meeting = await publishedMeeting({ audience: 'patient' });
    const doctor = await verifiedHcp();
    const signed = await signUp(doctor.accessToken, meeting.id);
    expect(signed.status).toBe(403);
    expect(signed.body.error.code).toBe('NOT_ELIGIBLE');
  });
});

describe('sign-up', () => {
  it('refuses a sign-up after the deadline, while an earlier one still answers its registration', async () => {
    const meeting = await publishedMeeting();
    const early = await signInNewPatient(bff);
    const first = await signUp(early.accessToken, meeting.id);
    expect(first.body.myRegistration.status).toBe('confirmed');
    // Staff close sign-up early.
    await staffCall('PATCH', `/api/staff/meetings/${meeting.id}`, rep.accessToken, { signUpDeadline: inMinutes(-1) });
    const late = await signInNewPatient(bff);
    const refused = await signUp(late.accessToken, meeting.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('MEETING_SIGNUP_CLOSED');
    const again = await signUp(early.accessToken, meeting.id);
    expect(again.body.myRegistration.id).toBe(first.body.myRegistration.id);
  });

  it('gives one registration, one place and one event to a person signing up five times at once', async () => {
    const meeting = await publishedMeeting();
    const patient = await signInNewPatient(bff);
    const results = await Promise.all(Array.from({ length: 5 }, () => signUp(patient.accessToken, meeting.id)));
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(results.map((result) => result.body.myRegistration.id)).size).toBe(1);
    expect((await MeetingModel.findById(meeting.id).lean())!.queue).toHaveLength(1);
    expect((await timelineTypes(patient.customer.id)).filter((type) => type === 'meeting.signed_up')).toHaveLength(1);
  });

  it('waitlists in order once the places are taken, and answers MEETING_FULL when the waitlist is full too', async () => {
    const meeting = await publishedMeeting({ capacity: 1, waitlistLimit: 2 });
    const people = await Promise.all(Array.from({ length: 4 }, () => signInNewPatient(bff)));
    const results = [];
    for (const person of people) results.push(await signUp(person.accessToken, meeting.id));
    expect(results.slice(0, 3).map((result) => result.body.myRegistration)).toEqual([
      expect.objectContaining({ status: 'confirmed', waitlistPosition: null }),
      expect.objectContaining({ status: 'waitlisted', waitlistPosition: 1, checkInCode: null }),
      expect.objectContaining({ status: 'waitlisted', waitlistPosition: 2 }),
    ]);
    expect(results[3]!.status).toBe(409);
    expect(results[3]!.body.error.code).toBe('MEETING_FULL');
  });

  it('gives a cancelled place to the first waitlisted person, with the events on both timelines', async () => {
    const meeting = await publishedMeeting({ capacity: 1 });
    const [first, second, third] = await Promise.all([1, 2, 3].map(() => signInNewPatient(bff)));
    for (const person of [first!, second!, third!]) await signUp(person.accessToken, meeting.id);
    const cancelled = await bff.call('POST', `/api/mp/meetings/${meeting.id}/cancel`, { token: first!.accessToken });
    expect(cancelled.body.myRegistration.status).toBe('cancelled');
    const promoted = await bff.call('GET', `/api/mp/meetings/${meeting.id}`, { token: second!.accessToken });
    expect(promoted.body.myRegistration).toMatchObject({ status: 'confirmed', checkInCode: expect.any(String) });
    const still = await bff.call('GET', `/api/mp/meetings/${meeting.id}`, { token: third!.accessToken });
    expect(still.body.myRegistration).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    expect(await timelineTypes(first!.customer.id)).toEqual(
      expect.arrayContaining(['meeting.signed_up', 'meeting.cancelled_signup']),
    );
    expect(await timelineTypes(second!.customer.id)).toEqual(
      expect.arrayContaining(['meeting.waitlisted', 'meeting.promoted']),
    );
  });
});

describe('check-in', () => {
  it('refuses a venue check-in before the window opens', async () => {
    const meeting = await publishedMeeting({ startsAt: inMinutes(180), endsAt: inMinutes(240) });
    const patient = await signInNewPatient(bff);
    await signUp(patient.accessToken, meeting.id);
    const early = await venueCheckIn(patient.accessToken, meeting.key);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({
      code: 'MEETING_CHECK_IN_CLOSED',
      details: { opensAt: expect.any(String) },
    });
  });

  it('checks in at the venue within the window once; a replay answers the same check-in and records no second event', async () => {
    const meeting = await publishedMeeting({ startsAt: inMinutes(30), endsAt: inMinutes(90) });
    const patient = await signInNewPatient(bff);
    await signUp(patient.accessToken, meeting.id);
    const first = await venueCheckIn(patient.accessToken, meeting.key);
    expect(first.body).toMatchObject({ alreadyCheckedIn: false, registration: { checkedInAt: expect.any(String) } });
    const replay = await venueCheckIn(patient.accessToken, meeting.key);
    expect(replay.body).toMatchObject({ alreadyCheckedIn: true, registration: first.body.registration });
    expect((await timelineTypes(patient.customer.id)).filter((type) => type === 'meeting.checked_in')).toHaveLength(1);
  });

  it('refuses a venue check-in after the window closed', async () => {
    const meeting = await publishedMeeting({ startsAt: inMinutes(30), endsAt: inMinutes(90) });
    const patient = await signInNewPatient(bff);
    await signUp(patient.accessToken, meeting.id);
    await moveMeetingToPast(meeting.id, 120, 5);
    const late = await venueCheckIn(patient.accessToken, meeting.key);
    expect(late.body.error.code).toBe('MEETING_CHECK_IN_CLOSED');
  });

  it('checks an attendee in at the desk by the code in their QR, but not a waitlisted person', async () => {
    const meeting = await publishedMeeting({ startsAt: inMinutes(30), endsAt: inMinutes(90), capacity: 1 });
    const attendee = await verifiedHcp();
    const waiting = await signInNewPatient(bff);
    const signed = await signUp(attendee.accessToken, meeting.id);
    await signUp(waiting.accessToken, meeting.id);
    const code = signed.body.myRegistration.checkInCode;
    const desk = await staffCall('POST', `/api/staff/meetings/${meeting.id}/check-in`, colleague.accessToken, { code });
    expect(desk.body).toMatchObject({
      alreadyCheckedIn: false,
      attendee: {
        customer: { id: attendee.customer.id, hcp: { hospital: '第九人民医院' } },
        checkedInVia: 'staff',
        checkedInAt: expect.any(String),
      },
    });
    const replay = await staffCall('POST', `/api/staff/meetings/${meeting.id}/check-in`, colleague.accessToken, {
      code,
    });
    expect(replay.body.alreadyCheckedIn).toBe(true);
    const waitingReg = await MeetingRegistrationModel.findOne({ customerId: waiting.customer.id }).lean();
    const refused = await staffCall('POST', `/api/staff/meetings/${meeting.id}/check-in`, colleague.accessToken, {
      code: waitingReg!.checkInCode,
    });
    expect(refused.body.error.code).toBe('MEETING_NOT_REGISTERED');
  });
});

describe('survey', () => {
  /** A published meeting with the survey, an attendee signed up and checked in; then the meeting ends. */
  async function attendedMeeting(options: { end: boolean }) {
    const meeting = await publishedMeeting({ startsAt: inMinutes(30), endsAt: inMinutes(90), survey: SURVEY });
    const patient = await signInNewPatient(bff);
    await signUp(patient.accessToken, meeting.id);
    expect((await venueCheckIn(patient.accessToken, meeting.key)).status).toBe(200);
    if (options.end) await moveMeetingToPast(meeting.id, 90, 1);
    return { meeting, patient };
  }
  const answer = (token: string, meetingId: string, answers: Record<string, unknown>) =>
    bff.call('POST', `/api/mp/meetings/${meetingId}/survey`, { token, body: { answers } });

  it('opens only after the meeting ends', async () => {
    const { meeting, patient } = await attendedMeeting({ end: false });
    const early = await answer(patient.accessToken, meeting.id, { q1: 5, q2: 0 });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('SURVEY_NOT_OPEN');
  });

  it('takes one answer per person and aggregates the results per question', async () => {
    const { meeting, patient } = await attendedMeeting({ end: true });
    const first = await answer(patient.accessToken, meeting.id, { q1: 4, q2: 0, q3: [2, 0], q4: ' 多一些病例 ' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ answered: true, answers: { q1: 4, q2: 0, q3: [0, 2], q4: '多一些病例' } });
    const second = await answer(patient.accessToken, meeting.id, { q1: 1, q2: 2 });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('SURVEY_ALREADY_ANSWERED');
    const results = await staffCall('GET', `/api/staff/meetings/${meeting.id}/survey-results`, rep.accessToken);
    expect(results.body.responses).toBe(1);
    expect(results.body.questions).toEqual([
      expect.objectContaining({ id: 'q1', answered: 1, rating: { counts: [0, 0, 0, 1, 0], average: 4 } }),
      expect.objectContaining({
        id: 'q2',
        options: [
          { label: '很有帮助', count: 1 },
          { label: '一般', count: 0 },
          { label: '没有帮助', count: 0 },
        ],
      }),
      expect.objectContaining({ id: 'q3', options: expect.arrayContaining([{ label: '修复', count: 1 }]) }),
      expect.objectContaining({ id: 'q4', texts: ['多一些病例'] }),
    ]);
  });

  it('checks each answer against its question', async () => {
    const { meeting, patient } = await attendedMeeting({ end: true });
    const invalid = await answer(patient.accessToken, meeting.id, { q1: 6, q3: [0, 1, 2], q4: 'x'.repeat(21), q9: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.map((detail: { path: string }) => detail.path).sort()).toEqual([
      'answers.q1',
      'answers.q2',
      'answers.q3',
      'answers.q4',
      'answers.q9',
    ]);
    expect((await answer(patient.accessToken, meeting.id, { q1: 5, q2: 3 })).body.error.details).toEqual([
      expect.objectContaining({ path: 'answers.q2' }),
    ]);
  });

  it('is answered only by attendees who checked in', async () => {
    const meeting = await publishedMeeting({ startsAt: inMinutes(30), endsAt: inMinutes(90), survey: SURVEY });
    const absent = await signInNewPatient(bff);
    await signUp(absent.accessToken, meeting.id);
    await moveMeetingToPast(meeting.id, 90, 1);
    const survey = await bff.call('GET', `/api/mp/meetings/${meeting.id}/survey`, { token: absent.accessToken });
    expect(survey.body).toMatchObject({ open: true, eligible: false, answered: false });
    const refused = await answer(absent.accessToken, meeting.id, { q1: 5, q2: 0 });
    expect(refused.body.error.code).toBe('MEETING_NOT_REGISTERED');
  });
});

describe('records', () => {
  it('exports every attendee for compliance: HCP details, masked phone, times, survey completion; the export is audited', async () => {
    const meeting = await publishedMeeting({
      audience: 'hcp',
      startsAt: inMinutes(30),
      endsAt: inMinutes(90),
      survey: SURVEY,
    });
    const doctor = await verifiedHcp({ hospital: '华山医院', department: '口腔科', title: '副主任医师' });
    const invitedOnly = await verifiedHcp();
    await staffCall('POST', `/api/staff/meetings/${meeting.id}/invitations`, rep.accessToken, {
      customerIds: [doctor.customer.id, invitedOnly.customer.id],
    });
    await signUp(doctor.accessToken, meeting.id);
    await venueCheckIn(doctor.accessToken, meeting.key);
    await moveMeetingToPast(meeting.id, 90, 1);
    await bff.call('POST', `/api/mp/meetings/${meeting.id}/survey`, {
      token: doctor.accessToken,
      body: { answers: { q1: 5, q2: 0 } },
    });

    const exported = await bff.call('GET', `/api/staff/meetings/${meeting.id}/attendees/export`, {
      token: rep.accessToken,
    });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(exported.headers.get('content-disposition')).toContain(`meeting-${meeting.key}-attendees.csv`);
    const [header, ...rows] = (exported.body as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const columns = header!.split(',');
    const records = rows.map((row) => Object.fromEntries(row.split(',').map((value, i) => [columns[i], value])));
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      kind: 'hcp',
      phone: '138****5678',
      hospital: '华山医院',
      department: '口腔科',
      title: '副主任医师',
      hcpVerification: 'verified',
      status: 'confirmed',
      invited: 'true',
      checkedInVia: 'self',
      surveyCompleted: 'true',
    });
    expect(records[0]!.signedUpAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    expect(records[0]!.checkedInAt).toMatch(/\+08:00$/);
    expect(records[1]).toMatchObject({ status: 'invited', hospital: '第九人民医院', signedUpAt: '' });
    expect(exported.body).not.toContain('13812345678');

    const audit = await AuditEntryModel.findOne({ action: 'meeting.attendees_exported', subjectId: meeting.id }).lean();
    expect(audit).toMatchObject({ actorId: rep.staff.id, subjectKind: 'meeting', details: { rows: 2 } });
    const numbers = await staffCall('GET', `/api/staff/meetings/${meeting.id}`, rep.accessToken);
    expect(numbers.body.counts).toEqual({
      invited: 2,
      signedUp: 1,
      awaitingPayment: 0,
      waitlisted: 0,
      cancelled: 0,
      checkedIn: 1,
      surveyed: 1,
    });
  });

  it('puts invitation, sign-up, check-in and survey answer on the HCP’s timeline, once each', async () => {
    const meeting = await publishedMeeting({
      audience: 'hcp',
      startsAt: inMinutes(30),
      endsAt: inMinutes(90),
      survey: SURVEY,
    });
    const doctor = await verifiedHcp();
    await staffCall('POST', `/api/staff/meetings/${meeting.id}/invitations`, rep.accessToken, {
      customerIds: [doctor.customer.id],
    });
    await signUp(doctor.accessToken, meeting.id);
    await signUp(doctor.accessToken, meeting.id);
    await venueCheckIn(doctor.accessToken, meeting.key);
    await venueCheckIn(doctor.accessToken, meeting.key);
    await moveMeetingToPast(meeting.id, 90, 1);
    const body = { answers: { q1: 5, q2: 0 } };
    await bff.call('POST', `/api/mp/meetings/${meeting.id}/survey`, { token: doctor.accessToken, body });
    await bff.call('POST', `/api/mp/meetings/${meeting.id}/survey`, { token: doctor.accessToken, body });
    const timeline = await staffCall(
      'GET',
      `/api/staff/customers/${doctor.customer.id}/timeline?types=meeting.invited,meeting.signed_up,meeting.checked_in,meeting.survey_answered`,
      rep.accessToken,
    );
    expect(timeline.body.items.map((item: { type: string }) => item.type).sort()).toEqual([
      'meeting.checked_in',
      'meeting.invited',
      'meeting.signed_up',
      'meeting.survey_answered',
    ]);
    expect(timeline.body.items[0].properties).toMatchObject({ meetingId: meeting.id, title: '口腔种植学术会' });
  });

  it('sends the reminder once to a confirmed attendee who allowed it, and none to one who did not', async () => {
    const meeting = await publishedMeeting();
    const templateId = bff.config.wechat.meetingReminderTemplateId;
    const appointmentTemplateId = bff.config.wechat.reminderTemplateId;
    const allowed = await signInNewPatient(bff);
    const silent = await signInNewPatient(bff);
    // Both allowed the appointment reminder; only one allowed the meeting reminder.
    for (const [patient, ids] of [
      [allowed, [templateId, appointmentTemplateId]],
      [silent, [appointmentTemplateId]],
    ] as const) {
      await bff.call('POST', '/sandbox/control/wechat/subscribe', {
        body: { openid: patient.openid, templateIds: ids },
      });
      await bff.call('POST', '/api/mp/subscriptions', {
        token: patient.accessToken,
        body: { acceptedTemplateIds: ids },
      });
    }
    const detail = await bff.call('GET', `/api/mp/meetings/${meeting.id}`, { token: allowed.accessToken });
    expect(detail.body.reminderTemplateId).toBe(templateId);
    await signUp(allowed.accessToken, meeting.id);
    await signUp(silent.accessToken, meeting.id);
    const stored = await MeetingModel.findById(meeting.id).lean();
    const evening = new Date(stored!.startsAt.getTime() - 2 * 3_600_000);
    await Promise.all([sendDueMeetingReminders(bff.deps, evening), sendDueMeetingReminders(bff.deps, evening)]);
    await sendDueMeetingReminders(bff.deps, evening);
    const messages = await bff.call('GET', `/sandbox/control/wechat/users/${allowed.openid}/subscribe-messages`);
    expect(messages.body).toEqual([
      expect.objectContaining({
        templateId,
        page: `subpackages/meetings/pages/detail/index?id=${meeting.id}`,
        data: expect.objectContaining({ thing1: { value: '口腔种植学术会' }, thing3: { value: '三楼会议室' } }),
      }),
    ]);
    const none = await bff.call('GET', `/sandbox/control/wechat/users/${silent.openid}/subscribe-messages`);
    expect(none.body).toEqual([]);
    expect((await MeetingRegistrationModel.findOne({ customerId: silent.customer.id }).lean())!.reminder).toBe(
      'no_credit',
    );
    // The meeting template's credit was spent; the appointment reminder's credits are untouched.
    for (const patient of [allowed, silent]) {
      const left = await bff.call('GET', '/api/mp/subscriptions', { token: patient.accessToken });
      expect(left.body.credits[appointmentTemplateId]).toBe(1);
      expect(left.body.credits[templateId] ?? 0).toBe(0);
    }
  });

  it('keeps one registration when two profiles that signed up are merged, and gives the freed place to the next in line', async () => {
    const meeting = await publishedMeeting({ capacity: 2 });
    const [older, newer, waiting] = await signInPatientsOldestFirst(bff, 3);
    await signUp(older!.accessToken, meeting.id);
    await signUp(newer!.accessToken, meeting.id);
    await signUp(waiting!.accessToken, meeting.id);
    await mergeCustomers(org, older!.customer.id, newer!.customer.id, { rule: 'staff_confirmed', details: {} });
    const regs = await MeetingRegistrationModel.find({ meetingId: meeting.id }).lean();
    expect(regs.filter((reg) => String(reg.customerId) === older!.customer.id)).toHaveLength(1);
    expect(regs.filter((reg) => String(reg.customerId) === newer!.customer.id)).toHaveLength(0);
    expect((await MeetingModel.findById(meeting.id).lean())!.queue).toHaveLength(2);
    const promoted = await bff.call('GET', `/api/mp/meetings/${meeting.id}`, { token: waiting!.accessToken });
    expect(promoted.body.myRegistration.status).toBe('confirmed');
  });

  it('puts the customer’s registrations and survey answers in their data export', async () => {
    const meeting = await publishedMeeting({ startsAt: inMinutes(30), endsAt: inMinutes(90), survey: SURVEY });
    const patient = await signInNewPatient(bff);
    await signUp(patient.accessToken, meeting.id);
    await venueCheckIn(patient.accessToken, meeting.key);
    await moveMeetingToPast(meeting.id, 90, 1);
    await bff.call('POST', `/api/mp/meetings/${meeting.id}/survey`, {
      token: patient.accessToken,
      body: { answers: { q1: 3, q2: 1, q4: '茶歇' } },
    });
    const exported = await bff.call('GET', '/api/mp/me/export', { token: patient.accessToken });
    expect(exported.body.sections['meeting-registrations']).toEqual([
      expect.objectContaining({ meetingId: meeting.id, meeting: '口腔种植学术会', status: 'confirmed' }),
    ]);
    expect(exported.body.sections['meeting-survey-answers']).toEqual([
      expect.objectContaining({ meetingId: meeting.id, answers: { q1: 3, q2: 1, q4: '茶歇' } }),
    ]);
  });

  it('serves the venue’s mini-program code, generated once', async () => {
    const meeting = await publishedMeeting();
    const generate = vi.spyOn(bff.deps.wechat, 'miniProgramCode');
    const first = await bff.call('GET', `/api/staff/meetings/${meeting.id}/venue-code`, { token: rep.accessToken });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/png');
    const again = await fetch(`${bff.url}/api/staff/meetings/${meeting.id}/venue-code`, {
      headers: { authorization: `Bearer ${rep.accessToken}` },
    });
    const bytes = Buffer.from(await again.arrayBuffer());
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(generate.mock.calls.map(([input]) => input.scene)).toEqual([meeting.key]);
    generate.mockRestore();
    const detail = await staffCall('GET', `/api/staff/meetings/${meeting.id}`, rep.accessToken);
    expect(detail.body.venueCode).toEqual({
      imageUrl: `/api/staff/meetings/${meeting.id}/venue-code`,
      page: 'subpackages/meetings/pages/checkin/index',
      scene: meeting.key,
    });
  });
});
