/**
 * "A new customer brought by X" has one definition: a profile created at most NEW_CUSTOMER_WINDOW_MS before X first
 * reached it, whether X is a staff member's share (the leaderboard), a customer's share (`referral.converted`) or a
 * campaign (its new-customer counter). And a person brought twice under two profiles counts once after the merge.
 */
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEW_CUSTOMER_WINDOW_MS } from '../../bff/src/campaigns/attribution';
import { campaignCounters } from '../../bff/src/campaigns/stats';
import { ContentReferralModel } from '../../bff/src/content/model';
import { EventModel } from '../../bff/src/events/model';
import { CustomerModel } from '../../bff/src/identity/model';
import { mergeCustomers } from '../../bff/src/identity/merge';
import { mergeSteps } from '../../bff/src/identity/mergeSteps';
import { publishContent, signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let org: string;
let manager: { accessToken: string; staff: { id: string; organisation: { id: string } } };
let consultant: { accessToken: string; staff: { id: string } };
let posterChannelId: string;

beforeAll(async () => {
  bff = await startTestBff('content-referrals');
  manager = await signInStaff(bff, 'lina');
  org = manager.staff.organisation.id;
  consultant = await signInStaff(bff, 'zhangwei');
  const channels = await bff.call('GET', '/api/staff/channels', { token: manager.accessToken });
  posterChannelId = channels.body.items.find((channel: { kind: string }) => channel.kind === 'poster').id;
});
afterAll(() => bff?.close());

type Patient = Awaited<ReturnType<typeof signInNewPatient>>;
let counter = 0;
const uid = (prefix: string) => `${prefix}${Date.now().toString(36)}x${(counter += 1)}`;

const published = () =>
  publishContent(bff, consultant, manager, {
    kind: 'article',
    title: uid('新客'),
    summary: '摘要',
    category: 'hygiene',
    audience: 'patient',
    body: '<p>正文</p>',
  });

async function open(patient: Patient, contentId: string, shareToken: string) {
  const response = await bff.call('POST', `/api/mp/content/${contentId}/read`, {
    token: patient.accessToken,
    body: { requestId: uid('req-'), shareToken },
  });
  expect(response.status).toBe(201);
  expect(response.body.attributed).toBe(true);
}

async function share(path: string, token: string, body: unknown) {
  const response = await bff.call('POST', path, { token, body });
  expect(response.status).toBe(200);
  return response.body.shareToken as string;
}
const staffShare = (contentId: string) => share(`/api/staff/content/${contentId}/share`, consultant.accessToken, {});
const customerShare = (sharer: Patient, contentId: string) =>
  share(`/api/mp/content/${contentId}/share`, sharer.accessToken, { target: 'friend' });

/** A patient whose profile was created `ms` ago (createdAt is immutable through mongoose: set on the collection). */
async function patientCreatedAgo(ms: number) {
  const patient = await signInNewPatient(bff);
  await CustomerModel.collection.updateOne(
    { _id: new Types.ObjectId(patient.customer.id) },
    { $set: { createdAt: new Date(Date.now() - ms) } },
  );
  return patient;
}

const referral = async (customerId: string) =>
  (await bff.call('GET', `/api/staff/customers/${customerId}/content-reading`, { token: consultant.accessToken })).body
    .referral;

const staffNewCustomers = async (contentId: string) =>
  (
    await bff.call('GET', `/api/staff/content/share-leaderboard?contentId=${contentId}`, {
      token: manager.accessToken,
    })
  ).body.items.reduce((sum: number, item: { newCustomers: number }) => sum + item.newCustomers, 0);

const conversions = (sharerId: string) =>
  EventModel.countDocuments({ customerId: new Types.ObjectId(sharerId), type: 'referral.converted' });

async function campaignNewCustomers(patient: Patient) {
  const campaign = await bff.call('POST', '/api/staff/campaigns', {
    token: manager.accessToken,
    body: {
      name: uid('活动'),
      channelId: posterChannelId,
      landing: { title: '洗牙', description: '静安店' },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      codes: { miniProgram: true, contactMe: false },
    },
  });
  expect(campaign.status).toBe(201);
  const scanned = await bff.call('POST', `/api/mp/campaigns/${campaign.body.key}/scan`, {
    token: patient.accessToken,
    body: { scanId: uid('scan') },
  });
  expect(scanned.status).toBeLessThan(300);
  return (await campaignCounters(org, campaign.body.id)).newCustomers;
}

/** A staff share, a customer share and a campaign, each reaching its own patient created `ago` before. */
async function broughtBy(ago: number) {
  const contentId = await published();
  const byStaff = await patientCreatedAgo(ago);
  await open(byStaff, contentId, await staffShare(contentId));
  const sharer = await signInNewPatient(bff);
  const byCustomer = await patientCreatedAgo(ago);
  await open(byCustomer, contentId, await customerShare(sharer, contentId));
  const byCampaign = await patientCreatedAgo(ago);
  return {
    staff: { leaderboard: await staffNewCustomers(contentId), referral: await referral(byStaff.customer.id) },
    customer: { conversions: await conversions(sharer.customer.id), referral: await referral(byCustomer.customer.id) },
    campaign: await campaignNewCustomers(byCampaign),
  };
}

describe('the new-customer window', () => {
  it('counts a profile created 20 minutes before as new for a staff share, a customer share and a campaign', async () => {
    const seen = await broughtBy(20 * 60_000);
    expect(seen.staff).toEqual({
      leaderboard: 1,
      referral: expect.objectContaining({ by: expect.objectContaining({ kind: 'staff' }) }),
    });
    expect(seen.customer).toEqual({
      conversions: 1,
      referral: expect.objectContaining({ by: expect.objectContaining({ kind: 'customer' }) }),
    });
    expect(seen.campaign).toBe(1);
  });

  it('counts a profile created just over the window before as new for none of them', async () => {
    const seen = await broughtBy(NEW_CUSTOMER_WINDOW_MS + 2 * 60_000);
    expect(seen).toEqual({
      staff: { leaderboard: 0, referral: null },
      customer: { conversions: 0, referral: null },
      campaign: 0,
    });
  });
});

describe('a person brought twice under two profiles', () => {
  it('counts once for the sharing customer after the two profiles merge', async () => {
    const contentId = await published();
    const sharer = await signInNewPatient(bff);
    const token = await customerShare(sharer, contentId);
    const [older, newer] = [await signInNewPatient(bff), await signInNewPatient(bff)];
    await open(older, contentId, token);
    await open(newer, contentId, token);
    expect(await conversions(sharer.customer.id)).toBe(2);

    const survivor = await mergeCustomers(org, older.customer.id, newer.customer.id, {
      rule: 'staff_confirmed',
      details: {},
    });

    expect(await conversions(sharer.customer.id)).toBe(1);
    expect(await referral(survivor)).toMatchObject({ by: { kind: 'customer', id: sharer.customer.id } });
  });

  it('keeps the one that counts when a merge stopped half-way runs its content step again', async () => {
    const contentId = await published();
    const sharer = await signInNewPatient(bff);
    const token = await customerShare(sharer, contentId);
    const [older, newer] = [await signInNewPatient(bff), await signInNewPatient(bff)];
    await open(newer, contentId, token); // the merged-away profile was brought first: its referral is kept
    await open(older, contentId, token);
    const kept = await ContentReferralModel.findOne({ customerId: new Types.ObjectId(newer.customer.id) }).lean();
    await mergeCustomers(org, older.customer.id, newer.customer.id, { rule: 'staff_confirmed', details: {} });
    expect(await conversions(sharer.customer.id)).toBe(1);

    // As if the step had stopped after copying the kept referral onto the survivor, before deleting the original.
    await ContentReferralModel.collection.insertOne(kept!);
    const step = mergeSteps().find((candidate) => candidate.name === 'content')!;
    await step.move({ organisationId: org, fromCustomerId: newer.customer.id, intoCustomerId: older.customer.id });

    expect(await conversions(sharer.customer.id)).toBe(1);
    expect(await ContentReferralModel.countDocuments({ customerId: kept!.customerId })).toBe(0);
    expect(await referral(older.customer.id)).toMatchObject({ at: kept!.at.toISOString() });
  });

  it('counts once on the staff leaderboard after the two profiles merge', async () => {
    const contentId = await published();
    const token = await staffShare(contentId);
    const [older, newer] = [await signInNewPatient(bff), await signInNewPatient(bff)];
    await open(older, contentId, token);
    await open(newer, contentId, token);
    expect(await staffNewCustomers(contentId)).toBe(2);

    await mergeCustomers(org, older.customer.id, newer.customer.id, { rule: 'staff_confirmed', details: {} });

    expect(await staffNewCustomers(contentId)).toBe(1);
  });

  it('no longer counts for a sharer who turns out to be the same person as the one brought', async () => {
    const contentId = await published();
    const sharer = await signInNewPatient(bff);
    const newcomer = await signInNewPatient(bff);
    await open(newcomer, contentId, await customerShare(sharer, contentId));
    expect(await conversions(sharer.customer.id)).toBe(1);

    const survivor = await mergeCustomers(org, sharer.customer.id, newcomer.customer.id, {
      rule: 'staff_confirmed',
      details: {},
    });

    expect(await conversions(survivor)).toBe(0);
    expect(await referral(survivor)).toBeNull();
  });
});
