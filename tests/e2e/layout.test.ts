/**
 * Layout a user would notice broken, on the real builds in Chromium with the demo data: a video's title and text
 * are not hidden under the video (Taro's H5 video is absolutely positioned), every workbench page's tab is in sight
 * at a usual desktop width, and the empty 我的会议 puts its 去看看 under the sentence rather than beside it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRONTENDS } from '../../tools/frontends';
import { launchBrowser, phonePage, screenshot } from '../support/browser';
import { startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let browser: Browser;

beforeAll(async () => {
  bff = await startTestBff('e2e-layout', { miniappH5: FRONTENDS[0].output, wecom: FRONTENDS[1].output });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await bff?.close();
});

/** A new phone on the Home tab, the privacy policy accepted. */
async function openHome(): Promise<Page> {
  const page = await phonePage(browser);
  await page.goto(`${bff.url}/m/#/pages/home/index`);
  const accept = page.locator('.consent-popup .consent-accept');
  await accept.waitFor({ state: 'visible', timeout: 20_000 });
  await accept.click();
  await accept.waitFor({ state: 'detached', timeout: 10_000 });
  return page;
}

async function box(page: Page, testId: string) {
  const found = await page.getByTestId(testId).first().boundingBox();
  expect(found, testId).not.toBeNull();
  return found!;
}

describe('mini-program layout', () => {
  it('shows a video’s title below the video, not under it', async () => {
    const page = await openHome();
    const card = page.getByTestId('content-card').filter({ hasText: '三分钟学会使用牙线' });
    await card.waitFor({ state: 'visible', timeout: 15_000 });
    await card.click();
    await page.getByTestId('content-title').waitFor({ state: 'visible', timeout: 15_000 });
    const video = await box(page, 'content-video');
    const title = await box(page, 'content-title');
    await screenshot(page, 'layout-video');
    expect(video.height).toBeGreaterThan(150);
    expect(title.y).toBeGreaterThanOrEqual(video.y + video.height - 1);
  });

  it('puts 去看看 under the sentence when I have no meetings', async () => {
    const page = await openHome();
    await page.goto(`${bff.url}/m/#/subpackages/meetings/pages/mine/index`);
    await page.reload();
    const empty = page.getByTestId('my-meetings-empty');
    await empty.waitFor({ state: 'visible', timeout: 15_000 });
    const sentence = await empty.getByText('你还没有报名任何会议或活动').boundingBox();
    const button = await empty.getByText('去看看').boundingBox();
    await screenshot(page, 'layout-my-meetings-empty');
    expect(button!.y).toBeGreaterThanOrEqual(sentence!.y + sentence!.height);
  });
});

describe('workbench layout', () => {
  it('shows every page’s tab in the window at 1280px, none scrolled out of sight', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${bff.url}/wecom/workbench/`);
    await page.getByTestId('emulated-staff-select').selectOption('lina');
    await expect.poll(() => page.getByTestId('staff-name').textContent(), { timeout: 15_000 }).toBe('李娜');
    const tabs = page.locator('nav.tabs > a');
    expect(await tabs.count()).toBe(13); // a manager sees every page
    for (const tab of await tabs.all()) {
      const where = (await tab.boundingBox())!;
      expect(where.x + where.width, (await tab.textContent()) ?? '').toBeLessThanOrEqual(1280);
    }
    const nav = page.locator('nav.tabs');
    expect(await nav.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
    await screenshot(page, 'layout-workbench-tabs');
    await context.close();
  });
});
