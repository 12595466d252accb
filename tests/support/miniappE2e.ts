/**
 * The mini-program's H5 build (on the sandbox) served by the real BFF and driven in Chromium like a phone, with the
 * demo staff who prepare what the patient sees signed in through the API: what the mini-program's e2e tests share.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { FRONTENDS } from '../../tools/frontends';
import { launchBrowser, phonePage } from './browser';
import { signInStaff, startTestBff, type TestBff } from './bff';

type StaffSession = { accessToken: string; staff: { id: string } };

export interface MiniappE2e {
  bff: TestBff;
  browser: Browser;
  /** lina: admin and manager (approves, verifies HCPs). */
  manager: StaffSession;
  /** zhangwei: a consultant, the rep who writes content and creates meetings. */
  rep: StaffSession;
  close(): Promise<void>;
}

/** Starts the BFF serving the mini-program's H5 build on a database named `name`, a browser, and signs the staff in. */
export async function startMiniappE2e(name: string): Promise<MiniappE2e> {
  const bff = await startTestBff(name, { miniappH5: FRONTENDS[0].output });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const manager = (await signInStaff(bff, 'lina')) as StaffSession;
    const rep = (await signInStaff(bff, 'zhangwei')) as StaffSession;
    const opened = browser;
    return {
      bff,
      browser: opened,
      manager,
      rep,
      async close() {
        await opened.close();
        await bff.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await bff.close();
    throw error;
  }
}

/**
 * For a test file: starts it all (database `name`) before the file's tests and closes it after them. The fields are
 * set once started, so read them inside hooks and tests.
 */
export function miniappE2eContext(name: string): MiniappE2e {
  const e2e = {} as MiniappE2e;
  beforeAll(async () => {
    Object.assign(e2e, await startMiniappE2e(name));
  });
  afterAll(() => e2e.close?.());
  return e2e;
}

/** A new phone (a new emulated WeChat user) on the Home tab, the privacy policy accepted. */
export async function openHomeOnNewPhone(e2e: MiniappE2e): Promise<Page> {
  const page = await phonePage(e2e.browser);
  await page.goto(`${e2e.bff.url}/m/#/pages/home/index`);
  const accept = page.locator('.consent-popup .consent-accept');
  await accept.waitFor({ state: 'visible', timeout: 20_000 });
  await accept.click();
  await accept.waitFor({ state: 'detached', timeout: 10_000 });
  return page;
}

/** Opens a mini-program page by its path (`subpackages/…/index?id=…`) afresh, as a link or a scanned code would. */
export async function openMiniappPage(e2e: MiniappE2e, page: Page, hashPath: string) {
  await page.goto(`${e2e.bff.url}/m/#/${hashPath}`);
  await page.reload();
}

/** The access token of the customer signed in on this phone, from the mini-program's stored session. */
export async function storedAccessToken(page: Page): Promise<string> {
  const stored = await page.evaluate(() => localStorage.getItem('careloop.session'));
  if (!stored) throw new Error('the mini-program keeps no session in storage');
  const parsed = JSON.parse(stored) as { data?: { accessToken?: string }; accessToken?: string };
  const accessToken = parsed.data?.accessToken ?? parsed.accessToken;
  if (!accessToken) throw new Error(`the stored session has no access token: ${stored}`);
  return accessToken;
}
