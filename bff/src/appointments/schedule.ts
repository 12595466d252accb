/**
 * Schedules: weekly templates and date exceptions become slots. Times are stored in UTC and computed in the
 * clinic's time zone (Luxon handles DST: a local time that does not exist on a spring-forward day moves on,
 * a repeated one takes its first occurrence). Generation is idempotent: slots are upserted by doctor and start.
 */
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { ignoringDuplicateKeys } from '../db/retry';
import { getClinicDetails } from '../organisations/service';
import { AppError, notFound } from '../http/errors';
import { getActiveStaff } from '../staff/service';
import { ScheduleExceptionModel, ScheduleTemplateModel, ServiceModel, SlotModel } from './model';

/** How many days ahead slots exist (the booking horizon). */
export const SLOT_HORIZON_DAYS = 60;

/** The UTC instant of a clinic-local date and HH:mm. */
export function localToUtc(date: string, time: string, timeZone: string): Date {
  return DateTime.fromISO(`${date}T${time}`, { zone: timeZone }).toUTC().toJSDate();
}

/** A UTC instant as the clinic sees it. */
export function utcToLocal(instant: Date, timeZone: string) {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  return {
    date: local.toISODate()!,
    time: local.toFormat('HH:mm'),
    weekday: local.weekday,
    offset: local.toFormat('ZZ'),
  };
}

function eachDate(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let day = DateTime.fromISO(from); day <= DateTime.fromISO(to); day = day.plus({ days: 1 })) {
    dates.push(day.toISODate()!);
  }
  return dates;
}

/** Creates the slots of a clinic's templates for the dates from..to (clinic-local, inclusive). */
export async function generateSlots(
  organisationId: string,
  clinicId: string,
  from: string,
  to: string,
): Promise<number> {
  const clinic = await getClinicDetails(organisationId, clinicId);
  const [templates, exceptions] = await Promise.all([
    ScheduleTemplateModel.find({ organisationId, clinicId, active: true }).lean(),
    ScheduleExceptionModel.find({ organisationId, clinicId, date: { $gte: from, $lte: to } }).lean(),
  ]);
  const closed = new Set(exceptions.map((exception) => `${exception.date}:${exception.doctorStaffId ?? '*'}`));
  const writes = [];
  for (const date of eachDate(from, to)) {
    const weekday = DateTime.fromISO(date).weekday;
    for (const template of templates) {
      if (template.weekday !== weekday) continue;
      if ((template.validFrom && date < template.validFrom) || (template.validTo && date > template.validTo)) continue;
      if (closed.has(`${date}:*`) || closed.has(`${date}:${template.doctorStaffId}`)) continue;
      const end = localToUtc(date, template.endTime, clinic.timeZone).getTime();
      const step = template.slotMinutes * 60_000;
      for (
        let start = localToUtc(date, template.startTime, clinic.timeZone).getTime();
        start + step <= end;
        start += step
      ) {
        writes.push({
          updateOne: {
            filter: {
              organisationId: new Types.ObjectId(organisationId),
              doctorStaffId: template.doctorStaffId,
              startsAt: new Date(start),
            },
            update: {
              $setOnInsert: {
                clinicId: template.clinicId,
                templateId: template._id,
                serviceIds: template.serviceIds,
                date,
                endsAt: new Date(start + step),
                capacity: template.capacity,
                holders: [],
                closed: false,
              },
            },
            upsert: true,
          },
        });
      }
    }
  }
  if (writes.length) await ignoringDuplicateKeys(SlotModel.bulkWrite(writes, { ordered: false }));
  return writes.length;
}

/** Closes a clinic (or one doctor) on a date: its slots stop being bookable; booked ones stay for staff to move. */
export async function addScheduleException(
  organisationId: string,
  input: { clinicId: string; doctorStaffId: string | null; date: string; reason: string },
) {
  const clinic = await getClinicDetails(organisationId, input.clinicId);
  if (input.date < DateTime.now().setZone(clinic.timeZone).toISODate()!) {
    throw new AppError('VALIDATION_FAILED', 'A closure must be today or later');
  }
  if (input.doctorStaffId) await getActiveStaff(organisationId, input.doctorStaffId);
  const existing = await ScheduleExceptionModel.findOne({
    organisationId,
    clinicId: input.clinicId,
    doctorStaffId: input.doctorStaffId,
    date: input.date,
  }).lean();
  const doc = existing ?? (await ScheduleExceptionModel.create({ organisationId, ...input }));
  await SlotModel.updateMany(
    {
      organisationId,
      clinicId: input.clinicId,
      date: input.date,
      ...(input.doctorStaffId && { doctorStaffId: input.doctorStaffId }),
    },
    { $set: { closed: true } },
  );
  return { id: String(doc._id), ...input };
}

export async function createScheduleTemplate(
  organisationId: string,
  input: {
    clinicId: string;
    doctorStaffId: string;
    serviceIds: string[];
    weekday: number;
    startTime: string;
    endTime: string;
    slotMinutes: number;
    capacity: number;
    validFrom?: string | null;
    validTo?: string | null;
  },
) {
  const clinic = await getClinicDetails(organisationId, input.clinicId);
  await getActiveStaff(organisationId, input.doctorStaffId);
  const services = await ServiceModel.countDocuments({ organisationId, _id: { $in: input.serviceIds }, active: true });
  if (services !== new Set(input.serviceIds).size) throw notFound('Service');
  const overlapping = await ScheduleTemplateModel.exists({
    organisationId,
    doctorStaffId: input.doctorStaffId,
    weekday: input.weekday,
    active: true,
    startTime: { $lt: input.endTime },
    endTime: { $gt: input.startTime },
  });
  if (overlapping) {
    throw new AppError('VALIDATION_FAILED', 'The doctor already has an opening at that time on that weekday');
  }
  const doc = await ScheduleTemplateModel.create({ organisationId, ...input });
  // Days whose slots already exist get the new opening too (generation is idempotent).
  const today = DateTime.now().setZone(clinic.timeZone);
  await generateSlots(
    organisationId,
    input.clinicId,
    today.toISODate()!,
    today.plus({ days: SLOT_HORIZON_DAYS }).toISODate()!,
  );
  return { id: String(doc._id), ...input, validFrom: input.validFrom ?? null, validTo: input.validTo ?? null };
}

export async function listScheduleTemplates(organisationId: string, clinicId: string) {
  const docs = await ScheduleTemplateModel.find({ organisationId, clinicId, active: true })
    .sort({ weekday: 1, startTime: 1 })
    .lean();
  return docs.map((doc) => ({
    id: String(doc._id),
    clinicId: String(doc.clinicId),
    doctorStaffId: String(doc.doctorStaffId),
    serviceIds: doc.serviceIds.map(String),
    weekday: doc.weekday,
    startTime: doc.startTime,
    endTime: doc.endTime,
    slotMinutes: doc.slotMinutes,
    capacity: doc.capacity,
    validFrom: doc.validFrom ?? null,
    validTo: doc.validTo ?? null,
  }));
}
