/**
 * Dynamic tags end to end, on the real builds served by the real BFF, in Chromium: a manager builds the *no-show in
 * 6 months* rule with the workbench's rule form, watches its live preview count (checked against the API), saves
 * it and follows its recompute; a consultant then sees the tag on the customer in the chat sidebar and taps it for
 * the explanation. Also: a note whose keyword tags the customer, and a segment counted, materialised and exported.
 * Patients book through the mini-program's routes (one never comes, one arrives) before the rule exists.
 */
import type { Browser, Download, Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_RULES } from '../../bff/src/tags/examples';
import { FRONTENDS } from '../../tools/frontends';
import { launchBrowser, SCREENSHOTS, screenshot } from '../support/browser';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let browser: Browser;
beforeAll(async () => {
  bff = await startTestBff('e2e_tag_rules', { miniappH5: FRONTENDS[0].output, wecom: FRONTENDS[1].output });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await bff?.close();
});

type Patient = Awaited<ReturnType<typeof signInNewPatient>>;
interface Clinic {
  id: string;
  name: string;
  timeZone: string;
}

const NO_SHOW = EXAMPLE_RULES.find((example) => example.key === 'no_show_6_months')!;
const TAG_NAME = NO_SHOW.name; // 6个月内失约

async function newPatient(name: string): Promise<Patient> {
  const patient = await signInNewPatient(bff);
  const renamed = await bff.call('PATCH', '/api/mp/me', { token: patient.accessToken, body: { name } });
  expect(renamed.status).toBe(200);
  return patient;
}

/** A calendar day in the zone, `days` after today there. */
function dayIn(timeZone: string, days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Books the first free cleaning slot tomorrow at the flagship clinic, as the mini-program's booking page does. */
async function bookCleaningTomorrow(patient: Patient, skip: number): Promise<{ id: string }> {
  const clinics = await bff.call('GET', '/api/mp/clinics', { token: patient.accessToken });
  const clinic = (clinics.body.items as Clinic[]).find((item) => item.name.includes('静安旗舰店'))!;
  const services = await bff.call('GET', `/api/mp/clinics/${clinic.id}/services`, { token: patient.accessToken });
  const cleaning = (services.body.items as { id: string; name: string }[]).find((item) => item.name.includes('洗牙'))!;
  const date = dayIn(clinic.timeZone, 1);
  const slots = await bff.call('GET', `/api/mp/clinics/${clinic.id}/slots?date=${date}&serviceId=${cleaning.id}`, {
    token: patient.accessToken,
  });
  const slot = (slots.body.items as { id: string }[])[skip];
  expect(slot).toBeDefined();
  const booked = await bff.call('POST', '/api/mp/appointments', {
    token: patient.accessToken,
    body: { slotId: slot!.id, serviceId: cleaning.id, note: '' },
  });
  expect(booked.status).toBe(201);
  return booked.body as { id: string };
}

async function openWorkbench(page: Page, userid: string, name: string, hash: string) {
  await page.goto(`${bff.url}/wecom/workbench/${hash}`);
  await page.getByTestId('emulated-staff-select').selectOption(userid);
  await expect.poll(() => page.getByTestId('staff-name').textContent(), { timeout: 15_000 }).toBe(name);
}

/** WeCom gives the chat sidebar about 360px; the emulated context picks the contact by name. */
async function openSidebar(staffUserId: string, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await page.goto(`${bff.url}/wecom/`);
  await page.getByTestId('emulated-staff-select').selectOption(staffUserId);
  await page.getByTestId('contact-search').fill(name);
  await page.getByTestId('contact-result').filter({ hasText: name }).first().click();
  await expect.poll(() => page.getByTestId('contact-name').textContent(), { timeout: 15_000 }).toBe(name);
  return page;
}

/** The live preview's count once it has answered for the current rule. */
async function previewCount(page: Page): Promise<number> {
  const count = page.getByTestId('preview-count');
  await expect.poll(() => count.getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
  return Number(await count.textContent());
}

describe('the no-show-in-6-months rule', () => {
  const neverCame = '钱晓彤';
  const came = '韩雪梅';
  let managerToken: string;
  let tagId: string;

  beforeAll(async () => {
    managerToken = (await signInStaff(bff, 'lina')).accessToken;
    // One patient books and never comes; another books and arrives (the rule must leave her out).
    const first = await newPatient(neverCame);
    await bookCleaningTomorrow(first, 0);
    const second = await newPatient(came);
    const appointment = await bookCleaningTomorrow(second, 1);
    const arrived = await bff.call('POST', `/api/staff/appointments/${appointment.id}/arrive`, { token: managerToken });
    expect(arrived.status).toBe(200);
  });

  it('is built by a manager with the rule form, previewed with the count the API gives, saved and computed', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await openWorkbench(page, 'lina', '李娜', '#tags');
    await expect.poll(() => page.getByTestId('tag-row').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    // The demo library ships four of the five examples; this one is the manager's to make.
    expect(await page.getByTestId('tag-row').filter({ hasText: TAG_NAME }).count()).toBe(0);
    await screenshot(page, 'tag-library');

    await page.getByTestId('tag-new-rule').click();
    await expect.poll(() => page.getByTestId('tag-editor').count()).toBe(1);
    await page.getByTestId('tag-name').fill(TAG_NAME);
    await page.getByTestId('tag-description').fill('近 180 天预约过、预约后一直没有到店');

    // Condition 1: appointment.booked at least once in the last 180 days.
    await page.getByTestId('rule-add-type').first().selectOption('count');
    await page.getByTestId('rule-add').first().click();
    const count = page.locator('[data-testid="rule-condition"][data-type="count"]');
    await count.getByTestId('cond-within-days').fill('180');
    await count.getByTestId('cond-events-add-type').selectOption('appointment.booked');
    await count.getByTestId('cond-count-op').selectOption('gte');
    await count.getByTestId('cond-count-value').fill('1');
    // Condition 2: no arrival since the latest booking.
    await page.getByTestId('rule-add-type').first().selectOption('absence');
    await page.getByTestId('rule-add').first().click();
    const absence = page.locator('[data-testid="rule-condition"][data-type="absence"]');
    await absence.getByTestId('cond-after-add-type').selectOption('appointment.booked');
    await absence.getByTestId('cond-none-add-type').selectOption('appointment.arrived');
    await expect
      .poll(() => page.getByTestId('rule-reading').textContent())
      .toContain('近 180 天内「预约」 ≥ 1 次，且 最近一次「预约」之后至今没有「到店」');

    // The live preview: the count the API gives for the same rule, the patient who never came, not the one who did.
    const shown = await previewCount(page);
    const api = await bff.call('POST', '/api/staff/segments/preview', {
      token: managerToken,
      body: { rule: NO_SHOW.rule, limit: 100 },
    });
    expect(api.status).toBe(200);
    expect(shown).toBeGreaterThanOrEqual(1);
    expect(shown).toBe(api.body.count);
    const rows = page.getByTestId('preview-row');
    expect(await rows.filter({ hasText: neverCame }).count()).toBe(1);
    expect(await rows.filter({ hasText: came }).count()).toBe(0);
    await screenshot(page, 'tag-rule-editor-preview');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'tag-rule-editor-full.png'), fullPage: true });

    // Saving starts the recompute in the background; the tag's page follows it to the end.
    await page.getByTestId('tag-save').click();
    await expect
      .poll(() => page.getByTestId('tag-editor').getAttribute('data-tag-id'), { timeout: 10_000 })
      .toMatch(/^[0-9a-f]{24}$/);
    tagId = (await page.getByTestId('tag-editor').getAttribute('data-tag-id'))!;
    expect(new URL(page.url()).hash).toBe(`#tags/${tagId}`);
    const progress = page.getByTestId('recompute-progress');
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(await page.getByTestId('recompute-detail').textContent()).toContain(`新增 ${shown}`);
    await screenshot(page, 'tag-rule-recomputed');

    // What the library holds: the rule the form built is the shipped example, exactly.
    const saved = await bff.call('GET', `/api/staff/tags/${tagId}`, { token: managerToken });
    expect(saved.body).toMatchObject({ name: TAG_NAME, kind: 'dynamic', rule: NO_SHOW.rule, customers: shown });
    await page.getByTestId('tag-back').click();
    const row = page.locator(`[data-testid="tag-row"][data-tag-id="${tagId}"]`);
    await expect
      .poll(() => row.getByTestId('tag-row-customers').textContent(), { timeout: 10_000 })
      .toBe(String(shown));
    await context.close();
  });

  it('shows the consultant the rule tag in the sidebar, and why it applies when tapped', async () => {
    expect(tagId).toBeDefined();
    const page = await openSidebar('zhangwei', neverCame);
    const chip = page.getByTestId('tag-chip').filter({ hasText: TAG_NAME });
    await expect.poll(() => chip.count(), { timeout: 10_000 }).toBe(1);
    expect(await chip.getAttribute('data-source')).toBe('rule');
    // A rule tag comes and goes with its rule: no remove button.
    expect(await chip.getByTestId('tag-remove').count()).toBe(0);
    expect(await page.locator('[data-testid="tag-source-group"][data-source="rule"]').textContent()).toContain('规则');

    await chip.getByRole('button', { name: TAG_NAME, exact: true }).click();
    const panel = page.getByTestId('tag-explanation');
    await expect.poll(() => panel.getAttribute('data-state'), { timeout: 10_000 }).toBe('ready');
    expect(await page.getByTestId('tag-explanation-headline').textContent()).toContain('当前符合规则');
    const conditions = panel.getByTestId('explanation-condition');
    expect(await conditions.evaluateAll((els) => els.map((el) => [el.dataset.type, el.dataset.holds]))).toEqual([
      ['all', 'true'],
      ['count', 'true'],
      ['absence', 'true'],
    ]);
    const booked = conditions.filter({ hasText: '近 180 天内「预约」' });
    expect(await booked.getByTestId('explanation-event').first().textContent()).toContain('预约');
    // Each line's title (shown on a long press) is the server's account in Chinese, dated on the clinic's day.
    expect(await booked.getAttribute('title')).toBe('近 180 天内「预约」≥ 1 次（实际 1 次）');
    expect(await conditions.nth(2).getAttribute('title')).toBe(
      `最近一次「预约」（${dayIn('Asia/Shanghai', 0)}）之后至今没有「到店」`,
    );
    expect(await panel.getByTestId('explanation-missing').textContent()).toContain('没有「到店」');
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'sidebar-tag-explanation');
    await page.context().close();

    const audit = await bff.call('GET', `/api/staff/audit?action=customer.tag_explained&limit=10`, {
      token: managerToken,
    });
    expect(audit.status).toBe(200);
    expect(audit.body.items[0]).toMatchObject({ surface: 'sidebar', actor: { name: '张伟' } });
  });

  it('tags the customer from a consultant’s note by its keyword', async () => {
    const page = await openSidebar('zhangwei', came);
    expect(await page.getByTestId('tag-chip').filter({ hasText: '种植意向' }).count()).toBe(0);
    await page.getByTestId('note-input').fill('顾客说想了解种植牙，下周再约');
    await page.getByTestId('note-save').click();
    await expect.poll(() => page.getByTestId('note-result').getAttribute('data-state'), { timeout: 10_000 }).toBe('ok');
    expect(await page.getByTestId('note-result').textContent()).toContain('种植意向');
    const chip = page.getByTestId('tag-chip').filter({ hasText: '种植意向' });
    await expect.poll(() => chip.count(), { timeout: 10_000 }).toBe(1);
    expect(await chip.getAttribute('data-source')).toBe('keyword');
    expect(await chip.getAttribute('title')).toContain('张伟的备注「顾客说想了解种植牙');
    expect(await page.getByTestId('note-item').first().textContent()).toContain('想了解种植牙');
    await page.getByTestId('notes').scrollIntoViewIfNeeded();
    await screenshot(page, 'sidebar-note-keyword-tag');
    await page.context().close();
  });

  it('selects the tagged customers as a segment, materialises it and exports it as CSV', async () => {
    expect(tagId).toBeDefined();
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    const page = await context.newPage();
    await openWorkbench(page, 'lina', '李娜', '#segments');
    await page.getByTestId('segment-name').fill('失约待召回');
    await page.getByTestId('rule-add-type').first().selectOption('tag');
    await page.getByTestId('rule-add').first().click();
    await page.getByTestId('cond-tag').selectOption(tagId);
    const api = await bff.call('POST', '/api/staff/segments/preview', {
      token: managerToken,
      body: { rule: { type: 'tag', tagId, has: true } },
    });
    const shown = await previewCount(page);
    expect(shown).toBe(api.body.count);
    expect(await page.getByTestId('preview-row').filter({ hasText: neverCame }).count()).toBe(1);

    await page.getByTestId('segment-save').click();
    const form = page.getByTestId('segment-form');
    await expect.poll(() => form.getAttribute('data-segment-id'), { timeout: 10_000 }).toMatch(/^[0-9a-f]{24}$/);
    expect(await page.getByTestId('segment-item').filter({ hasText: '失约待召回' }).count()).toBe(1);
    // The saved segment's own page counts it again.
    expect(await previewCount(page)).toBe(shown);

    await page.getByTestId('segment-materialise').click();
    const list = page.getByTestId('segment-list');
    await expect.poll(() => list.getAttribute('data-count'), { timeout: 10_000 }).toBe(String(shown));
    await expect
      .poll(() => list.getByTestId('segment-list-member').filter({ hasText: neverCame }).count(), { timeout: 10_000 })
      .toBe(1);

    const [download] = (await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('segment-export').click(),
    ])) as [Download, unknown];
    expect(download.suggestedFilename()).toMatch(/^人群-失约待召回-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv).toContain(neverCame);
    expect(csv).not.toContain(came);
    await screenshot(page, 'segment-builder');
    await context.close();
  });
});
