import { z } from 'zod';
import {
  AnswerSurveyRequest,
  CancelMeetingRequest,
  CreateMeetingRequest,
  CustomerMeeting,
  CustomerMeetingList,
  InviteToMeetingRequest,
  InviteToMeetingResult,
  MeetingAttendeeList,
  MeetingCheckInRequest,
  MeetingCheckInResult,
  MeetingDecisionRequest,
  MeetingKeyParams,
  MeetingListQuery,
  MeetingParams,
  MeetingSurvey,
  MeetingSurveyResults,
  StaffMeeting,
  StaffMeetingCheckInRequest,
  StaffMeetingCheckInResult,
  StaffMeetingList,
  UpdateMeetingRequest,
} from '@careloop/shared';
import type { AppDeps } from '../deps';
import { ALL_STAFF, MANAGERS, type StaffAuth } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { auditContext, auditStaffAccess, recordAudit } from '../audit/service';
import { getOrganisation } from '../organisations/service';
import { customerMeeting, customerMeetingByKey, meetingsOpenTo, myMeetings } from './customer';
import { inviteCustomers } from './invitations';
import {
  cancelSignUp,
  checkInAtVenue,
  checkInByCode,
  describeRegistration,
  expireFeeHolds,
  signUp,
} from './registrations';
import { answerSurvey, getSurvey, surveyResults } from './survey';
import {
  cancelMeeting,
  createMeeting,
  decideMeeting,
  finishMeeting,
  listMeetings,
  loadMeeting,
  publishMeeting,
  submitMeeting,
  updateMeeting,
} from './workflow';
import {
  attendeesCsv,
  describeCustomerMeeting,
  describeCustomerMeetingSummaries,
  describeStaffMeeting,
  describeStaffMeetingSummaries,
  meetingAttendees,
  meetingCounts,
} from './views';
import { venueCodePng } from './venueCode';
import { feeOf } from './fees';
import { findMeeting } from './store';

const actor = (auth: StaffAuth) => ({ id: auth.id, roles: auth.roles });

export function meetingRoutes({ config, wechat }: AppDeps) {
  const tag = 'meetings';
  const reminderTemplateId = config.wechat.meetingReminderTemplateId;

  /** The meeting as the customer sees it now (after a change). */
  async function customerView(organisationId: string, customerId: string, meetingId: string) {
    await lapseHolds(organisationId, meetingId);
    const { meeting, registration } = await customerMeeting(organisationId, customerId, meetingId);
    return describeCustomerMeeting(meeting, registration, reminderTemplateId);
  }

  /** Unpaid holds of a paid meeting lapse when it is read (the fees job does it too, every minute). */
  async function lapseHolds(organisationId: string, meetingId: string) {
    const meeting = await findMeeting(organisationId, meetingId);
    if (meeting && feeOf(meeting) > 0) await expireFeeHolds(undefined, { meetingId: meeting._id });
  }

  return [
    // ------------------------------------------------------------------------------------------------------------
    // Mini-program
    defineRoute({
      method: 'get',
      path: '/api/mp/meetings',
      summary: 'Published meetings open to me (HCP meetings are listed to verified HCPs only)',
      tag,
      access: 'customer',
      response: CustomerMeetingList,
      handler: async ({ auth }) => {
        const { meetings, registrations } = await meetingsOpenTo(auth.organisationId, auth.id);
        return { items: await describeCustomerMeetingSummaries(meetings, registrations) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/mp/meetings/mine',
      summary: 'Meetings I signed up for (also waitlisted and cancelled), upcoming first',
      tag,
      access: 'customer',
      response: CustomerMeetingList,
      handler: async ({ auth }) => {
        const { meetings, registrations } = await myMeetings(auth.organisationId, auth.id);
        return { items: await describeCustomerMeetingSummaries(meetings, registrations) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/mp/meetings/by-key/:key',
      summary: 'The meeting behind a venue code (scene = meeting key), for the check-in page',
      tag,
      access: 'customer',
      params: MeetingKeyParams,
      response: CustomerMeeting,
      handler: async ({ auth, params }) => {
        const { meeting, registration } = await customerMeetingByKey(auth.organisationId, auth.id, params.key);
        return describeCustomerMeeting(meeting, registration, reminderTemplateId);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/meetings/check-in',
      summary: 'Check in by the venue code, within the check-in window (a replay answers the same check-in)',
      tag,
      access: 'customer',
      body: MeetingCheckInRequest,
      response: MeetingCheckInResult,
      handler: async ({ auth, body }) => {
        const result = await checkInAtVenue(auth.organisationId, auth.id, body.key);
        return {
          meeting: { id: String(result.meeting._id), title: result.meeting.title },
          registration: await describeRegistration(result.meeting, result.registration),
          alreadyCheckedIn: result.alreadyCheckedIn,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/mp/meetings/:id',
      summary: 'A meeting with my registration (HCP meetings: verified HCPs only)',
      tag,
      access: 'customer',
      params: MeetingParams,
      response: CustomerMeeting,
      handler: ({ auth, params }) => customerView(auth.organisationId, auth.id, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/meetings/:id/sign-up',
      summary: 'Sign up: a place if one is left, else the waitlist; signing up again answers the same registration',
      tag,
      access: 'customer',
      params: MeetingParams,
      response: CustomerMeeting,
      handler: async ({ auth, params }) => {
        await signUp(auth.organisationId, auth.id, params.id);
        return customerView(auth.organisationId, auth.id, params.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/meetings/:id/cancel',
      summary: 'Cancel my sign-up before the start; the first waitlisted person gets the place',
      tag,
      access: 'customer',
      params: MeetingParams,
      response: CustomerMeeting,
      handler: async ({ auth, params }) => {
        await cancelSignUp(auth.organisationId, auth.id, params.id);
        return customerView(auth.organisationId, auth.id, params.id);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/mp/meetings/:id/survey',
      summary: 'The post-meeting survey: questions, when it is open, whether I may and did answer',
      tag,
      access: 'customer',
      params: MeetingParams,
      response: MeetingSurvey,
      handler: ({ auth, params }) => getSurvey(auth.organisationId, auth.id, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/meetings/:id/survey',
      summary: 'Answer the survey (after the end, attendees who checked in, once)',
      tag,
      access: 'customer',
      params: MeetingParams,
      body: AnswerSurveyRequest,
      response: MeetingSurvey,
      status: 201,
      handler: ({ auth, params, body }) => answerSurvey(auth.organisationId, auth.id, params.id, body.answers),
    }),

    // ------------------------------------------------------------------------------------------------------------
    // Workbench
    defineRoute({
      method: 'get',
      path: '/api/staff/meetings',
      summary: 'Meetings, latest first; `awaitingMyDecision=true` is the approval queue',
      tag,
      access: ALL_STAFF,
      query: MeetingListQuery,
      response: StaffMeetingList,
      handler: async ({ auth, query }) => ({
        items: await describeStaffMeetingSummaries(
          auth.organisationId,
          await listMeetings(auth.organisationId, actor(auth), query),
        ),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/meetings',
      summary: 'Create a meeting (a draft)',
      tag,
      access: ALL_STAFF,
      body: CreateMeetingRequest,
      response: StaffMeeting,
      status: 201,
      handler: async ({ auth, body }) =>
        describeStaffMeeting(await createMeeting(auth.organisationId, actor(auth), body)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/meetings/:id',
      summary: 'A meeting with its decisions, history and numbers',
      tag,
      access: ALL_STAFF,
      params: MeetingParams,
      response: StaffMeeting,
      handler: async ({ auth, params }) => describeStaffMeeting(await loadMeeting(auth.organisationId, params.id)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/staff/meetings/:id',
      summary: 'Edit a meeting (creator or managers); material changes after approval need a new approval',
      tag,
      access: ALL_STAFF,
      params: MeetingParams,
      body: UpdateMeetingRequest,
      response: StaffMeeting,
      handler: async ({ auth, params, body }) =>
        describeStaffMeeting(await updateMeeting(auth.organisationId, actor(auth), params.id, body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/meetings/:id/submit',
      summary: 'Submit a draft for compliance approval',
      tag,
      access: ALL_STAFF,
      params: MeetingParams,
      response: StaffMeeting,
      handler: async ({ auth, params }) =>
        describeStaffMeeting(await submitMeeting(auth.organisationId, actor(auth), params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/meetings/:id/decision',
      summary: 'Approve or reject the reviewed version (managers and admins other than the creator)',
      tag,
      access: MANAGERS,
      params: MeetingParams,
      body: MeetingDecisionRequest,
      response: StaffMeeting,
      handler: async ({ auth, params, body }) =>
        describeStaffMeeting(await decideMeeting(auth.organisationId, actor(auth), params.id, body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/meetings/:id/publish',
      summary: 'Publish an approved meeting: customers can see it and sign up',
      tag,
      access: ALL_STAFF,
      params: MeetingParams,
      response: StaffMeeting,
      handler: async ({ auth, params }) =>
        describeStaffMeeting(await publishMeeting(auth.organisationId, actor(auth), params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/meetings/:id/cancel',
      summary: 'Cancel a meeting, with the reason',
      tag,
      access: ALL_STAFF,
      params: MeetingParams,
      body: CancelMeetingRequest,
      response: StaffMeeting,
      handler: async ({ auth, params, body }) =>
        describeStaffMeeting(await cancelMeeting(auth.organisationId, actor(auth), params.id, body.reason)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/meetings/:id/finish',
      summary: 'Mark a published meeting that has started as finished',
      tag,
      access: ALL_STAFF,
      params: MeetingParams,
      response: StaffMeeting,
      handler: async ({ auth, params }) =>
        describeStaffMeeting(await finishMeeting(auth.organisationId, actor(auth), params.id)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/meetings/:id/attendees',
      summary: 'Everyone signed up, waiting, invited or cancelled, with check-in and survey (audited)',
      tag,
      access: ALL_STAFF,
      params: MeetingParams,
      response: MeetingAttendeeList,
      handler: async ({ auth, params, ctx }) => {
        await lapseHolds(auth.organisationId, params.id);
        const meeting = await loadMeeting(auth.organisationId, params.id);
        const items = await meetingAttendees(meeting);
        await recordAudit({
          organisationId: auth.organisationId,
          actor: { kind: 'staff', id: auth.id },
          action: 'meeting.attendees_viewed',
          subject: { kind: 'meeting', id: params.id },
          details: { rows: items.length },
          ...auditContext(ctx),
        });
        const counts = await meetingCounts([meeting]);
        return { items, counts: counts.get(params.id)! };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/meetings/:id/attendees/export',
      summary: 'The attendee list as CSV (text/csv) for compliance records; phones masked (audited)',
      tag,
      access: ALL_STAFF,
      params: MeetingParams,
      response: z.string().meta({ description: 'text/csv; charset=utf-8' }),
      handler: async ({ auth, params, ctx }) => {
        const meeting = await loadMeeting(auth.organisationId, params.id);
        const rows = await meetingAttendees(meeting);
        const { timeZone } = await getOrganisation(auth.organisationId);
        // Recorded before answering: an export that cannot be recorded does not happen.
        await recordAudit({
          organisationId: auth.organisationId,
          actor: { kind: 'staff', id: auth.id },
          action: 'meeting.attendees_exported',
          subject: { kind: 'meeting', id: params.id },
          details: { rows: rows.length },
          ...auditContext(ctx),
        });
        ctx.type = 'text/csv; charset=utf-8';
        ctx.set('content-disposition', `attachment; filename="meeting-${meeting.key}-attendees.csv"`);
        return attendeesCsv(rows, timeZone);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/meetings/:id/invitations',
      summary: 'Invite customers to an approved or published meeting (audited per customer)',
      tag,
      access: ALL_STAFF,
      params: MeetingParams,
      body: InviteToMeetingRequest,
      response: InviteToMeetingResult,
      handler: async ({ auth, params, body, ctx }) => {
        const result = await inviteCustomers(auth.organisationId, auth.id, params.id, body.customerIds);
        for (const customerId of result.invited) {
          await auditStaffAccess(ctx, auth, 'meeting.invited', customerId, { meetingId: params.id });
        }
        return { invited: result.invited.length, alreadyInvited: result.alreadyInvited };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/meetings/:id/check-in',
      summary: 'Check an attendee in by the code in their registration QR (a replay answers the same check-in)',
      tag,
      access: ALL_STAFF,
      params: MeetingParams,
      body: StaffMeetingCheckInRequest,
      response: StaffMeetingCheckInResult,
      handler: async ({ auth, params, body, ctx }) => {
        const result = await checkInByCode(auth.organisationId, auth.id, params.id, body.code);
        const customerId = String(result.registration.customerId);
        await auditStaffAccess(ctx, auth, 'meeting.checked_in', customerId, { meetingId: params.id });
        const [attendee] = await meetingAttendees(result.meeting, { customerId });
        return { attendee: attendee!, alreadyCheckedIn: result.alreadyCheckedIn };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/meetings/:id/survey-results',
      summary: 'Survey results per question: option counts, rating distribution and average, latest texts',
      tag,
      access: ALL_STAFF,
      params: MeetingParams,
      response: MeetingSurveyResults,
      handler: ({ auth, params }) => surveyResults(auth.organisationId, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/meetings/:id/venue-code',
      summary: 'The venue’s mini-program code (image/png; scene = meeting key, opens the check-in page)',
      tag,
      access: ALL_STAFF,
      params: MeetingParams,
      response: z.custom<Buffer>((value) => Buffer.isBuffer(value)).meta({ description: 'image/png' }),
      handler: async ({ auth, params, ctx }) => {
        const png = await venueCodePng(wechat, await loadMeeting(auth.organisationId, params.id));
        ctx.type = 'image/png';
        ctx.set('cache-control', 'private, max-age=86400');
        return png;
      },
    }),
  ];
}
