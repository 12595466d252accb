/**
 * A paid meeting's held place that was not paid in time, in the mini-program (H5 build on the sandbox, served by the
 * real BFF, in Chromium). While the place awaits payment the page offers only 去支付 (the reminder is for a confirmed
 * place); once the hold has lapsed the page says so plainly, with the time it had to be paid by, and offers
 * 重新报名; My meetings says it too, and signing up again there holds a new place to pay.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setMeetingClock } from '../../bff/src/meetings/clock';
import { screenshot } from '../support/browser';
import {
  openHomeOnNewPhone,
  openMiniappPage,
  startMiniappE2e,
  storedAccessToken,
  type MiniappE2e,
} from '../support/miniappE2e';
import { myRegistration, publishPaidMeeting } from '../support/paidMeetings';

let e2e: MiniappE2e;

beforeAll(async () => {
  e2e = await startMiniappE2e('e2e-miniapp-meeting-hold-lapse');
});
afterAll(() => e2e?.close());
afterEach(() => setMeetingClock(null));

const MINUTE = 60_000;

/** "12月1日 10:15" in Shanghai, as the page writes times. */
function shanghaiShort(iso: string): string {
  const at = new Date(Date.parse(iso) + 8 * 60 * MINUTE);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getUTCMonth() + 1}月${at.getUTCDate()}日 ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;
}

describe('a held place not paid in time, in the mini-program', () => {
  it('offers only 去支付 while held, then says the hold lapsed and offers 重新报名 on the page and in My meetings', async () => {
    const { id: meetingId } = await publishPaidMeeting(e2e.bff, e2e, {
      title: '种植牙科普沙龙（付费）',
      venue: { name: '静安旗舰店 三楼会议室', address: '上海市静安区南京西路 1266 号' },
      capacity: 10,
    });
    const page = await openHomeOnNewPhone(e2e);
    const detailPath = `subpackages/meetings/pages/detail/index?id=${meetingId}`;
    await openMiniappPage(e2e, page, detailPath);

    const signUp = page.getByTestId('signup-button');
    await expect.poll(() => signUp.textContent(), { timeout: 15_000 }).toBe('立即报名');
    await signUp.click();

    // Held: pay, and nothing else to tap for the place (the reminder comes once it is confirmed).
    const status = page.getByTestId('registration-status');
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('待付款');
    const pay = page.getByTestId('pay-button');
    await expect.poll(() => pay.textContent(), { timeout: 10_000 }).toBe('去支付 ¥199.00');
    expect(await page.getByTestId('meeting-remind').count()).toBe(0);

    // The 15 minutes pass unpaid (the meetings clock, in the BFF's process); the page is opened again.
    const patient = { accessToken: await storedAccessToken(page) };
    const held = await myRegistration(e2e.bff, patient, meetingId);
    expect(held).toMatchObject({ status: 'awaiting_payment' });
    setMeetingClock(() => new Date(Date.parse(held.holdExpiresAt) + MINUTE));
    await openMiniappPage(e2e, page, detailPath);

    const note = page.getByTestId('registration-cancelled');
    await expect
      .poll(() => note.textContent(), { timeout: 15_000 })
      .toBe(`未在时限内支付，名额已释放（付款截止 ${shanghaiShort(held.holdExpiresAt)}）`);
    expect(await note.getAttribute('data-reason')).toBe('unpaid');
    expect(await status.textContent()).toBe('付款超时');
    expect(await signUp.textContent()).toBe('重新报名');
    expect(await pay.count()).toBe(0);
    expect(await page.getByTestId('meeting-remind').count()).toBe(0);
    await screenshot(page, 'miniapp-meeting-hold-lapsed');

    // My meetings says it as well, and signs up again from there: a new held place, on the meeting's page.
    await openMiniappPage(e2e, page, 'subpackages/meetings/pages/mine/index');
    const card = page.locator(`[data-testid="meeting-card"][data-meeting-id="${meetingId}"]`);
    await card.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await card.getByTestId('meeting-card-registration').textContent()).toBe('付款超时');
    expect(await card.getByTestId('meeting-card-note').textContent()).toContain('未在时限内支付，名额已释放');
    await screenshot(page, 'miniapp-my-meetings-hold-lapsed');
    await card.getByTestId('mine-sign-up-again').click();

    await expect.poll(() => page.getByTestId('registration-status').textContent(), { timeout: 15_000 }).toBe('待付款');
    await expect.poll(() => page.getByTestId('pay-button').textContent(), { timeout: 10_000 }).toBe('去支付 ¥199.00');
    expect(await page.getByTestId('registration-cancelled').count()).toBe(0);
    const again = await myRegistration(e2e.bff, patient, meetingId);
    expect(again).toMatchObject({ status: 'awaiting_payment', cancelReason: null });
    expect(again.paymentId).not.toBe(held.paymentId);
    await page.context().close();
  });
});
