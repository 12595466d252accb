/**
 * Content and meetings in the mini-program (H5 build on the sandbox, served by the real BFF, in Chromium).
 *
 * Content: staff write, review and publish a long public article and an article for verified HCPs. A new patient
 * accepts the privacy policy on the Home tab, sees the public article in the feed but never the HCP article's
 * title, opens the article, reads (heartbeats while the page is shown), scrolls to the end (finished); the content's
 * results show one reader who finished it. Opening the HCP article's link shows a lock, not its title.
 *
 * Meetings: a rep creates an academic meeting for HCPs, a manager (not the creator) approves it, the rep publishes
 * it. A patient verified as an HCP by an admin finds it from Home, signs up (and allows the reminder), opens the
 * venue code's page (`?scene=KEY`, what WeChat opens when the code is scanned) within the check-in window and is
 * checked in; once the meeting is over (its times moved into the past on the stored meeting) they answer the
 * survey, required questions first refused. The staff attendee list shows them checked in and surveyed.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MeetingModel } from '../../bff/src/meetings/model';
import { screenshot } from '../support/browser';
import { publishContent, publishMeeting } from '../support/bff';
import { miniappE2eContext, openHomeOnNewPhone, openMiniappPage, storedAccessToken } from '../support/miniappE2e';

const e2e = miniappE2eContext('e2e-miniapp-content-meetings');

const MINUTE = 60_000;
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * MINUTE).toISOString();

/** Written by the rep, approved by the manager, published by the rep. */
const publishByRep = (body: Record<string, unknown>) => publishContent(e2e.bff, e2e.rep, e2e.manager, body);

/** The signed-in customer, as the mini-program's stored session names them. */
async function currentCustomer(page: Page) {
  const accessToken = await storedAccessToken(page);
  const me = await e2e.bff.call('GET', '/api/mp/me', { token: accessToken });
  expect(me.status).toBe(200);
  return { id: me.body.id as string, accessToken };
}

const LONG_BODY =
  '<h2>为什么要用牙线</h2>' +
  Array.from(
    { length: 24 },
    (_, i) =>
      `<p>第 ${i + 1} 段：牙刷只能清洁牙齿的三个面，牙缝里的菌斑需要牙线来清除。每天睡前用一次牙线，` +
      '配合早晚两次刷牙，可以明显减少牙龈出血和邻面龋坏。</p>',
  ).join('') +
  '<h2>小结</h2><ul><li>每天一次</li><li>贴着牙面呈 C 形</li></ul>';

describe('content in the mini-program', () => {
  it('shows a patient the public feed without the HCP article, and tracks their reading to the end', async () => {
    const articleId = await publishByRep({
      kind: 'article',
      title: '牙线使用全攻略',
      summary: '牙刷刷不到的地方，交给牙线。',
      category: 'hygiene',
      audience: 'public',
      body: LONG_BODY,
    });
    await publishByRep({
      kind: 'article',
      title: '【仅医生】种植体周围炎用药共识 2025',
      summary: '处方相关学术内容。',
      category: 'academic',
      audience: 'hcp',
      body: '<p>仅供医疗专业人士学术交流。</p>',
    });

    const page = await openHomeOnNewPhone(e2e);
    const cards = page.locator('[data-testid="content-card"]');
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const titles = await page.getByTestId('content-card-title').allTextContents();
    expect(titles[0]).toBe('牙线使用全攻略'); // newest first
    // Never the HCP article's title, nor the demo's academic one, nor their category.
    expect(titles).not.toContain('【仅医生】种植体周围炎用药共识 2025');
    const home = (await page.locator('.home').textContent()) ?? '';
    expect(home).not.toContain('仅医生');
    expect(home).not.toContain('种植体周围炎');
    expect(await page.getByTestId('feed-chip-academic').count()).toBe(0);
    await page.getByTestId('feed-chip-hygiene').click();
    await expect
      .poll(async () => (await page.getByTestId('content-card').first().getAttribute('data-content-id')) ?? '')
      .toBe(articleId);
    await screenshot(page, 'miniapp-content-feed');

    const { id: customerId } = await currentCustomer(page);
    await page.locator(`[data-content-id="${articleId}"]`).first().click();
    await expect
      .poll(() => page.getByTestId('content-title').textContent(), { timeout: 15_000 })
      .toBe('牙线使用全攻略');
    await expect.poll(async () => (await page.locator('.content-page').boundingBox())?.x).toBe(0); // slid in
    expect(await page.getByTestId('content-body').textContent()).toContain('第 24 段');
    await screenshot(page, 'miniapp-content-article');

    const reading = async () => {
      const answer = await e2e.bff.call('GET', `/api/staff/customers/${customerId}/content-reading`, {
        token: e2e.manager.accessToken,
      });
      expect(answer.status).toBe(200);
      return answer.body.reads[0] as { content: { id: string }; dwellSeconds: number; finishedAt: string | null };
    };
    // Opened; then, while the page stays shown, a heartbeat about every ten seconds.
    await expect.poll(async () => (await reading())?.content.id, { timeout: 10_000 }).toBe(articleId);
    await expect
      .poll(async () => (await reading()).dwellSeconds, { timeout: 20_000, interval: 1_000 })
      .toBeGreaterThanOrEqual(9);
    expect((await reading()).finishedAt).toBeNull(); // not at the end yet

    // Scrolled down to the end: finished.
    const end = page.getByTestId('content-end');
    await page.mouse.move(187, 400);
    for (let i = 0; i < 40 && ((await end.boundingBox())?.y ?? 0) > 600; i++) {
      await page.mouse.wheel(0, 500);
      await page.waitForTimeout(100);
    }
    expect((await end.boundingBox())?.y).toBeLessThan(667);
    await expect.poll(async () => (await reading()).finishedAt, { timeout: 10_000 }).not.toBeNull();
    await screenshot(page, 'miniapp-content-article-end');

    const results = await e2e.bff.call('GET', `/api/staff/content/${articleId}/results`, {
      token: e2e.manager.accessToken,
    });
    expect(results.status).toBe(200);
    expect(results.body).toMatchObject({ opens: 1, uniqueReaders: 1, finishes: 1, finishRate: 1 });
    expect(results.body.averageDwellSeconds).toBeGreaterThanOrEqual(9);
    await page.context().close();
  });

  it('shows a lock, not the title, to a patient who opens an HCP article’s link', async () => {
    const hcpId = await publishByRep({
      kind: 'article',
      title: '【仅医生】抗菌药物在种植治疗中的合理使用',
      summary: '处方相关。',
      category: 'academic',
      audience: 'hcp',
      body: '<p>仅供医疗专业人士。</p>',
    });
    const page = await openHomeOnNewPhone(e2e);
    await openMiniappPage(e2e, page, `subpackages/content/pages/detail/index?id=${hcpId}`);
    const locked = page.getByTestId('content-locked');
    await locked.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await locked.textContent()).toContain('仅限认证医生阅读');
    expect(await page.locator('.content-page').textContent()).not.toContain('抗菌药物');
    await screenshot(page, 'miniapp-content-locked');
    await page.context().close();
  });
});

const SURVEY = [
  { id: 'q1', kind: 'rating', text: '您对本次会议内容的总体评价' },
  { id: 'q2', kind: 'single', text: '会议内容对您临床工作的帮助', options: ['很有帮助', '有一定帮助', '帮助不大'] },
  { id: 'q3', kind: 'text', text: '其他建议', required: false, maxLength: 200 },
];

/** A rep's meeting for verified HCPs, approved by the manager (not its creator) and published by the rep. */
async function publishedHcpMeeting(startsInMinutes: number) {
  const published = await publishMeeting(e2e.bff, e2e.rep, e2e.manager, {
    title: '数字化种植学术沙龙',
    description: '面向口腔种植医生的学术交流，仅限认证医疗专业人士。',
    audience: 'hcp',
    startsAt: inMinutes(startsInMinutes),
    endsAt: inMinutes(startsInMinutes + 90),
    venue: { name: '静安旗舰店 三楼会议室', address: '上海市静安区南京西路 1266 号' },
    agenda: [
      { time: '14:00', topic: '签到与开场' },
      { time: '14:30', topic: '数字化导板的临床应用', speaker: '吴建国' },
    ],
    speakers: [{ name: '吴建国', title: '主任医师', hospital: '上海市第九人民医院' }],
    survey: SURVEY,
    capacity: 20,
  });
  expect(published.status).toBe('published');
  return { id: published.id as string, key: published.key as string };
}

/** An admin records the signed-in customer as a verified HCP. */
async function verifyAsHcp(customerId: string) {
  const updated = await e2e.bff.call('PATCH', `/api/staff/customers/${customerId}`, {
    token: e2e.manager.accessToken,
    body: { hcp: { hospital: '上海市第九人民医院', department: '口腔种植科', title: '主治医师' } },
  });
  expect(updated.status, JSON.stringify(updated.body)).toBe(200);
  const verified = await e2e.bff.call('POST', `/api/staff/customers/${customerId}/hcp-verification`, {
    token: e2e.manager.accessToken,
    body: { decision: 'verified', evidence: '执业医师证书' },
  });
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
}

describe('meetings in the mini-program', () => {
  it('a verified HCP signs up, checks in with the venue code and answers the survey after the end', async () => {
    const meeting = await publishedHcpMeeting(30);
    const page = await openHomeOnNewPhone(e2e);
    const customer = await currentCustomer(page);
    await verifyAsHcp(customer.id);

    await page.getByTestId('home-meetings').click();
    const card = page.locator(`[data-testid="meeting-card"][data-meeting-id="${meeting.id}"]`);
    await card.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await card.textContent()).toContain('医生专场');
    await expect.poll(async () => (await page.locator('.meetings').boundingBox())?.x).toBe(0); // slid in
    await screenshot(page, 'miniapp-hcp-meetings-list');
    await card.click();

    const signUp = page.getByTestId('signup-button');
    await expect.poll(() => signUp.textContent(), { timeout: 15_000 }).toBe('立即报名');
    expect(await page.getByTestId('meeting-places').textContent()).toContain('剩余 20 个名额');
    expect(await page.getByTestId('meeting-agenda').textContent()).toContain('数字化导板的临床应用');
    await expect.poll(async () => (await page.locator('.meeting-detail').boundingBox())?.x).toBe(0); // slid in
    await screenshot(page, 'miniapp-hcp-meeting-detail');
    await signUp.click();
    const status = page.getByTestId('registration-status');
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('已报名');
    const mine = await e2e.bff.call('GET', `/api/mp/meetings/${meeting.id}`, { token: customer.accessToken });
    const code = mine.body.myRegistration.checkInCode as string;
    expect(await page.getByTestId('checkin-qr').getAttribute('data-code')).toBe(code);
    // The reminder is asked for from a tap (the sandbox allows it).
    await page.getByTestId('meeting-remind').click();
    await page.getByTestId('meeting-remind-on').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.getByTestId('meeting-places').textContent()).toContain('剩余 19 个名额');
    await screenshot(page, 'miniapp-hcp-meeting-signed-up');

    // My meetings, from the Me tab: the meeting with my place, and my code for staff to scan at the desk.
    await openMiniappPage(e2e, page, 'pages/me/index');
    await page.getByTestId('me-meetings').click();
    const mineCard = page.locator(`.meetings-mine [data-testid="meeting-card"][data-meeting-id="${meeting.id}"]`);
    await mineCard.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await mineCard.getByTestId('meeting-card-registration').textContent()).toBe('已报名');
    await mineCard.getByTestId('mine-show-code').click();
    expect(await mineCard.getByTestId('checkin-qr').getAttribute('data-code')).toBe(code);
    await expect.poll(async () => (await page.locator('.meetings-mine').boundingBox())?.x).toBe(0); // slid in
    await screenshot(page, 'miniapp-hcp-my-meetings');

    // The venue code opens the check-in page with scene = the meeting key; 30 minutes before the start it is open.
    await openMiniappPage(e2e, page, `subpackages/meetings/pages/checkin/index?scene=${meeting.key}`);
    const title = page.getByTestId('checkin-title');
    await expect.poll(() => title.textContent(), { timeout: 15_000 }).toBe('签到成功');
    await screenshot(page, 'miniapp-hcp-meeting-checked-in');
    // Scanning again answers the same check-in.
    await page.reload();
    await expect.poll(() => title.textContent(), { timeout: 15_000 }).toBe('你已签到');

    // The meeting took place: it started two hours ago and ended a minute ago.
    await MeetingModel.updateOne(
      { _id: meeting.id },
      { $set: { startsAt: new Date(Date.now() - 120 * MINUTE), endsAt: new Date(Date.now() - MINUTE) } },
    );
    await openMiniappPage(e2e, page, `subpackages/meetings/pages/detail/index?id=${meeting.id}`);
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('已签到');
    await page.getByTestId('open-survey').click();
    const submit = page.getByTestId('survey-submit');
    await submit.waitFor({ state: 'visible', timeout: 15_000 });
    await expect.poll(async () => (await page.locator('.meeting-survey').boundingBox())?.x).toBe(0); // slid in
    expect(await page.getByTestId('survey-title').textContent()).toBe('数字化种植学术沙龙');

    await submit.click(); // nothing answered: the required questions say so, nothing is sent
    await page.getByTestId('survey-issue-q1').waitFor({ state: 'visible' });
    expect(await page.getByTestId('survey-issue-q2').textContent()).toBe('请回答此题');
    expect(await page.getByTestId('survey-issue-q3').count()).toBe(0); // optional
    await screenshot(page, 'miniapp-hcp-survey-required');

    await page.getByTestId('survey-rating-q1-5').click();
    await page.getByTestId('survey-option-q2-0').click();
    await page.locator('[data-testid="survey-text-q3"] textarea').fill('希望多一些病例讨论');
    expect(await page.getByTestId('survey-issue-q1').count()).toBe(0);
    await screenshot(page, 'miniapp-hcp-survey-filled');
    await submit.click();
    const done = page.getByTestId('survey-done');
    await done.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await done.textContent()).toContain('5 分 · 非常满意');
    expect(await done.textContent()).toContain('希望多一些病例讨论');
    await screenshot(page, 'miniapp-hcp-survey-done');

    const attendees = await e2e.bff.call('GET', `/api/staff/meetings/${meeting.id}/attendees`, {
      token: e2e.rep.accessToken,
    });
    expect(attendees.status).toBe(200);
    const row = (attendees.body.items as Array<Record<string, unknown> & { customer: { id: string } }>).find(
      (item) => item.customer.id === customer.id,
    );
    expect(row).toMatchObject({ status: 'confirmed', checkedInVia: 'self' });
    expect(row?.checkedInAt).toBeTruthy();
    expect(row?.surveyedAt).toBeTruthy();
    expect(attendees.body.counts).toMatchObject({ signedUp: 1, checkedIn: 1, surveyed: 1 });
    await page.context().close();
  });

  it('tells an attendee who scans the venue code too early when check-in opens', async () => {
    const meeting = await publishedHcpMeeting(3 * 60);
    const page = await openHomeOnNewPhone(e2e);
    const customer = await currentCustomer(page);
    await verifyAsHcp(customer.id);
    const signedUp = await e2e.bff.call('POST', `/api/mp/meetings/${meeting.id}/sign-up`, {
      token: customer.accessToken,
    });
    expect(signedUp.status, JSON.stringify(signedUp.body)).toBe(200);

    await openMiniappPage(e2e, page, `subpackages/meetings/pages/checkin/index?scene=${meeting.key}`);
    const result = page.getByTestId('checkin-result');
    await expect.poll(() => result.getAttribute('data-code'), { timeout: 15_000 }).toBe('MEETING_CHECK_IN_CLOSED');
    expect(await page.getByTestId('checkin-title').textContent()).toBe('签到尚未开始');
    expect(await page.getByTestId('checkin-message').textContent()).toMatch(
      /^签到将于 \d{1,2}月\d{1,2}日 \d\d:\d\d 开始/,
    );
    await screenshot(page, 'miniapp-hcp-checkin-too-early');
    const attendees = await e2e.bff.call('GET', `/api/staff/meetings/${meeting.id}/attendees`, {
      token: e2e.rep.accessToken,
    });
    expect(attendees.body.counts.checkedIn).toBe(0);
    await page.context().close();
  });
});
