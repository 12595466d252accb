import mongoose, { Schema } from 'mongoose';

const departmentSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    clinicId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
  },
  { timestamps: true },
);
departmentSchema.index({ organisationId: 1, clinicId: 1, name: 1 }, { unique: true });

/** What a patient books: its length, the deposit it needs (0: none) and how much of it a cancellation returns. */
const serviceSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    durationMinutes: { type: Number, required: true },
    depositFen: { type: Number, default: 0 },
    /** Cancelling at least this many hours ahead refunds the whole deposit; later, `lateRefundPercent` of it. */
    fullRefundHoursBefore: { type: Number, default: 24 },
    lateRefundPercent: { type: Number, default: 0 },
    clinicIds: { type: [Schema.Types.ObjectId], default: [] },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);
serviceSchema.index({ organisationId: 1, name: 1 }, { unique: true });

/** A doctor's weekly opening: on a weekday, from start to end (clinic-local time), slots of a length and capacity. */
const scheduleTemplateSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    clinicId: { type: Schema.Types.ObjectId, required: true },
    departmentId: { type: Schema.Types.ObjectId, default: null },
    doctorStaffId: { type: Schema.Types.ObjectId, required: true },
    serviceIds: { type: [Schema.Types.ObjectId], required: true },
    weekday: { type: Number, min: 1, max: 7, required: true }, // ISO: 1 Monday … 7 Sunday
    startTime: { type: String, required: true }, // HH:mm, clinic-local
    endTime: { type: String, required: true },
    slotMinutes: { type: Number, required: true },
    capacity: { type: Number, required: true, min: 1 },
    validFrom: { type: String, default: null }, // YYYY-MM-DD
    validTo: { type: String, default: null },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);
scheduleTemplateSchema.index({ organisationId: 1, clinicId: 1, weekday: 1 });

/** A date a clinic (or one doctor) does not open: leave, holidays. */
const scheduleExceptionSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    clinicId: { type: Schema.Types.ObjectId, required: true },
    doctorStaffId: { type: Schema.Types.ObjectId, default: null }, // null: the whole clinic
    date: { type: String, required: true }, // YYYY-MM-DD, clinic-local
    reason: { type: String, default: '' },
  },
  { timestamps: true },
);
scheduleExceptionSchema.index({ organisationId: 1, clinicId: 1, date: 1 });

/**
 * A bookable time with a capacity. `holders` lists the appointments holding a place: a booking adds itself only
 * while the array is shorter than the capacity (one conditional update), so a slot is never overbooked, and
 * every place can be traced to the appointment holding it.
 */
const slotSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    clinicId: { type: Schema.Types.ObjectId, required: true },
    doctorStaffId: { type: Schema.Types.ObjectId, required: true },
    templateId: { type: Schema.Types.ObjectId, default: null },
    serviceIds: { type: [Schema.Types.ObjectId], required: true },
    date: { type: String, required: true }, // clinic-local YYYY-MM-DD
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    capacity: { type: Number, required: true },
    holders: { type: [Schema.Types.ObjectId], default: [] },
    closed: { type: Boolean, default: false },
  },
  { timestamps: true },
);
slotSchema.index({ organisationId: 1, doctorStaffId: 1, startsAt: 1 }, { unique: true });
slotSchema.index({ organisationId: 1, clinicId: 1, date: 1, startsAt: 1 });

const appointmentSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    clinicId: { type: Schema.Types.ObjectId, required: true },
    doctorStaffId: { type: Schema.Types.ObjectId, required: true },
    serviceId: { type: Schema.Types.ObjectId, required: true },
    slotId: { type: Schema.Types.ObjectId, required: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    note: { type: String, default: '' },
    /** reserving → held (deposit due) | confirmed → arrived | no_show | cancelled; held → expired. */
    status: {
      type: String,
      enum: ['reserving', 'held', 'confirmed', 'arrived', 'no_show', 'cancelled', 'expired', 'failed'],
      required: true,
    },
    holdExpiresAt: { type: Date, default: null },
    depositFen: { type: Number, default: 0 },
    paymentId: { type: Schema.Types.ObjectId, default: null },
    refundFen: { type: Number, default: null },
    /** An opaque code shown as a QR at the clinic; front desk scans it to mark arrival. */
    checkInCode: { type: String, required: true, unique: true },
    history: {
      type: [{ status: String, at: Date, by: { type: String, default: null }, _id: false }],
      default: [],
    },
  },
  { timestamps: true },
);
appointmentSchema.index({ organisationId: 1, customerId: 1, startsAt: -1 });
appointmentSchema.index({ organisationId: 1, clinicId: 1, startsAt: 1 });
appointmentSchema.index({ status: 1, holdExpiresAt: 1 });
appointmentSchema.index({ status: 1, endsAt: 1 });

/**
 * Each customer's active appointment times, in one document: a booking adds its interval only if it overlaps
 * none (one conditional update), so one customer never holds two overlapping appointments, even concurrently.
 */
const customerBookingsSchema = new Schema({
  organisationId: { type: Schema.Types.ObjectId, required: true },
  customerId: { type: Schema.Types.ObjectId, required: true },
  intervals: {
    type: [{ appointmentId: Schema.Types.ObjectId, startsAt: Date, endsAt: Date, _id: false }],
    default: [],
  },
});
customerBookingsSchema.index({ organisationId: 1, customerId: 1 }, { unique: true });

/** One reminder per appointment: inserting it (unique) is the claim that makes sending happen once. */
const appointmentReminderSchema = new Schema(
  {
    appointmentId: { type: Schema.Types.ObjectId, required: true, unique: true },
    organisationId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: ['sending', 'sent', 'no_credit', 'no_openid', 'failed'], required: true },
    errcode: { type: Number, default: null },
    errmsg: { type: String, default: null },
  },
  { timestamps: true },
);

export const AppointmentReminderModel = mongoose.model(
  'AppointmentReminder',
  appointmentReminderSchema,
  'appointment_reminders',
);
export const DepartmentModel = mongoose.model('Department', departmentSchema, 'departments');
export const ServiceModel = mongoose.model('Service', serviceSchema, 'services');
export const ScheduleTemplateModel = mongoose.model('ScheduleTemplate', scheduleTemplateSchema, 'schedule_templates');
export const ScheduleExceptionModel = mongoose.model(
  'ScheduleException',
  scheduleExceptionSchema,
  'schedule_exceptions',
);
export const SlotModel = mongoose.model('Slot', slotSchema, 'slots');
export const AppointmentModel = mongoose.model('Appointment', appointmentSchema, 'appointments');
export const CustomerBookingsModel = mongoose.model('CustomerBookings', customerBookingsSchema, 'customer_bookings');
