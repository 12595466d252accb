/**
 * QR campaign to redeemed coupon, on the real builds served by the real BFF, in Chromium: a manager creates a channel,
 * a coupon template and a campaign in the workbench and downloads its mini-program code; a patient opens the campaign
 * landing page in the mini-program's H5 build with the campaign's scene and claims the coupon; the consultant sees
 * where the patient came from and redeems the coupon in the sidebar (a second try is refused with the reason); the
 * workbench's results then show 1 scan, 1 claim and 1 redemption for the campaign.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRONTENDS } from '../../tools/frontends';
import { launchBrowser, phonePage, SCREENSHOTS, screenshot } from '../support/browser';
import { signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let browser: Browser;
beforeAll(async () => {
  bff = await startTestBff('e2e_campaign_coupon_flow', { miniappH5: FRONTENDS[0].output, wecom: FRONTENDS[1].output });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await bff?.close();
});

const CHANNEL = '地铁站海报';
const TEMPLATE = '春季洗牙立减券';
const CAMPAIGN = '春季洗牙 · 地铁海报';
const LANDING_TITLE = '春季洗牙，立减 50 元';
const PATIENT = '钱思远';

async function staffPage(width: number, height: number): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: 1,
    acceptDownloads: true,
  });
  return context.newPage();
}

/**
 * The workbench is opened at the BFF's public URL (localhost): the sandbox's contact-me image is served from there, and
 * the BFF's Cross-Origin-Resource-Policy (same-origin) would keep it out of a page opened at 127.0.0.1.
 */
async function openWorkbench(page: Page, userid: string, name: string, hash: string) {
  await page.goto(`${bff.config.publicUrl}/wecom/workbench/${hash}`);
  await page.getByTestId('emulated-staff-select').selectOption(userid);
  await expect.poll(() => page.getByTestId('staff-name').textContent(), { timeout: 15_000 }).toBe(name);
}

/** The access token of the patient signed in on the mini-program page. */
async function patientToken(page: Page): Promise<string> {
  const stored = await page.evaluate(() => localStorage.getItem('careloop.session'));
  expect(stored, 'the mini-program keeps its session in storage').toBeTruthy();
  const parsed = JSON.parse(stored!) as { data?: { accessToken?: string }; accessToken?: string };
  return (parsed.data?.accessToken ?? parsed.accessToken)!;
}

/** The campaign's row in the workbench's results. */
const resultCell = (page: Page, campaignId: string, metric: string) =>
  page.locator(`[data-testid="results-campaign-row"][data-campaign-id="${campaignId}"] td[data-metric="${metric}"]`);

describe('a QR campaign from the workbench to a redeemed coupon', () => {
  let campaignId = '';
  let campaignKey = '';
  let couponCode = '';

  it('lets a manager create a channel, a coupon and a campaign, and download its QR codes', async () => {
    const page = await staffPage(1280, 900);
    await openWorkbench(page, 'lina', '李娜', '#channels');

    await page.getByTestId('channel-name').fill(CHANNEL);
    await page.getByTestId('channel-kind').selectOption('poster');
    await page.getByTestId('channel-description').fill('2 号线静安寺站灯箱');
    await page.getByTestId('channel-submit').click();
    await expect
      .poll(() => page.getByTestId('channel-result').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('ok');
    await expect.poll(() => page.getByTestId('channel-row').filter({ hasText: CHANNEL }).count()).toBe(1);
    await screenshot(page, 'workbench-channels');

    await page.getByTestId('nav-coupons').click();
    await page.getByTestId('coupon-template-name').fill(TEMPLATE);
    await page.getByTestId('coupon-template-kind').selectOption('amount_off');
    await page.getByTestId('coupon-template-amount').fill('50');
    await page.getByTestId('coupon-template-min-spend').fill('200');
    await page.getByTestId('coupon-template-days').fill('30');
    await page.getByTestId('coupon-template-stock').fill('100');
    // A kind-dependent field: a percent-off coupon asks for the percentage instead.
    await page.getByTestId('coupon-template-kind').selectOption('percent_off');
    expect(await page.getByTestId('coupon-template-amount').count()).toBe(0);
    expect(await page.getByTestId('coupon-template-percent').count()).toBe(1);
    await page.getByTestId('coupon-template-kind').selectOption('amount_off');
    await expect.poll(() => page.getByTestId('coupon-template-preview').textContent()).toContain('立减 ¥50.00');
    await page.getByTestId('coupon-template-form').screenshot({ path: screenshotPath('workbench-coupon-form') });
    await page.getByTestId('coupon-template-submit').click();
    await expect
      .poll(() => page.getByTestId('coupon-template-result').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('ok');
    const templateRow = page.getByTestId('coupon-template-row').filter({ hasText: TEMPLATE });
    await expect.poll(() => templateRow.count()).toBe(1);
    expect(await templateRow.textContent()).toContain('剩余 100 / 100');
    expect(await templateRow.textContent()).toContain('满 ¥200.00 可用');
    await screenshot(page, 'workbench-coupon-templates');

    await page.getByTestId('nav-campaigns').click();
    await page.getByTestId('campaign-name').fill(CAMPAIGN);
    await expect.poll(() => page.getByTestId('campaign-channel').locator('option').count()).toBeGreaterThan(1);
    await page.getByTestId('campaign-channel').selectOption({ label: `${CHANNEL}（海报）` });
    await expect.poll(() => page.getByTestId('campaign-staff').locator('option').count()).toBeGreaterThan(1);
    await page.getByTestId('campaign-staff').selectOption({ label: '张伟 (zhangwei)' });
    await page.getByTestId('campaign-coupon').selectOption({ label: `${TEMPLATE}（剩余 100）` });
    await page.getByTestId('campaign-tags').fill('洗牙意向, 地铁海报');
    await page.getByTestId('campaign-landing-title').fill(LANDING_TITLE);
    await page.getByTestId('campaign-landing-description').fill('扫码领取洗牙立减券，30 天内到店使用。');
    await page.getByTestId('campaign-cost').fill('300');
    await page.getByTestId('campaign-code-contact').check();
    await page.getByTestId('campaign-welcome').fill('你好，我是张伟，送你一张洗牙券～');
    await page.getByTestId('campaign-form').screenshot({ path: screenshotPath('workbench-campaign-form') });
    await page.getByTestId('campaign-submit').click();

    // Created: the page opens its detail, with both codes.
    const detail = page.getByTestId('campaign-detail');
    await expect.poll(() => detail.count(), { timeout: 15_000 }).toBe(1);
    campaignId = (await detail.getAttribute('data-campaign-id'))!;
    campaignKey = (await detail.getAttribute('data-key'))!;
    expect(campaignKey).toMatch(/^[A-Za-z0-9]{6,16}$/);
    expect(await page.getByTestId('campaign-result').getAttribute('data-state')).toBe('ok');
    const mpImage = page.getByTestId('campaign-mp-image');
    await expect
      .poll(() => mpImage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 15_000 })
      .toBeGreaterThan(0);
    const contactImage = page.getByTestId('campaign-contact-image');
    await expect
      .poll(() => contactImage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);
    expect(await page.getByTestId('campaign-h5-link').getAttribute('href')).toContain(campaignKey);
    await detail.scrollIntoViewIfNeeded();
    await screenshot(page, 'workbench-campaign-codes');

    // The mini-program code downloads as a PNG named after the campaign.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('campaign-mp-download').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`小程序码_春季洗牙_·_地铁海报_${campaignKey}.png`);
    const file = await readFile((await download.path())!);
    expect([...file.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    await page.context().close();
  });

  it('lets a patient open the campaign from its scene and claim the coupon', async () => {
    expect(campaignKey, 'the campaign was created').not.toBe('');
    const page = await phonePage(browser);
    // The scan report is held back until the claim was sent, so the claim overtakes it: the claim carries the page's
    // scan and the server stores the two as one touch, so this one page open still counts 1 scan in the results below.
    const traffic = campaignTraffic(page);
    await page.route('**/api/mp/campaigns/*/scan', async (route) => {
      await Promise.race([traffic.claimSent, new Promise((resolve) => setTimeout(resolve, SCAN_HOLD_MAX_MS))]);
      await route.continue();
    });
    await page.goto(`${bff.url}/m/#/subpackages/campaign/index?scene=${encodeURIComponent(campaignKey)}`);
    await expect
      .poll(() => page.locator('[data-testid="landing-title"]').textContent(), { timeout: 20_000 })
      .toContain(LANDING_TITLE);
    // A first visit asks for the privacy policy before anything is claimed.
    const accept = page.locator('.consent-accept').first();
    if (await accept.isVisible()) {
      await accept.click();
      await accept.waitFor({ state: 'hidden' });
    }
    const claim = page.locator('[data-testid="claim-button"]');
    await claim.waitFor({ state: 'visible', timeout: 10_000 });
    await screenshot(page, 'campaign-landing');
    await claim.click();
    await page.locator('[data-testid="claim-success"]').waitFor({ state: 'visible', timeout: 10_000 });
    await screenshot(page, 'campaign-landing-claimed');
    // One scan report, overtaken by the claim, which carried the report's scanId.
    await expect.poll(() => traffic.log, { timeout: 10_000 }).toEqual(['scan sent', 'claim sent', 'scan answered']);
    expect(traffic.scanIds).toHaveLength(1);
    expect(traffic.claimScanIds).toEqual(traffic.scanIds);

    // The patient gives a name, so the consultant can find them in the emulated chat.
    const token = await patientToken(page);
    const renamed = await bff.call('PATCH', '/api/mp/me', { token, body: { name: PATIENT } });
    expect(renamed.status).toBe(200);
    const mine = await bff.call('GET', '/api/mp/coupons', { token });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(1);
    couponCode = mine.body.items[0].code;
    await page.context().close();
  });

  it('lets the consultant see where the patient came from and redeem the coupon in the sidebar', async () => {
    expect(couponCode, 'the coupon was claimed').not.toBe('');
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    await page.goto(`${bff.url}/wecom/`);
    await page.getByTestId('emulated-staff-select').selectOption('zhangwei');
    await page.getByTestId('contact-search').fill(PATIENT);
    await page.getByTestId('contact-result').filter({ hasText: PATIENT }).first().click();
    await expect.poll(() => page.getByTestId('contact-name').textContent(), { timeout: 15_000 }).toBe(PATIENT);

    // 来源: channel · campaign · staff.
    const attribution = page.getByTestId('attribution-line');
    await expect
      .poll(() => attribution.first().textContent(), { timeout: 10_000 })
      .toBe(`来源: ${CHANNEL} · ${CAMPAIGN} · 张伟`);

    const row = page.getByTestId('coupon-row').filter({ hasText: TEMPLATE });
    await expect.poll(() => row.getAttribute('data-phase'), { timeout: 10_000 }).toBe('usable');
    expect(await row.textContent()).toContain('立减 ¥50.00');
    await page.getByTestId('coupons').scrollIntoViewIfNeeded();
    await screenshot(page, 'sidebar-coupons');

    await row.getByTestId('coupon-redeem').click();
    // zhangwei works at the flagship clinic: it is chosen already.
    const clinic = row.getByTestId('coupon-redeem-clinic');
    expect(await clinic.locator('option:checked').textContent()).toContain('静安');
    await screenshot(page, 'sidebar-coupon-redeem-confirm');
    await row.getByTestId('coupon-redeem-confirm').click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('redeemed');
    expect(await row.getByTestId('coupon-message').getAttribute('data-state')).toBe('ok');
    expect(await row.getByTestId('coupon-message').textContent()).toContain('核销成功');
    expect(await row.textContent()).toContain('张伟');
    // A consultant cannot undo a redemption; managers can, within 30 minutes.
    expect(await row.getByTestId('coupon-undo').count()).toBe(0);

    // The same code shown again is refused, and says why.
    await page.getByTestId('coupon-code-input').fill(couponCode.toLowerCase());
    await page.getByTestId('coupon-code-submit').click();
    const result = page.getByTestId('coupon-code-result');
    await expect.poll(() => result.getAttribute('data-state'), { timeout: 10_000 }).toBe('error');
    expect(await result.textContent()).toContain('已经核销过了');
    await page.getByTestId('coupons').scrollIntoViewIfNeeded();
    await screenshot(page, 'sidebar-coupon-redeemed');
    await context.close();

    // The timeline has the claim and the redemption.
    const manager = await signInStaff(bff, 'lina');
    const coupons = await bff.call('GET', `/api/staff/customers/${await customerIdOf(manager.accessToken)}/coupons`, {
      token: manager.accessToken,
    });
    expect(coupons.body.items[0]).toMatchObject({ state: 'redeemed', redemption: { staff: { name: '张伟' } } });
  });

  it('shows the campaign’s results: 1 scan, 1 claim, 1 redemption', async () => {
    expect(campaignId, 'the campaign was created').not.toBe('');
    const page = await staffPage(1280, 900);
    await openWorkbench(page, 'lina', '李娜', `#results/${campaignId}`);
    const scans = resultCell(page, campaignId, 'scans');
    await expect
      .poll(
        async () => {
          await page.getByTestId('results-refresh').click();
          return [
            await scans.textContent(),
            await resultCell(page, campaignId, 'claims').textContent(),
            await resultCell(page, campaignId, 'redemptions').textContent(),
          ];
        },
        { timeout: 20_000, interval: 1_000 },
      )
      .toEqual(['1', '1', '1']);
    expect(await resultCell(page, campaignId, 'costFen').textContent()).toBe('¥300.00');
    expect(await resultCell(page, campaignId, 'newCustomers').textContent()).toBe('1');
    expect(await resultCell(page, campaignId, 'costPerNewCustomerFen').textContent()).toBe('¥300.00');
    const channelRow = page.getByTestId('results-channel-row').filter({ hasText: CHANNEL });
    expect(await channelRow.locator('td[data-metric="claims"]').textContent()).toBe('1');
    // The charts drew (a canvas each).
    await expect.poll(() => page.locator('[data-testid="results-chart"] canvas').count(), { timeout: 10_000 }).toBe(1);
    await expect
      .poll(() => page.locator('[data-testid="results-daily-chart"] canvas').count(), { timeout: 10_000 })
      .toBe(1);
    await page.screenshot({ path: screenshotPath('workbench-results'), fullPage: true });
    await page.context().close();
  });

  it('lets a manager undo the redemption within 30 minutes, in the sidebar', async () => {
    expect(couponCode, 'the coupon was claimed').not.toBe('');
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    await page.goto(`${bff.url}/wecom/`);
    await page.getByTestId('emulated-staff-select').selectOption('lina');
    await page.getByTestId('contact-search').fill(PATIENT);
    await page.getByTestId('contact-result').filter({ hasText: PATIENT }).first().click();
    const row = page.getByTestId('coupon-row').filter({ hasText: TEMPLATE });
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('redeemed');
    const undo = row.getByTestId('coupon-undo');
    expect(await undo.textContent()).toMatch(/撤销核销（剩 (29|30) 分钟）/);
    await undo.click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('claimed');
    expect(await row.getByTestId('coupon-message').textContent()).toContain('已撤销核销');
    expect(await row.getByTestId('coupon-redeem').count()).toBe(1);
    await page.getByTestId('coupons').scrollIntoViewIfNeeded();
    await screenshot(page, 'sidebar-coupon-undone');
    await context.close();
  });
});

/** How long at most the landing page's scan report is held back on its way to the BFF, waiting for the claim. */
const SCAN_HOLD_MAX_MS = 20_000;

/**
 * The scan reports and claims the page sends, in order, the scanId of each scan report and the scan each claim
 * carries, and `claimSent`, settled when the first claim is sent.
 */
function campaignTraffic(page: Page) {
  const log: string[] = [];
  const scanIds: string[] = [];
  const claimScanIds: (string | undefined)[] = [];
  let onClaim!: () => void;
  const claimSent = new Promise<void>((resolve) => (onClaim = resolve));
  const kind = (url: string) => /\/api\/mp\/campaigns\/[^/]+\/(scan|claim)$/.exec(new URL(url).pathname)?.[1];
  page.on('request', (request) => {
    const what = kind(request.url());
    if (request.method() !== 'POST' || !what) return;
    log.push(`${what} sent`);
    if (what === 'scan') scanIds.push((request.postDataJSON() as { scanId: string }).scanId);
    if (what === 'claim') {
      claimScanIds.push((request.postDataJSON() as { scan?: { scanId: string } }).scan?.scanId);
      onClaim();
    }
  });
  page.on('requestfinished', (request) => {
    if (request.method() === 'POST' && kind(request.url()) === 'scan') log.push('scan answered');
  });
  return { log, scanIds, claimScanIds, claimSent };
}

/** Where an element's or a full page's screenshot goes. */
function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, `${name}.png`);
}

/** The patient's customer id, found by the staff search. */
async function customerIdOf(staffToken: string): Promise<string> {
  const found = await bff.call('GET', `/api/staff/customers?q=${encodeURIComponent(PATIENT)}`, { token: staffToken });
  expect(found.status).toBe(200);
  return found.body.items[0].id;
}
