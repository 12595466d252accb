/**
 * Booking in the mini-program (H5 build on the sandbox, served by the real BFF, in Chromium): a patient books the
 * implant consultation (¥100 deposit) at the first free slot tomorrow, pays it in the emulated WeChat Pay sheet and
 * sees it confirmed; front desk checks them in with the code of the appointment's QR and the patient's list shows
 * the arrival; the timeline has the booking, the payment and the arrival. Then a second booking: the payment sheet
 * closed once and paid on the second try, the check-in QR shown (and read back from the screenshot), and a
 * cancellation that first shows the refund.
 */
import decodeQR from 'qr/decode.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRONTENDS } from '../../tools/frontends';
import { launchBrowser, phonePage, screenshot } from '../support/browser';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let browser: Browser;
let page: Page;
beforeAll(async () => {
  bff = await startTestBff('e2e-miniapp-booking', { miniappH5: FRONTENDS[0].output });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await bff?.close();
});

/** The signed-in customer, as the mini-program's stored session names them. */
async function currentCustomer() {
  const stored = await page.evaluate(() => localStorage.getItem('careloop.session'));
  expect(stored, 'the mini-program keeps its session in storage').toBeTruthy();
  const parsed = JSON.parse(stored!) as { data?: { accessToken?: string }; accessToken?: string };
  const accessToken = (parsed.data?.accessToken ?? parsed.accessToken)!;
  const me = await bff.call('GET', '/api/mp/me', { token: accessToken });
  expect(me.status).toBe(200);
  return { id: me.body.id as string, accessToken };
}

async function myAppointments(token: string) {
  const list = await bff.call('GET', '/api/mp/appointments', { token });
  expect(list.status).toBe(200);
  return list.body.items as Array<{
    id: string;
    status: string;
    checkInCode: string;
    paymentId: string | null;
    local: { date: string; time: string };
  }>;
}

async function timelineTypes(staffToken: string, customerId: string): Promise<string[]> {
  const timeline = await bff.call('GET', `/api/staff/customers/${customerId}/timeline?limit=100`, {
    token: staffToken,
  });
  expect(timeline.status).toBe(200);
  return timeline.body.items.map((item: { type: string }) => item.type);
}

/** From the Appointments tab: clinic → 种植咨询 → the date at `dayIndex` (0 today, 1 tomorrow) → its first free slot. */
async function chooseImplantSlot(
  dayIndex: number,
): Promise<{ date: string; time: string; slotId: string; serviceId: string }> {
  await page.locator('.book-start').click();
  await page.locator('.book-clinic', { hasText: '静安旗舰店' }).click();
  const service = page.locator('.book-service', { hasText: '种植咨询' });
  const serviceId = (await service.getAttribute('data-service-id'))!;
  await expect.poll(() => service.textContent(), { timeout: 10_000 }).toContain('定金 ¥100.00');
  expect(await service.textContent()).toContain('就诊前 24 小时以上取消全额退还定金，之后取消退还 50%');
  if (dayIndex === 1) await screenshot(page, 'miniapp-booking-services');
  await service.click();
  const day = page.locator('.book-date').nth(dayIndex);
  const date = (await day.getAttribute('data-date'))!;
  await day.click();
  await expect.poll(() => page.locator('.book-date--active').getAttribute('data-date')).toBe(date);
  const first = page.locator('.book-slot').first();
  await first.waitFor({ state: 'visible', timeout: 10_000 });
  const time = (await first.locator('.book-slot__time').textContent())!;
  const slotId = (await first.getAttribute('data-slot-id'))!;
  if (dayIndex === 1) await screenshot(page, 'miniapp-booking-slots');
  await first.click();
  return { date, time, slotId, serviceId };
}

/** Pays in the emulated WeChat Pay sheet. */
async function payInSheet(name?: string) {
  await page.locator('.pay-deposit').click();
  const confirm = page.locator('.sandbox-pay-confirm');
  await confirm.waitFor({ state: 'visible', timeout: 10_000 });
  await expect.poll(() => page.locator('.sandbox-pay').textContent()).toContain('微信支付 · 沙箱');
  expect(await page.locator('.sandbox-pay__amount').textContent()).toBe('¥100.00');
  if (name) await screenshot(page, name);
  await confirm.click();
}

describe('booking in the mini-program', () => {
  it('books the implant consultation, pays the deposit, and shows the arrival front desk marked', async () => {
    page = await phonePage(browser);
    await page.goto(`${bff.url}/m/`);
    const accept = page.locator('.consent-popup .consent-accept');
    await accept.waitFor({ state: 'visible', timeout: 20_000 });
    await accept.click();
    await accept.waitFor({ state: 'hidden' });

    await page.locator('.weui-tabbar__label', { hasText: '预约' }).click();
    await expect.poll(() => page.locator('.appointments-empty').count(), { timeout: 10_000 }).toBe(1);
    await screenshot(page, 'miniapp-appointments-empty');

    const chosen = await chooseImplantSlot(1);
    const customer = await currentCustomer();
    // The slot shown is the clinic's first free one tomorrow, at the clinic's own time (no conversion on the device).
    const clinics = await bff.call('GET', '/api/mp/clinics', { token: customer.accessToken });
    const clinic = clinics.body.items.find((item: { name: string }) => item.name.includes('静安'));
    const services = await bff.call('GET', `/api/mp/clinics/${clinic.id}/services`, { token: customer.accessToken });
    const implant = services.body.items.find((item: { name: string }) => item.name.includes('种植咨询'));
    const slots = await bff.call(
      'GET',
      `/api/mp/clinics/${clinic.id}/slots?date=${chosen.date}&serviceId=${implant.id}`,
      { token: customer.accessToken },
    );
    expect(slots.body.items[0].local.time).toBe(chosen.time);
    expect(chosen.time).toBe('09:00');

    const summary = page.locator('.booking-summary');
    await expect.poll(() => summary.textContent()).toContain('陈杰');
    expect(await summary.textContent()).toContain('定金¥100.00'); // label, then the amount
    expect(await summary.textContent()).toContain(`${chosen.time}`);
    await page.locator('textarea').first().fill('想咨询种植方案');
    await screenshot(page, 'miniapp-booking-confirm');
    await page.locator('.book-confirm').click();

    // Held: the deposit is due within the hold.
    await page.locator('.pay-deposit').waitFor({ state: 'visible', timeout: 10_000 });
    const countdown = page.locator('.pay-countdown');
    await expect.poll(() => countdown.textContent()).toMatch(/请在 1[45]:\d\d 内完成支付/);
    const shownFirst = await countdown.textContent();
    await expect.poll(() => countdown.textContent(), { timeout: 5_000 }).not.toBe(shownFirst); // it counts down
    await screenshot(page, 'miniapp-booking-pay');
    await payInSheet('miniapp-booking-sandbox-sheet');

    await expect
      .poll(() => page.locator('.booking-done .appointment-status').textContent(), { timeout: 20_000 })
      .toBe('已确认');
    await screenshot(page, 'miniapp-booking-confirmed');

    // The reminder: a tap opens WeChat's subscribe dialog (allowed by the emulated user); the server counts it.
    await page.locator('.book-remind').click();
    await expect.poll(() => page.locator('.book-remind-on').count(), { timeout: 10_000 }).toBe(1);
    const subscriptions = await bff.call('GET', '/api/mp/subscriptions', { token: customer.accessToken });
    expect(subscriptions.body.credits[subscriptions.body.templates.appointment_reminder]).toBe(1);

    await page.locator('.book-back-list').click();
    await expect.poll(() => page.locator('.appointment-item').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.locator('.appointment-item .appointment-status').textContent()).toBe('已确认');
    await screenshot(page, 'miniapp-appointments-confirmed');

    const [booked] = await myAppointments(customer.accessToken);
    expect(booked).toMatchObject({ status: 'confirmed', local: { date: chosen.date, time: chosen.time } });

    // Front desk (刘洋) scans the appointment's QR: the code is the appointment's check-in code.
    const frontDesk = await signInStaff(bff, 'liuyang');
    const checkIn = await bff.call('POST', '/api/staff/appointments/check-in', {
      token: frontDesk.accessToken,
      body: { code: booked!.checkInCode },
    });
    expect(checkIn.status).toBe(200);
    expect(checkIn.body.status).toBe('arrived');

    await page.reload();
    await expect
      .poll(() => page.locator('.appointment-item .appointment-status').textContent(), { timeout: 20_000 })
      .toBe('已到店');
    await screenshot(page, 'miniapp-appointments-arrived');

    await expect
      .poll(() => timelineTypes(frontDesk.accessToken, customer.id), { timeout: 10_000 })
      .toEqual(expect.arrayContaining(['appointment.booked', 'payment.paid', 'appointment.arrived']));
  });

  it('pays on the second try, shows the check-in QR, and cancels after showing the refund', async () => {
    await page.locator('.weui-tabbar__label', { hasText: '预约' }).click();
    const taken = await chooseImplantSlot(2); // more than 24 hours ahead: the whole deposit comes back

    // Someone else books that very slot while the patient reads the confirmation.
    const other = await signInNewPatient(bff);
    const othersBooking = await bff.call('POST', '/api/mp/appointments', {
      token: other.accessToken,
      body: { slotId: taken.slotId, serviceId: taken.serviceId, note: '' },
    });
    expect(othersBooking.status).toBe(201);
    await page.locator('.book-confirm').click();
    await expect
      .poll(() => page.locator('.book-notice--slot-full').textContent(), { timeout: 10_000 })
      .toBe('这个时段刚刚被约满了，请选择其他时间');
    // Back at the free slots of that day, which no longer offer the one just taken.
    const next = page.locator('.book-slot').first();
    await expect.poll(() => next.locator('.book-slot__time').textContent(), { timeout: 10_000 }).not.toBe(taken.time);
    expect(await page.locator(`.book-slot[data-slot-id="${taken.slotId}"]`).count()).toBe(0);
    await screenshot(page, 'miniapp-booking-slot-taken');
    await next.click();
    await page.locator('.book-confirm').click();
    await page.locator('.pay-deposit').waitFor({ state: 'visible', timeout: 10_000 });

    // The patient closes the sheet: nothing is paid, and they can pay again while the hold lasts.
    await page.locator('.pay-deposit').click();
    await page.locator('.sandbox-pay-cancel').click();
    await expect.poll(() => page.locator('.deposit-message').textContent(), { timeout: 10_000 }).toBe('你已取消支付');
    await expect.poll(() => page.locator('.pay-deposit').textContent()).toContain('重新支付 ¥100.00');
    await animationsDone();
    await screenshot(page, 'miniapp-booking-pay-cancelled');
    await payInSheet();
    await expect
      .poll(() => page.locator('.booking-done .appointment-status').textContent(), { timeout: 20_000 })
      .toBe('已确认');

    await page.locator('.book-view-detail').click();
    const qr = page.locator('.appointment-qr');
    await qr.waitFor({ state: 'visible', timeout: 10_000 });
    await expect.poll(() => page.locator('.appointment-deposit').textContent()).toContain('¥100.00 · 已支付');
    await expect.poll(async () => (await page.locator('.detail').boundingBox())?.x).toBe(0); // slid in
    await screenshot(page, 'miniapp-appointment-detail-qr');

    const customer = await currentCustomer();
    const appointment = (await myAppointments(customer.accessToken)).find((item) => item.status === 'confirmed')!;
    expect(await readQr(qr)).toBe(appointment.checkInCode);

    await page.locator('.appointment-cancel').click();
    const refund = page.locator('.cancel-refund');
    await refund.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await refund.textContent()).toBe('取消后将全额退还定金 ¥100.00，原路退回');
    await screenshot(page, 'miniapp-appointment-cancel-refund');
    await page.locator('.cancel-confirm').click();

    await expect
      .poll(() => page.locator('.detail-header .appointment-status').textContent(), { timeout: 10_000 })
      .toBe('已取消');
    await expect.poll(() => page.locator('.detail-toast--success').textContent()).toContain('定金 ¥100.00 将原路退还');
    await expect.poll(() => page.locator('.appointment-refund').textContent()).toContain('退还 ¥100.00');
    expect(await page.locator('.appointment-qr').count()).toBe(0);
    await page.locator('.detail-toast--success').waitFor({ state: 'detached', timeout: 10_000 });
    await screenshot(page, 'miniapp-appointment-cancelled');

    const payment = await bff.call('GET', `/api/mp/payments/${appointment.paymentId}`, { token: customer.accessToken });
    expect(['refunding', 'refunded']).toContain(payment.body.status);
    expect(payment.body.refunds).toEqual([expect.objectContaining({ amountFen: 10_000 })]);

    // Back in the list (the detail page has no tab bar): the cancelled one, and the arrived one from before.
    await page.goBack();
    await expect.poll(() => page.locator('.appointment-item').count(), { timeout: 10_000 }).toBe(2);
    await expect
      .poll(() => page.locator('.appointment-item .appointment-status').allTextContents())
      .toEqual(expect.arrayContaining(['已到店', '已取消']));
    await page.locator('.appointment-detail').waitFor({ state: 'hidden', timeout: 10_000 }); // slid out
    await screenshot(page, 'miniapp-appointments-after-cancel');
  });
});

/** Sheets and overlays fade out over a few hundred milliseconds: wait before a screenshot of what is left. */
async function animationsDone() {
  await page.waitForTimeout(500);
}

/** Reads the QR code the page drew, from a screenshot of it, as a scanner at the front desk would. */
async function readQr(locator: ReturnType<Page['locator']>): Promise<string> {
  const png = await locator.screenshot();
  const image = await page.evaluate(async (base64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${base64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(img, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let binary = '';
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width: canvas.width, height: canvas.height, data: btoa(binary) };
  }, png.toString('base64'));
  return decodeQR({ width: image.width, height: image.height, data: Buffer.from(image.data, 'base64') });
}
