/** Read models of meetings: the workbench's meeting and counts, the mini-program's meeting, attendees and the CSV. */
import { DateTime } from 'luxon';
import {
  MEETING_PAGES,
  type CustomerMeeting,
  type CustomerMeetingSummary,
  type MeetingAttendee,
  type MeetingCounts,
  type StaffMeeting,
  type SurveyQuestion,
} from '@careloop/shared';
import { getOrganisation } from '../organisations/service';
import { staffNamesById } from '../staff/service';
import { customerSummaries } from '../identity/service';
import { meetingNow } from './clock';
import { MeetingInvitationModel, MeetingRegistrationModel, MeetingSurveyAnswerModel } from './model';
import { describeRegistration, shownStatus, waitlistPosition } from './registrations';
import { feeOf, feePaymentStatus } from './fees';
import { checkInWindow, signUpDeadline, surveyWindow, type MeetingDoc, type RegistrationDoc } from './store';

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

const emptyCounts = (): MeetingCounts => ({
  invited: 0,
  signedUp: 0,
  awaitingPayment: 0,
  waitlisted: 0,
  cancelled: 0,
  checkedIn: 0,
  surveyed: 0,
});

/**
 * The numbers of each meeting: invited, signed up (a confirmed place: paid, for a paid meeting), awaiting payment (a
 * held place), waitlisted, cancelled, checked in, surveyed.
 */
export async function meetingCounts(meetings: Pick<MeetingDoc, '_id' | 'queue' | 'capacity' | 'feeFen'>[]) {
  const ids = meetings.map((meeting) => meeting._id);
  const [regs, invitations, answers] = await Promise.all([
    MeetingRegistrationModel.find(
      { meetingId: { $in: ids } },
      { meetingId: 1, status: 1, ticket: 1, checkedInAt: 1 },
    ).lean(),
    MeetingInvitationModel.find({ meetingId: { $in: ids } }, { meetingId: 1 }).lean(),
    MeetingSurveyAnswerModel.find({ meetingId: { $in: ids } }, { meetingId: 1 }).lean(),
  ]);
  const byId = new Map(meetings.map((meeting) => [String(meeting._id), meeting]));
  const counts = new Map(meetings.map((meeting) => [String(meeting._id), emptyCounts()]));
  for (const reg of regs) {
    const count = counts.get(String(reg.meetingId))!;
    const status = shownStatus(byId.get(String(reg.meetingId))!, reg);
    if (status === 'confirmed') count.signedUp += 1;
    else if (status === 'awaiting_payment') count.awaitingPayment += 1;
    else if (status === 'waitlisted') count.waitlisted += 1;
    else count.cancelled += 1;
    if (reg.checkedInAt) count.checkedIn += 1;
  }
  for (const invitation of invitations) counts.get(String(invitation.meetingId))!.invited += 1;
  for (const answer of answers) counts.get(String(answer.meetingId))!.surveyed += 1;
  return counts;
}

const venueCode = (meeting: Pick<MeetingDoc, '_id' | 'key'>) => ({
  imageUrl: `/api/staff/meetings/${String(meeting._id)}/venue-code`,
  page: MEETING_PAGES.checkIn,
  scene: meeting.key,
});

function commonView(meeting: MeetingDoc, timeZone: string) {
  return {
    id: String(meeting._id),
    title: meeting.title,
    description: meeting.description ?? '',
    audience: meeting.audience,
    status: meeting.status,
    startsAt: meeting.startsAt.toISOString(),
    endsAt: meeting.endsAt.toISOString(),
    timeZone,
    venue: meeting.venue ? { name: meeting.venue.name ?? '', address: meeting.venue.address ?? '' } : null,
    agenda: meeting.agenda.map((item) => ({
      time: item.time ?? '',
      topic: item.topic ?? '',
      speaker: item.speaker ?? '',
    })),
    speakers: meeting.speakers.map((speaker) => ({
      name: speaker.name ?? '',
      title: speaker.title ?? '',
      hospital: speaker.hospital ?? '',
    })),
    capacity: meeting.capacity,
    signUpDeadline: signUpDeadline(meeting).toISOString(),
    feeFen: feeOf(meeting),
  };
}

export async function describeStaffMeeting(meeting: MeetingDoc): Promise<StaffMeeting> {
  const organisationId = String(meeting.organisationId);
  const [organisation, counts, names] = await Promise.all([
    getOrganisation(organisationId),
    meetingCounts([meeting]),
    staffNamesById(organisationId, [
      String(meeting.createdBy),
      ...meeting.history.flatMap((entry) => (entry.by ? [String(entry.by)] : [])),
    ]),
  ]);
  const ref = (id: unknown) => ({ id: String(id), name: names.get(String(id)) ?? null });
  const history = meeting.history.map((entry) => ({
    action: entry.action as StaffMeeting['history'][number]['action'],
    by: entry.by ? ref(entry.by) : null,
    at: entry.at.toISOString(),
    reason: entry.reason ?? '',
    version: entry.version,
    fields: entry.fields ?? [],
  }));
  return {
    ...commonView(meeting, organisation.timeZone),
    key: meeting.key,
    version: meeting.version,
    onlineUrl: meeting.onlineUrl ?? null,
    survey: meeting.survey as SurveyQuestion[],
    waitlistLimit: meeting.waitlistLimit,
    checkInOpensMinutesBefore: meeting.checkInOpensMinutesBefore,
    checkInClosesMinutesAfterEnd: meeting.checkInClosesMinutesAfterEnd,
    surveyOpenDays: meeting.surveyOpenDays,
    createdBy: ref(meeting.createdBy),
    decisions: history.flatMap((entry) =>
      entry.action === 'approved' || entry.action === 'rejected'
        ? [{ decision: entry.action, by: entry.by!, at: entry.at, reason: entry.reason, version: entry.version }]
        : [],
    ),
    history,
    cancelReason: meeting.cancelReason ?? null,
    counts: counts.get(String(meeting._id))!,
    venueCode: venueCode(meeting),
    createdAt: (meeting as { createdAt: Date }).createdAt.toISOString(),
    updatedAt: (meeting as { updatedAt: Date }).updatedAt.toISOString(),
  };
}

export async function describeStaffMeetingSummaries(organisationId: string, meetings: MeetingDoc[]) {
  const [counts, names] = await Promise.all([
    meetingCounts(meetings),
    staffNamesById(organisationId, [...new Set(meetings.map((meeting) => String(meeting.createdBy)))]),
  ]);
  return meetings.map((meeting) => ({
    id: String(meeting._id),
    key: meeting.key,
    title: meeting.title,
    audience: meeting.audience,
    status: meeting.status,
    version: meeting.version,
    startsAt: meeting.startsAt.toISOString(),
    endsAt: meeting.endsAt.toISOString(),
    capacity: meeting.capacity,
    feeFen: feeOf(meeting),
    createdBy: { id: String(meeting.createdBy), name: names.get(String(meeting.createdBy)) ?? null },
    counts: counts.get(String(meeting._id))!,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// The mini-program's view

function places(meeting: MeetingDoc) {
  const taken = meeting.queue.length;
  return {
    placesLeft: Math.max(0, meeting.capacity - taken),
    waitlistOpen: taken >= meeting.capacity && taken < meeting.capacity + meeting.waitlistLimit,
    room: taken < meeting.capacity + meeting.waitlistLimit,
  };
}

export async function describeCustomerMeeting(
  meeting: MeetingDoc,
  registration: RegistrationDoc | null,
  reminderTemplateId: string,
  now = meetingNow(),
): Promise<CustomerMeeting> {
  const organisation = await getOrganisation(String(meeting.organisationId));
  const mine = registration ? await describeRegistration(meeting, registration) : null;
  const { placesLeft, waitlistOpen, room } = places(meeting);
  const checkIn = checkInWindow(meeting);
  const survey = surveyWindow(meeting);
  return {
    ...commonView(meeting, organisation.timeZone),
    placesLeft,
    waitlistOpen,
    signUpOpen: meeting.status === 'published' && now < signUpDeadline(meeting) && room,
    checkIn: { opensAt: checkIn.opensAt.toISOString(), closesAt: checkIn.closesAt.toISOString() },
    survey: {
      questionCount: meeting.survey.length,
      opensAt: survey.opensAt.toISOString(),
      closesAt: survey.closesAt.toISOString(),
    },
    onlineUrl: mine?.status === 'confirmed' ? (meeting.onlineUrl ?? null) : null,
    myRegistration: mine,
    reminderTemplateId,
  };
}

export async function describeCustomerMeetingSummaries(
  meetings: MeetingDoc[],
  registrations: RegistrationDoc[],
): Promise<CustomerMeetingSummary[]> {
  if (meetings.length === 0) return [];
  const organisation = await getOrganisation(String(meetings[0]!.organisationId));
  const regByMeeting = new Map(registrations.map((reg) => [String(reg.meetingId), reg]));
  return Promise.all(
    meetings.map(async (meeting) => {
      const reg = regByMeeting.get(String(meeting._id));
      return {
        id: String(meeting._id),
        title: meeting.title,
        audience: meeting.audience,
        status: meeting.status,
        startsAt: meeting.startsAt.toISOString(),
        endsAt: meeting.endsAt.toISOString(),
        timeZone: organisation.timeZone,
        venueName: meeting.venue?.name ?? null,
        online: Boolean(meeting.onlineUrl),
        placesLeft: places(meeting).placesLeft,
        feeFen: feeOf(meeting),
        myRegistration: reg ? await describeRegistration(meeting, reg) : null,
      };
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Attendees and the compliance export

const ORDER = { confirmed: 0, awaiting_payment: 0, waitlisted: 1, invited: 2, cancelled: 3 } as const;

/**
 * Everyone on the meeting's list: holding a place (confirmed or awaiting payment, in sign-up order), waitlisted (in
 * line), invited only, cancelled; with what each paid and the payment's state.
 */
export async function meetingAttendees(meeting: MeetingDoc, only?: { customerId: string }): Promise<MeetingAttendee[]> {
  const organisationId = String(meeting.organisationId);
  const filter = { meetingId: meeting._id, ...(only && { customerId: only.customerId }) };
  const [regs, invitations, answers] = await Promise.all([
    MeetingRegistrationModel.find(filter).lean(),
    MeetingInvitationModel.find(filter).lean(),
    MeetingSurveyAnswerModel.find(filter, { customerId: 1, answeredAt: 1 }).lean(),
  ]);
  const invitedAt = new Map(invitations.map((invitation) => [String(invitation.customerId), invitation.invitedAt]));
  const answeredAt = new Map(answers.map((answer) => [String(answer.customerId), answer.answeredAt]));
  const customerIds = [...new Set([...regs.map((reg) => String(reg.customerId)), ...invitedAt.keys()])];
  const customers = await customerSummaries(organisationId, customerIds);
  const queueIndex = new Map(meeting.queue.map((ticket, index) => [String(ticket), index]));
  const rows = customerIds.map((customerId) => {
    const reg = regs.find((candidate) => String(candidate.customerId) === customerId);
    const customer = customers.get(customerId);
    const status = reg ? shownStatus(meeting, reg) : 'invited';
    return {
      sortKey: [ORDER[status], reg ? (queueIndex.get(String(reg.ticket)) ?? 0) : 0, reg?.cancelledAt?.getTime() ?? 0],
      row: {
        customer: {
          id: customerId,
          name: customer?.name ?? null,
          kind: customer?.kind ?? 'patient',
          phone: customer?.phone ?? null,
          hcp: customer?.hcp ?? null,
        },
        registrationId: reg ? String(reg._id) : null,
        status,
        waitlistPosition: reg && status === 'waitlisted' ? waitlistPosition(meeting, reg) : null,
        invited: invitedAt.has(customerId),
        invitedAt: iso(invitedAt.get(customerId)),
        signedUpAt: iso(reg?.signedUpAt),
        confirmedAt: iso(reg?.confirmedAt),
        cancelledAt: status === 'cancelled' ? iso(reg?.cancelledAt) : null,
        checkedInAt: iso(reg?.checkedInAt),
        checkedInVia: reg?.checkedInAt ? (reg.checkedInBy ? 'staff' : 'self') : null,
        surveyedAt: iso(answeredAt.get(customerId)),
        paymentStatus: reg ? feePaymentStatus(reg) : 'none',
        paidFen: reg?.paidAt ? (reg.feeFen ?? 0) : 0,
        refundFen: reg?.refundFen ?? null,
        holdExpiresAt: status === 'awaiting_payment' ? iso(reg?.holdExpiresAt) : null,
      } satisfies MeetingAttendee,
    };
  });
  rows.sort((a, b) => {
    for (let i = 0; i < a.sortKey.length; i += 1)
      if (a.sortKey[i] !== b.sortKey[i]) return a.sortKey[i]! - b.sortKey[i]!;
    return 0;
  });
  return rows.map((entry) => entry.row);
}

const CSV_COLUMNS = [
  'name',
  'kind',
  'phone',
  'hospital',
  'department',
  'title',
  'hcpVerification',
  'status',
  'waitlistPosition',
  'invited',
  'invitedAt',
  'signedUpAt',
  'confirmedAt',
  'cancelledAt',
  'checkedInAt',
  'checkedInVia',
  'surveyCompleted',
  'surveyedAt',
  'paymentStatus',
  'paidYuan',
  'refundYuan',
] as const;

/** Fen as yuan with two decimals (12.50). */
const yuan = (fen: number) => (fen / 100).toFixed(2);

/** A CSV cell: quoted when needed, and a leading = + - @ neutralised so spreadsheets never run it as a formula. */
function cell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The compliance record: one row per person, phones masked, times in the organisation's zone (ISO with offset). */
export function attendeesCsv(rows: MeetingAttendee[], timeZone: string): string {
  const local = (value: string | null) =>
    value ? DateTime.fromISO(value, { zone: timeZone }).startOf('second').toISO({ suppressMilliseconds: true }) : null;
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) {
    const values: Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null> = {
      name: row.customer.name,
      kind: row.customer.kind,
      phone: row.customer.phone,
      hospital: row.customer.hcp?.hospital ?? null,
      department: row.customer.hcp?.department ?? null,
      title: row.customer.hcp?.title ?? null,
      hcpVerification: row.customer.hcp?.verification ?? null,
      status: row.status,
      waitlistPosition: row.waitlistPosition,
      invited: row.invited,
      invitedAt: local(row.invitedAt),
      signedUpAt: local(row.signedUpAt),
      confirmedAt: local(row.confirmedAt),
      cancelledAt: local(row.cancelledAt),
      checkedInAt: local(row.checkedInAt),
      checkedInVia: row.checkedInVia,
      surveyCompleted: Boolean(row.surveyedAt),
      surveyedAt: local(row.surveyedAt),
      paymentStatus: row.paymentStatus,
      paidYuan: yuan(row.paidFen),
      refundYuan: row.refundFen === null ? null : yuan(row.refundFen),
    };
    lines.push(CSV_COLUMNS.map((column) => cell(values[column])).join(','));
  }
  // A byte-order mark so spreadsheet programs read the Chinese names as UTF-8.
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
