/**
 * One person across both surfaces, in Chromium on the real builds: a patient links a phone in the mini-program;
 * a consultant opens the sidebar, picks that patient and sees the phone masked and the page views on the timeline.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRONTENDS } from '../../tools/frontends';
import { launchBrowser, phonePage, screenshot } from '../support/browser';
import { startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let browser: Browser;
beforeAll(async () => {
  bff = await startTestBff('e2e-oneid', { miniappH5: FRONTENDS[0].output, wecom: FRONTENDS[1].output });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await bff?.close();
});

const NAME = '跨端患者';
const PHONE = '13971825634';
const MASKED = '139****5634';

describe('one patient across the mini-program and the sidebar', () => {
  it('shows the phone linked in the mini-program, masked, and its page views to the consultant', async () => {
    const patient = await phonePage(browser);
    await patient.goto(`${bff.url}/m/`);
    const accept = patient.locator('.consent-popup .consent-accept');
    await accept.waitFor({ state: 'visible', timeout: 20_000 });
    await accept.click();
    await accept.waitFor({ state: 'hidden' });
    await patient.locator('.weui-tabbar__label', { hasText: '我的' }).click();
    await patient.locator('input.me-nickname-input').fill(NAME);
    await patient.locator('.me-save').click();
    await expect.poll(() => patient.locator('.me-name').textContent(), { timeout: 10_000 }).toContain(NAME);
    await patient.locator('.me-link-phone').click();
    await patient.locator('input.sandbox-phone-input').fill(PHONE);
    await patient.locator('.sandbox-phone-allow').click();
    await expect.poll(() => patient.locator('.me-phone').textContent(), { timeout: 10_000 }).toBe(MASKED);
    await screenshot(patient, 'oneid-miniapp-phone-linked');

    const consultant = await phonePage(browser);
    await consultant.goto(`${bff.url}/wecom/`);
    await consultant.getByTestId('emulated-staff-select').selectOption('zhangwei');
    await consultant.getByTestId('contact-search').fill(NAME);
    await consultant.getByTestId('contact-result').filter({ hasText: NAME }).first().click();
    await expect
      .poll(() => consultant.getByTestId('profile-phone').textContent(), { timeout: 10_000 })
      .toContain(MASKED);
    expect(await consultant.locator('body').textContent()).not.toContain(PHONE);
    // Page views arrive in the mini-program's next batch; the sidebar shows them once they are stored.
    await expect
      .poll(
        async () => {
          await consultant.reload();
          // Every profile's timeline starts with profile.created: once it shows, the first page has loaded.
          await consultant.locator('[data-testid="timeline-item"][data-type="profile.created"]').waitFor();
          return consultant.locator('[data-testid="timeline-item"][data-type="page.viewed"]').count();
        },
        { timeout: 30_000, interval: 2_000 },
      )
      .toBeGreaterThan(0);
    await screenshot(consultant, 'oneid-sidebar-profile');
    await patient.context().close();
    await consultant.context().close();
  });
});
