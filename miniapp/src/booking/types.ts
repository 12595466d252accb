/**
 * The booking and payment contracts as TypeScript types, inferred from the API's schemas in `@careloop/shared`.
 * Types only: nothing of zod reaches the mini-program bundle.
 */
import type { z } from 'zod';
import type {
  Appointment,
  AppointmentStatus as AppointmentStatusSchema,
  BookableService as BookableServiceSchema,
  CancellationQuote as CancellationQuoteSchema,
  CancellationResult as CancellationResultSchema,
  Clinic as ClinicSchema,
  FreeSlot as FreeSlotSchema,
  LocalTimeOfDay as LocalTimeOfDaySchema,
  PaymentStatus,
  PaymentView,
  RequestPaymentParams,
} from '@careloop/shared';

export type { Appointment, PaymentStatus, PaymentView, RequestPaymentParams };
export type AppointmentStatus = z.infer<typeof AppointmentStatusSchema>;
export type Clinic = z.infer<typeof ClinicSchema>;
export type BookableService = z.infer<typeof BookableServiceSchema>;
export type FreeSlot = z.infer<typeof FreeSlotSchema>;
/** A time as the clinic sees it: shown as is, never converted on the device. */
export type LocalTimeOfDay = z.infer<typeof LocalTimeOfDaySchema>;
export type CancellationQuote = z.infer<typeof CancellationQuoteSchema>;
export type CancellationResult = z.infer<typeof CancellationResultSchema>;

/** Something loaded from the API, with its loading and error states. */
export type Loadable<T> =
  { status: 'idle' } | { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; message: string };
