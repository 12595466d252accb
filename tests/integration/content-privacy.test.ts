/**
 * What content holds about a person, over real HTTP: the export lists their reading and sharing; the erasure leaves
 * nothing that leads back to them (sidebar reading view, share tokens, other readers' attributions, the referral
 * event naming them) while every per-content total and the sharing leaderboard stay as they were. And
 * `referral.converted`: recorded on a customer whose share brought a new customer, once per customer brought.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ContentReadModel,
  ContentReaderModel,
  ContentReferralModel,
  ContentShareModel,
} from '../../bff/src/content/model';
import { openRead } from '../../bff/src/content/tracking';
import { NEW_CUSTOMER_WINDOW_MS } from '../../bff/src/campaigns/attribution';
import { EventModel } from '../../bff/src/events/model';
import { privacyContributors } from '../../bff/src/privacy/contributors';
import { publishContent, signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let org: string;
let manager: { accessToken: string; staff: { id: string; organisation: { id: string } } };
let consultant: { accessToken: string; staff: { id: string } };

beforeAll(async () => {
  bff = await startTestBff('content-privacy');
  manager = await signInStaff(bff, 'lina');
  org = manager.staff.organisation.id;
  consultant = await signInStaff(bff, 'zhangwei');
});
afterAll(() => bff?.close());

type Patient = Awaited<ReturnType<typeof signInNewPatient>>;
let counter = 0;
const requestId = () => `req-${Date.now().toString(36)}-${(counter += 1)}`;

const published = () =>
  publishContent(bff, consultant, manager, {
    kind: 'article',
    title: `隐私测试 ${(counter += 1)}`,
    summary: '摘要',
    category: 'hygiene',
    audience: 'patient',
    body: '<p>正文</p>',
  });

async function open(patient: Patient, contentId: string, shareToken?: string, id = requestId()) {
  const response = await bff.call('POST', `/api/mp/content/${contentId}/read`, {
    token: patient.accessToken,
    body: { requestId: id, ...(shareToken && { shareToken }) },
  });
  expect(response.status).toBe(201);
  return response.body as { readId: string; attributed: boolean };
}

async function read(patient: Patient, contentId: string, shareToken?: string) {
  const { readId } = await open(patient, contentId, shareToken);
  const finished = await bff.call('POST', `/api/mp/content/${contentId}/read/${readId}/finish`, {
    token: patient.accessToken,
    body: { scrollPercent: 100 },
  });
  expect(finished.status).toBe(200);
}

async function customerShare(patient: Patient, contentId: string): Promise<string> {
  const response = await bff.call('POST', `/api/mp/content/${contentId}/share`, {
    token: patient.accessToken,
    body: { target: 'friend' },
  });
  expect(response.status).toBe(200);
  return response.body.shareToken as string;
}

async function staffShare(contentId: string): Promise<string> {
  const response = await bff.call('POST', `/api/staff/content/${contentId}/share`, {
    token: consultant.accessToken,
    body: {},
  });
  expect(response.status).toBe(200);
  return response.body.shareToken as string;
}

const reading = async (customerId: string) => {
  const response = await bff.call('GET', `/api/staff/customers/${customerId}/content-reading`, {
    token: consultant.accessToken,
  });
  expect(response.status).toBe(200);
  return response.body;
};

const results = async (contentId: string) =>
  (await bff.call('GET', `/api/staff/content/${contentId}/results`, { token: consultant.accessToken })).body;

const leaderboard = async (contentId?: string) =>
  (
    await bff.call('GET', `/api/staff/content/share-leaderboard${contentId ? `?contentId=${contentId}` : ''}`, {
      token: manager.accessToken,
    })
  ).body;

const conversions = async (customerId: string) =>
  (
    await bff.call('GET', `/api/staff/customers/${customerId}/timeline?types=referral.converted`, {
      token: consultant.accessToken,
    })
  ).body.items as { type: string; properties: Record<string, unknown> }[];

const erase = async (patient: Patient) => {
  const response = await bff.call('POST', '/api/mp/me/erasure', {
    token: patient.accessToken,
    body: { confirm: true },
  });
  expect(response.status).toBe(200);
  return response.body;
};

/** Every content record in which a customer id appears, in any role. */
async function recordsNaming(customerId: string) {
  const [reads, readers, referrals, shares] = await Promise.all([
    ContentReadModel.find({
      $or: [{ customerId }, { 'sharer.id': customerId }, { requestKey: { $regex: customerId } }],
    }).lean(),
    ContentReaderModel.find({ $or: [{ customerId }, { 'sharer.id': customerId }] }).lean(),
    ContentReferralModel.find({ $or: [{ customerId }, { referrerId: customerId }] }).lean(),
    ContentShareModel.find({ sharerId: customerId }).lean(),
  ]);
  return [...reads, ...readers, ...referrals, ...shares];
}

/** A snapshot of every content record of some content items, for comparing before and after. */
async function contentRecords(contentIds: string[]) {
  const filter = { contentId: { $in: contentIds } };
  const sorted = <T extends { _id: unknown }>(docs: T[]) =>
    docs.sort((a, b) => String(a._id).localeCompare(String(b._id)));
  return {
    reads: sorted(await ContentReadModel.find(filter).lean()),
    readers: sorted(await ContentReaderModel.find(filter).lean()),
    referrals: sorted(await ContentReferralModel.find(filter).lean()),
    shares: sorted(await ContentShareModel.find(filter).lean()),
  };
}

/**
 * A reader brought by the consultant's share who reads and finishes, shares it on, and brings a new reader with
 * their own share: the person whose data the tests erase, with records in every role.
 */
async function personWithReadingAndSharing() {
  const contentId = await published();
  const staffToken = await staffShare(contentId);
  const person = await signInNewPatient(bff);
  await read(person, contentId, staffToken);
  await open(person, contentId);
  const token = await customerShare(person, contentId);
  await customerShare(person, contentId);
  const friend = await signInNewPatient(bff);
  expect((await open(friend, contentId, token)).attributed).toBe(true);
  return { contentId, person, friend, token };
}

describe('export', () => {
  it('lists the customer’s reads, shares, who brought them and when they brought someone', async () => {
    const { contentId, person, friend } = await personWithReadingAndSharing();
    const exported = await bff.call('GET', '/api/mp/me/export', { token: person.accessToken });
    expect(exported.status).toBe(200);
    const section = exported.body.sections.content;
    expect(section.reads).toEqual([
      expect.objectContaining({ contentId, category: 'hygiene', cameThroughShare: true, maxScrollPercent: 100 }),
      expect.objectContaining({ contentId, cameThroughShare: false, finishedAt: null }),
    ]);
    expect(section.reads[0].finishedAt).not.toBeNull();
    expect(section.reads[0].title).toMatch(/^隐私测试/);
    expect(section.shares).toEqual([expect.objectContaining({ contentId, times: 2 })]);
    expect(section.broughtBy).toEqual(expect.objectContaining({ kind: 'staff', contentId }));
    expect(section.customersBrought).toEqual([expect.objectContaining({ contentId })]);
    // The customer they brought is someone else: never named in their export.
    expect(JSON.stringify(section)).not.toContain(friend.customer.id);
  });
});

describe('erasure', () => {
  it('leaves nothing in content that names the person, and the sidebar shows no reading for them', async () => {
    const { person, friend } = await personWithReadingAndSharing();
    expect((await reading(person.customer.id)).reads).toHaveLength(2);
    expect(await recordsNaming(person.customer.id)).not.toHaveLength(0);

    await erase(person);

    expect(await reading(person.customer.id)).toEqual({ referral: null, reads: [] });
    expect(await recordsNaming(person.customer.id)).toEqual([]);
    // The friend they brought still came through a share, by someone who is no longer them.
    const friendView = await reading(friend.customer.id);
    expect(friendView.referral).toMatchObject({ by: { kind: 'customer', name: null } });
    expect(friendView.referral.by.id).not.toBe(person.customer.id);
    expect(friendView.reads[0].sharedBy).toMatchObject({ kind: 'customer' });
    expect(friendView.reads[0].sharedBy.id).not.toBe(person.customer.id);
  });

  it('keeps every per-content total and the sharing leaderboard as they were', async () => {
    const { contentId, person } = await personWithReadingAndSharing();
    const [before, boardBefore, allBoardBefore] = [
      await results(contentId),
      await leaderboard(contentId),
      await leaderboard(),
    ];
    expect(before).toMatchObject({ opens: 3, uniqueReaders: 2, finishes: 1, shares: 3 });
    expect(boardBefore.items).toEqual([expect.objectContaining({ readersReached: 1, newCustomers: 1, shares: 1 })]);

    await erase(person);

    expect(await results(contentId)).toEqual(before);
    expect(await leaderboard(contentId)).toEqual(boardBefore);
    expect(await leaderboard()).toEqual(allBoardBefore);
  });

  it('makes the person’s share tokens stop resolving: a later reader through their link is not attributed', async () => {
    const { contentId, person, token } = await personWithReadingAndSharing();
    await erase(person);
    expect(await ContentShareModel.exists({ token })).toBeNull();
    const later = await signInNewPatient(bff);
    expect((await open(later, contentId, token)).attributed).toBe(false);
    expect((await reading(later.customer.id)).referral).toBeNull();
  });

  it('takes the erased customer’s id off the referral.converted of the customer who brought them, keeping the count', async () => {
    const { contentId, person, friend } = await personWithReadingAndSharing();
    expect(await conversions(person.customer.id)).toEqual([
      expect.objectContaining({ properties: { referredCustomerId: friend.customer.id, contentId } }),
    ]);
    await erase(friend);
    expect(await conversions(person.customer.id)).toEqual([expect.objectContaining({ properties: { contentId } })]);
  });

  it('refuses new reading and sharing with an access token that outlived the erasure', async () => {
    const { contentId, person } = await personWithReadingAndSharing();
    await erase(person);
    const opened = await bff.call('POST', `/api/mp/content/${contentId}/read`, {
      token: person.accessToken,
      body: { requestId: requestId() },
    });
    expect(opened.status).toBe(401);
    const shared = await bff.call('POST', `/api/mp/content/${contentId}/share`, {
      token: person.accessToken,
      body: { target: 'friend' },
    });
    expect(shared.status).toBe(401);
    expect(await recordsNaming(person.customer.id)).toEqual([]);
  });

  it('changes nothing when it runs a second time', async () => {
    const { contentId, person } = await personWithReadingAndSharing();
    await erase(person);
    const after = await contentRecords([contentId]);
    const content = privacyContributors().find((contributor) => contributor.name === 'content')!;
    await content.erase({ organisationId: org, customerId: person.customer.id });
    await erase(person);
    expect(await contentRecords([contentId])).toEqual(after);
  });
});

describe('referral.converted', () => {
  it('is recorded once on the sharing customer when their share brings a new customer, however often they read', async () => {
    const contentId = await published();
    const sharer = await signInNewPatient(bff);
    const token = await customerShare(sharer, contentId);
    const newcomer = await signInNewPatient(bff);
    const retried = requestId();
    await open(newcomer, contentId, token, retried);
    await open(newcomer, contentId, token, retried);
    await open(newcomer, contentId, token);
    const otherContent = await published();
    await open(newcomer, otherContent, await customerShare(sharer, otherContent));

    expect(await conversions(sharer.customer.id)).toEqual([
      expect.objectContaining({
        type: 'referral.converted',
        properties: { referredCustomerId: newcomer.customer.id, contentId },
      }),
    ]);
    expect((await reading(newcomer.customer.id)).referral).toMatchObject({
      by: { kind: 'customer', id: sharer.customer.id },
      contentId,
    });
  });

  it('is not recorded for a customer whose profile existed longer than the new-customer window before the read', async () => {
    const contentId = await published();
    const sharer = await signInNewPatient(bff);
    const token = await customerShare(sharer, contentId);
    const existing = await signInNewPatient(bff);
    const progress = await openRead({
      organisationId: org,
      customerId: existing.customer.id,
      sessionCustomerId: existing.customer.id,
      contentId,
      requestId: requestId(),
      shareToken: token,
      now: new Date(Date.now() + NEW_CUSTOMER_WINDOW_MS + 5 * 60_000),
    });
    expect(progress.attributed).toBe(true);
    expect(await conversions(sharer.customer.id)).toEqual([]);
    expect((await reading(existing.customer.id)).referral).toBeNull();
  });

  it('is not recorded when a customer opens their own share', async () => {
    const contentId = await published();
    const sharer = await signInNewPatient(bff);
    const token = await customerShare(sharer, contentId);
    expect((await open(sharer, contentId, token)).attributed).toBe(false);
    expect(await conversions(sharer.customer.id)).toEqual([]);
  });

  it('is not recorded for a staff member’s share, which counts on the leaderboard instead', async () => {
    const contentId = await published();
    const token = await staffShare(contentId);
    const newcomer = await signInNewPatient(bff);
    await open(newcomer, contentId, token);
    expect((await leaderboard(contentId)).items).toEqual([expect.objectContaining({ newCustomers: 1 })]);
    expect(
      await EventModel.countDocuments({
        type: 'referral.converted',
        'properties.referredCustomerId': newcomer.customer.id,
      }),
    ).toBe(0);
  });
});
