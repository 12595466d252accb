/** Read models of appointments for the mini-program, the sidebar and the workbench. */
import { getClinicDetails } from '../organisations/service';
import { staffNamesById } from '../staff/service';
import { customerNames } from '../identity/service';
import { AppointmentModel } from './model';
import { describeAppointments } from './booking';
import { localToUtc } from './schedule';

const VISIBLE = ['held', 'confirmed', 'arrived', 'no_show', 'cancelled', 'expired'] as const;

/** A customer's appointments: upcoming ones first (soonest first), then past ones (latest first). */
export async function customerAppointments(organisationId: string, customerId: string) {
  const docs = await AppointmentModel.find({ organisationId, customerId, status: { $in: [...VISIBLE] } })
    .sort({ startsAt: -1, _id: -1 })
    .limit(100)
    .lean();
  const now = Date.now();
  const upcoming = docs.filter((doc) => doc.startsAt.getTime() >= now).reverse();
  const past = docs.filter((doc) => doc.startsAt.getTime() < now);
  return describeAppointments([...upcoming, ...past]);
}

export async function daySchedule(organisationId: string, clinicId: string, date: string) {
  const clinic = await getClinicDetails(organisationId, clinicId);
  const from = localToUtc(date, '00:00', clinic.timeZone);
  const to = new Date(from.getTime() + 36 * 3_600_000);
  const docs = await AppointmentModel.find({
    organisationId,
    clinicId,
    startsAt: { $gte: from, $lt: to },
    status: { $in: [...VISIBLE] },
  })
    .sort({ startsAt: 1, _id: 1 })
    .lean();
  const sameDay = (await describeAppointments(docs)).filter((appointment) => appointment.local.date === date);
  const doctorIds = [...new Set(sameDay.map((a) => a.doctorStaffId))];
  const [doctorNames, names] = await Promise.all([
    staffNamesById(organisationId, doctorIds),
    customerNames(organisationId, [...new Set(sameDay.map((a) => a.customerId))]),
  ]);
  return {
    clinic,
    date,
    doctors: doctorIds.map((id) => ({
      id,
      name: doctorNames.get(id) ?? '',
      appointments: sameDay
        .filter((a) => a.doctorStaffId === id)
        .map((a) => ({ ...a, customerName: names.get(a.customerId) ?? null })),
    })),
  };
}
