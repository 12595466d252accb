/**
 * Appointments at the front desk and in the chat, on the real builds served by the real BFF, in Chromium: patients
 * book through the mini-program's routes; front desk finds the booking in the workbench's day schedule and marks the
 * arrival (by button and by the appointment code); a consultant sees it in the sidebar with its timeline and cancels
 * another booking; a manager adds a weekly opening and closes a date, and patients see the difference.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRONTENDS } from '../../tools/frontends';
import { launchBrowser, SCREENSHOTS, screenshot } from '../support/browser';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let browser: Browser;
beforeAll(async () => {
  bff = await startTestBff('e2e_staff_appointments', { miniappH5: FRONTENDS[0].output, wecom: FRONTENDS[1].output });
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
interface Service {
  id: string;
  name: string;
  depositFen: number;
}
interface Slot {
  id: string;
  local: { date: string; time: string };
  doctor: { id: string; name: string };
}
interface Booked {
  id: string;
  status: string;
  local: { date: string; time: string };
  doctorStaffId: string;
  checkInCode: string;
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

/** ISO weekday (1 Monday … 7 Sunday) of a calendar day. */
function weekdayOf(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

async function newPatient(name: string): Promise<Patient> {
  const patient = await signInNewPatient(bff);
  const renamed = await bff.call('PATCH', '/api/mp/me', { token: patient.accessToken, body: { name } });
  expect(renamed.status).toBe(200);
  return patient;
}

async function flagshipClinic(patient: Patient): Promise<Clinic> {
  const clinics = await bff.call('GET', '/api/mp/clinics', { token: patient.accessToken });
  expect(clinics.status).toBe(200);
  const clinic = (clinics.body.items as Clinic[]).find((item) => item.name.includes('静安旗舰店'));
  expect(clinic).toBeDefined();
  return clinic!;
}

async function serviceNamed(patient: Patient, clinic: Clinic, name: string): Promise<Service> {
  const services = await bff.call('GET', `/api/mp/clinics/${clinic.id}/services`, { token: patient.accessToken });
  expect(services.status).toBe(200);
  const service = (services.body.items as Service[]).find((item) => item.name.includes(name));
  expect(service).toBeDefined();
  return service!;
}

async function freeSlots(patient: Patient, clinic: Clinic, service: Service, date: string): Promise<Slot[]> {
  const slots = await bff.call('GET', `/api/mp/clinics/${clinic.id}/slots?date=${date}&serviceId=${service.id}`, {
    token: patient.accessToken,
  });
  expect(slots.status).toBe(200);
  return slots.body.items as Slot[];
}

/** Books the first free slot of the service on the date, as the mini-program's booking page does. */
async function bookFirstFree(patient: Patient, clinic: Clinic, service: Service, date: string, skip = 0) {
  const slots = await freeSlots(patient, clinic, service, date);
  const slot = slots[skip];
  expect(slot).toBeDefined();
  const booked = await bff.call('POST', '/api/mp/appointments', {
    token: patient.accessToken,
    body: { slotId: slot!.id, serviceId: service.id, note: '' },
  });
  expect(booked.status).toBe(201);
  return { appointment: booked.body as Booked, slot: slot! };
}

async function staffPage(width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  return context.newPage();
}

async function openWorkbench(page: Page, userid: string, name: string) {
  await page.goto(`${bff.url}/wecom/workbench/`);
  await page.getByTestId('emulated-staff-select').selectOption(userid);
  await expect.poll(() => page.getByTestId('staff-name').textContent(), { timeout: 15_000 }).toBe(name);
}

async function showDay(page: Page, clinic: Clinic, date: string) {
  await expect.poll(() => page.getByTestId('schedule-clinic').isEnabled(), { timeout: 10_000 }).toBe(true);
  await page.getByTestId('schedule-clinic').selectOption(clinic.id);
  await page.getByTestId('schedule-date').fill(date);
}

async function fullScreenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const scheduled = (page: Page, id: string) =>
  page.locator(`[data-testid="schedule-appointment"][data-appointment-id="${id}"]`);
const row = (page: Page, id: string) => page.locator(`[data-testid="appointment-row"][data-appointment-id="${id}"]`);
const timelineItems = (page: Page, type: string) => page.locator(`[data-testid="timeline-item"][data-type="${type}"]`);

describe('appointments for front desk, consultants and managers', () => {
  const name = '赵晓雨';
  const secondName = '孙浩然';
  let patient: Patient;
  let clinic: Clinic;
  let cleaning: Service;
  let tomorrow: string;
  let first: Booked;
  let second: Booked;

  beforeAll(async () => {
    patient = await newPatient(name);
    clinic = await flagshipClinic(patient);
    cleaning = await serviceNamed(patient, clinic, '洗牙');
    expect(cleaning.depositFen).toBe(0);
    tomorrow = dayIn(clinic.timeZone, 1);
    first = (await bookFirstFree(patient, clinic, cleaning, tomorrow)).appointment;
    // No deposit for a cleaning: the booking is confirmed at once.
    expect(first.status).toBe('confirmed');
    const other = await newPatient(secondName);
    second = (await bookFirstFree(other, clinic, cleaning, tomorrow)).appointment;
    expect(second.status).toBe('confirmed');
  });

  it('lets front desk find tomorrow’s booking in the day schedule and mark the arrival, also by code', async () => {
    const page = await staffPage(1280, 900);
    await openWorkbench(page, 'liuyang', '刘洋');
    // The day schedule is the workbench's first page; today is the clinic's today.
    await expect
      .poll(() => page.getByTestId('schedule-date').inputValue(), { timeout: 10_000 })
      .toBe(dayIn(clinic.timeZone, 0));
    await showDay(page, clinic, tomorrow);

    const item = scheduled(page, first.id);
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    const column = page.locator('[data-testid="schedule-doctor"]', { has: item });
    expect(await column.getAttribute('data-doctor-id')).toBe(first.doctorStaffId);
    expect(await column.textContent()).toContain('陈杰');
    const text = await item.textContent();
    expect(text).toContain(name);
    expect(text).toContain('洗牙');
    expect(text).toContain(first.local.time);
    expect(await item.getAttribute('data-status')).toBe('confirmed');
    // Tomorrow has not started: no-show waits for the time.
    expect(await item.getByTestId('appointment-no-show').isDisabled()).toBe(true);
    await screenshot(page, 'workbench-day-schedule');

    await item.getByTestId('appointment-arrive').click();
    await expect.poll(() => item.getAttribute('data-status'), { timeout: 10_000 }).toBe('arrived');
    expect(await item.getByTestId('appointment-status').textContent()).toBe('已到店');
    expect(await page.getByTestId('schedule-summary').textContent()).toContain('已到店 1');

    // The check-in box: a code that is no appointment's is refused clearly.
    await page.getByTestId('checkin-input').fill('not-a-real-code-123');
    await page.getByTestId('checkin-submit').click();
    await expect.poll(() => page.getByTestId('checkin-result').getAttribute('data-state')).toBe('error');
    expect(await page.getByTestId('checkin-result').textContent()).toContain('没有找到');
    // The second patient shows the QR; the scanner types its code and Enter.
    await page.getByTestId('checkin-input').fill(second.checkInCode);
    await page.getByTestId('checkin-input').press('Enter');
    await expect.poll(() => page.getByTestId('checkin-result').getAttribute('data-state')).toBe('ok');
    expect(await page.getByTestId('checkin-result').textContent()).toContain(secondName);
    await expect
      .poll(() => scheduled(page, second.id).getAttribute('data-status'), { timeout: 10_000 })
      .toBe('arrived');
    await fullScreenshot(page, 'workbench-day-schedule-arrived');
    // The workbench also opens in WeCom's mobile client: the columns fold to one.
    await page.setViewportSize({ width: 390, height: 844 });
    await fullScreenshot(page, 'workbench-day-schedule-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Front desk can read the weekly openings but not change them.
    await page.getByTestId('nav-templates').click();
    // The clinic chosen on the day schedule stays chosen.
    expect(await page.getByTestId('templates-clinic').inputValue()).toBe(clinic.id);
    await expect.poll(() => page.getByTestId('template-row').count(), { timeout: 10_000 }).toBe(14);
    expect(await page.getByTestId('templates-readonly').isVisible()).toBe(true);
    expect(await page.getByTestId('template-submit').isDisabled()).toBe(true);
    expect(await page.getByTestId('exception-submit').isDisabled()).toBe(true);
    await screenshot(page, 'workbench-templates-front-desk');
    await page.context().close();

    // And the BFF agrees: front desk is not a manager.
    const frontDesk = await signInStaff(bff, 'liuyang');
    const refused = await bff.call('POST', '/api/staff/schedule-exceptions', {
      token: frontDesk.accessToken,
      body: { clinicId: clinic.id, date: dayIn(clinic.timeZone, 3), reason: 'x' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
  });

  it('shows a consultant the arrival in the sidebar and its timeline, and cancels another booking', async () => {
    // A consultation with a deposit, booked for the day after tomorrow and not paid yet.
    const implant = await serviceNamed(patient, clinic, '种植');
    const held = (await bookFirstFree(patient, clinic, implant, dayIn(clinic.timeZone, 2))).appointment;
    expect(held.status).toBe('held');

    const page = await staffPage(360, 740);
    await page.goto(`${bff.url}/wecom/`);
    await page.getByTestId('emulated-staff-select').selectOption('zhangwei');
    await page.getByTestId('contact-search').fill(name);
    await page.getByTestId('contact-result').filter({ hasText: name }).first().click();
    await expect.poll(() => page.getByTestId('contact-name').textContent(), { timeout: 15_000 }).toBe(name);

    const arrived = row(page, first.id);
    await expect.poll(() => arrived.getAttribute('data-status'), { timeout: 10_000 }).toBe('arrived');
    expect(await arrived.getByTestId('appointment-status').textContent()).toBe('已到店');
    expect(await arrived.textContent()).toContain(first.local.time);
    expect(await arrived.textContent()).toContain('洗牙');
    // Upcoming first: the cleaning tomorrow, then the consultation the day after.
    const ids = await page
      .getByTestId('appointment-row')
      .evaluateAll((rows) => rows.map((element) => element.getAttribute('data-appointment-id')));
    expect(ids).toEqual([first.id, held.id]);
    // An arrived appointment allows nothing more.
    expect(await arrived.getByTestId('appointment-arrive').count()).toBe(0);

    await expect.poll(() => timelineItems(page, 'appointment.arrived').count(), { timeout: 10_000 }).toBe(1);
    expect(await timelineItems(page, 'appointment.arrived').textContent()).toContain('到店');
    expect(await timelineItems(page, 'appointment.arrived').textContent()).toContain('洗牙');
    expect(await timelineItems(page, 'appointment.booked').count()).toBe(2);
    await page.getByTestId('appointments').scrollIntoViewIfNeeded();
    await screenshot(page, 'sidebar-appointments-arrived');

    // Cancelling the unpaid consultation: the confirmation says what happens to the deposit first.
    const pending = row(page, held.id);
    expect(await pending.getAttribute('data-status')).toBe('held');
    expect(await pending.getByTestId('appointment-arrive').isDisabled()).toBe(true);
    await pending.getByTestId('appointment-cancel').click();
    expect(await pending.getByTestId('appointment-refund-quote').getAttribute('data-kind')).toBe('unpaid');
    expect(await pending.getByTestId('appointment-refund-quote').textContent()).toContain('定金尚未支付');
    await screenshot(page, 'sidebar-appointment-cancel-confirm');
    await pending.getByTestId('appointment-cancel-confirm').click();
    await expect.poll(() => pending.getAttribute('data-status'), { timeout: 10_000 }).toBe('cancelled');
    expect(await pending.getByTestId('appointment-message').textContent()).toContain('已取消');
    await expect.poll(() => timelineItems(page, 'appointment.cancelled').count(), { timeout: 10_000 }).toBe(1);
    await fullScreenshot(page, 'sidebar-appointments-after-cancel');
    await page.context().close();
  });

  it('lets a manager add a weekly opening and close a date, and patients see both', async () => {
    const page = await staffPage(1280, 1000);
    await openWorkbench(page, 'lina', '李娜');
    const me = await signInStaff(bff, 'lina');
    // Five days ahead: a day whose slots nobody has listed yet. (The BFF makes a day's slots once, when they are first
    // listed; an opening added after that does not reach that day — reported, not worked around here.)
    const day = dayIn(clinic.timeZone, 5);
    const weekday = weekdayOf(day);

    await page.getByTestId('nav-templates').click();
    await expect.poll(() => page.getByTestId('templates-clinic').isEnabled(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('templates-clinic').selectOption(clinic.id);
    // The dentist's two openings a day, every day.
    await expect.poll(() => page.getByTestId('template-row').count(), { timeout: 10_000 }).toBe(14);
    expect(await page.getByTestId('templates-readonly').count()).toBe(0);

    const form = page.getByTestId('template-form');
    // The signed-in manager opens an evening consultation on that weekday.
    await form.getByTestId('template-doctor').selectOption(me.staff.id);
    await form.getByTestId('template-weekday').selectOption(String(weekday));
    await form.getByTestId('template-start').fill('18:00');
    await form.getByTestId('template-end').fill('20:00');
    await form.getByTestId('template-slot-minutes').fill('40');
    await form.getByTestId('template-capacity').fill('2');
    // Nothing chosen yet: the form says so and sends nothing.
    await page.getByTestId('template-submit').click();
    expect(await form.textContent()).toContain('至少选择一项服务');
    await form.locator(`[data-testid="template-service"][value="${cleaning.id}"]`).check();
    expect(await form.getByTestId('template-preview').textContent()).toContain('3 个号');
    await page.getByTestId('template-submit').click();
    await expect
      .poll(() => page.getByTestId('template-result').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('ok');
    await expect.poll(() => page.getByTestId('template-row').count()).toBe(15);
    const added = page.locator(`[data-testid="template-row"][data-weekday="${weekday}"]`, { hasText: '18:00–20:00' });
    expect(await added.textContent()).toContain('李娜');
    expect(await added.textContent()).toContain('40 分钟');
    expect(await added.textContent()).toContain('洗牙');

    // Patients can book the new evening slots on that day.
    const evening = (await freeSlots(patient, clinic, cleaning, day)).filter((slot) => slot.doctor.id === me.staff.id);
    expect(evening.map((slot) => slot.local.time)).toEqual(['18:00', '18:40', '19:20']);
    expect(evening[0]!.doctor.name).toBe('李娜');

    // The manager takes that day off: her slots close.
    const exception = page.getByTestId('exception-form');
    await exception.getByTestId('exception-date').fill(day);
    await exception.getByTestId('exception-doctor').selectOption(me.staff.id);
    await exception.getByTestId('exception-reason').fill('外出培训');
    await page.getByTestId('exception-submit').click();
    await expect
      .poll(() => page.getByTestId('exception-result').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('ok');
    expect(await page.getByTestId('exception-row').textContent()).toContain('外出培训');
    await fullScreenshot(page, 'workbench-templates-manager');
    const after = (await freeSlots(patient, clinic, cleaning, day)).filter((slot) => slot.doctor.id === me.staff.id);
    expect(after).toEqual([]);
    // The dentist still works that day.
    expect((await freeSlots(patient, clinic, cleaning, day)).some((slot) => slot.doctor.name === '陈杰')).toBe(true);
    await page.context().close();
  });
});
