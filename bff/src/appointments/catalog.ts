/** What a patient can book: clinics, the services they offer, and free slots on a date. */
import { DateTime } from 'luxon';
import { AppError, notFound } from '../http/errors';
import { getClinicDetails } from '../organisations/service';
import { staffNamesById } from '../staff/service';
import { ServiceModel, SlotModel } from './model';
import { generateSlots, SLOT_HORIZON_DAYS, utcToLocal } from './schedule';

export async function listServices(organisationId: string, clinicId?: string) {
  const docs = await ServiceModel.find({
    organisationId,
    active: true,
    ...(clinicId && { $or: [{ clinicIds: clinicId }, { clinicIds: { $size: 0 } }] }),
  })
    .sort({ name: 1 })
    .lean();
  return docs.map((doc) => ({
    id: String(doc._id),
    name: doc.name,
    description: doc.description ?? '',
    durationMinutes: doc.durationMinutes,
    depositFen: doc.depositFen ?? 0,
    fullRefundHoursBefore: doc.fullRefundHoursBefore ?? 24,
    lateRefundPercent: doc.lateRefundPercent ?? 0,
  }));
}

export async function createService(
  organisationId: string,
  input: {
    name: string;
    description?: string;
    durationMinutes: number;
    depositFen: number;
    fullRefundHoursBefore: number;
    lateRefundPercent: number;
    clinicIds: string[];
  },
) {
  const doc = await ServiceModel.create({ organisationId, ...input });
  return {
    id: String(doc._id),
    name: doc.name,
    description: doc.description ?? '',
    durationMinutes: doc.durationMinutes,
    depositFen: doc.depositFen ?? 0,
    fullRefundHoursBefore: doc.fullRefundHoursBefore ?? 24,
    lateRefundPercent: doc.lateRefundPercent ?? 0,
  };
}

/** Free slots for a service at a clinic on a clinic-local date; slots are generated on first look. */
export async function listFreeSlots(organisationId: string, clinicId: string, date: string, serviceId: string) {
  const clinic = await getClinicDetails(organisationId, clinicId);
  const today = DateTime.now().setZone(clinic.timeZone).toISODate()!;
  const last = DateTime.now().setZone(clinic.timeZone).plus({ days: SLOT_HORIZON_DAYS }).toISODate()!;
  if (date < today || date > last) throw new AppError('VALIDATION_FAILED', `Choose a date from ${today} to ${last}`);
  if (!(await ServiceModel.exists({ _id: serviceId, organisationId, active: true }))) throw notFound('Service');
  let slots = await SlotModel.find({ organisationId, clinicId, date }).sort({ startsAt: 1, _id: 1 }).lean();
  if (slots.length === 0) {
    await generateSlots(organisationId, clinicId, date, date);
    slots = await SlotModel.find({ organisationId, clinicId, date }).sort({ startsAt: 1, _id: 1 }).lean();
  }
  const now = Date.now();
  const free = slots.filter(
    (slot) =>
      !slot.closed &&
      slot.startsAt.getTime() > now &&
      slot.holders.length < slot.capacity &&
      slot.serviceIds.some((id) => String(id) === serviceId),
  );
  const doctors = await staffNamesById(organisationId, [...new Set(free.map((slot) => String(slot.doctorStaffId)))]);
  return free.map((slot) => ({
    id: String(slot._id),
    startsAt: slot.startsAt.toISOString(),
    endsAt: slot.endsAt.toISOString(),
    local: utcToLocal(slot.startsAt, clinic.timeZone),
    doctor: { id: String(slot.doctorStaffId), name: doctors.get(String(slot.doctorStaffId)) ?? '' },
    remaining: slot.capacity - slot.holders.length,
  }));
}
