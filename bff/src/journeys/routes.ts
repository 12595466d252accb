import {
  CreateJourneyFromTemplateRequest,
  CreateJourneyRequest,
  CustomerIdParams,
  EnrolCustomerRequest,
  EnrolCustomerResponse,
  EnrolmentParams,
  ExecutionParams,
  InDoubtList,
  InDoubtQuery,
  Journey,
  JourneyAnalytics,
  JourneyAnalyticsQuery,
  JourneyEnrolment,
  JourneyEnrolmentList,
  JourneyList,
  JourneyParams,
  JourneyStepParams,
  JourneyTemplateList,
  JourneyTemplateParams,
  JourneyValidation,
  JourneyVersion,
  JourneyVersionList,
  JourneyVersionParams,
  MigrateJourneyRequest,
  MigrateJourneyResponse,
  ReviewExecutionRequest,
  StepCustomerPage,
  StepCustomersQuery,
  UpdateJourneyRequest,
  ValidateJourneyRequest,
} from '@careloop/shared';
import { ALL_STAFF, MANAGERS } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { notFound } from '../http/errors';
import { auditStaffAccess } from '../audit/service';
import { getCustomer } from '../identity/service';
import {
  archiveJourney,
  createJourney,
  enableJourney,
  getJourney,
  getVersion,
  listJourneys,
  listVersions,
  pauseJourney,
  resumeJourney,
  updateJourney,
  validateDefinition,
} from './definitions';
import { enrolCustomer, loadEnterable } from './entries';
import { exitByHand, migrateEnrolments, retryEnrolment, reviewExecution } from './engine';
import { exitAllOfJourney } from './lifecycle';
import { customerJourneys, getEnrolment, journeyAnalytics, listInDoubt, stepCustomers } from './analytics';
import { listJourneyTemplates, templateDefinition } from './templates';
import { journeyNow } from './runtime';

export function journeyRoutes() {
  const tag = 'journeys';
  return [
    defineRoute({
      method: 'get',
      path: '/api/staff/journeys',
      summary: 'The organisation’s journeys, newest first, with status and counts',
      tag,
      access: ALL_STAFF,
      response: JourneyList,
      handler: async ({ auth }) => ({ items: await listJourneys(auth.organisationId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/journeys',
      summary: 'Create a journey (a draft: enable it to let customers in)',
      tag,
      access: MANAGERS,
      body: CreateJourneyRequest,
      response: Journey,
      status: 201,
      handler: ({ auth, body }) => createJourney(auth.organisationId, body, auth.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/journey-definitions/validate',
      summary: 'Check a definition for the builder: every problem, each pointing at its step',
      tag,
      access: MANAGERS,
      body: ValidateJourneyRequest,
      response: JourneyValidation,
      handler: ({ auth, body }) => validateDefinition(auth.organisationId, body.definition),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/journey-templates',
      summary: 'The clinic SOP templates (no-show recovery, dormant reactivation …) and the parameters each needs',
      tag,
      access: ALL_STAFF,
      response: JourneyTemplateList,
      handler: async () => ({ items: listJourneyTemplates() }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/journey-templates/:key/journeys',
      summary: 'Create a journey (a draft) from an SOP template',
      tag,
      access: MANAGERS,
      params: JourneyTemplateParams,
      body: CreateJourneyFromTemplateRequest,
      response: Journey,
      status: 201,
      handler: ({ auth, params, body }) => {
        const template = templateDefinition(params.key, body.parameters);
        return createJourney(
          auth.organisationId,
          { name: body.name ?? template.name, definition: template.definition, templateKey: params.key },
          auth.id,
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/journey-executions/in-doubt',
      summary: 'Messages whose sending was interrupted: a manager checks and records whether they went out',
      tag,
      access: MANAGERS,
      query: InDoubtQuery,
      response: InDoubtList,
      handler: async ({ auth, query }) => ({ items: await listInDoubt(auth.organisationId, query.journeyId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/journey-executions/:executionId/review',
      summary: 'Record whether a message in doubt was sent; it is never sent again and the customer goes on',
      tag,
      access: MANAGERS,
      params: ExecutionParams,
      body: ReviewExecutionRequest,
      handler: ({ auth, params, body }) =>
        reviewExecution(auth.organisationId, params.executionId, body.outcome, auth.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/journeys/:journeyId',
      summary: 'One journey with its latest definition',
      tag,
      access: ALL_STAFF,
      params: JourneyParams,
      response: Journey,
      handler: ({ auth, params }) => getJourney(auth.organisationId, params.journeyId),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/staff/journeys/:journeyId',
      summary: 'Edit a journey; a new definition of a journey ever enabled becomes a new version',
      tag,
      access: MANAGERS,
      params: JourneyParams,
      body: UpdateJourneyRequest,
      response: Journey,
      handler: ({ auth, params, body }) => updateJourney(auth.organisationId, params.journeyId, body, auth.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/journeys/:journeyId/versions',
      summary: 'The journey’s versions, newest first, with how many customers are on each',
      tag,
      access: ALL_STAFF,
      params: JourneyParams,
      response: JourneyVersionList,
      handler: async ({ auth, params }) => ({ items: await listVersions(auth.organisationId, params.journeyId) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/journeys/:journeyId/versions/:version',
      summary: 'One version of a journey',
      tag,
      access: ALL_STAFF,
      params: JourneyVersionParams,
      response: JourneyVersion,
      handler: ({ auth, params }) => getVersion(auth.organisationId, params.journeyId, params.version),
    }),
    ...(['enable', 'pause', 'resume', 'archive'] as const).map((action) =>
      defineRoute({
        method: 'post',
        path: `/api/staff/journeys/:journeyId/${action}`,
        summary: {
          enable: 'Enable a draft: customers enter its latest version from now on',
          pause: 'Pause: no one enters and no step runs until it resumes',
          resume: 'Resume a paused journey (steps that fell due meanwhile run now)',
          archive: 'Archive: everyone inside exits; the journey stays for its analytics',
        }[action],
        tag,
        access: MANAGERS,
        params: JourneyParams,
        response: Journey,
        handler: ({ auth, params }) => {
          const { organisationId } = auth;
          if (action === 'enable') return enableJourney(organisationId, params.journeyId);
          if (action === 'pause') return pauseJourney(organisationId, params.journeyId);
          if (action === 'resume') return resumeJourney(organisationId, params.journeyId);
          return archiveJourney(organisationId, params.journeyId, exitAllOfJourney);
        },
      }),
    ),
    defineRoute({
      method: 'post',
      path: '/api/staff/journeys/:journeyId/migrate',
      summary: 'Move the customers waiting on one version to another, mapping step ids',
      tag,
      access: MANAGERS,
      params: JourneyParams,
      body: MigrateJourneyRequest,
      response: MigrateJourneyResponse,
      handler: ({ auth, params, body }) => migrateEnrolments(auth.organisationId, params.journeyId, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/journeys/:journeyId/enrolments',
      summary: 'Put a customer into a live journey by hand (the re-entry policy applies)',
      tag,
      access: MANAGERS,
      params: JourneyParams,
      body: EnrolCustomerRequest,
      response: EnrolCustomerResponse,
      handler: async ({ auth, params, body, ctx }) => {
        const customer = await getCustomer(auth.organisationId, body.customerId);
        const journey = await loadEnterable(params.journeyId);
        if (!journey || journey.organisationId !== auth.organisationId) throw notFound('Journey');
        const now = journeyNow();
        const result = await enrolCustomer({
          journey,
          customerId: customer.id,
          entryKey: `manual:${auth.id}:${now.getTime()}`,
          now,
          source: `staff:${auth.id}`,
        });
        await auditStaffAccess(ctx, auth, 'customer.journey_enrolled', customer.id, {
          journeyId: params.journeyId,
          outcome: result.outcome,
        });
        return {
          outcome: result.outcome,
          enrolment:
            result.outcome === 'enrolled' && result.enrolmentId
              ? await getEnrolment(auth.organisationId, params.journeyId, result.enrolmentId)
              : null,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/journeys/:journeyId/enrolments/:enrolmentId',
      summary: 'One customer’s enrolment in the journey: where they are, and why they stopped',
      tag,
      access: ALL_STAFF,
      params: EnrolmentParams,
      response: JourneyEnrolment,
      handler: async ({ auth, params, ctx }) => {
        const enrolment = await getEnrolment(auth.organisationId, params.journeyId, params.enrolmentId);
        if (!enrolment) throw notFound('Enrolment');
        await auditStaffAccess(ctx, auth, 'customer.journeys_viewed', enrolment.customerId, {
          journeyId: params.journeyId,
        });
        return enrolment;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/journeys/:journeyId/enrolments/:enrolmentId/exit',
      summary: 'Take a customer out of the journey',
      tag,
      access: MANAGERS,
      params: EnrolmentParams,
      handler: async ({ auth, params, ctx }) => {
        const enrolment = await getEnrolment(auth.organisationId, params.journeyId, params.enrolmentId);
        if (!enrolment) throw notFound('Enrolment');
        await exitByHand(auth.organisationId, params.journeyId, params.enrolmentId);
        await auditStaffAccess(ctx, auth, 'customer.journey_exited', enrolment.customerId, {
          journeyId: params.journeyId,
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/journeys/:journeyId/enrolments/:enrolmentId/retry',
      summary: 'Run a parked enrolment’s failed step again',
      tag,
      access: MANAGERS,
      params: EnrolmentParams,
      handler: ({ auth, params }) => retryEnrolment(auth.organisationId, params.journeyId, params.enrolmentId),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/journeys/:journeyId/analytics',
      summary: 'Per step and branch: entered, waiting, passed, skipped, exited, failed',
      tag,
      access: ALL_STAFF,
      params: JourneyParams,
      query: JourneyAnalyticsQuery,
      response: JourneyAnalytics,
      handler: ({ auth, params, query }) => journeyAnalytics(auth.organisationId, params.journeyId, query.version),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/journeys/:journeyId/steps/:stepId/customers',
      summary: 'The customers at one step in one state (waiting, passed, skipped, exited, failed), a page at a time',
      tag,
      access: ALL_STAFF,
      params: JourneyStepParams,
      query: StepCustomersQuery,
      response: StepCustomerPage,
      handler: ({ auth, params, query }) => stepCustomers(auth.organisationId, params.journeyId, params.stepId, query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customers/:id/journeys',
      summary: 'The journeys a customer is in (and was in), and where (audited)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      response: JourneyEnrolmentList,
      handler: async ({ auth, params, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        await auditStaffAccess(ctx, auth, 'customer.journeys_viewed', customer.id);
        return { items: await customerJourneys(auth.organisationId, customer.id) };
      },
    }),
  ];
}
