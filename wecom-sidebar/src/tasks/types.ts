/**
 * The follow-up task, handover and journey-enrolment contracts as the WeCom app uses them: types only, inferred from
 * the schemas in `@careloop/shared` (type-only imports, so the page carries no schema code).
 */
import type {
  CompleteTaskRequest as CompleteTaskRequestSchema,
  CreateTaskRequest as CreateTaskRequestSchema,
  Handover,
  HandoverRequest as HandoverRequestSchema,
  TaskListQuery as TaskListQuerySchema,
  TaskStats,
} from '@careloop/shared';
import type { z } from 'zod';

export type {
  Handover,
  HandoverContactState,
  JourneyEnrolment,
  StaffMemberSummary,
  Task,
  TaskFigures,
  TaskList,
  TaskOutcome,
  TaskPriority,
  TaskStats,
  TaskStatus,
  TaskType,
  TodayTasks,
} from '@careloop/shared';
/** The board's status filter: `overdue` is open and past due. */
export type TaskListStatus = NonNullable<z.input<typeof TaskListQuerySchema>['status']>;
/** The list's filters; `limit` and `cursor` are the pager's. */
export type TaskListQuery = Partial<z.input<typeof TaskListQuerySchema>>;
export type TaskStatsQuery = { from?: string; to?: string; clinicId?: string };
export type StaffFigures = TaskStats['byStaff'][number];
export type ClinicFigures = TaskStats['byClinic'][number];
/** What the page sends (every field given: the forms fill the defaults themselves). */
export type CreateTaskRequest = z.output<typeof CreateTaskRequestSchema>;
export type CompleteTaskRequest = z.output<typeof CompleteTaskRequestSchema>;
export type HandoverRequest = z.output<typeof HandoverRequestSchema>;
export type HandoverContact = Handover['unfinished'][number];
