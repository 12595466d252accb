/**
 * The patient's own profile in the mini-program (H5 build on the sandbox, served by the real BFF, in Chromium):
 * consent on first use, a phone linked through the emulated getPhoneNumber confirmation, page views reaching the
 * timeline, marketing consent withdrawn, the data export downloaded, and the account erased.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRONTENDS } from '../../tools/frontends';
import { launchBrowser, phonePage, screenshot } from '../support/browser';
import { signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let browser: Browser;
let staffToken: string;
beforeAll(async () => {
  bff = await startTestBff('e2e-miniapp-profile', { miniappH5: FRONTENDS[0].output });
  browser = await launchBrowser();
  staffToken = (await signInStaff(bff, 'lina')).accessToken; // 李娜: manager and admin
});
afterAll(async () => {
  await browser?.close();
  await bff?.close();
});

/** A realistic number: not one of the placeholders that never link (13800138000, 1xx12345678, runs of one digit). */
const PHONE = '13961725678';
const MASKED = '139****5678';

/** The signed-in customer, as the mini-program's stored session names them. */
async function currentCustomer(page: Page) {
  const stored = await page.evaluate(() => localStorage.getItem('careloop.session'));
  expect(stored, 'the mini-program keeps its session in storage').toBeTruthy();
  const parsed = JSON.parse(stored!) as { data?: { accessToken?: string }; accessToken?: string };
  const accessToken = parsed.data?.accessToken ?? parsed.accessToken;
  const me = await bff.call('GET', '/api/mp/me', { token: accessToken });
  expect(me.status).toBe(200);
  return { id: me.body.id as string, accessToken: accessToken! };
}

async function pageViews(customerId: string): Promise<Array<{ path: string; title?: string; referrer?: string }>> {
  const timeline = await bff.call('GET', `/api/staff/customers/${customerId}/timeline?types=page.viewed&limit=100`, {
    token: staffToken,
  });
  expect(timeline.status).toBe(200);
  return timeline.body.items.map((item: { properties: unknown }) => item.properties);
}

describe('mini-program profile', () => {
  it('asks for consent, links a verified phone, sends page views and withdraws marketing', async () => {
    const page = await phonePage(browser);
    await page.goto(`${bff.url}/m/`);

    // First use: the privacy policy sheet, marketing unticked.
    const accept = page.locator('.consent-popup .consent-accept');
    await accept.waitFor({ state: 'visible', timeout: 20_000 });
    await expect.poll(() => page.locator('.consent-popup .consent__version').textContent()).toMatch(/版本 \S+/);
    await screenshot(page, 'miniapp-consent-popup');
    await page.locator('.consent-popup .consent-marketing').click();
    await accept.click();
    await accept.waitFor({ state: 'hidden' });

    const customer = await currentCustomer(page);
    const consentAfterAccept = await bff.call('GET', `/api/staff/customers/${customer.id}/consent`, {
      token: staffToken,
    });
    expect(consentAfterAccept.body.policyUpToDate).toBe(true);
    expect(consentAfterAccept.body.marketing.granted).toBe(true);

    // To Me through the tab bar, then link the phone through the emulated WeChat confirmation.
    await page.locator('.weui-tabbar__label', { hasText: '我的' }).click();
    await expect.poll(() => page.locator('.me-marketing').textContent(), { timeout: 10_000 }).toContain('已同意接收');
    await page.locator('.me-link-phone').click();
    const phoneInput = page.locator('input.sandbox-phone-input');
    await phoneInput.waitFor({ state: 'visible' });
    await expect
      .poll(() => page.locator('.sandbox-phone-dialog').textContent())
      .toContain('CareLoop 申请获取你的手机号');
    await phoneInput.fill(PHONE);
    await screenshot(page, 'miniapp-phone-sandbox-confirm');
    await page.locator('.sandbox-phone-allow').click();

    await expect.poll(() => page.locator('.me-phone').textContent(), { timeout: 10_000 }).toBe(MASKED);
    await expect.poll(() => page.locator('.me-phone-verified').textContent()).toBe('已验证');
    await expect.poll(() => page.locator('.me-link-phone').count()).toBe(0);
    await screenshot(page, 'miniapp-me-phone-verified');

    const profile = await bff.call('GET', `/api/staff/customers/${customer.id}/profile`, { token: staffToken });
    expect(profile.body.customer.phone).toEqual({ masked: MASKED, verified: true });

    // The page views went out in a batch: Home, then Me with Home as referrer.
    await expect
      .poll(async () => (await pageViews(customer.id)).map((view) => view.path), { timeout: 20_000, interval: 500 })
      .toEqual(expect.arrayContaining(['pages/home/index', 'pages/me/index']));
    const views = await pageViews(customer.id);
    expect(views.find((view) => view.path === 'pages/me/index')).toMatchObject({
      title: '我的',
      referrer: 'pages/home/index',
    });

    // Withdraw marketing: one tap, at once, with a toast.
    await page.locator('.me-withdraw-marketing').click();
    await expect
      .poll(() => page.locator('.me-toast--success').textContent(), { timeout: 5_000 })
      .toContain('已撤回营销授权');
    await expect.poll(() => page.locator('.me-marketing').textContent()).toContain('未同意接收');
    await screenshot(page, 'miniapp-me-marketing-withdrawn');
    const consentAfterWithdrawal = await bff.call('GET', `/api/staff/customers/${customer.id}/consent`, {
      token: staffToken,
    });
    expect(consentAfterWithdrawal.body.marketing.granted).toBe(false);
    expect(consentAfterWithdrawal.body.history[0]).toMatchObject({ type: 'marketing_withdrawn', channel: 'miniapp' });

    // The data export downloads as a JSON file; the export is audited as coming from the mini-program.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.me-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^careloop-export-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(exported.customerId).toBe(customer.id);
    expect(exported.sections.profile.phone).toEqual({ number: PHONE, verified: true });
    await expect.poll(() => page.locator('.me-export-summary').textContent()).toContain('行为记录');
    await screenshot(page, 'miniapp-me-export');
    const audit = await bff.call(
      'GET',
      `/api/staff/audit?customerId=${customer.id}&action=customer.data_exported&limit=5`,
      { token: staffToken },
    );
    expect(audit.body.items[0]).toMatchObject({ surface: 'miniapp' });
    await page.context().close();
  });

  it('erases the account behind a confirmation and signs out', async () => {
    const page = await phonePage(browser);
    await page.goto(`${bff.url}/m/#/pages/me/index`);

    // Straight to Me: the consent card is in the page, and the phone cannot be linked before accepting.
    const accept = page.locator('.me-profile .consent-accept');
    await accept.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await page.locator('.me-link-phone').getAttribute('class')).toContain('disabled');
    await accept.click();
    await expect.poll(() => page.locator('.me-policy').textContent(), { timeout: 10_000 }).toContain('已同意');
    const customer = await currentCustomer(page);

    await page.locator('.me-erase').click();
    const confirm = page.locator('.me-erase-confirm');
    await confirm.waitFor({ state: 'visible' });
    await screenshot(page, 'miniapp-erase-confirm');
    await confirm.click();

    await expect
      .poll(() => page.locator('.me-erased__title').textContent(), { timeout: 10_000 })
      .toBe('你的数据已删除');
    await screenshot(page, 'miniapp-erased');
    expect(await page.evaluate(() => localStorage.getItem('careloop.session'))).toBeNull();
    expect(await page.evaluate(() => localStorage.getItem('careloop.events'))).toBeNull();
    // The old session is over on the server too.
    const after = await bff.call('GET', '/api/mp/me/consent', { token: customer.accessToken });
    expect(after.status).toBe(401);

    // Starting again is a new, empty profile that is asked for consent afresh.
    await page.locator('.me-restart').click();
    await accept.waitFor({ state: 'visible', timeout: 20_000 });
    const fresh = await currentCustomer(page);
    expect(fresh.id).not.toBe(customer.id);
    await page.context().close();
  });
});
