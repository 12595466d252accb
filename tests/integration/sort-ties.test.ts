/**
 * Lists whose sort key often ties (two doctors open at the same time, two bookings of the same time) answer the tied
 * rows in one order, by id, whatever order the database happens to hold them in. Real MongoDB gives no order among
 * equal sort keys; these tests store tied rows so that no other order matches their ids, to show that the id decides.
 */
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic } from '../../bff/src/organisations/service';
import { createService } from '../../bff/src/appointments/catalog';
import { createScheduleTemplate } from '../../bff/src/appointments/schedule';
import { AppointmentModel, SlotModel } from '../../bff/src/appointments/model';
import { publishMeeting, signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let manager: { accessToken: string; staff: { id: string; organisation: { id: string } } };
let org: string;
let clinicId: string;
let serviceId: string;

beforeAll(async () => {
  bff = await startTestBff('sort_ties');
  manager = await signInStaff(bff, 'lina');
  org = manager.staff.organisation.id;
  clinicId = (await createClinic(org, { name: '并列诊所', address: '' })).id;
  serviceId = (
    await createService(org, {
      name: '并列洗牙',
      durationMinutes: 30,
      depositFen: 0,
      fullRefundHoursBefore: 24,
      lateRefundPercent: 0,
      clinicIds: [clinicId],
    })
  ).id;
  // Two doctors with the same single opening, 09:00–09:30, every day (staff without openings in the demo seed).
  for (const userid of ['liuyang', 'zhangwei']) {
    const doctorStaffId = (await signInStaff(bff, userid)).staff.id;
    for (let weekday = 1; weekday <= 7; weekday += 1) {
      await createScheduleTemplate(org, {
        clinicId,
        doctorStaffId,
        serviceIds: [serviceId],
        weekday,
        startTime: '09:00',
        endTime: '09:30',
        slotMinutes: 30,
        capacity: 1,
      });
    }
  }
});
afterAll(() => bff?.close());

let dayOffset = 1;
/** A clinic-local date of its own for each test, a few days ahead. */
const nextDate = () =>
  DateTime.now()
    .setZone('Asia/Shanghai')
    .plus({ days: (dayOffset += 1) })
    .toISODate()!;

const byId = (ids: string[]) => [...ids].sort();

/**
 * Gives two tied appointments each other's ids, so that the order the database holds them in no longer follows
 * their ids.
 */
async function swapIds(model: typeof AppointmentModel, ids: string[]) {
  const [low, high] = await model
    .find({ _id: { $in: ids } })
    .sort({ _id: 1 })
    .lean();
  expect([low, high].every(Boolean)).toBe(true);
  await model.deleteMany({ _id: { $in: ids } });
  await model.collection.insertMany([
    { ...low!, _id: high!._id },
    { ...high!, _id: low!._id },
  ] as never[]);
}

async function freeSlotIds(token: string, date: string) {
  const answer = await bff.call('GET', `/api/mp/clinics/${clinicId}/slots?date=${date}&serviceId=${serviceId}`, {
    token,
  });
  expect(answer.status).toBe(200);
  return answer.body.items.map((slot: { id: string }) => slot.id) as string[];
}

/** Two patients, each booking one of the two doctors' 09:00 slots on `date`; answers the appointment ids. */
async function twoBookingsAtNine(date: string) {
  const patients = [await signInNewPatient(bff), await signInNewPatient(bff)];
  const slots = await freeSlotIds(patients[0]!.accessToken, date);
  expect(slots).toHaveLength(2);
  const ids: string[] = [];
  for (const [index, patient] of patients.entries()) {
    const booked = await bff.call('POST', '/api/mp/appointments', {
      token: patient.accessToken,
      body: { slotId: slots[index], serviceId },
    });
    expect(booked.status).toBe(201);
    ids.push(booked.body.id);
  }
  return { patients, ids };
}

describe('rows with equal sort keys', () => {
  it('lists the free slots of two doctors at the same time by slot id', async () => {
    const patient = await signInNewPatient(bff);
    const date = nextDate();
    expect(await freeSlotIds(patient.accessToken, date)).toHaveLength(2);
    // The same two openings at a clinic of their own, stored with the higher id first (generated slots are stored in
    // id order).
    const otherClinic = (await createClinic(org, { name: '并列分店', address: '' })).id;
    const generated = await SlotModel.find({ clinicId, date }).lean();
    const ids = [new Types.ObjectId(), new Types.ObjectId()].reverse();
    await SlotModel.collection.insertMany(
      generated.map((slot, index) => ({
        ...slot,
        _id: ids[index]!,
        clinicId: new Types.ObjectId(otherClinic),
        doctorStaffId: new Types.ObjectId(),
      })),
    );
    const answer = await bff.call('GET', `/api/mp/clinics/${otherClinic}/slots?date=${date}&serviceId=${serviceId}`, {
      token: patient.accessToken,
    });
    expect(answer.body.items.map((slot: { id: string }) => slot.id)).toEqual(byId(ids.map(String)));
  });

  it('orders the day schedule’s doctors and appointments at the same time by appointment id', async () => {
    const date = nextDate();
    const { ids } = await twoBookingsAtNine(date);
    await swapIds(AppointmentModel, ids);
    const schedule = await bff.call('GET', `/api/staff/schedule?clinicId=${clinicId}&date=${date}`, {
      token: manager.accessToken,
    });
    expect(schedule.status).toBe(200);
    const listed = schedule.body.doctors.flatMap((doctor: { appointments: { id: string }[] }) =>
      doctor.appointments.map((appointment) => appointment.id),
    );
    expect(listed).toEqual(byId(ids));
  });

  it('lists a patient’s two appointments at the same time by id, in the mini-program and for staff', async () => {
    const patient = await signInNewPatient(bff);
    const date = nextDate();
    const ids: string[] = [];
    // The patient cancels a 09:00 booking and books the other doctor's 09:00: both stay in their list.
    for (const slotId of await freeSlotIds(patient.accessToken, date)) {
      const booked = await bff.call('POST', '/api/mp/appointments', {
        token: patient.accessToken,
        body: { slotId, serviceId },
      });
      expect(booked.status).toBe(201);
      ids.push(booked.body.id);
      if (ids.length === 1) {
        const cancelled = await bff.call('POST', `/api/mp/appointments/${booked.body.id}/cancel`, {
          token: patient.accessToken,
        });
        expect(cancelled.status).toBe(200);
      }
    }
    expect(ids).toHaveLength(2); // stored in id order: the list, upcoming first, must not simply reverse that
    const mine = await bff.call('GET', '/api/mp/appointments', { token: patient.accessToken });
    expect(mine.body.items.map((item: { id: string }) => item.id)).toEqual(byId(ids));
    const staffView = await bff.call('GET', `/api/staff/customers/${patient.customer.id}/appointments`, {
      token: manager.accessToken,
    });
    expect(staffView.body.items.map((item: { id: string }) => item.id)).toEqual(byId(ids));
  });

  it('lists a patient’s two meetings at the same time by id', async () => {
    const rep = await signInStaff(bff, 'zhangwei');
    const startsAt = new Date(Date.now() + 2 * 86_400_000);
    startsAt.setUTCSeconds(0, 0);
    const body = (title: string) => ({
      title,
      audience: 'public',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 2 * 3_600_000).toISOString(),
      venue: { name: '三楼会议室', address: '上海市静安区南京西路 1266 号' },
      capacity: 10,
    });
    const patient = await signInNewPatient(bff);
    const ids: string[] = [];
    for (const title of ['种植沙龙', '正畸沙龙']) {
      const { id } = (await publishMeeting(bff, rep, manager, body(title))) as { id: string };
      const signedUp = await bff.call('POST', `/api/mp/meetings/${id}/sign-up`, { token: patient.accessToken });
      expect(signedUp.status).toBe(200);
      ids.push(id);
    }
    // Stored in id order: the list, upcoming first, must not simply reverse that.
    const mine = await bff.call('GET', '/api/mp/meetings/mine', { token: patient.accessToken });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((item: { id: string }) => item.id)).toEqual(byId(ids));
  });
});
