/**
 * Booking, rescheduling, cancelling, arrival and no-show. Without transactions each step is one conditional
 * single-document update, in an order that keeps the invariants however requests interleave:
 *   - a slot's place is taken by adding the appointment to `holders` only while fewer than `capacity` hold one;
 *   - a customer's interval is added to their bookings document only if it overlaps none of theirs;
 *   - status changes are conditional on the current status, so each transition happens once.
 * A crash between steps leaves an appointment `reserving`; `repairStaleReservations` releases what it held.
 */
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { AppError, notFound } from '../http/errors';
import { isDuplicateKey, upsertWithRetry } from '../db/retry';
import { registerMergeStep } from '../identity/mergeSteps';
import { registerPrivacyContributor } from '../privacy/contributors';
import { recordEvent } from '../events/service';
import { getClinicDetails } from '../organisations/service';
import { AppointmentModel, CustomerBookingsModel, ServiceModel, SlotModel } from './model';
import { utcToLocal } from './schedule';

export const HOLD_MINUTES = 15;
/** An appointment not arrived this long after its end is a no-show. */
export const NO_SHOW_GRACE_MINUTES = 30;

type AppointmentDoc = NonNullable<Awaited<ReturnType<typeof loadAppointment>>>;
type AppointmentStatus = AppointmentDoc['status'];
/** What identifies whose interval an appointment holds. */
type IntervalOwner = { _id: Types.ObjectId; organisationId: Types.ObjectId; customerId: Types.ObjectId };

async function loadAppointment(organisationId: string, appointmentId: string) {
  return AppointmentModel.findOne({ _id: appointmentId, organisationId }).lean();
}

async function appointmentEvent(doc: AppointmentDoc, type: string, by: string | null, suffix = '') {
  await recordEvent({
    organisationId: String(doc.organisationId),
    customerId: String(doc.customerId),
    type,
    properties: { appointmentId: String(doc._id) },
    source: 'server',
    sourceEventId: `${type}:${String(doc._id)}${suffix}`,
    actor: by,
  });
}

/** Moves an appointment from one of `from` to `to`, once; answers the updated appointment or null if it was not in `from`. */
async function transition(
  organisationId: string,
  appointmentId: string,
  from: AppointmentStatus[],
  to: AppointmentStatus,
  by: string | null,
  extra: Record<string, unknown> = {},
) {
  return AppointmentModel.findOneAndUpdate(
    { _id: appointmentId, organisationId, status: { $in: from } },
    { $set: { status: to, ...extra }, $push: { history: { status: to, at: new Date(), by } } },
    { returnDocument: 'after' },
  ).lean();
}

async function claimInterval(doc: IntervalOwner, startsAt: Date, endsAt: Date) {
  try {
    const result = await CustomerBookingsModel.updateOne(
      {
        organisationId: doc.organisationId,
        customerId: doc.customerId,
        intervals: {
          $not: {
            $elemMatch: { appointmentId: { $ne: doc._id }, startsAt: { $lt: endsAt }, endsAt: { $gt: startsAt } },
          },
        },
      },
      { $pull: { intervals: { appointmentId: doc._id } } },
      { upsert: true },
    );
    if (result.matchedCount + result.upsertedCount === 0) return false;
  } catch (error) {
    if (isDuplicateKey(error)) return false; // the document exists and an interval overlaps
    throw error;
  }
  // The pull and the push cannot share one update; the push repeats the overlap condition, so a concurrent
  // booking that got in between still cannot overlap.
  const pushed = await CustomerBookingsModel.updateOne(
    {
      organisationId: doc.organisationId,
      customerId: doc.customerId,
      intervals: { $not: { $elemMatch: { startsAt: { $lt: endsAt }, endsAt: { $gt: startsAt } } } },
    },
    { $push: { intervals: { appointmentId: doc._id, startsAt, endsAt } } },
  );
  return pushed.modifiedCount === 1;
}

async function releaseInterval(doc: IntervalOwner) {
  await CustomerBookingsModel.updateOne(
    { organisationId: doc.organisationId, customerId: doc.customerId },
    { $pull: { intervals: { appointmentId: doc._id } } },
  );
}

/** Takes one place in a slot for the appointment, if one is left (idempotent). */
async function takePlace(slot: { _id: Types.ObjectId; capacity: number }, appointmentId: Types.ObjectId) {
  const result = await SlotModel.updateOne(
    {
      _id: slot._id,
      closed: false,
      holders: { $ne: appointmentId },
      [`holders.${slot.capacity - 1}`]: { $exists: false },
    },
    { $push: { holders: appointmentId } },
  );
  if (result.modifiedCount === 1) return true;
  return Boolean(await SlotModel.exists({ _id: slot._id, holders: appointmentId }));
}

async function releasePlace(slotId: Types.ObjectId, appointmentId: Types.ObjectId) {
  await SlotModel.updateOne({ _id: slotId }, { $pull: { holders: appointmentId } });
}

async function bookableSlot(organisationId: string, slotId: string, serviceId: string) {
  const [slot, service] = await Promise.all([
    SlotModel.findOne({ _id: slotId, organisationId }).lean(),
    ServiceModel.findOne({ _id: serviceId, organisationId, active: true }).lean(),
  ]);
  if (!slot) throw notFound('Slot');
  if (!service) throw notFound('Service');
  if (!slot.serviceIds.some((id) => String(id) === serviceId)) {
    throw new AppError('VALIDATION_FAILED', 'This slot does not offer that service');
  }
  if (slot.closed || slot.startsAt.getTime() <= Date.now())
    throw new AppError('SLOT_UNAVAILABLE', 'This slot can no longer be booked');
  return { slot, service };
}

export interface BookingHooks {
  /** Creates the deposit's payment order; answers its id. */
  createDeposit(input: {
    appointmentId: string;
    amountFen: number;
    description: string;
    expiresAt: Date;
  }): Promise<string>;
}

export async function bookAppointment(
  hooks: BookingHooks,
  input: { organisationId: string; customerId: string; slotId: string; serviceId: string; note: string },
) {
  const { slot, service } = await bookableSlot(input.organisationId, input.slotId, input.serviceId);
  const startsAt = slot.startsAt;
  const endsAt = new Date(startsAt.getTime() + service.durationMinutes * 60_000);
  const appointment = await AppointmentModel.create({
    organisationId: input.organisationId,
    customerId: input.customerId,
    clinicId: slot.clinicId,
    doctorStaffId: slot.doctorStaffId,
    serviceId: service._id,
    slotId: slot._id,
    startsAt,
    endsAt,
    note: input.note,
    status: 'reserving',
    depositFen: service.depositFen,
    checkInCode: randomBytes(12).toString('base64url'),
    history: [{ status: 'reserving', at: new Date(), by: null }],
  });
  if (!(await claimInterval(appointment, startsAt, endsAt))) {
    await transition(input.organisationId, String(appointment._id), ['reserving'], 'failed', null);
    throw new AppError('OVERLAPPING_APPOINTMENT', 'You already have an appointment at that time');
  }
  if (!(await takePlace(slot, appointment._id))) {
    await releaseInterval(appointment);
    await transition(input.organisationId, String(appointment._id), ['reserving'], 'failed', null);
    throw new AppError('SLOT_FULL', 'This slot has just been fully booked; choose another time');
  }
  let booked;
  if (service.depositFen > 0) {
    const holdExpiresAt = new Date(Date.now() + HOLD_MINUTES * 60_000);
    const paymentId = await hooks.createDeposit({
      appointmentId: String(appointment._id),
      amountFen: service.depositFen,
      description: `${service.name} 预约定金`,
      expiresAt: holdExpiresAt,
    });
    booked = await transition(input.organisationId, String(appointment._id), ['reserving'], 'held', null, {
      holdExpiresAt,
      paymentId: new Types.ObjectId(paymentId),
    });
  } else {
    booked = await transition(input.organisationId, String(appointment._id), ['reserving'], 'confirmed', null);
  }
  if (!booked) throw new Error(`appointment ${appointment._id} left reserving unexpectedly`);
  await appointmentEvent(booked, 'appointment.booked', null);
  return booked;
}

/** The deposit was paid: a held appointment is confirmed; one that expired or was cancelled refuses it. */
export async function confirmPaidAppointment(organisationId: string, appointmentId: string, paymentId: string) {
  const confirmed = await transition(organisationId, appointmentId, ['held'], 'confirmed', null, {
    holdExpiresAt: null,
  });
  const current = confirmed ?? (await loadAppointment(organisationId, appointmentId));
  if (!current || String(current.paymentId) !== paymentId) return 'rejected' as const;
  if (['confirmed', 'arrived', 'no_show'].includes(current.status)) return 'accepted' as const;
  return 'rejected' as const;
}

/** How much of the deposit cancelling now returns, by the service's rule. */
export async function cancellationRefundFen(doc: AppointmentDoc, now = new Date()): Promise<number> {
  if (doc.status !== 'confirmed' || !doc.depositFen || !doc.paymentId) return 0;
  const service = await ServiceModel.findById(doc.serviceId).lean();
  const hoursAhead = (doc.startsAt.getTime() - now.getTime()) / 3_600_000;
  if (!service || hoursAhead >= service.fullRefundHoursBefore) return doc.depositFen;
  return Math.floor((doc.depositFen * (service.lateRefundPercent ?? 0)) / 100);
}

export interface CancelHooks {
  refundDeposit(input: { paymentId: string; amountFen: number; reason: string; idempotencyKey: string }): Promise<void>;
  closeDeposit(paymentId: string): Promise<void>;
}

export async function cancelAppointment(
  hooks: CancelHooks,
  organisationId: string,
  appointmentId: string,
  by: { kind: 'customer' | 'staff'; id: string; customerId?: string },
) {
  const before = await loadAppointment(organisationId, appointmentId);
  if (!before || (by.customerId && String(before.customerId) !== by.customerId)) throw notFound('Appointment');
  const refundFen = await cancellationRefundFen(before);
  const cancelled = await transition(organisationId, appointmentId, ['held', 'confirmed'], 'cancelled', by.id, {
    refundFen,
    holdExpiresAt: null,
  });
  if (!cancelled)
    throw new AppError('APPOINTMENT_NOT_CANCELLABLE', `An appointment that is ${before.status} cannot be cancelled`);
  await releasePlace(cancelled.slotId, cancelled._id);
  await releaseInterval(cancelled);
  if (cancelled.paymentId && before.status === 'held') await hooks.closeDeposit(String(cancelled.paymentId));
  if (cancelled.paymentId && refundFen > 0) {
    await hooks.refundDeposit({
      paymentId: String(cancelled.paymentId),
      amountFen: refundFen,
      reason: '预约取消退还定金',
      idempotencyKey: `cancel:${String(cancelled._id)}`,
    });
  }
  await appointmentEvent(cancelled, 'appointment.cancelled', by.kind === 'staff' ? by.id : null);
  return { appointment: cancelled, refundFen };
}

export async function rescheduleAppointment(
  organisationId: string,
  appointmentId: string,
  customerId: string,
  newSlotId: string,
) {
  const current = await loadAppointment(organisationId, appointmentId);
  if (!current || String(current.customerId) !== customerId) throw notFound('Appointment');
  if (!['held', 'confirmed'].includes(current.status)) {
    throw new AppError('APPOINTMENT_STATE_CONFLICT', `An appointment that is ${current.status} cannot be moved`);
  }
  const { slot, service } = await bookableSlot(organisationId, newSlotId, String(current.serviceId));
  const startsAt = slot.startsAt;
  const endsAt = new Date(startsAt.getTime() + service.durationMinutes * 60_000);
  if (!(await claimInterval(current, startsAt, endsAt))) {
    await claimInterval(current, current.startsAt, current.endsAt); // put the old interval back
    throw new AppError('OVERLAPPING_APPOINTMENT', 'You already have an appointment at that time');
  }
  if (!(await takePlace(slot, current._id))) {
    await claimInterval(current, current.startsAt, current.endsAt);
    throw new AppError('SLOT_FULL', 'This slot has just been fully booked; choose another time');
  }
  const moved = await AppointmentModel.findOneAndUpdate(
    { _id: current._id, organisationId, slotId: current.slotId, status: { $in: ['held', 'confirmed'] } },
    {
      $set: { slotId: slot._id, startsAt, endsAt, doctorStaffId: slot.doctorStaffId, clinicId: slot.clinicId },
      $push: { history: { status: 'rescheduled', at: new Date(), by: null } },
    },
    { returnDocument: 'after' },
  ).lean();
  if (!moved) {
    await releasePlace(slot._id, current._id);
    throw new AppError('APPOINTMENT_STATE_CONFLICT', 'The appointment changed meanwhile; try again');
  }
  await releasePlace(current.slotId, current._id);
  await appointmentEvent(moved, 'appointment.rescheduled', null, `:${startsAt.toISOString()}`);
  return moved;
}

/** Front desk marks the patient as arrived (by appointment id or the code in the patient's QR). */
export async function markArrived(
  organisationId: string,
  by: string,
  ref: { appointmentId?: string; checkInCode?: string },
) {
  const doc = ref.checkInCode
    ? await AppointmentModel.findOne({ organisationId, checkInCode: ref.checkInCode }).lean()
    : await loadAppointment(organisationId, ref.appointmentId!);
  if (!doc) throw notFound('Appointment');
  if (doc.status === 'arrived') return doc; // a second scan changes nothing
  const arrived = await transition(organisationId, String(doc._id), ['confirmed', 'no_show'], 'arrived', by);
  if (!arrived) {
    throw new AppError('APPOINTMENT_STATE_CONFLICT', `An appointment that is ${doc.status} cannot be marked arrived`);
  }
  await releaseInterval(arrived);
  await appointmentEvent(arrived, 'appointment.arrived', by);
  return arrived;
}

/** Marks a confirmed appointment whose start has passed as not come; anything else is a conflict. */
export async function markNoShow(organisationId: string, appointmentId: string, by: string | null, now = new Date()) {
  const noShow = await AppointmentModel.findOneAndUpdate(
    { _id: appointmentId, organisationId, status: 'confirmed', startsAt: { $lte: now } },
    { $set: { status: 'no_show' }, $push: { history: { status: 'no_show', at: now, by } } },
    { returnDocument: 'after' },
  ).lean();
  if (!noShow) {
    const doc = await loadAppointment(organisationId, appointmentId);
    if (!doc) throw notFound('Appointment');
    if (doc.status === 'no_show') return doc;
    throw new AppError(
      'APPOINTMENT_STATE_CONFLICT',
      doc.status === 'confirmed'
        ? 'The appointment has not started yet'
        : `An appointment that is ${doc.status} cannot be marked as not come`,
    );
  }
  await releaseInterval(noShow);
  await appointmentEvent(noShow, 'appointment.no_show', by);
  return noShow;
}

/** Job: confirmed appointments whose end plus the grace period passed are no-shows. */
export async function markOverdueNoShows(now = new Date()): Promise<number> {
  const overdue = await AppointmentModel.find(
    { status: 'confirmed', endsAt: { $lt: new Date(now.getTime() - NO_SHOW_GRACE_MINUTES * 60_000) } },
    { organisationId: 1 },
  )
    .limit(500)
    .lean();
  let marked = 0;
  for (const doc of overdue) {
    const result = await markNoShow(String(doc.organisationId), String(doc._id), null, now).catch(() => null);
    if (result?.status === 'no_show') marked += 1;
  }
  return marked;
}

/** Job: holds whose deposit was not paid in time expire and give their place back. */
export async function expireUnpaidHolds(hooks: Pick<CancelHooks, 'closeDeposit'>, now = new Date()): Promise<number> {
  const due = await AppointmentModel.find({ status: 'held', holdExpiresAt: { $lt: now } })
    .limit(500)
    .lean();
  let expired = 0;
  for (const doc of due) {
    const done = await transition(String(doc.organisationId), String(doc._id), ['held'], 'expired', null);
    if (!done) continue;
    await releasePlace(done.slotId, done._id);
    await releaseInterval(done);
    if (done.paymentId) await hooks.closeDeposit(String(done.paymentId));
    expired += 1;
  }
  return expired;
}

/** Job: bookings a crash left half-made give back the place and interval they may hold. */
export async function repairStaleReservations(now = new Date()): Promise<number> {
  const stale = await AppointmentModel.find({
    status: 'reserving',
    createdAt: { $lt: new Date(now.getTime() - 5 * 60_000) },
  })
    .limit(500)
    .lean();
  for (const doc of stale) {
    await releasePlace(doc.slotId, doc._id);
    await releaseInterval(doc);
    await transition(String(doc.organisationId), String(doc._id), ['reserving'], 'failed', null);
  }
  return stale.length;
}

/**
 * Appointments as the mini-program and staff see them, with times in the clinic's zone. Clinics and services
 * are read once for the whole list, not per appointment.
 */
export async function describeAppointments(docs: AppointmentDoc[]) {
  if (docs.length === 0) return [];
  const organisationId = String(docs[0]!.organisationId);
  const clinicIds = [...new Set(docs.map((doc) => String(doc.clinicId)))];
  const [clinics, services] = await Promise.all([
    Promise.all(clinicIds.map((id) => getClinicDetails(organisationId, id))),
    ServiceModel.find({ _id: { $in: [...new Set(docs.map((doc) => String(doc.serviceId)))] } }, { name: 1 }).lean(),
  ]);
  const clinicById = new Map(clinics.map((clinic) => [clinic.id, clinic]));
  const serviceName = new Map(services.map((service) => [String(service._id), service.name]));
  return docs.map((doc) => {
    const clinic = clinicById.get(String(doc.clinicId))!;
    return {
      id: String(doc._id),
      customerId: String(doc.customerId),
      status: doc.status,
      clinic: { id: clinic.id, name: clinic.name, timeZone: clinic.timeZone },
      service: { id: String(doc.serviceId), name: serviceName.get(String(doc.serviceId)) ?? '' },
      doctorStaffId: String(doc.doctorStaffId),
      startsAt: doc.startsAt.toISOString(),
      endsAt: doc.endsAt.toISOString(),
      local: utcToLocal(doc.startsAt, clinic.timeZone),
      note: doc.note ?? '',
      depositFen: doc.depositFen ?? 0,
      paymentId: doc.paymentId ? String(doc.paymentId) : null,
      holdExpiresAt: doc.holdExpiresAt?.toISOString() ?? null,
      refundFen: doc.refundFen ?? null,
      checkInCode: doc.checkInCode,
    };
  });
}

export async function describeAppointment(doc: AppointmentDoc) {
  return (await describeAppointments([doc]))[0]!;
}

export { loadAppointment };

// A merged profile's appointments and their booked times become the survivor's. The survivor's overlap guard
// does not apply to the moved intervals (both were booked legitimately, by what were two profiles).
registerMergeStep({
  name: 'appointments',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    await AppointmentModel.updateMany(
      { organisationId, customerId: fromCustomerId },
      { $set: { customerId: intoCustomerId } },
    );
    const from = await CustomerBookingsModel.findOne({ organisationId, customerId: fromCustomerId }).lean();
    if (from?.intervals.length) {
      await upsertWithRetry(() =>
        CustomerBookingsModel.updateOne(
          { organisationId, customerId: intoCustomerId },
          { $addToSet: { intervals: { $each: from.intervals } } },
          { upsert: true },
        ),
      );
    }
    await CustomerBookingsModel.deleteOne({ organisationId, customerId: fromCustomerId });
  },
});

registerPrivacyContributor({
  name: 'appointments',
  exportData: async ({ organisationId, customerId }) =>
    describeAppointments(
      await AppointmentModel.find({ organisationId, customerId }).sort({ startsAt: -1 }).limit(1000).lean(),
    ),
  // Appointments stay (clinics keep their schedule and counts); the free-text note is the personal part.
  erase: async ({ organisationId, customerId }) => {
    await AppointmentModel.updateMany({ organisationId, customerId }, { $set: { note: '' } });
  },
});
