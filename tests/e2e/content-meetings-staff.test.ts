/**
 * Content and meetings across the three surfaces, in Chromium on the real builds served by the real BFF.
 *
 * Meetings (the end-to-end): a rep (王芳) creates an academic meeting in the workbench and submits it; she may
 * not approve it, and the page says why; a manager (李娜) approves and publishes it. 吴建国 — 王芳's WeCom contact,
 * whom she links to his mini-program profile and the admin verifies as an HCP — signs up in /m/ and checks in by the
 * venue code (the check-in page with scene = the meeting key); the check-in desk replays his code. Once the meeting is
 * over, the rep finishes it, he answers the survey, the workbench charts it, and the rep sees the sign-up, check-in and
 * survey on his timeline in the sidebar (/wecom/). Rather than wait for the meeting to start and end, the test moves the
 * meeting clock forward: the BFF's (`setMeetingClock`) and, with Playwright's clock, that of every page it opened (the
 * workbench and the mini-program compare times in the browser too).
 *
 * Content: the rep writes an article in the rich-text editor and submits it; she cannot review her own work; the
 * manager approves and publishes it; the version history and results show; the rep sends it into 吴建国's chat from the
 * sidebar (the emulated context shows the card it would send) and the send lands on his timeline.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setMeetingClock } from '../../bff/src/meetings/clock';
import { FRONTENDS } from '../../tools/frontends';
import { launchBrowser, SCREENSHOTS, screenshot } from '../support/browser';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

const MINUTE = 60_000;
const DR_WU_PHONE = '13968412375';

let bff: TestBff;
let browser: Browser;
let repToken: string;
let adminToken: string;
/** 吴建国: the demo's WeCom contact of 王芳, linked to a mini-program user and verified as an HCP. */
let drWu: { customerId: string; openid: string };

beforeAll(async () => {
  bff = await startTestBff('e2e-content-meetings-staff', {
    miniappH5: FRONTENDS[0].output,
    wecom: FRONTENDS[1].output,
  });
  browser = await launchBrowser();
  repToken = (await signInStaff(bff, 'wangfang')).accessToken;
  adminToken = (await signInStaff(bff, 'lina')).accessToken;
  drWu = await linkAndVerifyDrWu();
});
afterAll(async () => {
  await browser?.close();
  await bff?.close();
});

/** The pages a test opened, by role: when the test fails, each is saved as it was, to look at. */
const openPages = new Map<string, Page>();
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') {
    for (const [name, page] of openPages) await fullScreenshot(page, `issue9-failed-${name}`).catch(() => undefined);
  }
  openPages.clear();
  setMeetingClock(null);
});

/**
 * Moves the meeting clock to `at`: the BFF's meetings read it from then on (and it keeps running), and so does
 * every page opened so far (their clocks are installed when they open, so they run on from there).
 */
async function moveMeetingClockTo(at: number) {
  const ahead = at - Date.now();
  setMeetingClock(() => new Date(Date.now() + ahead));
  for (const page of openPages.values()) await page.clock.setSystemTime(Date.now() + ahead);
}

/**
 * The demo seeds 吴建国 as 王芳's WeCom contact only (an HCP, not verified). She notes his mobile; he opens the
 * mini-program and links the same number with WeChat's phone button; she confirms the possible duplicate (one
 * person), and the admin verifies him as an HCP.
 */
async function linkAndVerifyDrWu(): Promise<{ customerId: string; openid: string }> {
  const found = await bff.call('GET', '/api/staff/customers/by-external/wmDemoDrWu', { token: repToken });
  expect(found.status).toBe(200);
  const customerId = found.body.id as string;
  expect(found.body.name).toContain('吴建国');
  const typed = await bff.call('PATCH', `/api/staff/customers/${customerId}`, {
    token: repToken,
    body: { phone: DR_WU_PHONE },
  });
  expect(typed.status).toBe(200);

  const user = await signInNewPatient(bff);
  const consent = await bff.call('GET', '/api/mp/me/consent', { token: user.accessToken });
  const accepted = await bff.call('POST', '/api/mp/me/consent', {
    token: user.accessToken,
    body: { policyVersion: consent.body.currentPolicyVersion, marketing: true },
  });
  expect(accepted.status).toBe(200);
  const code = await bff.call('POST', '/sandbox/control/wechat/phone-code', {
    body: { openid: user.openid, phoneNumber: DR_WU_PHONE },
  });
  const linked = await bff.call('POST', '/api/mp/me/phone', {
    token: user.accessToken,
    body: { code: code.body.code },
  });
  expect(linked.status).toBe(200);

  const profile = await bff.call('GET', `/api/staff/customers/${customerId}/profile`, { token: repToken });
  expect(profile.body.duplicates).toHaveLength(1);
  const merged = await bff.call('POST', `/api/staff/duplicates/${profile.body.duplicates[0].id}/decision`, {
    token: repToken,
    body: { decision: 'confirm' },
  });
  expect(merged.body.survivorId).toBe(customerId);
  const verified = await bff.call('POST', `/api/staff/customers/${customerId}/hcp-verification`, {
    token: adminToken,
    body: { decision: 'verified', evidence: '医师执业证书 110310000123456，已核验' },
  });
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  return { customerId, openid: user.openid };
}

/** `2026-03-12T14:05`: an instant as a datetime-local input on the organisation's clock (Asia/Shanghai). */
function shanghaiInput(ms: number): string {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  for (const part of format.formatToParts(new Date(ms))) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

async function fullScreenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function openWorkbench(userid: string, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await context.clock.install();
  const page = await context.newPage();
  await page.goto(`${bff.url}/wecom/workbench/`);
  await page.getByTestId('emulated-staff-select').selectOption(userid);
  await expect.poll(() => page.getByTestId('staff-name').textContent(), { timeout: 15_000 }).toBe(name);
  openPages.set(`workbench-${userid}`, page);
  return page;
}

/** WeCom gives the chat sidebar about 360px; the emulated context makes 吴建国 the chat's contact. */
async function openSidebarWithDrWu(userid: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
  await context.clock.install();
  const page = await context.newPage();
  await page.goto(`${bff.url}/wecom/`);
  await page.getByTestId('emulated-staff-select').selectOption(userid);
  await page.getByTestId('contact-search').fill('吴建国');
  await page.getByTestId('contact-result').filter({ hasText: '吴建国' }).first().click();
  await expect.poll(() => page.getByTestId('contact-name').textContent(), { timeout: 15_000 }).toContain('吴建国');
  openPages.set(`sidebar-${userid}`, page);
  return page;
}

/** 吴建国's phone: the mini-program H5 signs in as his emulated WeChat user (the openid it keeps in storage). */
async function openAsDrWu(hash: string): Promise<Page> {
  // A phone in China: its clock shows Shanghai time, as the mini-program's local times assume.
  const context = await browser.newContext({
    viewport: { width: 375, height: 667 },
    deviceScaleFactor: 2,
    timezoneId: 'Asia/Shanghai',
  });
  await context.clock.install();
  const page = await context.newPage();
  await page.addInitScript((openid) => {
    localStorage.setItem('careloop.sandbox.openid', JSON.stringify({ data: openid }));
  }, drWu.openid);
  await page.goto(`${bff.url}/m/#/${hash}`);
  openPages.set('miniapp-dr-wu', page);
  return page;
}

/** The mini-program asks for the privacy policy when its version is not accepted on this device yet. */
async function acceptPolicyIfAsked(page: Page) {
  const accept = page.locator('.consent-accept');
  if (await accept.isVisible().catch(() => false)) {
    await accept.click();
    await accept.waitFor({ state: 'hidden', timeout: 10_000 });
  }
}

async function sessionToken(page: Page): Promise<string> {
  const stored = await page.evaluate(() => localStorage.getItem('careloop.session'));
  const parsed = JSON.parse(stored!) as { data?: { accessToken?: string }; accessToken?: string };
  return (parsed.data?.accessToken ?? parsed.accessToken)!;
}

const timelineItems = (page: Page, type: string) => page.locator(`[data-testid="timeline-item"][data-type="${type}"]`);

describe('an academic meeting from the rep’s draft to the HCP’s survey', () => {
  it('is approved by another manager, attended and surveyed by a verified HCP, and lands on his timeline', async () => {
    // The meeting starts 20 minutes from now (sign-up closes at the start, so the many UI steps before the sign-up
    // must fit in that time even on a slow machine; check-in opens an hour before it) and lasts one minute; the
    // meeting clock is moved past its start and then past its end.
    const startsAt = Math.ceil((Date.now() + 20 * MINUTE) / MINUTE) * MINUTE;
    const endsAt = startsAt + MINUTE;
    const title = `数字化种植导板学术沙龙 ${shanghaiInput(startsAt).slice(11)}`;

    // 1. The rep writes the meeting in the workbench and submits it for compliance approval.
    const rep = await openWorkbench('wangfang', '王芳');
    await rep.getByTestId('nav-meetings').click();
    await rep.getByTestId('meeting-new').click();
    const editor = rep.getByTestId('meeting-editor');
    await editor.waitFor();
    await rep.getByTestId('meeting-title').fill(title);
    await rep.getByTestId('meeting-audience').selectOption('hcp');
    await rep.getByTestId('meeting-description').fill('面向口腔修复与种植专业医生的学术交流，仅限认证医疗专业人士。');
    await rep.getByTestId('meeting-starts').fill(shanghaiInput(startsAt));
    await rep.getByTestId('meeting-ends').fill(shanghaiInput(endsAt));
    await rep.getByTestId('meeting-venue-name').fill('静安旗舰店 三楼会议室');
    await rep.getByTestId('meeting-venue-address').fill('上海市静安区南京西路 1266 号');
    await rep.getByTestId('meeting-agenda-add').click();
    await rep.getByTestId('meeting-agenda-time').fill(shanghaiInput(startsAt).slice(11));
    await rep.getByTestId('meeting-agenda-topic').fill('数字化种植导板的临床应用');
    await rep.getByTestId('meeting-agenda-speaker').fill('陈杰');
    await rep.getByTestId('meeting-speaker-add').click();
    await rep.getByTestId('meeting-speaker-name').fill('陈杰');
    await rep.getByTestId('meeting-speaker-title').fill('主治医师');
    await rep.getByTestId('meeting-speaker-hospital').fill('微笑齿科');
    await rep.getByTestId('meeting-capacity').fill('30');
    await rep.getByTestId('meeting-checkin-closes').fill('30');
    await rep.getByTestId('meeting-question-add-rating').click();
    await rep.getByTestId('meeting-question-add-single').click();
    await rep.getByTestId('meeting-question-add-text').click();
    const questionText = rep.getByTestId('meeting-question-text');
    await questionText.nth(0).fill('您对本次会议的总体评价');
    await questionText.nth(1).fill('会议内容对您临床工作的帮助');
    await rep.getByTestId('meeting-question-options').fill('很有帮助\n有一些帮助\n帮助不大');
    await questionText.nth(2).fill('您希望下次讨论的主题');
    await rep.getByTestId('meeting-question-required').nth(2).uncheck();
    await fullScreenshot(rep, 'issue9-workbench-meeting-editor');
    await rep.getByTestId('meeting-save-submit').click();

    const repDetail = rep.getByTestId('meeting-detail');
    await expect.poll(() => repDetail.getAttribute('data-status'), { timeout: 15_000 }).toBe('submitted');
    const meetingId = (await repDetail.getAttribute('data-meeting-id'))!;
    const key = (await repDetail.getAttribute('data-key'))!;
    expect(rep.url()).toContain(`#meetings/${meetingId}`);
    // A rep cannot approve, and the page says why.
    expect(await rep.getByTestId('meeting-approve').isDisabled()).toBe(true);
    expect(await rep.getByTestId('meeting-decision-blocked').textContent()).toContain('只有店长或管理员可以审批');
    await fullScreenshot(rep, 'issue9-workbench-meeting-submitted');

    // 2. The manager finds it in her approval queue, approves and publishes it; the venue code appears.
    const manager = await openWorkbench('lina', '李娜');
    await manager.getByTestId('nav-meetings').click();
    const queued = manager
      .getByTestId('meeting-approval-queue')
      .locator(`[data-testid="meeting-row"][data-meeting-id="${meetingId}"]`);
    await queued.waitFor({ timeout: 10_000 });
    await fullScreenshot(manager, 'issue9-workbench-meeting-approval-queue');
    await queued.getByTestId('meeting-open').click();
    const managerDetail = manager.getByTestId('meeting-detail');
    await expect.poll(() => managerDetail.getAttribute('data-meeting-id')).toBe(meetingId);
    await manager.getByTestId('meeting-decision-reason').fill('讲者资质与议程已核对，符合合规要求。');
    await manager.getByTestId('meeting-approve').click();
    await expect.poll(() => managerDetail.getAttribute('data-status'), { timeout: 10_000 }).toBe('approved');
    await manager.getByTestId('meeting-publish').click();
    await expect.poll(() => managerDetail.getAttribute('data-status'), { timeout: 10_000 }).toBe('published');
    await manager.getByTestId('meeting-venue-image').waitFor({ timeout: 10_000 });
    expect(await manager.getByTestId('meeting-key').textContent()).toBe(key);
    const history = await manager.getByTestId('meeting-history').textContent();
    expect(history).toContain('批准');
    expect(history).toContain('讲者资质与议程已核对');
    await fullScreenshot(manager, 'issue9-workbench-meeting-published');

    // 3. 吴建国 signs up in the mini-program (before the start: sign-up closes then).
    expect(Date.now()).toBeLessThan(startsAt);
    const hcp = await openAsDrWu(`subpackages/meetings/pages/detail/index?id=${meetingId}`);
    await acceptPolicyIfAsked(hcp);
    await expect.poll(() => hcp.getByTestId('meeting-title').textContent(), { timeout: 20_000 }).toBe(title);
    await acceptPolicyIfAsked(hcp);
    await hcp.getByTestId('signup-button').click();
    const registration = hcp.getByTestId('registration-status');
    await registration.waitFor({ timeout: 10_000 });
    await screenshot(hcp, 'issue9-miniapp-meeting-signed-up');

    // 4. At the venue he scans the venue code: the check-in page opens with scene = the meeting key.
    await hcp.goto(`${bff.url}/m/#/subpackages/meetings/pages/checkin/index?scene=${key}`);
    const checkedIn = hcp.getByTestId('checkin-result');
    await expect.poll(() => checkedIn.getAttribute('data-status'), { timeout: 20_000 }).toBe('done');
    await screenshot(hcp, 'issue9-miniapp-meeting-checked-in');

    // 5. The rep's attendee list shows him checked in; the desk answers a replay of his code "already checked in".
    await rep.getByTestId('meeting-view-attendees').click();
    const row = rep.locator(`[data-testid="meeting-attendee-row"][data-customer-id="${drWu.customerId}"]`);
    await expect.poll(() => row.getAttribute('data-checked-in'), { timeout: 10_000 }).toBe('true');
    expect(await row.textContent()).toContain('上海市第九人民医院');
    await fullScreenshot(rep, 'issue9-workbench-meeting-attendees');
    // The compliance export: a CSV file named after the meeting, phones masked.
    const [download] = await Promise.all([rep.waitForEvent('download'), rep.getByTestId('meeting-export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^参会名单_.+_${key}\\.csv$`));
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('吴建国');
    expect(csv).toContain(`139****${DR_WU_PHONE.slice(-4)}`);
    expect(csv).not.toContain(DR_WU_PHONE);
    const mine = await bff.call('GET', `/api/mp/meetings/${meetingId}`, { token: await sessionToken(hcp) });
    const attendeeCode = mine.body.myRegistration.checkInCode as string;
    await rep.getByTestId('meeting-view-checkin').click();
    await rep.getByTestId('desk-code').fill(attendeeCode);
    await rep.getByTestId('desk-submit').click();
    const feedback = rep.getByTestId('desk-feedback');
    await expect.poll(() => feedback.getAttribute('data-state'), { timeout: 10_000 }).toBe('repeat');
    expect(await feedback.textContent()).toContain('此前已签到');
    await screenshot(rep, 'issue9-workbench-meeting-checkin-desk');

    // Before the end: the survey is not open yet, and the workbench has no answers to chart. (Every page the rest
    // of the test needs is open from here on: later steps only talk to the API, whatever rebuilds the files meanwhile.)
    await hcp.goto(`${bff.url}/m/#/subpackages/meetings/pages/survey/index?id=${meetingId}`);
    const notYet = hcp.getByTestId('survey-closed');
    await notYet.waitFor({ timeout: 20_000 });
    expect(await notYet.textContent()).toContain('尚未开放');
    await screenshot(hcp, 'issue9-miniapp-meeting-survey-not-yet');
    await rep.getByTestId('meeting-view-survey').click();
    await expect.poll(() => rep.getByTestId('survey-responses').textContent(), { timeout: 10_000 }).toBe('0');
    const sidebar = await openSidebarWithDrWu('wangfang');

    // 6. Once it has started, the rep finishes the meeting; once it has ended, the survey opens.
    await moveMeetingClockTo(startsAt + 1000);
    await rep.getByTestId('meeting-view-overview').click();
    await rep.getByTestId('meeting-finish').click();
    await expect.poll(() => repDetail.getAttribute('data-status'), { timeout: 10_000 }).toBe('finished');
    await moveMeetingClockTo(endsAt + 1000);

    // 7. 吴建国 goes back to the meeting, where the survey button now shows, and answers it.
    await notYet.locator('.nut-button').filter({ hasText: '查看会议详情' }).click();
    await hcp.getByTestId('open-survey').click({ timeout: 20_000 });
    await hcp.getByTestId('survey-form').waitFor({ timeout: 20_000 });
    await hcp.getByTestId('survey-rating-q1-5').click();
    await hcp.getByTestId('survey-option-q2-0').click();
    await hcp.getByTestId('survey-text-q3').locator('textarea').fill('即刻负重的病例选择');
    await screenshot(hcp, 'issue9-miniapp-meeting-survey');
    await hcp.getByTestId('survey-submit').click();
    await hcp.getByTestId('survey-done').waitFor({ timeout: 10_000 });
    await screenshot(hcp, 'issue9-miniapp-meeting-survey-done');

    // 8. The workbench charts the answers.
    await rep.getByTestId('meeting-view-survey').click();
    await expect.poll(() => rep.getByTestId('survey-responses').textContent(), { timeout: 10_000 }).toBe('1');
    expect(await rep.getByTestId('survey-rating-average').textContent()).toBe('5.0 分');
    expect(await rep.getByTestId('survey-texts').textContent()).toContain('即刻负重的病例选择');
    await rep.getByTestId('survey-question-chart').first().waitFor();
    await fullScreenshot(rep, 'issue9-workbench-meeting-survey-results');

    // 9. In the chat sidebar, the rep sees his sign-up, check-in and survey on his timeline, with the meeting's title.
    await sidebar.getByTestId('timeline-filter').selectOption('meetings');
    for (const type of ['meeting.signed_up', 'meeting.checked_in', 'meeting.survey_answered']) {
      await expect.poll(() => timelineItems(sidebar, type).count(), { timeout: 15_000 }).toBe(1);
      expect(await timelineItems(sidebar, type).textContent()).toContain(title);
    }
    await timelineItems(sidebar, 'meeting.signed_up').scrollIntoViewIfNeeded();
    await screenshot(sidebar, 'issue9-sidebar-meeting-timeline');
  }, 300_000);
});

describe('an article from the rep’s editor to the customer’s chat', () => {
  it('is reviewed by a manager, published, and sent from the sidebar onto the HCP’s timeline', async () => {
    const title = '种植牙术后护理要点';

    // 1. The rep writes it with the editor's toolbar and submits it for review.
    const rep = await openWorkbench('wangfang', '王芳');
    await rep.getByTestId('nav-content').click();
    await rep.getByTestId('content-new').click();
    await rep.getByTestId('content-editor').waitFor();
    await rep.getByTestId('content-title').fill(title);
    await rep.getByTestId('content-category').fill('implant');
    await rep.getByTestId('content-audience').selectOption('hcp');
    await rep.getByTestId('content-tags').fill('种植，术后');
    await rep.getByTestId('content-summary').fill('术后 24 小时内的注意事项与复诊安排。');
    await rep.getByTestId('content-cover').fill('https://img.example.com/careloop/implant-care.png');
    const body = rep.getByTestId('content-body-editor');
    await body.click();
    await rep.getByTestId('content-tool-h2').click();
    await rep.keyboard.type('术后 24 小时');
    await rep.keyboard.press('Enter');
    await rep.getByTestId('content-tool-p').click();
    await rep.keyboard.type('术后 ');
    await rep.getByTestId('content-tool-bold').click();
    await rep.keyboard.type('不要漱口');
    await rep.getByTestId('content-tool-bold').click();
    await rep.keyboard.type('，按医嘱服药。');
    await rep.keyboard.press('Enter');
    await rep.getByTestId('content-tool-ul').click();
    await rep.keyboard.type('冰敷 20 分钟');
    await rep.keyboard.press('Enter');
    await rep.keyboard.type('清淡饮食');
    await rep.keyboard.press('Enter');
    await rep.keyboard.press('Enter');
    await rep.getByTestId('content-tool-link').click();
    await rep.getByTestId('content-link-url').fill('https://care.example.com/guide/implant');
    await rep.getByTestId('content-link-text').fill('完整护理指南');
    await rep.getByTestId('content-link-insert').click();
    await fullScreenshot(rep, 'issue9-workbench-content-editor');
    await rep.getByTestId('content-save-submit').click();

    const detail = rep.getByTestId('content-detail');
    await expect.poll(() => detail.getAttribute('data-status'), { timeout: 15_000 }).toBe('in_review');
    const contentId = (await detail.getAttribute('data-content-id'))!;
    // The server kept the structure (and sanitised it): heading, bold, list, link.
    const stored = await bff.call('GET', `/api/staff/content/${contentId}`, { token: repToken });
    expect(stored.body.working.body).toMatch(/<h2>术后 24 小时<\/h2>/);
    expect(stored.body.working.body).toMatch(/<strong>不要漱口<\/strong>/);
    expect(stored.body.working.body).toMatch(/<ul><li>冰敷 20 分钟<\/li><li>清淡饮食<\/li><\/ul>/);
    expect(stored.body.working.body).toContain('href="https://care.example.com/guide/implant"');
    // Her own work she cannot review.
    expect(await rep.getByTestId('content-review-blocked').textContent()).toContain('只有店长或管理员可以审核');
    await fullScreenshot(rep, 'issue9-workbench-content-in-review');

    // 2. The manager reviews it from her queue, approves and publishes it.
    const manager = await openWorkbench('lina', '李娜');
    await manager.getByTestId('nav-content').click();
    const queued = manager
      .getByTestId('content-review-queue')
      .locator(`[data-testid="content-row"][data-content-id="${contentId}"]`);
    await queued.waitFor({ timeout: 10_000 });
    await queued.getByTestId('content-open').click();
    const managerDetail = manager.getByTestId('content-detail');
    await expect.poll(() => managerDetail.getAttribute('data-content-id')).toBe(contentId);
    expect(await manager.getByTestId('content-preview').locator('h2').textContent()).toBe('术后 24 小时');
    await manager.getByTestId('content-review-comment').fill('内容准确，可以发布。');
    await manager.getByTestId('content-approve').click();
    await expect.poll(() => managerDetail.getAttribute('data-status'), { timeout: 10_000 }).toBe('approved');
    await manager.getByTestId('content-publish').click();
    await expect.poll(() => managerDetail.getAttribute('data-status'), { timeout: 10_000 }).toBe('published');
    expect(await manager.getByTestId('content-reviews').textContent()).toContain('内容准确，可以发布。');
    await fullScreenshot(manager, 'issue9-workbench-content-published');
    await manager.getByTestId('content-view-versions').click();
    const version = manager.locator('[data-testid="content-version-row"][data-version="1"]');
    await version.waitFor({ timeout: 10_000 });
    expect(await version.textContent()).toContain('线上版本');
    await version.getByTestId('content-version-open').click();
    await manager.locator('[data-testid="content-preview"][data-version="1"]').waitFor();

    // 3. From 吴建国's chat, the rep sends it: outside WeCom the sidebar shows the card it would send.
    const sidebar = await openSidebarWithDrWu('wangfang');
    await sidebar.getByTestId('content-picker-toggle').click();
    const item = sidebar.locator(`[data-testid="content-picker-item"][data-content-id="${contentId}"]`);
    await item.waitFor({ timeout: 10_000 });
    expect(await item.getByTestId('content-picker-audience').textContent()).toBe('仅认证医生');
    await item.getByTestId('content-picker-send').click();
    const result = item.getByTestId('content-picker-result');
    await expect.poll(() => result.getAttribute('data-state'), { timeout: 10_000 }).toBe('emulated');
    const card = await result.textContent();
    expect(card).toContain('小程序卡片');
    expect(card).toContain(title);
    expect(card).toMatch(/subpackages\/content\/pages\/detail\/index\.html\?.*st=[A-Za-z0-9]{10}/);
    await item.scrollIntoViewIfNeeded();
    await screenshot(sidebar, 'issue9-sidebar-content-picker-sent');
    const sent = timelineItems(sidebar, 'content.sent');
    await expect.poll(() => sent.count(), { timeout: 15_000 }).toBe(1);
    expect(await sent.textContent()).toContain(`「${title}」`);
    await sent.scrollIntoViewIfNeeded();
    await screenshot(sidebar, 'issue9-sidebar-content-sent-timeline');

    // 4. The item's results count the staff share on the leaderboard.
    await manager.getByTestId('content-view-results').click();
    await manager.getByTestId('content-results-chart').waitFor({ timeout: 15_000 });
    const leader = manager.locator('[data-testid="content-leaderboard-row"]').first();
    await expect.poll(() => leader.textContent(), { timeout: 10_000 }).toContain('王芳');
    await fullScreenshot(manager, 'issue9-workbench-content-results');
  }, 180_000);
});
