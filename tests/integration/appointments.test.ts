/** Booking over real HTTP on the real database: capacity, overlaps, deposits through the Pay sandbox, refunds, no-shows, time zones. */
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic } from '../../bff/src/organisations/service';
import { createService } from '../../bff/src/appointments/catalog';
import { createScheduleTemplate, generateSlots } from '../../bff/src/appointments/schedule';
import { expireUnpaidHolds, markOverdueNoShows } from '../../bff/src/appointments/booking';
import { depositHooks } from '../../bff/src/appointments/deposits';
import { AppointmentReminderModel, SlotModel } from '../../bff/src/appointments/model';
import { sendDueReminders } from '../../bff/src/appointments/reminders';
import { getPayment } from '../../bff/src/payments/service';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let manager: { accessToken: string; staff: { id: string; organisation: { id: string } } };
let org: string;
let clinicId: string;
let cleaningId: string;
let implantId: string;
let dentistId: string;
let dentistTwoId: string;

beforeAll(async () => {
  bff = await startTestBff('appointments');
  manager = await signInStaff(bff, 'lina');
  org = manager.staff.organisation.id;
  const clinic = await createClinic(org, { name: '测试诊所', address: '' });
  clinicId = clinic.id;
  // Staff without openings in the demo seed (a doctor cannot open in two clinics at once).
  const dentist = await signInStaff(bff, 'liuyang');
  dentistId = dentist.staff.id;
  dentistTwoId = (await signInStaff(bff, 'zhangwei')).staff.id;
  cleaningId = (
    await createService(org, {
      name: '测试洗牙',
      durationMinutes: 30,
      depositFen: 0,
      fullRefundHoursBefore: 24,
      lateRefundPercent: 0,
      clinicIds: [clinicId],
    })
  ).id;
  implantId = (
    await createService(org, {
      name: '测试种植咨询',
      durationMinutes: 30,
      depositFen: 10_000,
      fullRefundHoursBefore: 24,
      lateRefundPercent: 50,
      clinicIds: [clinicId],
    })
  ).id;
  for (const doctorStaffId of [dentistId, dentistTwoId]) {
    for (let weekday = 1; weekday <= 7; weekday += 1) {
      await createScheduleTemplate(org, {
        clinicId,
        doctorStaffId,
        serviceIds: [cleaningId, implantId],
        weekday,
        startTime: '09:00',
        endTime: '17:00',
        slotMinutes: 30,
        capacity: 1,
      });
    }
  }
});
afterAll(() => bff?.close());

let dayOffset = 1;
/** A fresh clinic-local date for each test, so tests never compete for the same slots. */
const nextDate = () =>
  DateTime.now()
    .setZone('Asia/Shanghai')
    .plus({ days: (dayOffset += 1) })
    .toISODate()!;

async function freeSlots(token: string, date: string, serviceId = cleaningId) {
  const response = await bff.call('GET', `/api/mp/clinics/${clinicId}/slots?date=${date}&serviceId=${serviceId}`, {
    token,
  });
  expect(response.status).toBe(200);
  return response.body.items as { id: string; local: { time: string }; doctor: { id: string }; remaining: number }[];
}

const book = (token: string, slotId: string, serviceId = cleaningId) =>
  bff.call('POST', '/api/mp/appointments', { token, body: { slotId, serviceId } });

async function payThroughSandbox(paymentId: string, token: string, body: Record<string, unknown> = {}) {
  const jsapi = await bff.call('POST', `/api/mp/payments/${paymentId}/jsapi`, { token });
  expect(jsapi.status).toBe(200);
  const payment = await getPayment(org, paymentId);
  return bff.call('POST', `/sandbox/control/pay/orders/${payment!.outTradeNo}/pay`, { body });
}

describe('booking a slot', () => {
  it('gives the last place to exactly one of 50 patients booking at once; the rest get SLOT_FULL', async () => {
    const patients = await Promise.all(Array.from({ length: 50 }, () => signInNewPatient(bff)));
    const [slot] = await freeSlots(patients[0]!.accessToken, nextDate());
    const results = await Promise.all(patients.map((patient) => book(patient.accessToken, slot!.id)));
    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(results.filter((result) => result.body.error?.code === 'SLOT_FULL')).toHaveLength(49);
    const stored = await SlotModel.findById(slot!.id).lean();
    expect(stored!.holders).toHaveLength(1);
  });

  it('refuses a second appointment that overlaps one the patient holds, even when both are booked at once', async () => {
    const patient = await signInNewPatient(bff);
    const slots = await freeSlots(patient.accessToken, nextDate());
    const nineOClock = slots.filter((slot) => slot.local.time === '09:00');
    expect(nineOClock).toHaveLength(2); // two dentists at 09:00
    const results = await Promise.all(nineOClock.map((slot) => book(patient.accessToken, slot.id)));
    expect(results.map((result) => result.status).sort()).toEqual([201, 409]);
    expect(results.find((result) => result.status === 409)!.body.error.code).toBe('OVERLAPPING_APPOINTMENT');
    const later = slots.find((slot) => slot.local.time === '10:00')!;
    expect((await book(patient.accessToken, later.id)).status).toBe(201);
  });

  it('lists only free slots and frees a place again when an appointment is cancelled', async () => {
    const patient = await signInNewPatient(bff);
    const date = nextDate();
    const before = await freeSlots(patient.accessToken, date);
    const booked = await book(patient.accessToken, before[0]!.id);
    expect((await freeSlots(patient.accessToken, date)).map((slot) => slot.id)).not.toContain(before[0]!.id);
    const cancelled = await bff.call('POST', `/api/mp/appointments/${booked.body.id}/cancel`, {
      token: patient.accessToken,
    });
    expect(cancelled.body).toMatchObject({ appointment: { status: 'cancelled' }, refundFen: 0 });
    expect((await freeSlots(patient.accessToken, date)).map((slot) => slot.id)).toContain(before[0]!.id);
  });

  it('never shows or cancels another patient’s appointment', async () => {
    const alice = await signInNewPatient(bff);
    const bob = await signInNewPatient(bff);
    const [slot] = await freeSlots(alice.accessToken, nextDate());
    const booked = await book(alice.accessToken, slot!.id);
    expect((await bff.call('GET', `/api/mp/appointments/${booked.body.id}`, { token: bob.accessToken })).status).toBe(
      404,
    );
    const cancel = await bff.call('POST', `/api/mp/appointments/${booked.body.id}/cancel`, { token: bob.accessToken });
    expect(cancel.body.error.code).toBe('NOT_FOUND');
  });

  it('moves an appointment to another slot and frees the old place', async () => {
    const patient = await signInNewPatient(bff);
    const date = nextDate();
    const slots = await freeSlots(patient.accessToken, date);
    const booked = await book(patient.accessToken, slots[0]!.id);
    const target = slots.find((slot) => slot.local.time === '15:00')!;
    const moved = await bff.call('POST', `/api/mp/appointments/${booked.body.id}/reschedule`, {
      token: patient.accessToken,
      body: { slotId: target.id },
    });
    expect(moved.body.local.time).toBe('15:00');
    expect((await SlotModel.findById(slots[0]!.id).lean())!.holders).toHaveLength(0);
    expect((await SlotModel.findById(target.id).lean())!.holders).toHaveLength(1);
  });
});

describe('deposits', () => {
  it('holds a deposit appointment until paid, then confirms it once however often the notification comes', async () => {
    const patient = await signInNewPatient(bff);
    const [slot] = await freeSlots(patient.accessToken, nextDate(), implantId);
    const booked = await book(patient.accessToken, slot!.id, implantId);
    expect(booked.body).toMatchObject({ status: 'held', depositFen: 10_000 });
    const paid = await payThroughSandbox(booked.body.paymentId, patient.accessToken);
    expect(paid.status).toBe(200);
    const payment = await getPayment(org, booked.body.paymentId);
    for (let i = 0; i < 4; i += 1) {
      await bff.call('POST', `/sandbox/control/pay/orders/${payment!.outTradeNo}/notify-again`, { body: {} });
    }
    const seen = await bff.call('GET', `/api/mp/appointments/${booked.body.id}`, { token: patient.accessToken });
    expect(seen.body.status).toBe('confirmed');
    const timeline = await bff.call('GET', `/api/staff/customers/${patient.customer.id}/timeline?limit=50`, {
      token: manager.accessToken,
    });
    const types = timeline.body.items.map((item: { type: string }) => item.type);
    expect(types.filter((type: string) => type === 'payment.paid')).toHaveLength(1);
    expect(types).toContain('appointment.booked');
  });

  it('expires an unpaid hold and frees the place; a payment WeChat took meanwhile is refunded automatically', async () => {
    const patient = await signInNewPatient(bff);
    const [slot] = await freeSlots(patient.accessToken, nextDate(), implantId);
    const booked = await book(patient.accessToken, slot!.id, implantId);
    // The patient pays at the last moment; the notification is late and has not arrived when the hold expires.
    await payThroughSandbox(booked.body.paymentId, patient.accessToken, { notify: false });
    const hooks = depositHooks(org, patient.customer.id);
    expect(await expireUnpaidHolds(hooks, new Date(Date.now() + 16 * 60_000))).toBeGreaterThanOrEqual(1);
    const expired = await bff.call('GET', `/api/mp/appointments/${booked.body.id}`, { token: patient.accessToken });
    expect(expired.body.status).toBe('expired');
    expect((await SlotModel.findById(slot!.id).lean())!.holders).toHaveLength(0);
    await expect
      .poll(async () => (await getPayment(org, booked.body.paymentId))!.status, { timeout: 10_000 })
      .toBe('refunded');
  });

  it('closes the order of an expired hold, so it can no longer be paid', async () => {
    const patient = await signInNewPatient(bff);
    const [slot] = await freeSlots(patient.accessToken, nextDate(), implantId);
    const booked = await book(patient.accessToken, slot!.id, implantId);
    await bff.call('POST', `/api/mp/payments/${booked.body.paymentId}/jsapi`, { token: patient.accessToken });
    await expireUnpaidHolds(depositHooks(org, patient.customer.id), new Date(Date.now() + 16 * 60_000));
    expect((await getPayment(org, booked.body.paymentId))!.status).toBe('closed');
  });

  it('refunds the whole deposit when cancelled a day ahead, and the service’s share later', async () => {
    const early = await signInNewPatient(bff);
    const [farSlot] = await freeSlots(early.accessToken, nextDate(), implantId);
    const farBooking = await book(early.accessToken, farSlot!.id, implantId);
    await payThroughSandbox(farBooking.body.paymentId, early.accessToken);
    const quote = await bff.call('GET', `/api/mp/appointments/${farBooking.body.id}/cancellation`, {
      token: early.accessToken,
    });
    expect(quote.body.refundFen).toBe(10_000);
    const cancelled = await bff.call('POST', `/api/mp/appointments/${farBooking.body.id}/cancel`, {
      token: early.accessToken,
    });
    expect(cancelled.body.refundFen).toBe(10_000);
    await expect
      .poll(async () => (await getPayment(org, farBooking.body.paymentId))!.refundedFen, { timeout: 10_000 })
      .toBe(10_000);

    // Within 24 hours: half back.
    const late = await signInNewPatient(bff);
    const soon = DateTime.now().setZone('Asia/Shanghai').plus({ hours: 3 });
    const soonSlot = await SlotModel.create({
      organisationId: new Types.ObjectId(org),
      clinicId: new Types.ObjectId(clinicId),
      doctorStaffId: new Types.ObjectId(dentistId),
      serviceIds: [new Types.ObjectId(implantId)],
      date: soon.toISODate()!,
      startsAt: soon.toJSDate(),
      endsAt: soon.plus({ minutes: 30 }).toJSDate(),
      capacity: 1,
    });
    const lateBooking = await book(late.accessToken, String(soonSlot._id), implantId);
    await payThroughSandbox(lateBooking.body.paymentId, late.accessToken);
    const lateCancel = await bff.call('POST', `/api/mp/appointments/${lateBooking.body.id}/cancel`, {
      token: late.accessToken,
    });
    expect(lateCancel.body.refundFen).toBe(5_000);
  });
});

describe('at the clinic', () => {
  it('marks arrival by the code in the patient’s QR, and puts booked and arrived on the timeline', async () => {
    const patient = await signInNewPatient(bff);
    const [slot] = await freeSlots(patient.accessToken, nextDate());
    const booked = await book(patient.accessToken, slot!.id);
    const arrived = await bff.call('POST', '/api/staff/appointments/check-in', {
      token: manager.accessToken,
      body: { code: booked.body.checkInCode },
    });
    expect(arrived.body.status).toBe('arrived');
    const timeline = await bff.call('GET', `/api/staff/customers/${patient.customer.id}/timeline?limit=50`, {
      token: manager.accessToken,
    });
    const types = timeline.body.items.map((item: { type: string }) => item.type);
    expect(types).toEqual(expect.arrayContaining(['appointment.booked', 'appointment.arrived']));
  });

  it('marks a confirmed appointment no-show once its end plus the grace period has passed', async () => {
    const patient = await signInNewPatient(bff);
    const [slot] = await freeSlots(patient.accessToken, nextDate());
    const booked = await book(patient.accessToken, slot!.id);
    await markOverdueNoShows(new Date(Date.now() + 80 * 86_400_000));
    const seen = await bff.call('GET', `/api/mp/appointments/${booked.body.id}`, { token: patient.accessToken });
    expect(seen.body.status).toBe('no_show');
  });

  it('shows the day’s schedule per doctor with patient names', async () => {
    const patient = await signInNewPatient(bff);
    await bff.call('PATCH', '/api/mp/me', { token: patient.accessToken, body: { name: '日程测试' } });
    const date = nextDate();
    const [slot] = await freeSlots(patient.accessToken, date);
    await book(patient.accessToken, slot!.id);
    const day = await bff.call('GET', `/api/staff/schedule?clinicId=${clinicId}&date=${date}`, {
      token: manager.accessToken,
    });
    const appointments = day.body.doctors.flatMap((doctor: { appointments: unknown[] }) => doctor.appointments);
    expect(appointments).toEqual([expect.objectContaining({ customerName: '日程测试', status: 'confirmed' })]);
  });
});

describe('reminders', () => {
  it('sends the reminder once even when two instances run the job at the same time', async () => {
    const patient = await signInNewPatient(bff);
    const templateId = bff.config.wechat.reminderTemplateId;
    // The patient allows the template in requestSubscribeMessage: WeChat and CareLoop each count one credit.
    await bff.call('POST', '/sandbox/control/wechat/subscribe', {
      body: { openid: patient.openid, templateIds: [templateId] },
    });
    const granted = await bff.call('POST', '/api/mp/subscriptions', {
      token: patient.accessToken,
      body: { acceptedTemplateIds: [templateId] },
    });
    expect(granted.body.credits[templateId]).toBe(1);
    const [slot] = await freeSlots(patient.accessToken, nextDate());
    const booked = await book(patient.accessToken, slot!.id);
    const evening = new Date(new Date(booked.body.startsAt).getTime() - 2 * 3_600_000);
    const results = await Promise.all([sendDueReminders(bff.deps, evening), sendDueReminders(bff.deps, evening)]);
    expect(results.reduce((sum, count) => sum + count, 0)).toBe(1);
    const messages = await bff.call('GET', `/sandbox/control/wechat/users/${patient.openid}/subscribe-messages`);
    expect(messages.body).toEqual([
      expect.objectContaining({
        templateId,
        data: {
          thing1: { value: '测试洗牙' },
          time2: { value: `${booked.body.local.date} ${booked.body.local.time}` },
          thing3: { value: '测试诊所' },
        },
      }),
    ]);
    expect(await sendDueReminders(bff.deps, evening)).toBe(0);
  });

  it('does not send a reminder the patient never allowed, and records why', async () => {
    const patient = await signInNewPatient(bff);
    const [slot] = await freeSlots(patient.accessToken, nextDate());
    const booked = await book(patient.accessToken, slot!.id);
    const evening = new Date(new Date(booked.body.startsAt).getTime() - 2 * 3_600_000);
    await sendDueReminders(bff.deps, evening);
    const messages = await bff.call('GET', `/sandbox/control/wechat/users/${patient.openid}/subscribe-messages`);
    expect(messages.body).toEqual([]);
    const reminder = await AppointmentReminderModel.findOne({ appointmentId: booked.body.id }).lean();
    expect(reminder?.status).toBe('no_credit');
  });
});

describe('time zones', () => {
  it('keeps 09:00 local across a DST change, at different UTC instants', async () => {
    const clinic = await createClinic(org, { name: 'New York', address: '' });
    const newYorkDentist = (await signInStaff(bff, 'wangfang')).staff.id;
    const { ClinicModel } = await import('../../bff/src/organisations/model');
    await ClinicModel.updateOne({ _id: clinic.id }, { $set: { timeZone: 'America/New_York' } });
    for (const weekday of [6, 7]) {
      await createScheduleTemplate(org, {
        clinicId: clinic.id,
        doctorStaffId: newYorkDentist,
        serviceIds: [cleaningId],
        weekday,
        startTime: '09:00',
        endTime: '09:30',
        slotMinutes: 30,
        capacity: 1,
      });
    }
    // US daylight saving time ends on Sunday 2027-11-07.
    await generateSlots(org, clinic.id, '2027-11-06', '2027-11-07');
    const slots = await SlotModel.find({ clinicId: clinic.id, date: { $in: ['2027-11-06', '2027-11-07'] } })
      .sort({ startsAt: 1 })
      .lean();
    expect(slots.map((slot) => [slot.date, slot.startsAt.toISOString()])).toEqual([
      ['2027-11-06', '2027-11-06T13:00:00.000Z'],
      ['2027-11-07', '2027-11-07T14:00:00.000Z'],
    ]);
  });
});
