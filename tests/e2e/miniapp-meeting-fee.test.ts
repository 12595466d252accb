/**
 * A paid meeting in the mini-program (H5 build on the sandbox, served by the real BFF, in Chromium): a rep's public
 * meeting with a ¥199 fee, approved and published. A new patient signs up: the place is held (待付款) with the fee
 * due and the time left to pay; closing WeChat Pay's sheet keeps the place waiting with the pay button; paying in
 * the emulated sheet confirms the place (已报名, the check-in code shown) once WeChat Pay's notification has been
 * applied, and the reminder is offered. My meetings shows it as signed up, paid.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot } from '../support/browser';
import { miniappE2eContext, openHomeOnNewPhone, openMiniappPage, storedAccessToken } from '../support/miniappE2e';
import { publishPaidMeeting } from '../support/paidMeetings';

const e2e = miniappE2eContext('e2e-miniapp-meeting-fee');

/** Opens the emulated WeChat Pay sheet from the pay button and checks it asks for the fee. */
async function openSheet(page: Page) {
  await page.getByTestId('pay-button').click();
  await page.locator('.sandbox-pay-confirm').waitFor({ state: 'visible', timeout: 10_000 });
  await expect.poll(() => page.locator('.sandbox-pay').textContent()).toContain('微信支付 · 沙箱');
  expect(await page.locator('.sandbox-pay__amount').textContent()).toBe('¥199.00');
}

describe('a paid meeting in the mini-program', () => {
  it('a patient signs up, closes the pay sheet once, then pays and has the place confirmed', async () => {
    // A rep's public meeting with a ¥199 fee, approved by the manager and published by the rep.
    const { id: meetingId } = await publishPaidMeeting(e2e.bff, e2e, {
      title: '种植牙科普沙龙（付费）',
      description: '面向患者的种植牙科普讲座，含一次口腔检查。',
      venue: { name: '静安旗舰店 三楼会议室', address: '上海市静安区南京西路 1266 号' },
      capacity: 10,
    });
    const page = await openHomeOnNewPhone(e2e);
    await openMiniappPage(e2e, page, `subpackages/meetings/pages/detail/index?id=${meetingId}`);

    const signUp = page.getByTestId('signup-button');
    await expect.poll(() => signUp.textContent(), { timeout: 15_000 }).toBe('立即报名');
    expect(await page.getByTestId('meeting-fee').textContent()).toContain('¥199.00');
    await signUp.click();

    // Held until paid: 待付款, the fee due and the time left.
    const status = page.getByTestId('registration-status');
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('待付款');
    const pay = page.getByTestId('pay-button');
    await expect.poll(() => pay.textContent(), { timeout: 10_000 }).toBe('去支付 ¥199.00');
    expect(await page.locator('.pay-countdown').textContent()).toMatch(
      /^请在 1[45]:\d\d 内完成支付，超时名额将自动释放$/,
    );
    expect(await page.getByTestId('fee-due').textContent()).toContain('¥199.00');
    expect(await page.getByTestId('checkin-qr').count()).toBe(0);
    await page
      .locator('.meeting-notice')
      .waitFor({ state: 'detached', timeout: 10_000 })
      .catch(() => undefined);
    await screenshot(page, 'miniapp-meeting-fee-due');

    // The sheet closed without paying: still held, the button offers to pay again.
    await openSheet(page);
    await screenshot(page, 'miniapp-meeting-fee-sheet');
    await page.locator('.sandbox-pay-cancel').click();
    await expect.poll(() => page.getByTestId('pay-message').textContent(), { timeout: 10_000 }).toBe('你已取消支付');
    await expect.poll(() => pay.textContent()).toBe('重新支付 ¥199.00');
    expect(await status.textContent()).toBe('待付款');

    // Paid: confirmed once WeChat Pay's notification is applied.
    await openSheet(page);
    await page.locator('.sandbox-pay-confirm').click();
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe('已报名');
    expect(await page.getByTestId('payment-panel').count()).toBe(0);
    await expect.poll(() => page.getByTestId('fee-status').textContent()).toBe('已支付 ¥199.00');
    await page.getByTestId('checkin-qr').waitFor({ state: 'visible', timeout: 10_000 });
    await page.getByTestId('meeting-remind').click();
    await page.getByTestId('meeting-remind-on').waitFor({ state: 'visible', timeout: 10_000 });
    await screenshot(page, 'miniapp-meeting-fee-paid');

    // The server agrees, and My meetings shows the place as signed up.
    const token = await storedAccessToken(page);
    const mine = await e2e.bff.call('GET', `/api/mp/meetings/${meetingId}`, { token });
    expect(mine.body.myRegistration).toMatchObject({ status: 'confirmed', paidAt: expect.any(String) });
    await openMiniappPage(e2e, page, 'subpackages/meetings/pages/mine/index');
    const card = page.locator(`[data-testid="meeting-card"][data-meeting-id="${meetingId}"]`);
    await card.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await card.getByTestId('meeting-card-registration').textContent()).toBe('已报名');
    await page.context().close();
  });
});
