/**
 * The journey contracts as the WeCom app uses them: types only, inferred from the schemas in `@careloop/shared`
 * (type-only imports, so the page carries no schema code).
 */
import type {
  BranchCondition,
  CreateJourneyFromTemplateRequest as CreateJourneyFromTemplateRequestSchema,
  CreateJourneyRequest as CreateJourneyRequestSchema,
  JourneyDefinition,
  JourneyEntry,
  JourneyValidation,
  MigrateJourneyRequest as MigrateJourneyRequestSchema,
  MigrateJourneyResponse as MigrateJourneyResponseSchema,
  StepCustomerPage as StepCustomerPageSchema,
  UpdateJourneyRequest as UpdateJourneyRequestSchema,
} from '@careloop/shared';
import type { z } from 'zod';

export type {
  BranchCondition,
  EventType,
  FrequencyCap,
  InDoubtExecution,
  Journey,
  JourneyAnalytics,
  JourneyAudience,
  JourneyCounts,
  JourneyDefinition,
  JourneyEnrolment,
  JourneyEntry,
  JourneyEventFilter,
  JourneyStatus,
  JourneyStep,
  JourneyStepStats,
  JourneyStepType,
  JourneySummary,
  JourneyTemplate,
  JourneyTemplateKey,
  JourneyTemplateParameter,
  JourneyValidation,
  JourneyVersion,
  KeyDateSource,
  PropertyFilter,
  QuietHours,
  ReEntryPolicy,
  StepCustomer,
  StepCustomerState,
} from '@careloop/shared';
export type JourneyEntryKind = JourneyEntry['kind'];
/** A condition of the tag rule language (branches, audiences). */
export type TagRule = Extract<BranchCondition, { kind: 'rule' }>['rule'];
/** One problem of a definition, pointing at its step (null: the journey's settings or the whole). */
export type JourneyIssue = JourneyValidation['issues'][number];
export type StepCustomerPage = z.infer<typeof StepCustomerPageSchema>;
export type MigrateJourneyResponse = z.infer<typeof MigrateJourneyResponseSchema>;
/** What the page sends (every field given: the forms fill the defaults themselves). */
export type CreateJourneyRequest = z.output<typeof CreateJourneyRequestSchema>;
export type UpdateJourneyRequest = z.output<typeof UpdateJourneyRequestSchema>;
export type CreateJourneyFromTemplateRequest = z.output<typeof CreateJourneyFromTemplateRequestSchema>;
export type MigrateJourneyRequest = z.output<typeof MigrateJourneyRequestSchema>;
/** The settings of a definition (everything but the step graph). */
export type JourneySettings = Pick<JourneyDefinition, 'entry' | 'reEntry' | 'exitOn' | 'quietHours' | 'frequencyCap'>;
