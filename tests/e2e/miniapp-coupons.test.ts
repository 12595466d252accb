/**
 * Coupons in the mini-program (H5 build on the sandbox, served by the real BFF, in Chromium). A manager (李娜) sets
 * up a ¥50-off coupon and a poster campaign through the staff API; a patient opens the campaign's landing page as
 * its mini-program code would (`?scene=KEY`), accepts the privacy policy, sees the offer and claims it, finds it in
 * the Coupons tab and shows its QR; the consultant redeems the code the QR holds and the patient's page turns
 * "已核销" by itself, and the coupon moves to 已使用. Then the reasons a coupon cannot be claimed, said plainly.
 */
import decodeQR from 'qr/decode.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRONTENDS } from '../../tools/frontends';
import { launchBrowser, phonePage, screenshot } from '../support/browser';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let browser: Browser;
let manager: { accessToken: string; staff: { id: string } };
let consultant: { accessToken: string; staff: { id: string; name: string } };
let jingan: { id: string; name: string };
let channelId: string;

beforeAll(async () => {
  bff = await startTestBff('e2e-miniapp-coupons', { miniappH5: FRONTENDS[0].output });
  browser = await launchBrowser();
  manager = await signInStaff(bff, 'lina');
  consultant = await signInStaff(bff, 'zhangwei');
  const clinics = await bff.call('GET', '/api/staff/clinics', { token: manager.accessToken });
  jingan = clinics.body.items.find((clinic: { name: string }) => clinic.name.includes('静安'));
  const channel = await bff.call('POST', '/api/staff/channels', {
    token: manager.accessToken,
    body: { name: '门店海报', kind: 'poster' },
  });
  expect(channel.status).toBe(201);
  channelId = channel.body.id;
});
afterAll(async () => {
  await browser?.close();
  await bff?.close();
});

interface TemplateInput {
  name?: string;
  totalStock?: number;
  eligibility?: { type: string; tag?: string };
}

/** A ¥50-off coupon (from ¥200) valid 30 days after claiming at the Jing'an clinic, and a campaign offering it. */
async function createCampaign(
  title: string,
  template: TemplateInput = {},
): Promise<{ key: string; id: string; templateId: string }> {
  const created = await bff.call('POST', '/api/staff/coupon-templates', {
    token: manager.accessToken,
    body: {
      name: template.name ?? '洁牙立减券',
      description: '限洁牙项目使用，每人限领 1 张',
      kind: 'amount_off',
      amountOffFen: 5_000,
      minSpendFen: 20_000,
      clinicIds: [jingan.id],
      validity: { type: 'days_after_claim', days: 30 },
      totalStock: template.totalStock ?? 100,
      perPersonLimit: 1,
      eligibility: template.eligibility ?? { type: 'all' },
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const response = await bff.call('POST', '/api/staff/campaigns', {
    token: manager.accessToken,
    body: {
      name: title,
      channelId,
      staffId: consultant.staff.id,
      couponTemplateId: created.body.id,
      landing: { title, description: '冬季口腔护理季：扫码领取洁牙立减券，到店洁牙时出示券码即可使用。' },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      codes: { miniProgram: true, contactMe: false },
    },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return { key: response.body.key, id: response.body.id, templateId: created.body.id };
}

/** Opens the landing page as the mini-program code does, on a new phone (a new emulated WeChat user). */
async function openLanding(key: string, options: { screenshotConsent?: string } = {}): Promise<Page> {
  const page = await phonePage(browser);
  await page.goto(`${bff.url}/m/#/subpackages/campaign/index?scene=${encodeURIComponent(key)}`);
  // The offer shows at once; claiming (and the scan report) wait for the privacy policy, asked in its place.
  const accept = page.locator('.campaign .consent-accept');
  await accept.waitFor({ state: 'visible', timeout: 20_000 });
  expect(await page.getByTestId('claim-button').count()).toBe(0);
  if (options.screenshotConsent) await screenshot(page, options.screenshotConsent);
  await accept.click();
  await accept.waitFor({ state: 'detached', timeout: 10_000 });
  return page;
}

/** The signed-in customer's access token, from the mini-program's stored session. */
async function customerToken(page: Page): Promise<string> {
  const stored = await page.evaluate(() => localStorage.getItem('careloop.session'));
  const parsed = JSON.parse(stored!) as { data?: { accessToken?: string }; accessToken?: string };
  return (parsed.data?.accessToken ?? parsed.accessToken)!;
}

async function campaignCounters(campaignId: string) {
  const results = await bff.call('GET', '/api/staff/campaigns/results', { token: manager.accessToken });
  expect(results.status).toBe(200);
  return results.body.campaigns.find((row: { campaign: { id: string } }) => row.campaign.id === campaignId) as {
    scans: number;
    claims: number;
    redemptions: number;
  };
}

describe('coupons in the mini-program', () => {
  it('claims a campaign’s coupon, shows its QR, and sees it redeemed at the clinic', async () => {
    const campaign = await createCampaign('冬季洁牙季 · 立减 50 元');
    const page = await openLanding(campaign.key, { screenshotConsent: 'miniapp-campaign-consent' });

    const title = page.getByTestId('landing-title');
    await expect.poll(() => title.textContent(), { timeout: 10_000 }).toBe('冬季洁牙季 · 立减 50 元');
    const offer = page.locator('.campaign-offer');
    expect(await offer.getByTestId('coupon-value').textContent()).toBe('¥50');
    expect(await offer.textContent()).toContain('立减 ¥50');
    expect(await offer.textContent()).toContain('满 ¥200 可用');
    expect(await offer.textContent()).toContain('领取后 30 天内有效');
    expect(await page.getByTestId('landing-clinics').textContent()).toContain(jingan.name);
    expect(await page.getByTestId('landing-remaining').textContent()).toContain('100 张');
    expect(await page.getByTestId('landing-staff').textContent()).toContain(consultant.staff.name);
    const claim = page.getByTestId('claim-button');
    await expect.poll(() => claim.textContent()).toBe('立即领取');
    await screenshot(page, 'miniapp-campaign-landing');

    // The scan was reported once the policy was accepted: the campaign counts it.
    await expect.poll(async () => (await campaignCounters(campaign.id))?.scans, { timeout: 10_000 }).toBe(1);

    await claim.click();
    const success = page.getByTestId('claim-success');
    await success.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await success.getByTestId('coupon-state').textContent()).toBe('可使用');
    // One per person: no second claim offered.
    await expect.poll(() => page.getByTestId('claim-button').count()).toBe(0);
    await expect.poll(() => page.getByTestId('landing-remaining').textContent()).toContain('99 张');
    await screenshot(page, 'miniapp-campaign-claimed');

    const token = await customerToken(page);
    const mine = await bff.call('GET', '/api/mp/coupons', { token });
    expect(mine.body.items).toHaveLength(1);
    const coupon = mine.body.items[0] as { id: string; code: string };

    // The Coupons tab: the coupon under 可使用, with the button to show its QR.
    await page.getByTestId('claimed-open-coupons').click();
    const card = page.locator('.coupons [data-testid="coupon-card"]');
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(async () => (await page.locator('.coupons').boundingBox())?.x).toBe(0); // slid in
    await page.locator('.campaign').waitFor({ state: 'hidden', timeout: 10_000 }); // the landing page slid out
    expect(await card.getAttribute('data-coupon-id')).toBe(coupon.id);
    expect(await card.getByTestId('coupon-state').textContent()).toBe('可使用');
    expect(await card.textContent()).toMatch(/有效期至 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d/);
    expect(await page.getByTestId('coupon-tab-claimed').textContent()).toBe('可使用 1');
    await screenshot(page, 'miniapp-coupons-tab');

    await card.getByTestId('coupon-show-qr').click();
    const qr = page.getByTestId('coupon-qr');
    await qr.waitFor({ state: 'visible', timeout: 10_000 });
    await expect.poll(() => page.getByTestId('coupon-clinics').textContent()).toContain(jingan.name);
    expect(await page.getByTestId('coupon-code').textContent()).toBe(
      `券码 ${coupon.code.replace(/(.{4})(?=.)/g, '$1 ')}`,
    );
    await expect.poll(async () => (await page.locator('.coupon-detail').boundingBox())?.x).toBe(0); // slid in
    await screenshot(page, 'miniapp-coupon-qr');
    // What the consultant's scanner reads off the screen is the coupon's code.
    expect(await readQr(page, qr)).toBe(coupon.code);

    // The consultant redeems the scanned code at the Jing'an clinic; the patient's page, left open, follows.
    const redeemed = await bff.call('POST', '/api/staff/coupons/redeem', {
      token: consultant.accessToken,
      body: { code: coupon.code, clinicId: jingan.id },
    });
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(200);
    const detailState = page.locator('.coupon-detail [data-testid="coupon-state"]');
    await expect.poll(() => detailState.textContent(), { timeout: 15_000 }).toBe('已核销');
    expect(await page.getByTestId('coupon-redemption').textContent()).toContain(jingan.name);
    expect(await page.getByTestId('coupon-qr').count()).toBe(0);
    await page.locator('.coupon-changed').waitFor({ state: 'detached', timeout: 10_000 });
    await screenshot(page, 'miniapp-coupon-redeemed');

    // Back in the tab: nothing left to use; the coupon is under 已使用.
    await page.goBack();
    await expect
      .poll(() => page.getByTestId('coupon-tab-redeemed').textContent(), { timeout: 10_000 })
      .toBe('已使用 1');
    expect(await page.locator('.coupons-empty').textContent()).toContain('暂无可使用的优惠券');
    await page.getByTestId('coupon-tab-redeemed').click();
    await expect.poll(() => card.getByTestId('coupon-state').textContent()).toBe('已核销');
    expect(await card.textContent()).toContain('已核销');
    await page.locator('.coupon-detail').waitFor({ state: 'hidden', timeout: 10_000 }); // slid out
    await screenshot(page, 'miniapp-coupons-used');

    await expect
      .poll(
        async () => {
          const counters = await campaignCounters(campaign.id);
          return counters && { scans: counters.scans, claims: counters.claims, redemptions: counters.redemptions };
        },
        { timeout: 10_000 },
      )
      .toEqual({ scans: 1, claims: 1, redemptions: 1 });
    await page.context().close();
  });

  it('explains before any tap why the coupon cannot be claimed', async () => {
    // Only customers tagged VIP may claim: a new patient is not one.
    const vip = await createCampaign('VIP 专享', { eligibility: { type: 'tagged', tag: 'VIP' } });
    const page = await openLanding(vip.key);
    const claim = page.getByTestId('claim-button');
    await expect.poll(() => claim.textContent(), { timeout: 10_000 }).toBe('不符合领取条件');
    expect(await claim.getAttribute('class')).toContain('nut-button-disabled');
    expect(await page.getByTestId('claim-blocked').textContent()).toMatch(/^不符合领取条件：/);
    await screenshot(page, 'miniapp-campaign-not-eligible');

    // The only coupon was taken by someone else.
    const soldOut = await createCampaign('限量 1 张', { totalStock: 1 });
    const other = await signInNewPatient(bff);
    const taken = await bff.call('POST', `/api/mp/campaigns/${soldOut.key}/claim`, {
      token: other.accessToken,
      body: { requestId: 'other-claim-0001' },
    });
    expect(taken.status).toBe(201);
    await page.goto(`${bff.url}/m/#/subpackages/campaign/index?scene=${soldOut.key}`);
    await page.reload();
    await expect.poll(() => claim.textContent(), { timeout: 10_000 }).toBe('已售罄');
    expect(await page.getByTestId('claim-blocked').textContent()).toBe('优惠券已售罄，下次早点来哦');

    // The manager ended the campaign.
    const ended = await createCampaign('已结束的活动');
    const end = await bff.call('PATCH', `/api/staff/campaigns/${ended.id}`, {
      token: manager.accessToken,
      body: { end: true },
    });
    expect(end.status, JSON.stringify(end.body)).toBe(200);
    await page.goto(`${bff.url}/m/#/subpackages/campaign/index?scene=${ended.key}`);
    await page.reload();
    await expect.poll(() => claim.textContent(), { timeout: 10_000 }).toBe('活动已结束');
    expect(await page.getByTestId('landing-status').textContent()).toBe('活动已结束');
    await screenshot(page, 'miniapp-campaign-ended');

    // A code that names no campaign.
    await page.goto(`${bff.url}/m/#/subpackages/campaign/index?scene=NOSUCH123`);
    await page.reload();
    await expect
      .poll(() => page.locator('.app-error__message').textContent(), { timeout: 10_000 })
      .toBe('活动不存在，请确认二维码是否正确');
    await page.context().close();
  });

  it('says the coupon sold out when the last one goes between opening the page and the tap', async () => {
    const lastOne = await createCampaign('最后 1 张', { totalStock: 1 });
    const page = await openLanding(lastOne.key);
    const claim = page.getByTestId('claim-button');
    await expect.poll(() => claim.textContent(), { timeout: 10_000 }).toBe('立即领取');

    const other = await signInNewPatient(bff);
    const taken = await bff.call('POST', `/api/mp/campaigns/${lastOne.key}/claim`, {
      token: other.accessToken,
      body: { requestId: 'other-claim-0002' },
    });
    expect(taken.status).toBe(201);

    await claim.click();
    await expect
      .poll(() => page.getByTestId('claim-error').textContent(), { timeout: 10_000 })
      .toBe('优惠券已售罄，下次早点来哦');
    await expect.poll(() => claim.textContent()).toBe('已售罄');
    expect(await page.getByTestId('claim-blocked').count()).toBe(0); // said once, not twice
    await screenshot(page, 'miniapp-campaign-sold-out');
    const mine = await bff.call('GET', '/api/mp/coupons', { token: await customerToken(page) });
    expect(mine.body.items).toEqual([]);
    await page.context().close();
  });
});

/** Reads the QR code the page drew, from a screenshot of it, as the consultant's scanner would. */
async function readQr(page: Page, locator: ReturnType<Page['locator']>): Promise<string> {
  const png = await locator.screenshot();
  const image = await page.evaluate(async (base64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${base64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(img, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let binary = '';
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width: canvas.width, height: canvas.height, data: btoa(binary) };
  }, png.toString('base64'));
  return decodeQR({ width: image.width, height: image.height, data: Buffer.from(image.data, 'base64') });
}
