import { z } from 'zod';
import {
  Appointment,
  AppointmentList,
  BookAppointmentRequest,
  CancellationQuote,
  CancellationResult,
  CheckInRequest,
  ClinicList,
  ClinicParams,
  ClinicQuery,
  CreateScheduleExceptionRequest,
  CreateScheduleTemplateRequest,
  CreateServiceRequest,
  CustomerIdParams,
  DaySchedule,
  DayScheduleQuery,
  ObjectId,
  RescheduleRequest,
  ScheduleException,
  ScheduleTemplate,
  ScheduleTemplateList,
  BookableService,
  ServiceList,
  SlotList,
  SlotQuery,
} from '@careloop/shared';
import { ALL_STAFF, MANAGERS } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { notFound } from '../http/errors';
import { auditStaffAccess } from '../audit/service';
import { getCustomer } from '../identity/service';
import { listClinics } from '../organisations/service';
import {
  bookAppointment,
  cancelAppointment,
  cancellationRefundFen,
  describeAppointment,
  loadAppointment,
  markArrived,
  markNoShow,
  rescheduleAppointment,
} from './booking';
import { createService, listFreeSlots, listServices } from './catalog';
import { depositHooks } from './deposits';
import { addScheduleException, createScheduleTemplate, listScheduleTemplates } from './schedule';
import { customerAppointments, daySchedule } from './views';

const AppointmentParams = z.strictObject({ id: ObjectId });

/** The customer's own appointment, or NOT_FOUND (never another customer's). */
async function ownAppointment(auth: { organisationId: string; id: string }, appointmentId: string) {
  const doc = await loadAppointment(auth.organisationId, appointmentId);
  if (!doc || String(doc.customerId) !== auth.id) throw notFound('Appointment');
  return doc;
}

export function appointmentRoutes() {
  const tag = 'appointments';
  return [
    defineRoute({
      method: 'get',
      path: '/api/mp/clinics',
      summary: 'Clinics a patient can book at',
      tag,
      access: 'customer',
      response: ClinicList,
      handler: async ({ auth }) => ({ items: await listClinics(auth.organisationId) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/mp/clinics/:clinicId/services',
      summary: 'Services a clinic offers, with duration, deposit and refund rule',
      tag,
      access: 'customer',
      params: ClinicParams,
      response: ServiceList,
      handler: async ({ auth, params }) => ({ items: await listServices(auth.organisationId, params.clinicId) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/mp/clinics/:clinicId/slots',
      summary: 'Bookable slots for a service on a date (clinic-local), with local times',
      tag,
      access: 'customer',
      params: ClinicParams,
      query: SlotQuery,
      response: SlotList,
      handler: async ({ auth, params, query }) => ({
        items: await listFreeSlots(auth.organisationId, params.clinicId, query.date, query.serviceId),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/appointments',
      summary: 'Book a slot; a service with a deposit is held until paid (POST /api/mp/payments/:id/jsapi)',
      tag,
      access: 'customer',
      body: BookAppointmentRequest,
      response: Appointment,
      status: 201,
      handler: async ({ auth, body }) =>
        describeAppointment(
          await bookAppointment(depositHooks(auth.organisationId, auth.id), {
            organisationId: auth.organisationId,
            customerId: auth.id,
            ...body,
          }),
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/api/mp/appointments',
      summary: 'My appointments, upcoming first',
      tag,
      access: 'customer',
      response: AppointmentList,
      handler: async ({ auth }) => ({ items: await customerAppointments(auth.organisationId, auth.id) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/mp/appointments/:id',
      summary: 'One of my appointments',
      tag,
      access: 'customer',
      params: AppointmentParams,
      response: Appointment,
      handler: async ({ auth, params }) => describeAppointment(await ownAppointment(auth, params.id)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/mp/appointments/:id/cancellation',
      summary: 'What cancelling now would refund',
      tag,
      access: 'customer',
      params: AppointmentParams,
      response: CancellationQuote,
      handler: async ({ auth, params }) => ({
        refundFen: await cancellationRefundFen(await ownAppointment(auth, params.id)),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/appointments/:id/cancel',
      summary: 'Cancel my appointment; the deposit is refunded by the service’s rule',
      tag,
      access: 'customer',
      params: AppointmentParams,
      response: CancellationResult,
      handler: async ({ auth, params }) => {
        const result = await cancelAppointment(
          depositHooks(auth.organisationId, auth.id),
          auth.organisationId,
          params.id,
          {
            kind: 'customer',
            id: auth.id,
            customerId: auth.id,
          },
        );
        return { appointment: await describeAppointment(result.appointment), refundFen: result.refundFen };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/appointments/:id/reschedule',
      summary: 'Move my appointment to another slot',
      tag,
      access: 'customer',
      params: AppointmentParams,
      body: RescheduleRequest,
      response: Appointment,
      handler: async ({ auth, params, body }) =>
        describeAppointment(await rescheduleAppointment(auth.organisationId, params.id, auth.id, body.slotId)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customers/:id/appointments',
      summary: 'A customer’s appointments, upcoming first (audited)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      response: AppointmentList,
      handler: async ({ auth, params, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        await auditStaffAccess(ctx, auth, 'customer.appointments_viewed', customer.id);
        return { items: await customerAppointments(auth.organisationId, customer.id) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/appointments/:id/arrive',
      summary: 'Mark the patient arrived',
      tag,
      access: ALL_STAFF,
      params: AppointmentParams,
      response: Appointment,
      handler: async ({ auth, params }) =>
        describeAppointment(await markArrived(auth.organisationId, auth.id, { appointmentId: params.id })),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/appointments/check-in',
      summary: 'Mark arrival by the code in the patient’s appointment QR',
      tag,
      access: ALL_STAFF,
      body: CheckInRequest,
      response: Appointment,
      handler: async ({ auth, body }) =>
        describeAppointment(await markArrived(auth.organisationId, auth.id, { checkInCode: body.code })),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/appointments/:id/no-show',
      summary: 'Mark the patient as not come',
      tag,
      access: ALL_STAFF,
      params: AppointmentParams,
      response: Appointment,
      handler: async ({ auth, params }) =>
        describeAppointment(await markNoShow(auth.organisationId, params.id, auth.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/appointments/:id/cancel',
      summary: 'Cancel a patient’s appointment (the deposit rule applies)',
      tag,
      access: ALL_STAFF,
      params: AppointmentParams,
      response: CancellationResult,
      handler: async ({ auth, params }) => {
        const doc = await loadAppointment(auth.organisationId, params.id);
        if (!doc) throw notFound('Appointment');
        const result = await cancelAppointment(
          depositHooks(auth.organisationId, String(doc.customerId)),
          auth.organisationId,
          params.id,
          { kind: 'staff', id: auth.id },
        );
        return { appointment: await describeAppointment(result.appointment), refundFen: result.refundFen };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/schedule',
      summary: 'A clinic’s day: each doctor’s appointments and arrivals',
      tag,
      access: ALL_STAFF,
      query: DayScheduleQuery,
      response: DaySchedule,
      handler: ({ auth, query }) => daySchedule(auth.organisationId, query.clinicId, query.date),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/clinics',
      summary: 'The organisation’s clinics',
      tag,
      access: ALL_STAFF,
      response: ClinicList,
      handler: async ({ auth }) => ({ items: await listClinics(auth.organisationId) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/services',
      summary: 'Bookable services',
      tag,
      access: ALL_STAFF,
      response: ServiceList,
      handler: async ({ auth }) => ({ items: await listServices(auth.organisationId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/services',
      summary: 'Add a bookable service (managers)',
      tag,
      access: MANAGERS,
      body: CreateServiceRequest,
      response: BookableService,
      status: 201,
      handler: ({ auth, body }) => createService(auth.organisationId, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/schedule-templates',
      summary: 'A clinic’s weekly schedule templates',
      tag,
      access: ALL_STAFF,
      query: ClinicQuery,
      response: ScheduleTemplateList,
      handler: async ({ auth, query }) => ({ items: await listScheduleTemplates(auth.organisationId, query.clinicId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/schedule-templates',
      summary: 'Add a weekly opening for a doctor (managers)',
      tag,
      access: MANAGERS,
      body: CreateScheduleTemplateRequest,
      response: ScheduleTemplate,
      status: 201,
      handler: ({ auth, body }) => createScheduleTemplate(auth.organisationId, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/schedule-exceptions',
      summary: 'Close a clinic or a doctor on a date (leave, holiday) (managers)',
      tag,
      access: MANAGERS,
      body: CreateScheduleExceptionRequest,
      response: ScheduleException,
      status: 201,
      handler: ({ auth, body }) => addScheduleException(auth.organisationId, body),
    }),
  ];
}
