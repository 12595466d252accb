/**
 * QR campaigns over real HTTP on the real database with the WeChat/WeCom sandbox: channels, campaigns and their
 * codes (generated once), attribution (first and last touch), tags and scan events, claims through a campaign,
 * the contact-me path with its welcome message, and the counters against a recount.
 */
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CreateCouponTemplateRequest } from '@careloop/shared';
import { createCouponTemplate } from '../../bff/src/coupons/service';
import { recordEvent } from '../../bff/src/events/service';
import { EventModel } from '../../bff/src/events/model';
import { CustomerModel } from '../../bff/src/identity/model';
import { mergeCustomers } from '../../bff/src/identity/merge';
import { listTags } from '../../bff/src/tags/service';
import { AuditEntryModel } from '../../bff/src/audit/model';
import { createOrganisation, listClinics } from '../../bff/src/organisations/service';
import { createChannel } from '../../bff/src/campaigns/channels';
import { NEW_CUSTOMER_WINDOW_MS } from '../../bff/src/campaigns/attribution';
import { insertCampaign, maintainCampaignCodes } from '../../bff/src/campaigns/service';
import { campaignCounters, recountCampaignStats } from '../../bff/src/campaigns/stats';
import {
  CampaignContactAddModel,
  CampaignModel,
  CampaignStatsModel,
  CampaignTouchModel,
  CampaignWelcomeSendModel,
  type CampaignDocument,
} from '../../bff/src/campaigns/model';
import { campaignWecomCallbackHandler } from '../../bff/src/campaigns/welcome';
import { WecomCallbackModel } from '../../bff/src/platform/wecom/callbackModel';
import { privacyContributors } from '../../bff/src/privacy/contributors';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';
import { waitFor } from '../support/concurrency';

let bff: TestBff;
let manager: { accessToken: string; staff: { id: string; organisation: { id: string } } };
let consultant: { accessToken: string; staff: { id: string } };
let org: string;
let posterChannelId: string;
let eventChannelId: string;
let templateId: string;

beforeAll(async () => {
  bff = await startTestBff('campaigns');
  manager = await signInStaff(bff, 'lina');
  consultant = await signInStaff(bff, 'zhangwei');
  org = manager.staff.organisation.id;
  const channels = await bff.call('GET', '/api/staff/channels', { token: manager.accessToken });
  posterChannelId = channels.body.items.find((channel: { kind: string }) => channel.kind === 'poster').id;
  eventChannelId = channels.body.items.find((channel: { kind: string }) => channel.kind === 'event').id;
  templateId = (
    await createCouponTemplate(
      org,
      CreateCouponTemplateRequest.parse({
        name: '洗牙立减 80 元',
        kind: 'amount_off',
        amountOffFen: 8000,
        validity: { type: 'days_after_claim', days: 30 },
        totalStock: 1000,
        perPersonLimit: 5,
      }),
      manager.staff.id,
    )
  ).id;
});
afterAll(() => bff?.close());

type Patient = Awaited<ReturnType<typeof signInNewPatient>>;
let counter = 0;
const uid = (prefix: string) => `${prefix}${Date.now().toString(36)}x${(counter += 1)}`;

function campaignBody(overrides: Record<string, unknown> = {}) {
  return {
    name: uid('活动'),
    channelId: posterChannelId,
    staffId: consultant.staff.id,
    couponTemplateId: templateId,
    tagNames: ['海报引流'],
    landing: { title: '洗牙立减 80 元', description: '静安店' },
    welcomeText: '您好，送您一张洗牙券',
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    costFen: 12_000,
    codes: { miniProgram: true, contactMe: false },
    ...overrides,
  };
}

async function newCampaign(overrides: Record<string, unknown> = {}) {
  const created = await bff.call('POST', '/api/staff/campaigns', {
    token: manager.accessToken,
    body: campaignBody(overrides),
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; key: string; codes: { contactMe: { configId: string } | null } };
}

const scan = (patient: Patient, key: string, scanId = uid('scan')) =>
  bff.call('POST', `/api/mp/campaigns/${key}/scan`, { token: patient.accessToken, body: { scanId } });
const claim = (patient: Patient, key: string, requestId = uid('claim')) =>
  bff.call('POST', `/api/mp/campaigns/${key}/claim`, { token: patient.accessToken, body: { requestId } });
/** A claim carrying the page open's scan report (`scan`), as the landing page sends it. */
const claimWithScan = (patient: Patient, key: string, scan: { scanId: string; via: string }) =>
  bff.call('POST', `/api/mp/campaigns/${key}/claim`, {
    token: patient.accessToken,
    body: { requestId: uid('claim'), scan },
  });
const scannedEvents = (customerId: string) =>
  EventModel.find({ customerId: new Types.ObjectId(customerId), type: 'campaign.scanned' }).lean();
const attribution = (customerId: string) =>
  bff.call('GET', `/api/staff/customers/${customerId}/attribution`, { token: manager.accessToken });

describe('channels', () => {
  it('every staff member reads the default channels; only managers add or archive one', async () => {
    const list = await bff.call('GET', '/api/staff/channels', { token: consultant.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.items.map((channel: { kind: string }) => channel.kind)).toEqual(
      expect.arrayContaining(['poster', 'doctor_referral', 'event', 'ad_platform', 'staff_card']),
    );
    const forbidden = await bff.call('POST', '/api/staff/channels', {
      token: consultant.accessToken,
      body: { name: '地铁广告', kind: 'ad_platform' },
    });
    expect(forbidden.status).toBe(403);

    const created = await bff.call('POST', '/api/staff/channels', {
      token: manager.accessToken,
      body: { name: '地铁广告', kind: 'ad_platform' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: '地铁广告', kind: 'ad_platform', description: '', archived: false });
    const again = await bff.call('POST', '/api/staff/channels', {
      token: manager.accessToken,
      body: { name: '地铁广告', kind: 'poster' },
    });
    expect(again.status).toBe(400);

    const archived = await bff.call('PATCH', `/api/staff/channels/${created.body.id}`, {
      token: manager.accessToken,
      body: { archived: true },
    });
    expect(archived.body.archived).toBe(true);
    const refused = await bff.call('POST', '/api/staff/campaigns', {
      token: manager.accessToken,
      body: campaignBody({ channelId: created.body.id }),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].path).toBe('channelId');
  });
});

describe('campaigns and their codes', () => {
  it('generates each code once at creation and never again when the campaign is viewed; the PNG downloads', async () => {
    const miniProgramCode = vi.spyOn(bff.deps.wechat, 'miniProgramCode');
    const addContactWay = vi.spyOn(bff.deps.wecom, 'addContactWay');
    try {
      const created = await bff.call('POST', '/api/staff/campaigns', {
        token: manager.accessToken,
        body: campaignBody({ codes: { miniProgram: true, contactMe: true } }),
      });
      expect(created.status).toBe(201);
      const campaign = created.body;
      expect(campaign.key).toMatch(/^[A-Za-z0-9]{8}$/);
      expect(campaign).toMatchObject({
        status: 'active',
        channel: { id: posterChannelId, kind: 'poster' },
        staff: { id: consultant.staff.id, name: '张伟' },
        couponTemplate: { id: templateId, name: '洗牙立减 80 元' },
        codes: {
          miniProgram: {
            imageUrl: `/api/staff/campaigns/${campaign.id}/codes/mini-program.png`,
            page: 'subpackages/campaign/index',
            scene: campaign.key,
          },
          contactMe: { configId: expect.any(String), qrCodeUrl: expect.stringMatching(/^http/) },
        },
        h5Url: `${bff.config.publicUrl}/m/#/subpackages/campaign/index?scene=${campaign.key}`,
      });
      const callsFor = (spy: typeof miniProgramCode | typeof addContactWay) =>
        spy.mock.calls.filter(
          ([input]) =>
            ('scene' in input && input.scene === campaign.key) || ('state' in input && input.state === campaign.key),
        ).length;
      expect(callsFor(miniProgramCode)).toBe(1);
      expect(addContactWay.mock.calls.filter(([input]) => input.state === campaign.key)).toHaveLength(1);
      expect(addContactWay.mock.calls.find(([input]) => input.state === campaign.key)![0]).toMatchObject({
        type: 1,
        scene: 2,
        userIds: ['zhangwei'],
        skipVerify: true,
      });

      for (let i = 0; i < 2; i += 1) {
        const read = await bff.call('GET', `/api/staff/campaigns/${campaign.id}`, { token: manager.accessToken });
        expect(read.body.codes).toEqual(campaign.codes);
      }
      const list = await bff.call('GET', '/api/staff/campaigns', { token: manager.accessToken });
      expect(list.body.items.map((item: { id: string }) => item.id)).toContain(campaign.id);
      const retried = await bff.call('POST', `/api/staff/campaigns/${campaign.id}/codes/retry`, {
        token: manager.accessToken,
      });
      expect(retried.body.codes).toEqual(campaign.codes);
      expect(callsFor(miniProgramCode)).toBe(1);
      expect(addContactWay.mock.calls.filter(([input]) => input.state === campaign.key)).toHaveLength(1);

      const response = await fetch(`${bff.url}${campaign.codes.miniProgram.imageUrl}`, {
        headers: { authorization: `Bearer ${consultant.accessToken}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.png"$/);
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(callsFor(miniProgramCode)).toBe(1);
    } finally {
      miniProgramCode.mockRestore();
      addContactWay.mockRestore();
    }
  });

  it('saves the campaign without a code whose generation failed, and the retry route generates it', async () => {
    const miniProgramCode = vi
      .spyOn(bff.deps.wechat, 'miniProgramCode')
      .mockRejectedValueOnce(new Error('WeChat is down'));
    try {
      const campaign = await newCampaign();
      expect(campaign.codes).toEqual({ miniProgram: null, contactMe: null });
      const png = await bff.call('GET', `/api/staff/campaigns/${campaign.id}/codes/mini-program.png`, {
        token: manager.accessToken,
      });
      expect(png.status).toBe(404);

      const retried = await bff.call('POST', `/api/staff/campaigns/${campaign.id}/codes/retry`, {
        token: manager.accessToken,
      });
      expect(retried.status).toBe(200);
      expect(retried.body.codes.miniProgram).toMatchObject({ scene: campaign.key });
      expect(miniProgramCode.mock.calls.filter(([input]) => input.scene === campaign.key)).toHaveLength(2);
    } finally {
      miniProgramCode.mockRestore();
    }
  });

  it('the periodic job generates codes of a campaign stored without them and deletes the contact-me codes of ended ones', async () => {
    const campaignId = await insertCampaign(org, null, {
      ...campaignBody(),
      endsAt: null,
      codes: { miniProgram: true, contactMe: true },
    } as never);
    const read = () => bff.call('GET', `/api/staff/campaigns/${campaignId}`, { token: manager.accessToken });
    expect((await read()).body.codes).toEqual({ miniProgram: null, contactMe: null });

    await maintainCampaignCodes(bff.deps);
    const generated = (await read()).body;
    expect(generated.codes.miniProgram).toMatchObject({ scene: generated.key });
    expect(generated.codes.contactMe).toMatchObject({ configId: expect.any(String) });

    // Ended by time (no PATCH): the next run deletes the contact-me code at WeCom.
    await CampaignModel.updateOne({ _id: campaignId }, { $set: { endsAt: new Date(Date.now() - 1000) } });
    await maintainCampaignCodes(bff.deps);
    const way = await bff.call('GET', `/sandbox/wecom/contact-way/${generated.codes.contactMe.configId}.png`);
    expect(way.status).toBe(404);
    const stored = await CampaignModel.findById(campaignId).lean<CampaignDocument>();
    expect(stored!.codes.contactMe.deletedAt).toBeInstanceOf(Date);
  });

  it('answers NOT_FOUND for another organisation’s campaign and for an unknown key', async () => {
    const other = await createOrganisation({
      name: '别家诊所',
      miniappAppId: 'wx-other-campaigns',
      wecomCorpId: 'ww-other-campaigns',
      timeZone: 'Asia/Shanghai',
    });
    const channel = await createChannel(other.id, { name: '海报', kind: 'poster', description: '' });
    const theirs = await insertCampaign(other.id, null, {
      ...campaignBody({ channelId: channel.id, staffId: null, couponTemplateId: null }),
      endsAt: null,
      codes: { miniProgram: false, contactMe: false },
    } as never);
    const read = await bff.call('GET', `/api/staff/campaigns/${theirs}`, { token: manager.accessToken });
    expect(read.status).toBe(404);
    const edit = await bff.call('PATCH', `/api/staff/campaigns/${theirs}`, {
      token: manager.accessToken,
      body: { end: true },
    });
    expect(edit.status).toBe(404);

    const patient = await signInNewPatient(bff);
    const theirKey = (await CampaignModel.findById(theirs).lean())!.key;
    expect((await bff.call('GET', `/api/mp/campaigns/${theirKey}`, { token: patient.accessToken })).status).toBe(404);
    expect((await scan(patient, theirKey)).status).toBe(404);
    expect((await bff.call('GET', '/api/mp/campaigns/NoSuchKey1', { token: patient.accessToken })).status).toBe(404);
  });

  it('a consultant cannot create or read campaigns', async () => {
    const created = await bff.call('POST', '/api/staff/campaigns', {
      token: consultant.accessToken,
      body: campaignBody(),
    });
    expect(created.status).toBe(403);
    expect((await bff.call('GET', '/api/staff/campaigns', { token: consultant.accessToken })).status).toBe(403);
  });
});

describe('attribution', () => {
  it('keeps the first touch and moves the last touch across two campaigns', async () => {
    const poster = await newCampaign();
    const event = await newCampaign({ channelId: eventChannelId, staffId: null });
    const patient = await signInNewPatient(bff);

    expect((await scan(patient, poster.key)).body).toEqual({ firstTouch: true });
    expect((await scan(patient, event.key)).body).toEqual({ firstTouch: false });
    let seen = await attribution(patient.customer.id);
    expect(seen.status).toBe(200);
    expect(seen.body.firstTouch).toMatchObject({
      campaign: { id: poster.id, key: poster.key },
      channel: { id: posterChannelId, kind: 'poster' },
      staff: { id: consultant.staff.id, name: '张伟' },
      via: 'mini_program_code',
    });
    expect(seen.body.lastTouch).toMatchObject({ campaign: { id: event.id }, channel: { kind: 'event' }, staff: null });

    await scan(patient, poster.key);
    seen = await attribution(patient.customer.id);
    expect(seen.body.firstTouch.campaign.id).toBe(poster.id);
    expect(seen.body.lastTouch.campaign.id).toBe(poster.id);
    expect(new Date(seen.body.lastTouch.at).getTime()).toBeGreaterThan(new Date(seen.body.firstTouch.at).getTime());

    const audited = await AuditEntryModel.countDocuments({
      organisationId: org,
      action: 'customer.attribution_viewed',
      subjectId: patient.customer.id,
    });
    expect(audited).toBe(2);
  });

  it('a scan adds the campaign’s tags and one campaign.scanned event, even when the report is retried', async () => {
    const campaign = await newCampaign({ tagNames: ['海报引流', '洗牙意向'] });
    const patient = await signInNewPatient(bff);
    const scanId = uid('retried');
    expect((await scan(patient, campaign.key, scanId)).status).toBe(200);
    expect((await scan(patient, campaign.key, scanId)).status).toBe(200);

    const tags = await listTags(org, patient.customer.id);
    expect(tags.map((tag) => [tag.name, tag.source]).sort()).toEqual([
      ['洗牙意向', 'channel'],
      ['海报引流', 'channel'],
    ]);
    const events = await EventModel.find({
      customerId: new Types.ObjectId(patient.customer.id),
      type: 'campaign.scanned',
    }).lean();
    expect(events).toHaveLength(1);
    expect(events[0]!.properties).toMatchObject({ campaignId: campaign.id, channelId: posterChannelId });
    expect(await campaignCounters(org, campaign.id)).toMatchObject({ scans: 1, uniqueScanners: 1, newCustomers: 1 });
  });

  it('counts as new only a customer created shortly before the campaign first reached them, with no earlier touch', async () => {
    const first = await newCampaign();
    const second = await newCampaign();
    const fresh = await signInNewPatient(bff);
    const old = await signInNewPatient(bff);
    // createdAt is immutable through mongoose: set it on the collection.
    await CustomerModel.collection.updateOne(
      { _id: new Types.ObjectId(old.customer.id) },
      { $set: { createdAt: new Date(Date.now() - NEW_CUSTOMER_WINDOW_MS - 60_000) } },
    );

    await scan(fresh, first.key);
    await scan(fresh, second.key); // reached by `first` before: not new for `second`
    await scan(old, first.key);
    expect(await campaignCounters(org, first.id)).toMatchObject({ uniqueScanners: 2, newCustomers: 1 });
    expect(await campaignCounters(org, second.id)).toMatchObject({ uniqueScanners: 1, newCustomers: 0 });
  });

  it('a merge moves the touches to the survivor and counts the person once', async () => {
    const campaign = await newCampaign();
    const older = await signInNewPatient(bff);
    const newer = await signInNewPatient(bff);
    await scan(newer, campaign.key);
    await scan(older, campaign.key);
    expect(await campaignCounters(org, campaign.id)).toMatchObject({ scans: 2, uniqueScanners: 2 });

    const survivor = await mergeCustomers(org, older.customer.id, newer.customer.id, {
      rule: 'staff_confirmed',
      details: {},
    });
    expect(survivor).toBe(older.customer.id);
    const counters = await campaignCounters(org, campaign.id);
    expect(counters).toMatchObject({ scans: 2, uniqueScanners: 1 });
    const seen = await attribution(survivor);
    // The merged profile scanned first: its touch is the survivor's first touch now.
    expect(seen.body.firstTouch.campaign.id).toBe(campaign.id);
    expect(await recountCampaignStats(org, campaign.id)).toEqual(counters);
  });

  it('exports a customer’s touches and erases them, leaving the counters', async () => {
    const campaign = await newCampaign();
    const patient = await signInNewPatient(bff);
    await scan(patient, campaign.key);
    const contributor = privacyContributors().find((candidate) => candidate.name === 'campaigns')!;
    const exported = (await contributor.exportData({ organisationId: org, customerId: patient.customer.id })) as {
      touches: { campaign: { id: string } }[];
    };
    expect(exported.touches.map((touch) => touch.campaign.id)).toEqual([campaign.id]);

    await contributor.erase({ organisationId: org, customerId: patient.customer.id });
    expect((await attribution(patient.customer.id)).body).toEqual({ firstTouch: null, lastTouch: null });
    expect(await campaignCounters(org, campaign.id)).toMatchObject({ scans: 1, uniqueScanners: 1 });
  });
});

describe('claiming through a campaign', () => {
  it('claims the coupon with the campaign and attributes a customer who had not scanned', async () => {
    const campaign = await newCampaign();
    const patient = await signInNewPatient(bff);
    const landing = await bff.call('GET', `/api/mp/campaigns/${campaign.key}`, { token: patient.accessToken });
    expect(landing.status).toBe(200);
    expect(landing.body).toMatchObject({
      key: campaign.key,
      title: '洗牙立减 80 元',
      status: 'active',
      staff: { name: '张伟' },
      coupon: {
        name: '洗牙立减 80 元',
        kind: 'amount_off',
        amountOffFen: 8000,
        validityText: '领取后 30 天内有效',
        held: 0,
        claim: { possible: true, reason: null },
      },
    });
    expect(landing.body.coupon.clinicNames.length).toBeGreaterThan(0);

    const requestId = uid('claim');
    const claimed = await claim(patient, campaign.key, requestId);
    expect(claimed.status).toBe(201);
    expect(claimed.body).toMatchObject({ campaignId: campaign.id, state: 'claimed', template: { id: templateId } });
    const again = await claim(patient, campaign.key, requestId);
    expect(again.body.id).toBe(claimed.body.id);

    expect((await attribution(patient.customer.id)).body.firstTouch.campaign.id).toBe(campaign.id);
    expect(await campaignCounters(org, campaign.id)).toMatchObject({ claims: 1, scans: 1, uniqueScanners: 1 });
    const after = await bff.call('GET', `/api/mp/campaigns/${campaign.key}`, { token: patient.accessToken });
    expect(after.body.coupon.held).toBe(1);
  });

  it('counts one scan per page open when its scan report and a claim carrying the same scan arrive at once', async () => {
    const campaign = await newCampaign();
    const patients = await Promise.all(Array.from({ length: 10 }, () => signInNewPatient(bff)));
    await Promise.all(
      patients.map(async (patient) => {
        const scanId = uid('open');
        const [reported, claimed] = await Promise.all([
          scan(patient, campaign.key, scanId),
          claimWithScan(patient, campaign.key, { scanId, via: 'mini_program_code' }),
        ]);
        expect(reported.status).toBe(200);
        expect(claimed.status).toBe(201);
      }),
    );

    for (const patient of patients) {
      expect(await scannedEvents(patient.customer.id)).toHaveLength(1);
      expect(await CampaignTouchModel.countDocuments({ customerId: new Types.ObjectId(patient.customer.id) })).toBe(1);
    }
    const counters = await campaignCounters(org, campaign.id);
    expect(counters).toMatchObject({ scans: 10, uniqueScanners: 10, claims: 10, newCustomers: 10 });
    expect(await recountCampaignStats(org, campaign.id)).toEqual(counters);
  });

  it('a claim that overtakes its scan report stores the report’s touch; the late report and a second claim count nothing more', async () => {
    const campaign = await newCampaign();
    const patient = await signInNewPatient(bff);
    const scanId = uid('overtaken');
    expect((await claimWithScan(patient, campaign.key, { scanId, via: 'share' })).status).toBe(201);
    const late = await scan(patient, campaign.key, scanId);
    expect(late.status).toBe(200);
    expect(late.body).toEqual({ firstTouch: true }); // the page open's touch is the customer's first

    const events = await scannedEvents(patient.customer.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.properties).toMatchObject({ campaignId: campaign.id, via: 'share' });
    expect((await attribution(patient.customer.id)).body.firstTouch).toMatchObject({ via: 'share' });
    // A second coupon claimed on the same page open carries the same scan: no new scan.
    expect((await claimWithScan(patient, campaign.key, { scanId, via: 'share' })).status).toBe(201);
    expect(await scannedEvents(patient.customer.id)).toHaveLength(1);
    expect(await campaignCounters(org, campaign.id)).toMatchObject({ scans: 1, uniqueScanners: 1, claims: 2 });
  });

  it('a claim carrying the scan of a later page open counts that page open, also for a customer who scanned before', async () => {
    const campaign = await newCampaign();
    const patient = await signInNewPatient(bff);
    expect((await scan(patient, campaign.key)).status).toBe(200);
    // The second page open's report never arrived; its claim carries it.
    expect((await claimWithScan(patient, campaign.key, { scanId: uid('second'), via: 'link' })).status).toBe(201);
    expect(await scannedEvents(patient.customer.id)).toHaveLength(2);
    expect(await campaignCounters(org, campaign.id)).toMatchObject({ scans: 2, uniqueScanners: 1, claims: 1 });
  });

  it('a claim without a scan from a customer who scanned the campaign counts no scan', async () => {
    const campaign = await newCampaign();
    const patient = await signInNewPatient(bff);
    expect((await scan(patient, campaign.key)).status).toBe(200);
    expect((await claim(patient, campaign.key)).status).toBe(201);
    expect(await scannedEvents(patient.customer.id)).toHaveLength(1);
    expect(await campaignCounters(org, campaign.id)).toMatchObject({ scans: 1, uniqueScanners: 1, claims: 1 });
  });

  it('refuses a claim before the campaign starts with CAMPAIGN_NOT_STARTED', async () => {
    const campaign = await newCampaign({ startsAt: new Date(Date.now() + 86_400_000).toISOString() });
    const patient = await signInNewPatient(bff);
    const refused = await claim(patient, campaign.key);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CAMPAIGN_NOT_STARTED');
    const landing = await bff.call('GET', `/api/mp/campaigns/${campaign.key}`, { token: patient.accessToken });
    expect(landing.body).toMatchObject({
      status: 'scheduled',
      coupon: { claim: { possible: false, reason: 'CAMPAIGN_NOT_STARTED' } },
    });
  });

  it('tells a customer without the required tag why the coupon is not for them before any tap', async () => {
    const vipOnly = await createCouponTemplate(
      org,
      CreateCouponTemplateRequest.parse({
        name: '会员专享洗牙券',
        kind: 'amount_off',
        amountOffFen: 5000,
        validity: { type: 'days_after_claim', days: 30 },
        totalStock: 10,
        perPersonLimit: 1,
        eligibility: { type: 'tagged', tag: 'VIP' },
      }),
      manager.staff.id,
    );
    const campaign = await newCampaign({ couponTemplateId: vipOnly.id });
    const patient = await signInNewPatient(bff);
    const landing = await bff.call('GET', `/api/mp/campaigns/${campaign.key}`, { token: patient.accessToken });
    expect(landing.body.coupon.claim).toEqual({
      possible: false,
      reason: 'NOT_ELIGIBLE',
      details: { reason: 'missing_tag', tag: 'VIP' },
    });
  });

  it('refuses a claim after the campaign ended with CAMPAIGN_ENDED, and deletes its contact-me code', async () => {
    const deleteContactWay = vi.spyOn(bff.deps.wecom, 'deleteContactWay');
    try {
      const campaign = await newCampaign({ codes: { miniProgram: false, contactMe: true } });
      const patient = await signInNewPatient(bff);
      expect((await claim(patient, campaign.key)).status).toBe(201);

      const ended = await bff.call('PATCH', `/api/staff/campaigns/${campaign.id}`, {
        token: manager.accessToken,
        body: { end: true },
      });
      expect(ended.body.status).toBe('ended');
      expect(deleteContactWay).toHaveBeenCalledWith(campaign.codes.contactMe!.configId);

      const refused = await claim(patient, campaign.key);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('CAMPAIGN_ENDED');
      expect((await scan(patient, campaign.key)).body.error.code).toBe('CAMPAIGN_ENDED');
      const reopen = await bff.call('PATCH', `/api/staff/campaigns/${campaign.id}`, {
        token: manager.accessToken,
        body: { endsAt: null },
      });
      expect(reopen.status).toBe(400);
    } finally {
      deleteContactWay.mockRestore();
    }
  });
});

describe('the contact-me code', () => {
  it('attributes the customer and sends exactly one welcome message when the callback is delivered 3 times', async () => {
    const campaign = await newCampaign({ codes: { miniProgram: true, contactMe: true }, tagNames: ['活码加好友'] });
    const scanned = await bff.call(
      'POST',
      `/sandbox/control/wecom/contact-ways/${campaign.codes.contactMe!.configId}/scan`,
      {
        body: { name: '钱多多', deliveries: 3 },
      },
    );
    expect(scanned.status).toBe(201);
    const { externalUserId } = scanned.body;

    const contact = await waitFor(
      () => CampaignContactAddModel.findOne({ externalUserId }).lean(),
      (found) => Boolean(found?.customerId),
    );
    const item = await waitFor(
      () => WecomCallbackModel.findById(contact!.callbackId).lean(),
      (found) => found?.status === 'done' && found.deliveries === 3,
    );
    // Three deliveries of the same message: one queue item, one contact add.
    expect(item).toMatchObject({ status: 'done', deliveries: 3 });
    expect(await CampaignContactAddModel.countDocuments({ externalUserId })).toBe(1);
    const sent = await bff.call('GET', `/sandbox/control/wecom/welcome-messages?externalUserId=${externalUserId}`);
    expect(sent.body).toHaveLength(1);
    expect(sent.body[0]).toMatchObject({ userid: 'zhangwei', text: '您好，送您一张洗牙券' });
    expect(sent.body[0].attachments).toEqual([
      {
        msgtype: 'miniprogram',
        miniprogram: {
          title: '洗牙立减 80 元',
          pic_media_id: expect.any(String),
          appid: bff.config.wechat.appId,
          page: `subpackages/campaign/index?scene=${campaign.key}`,
        },
      },
    ]);

    const customerId = String(contact!.customerId);
    const seen = await attribution(customerId);
    expect(seen.body.firstTouch).toMatchObject({ campaign: { id: campaign.id }, via: 'contact_me' });
    expect((await listTags(org, customerId)).map((tag) => tag.name)).toContain('活码加好友');
    expect(await campaignCounters(org, campaign.id)).toMatchObject({ contactsAdded: 1, newCustomers: 1, scans: 0 });

    // The handler run again (as after a crash before it was recorded done) sends nothing and counts nothing.
    await campaignWecomCallbackHandler.handle(
      {
        id: contact!.callbackId,
        event: 'change_external_contact',
        changeType: 'add_external_contact',
        userId: 'zhangwei',
        externalUserId,
        state: campaign.key,
        welcomeCode: sent.body[0].welcomeCode,
        createdAt: contact!.at,
        fields: {},
      },
      bff.deps,
    );
    expect(
      (await bff.call('GET', `/sandbox/control/wecom/welcome-messages?externalUserId=${externalUserId}`)).body,
    ).toHaveLength(1);
    expect(await campaignCounters(org, campaign.id)).toMatchObject({ contactsAdded: 1, newCustomers: 1 });
    expect(await CampaignWelcomeSendModel.findOne({ welcomeCode: sent.body[0].welcomeCode }).lean()).toMatchObject({
      status: 'sent',
      errcode: 0,
      withCard: true,
    });
  });

  it('records WeCom’s refusal of an expired welcome code and does not try again', async () => {
    const campaign = await newCampaign({ codes: { miniProgram: false, contactMe: true } });
    const sendWelcomeMessage = vi.spyOn(bff.deps.wecom, 'sendWelcomeMessage').mockResolvedValue({
      errcode: 41050,
      errmsg: 'invalid welcome code',
    });
    try {
      const scanned = await bff.call(
        'POST',
        `/sandbox/control/wecom/contact-ways/${campaign.codes.contactMe!.configId}/scan`,
        { body: { name: '孙晓' } },
      );
      const { externalUserId } = scanned.body;
      const row = await waitFor(
        () => CampaignWelcomeSendModel.findOne({ campaignId: new Types.ObjectId(campaign.id) }).lean(),
        (found) => found?.status === 'refused',
      );
      expect(row).toMatchObject({ status: 'refused', errcode: 41050 });
      await waitFor(
        () => CampaignContactAddModel.findOne({ externalUserId }).lean(),
        (found) => Boolean(found?.customerId),
      );
      expect(sendWelcomeMessage).toHaveBeenCalledTimes(1);
    } finally {
      sendWelcomeMessage.mockRestore();
    }
  });
});

describe('results', () => {
  it('takes an undone redemption and a refund off the campaign that counted them, as a recount does', async () => {
    const campaign = await newCampaign();
    const other = await newCampaign({ channelId: eventChannelId });
    const patient = await signInNewPatient(bff);
    await scan(patient, campaign.key);
    const coupon = (await claim(patient, campaign.key)).body;
    const [clinic] = await listClinics(org);
    const redeem = () =>
      bff.call('POST', `/api/staff/customers/${patient.customer.id}/coupons/${coupon.id}/redeem`, {
        token: consultant.accessToken,
        body: { clinicId: clinic!.id },
      });
    expect((await redeem()).status).toBe(200);
    const undone = await bff.call('POST', `/api/staff/coupons/${coupon.id}/undo-redemption`, {
      token: manager.accessToken,
    });
    expect(undone.status).toBe(200);

    const paymentId = uid('p');
    const record = (type: string, properties: Record<string, unknown>) =>
      recordEvent({
        organisationId: org,
        customerId: patient.customer.id,
        type,
        properties,
        source: 'server',
        sourceEventId: uid(type),
      });
    await record('payment.paid', { paymentId, amountFen: 20_000 });
    await scan(patient, other.key); // the refund still comes off the campaign that got the payment
    await record('payment.refunded', { paymentId, amountFen: 5_000 });

    const counted = await campaignCounters(org, campaign.id);
    expect(counted).toMatchObject({ claims: 1, redemptions: 0, revenueFen: 15_000 });
    expect(await campaignCounters(org, other.id)).toMatchObject({ revenueFen: 0 });
    expect(await recountCampaignStats(org, campaign.id)).toEqual(counted);
  });

  it('keeps counters equal to a recount after scans, claims, a redemption, a booking and a paid payment', async () => {
    const campaign = await newCampaign({ costFen: 30_000 });
    const other = await newCampaign({ channelId: eventChannelId });
    const [alice, bob, carol] = await Promise.all([
      signInNewPatient(bff),
      signInNewPatient(bff),
      signInNewPatient(bff),
    ]);
    const aliceScan = uid('scan');
    await scan(alice, campaign.key, aliceScan);
    await scan(alice, campaign.key, aliceScan); // retried report
    await scan(alice, campaign.key);
    await scan(bob, campaign.key);
    await scan(carol, campaign.key);
    await scan(carol, other.key); // carol's last touch is the other campaign now

    const aliceCoupon = (await claim(alice, campaign.key)).body;
    await claim(bob, campaign.key);
    const [clinic] = await listClinics(org);
    const redeemed = await bff.call(
      'POST',
      `/api/staff/customers/${alice.customer.id}/coupons/${aliceCoupon.id}/redeem`,
      { token: consultant.accessToken, body: { clinicId: clinic!.id } },
    );
    expect(redeemed.status).toBe(200);

    // Bookings and payments recorded as their domains record them (recordEvent), without going through booking.
    const record = (customerId: string, type: string, properties: Record<string, unknown>) =>
      recordEvent({ organisationId: org, customerId, type, properties, source: 'server', sourceEventId: uid(type) });
    await record(alice.customer.id, 'appointment.booked', { appointmentId: uid('a') });
    await record(alice.customer.id, 'appointment.arrived', { appointmentId: uid('a') });
    await record(alice.customer.id, 'payment.paid', { paymentId: uid('p'), amountFen: 20_000 });
    await record(carol.customer.id, 'appointment.booked', { appointmentId: uid('a') });

    const counted = await campaignCounters(org, campaign.id);
    expect(counted).toEqual({
      scans: 4,
      uniqueScanners: 3,
      newCustomers: 3,
      contactsAdded: 0,
      claims: 2,
      redemptions: 1,
      bookings: 1,
      arrivals: 1,
      revenueFen: 20_000,
    });
    expect(await campaignCounters(org, other.id)).toMatchObject({ scans: 1, bookings: 1, newCustomers: 0 });

    const dailyBefore = await CampaignStatsModel.find({ campaignId: new Types.ObjectId(campaign.id) })
      .sort({ period: 1 })
      .lean();
    await CampaignStatsModel.deleteMany({ campaignId: new Types.ObjectId(campaign.id) });
    expect(await recountCampaignStats(org, campaign.id)).toEqual(counted);
    const dailyAfter = await CampaignStatsModel.find({ campaignId: new Types.ObjectId(campaign.id) })
      .sort({ period: 1 })
      .lean();
    expect(dailyAfter.map(({ _id, ...row }) => row)).toEqual(dailyBefore.map(({ _id, ...row }) => row));

    const report = await bff.call('GET', '/api/staff/campaigns/results', { token: manager.accessToken });
    expect(report.status).toBe(200);
    const row = report.body.campaigns.find((item: { campaign: { id: string } }) => item.campaign.id === campaign.id);
    expect(row).toMatchObject({
      ...counted,
      channel: { id: posterChannelId, kind: 'poster' },
      costFen: 30_000,
      costPerNewCustomerFen: 10_000,
      costPerArrivalFen: 30_000,
    });
    const otherRow = report.body.campaigns.find((item: { campaign: { id: string } }) => item.campaign.id === other.id);
    expect(otherRow).toMatchObject({ costPerNewCustomerFen: null, costPerArrivalFen: null });
    const channelRow = report.body.channels.find(
      (item: { channel: { id: string } }) => item.channel.id === posterChannelId,
    );
    expect(channelRow.scans).toBeGreaterThanOrEqual(counted.scans);

    const daily = await bff.call('GET', `/api/staff/campaigns/${campaign.id}/results/daily`, {
      token: manager.accessToken,
    });
    expect(daily.body.items).toHaveLength(30);
    expect(daily.body.items.at(-1)).toMatchObject({ scans: 4, claims: 2, redemptions: 1 });
    expect(daily.body.items.slice(0, -1).every((item: { scans: number }) => item.scans === 0)).toBe(true);
  });
});
