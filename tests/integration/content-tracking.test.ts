/**
 * Reading content over real HTTP: dwell, scroll and finish tracking, the timeline, sharing with attribution to staff
 * (全员营销) and the leaderboard, results per content, readers who booked within the attribution window, merges.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentReadModel, ContentReaderModel } from '../../bff/src/content/model';
import { finishRead, heartbeat, openRead } from '../../bff/src/content/tracking';
import { repairBookingsAfterReading } from '../../bff/src/content/results';
import { mergeCustomers } from '../../bff/src/identity/merge';
import { listAuditForSubject } from '../../bff/src/audit/service';
import { publishContent, signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let org: string;
let manager: { accessToken: string; staff: { id: string; organisation: { id: string } } };
let consultant: { accessToken: string; staff: { id: string } };
let otherConsultant: { accessToken: string; staff: { id: string } };

beforeAll(async () => {
  bff = await startTestBff('content-tracking');
  manager = await signInStaff(bff, 'lina');
  org = manager.staff.organisation.id;
  consultant = await signInStaff(bff, 'zhangwei');
  otherConsultant = await signInStaff(bff, 'wangfang');
});
afterAll(() => bff?.close());

type Patient = Awaited<ReturnType<typeof signInNewPatient>>;
let counter = 0;
const requestId = () => `req-${Date.now().toString(36)}-${(counter += 1)}`;

const published = (overrides: Record<string, unknown> = {}) =>
  publishContent(bff, consultant, manager, {
    kind: 'article',
    title: `追踪测试 ${(counter += 1)}`,
    summary: '摘要',
    coverUrl: 'https://cdn.example.com/cover.png',
    category: 'ortho',
    audience: 'patient',
    body: '<p>正文</p>',
    ...overrides,
  });

async function open(patient: Patient, contentId: string, shareToken?: string) {
  const response = await bff.call('POST', `/api/mp/content/${contentId}/read`, {
    token: patient.accessToken,
    body: { requestId: requestId(), ...(shareToken && { shareToken }) },
  });
  expect(response.status).toBe(201);
  return response.body as { readId: string; attributed: boolean; dwellSeconds: number };
}

const later = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000);

/** Beats with the clock at `seconds` after the read was opened (the server's clock is injected). */
async function beatAt(patient: Patient, contentId: string, readId: string, seconds: number, claim: number) {
  const read = await ContentReadModel.findById(readId).lean();
  return heartbeat({
    organisationId: org,
    customerId: patient.customer.id,
    contentId,
    readId,
    seconds: claim,
    now: later(read!.openedAt, seconds),
  });
}

const results = async (contentId: string, query = '') => {
  const response = await bff.call('GET', `/api/staff/content/${contentId}/results${query}`, {
    token: consultant.accessToken,
  });
  expect(response.status).toBe(200);
  return response.body;
};

const staffShare = async (token: string, contentId: string, body: Record<string, unknown> = {}) =>
  bff.call('POST', `/api/staff/content/${contentId}/share`, { token, body });

describe('reading', () => {
  it('accumulates dwell from heartbeats, at most 30 s a beat and nothing after a long gap', async () => {
    const contentId = await published();
    const patient = await signInNewPatient(bff);
    const { readId } = await open(patient, contentId);
    expect((await beatAt(patient, contentId, readId, 10, 10)).credited).toBe(10);
    expect((await beatAt(patient, contentId, readId, 70, 60)).credited).toBe(30); // bounded per beat
    expect((await beatAt(patient, contentId, readId, 300, 15)).credited).toBe(0); // after a 230 s gap
    const resumed = await beatAt(patient, contentId, readId, 312, 12);
    expect(resumed).toMatchObject({ credited: 12, dwellSeconds: 52 });
  });

  it('never credits more than the time that passed, however much a beat claims', async () => {
    const contentId = await published();
    const patient = await signInNewPatient(bff);
    const { readId } = await open(patient, contentId);
    const beat = await bff.call('POST', `/api/mp/content/${contentId}/read/${readId}/heartbeat`, {
      token: patient.accessToken,
      body: { seconds: 30, scrollPercent: 10 },
    });
    expect(beat.status).toBe(200);
    expect(beat.body).toMatchObject({ credited: 0, dwellSeconds: 0, maxScrollPercent: 10 });
  });

  it('credits two beats sent at the same moment once', async () => {
    const contentId = await published();
    const patient = await signInNewPatient(bff);
    const { readId } = await open(patient, contentId);
    const beats = await Promise.all(Array.from({ length: 5 }, () => beatAt(patient, contentId, readId, 15, 15)));
    expect(beats.map((beat) => beat.credited).sort((a, b) => b - a)).toEqual([15, 0, 0, 0, 0]);
    expect((await ContentReadModel.findById(readId).lean())!.dwellSeconds).toBe(15);
  });

  it('keeps the deepest scroll, finishes once, and puts opening and finishing on the timeline with the category', async () => {
    const contentId = await published({ category: 'implant', title: '种植后的第一周' });
    const patient = await signInNewPatient(bff);
    const { readId } = await open(patient, contentId);
    for (const scrollPercent of [40, 20]) {
      await bff.call('POST', `/api/mp/content/${contentId}/read/${readId}/heartbeat`, {
        token: patient.accessToken,
        body: { seconds: 5, scrollPercent },
      });
    }
    expect((await ContentReadModel.findById(readId).lean())!.maxScrollPercent).toBe(40);
    for (let repeat = 0; repeat < 2; repeat += 1) {
      const finish = await bff.call('POST', `/api/mp/content/${contentId}/read/${readId}/finish`, {
        token: patient.accessToken,
        body: { scrollPercent: 95 },
      });
      expect(finish.body).toMatchObject({ finished: true, maxScrollPercent: 95 });
    }
    const timeline = await bff.call(
      'GET',
      `/api/staff/customers/${patient.customer.id}/timeline?types=content.opened,content.finished`,
      { token: consultant.accessToken },
    );
    expect(
      timeline.body.items.map((item: { type: string; properties: unknown }) => [item.type, item.properties]),
    ).toEqual([
      ['content.finished', { contentId, category: 'implant', title: '种植后的第一周' }],
      ['content.opened', { contentId, category: 'implant', title: '种植后的第一周' }],
    ]);
  });

  it('answers a retried open with the same read', async () => {
    const contentId = await published();
    const patient = await signInNewPatient(bff);
    const body = { requestId: requestId() };
    const [first, second] = await Promise.all(
      [0, 1].map(() => bff.call('POST', `/api/mp/content/${contentId}/read`, { token: patient.accessToken, body })),
    );
    expect(first!.body.readId).toBe(second!.body.readId);
    expect((await results(contentId)).opens).toBe(1);
  });

  it('does not let a customer beat on another customer’s read', async () => {
    const contentId = await published();
    const reader = await signInNewPatient(bff);
    const intruder = await signInNewPatient(bff);
    const { readId } = await open(reader, contentId);
    const beat = await bff.call('POST', `/api/mp/content/${contentId}/read/${readId}/heartbeat`, {
      token: intruder.accessToken,
      body: { seconds: 10 },
    });
    expect(beat.status).toBe(404);
  });
});

describe('results per content', () => {
  it('counts opens, unique readers, average dwell, finish rate and shares', async () => {
    const contentId = await published();
    const [alice, bob] = [await signInNewPatient(bff), await signInNewPatient(bff)];
    const first = await open(alice, contentId);
    await beatAt(alice, contentId, first.readId, 20, 20);
    const again = await open(alice, contentId);
    await beatAt(alice, contentId, again.readId, 10, 10);
    const third = await open(bob, contentId);
    await beatAt(bob, contentId, third.readId, 30, 30);
    for (const [patient, readId] of [
      [alice, first.readId],
      [bob, third.readId],
    ] as const) {
      await finishRead({ organisationId: org, customerId: patient.customer.id, contentId, readId });
    }
    const share = await bff.call('POST', `/api/mp/content/${contentId}/share`, {
      token: alice.accessToken,
      body: { target: 'friend' },
    });
    expect(share.body.path).toBe(`subpackages/content/pages/detail/index?id=${contentId}&st=${share.body.shareToken}`);
    await staffShare(consultant.accessToken, contentId);

    expect(await results(contentId)).toEqual({
      contentId,
      opens: 3,
      uniqueReaders: 2,
      averageDwellSeconds: 20,
      finishes: 2,
      finishRate: 0.67,
      shares: 2,
      bookedReaders: 0,
      windowDays: 7,
    });
  });

  it('counts a reader who read on two profiles once after the profiles are merged', async () => {
    const contentId = await published();
    const [one, two] = [await signInNewPatient(bff), await signInNewPatient(bff)];
    await open(one, contentId);
    await open(two, contentId);
    expect((await results(contentId)).uniqueReaders).toBe(2);
    await mergeCustomers(org, one.customer.id, two.customer.id, { rule: 'staff_confirmed', details: {} });
    expect(await results(contentId)).toMatchObject({ opens: 2, uniqueReaders: 1 });
  });
});

describe('readers who later booked', () => {
  let clinicId: string;
  let serviceId: string;
  let day = 0;
  beforeAll(async () => {
    const patient = await signInNewPatient(bff);
    const clinics = await bff.call('GET', '/api/mp/clinics', { token: patient.accessToken });
    const clinic = clinics.body.items.find((item: { name: string }) => item.name.startsWith('静安'));
    clinicId = clinic.id;
    const services = await bff.call('GET', `/api/mp/clinics/${clinicId}/services`, { token: patient.accessToken });
    serviceId = services.body.items.find((item: { depositFen: number }) => item.depositFen === 0).id;
  });

  /** Books the first free slot of a fresh day through the appointments API (which records appointment.booked). */
  async function book(patient: Patient) {
    const date = DateTime.now()
      .setZone('Asia/Shanghai')
      .plus({ days: (day += 1) })
      .toISODate();
    const slots = await bff.call('GET', `/api/mp/clinics/${clinicId}/slots?date=${date}&serviceId=${serviceId}`, {
      token: patient.accessToken,
    });
    const booked = await bff.call('POST', '/api/mp/appointments', {
      token: patient.accessToken,
      body: { slotId: slots.body.items[0].id, serviceId },
    });
    expect(booked.status).toBe(201);
  }

  it('counts a booking within the window after reading, and one outside it only with a wider window', async () => {
    const contentId = await published();
    const [recent, longAgo, never] = [
      await signInNewPatient(bff),
      await signInNewPatient(bff),
      await signInNewPatient(bff),
    ];
    await open(recent, contentId);
    await openRead({
      organisationId: org,
      customerId: longAgo.customer.id,
      sessionCustomerId: longAgo.customer.id,
      contentId,
      requestId: requestId(),
      now: DateTime.now().minus({ days: 10 }).toJSDate(),
    });
    await open(never, contentId);
    await book(recent);
    await book(longAgo);

    expect((await results(contentId)).bookedReaders).toBe(1);
    expect(await results(contentId, '?windowDays=14')).toMatchObject({ bookedReaders: 2, windowDays: 14 });
    const setting = await bff.call('PUT', '/api/staff/content/settings', {
      token: manager.accessToken,
      body: { attributionWindowDays: 14 },
    });
    expect(setting.body).toEqual({ attributionWindowDays: 14 });
    expect(await results(contentId)).toMatchObject({ bookedReaders: 2, windowDays: 14 });
    await bff.call('PUT', '/api/staff/content/settings', {
      token: manager.accessToken,
      body: { attributionWindowDays: 7 },
    });
  });

  it('does not count a booking made before the reading', async () => {
    const contentId = await published();
    const patient = await signInNewPatient(bff);
    await book(patient);
    await open(patient, contentId);
    expect((await results(contentId)).bookedReaders).toBe(0);
  });

  it('finds a booking whose subscriber call was lost in the repair pass', async () => {
    const contentId = await published();
    const patient = await signInNewPatient(bff);
    await open(patient, contentId);
    await book(patient);
    await ContentReaderModel.updateMany({ contentId }, { $unset: { minBookingLagMs: 1 } });
    expect((await results(contentId)).bookedReaders).toBe(0);
    await repairBookingsAfterReading();
    expect((await results(contentId)).bookedReaders).toBe(1);
  });
});

describe('staff sharing (全员营销)', () => {
  it('answers what the sidebar sends into the chat: a news card and a mini-program card carrying the token', async () => {
    const contentId = await published({ title: '矫正须知', summary: '五件事' });
    const share = await staffShare(consultant.accessToken, contentId);
    expect(share.status).toBe(200);
    const token = share.body.shareToken;
    expect(token).toMatch(/^[A-Za-z0-9]{10}$/);
    const query = `id=${contentId}&st=${token}`;
    expect(share.body).toEqual({
      shareToken: token,
      path: `subpackages/content/pages/detail/index?${query}`,
      h5Url: `${bff.config.publicUrl}/m/#/subpackages/content/pages/detail/index?${query}`,
      news: {
        link: `${bff.config.publicUrl}/m/#/subpackages/content/pages/detail/index?${query}`,
        title: '矫正须知',
        desc: '五件事',
        imgUrl: 'https://cdn.example.com/cover.png',
      },
      miniprogram: {
        appid: bff.config.wechat.appId,
        title: '矫正须知',
        imgUrl: 'https://cdn.example.com/cover.png',
        page: `subpackages/content/pages/detail/index.html?${query}`,
      },
    });
    // The same staff member keeps one token for the content.
    expect((await staffShare(consultant.accessToken, contentId)).body.shareToken).toBe(token);
  });

  it('attributes a reader to the staff member whose share they opened first, and a new customer as brought by them', async () => {
    const contentId = await published();
    const zhang = (await staffShare(consultant.accessToken, contentId)).body.shareToken;
    const wang = (await staffShare(otherConsultant.accessToken, contentId)).body.shareToken;
    const newcomer = await signInNewPatient(bff);
    expect((await open(newcomer, contentId, zhang)).attributed).toBe(true);
    await open(newcomer, contentId, wang); // a second sharer does not take the reader over
    // A customer known for hours before opening a share is reached, but not brought.
    const regular = await signInNewPatient(bff);
    await openRead({
      organisationId: org,
      customerId: regular.customer.id,
      sessionCustomerId: regular.customer.id,
      contentId,
      requestId: requestId(),
      shareToken: wang,
      now: DateTime.now().plus({ hours: 2 }).toJSDate(),
    });

    const board = await bff.call('GET', `/api/staff/content/share-leaderboard?contentId=${contentId}`, {
      token: manager.accessToken,
    });
    expect(board.body.items).toEqual([
      { staff: { id: consultant.staff.id, name: '张伟' }, shares: 1, readersReached: 1, newCustomers: 1 },
      { staff: { id: otherConsultant.staff.id, name: '王芳' }, shares: 1, readersReached: 1, newCustomers: 0 },
    ]);

    const reading = await bff.call('GET', `/api/staff/customers/${newcomer.customer.id}/content-reading`, {
      token: otherConsultant.accessToken,
    });
    expect(reading.body.referral).toMatchObject({
      by: { kind: 'staff', id: consultant.staff.id, name: '张伟' },
      contentId,
    });
    expect(reading.body.reads).toHaveLength(2);
    const trail = await listAuditForSubject(org, { kind: 'customer', id: newcomer.customer.id });
    expect(trail.map((entry) => entry.action)).toContain('customer.content_reading_viewed');
  });

  it('ignores a share token of another content item and a customer’s own token', async () => {
    const [contentId, otherId] = [await published(), await published()];
    const foreign = (await staffShare(consultant.accessToken, otherId)).body.shareToken;
    const sharer = await signInNewPatient(bff);
    const own = await bff.call('POST', `/api/mp/content/${contentId}/share`, {
      token: sharer.accessToken,
      body: { target: 'group' },
    });
    expect((await open(sharer, contentId, own.body.shareToken)).attributed).toBe(false);
    const reader = await signInNewPatient(bff);
    expect((await open(reader, contentId, foreign)).attributed).toBe(false);
    const leaderboard = await bff.call('GET', `/api/staff/content/share-leaderboard?contentId=${contentId}`, {
      token: manager.accessToken,
    });
    expect(leaderboard.body.items).toEqual([]);
  });

  it('records a send into a customer’s chat on their timeline, audited, and sends HCP-only content only to verified HCPs', async () => {
    const contentId = await published({ title: '发送给客户' });
    const patient = await signInNewPatient(bff);
    const sent = await staffShare(consultant.accessToken, contentId, { customerId: patient.customer.id });
    expect(sent.status).toBe(200);
    const timeline = await bff.call('GET', `/api/staff/customers/${patient.customer.id}/timeline?types=content.sent`, {
      token: consultant.accessToken,
    });
    expect(timeline.body.items).toEqual([
      expect.objectContaining({
        type: 'content.sent',
        actor: consultant.staff.id,
        properties: { contentId, category: 'ortho', title: '发送给客户' },
      }),
    ]);
    const trail = await listAuditForSubject(org, { kind: 'customer', id: patient.customer.id });
    expect(trail).toContainEqual(expect.objectContaining({ action: 'customer.content_sent', details: { contentId } }));

    const academic = await published({ audience: 'hcp', category: 'research' });
    const refused = await staffShare(consultant.accessToken, academic, { customerId: patient.customer.id });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('HCP_ONLY');
  });

  it('refuses to share content that is not published', async () => {
    const created = await bff.call('POST', '/api/staff/content', {
      token: consultant.accessToken,
      body: { kind: 'article', title: '草稿', category: 'ortho', audience: 'patient', body: '<p>x</p>' },
    });
    const share = await staffShare(consultant.accessToken, created.body.id);
    expect(share.status).toBe(409);
    expect(share.body.error.code).toBe('CONTENT_STATE_CONFLICT');
  });
});

describe('privacy', () => {
  it('exports the customer’s reads and shares', async () => {
    const contentId = await published({ category: 'hygiene' });
    const patient = await signInNewPatient(bff);
    await open(patient, contentId);
    await bff.call('POST', `/api/mp/content/${contentId}/share`, {
      token: patient.accessToken,
      body: { target: 'link' },
    });
    const exported = await bff.call('GET', '/api/mp/me/export', { token: patient.accessToken });
    expect(exported.body.sections.content).toMatchObject({
      reads: [{ contentId, category: 'hygiene', dwellSeconds: 0, finishedAt: null, cameThroughShare: false }],
      shares: [{ contentId, times: 1 }],
      broughtBy: null,
    });
  });
});
