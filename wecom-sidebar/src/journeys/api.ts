/**
 * The journey routes the workbench and the sidebar call (`/api/staff/journeys…`, templates, validation, analytics,
 * in-doubt review), and the pickers the builder needs (segments, tags, coupon templates, staff), over the shared API
 * client.
 */
import type { ApiClient } from '@careloop/shared/client';
import type {
  CreateJourneyFromTemplateRequest,
  CreateJourneyRequest,
  InDoubtExecution,
  Journey,
  JourneyAnalytics,
  JourneyEnrolment,
  JourneySummary,
  JourneyTemplate,
  JourneyTemplateKey,
  JourneyValidation,
  JourneyVersion,
  MigrateJourneyRequest,
  MigrateJourneyResponse,
  StepCustomerPage,
  StepCustomerState,
  UpdateJourneyRequest,
} from './types';

export type JourneyAction = 'enable' | 'pause' | 'resume' | 'archive';

export interface StepCustomersQuery {
  state: StepCustomerState;
  version?: number | null;
  cursor?: string | null;
  limit?: number;
}

/** A query string of the values given (blank ones left out), in the order given; '' when none. */
export function journeyQuery(values: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && String(value).trim() !== '') params.set(key, String(value).trim());
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function createJourneysApi(client: ApiClient) {
  const path = (id: string) => `/api/staff/journeys/${encodeURIComponent(id)}`;
  return {
    /** Newest first, with status and counts. */
    list: async () => (await client.get<{ items: JourneySummary[] }>('/api/staff/journeys')).items,
    get: (id: string) => client.get<Journey>(path(id)),
    /** Managers: a draft. */
    create: (request: CreateJourneyRequest) => client.post<Journey>('/api/staff/journeys', request),
    /** Managers: a new definition of a journey ever enabled becomes a new version. */
    update: (id: string, request: UpdateJourneyRequest) => client.patch<Journey>(path(id), request),
    /** Managers: every problem of a definition not saved yet, each pointing at its step. */
    validate: (definition: unknown) =>
      client.post<JourneyValidation>('/api/staff/journey-definitions/validate', { definition }),
    act: (id: string, action: JourneyAction) => client.post<Journey>(`${path(id)}/${action}`),
    templates: async () => (await client.get<{ items: JourneyTemplate[] }>('/api/staff/journey-templates')).items,
    /** Managers: a draft made from an SOP template. */
    fromTemplate: (key: JourneyTemplateKey, request: CreateJourneyFromTemplateRequest) =>
      client.post<Journey>(`/api/staff/journey-templates/${encodeURIComponent(key)}/journeys`, request),
    versions: async (id: string) => (await client.get<{ items: JourneyVersion[] }>(`${path(id)}/versions`)).items,
    version: (id: string, version: number) => client.get<JourneyVersion>(`${path(id)}/versions/${version}`),
    /** Managers. */
    migrate: (id: string, request: MigrateJourneyRequest) =>
      client.post<MigrateJourneyResponse>(`${path(id)}/migrate`, request),
    /** Per step and branch; `version` null: every version. */
    analytics: (id: string, version?: number | null) =>
      client.get<JourneyAnalytics>(`${path(id)}/analytics${journeyQuery({ version })}`),
    stepCustomers: (id: string, stepId: string, query: StepCustomersQuery) =>
      client.get<StepCustomerPage>(
        `${path(id)}/steps/${encodeURIComponent(stepId)}/customers${journeyQuery({
          state: query.state,
          version: query.version,
          cursor: query.cursor,
          limit: query.limit,
        })}`,
      ),
    enrolment: (id: string, enrolmentId: string) =>
      client.get<JourneyEnrolment>(`${path(id)}/enrolments/${encodeURIComponent(enrolmentId)}`),
    /** Managers. */
    exitEnrolment: (id: string, enrolmentId: string) =>
      client.post<void>(`${path(id)}/enrolments/${encodeURIComponent(enrolmentId)}/exit`),
    /** Managers: run a parked enrolment's failed step again. */
    retryEnrolment: (id: string, enrolmentId: string) =>
      client.post<void>(`${path(id)}/enrolments/${encodeURIComponent(enrolmentId)}/retry`),
    /** Managers: messages whose sending was interrupted. */
    inDoubt: async (journeyId?: string) =>
      (
        await client.get<{ items: InDoubtExecution[] }>(
          `/api/staff/journey-executions/in-doubt${journeyQuery({ journeyId })}`,
        )
      ).items,
    /** Managers: what the reviewer found out; the message is never sent again either way. */
    review: (executionId: string, outcome: 'sent' | 'not_sent') =>
      client.post<void>(`/api/staff/journey-executions/${encodeURIComponent(executionId)}/review`, { outcome }),
    /** Pickers of the builder. */
    segments: async () =>
      (await client.get<{ items: { id: string; name: string }[] }>('/api/staff/segments')).items.map(
        ({ id, name }) => ({ id, name }),
      ),
    /** Static tags (a journey may add or remove them; dynamic ones follow their rule). */
    tagNames: async () =>
      (await client.get<{ tags: { name: string; kind: string }[] }>('/api/staff/tags')).tags
        .filter((tag) => tag.kind === 'static')
        .map((tag) => tag.name),
    couponTemplates: async () =>
      (await client.get<{ items: { id: string; name: string }[] }>('/api/staff/coupon-templates')).items.map(
        ({ id, name }) => ({ id, name }),
      ),
    staffMembers: async () =>
      (await client.get<{ items: { id: string; name: string }[] }>('/api/staff/staff-members')).items.map(
        ({ id, name }) => ({ id, name }),
      ),
  };
}

export type JourneysApi = ReturnType<typeof createJourneysApi>;
