import { z } from 'zod';
import { ObjectId } from './common';

const LocalDate = z.iso.date();
const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm');

export const Clinic = z
  .object({ id: ObjectId, name: z.string(), address: z.string(), timeZone: z.string() })
  .meta({ id: 'Clinic' });
export const ClinicList = z.object({ items: z.array(Clinic) });

export const BookableService = z
  .object({
    id: ObjectId,
    name: z.string(),
    description: z.string(),
    durationMinutes: z.number().int(),
    /** Deposit in fen (1/100 yuan); 0 when none is needed. */
    depositFen: z.number().int(),
    fullRefundHoursBefore: z.number(),
    lateRefundPercent: z.number(),
  })
  .meta({ id: 'BookableService' });
export const ServiceList = z.object({ items: z.array(BookableService) });

/** A time as the clinic sees it (its own zone), so no client has to convert. */
export const LocalTimeOfDay = z.object({
  date: LocalDate,
  time: LocalTime,
  weekday: z.number().int(),
  offset: z.string(),
});

export const FreeSlot = z
  .object({
    id: ObjectId,
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    local: LocalTimeOfDay,
    doctor: z.object({ id: ObjectId, name: z.string() }),
    remaining: z.number().int(),
  })
  .meta({ id: 'FreeSlot' });
export const SlotList = z.object({ items: z.array(FreeSlot) });
export const SlotQuery = z.strictObject({ date: LocalDate, serviceId: ObjectId });
export const ClinicParams = z.strictObject({ clinicId: ObjectId });

export const AppointmentStatus = z.enum([
  'reserving',
  'held',
  'confirmed',
  'arrived',
  'no_show',
  'cancelled',
  'expired',
  'failed',
]);

export const Appointment = z
  .object({
    id: ObjectId,
    customerId: ObjectId,
    status: AppointmentStatus,
    clinic: z.object({ id: ObjectId, name: z.string(), timeZone: z.string() }),
    service: z.object({ id: ObjectId, name: z.string() }),
    doctorStaffId: ObjectId,
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    local: LocalTimeOfDay,
    note: z.string(),
    depositFen: z.number().int(),
    /** The deposit's payment order, paid through POST /api/mp/payments/:id/jsapi. */
    paymentId: ObjectId.nullable(),
    holdExpiresAt: z.iso.datetime().nullable(),
    refundFen: z.number().int().nullable(),
    /** Shown as a QR code at the clinic; front desk scans it to mark arrival. */
    checkInCode: z.string(),
  })
  .meta({ id: 'Appointment' });
export type Appointment = z.infer<typeof Appointment>;
export const AppointmentList = z.object({ items: z.array(Appointment) });

export const BookAppointmentRequest = z.strictObject({
  slotId: ObjectId,
  serviceId: ObjectId,
  note: z.string().trim().max(200).default(''),
});
export const RescheduleRequest = z.strictObject({ slotId: ObjectId });
export const CancellationQuote = z.object({ refundFen: z.number().int() });
export const CancellationResult = z.object({ appointment: Appointment, refundFen: z.number().int() });
export const CheckInRequest = z.strictObject({ code: z.string().min(8).max(64) });

export const DaySchedule = z.object({
  clinic: Clinic,
  date: LocalDate,
  doctors: z.array(
    z.object({
      id: ObjectId,
      name: z.string(),
      appointments: z.array(Appointment.extend({ customerName: z.string().nullable() })),
    }),
  ),
});
export const DayScheduleQuery = z.strictObject({ clinicId: ObjectId, date: LocalDate });

export const CreateServiceRequest = z.strictObject({
  name: z.string().trim().min(1).max(40),
  description: z.string().trim().max(500).default(''),
  durationMinutes: z.number().int().min(5).max(480),
  depositFen: z.number().int().min(0).max(10_000_000).default(0),
  fullRefundHoursBefore: z.number().min(0).max(720).default(24),
  lateRefundPercent: z.number().int().min(0).max(100).default(0),
  clinicIds: z.array(ObjectId).max(50).default([]),
});

export const ScheduleTemplate = z.object({
  id: ObjectId,
  clinicId: ObjectId,
  doctorStaffId: ObjectId,
  serviceIds: z.array(ObjectId),
  weekday: z.number().int().min(1).max(7),
  startTime: LocalTime,
  endTime: LocalTime,
  slotMinutes: z.number().int(),
  capacity: z.number().int(),
  validFrom: LocalDate.nullable(),
  validTo: LocalDate.nullable(),
});
export const CreateScheduleTemplateRequest = z
  .strictObject({
    clinicId: ObjectId,
    doctorStaffId: ObjectId,
    serviceIds: z.array(ObjectId).min(1).max(50),
    weekday: z.number().int().min(1).max(7),
    startTime: LocalTime,
    endTime: LocalTime,
    slotMinutes: z.number().int().min(5).max(480),
    capacity: z.number().int().min(1).max(100),
    validFrom: LocalDate.nullable().default(null),
    validTo: LocalDate.nullable().default(null),
  })
  .refine((t) => t.startTime < t.endTime, { message: 'startTime must be before endTime', path: ['endTime'] });
export const ScheduleTemplateList = z.object({ items: z.array(ScheduleTemplate) });
export const ClinicQuery = z.strictObject({ clinicId: ObjectId });
export const CreateScheduleExceptionRequest = z.strictObject({
  clinicId: ObjectId,
  doctorStaffId: ObjectId.nullable().default(null),
  date: LocalDate,
  reason: z.string().trim().max(100).default(''),
});
export const ScheduleException = z.object({
  id: ObjectId,
  clinicId: ObjectId,
  doctorStaffId: ObjectId.nullable(),
  date: LocalDate,
  reason: z.string(),
});
