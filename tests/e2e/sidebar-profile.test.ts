/**
 * The sidebar's 360° view, on the real builds served by the real BFF, in Chromium at WeCom's sidebar width.
 * Patients sign in through the sandbox, browse (page views sent as the mini-program sends them), link or type a
 * phone; staff open the sidebar in the emulated WeCom context and work with the profile.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRONTENDS } from '../../tools/frontends';
import { launchBrowser, SCREENSHOTS, screenshot } from '../support/browser';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let browser: Browser;
beforeAll(async () => {
  bff = await startTestBff('e2e_sidebar_profile', { miniappH5: FRONTENDS[0].output, wecom: FRONTENDS[1].output });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await bff?.close();
});

type Patient = Awaited<ReturnType<typeof signInNewPatient>>;

/** A new mini-program user who set a nickname. */
async function newPatient(name: string): Promise<Patient> {
  const patient = await signInNewPatient(bff);
  const renamed = await bff.call('PATCH', '/api/mp/me', { token: patient.accessToken, body: { name } });
  expect(renamed.status).toBe(200);
  return patient;
}

const PAGES = [
  { path: 'pages/home/index', title: '首页' },
  { path: 'pages/coupon/detail?id=cleaning', title: '洗牙优惠券' },
  { path: 'pages/content/detail?id=implant', title: '种植牙科普' },
  { path: 'pages/booking/index', title: '预约挂号' },
  { path: 'pages/me/index', title: '我的' },
];

/** Page views as the mini-program's event sender batches them, spread over the last few days. */
async function browse(patient: Patient, count: number) {
  const now = Date.now();
  const events = Array.from({ length: count }, (_, i) => ({
    id: `pv-${patient.openid.slice(-8)}-${String(i).padStart(3, '0')}`.replace(/[^A-Za-z0-9_-]/g, '_'),
    type: 'page.viewed',
    occurredAt: new Date(now - (i + 1) * 150 * 60_000).toISOString(),
    properties: PAGES[i % PAGES.length],
  }));
  const sent = await bff.call('POST', '/api/mp/events', { token: patient.accessToken, body: { events } });
  expect(sent.status).toBe(200);
  expect(sent.body).toMatchObject({ accepted: count, rejected: [] });
}

/** The getPhoneNumber flow: the sandbox hands out the code the button would, the mini-program sends it. */
async function linkVerifiedPhone(patient: Patient, phoneNumber: string) {
  const code = await bff.call('POST', '/sandbox/control/wechat/phone-code', {
    body: { openid: patient.openid, phoneNumber },
  });
  expect(code.status).toBe(201);
  const linked = await bff.call('POST', '/api/mp/me/phone', {
    token: patient.accessToken,
    body: { code: code.body.code },
  });
  expect(linked.status).toBe(200);
  expect(linked.body.phone).toMatchObject({ verified: true });
}

async function acceptConsent(patient: Patient, marketing: boolean) {
  const state = await bff.call('GET', '/api/mp/me/consent', { token: patient.accessToken });
  const accepted = await bff.call('POST', '/api/mp/me/consent', {
    token: patient.accessToken,
    body: { policyVersion: state.body.currentPolicyVersion, marketing },
  });
  expect(accepted.status).toBe(200);
}

/** A mobile number no placeholder rule treats as a test number (see isTestPhoneNumber). */
function realisticPhone(seed: number): string {
  return `139${String(52_718_360 + seed * 7_919).padStart(8, '0')}`;
}

/** WeCom gives the chat sidebar about 360px. */
async function sidebarPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
  return context.newPage();
}

/** Signs in as a demo staff member in the emulated context and makes `name` the chat's contact. */
async function openContact(page: Page, staffUserId: string, name: string) {
  await page.goto(`${bff.url}/wecom/`);
  await page.getByTestId('emulated-staff-select').selectOption(staffUserId);
  await page.getByTestId('contact-search').fill(name);
  await page.getByTestId('contact-result').filter({ hasText: name }).first().click();
  await expect.poll(() => page.getByTestId('contact-name').textContent(), { timeout: 15_000 }).toBe(name);
}

async function fullScreenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const items = (page: Page, type?: string) =>
  page.locator(type ? `[data-testid="timeline-item"][data-type="${type}"]` : '[data-testid="timeline-item"]');

describe('the sidebar’s 360° profile', () => {
  const name = '陈静怡';
  const phone = realisticPhone(1);
  let patient: Patient;

  beforeAll(async () => {
    patient = await newPatient(name);
    await acceptConsent(patient, true);
    await linkVerifiedPhone(patient, phone);
    await browse(patient, 25);
  });

  it('shows a consultant the header, tags and a paged, filterable timeline', async () => {
    const page = await sidebarPage();
    await openContact(page, 'zhangwei', name);

    const header = page.getByTestId('profile-header');
    await expect.poll(() => header.isVisible()).toBe(true);
    expect(await page.getByTestId('contact-kind').textContent()).toContain('患者');
    // Masked for everyone; only managers and admins get the reveal button.
    const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;
    expect(await page.getByTestId('profile-phone').textContent()).toBe(masked);
    expect(await header.textContent()).toContain('已验证');
    expect(await page.getByTestId('profile-phone-reveal').count()).toBe(0);
    const badges = await page.getByTestId('identity-badge').allTextContents();
    expect(badges).toEqual(expect.arrayContaining(['小程序', '手机已验证']));
    expect(await page.getByTestId('profile-activity').getAttribute('data-level')).toMatch(/^(new|active)$/);
    expect(await page.getByTestId('profile-owner').textContent()).toContain('未分配');
    expect(await page.getByTestId('consent-marketing').getAttribute('data-state')).toBe('granted');

    // The first page: 20 events, newest first (linking the phone just now, then the page views with their titles).
    await expect.poll(() => items(page).count(), { timeout: 10_000 }).toBe(20);
    expect(await items(page).first().getAttribute('data-type')).toBe('phone.verified');
    const first = items(page, 'page.viewed').first();
    expect(await first.textContent()).toContain('浏览页面');
    expect(await first.textContent()).toContain('首页');
    await screenshot(page, 'sidebar-profile-header');

    // Scrolling to the end loads the older page: all 25 page views, then the profile's own events.
    await page.locator('.timeline__end').scrollIntoViewIfNeeded();
    await expect.poll(() => items(page, 'page.viewed').count(), { timeout: 10_000 }).toBe(25);
    await expect.poll(() => page.getByTestId('timeline-end').isVisible()).toBe(true);
    expect(await items(page, 'profile.created').count()).toBe(1);
    expect(await items(page, 'phone.verified').count()).toBe(1);
    await page.getByTestId('timeline-end').scrollIntoViewIfNeeded();
    await screenshot(page, 'sidebar-profile-timeline-end');

    // Filter: page views only, then profile and consent events only.
    await page.getByTestId('timeline-filter').selectOption('views');
    await expect.poll(() => items(page).count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(20);
    expect(new Set(await items(page).evaluateAll((els) => els.map((el) => el.getAttribute('data-type'))))).toEqual(
      new Set(['page.viewed']),
    );
    await page.getByTestId('timeline-filter').selectOption('profile');
    await expect.poll(() => items(page, 'page.viewed').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => items(page, 'phone.verified').count()).toBe(1);
    const types = await items(page).evaluateAll((els) => els.map((el) => el.getAttribute('data-type')));
    expect(types.every((type) => /^(profile|identity|phone|consent)\./.test(type ?? ''))).toBe(true);
    await page.getByTestId('timeline-filter').scrollIntoViewIfNeeded();
    await screenshot(page, 'sidebar-profile-filter-profile');
    await page.getByTestId('timeline-filter').selectOption('all');

    // A tag: added with Enter, shown with its source, on the timeline at once.
    await page.getByTestId('tag-input').fill('种植意向');
    await page.getByTestId('tag-input').press('Enter');
    const chip = page.getByTestId('tag-chip').filter({ hasText: '种植意向' });
    await expect.poll(() => chip.count(), { timeout: 10_000 }).toBe(1);
    expect(await chip.getAttribute('data-source')).toBe('manual');
    expect(await chip.getAttribute('title')).toContain('张伟');
    // On a touch screen there is no tooltip: tapping the chip tells where it came from.
    await chip.getByRole('button', { name: '种植意向', exact: true }).click();
    expect(await page.getByTestId('tag-provenance').textContent()).toContain('手动 · 张伟');
    await page.getByTestId('tag-input').scrollIntoViewIfNeeded();
    await screenshot(page, 'sidebar-profile-tag-added');
    expect(await page.getByTestId('tag-input').inputValue()).toBe('');
    await expect.poll(() => items(page).first().getAttribute('data-type'), { timeout: 10_000 }).toBe('tag.added');
    expect(await items(page).first().textContent()).toContain('种植意向');

    // Assign to me.
    await page.getByTestId('assign-to-me').click();
    await expect.poll(() => page.getByTestId('profile-owner').textContent(), { timeout: 10_000 }).toBe('张伟');
    expect(await page.getByTestId('assign-to-me').count()).toBe(0);

    // Edit base data.
    await page.getByTestId('edit-open').click();
    await page.getByTestId('edit-gender').selectOption('female');
    await page.getByTestId('edit-birthday').fill('1990-04-12');
    await screenshot(page, 'sidebar-profile-edit');
    await page.getByTestId('edit-save').click();
    await expect.poll(() => page.getByTestId('edit-form').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => header.textContent()).toContain('1990-04-12');
    expect(await header.textContent()).toContain('女');

    // The customer asks in the chat to stop marketing.
    await page.getByTestId('consent-withdraw').click();
    await page.getByTestId('consent-withdraw-confirm').click();
    await expect
      .poll(() => page.getByTestId('consent-marketing').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('withdrawn');
    await page.evaluate(() => window.scrollTo(0, 0));
    await fullScreenshot(page, 'sidebar-profile-full');

    // Removing the tag.
    await chip.getByTestId('tag-remove').click();
    await expect.poll(() => page.getByTestId('tag-chip').filter({ hasText: '种植意向' }).count()).toBe(0);
    await page.context().close();

    // What the BFF recorded: the views came from the sidebar, the withdrawal too, and the edit names its fields.
    const admin = await signInStaff(bff, 'lina');
    const audit = await bff.call('GET', `/api/staff/audit?customerId=${patient.customer.id}&limit=100`, {
      token: admin.accessToken,
    });
    expect(audit.status).toBe(200);
    type Entry = { action: string; surface: string; actor: { name: string }; details: Record<string, unknown> | null };
    const entries = (audit.body.items as Entry[]).filter((entry) => entry.actor.name === '张伟');
    const actions = new Set(entries.map((entry) => entry.action));
    for (const action of ['customer.profile_viewed', 'customer.timeline_viewed', 'customer.consent_changed']) {
      expect(actions).toContain(action);
    }
    // Every request the sidebar made named its surface.
    expect(entries.filter((entry) => entry.surface !== 'sidebar')).toEqual([]);
    const edits = entries.filter((entry) => entry.action === 'customer.updated').map((entry) => entry.details?.fields);
    // Only the fields staff changed (a list, or the list joined with commas).
    expect(edits.map(String)).toEqual(expect.arrayContaining(['ownerStaffId', 'gender,birthday']));
    const consent = await bff.call('GET', `/api/staff/customers/${patient.customer.id}/consent`, {
      token: admin.accessToken,
    });
    expect(consent.body.marketing).toMatchObject({ granted: false, channel: 'sidebar' });
  });

  it('lets a manager reveal the phone number, and audits it', async () => {
    const page = await sidebarPage();
    await openContact(page, 'lina', name);
    const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;
    await expect.poll(() => page.getByTestId('profile-phone').textContent()).toBe(masked);
    await page.getByTestId('profile-phone-reveal').click();
    await expect.poll(() => page.getByTestId('profile-phone').textContent(), { timeout: 10_000 }).toBe(phone);
    await screenshot(page, 'sidebar-profile-phone-revealed');
    await page.getByTestId('profile-phone-reveal').click();
    expect(await page.getByTestId('profile-phone').textContent()).toBe(masked);
    await page.context().close();

    const admin = await signInStaff(bff, 'lina');
    const audit = await bff.call(
      'GET',
      `/api/staff/audit?customerId=${patient.customer.id}&action=customer.phone_revealed`,
      { token: admin.accessToken },
    );
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ surface: 'sidebar', actor: { name: '李娜' } });
  });

  it('shows an HCP’s hospital and lets an admin verify them', async () => {
    const page = await sidebarPage();
    await openContact(page, 'lina', '吴建国 医生');
    expect(await page.getByTestId('contact-kind').textContent()).toContain('医生');
    expect(await page.getByTestId('profile-hcp').textContent()).toBe('上海市第九人民医院 · 口腔修复科 · 主任医师');
    expect(await page.getByTestId('profile-hcp-verification').textContent()).toContain('待认证');
    // A WeCom contact of wangfang's: the badge names the staff who have them.
    const wecom = page.getByTestId('identity-badge').filter({ hasText: '企业微信' });
    expect(await wecom.getAttribute('title')).toContain('王芳');
    await page.getByTestId('hcp-verify-open').click();
    await page.getByTestId('hcp-evidence').fill('执业证书编号 110310000012345');
    await screenshot(page, 'sidebar-profile-hcp-verify-form');
    await page.getByRole('button', { name: '认证通过' }).click();
    await expect
      .poll(() => page.getByTestId('profile-hcp-verification').textContent(), { timeout: 10_000 })
      .toContain('已认证');
    await screenshot(page, 'sidebar-profile-hcp');
    await page.context().close();
  });
});

describe('possible duplicates in the sidebar', () => {
  it('shows two patients who typed the same phone as a possible duplicate, and confirming merges them', async () => {
    const phone = realisticPhone(2);
    const older = await newPatient('林浩然');
    await browse(older, 3);
    const newer = await newPatient('林浩然 (新)');
    await browse(newer, 2);
    for (const patient of [older, newer]) {
      const typed = await bff.call('POST', '/api/mp/me/phone/typed', { token: patient.accessToken, body: { phone } });
      expect(typed.status).toBe(200);
    }

    const page = await sidebarPage();
    await openContact(page, 'zhangwei', '林浩然 (新)');
    const banner = page.getByTestId('duplicate-banner');
    await expect.poll(() => banner.count(), { timeout: 10_000 }).toBe(1);
    expect(await banner.textContent()).toContain('可能是同一人：林浩然（同一手机号）');
    // A typed phone is not verified, and gives no badge.
    expect(await page.getByTestId('profile-header').textContent()).toContain('未验证');
    expect(await page.getByTestId('identity-badge').allTextContents()).not.toContain('手机已验证');
    await screenshot(page, 'sidebar-duplicate-banner');

    await page.getByTestId('duplicate-confirm').click();
    // The older profile survives and holds both histories.
    await expect.poll(() => page.getByTestId('contact-name').textContent(), { timeout: 15_000 }).toBe('林浩然');
    expect(await banner.count()).toBe(0);
    await expect.poll(() => items(page, 'page.viewed').count(), { timeout: 10_000 }).toBe(5);
    expect(await items(page, 'profile.merged').count()).toBe(1);
    expect(await page.locator('.picker__current').textContent()).toContain('林浩然');
    await screenshot(page, 'sidebar-duplicate-merged');

    // A reload shows the survivor: the emulated contact moved to it.
    await page.reload();
    await expect.poll(() => page.getByTestId('contact-name').textContent(), { timeout: 15_000 }).toBe('林浩然');
    expect(await page.getByTestId('duplicate-banner').count()).toBe(0);
    await page.context().close();
  });

  it('dismisses a possible duplicate that is not the same person', async () => {
    const phone = realisticPhone(3);
    for (const name of ['周雨桐', '周雨彤']) {
      const patient = await newPatient(name);
      await bff.call('POST', '/api/mp/me/phone/typed', { token: patient.accessToken, body: { phone } });
    }
    const page = await sidebarPage();
    await openContact(page, 'zhangwei', '周雨彤');
    await expect.poll(() => page.getByTestId('duplicate-banner').count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('duplicate-dismiss').click();
    await expect.poll(() => page.getByTestId('duplicate-banner').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.getByTestId('contact-name').textContent()).toBe('周雨彤');
    await page.reload();
    await expect.poll(() => page.getByTestId('contact-name').textContent(), { timeout: 15_000 }).toBe('周雨彤');
    await expect.poll(() => page.getByTestId('profile-header').count()).toBe(1);
    expect(await page.getByTestId('duplicate-banner').count()).toBe(0);
    await page.context().close();
  });
});
