/**
 * A person's first visit, on the real builds served by the real BFF, in Chromium: a patient opens the
 * mini-program and is signed in; a consultant opens the sidebar in the emulated WeCom context, picks that
 * patient and sees their name.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRONTENDS } from '../../tools/frontends';
import { launchBrowser, phonePage, screenshot } from '../support/browser';
import { startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let browser: Browser;
beforeAll(async () => {
  bff = await startTestBff('e2e', { miniappH5: FRONTENDS[0].output, wecom: FRONTENDS[1].output });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await bff?.close();
});

const nickname = '王小明';

describe('first visit', () => {
  it('signs a patient in through the sandbox on opening the mini-program and shows them on the Me page', async () => {
    const page = await phonePage(browser);
    await page.goto(`${bff.url}/m/#/pages/me/index`);
    await expect.poll(() => page.locator('.me-name').textContent(), { timeout: 20_000 }).toContain('未设置昵称');
    await expect.poll(() => page.locator('.me-kind').textContent()).toContain('患者');
    await screenshot(page, 'miniapp-me-signed-in');

    await page.locator('input.me-nickname-input').fill(nickname);
    await page.locator('.me-save').click();
    await expect.poll(() => page.locator('.me-name').textContent()).toContain(nickname);
    await screenshot(page, 'miniapp-me-nickname-saved');

    await page.goto(`${bff.url}/m/#/pages/home/index`);
    await expect.poll(() => page.locator('.home-title').textContent()).toContain('微笑齿科');

    // The session survives a reload: the same emulated WeChat user signs in as the same customer.
    await page.goto(`${bff.url}/m/#/pages/me/index`);
    await page.reload();
    await expect.poll(() => page.locator('.me-name').textContent(), { timeout: 20_000 }).toContain(nickname);
    await page.context().close();
  });

  it('lets a consultant in the emulated WeCom context pick that patient and see the name', async () => {
    const page = await phonePage(browser);
    await page.goto(`${bff.url}/wecom/`);
    await page.getByTestId('emulated-staff-select').selectOption('zhangwei');
    // Picking a staff member signs them in, through a sandbox OAuth code and the real sign-in route.
    await page.getByTestId('contact-search').fill(nickname);
    await page.getByTestId('contact-result').filter({ hasText: nickname }).first().click();
    await expect.poll(() => page.getByTestId('contact-name').textContent(), { timeout: 10_000 }).toBe(nickname);
    await expect.poll(() => page.getByTestId('contact-kind').textContent()).toContain('患者');
    await screenshot(page, 'sidebar-contact-picked');
    await page.context().close();
  });

  it('shows the manager, with organisation, on the workbench', async () => {
    const page = await phonePage(browser);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${bff.url}/wecom/workbench/`);
    await page.getByTestId('emulated-staff-select').selectOption('lina');
    await expect.poll(() => page.getByTestId('staff-name').textContent(), { timeout: 10_000 }).toContain('李娜');
    await expect.poll(() => page.getByTestId('organisation-name').textContent()).toContain('微笑齿科');
    await screenshot(page, 'workbench-signed-in');
    await page.context().close();
  });
});
