/**
 * The appointment contracts as the WeCom app uses them: types only, inferred from the schemas in `@careloop/shared`
 * (type-only imports, so the page carries no schema code).
 */
import type {
  Appointment,
  BookableService as BookableServiceSchema,
  CancellationResult as CancellationResultSchema,
  Clinic as ClinicSchema,
  CreateScheduleExceptionRequest as CreateScheduleExceptionRequestSchema,
  CreateScheduleTemplateRequest as CreateScheduleTemplateRequestSchema,
  DaySchedule as DayScheduleSchema,
  ScheduleException as ScheduleExceptionSchema,
  ScheduleTemplate as ScheduleTemplateSchema,
} from '@careloop/shared';
import type { z } from 'zod';

export type { Appointment };
export type AppointmentStatus = Appointment['status'];
export type Clinic = z.infer<typeof ClinicSchema>;
export type BookableService = z.infer<typeof BookableServiceSchema>;
export type CancellationResult = z.infer<typeof CancellationResultSchema>;
export type DaySchedule = z.infer<typeof DayScheduleSchema>;
export type ScheduleDoctor = DaySchedule['doctors'][number];
export type ScheduledAppointment = ScheduleDoctor['appointments'][number];
export type ScheduleTemplate = z.infer<typeof ScheduleTemplateSchema>;
export type ScheduleException = z.infer<typeof ScheduleExceptionSchema>;
/** What the page sends (every field given: the form fills the defaults itself). */
export type CreateScheduleTemplateRequest = z.output<typeof CreateScheduleTemplateRequestSchema>;
export type CreateScheduleExceptionRequest = z.output<typeof CreateScheduleExceptionRequestSchema>;
