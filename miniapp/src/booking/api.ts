/**
 * The booking and payment routes of the BFF for the signed-in customer. Answers are checked for the fields the
 * screens rely on; anything else is a BAD_RESPONSE error rather than a blank screen.
 */
import { ApiError, type ApiClient } from '@careloop/shared/client';
import { BAD_RESPONSE } from '../lib/errors';
import type {
  Appointment,
  BookableService,
  CancellationQuote,
  CancellationResult,
  Clinic,
  FreeSlot,
  PaymentView,
  RequestPaymentParams,
} from './types';

export interface BookingApi {
  clinics(): Promise<Clinic[]>;
  services(clinicId: string): Promise<BookableService[]>;
  /** Free slots of a service on a clinic-local date. */
  slots(clinicId: string, serviceId: string, date: string): Promise<FreeSlot[]>;
  book(input: { slotId: string; serviceId: string; note: string }): Promise<Appointment>;
  /** My appointments, upcoming first. */
  appointments(): Promise<Appointment[]>;
  appointment(id: string): Promise<Appointment>;
  cancellationQuote(id: string): Promise<CancellationQuote>;
  cancel(id: string): Promise<CancellationResult>;
  reschedule(id: string, slotId: string): Promise<Appointment>;
  /** The signed requestPayment parameters for my unpaid order. */
  jsapiParams(paymentId: string): Promise<RequestPaymentParams>;
  payment(paymentId: string): Promise<PaymentView>;
}

function bad(what: string): ApiError {
  return new ApiError(502, BAD_RESPONSE, `The API did not return ${what}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function items<T>(value: unknown, what: string, check: (item: unknown) => boolean): T[] {
  const list = isObject(value) ? value.items : undefined;
  if (!Array.isArray(list) || !list.every(check)) throw bad(what);
  return list as T[];
}

function hasId(value: unknown): boolean {
  return isObject(value) && typeof value.id === 'string';
}

function isLocal(value: unknown): boolean {
  return isObject(value) && typeof value.date === 'string' && typeof value.time === 'string';
}

export function isAppointment(value: unknown): value is Appointment {
  return (
    hasId(value) &&
    isObject(value) &&
    typeof value.status === 'string' &&
    typeof value.startsAt === 'string' &&
    isLocal(value.local) &&
    isObject(value.clinic) &&
    isObject(value.service) &&
    typeof value.depositFen === 'number' &&
    typeof value.checkInCode === 'string'
  );
}

function appointment(value: unknown): Appointment {
  if (!isAppointment(value)) throw bad('an appointment');
  return value;
}

const path = encodeURIComponent;

export function createBookingApi(api: Pick<ApiClient, 'get' | 'post'>): BookingApi {
  return {
    async clinics() {
      return items<Clinic>(await api.get('/api/mp/clinics'), 'clinics', hasId);
    },
    async services(clinicId) {
      return items<BookableService>(
        await api.get(`/api/mp/clinics/${path(clinicId)}/services`),
        'services',
        (item) => hasId(item) && typeof (item as { depositFen?: unknown }).depositFen === 'number',
      );
    },
    async slots(clinicId, serviceId, date) {
      const query = `date=${path(date)}&serviceId=${path(serviceId)}`;
      return items<FreeSlot>(
        await api.get(`/api/mp/clinics/${path(clinicId)}/slots?${query}`),
        'slots',
        (item) => hasId(item) && isLocal((item as { local?: unknown }).local),
      );
    },
    async book(input) {
      return appointment(await api.post('/api/mp/appointments', input));
    },
    async appointments() {
      return items<Appointment>(await api.get('/api/mp/appointments'), 'appointments', isAppointment);
    },
    async appointment(id) {
      return appointment(await api.get(`/api/mp/appointments/${path(id)}`));
    },
    async cancellationQuote(id) {
      const quote = await api.get<unknown>(`/api/mp/appointments/${path(id)}/cancellation`);
      if (!isObject(quote) || typeof quote.refundFen !== 'number') throw bad('a cancellation quote');
      return { refundFen: quote.refundFen };
    },
    async cancel(id) {
      const result = await api.post<unknown>(`/api/mp/appointments/${path(id)}/cancel`);
      if (!isObject(result) || typeof result.refundFen !== 'number') throw bad('a cancellation');
      return { appointment: appointment(result.appointment), refundFen: result.refundFen };
    },
    async reschedule(id, slotId) {
      return appointment(await api.post(`/api/mp/appointments/${path(id)}/reschedule`, { slotId }));
    },
    async jsapiParams(paymentId) {
      const params = await api.post<unknown>(`/api/mp/payments/${path(paymentId)}/jsapi`);
      if (
        !isObject(params) ||
        typeof params.timeStamp !== 'string' ||
        typeof params.nonceStr !== 'string' ||
        typeof params.package !== 'string' ||
        typeof params.paySign !== 'string'
      ) {
        throw bad('payment parameters');
      }
      return params as unknown as RequestPaymentParams;
    },
    async payment(paymentId) {
      const payment = await api.get<unknown>(`/api/mp/payments/${path(paymentId)}`);
      if (!hasId(payment) || typeof (payment as { status?: unknown }).status !== 'string') throw bad('a payment');
      return payment as PaymentView;
    },
  };
}
