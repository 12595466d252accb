/**
 * Meetings: academic meetings for HCPs and events for patients, with a compliance approval workflow, sign-up with
 * a capacity and a waitlist, check-in at the venue and a post-meeting survey.
 *
 * Status: `draft → submitted → approved | rejected → published → finished | cancelled`. A manager or admin who
 * did not create the meeting approves or rejects it (every decision is kept). A rejected meeting is edited
 * (it becomes a draft again) and resubmitted. Editing the material fields of a submitted, approved or published
 * meeting sends it back to `submitted`; the operational fields (capacity, waitlist, deadline, check-in window,
 * survey window) can change without a new approval. Customers see published (and finished) meetings only.
 *
 * Sign-up: the first `capacity` people hold a place (`confirmed`), the next `waitlistLimit` wait in order
 * (`waitlisted`); when a confirmed person cancels, the first waitlisted one is promoted automatically. Signing up
 * again returns the same registration. Check-in: the attendee scans the venue's mini-program code (scene = the
 * meeting key) within the check-in window, or staff scan the attendee's code. The survey opens at the end, for
 * attendees who checked in, once per person.
 */
import { z } from 'zod';
import { ObjectId } from './common';

const text = (max: number) => z.string().trim().max(max);
const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm');

/** Mini-program pages the backend points at: the venue code opens `checkIn` (scene = key), reminders `detail`. */
export const MEETING_PAGES = {
  detail: 'subpackages/meetings/pages/detail/index',
  checkIn: 'subpackages/meetings/pages/checkin/index',
} as const;

/** `hcp`: verified HCPs only; `patient`: customers who are not HCPs; `public`: every customer. */
export const MeetingAudience = z.enum(['hcp', 'patient', 'public']);
export type MeetingAudience = z.infer<typeof MeetingAudience>;

export const MeetingStatus = z.enum([
  'draft',
  'submitted',
  'approved',
  'rejected',
  'published',
  'finished',
  'cancelled',
]);
export type MeetingStatus = z.infer<typeof MeetingStatus>;

/** The venue code's scene: 10 characters a–z, 2–7 (opaque, scene-safe). */
export const MeetingKey = z.string().regex(/^[a-z2-7]{10}$/, 'must be a meeting key');
export const MeetingParams = z.strictObject({ id: ObjectId });
export const MeetingKeyParams = z.strictObject({ key: MeetingKey });

export const MeetingSpeaker = z.strictObject({
  name: text(40).min(1),
  title: text(40).default(''),
  hospital: text(80).default(''),
});
export type MeetingSpeaker = z.infer<typeof MeetingSpeaker>;

/** One agenda line; `time` is local to the organisation's time zone (the meeting's `timeZone`). */
export const MeetingAgendaItem = z.strictObject({
  time: LocalTime,
  topic: text(100).min(1),
  speaker: text(40).default(''),
});
export type MeetingAgendaItem = z.infer<typeof MeetingAgendaItem>;

export const MeetingVenue = z.strictObject({ name: text(80).min(1), address: text(200).default('') });
export type MeetingVenue = z.infer<typeof MeetingVenue>;

/** A question's id, unique within its survey (the editor chooses it, e.g. `q1`). */
export const SurveyQuestionId = z.string().regex(/^[A-Za-z0-9_-]{1,20}$/, 'must be 1–20 letters, digits, _ or -');
const questionBase = { id: SurveyQuestionId, text: text(200).min(1), required: z.boolean().default(true) };
const Options = z.array(text(60).min(1)).min(2).max(20);

/**
 * A survey question. Answers: `single` the index of one option; `multiple` indexes of options (distinct, at most
 * `maxChoices`); `rating` an integer 1–5; `text` a string of at most `maxLength` characters.
 */
export const SurveyQuestion = z.discriminatedUnion('kind', [
  z.strictObject({ ...questionBase, kind: z.literal('single'), options: Options }),
  z.strictObject({
    ...questionBase,
    kind: z.literal('multiple'),
    options: Options,
    maxChoices: z.number().int().min(1).max(20).nullable().default(null),
  }),
  z.strictObject({ ...questionBase, kind: z.literal('rating') }),
  z.strictObject({
    ...questionBase,
    kind: z.literal('text'),
    maxLength: z.number().int().min(1).max(2000).default(500),
  }),
]);
export type SurveyQuestion = z.infer<typeof SurveyQuestion>;

/** Fields that need a compliance approval when they change. */
export const MEETING_MATERIAL_FIELDS = [
  'title',
  'description',
  'audience',
  'startsAt',
  'endsAt',
  'venue',
  'onlineUrl',
  'agenda',
  'speakers',
  'survey',
  'feeFen',
] as const;

/**
 * Meeting fees (WeChat Pay). A paid meeting's place is held (`awaiting_payment`, counting against the capacity) until
 * paid or until `holdExpiresAt`: 15 minutes after signing up (MEETING_FEE_HOLD_MINUTES), 24 hours after a promotion
 * from the waitlist (MEETING_FEE_PROMOTED_HOLD_HOURS; never earlier than 15 minutes from the promotion). An unpaid
 * hold that expires releases the place to the next person waiting. Cancelling a paid place before the sign-up
 * deadline refunds the fee in full, after it nothing; a meeting cancelled by staff refunds everyone who paid.
 */
export const MEETING_FEE_HOLD_MINUTES = 15;
export const MEETING_FEE_PROMOTED_HOLD_HOURS = 24;

const meetingFields = {
  title: text(60).min(1),
  description: text(2000).default(''),
  audience: MeetingAudience,
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
  /** Where it happens; a meeting has a venue, an online link, or both. */
  venue: MeetingVenue.nullable().default(null),
  /** The online link (https); shown to confirmed registrants only. */
  onlineUrl: z
    .url({ protocol: /^https$/ })
    .max(500)
    .nullable()
    .default(null),
  agenda: z.array(MeetingAgendaItem).max(50).default([]),
  speakers: z.array(MeetingSpeaker).max(30).default([]),
  survey: z.array(SurveyQuestion).max(30).default([]),
  /** The fee in fen (1/100 yuan) paid with WeChat Pay at sign-up; 0: free. Changes only while draft or rejected. */
  feeFen: z.number().int().min(0).max(10_000_000).default(0),
  /** Places; people beyond them wait. */
  capacity: z.number().int().min(1).max(5000),
  /** How many may wait once every place is taken (0: no waitlist). */
  waitlistLimit: z.number().int().min(0).max(5000).default(100),
  /** The last moment to sign up; null: until the start. */
  signUpDeadline: z.iso.datetime({ offset: true }).nullable().default(null),
  /** Check-in opens this long before the start… */
  checkInOpensMinutesBefore: z.number().int().min(0).max(1440).default(60),
  /** …and closes this long after the end. */
  checkInClosesMinutesAfterEnd: z.number().int().min(0).max(1440).default(0),
  /** The survey is open from the end for this many days. */
  surveyOpenDays: z.number().int().min(1).max(90).default(14),
};

/** The cross-field rules (also checked by the server on the result of an edit). */
export function meetingFieldIssues(fields: {
  startsAt: string;
  endsAt: string;
  signUpDeadline: string | null;
  venue: unknown;
  onlineUrl: string | null;
  survey: { id: string }[];
}): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const startsAt = Date.parse(fields.startsAt);
  if (Date.parse(fields.endsAt) <= startsAt) issues.push({ path: 'endsAt', message: 'must be after startsAt' });
  if (fields.signUpDeadline && Date.parse(fields.signUpDeadline) > startsAt) {
    issues.push({ path: 'signUpDeadline', message: 'must not be after startsAt' });
  }
  if (!fields.venue && !fields.onlineUrl)
    issues.push({ path: 'venue', message: 'give a venue, an online link or both' });
  const ids = fields.survey.map((question) => question.id);
  if (new Set(ids).size !== ids.length) issues.push({ path: 'survey', message: 'question ids must be unique' });
  return issues;
}

const withFieldRules = <T extends z.ZodType<Parameters<typeof meetingFieldIssues>[0]>>(schema: T) =>
  schema.superRefine((value, ctx) => {
    for (const issue of meetingFieldIssues(value))
      ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  });

export const CreateMeetingRequest = withFieldRules(z.strictObject(meetingFields));
export type CreateMeetingRequest = z.infer<typeof CreateMeetingRequest>;

/** Changes to some fields; the server checks the cross-field rules on the result. */
export const UpdateMeetingRequest = z
  .strictObject({
    title: meetingFields.title.optional(),
    description: text(2000).optional(),
    audience: MeetingAudience.optional(),
    startsAt: meetingFields.startsAt.optional(),
    endsAt: meetingFields.endsAt.optional(),
    venue: MeetingVenue.nullable().optional(),
    onlineUrl: z
      .url({ protocol: /^https$/ })
      .max(500)
      .nullable()
      .optional(),
    agenda: z.array(MeetingAgendaItem).max(50).optional(),
    speakers: z.array(MeetingSpeaker).max(30).optional(),
    survey: z.array(SurveyQuestion).max(30).optional(),
    /** Only while draft or rejected (an approval covers the fee). */
    feeFen: z.number().int().min(0).max(10_000_000).optional(),
    /** Once people have signed up, capacity can only grow. */
    capacity: meetingFields.capacity.optional(),
    waitlistLimit: z.number().int().min(0).max(5000).optional(),
    signUpDeadline: z.iso.datetime({ offset: true }).nullable().optional(),
    checkInOpensMinutesBefore: z.number().int().min(0).max(1440).optional(),
    checkInClosesMinutesAfterEnd: z.number().int().min(0).max(1440).optional(),
    surveyOpenDays: z.number().int().min(1).max(90).optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'nothing to change');
export type UpdateMeetingRequest = z.infer<typeof UpdateMeetingRequest>;

/** `version`: the version the approver reviewed; a meeting edited since then is not decided. */
export const MeetingDecisionRequest = z
  .strictObject({
    decision: z.enum(['approved', 'rejected']),
    reason: text(500).default(''),
    version: z.number().int().min(1),
  })
  .refine((value) => value.decision === 'approved' || value.reason.length >= 2, {
    message: 'a rejection needs a reason',
    path: ['reason'],
  });
export type MeetingDecisionRequest = z.infer<typeof MeetingDecisionRequest>;

export const CancelMeetingRequest = z.strictObject({ reason: text(500).min(2) });

export const MeetingListQuery = z.strictObject({
  status: MeetingStatus.optional(),
  /** Meetings awaiting the caller's decision: submitted, created by someone else (the approval queue). */
  awaitingMyDecision: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

const StaffRef = z.object({ id: ObjectId, name: z.string().nullable() });

export const MeetingHistoryAction = z.enum([
  'created',
  'edited',
  'submitted',
  'approved',
  'rejected',
  'published',
  'finished',
  'cancelled',
]);

/** One step of the workflow: who, when, what, why, on which version. */
export const MeetingHistoryEntry = z.object({
  action: MeetingHistoryAction,
  by: StaffRef.nullable(),
  at: z.iso.datetime(),
  reason: z.string(),
  version: z.number().int(),
  /** For `edited`: the fields changed. */
  fields: z.array(z.string()),
});

export const MeetingDecision = z
  .object({
    decision: z.enum(['approved', 'rejected']),
    by: StaffRef,
    at: z.iso.datetime(),
    reason: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'MeetingDecision' });
export type MeetingDecision = z.infer<typeof MeetingDecision>;

export const MeetingCounts = z
  .object({
    invited: z.number().int(),
    /** Holding a confirmed place (paid, for a paid meeting; checked in or not). */
    signedUp: z.number().int(),
    /** Holding a place until they pay (paid meetings). */
    awaitingPayment: z.number().int(),
    waitlisted: z.number().int(),
    cancelled: z.number().int(),
    checkedIn: z.number().int(),
    surveyed: z.number().int(),
  })
  .meta({ id: 'MeetingCounts' });
export type MeetingCounts = z.infer<typeof MeetingCounts>;

const meetingView = {
  id: ObjectId,
  title: z.string(),
  description: z.string(),
  audience: MeetingAudience,
  status: MeetingStatus,
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  /** The organisation's zone: agenda times and local displays are in it. */
  timeZone: z.string(),
  venue: z.object({ name: z.string(), address: z.string() }).nullable(),
  agenda: z.array(z.object({ time: z.string(), topic: z.string(), speaker: z.string() })),
  speakers: z.array(z.object({ name: z.string(), title: z.string(), hospital: z.string() })),
  capacity: z.number().int(),
  signUpDeadline: z.iso.datetime(),
  /** The fee in fen; 0: free. */
  feeFen: z.number().int(),
};

/** The workbench's meeting. */
export const StaffMeeting = z
  .object({
    ...meetingView,
    key: MeetingKey,
    version: z.number().int(),
    onlineUrl: z.string().nullable(),
    survey: z.array(SurveyQuestion),
    waitlistLimit: z.number().int(),
    checkInOpensMinutesBefore: z.number().int(),
    checkInClosesMinutesAfterEnd: z.number().int(),
    surveyOpenDays: z.number().int(),
    createdBy: StaffRef,
    decisions: z.array(MeetingDecision),
    history: z.array(MeetingHistoryEntry),
    cancelReason: z.string().nullable(),
    counts: MeetingCounts,
    /** The venue's mini-program code: GET `imageUrl` with a staff token for the PNG. */
    venueCode: z.object({ imageUrl: z.string(), page: z.string(), scene: MeetingKey }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'StaffMeeting' });
export type StaffMeeting = z.infer<typeof StaffMeeting>;

export const StaffMeetingSummary = z
  .object({
    id: ObjectId,
    key: MeetingKey,
    title: z.string(),
    audience: MeetingAudience,
    status: MeetingStatus,
    version: z.number().int(),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    capacity: z.number().int(),
    feeFen: z.number().int(),
    createdBy: StaffRef,
    counts: MeetingCounts,
  })
  .meta({ id: 'StaffMeetingSummary' });
export const StaffMeetingList = z.object({ items: z.array(StaffMeetingSummary) });

/**
 * `confirmed`: holds a place; `awaiting_payment`: holds a place until `holdExpiresAt` (pay it through POST
 * /api/mp/payments/:paymentId/jsapi); `waitlisted`: waits at `waitlistPosition` (1 = next in line).
 */
export const RegistrationStatus = z.enum(['confirmed', 'awaiting_payment', 'waitlisted', 'cancelled']);
export type RegistrationStatus = z.infer<typeof RegistrationStatus>;

/**
 * Why a registration is `cancelled`: `by_customer` (the person cancelled), `unpaid` (a held place's fee was not paid
 * by `holdExpiresAt`), `meeting_cancelled` (the meeting was cancelled while the place was held), `full` (every place
 * and the waitlist were taken when signing up), `incomplete` (a sign-up interrupted before it got a place).
 */
export const RegistrationCancelReason = z.enum(['by_customer', 'unpaid', 'meeting_cancelled', 'full', 'incomplete']);
export type RegistrationCancelReason = z.infer<typeof RegistrationCancelReason>;

export const MyRegistration = z
  .object({
    id: ObjectId,
    meetingId: ObjectId,
    status: RegistrationStatus,
    waitlistPosition: z.number().int().nullable(),
    signedUpAt: z.iso.datetime(),
    /** Shown as a QR for staff to scan at the desk; only while confirmed. */
    checkInCode: z.string().nullable(),
    checkedInAt: z.iso.datetime().nullable(),
    surveyAnswered: z.boolean(),
    /** The fee of this sign-up in fen (0: free). */
    feeFen: z.number().int(),
    /** The fee's payment order (as an appointment's deposit): paid through POST /api/mp/payments/:id/jsapi. */
    paymentId: ObjectId.nullable(),
    /** Until when an `awaiting_payment` place is held; for a lapsed hold (`cancelReason` `unpaid`), the time missed. */
    holdExpiresAt: z.iso.datetime().nullable(),
    paidAt: z.iso.datetime().nullable(),
    /** The fee being or been given back (fen); null: none. */
    refundFen: z.number().int().nullable(),
    refundedAt: z.iso.datetime().nullable(),
    /** Whether cancelling now would give the fee back (paid, before the sign-up deadline). */
    refundableOnCancel: z.boolean(),
    /** Why and when it was cancelled: only while `cancelled` (null when the reason is not known). */
    cancelReason: RegistrationCancelReason.nullable(),
    cancelledAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'MyRegistration' });
export type MyRegistration = z.infer<typeof MyRegistration>;

/** The mini-program's meeting. */
export const CustomerMeeting = z
  .object({
    ...meetingView,
    /** Places left (0 when full). */
    placesLeft: z.number().int(),
    /** Whether a sign-up now would join the waitlist. */
    waitlistOpen: z.boolean(),
    /** Whether sign-up is open now (published, before the deadline). */
    signUpOpen: z.boolean(),
    checkIn: z.object({ opensAt: z.iso.datetime(), closesAt: z.iso.datetime() }),
    survey: z.object({
      questionCount: z.number().int(),
      opensAt: z.iso.datetime(),
      closesAt: z.iso.datetime(),
    }),
    /** Shown to confirmed registrants only; null otherwise. */
    onlineUrl: z.string().nullable(),
    myRegistration: MyRegistration.nullable(),
    /** The meeting reminder's subscribe-message template to ask for after signing up; '' when none. */
    reminderTemplateId: z.string(),
  })
  .meta({ id: 'CustomerMeeting' });
export type CustomerMeeting = z.infer<typeof CustomerMeeting>;

export const CustomerMeetingSummary = z
  .object({
    id: ObjectId,
    title: z.string(),
    audience: MeetingAudience,
    status: MeetingStatus,
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    timeZone: z.string(),
    venueName: z.string().nullable(),
    online: z.boolean(),
    placesLeft: z.number().int(),
    feeFen: z.number().int(),
    myRegistration: MyRegistration.nullable(),
  })
  .meta({ id: 'CustomerMeetingSummary' });
export type CustomerMeetingSummary = z.infer<typeof CustomerMeetingSummary>;
export const CustomerMeetingList = z.object({ items: z.array(CustomerMeetingSummary) });

export const MeetingCheckInRequest = z.strictObject({ key: MeetingKey });
export const StaffMeetingCheckInRequest = z.strictObject({ code: z.string().min(8).max(64) });

export const HcpSummary = z.object({
  hospital: z.string().nullable(),
  department: z.string().nullable(),
  title: z.string().nullable(),
  verification: z.enum(['unverified', 'verified', 'rejected']),
});

export const MeetingPaymentStatus = z.enum(['none', 'awaiting', 'paid', 'refunding', 'refunded', 'unpaid']);
export type MeetingPaymentStatus = z.infer<typeof MeetingPaymentStatus>;

/** One person on a meeting's list (signed up, waiting, cancelled, or only invited). */
export const MeetingAttendee = z
  .object({
    customer: z.object({
      id: ObjectId,
      name: z.string().nullable(),
      kind: z.enum(['patient', 'hcp']),
      /** Masked (138****5678). */
      phone: z.string().nullable(),
      hcp: HcpSummary.nullable(),
    }),
    registrationId: ObjectId.nullable(),
    status: z.enum(['confirmed', 'awaiting_payment', 'waitlisted', 'cancelled', 'invited']),
    waitlistPosition: z.number().int().nullable(),
    invited: z.boolean(),
    invitedAt: z.iso.datetime().nullable(),
    signedUpAt: z.iso.datetime().nullable(),
    confirmedAt: z.iso.datetime().nullable(),
    cancelledAt: z.iso.datetime().nullable(),
    checkedInAt: z.iso.datetime().nullable(),
    /** `self`: scanned the venue code; `staff`: a staff member scanned the attendee's code. */
    checkedInVia: z.enum(['self', 'staff']).nullable(),
    surveyedAt: z.iso.datetime().nullable(),
    /** Paid meetings: `awaiting` (place held), `paid`, `refunding`, `refunded`, `unpaid` (lapsed); `none`: free. */
    paymentStatus: MeetingPaymentStatus,
    /** What was paid, in fen (0: nothing). */
    paidFen: z.number().int(),
    refundFen: z.number().int().nullable(),
    holdExpiresAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'MeetingAttendee' });
export type MeetingAttendee = z.infer<typeof MeetingAttendee>;

export const MeetingAttendeeList = z.object({ items: z.array(MeetingAttendee), counts: MeetingCounts });

export const InviteToMeetingRequest = z.strictObject({ customerIds: z.array(ObjectId).min(1).max(200) });
export const InviteToMeetingResult = z.object({ invited: z.number().int(), alreadyInvited: z.number().int() });

/** The answer to one question: see SurveyQuestion for each kind's form. */
export const SurveyAnswerValue = z.union([z.number().int(), z.array(z.number().int()).max(20), z.string().max(2000)]);
export const AnswerSurveyRequest = z.strictObject({
  answers: z.record(SurveyQuestionId, SurveyAnswerValue),
});
export type AnswerSurveyRequest = z.infer<typeof AnswerSurveyRequest>;

export const MeetingSurvey = z
  .object({
    meetingId: ObjectId,
    title: z.string(),
    questions: z.array(SurveyQuestion),
    opensAt: z.iso.datetime(),
    closesAt: z.iso.datetime(),
    open: z.boolean(),
    /** Only attendees who checked in may answer. */
    eligible: z.boolean(),
    answered: z.boolean(),
    /** The caller's answers once given. */
    answers: z.record(z.string(), SurveyAnswerValue).nullable(),
  })
  .meta({ id: 'MeetingSurvey' });
export type MeetingSurvey = z.infer<typeof MeetingSurvey>;

export const SurveyQuestionResult = z.object({
  id: z.string(),
  kind: z.enum(['single', 'multiple', 'rating', 'text']),
  text: z.string(),
  /** How many answered this question. */
  answered: z.number().int(),
  /** single / multiple: each option with its count. */
  options: z.array(z.object({ label: z.string(), count: z.number().int() })).nullable(),
  /** rating: counts of 1…5 and the average (null without answers). */
  rating: z.object({ counts: z.array(z.number().int()).length(5), average: z.number().nullable() }).nullable(),
  /** text: the latest answers (at most 200). */
  texts: z.array(z.string()).nullable(),
});

export const MeetingSurveyResults = z
  .object({ meetingId: ObjectId, responses: z.number().int(), questions: z.array(SurveyQuestionResult) })
  .meta({ id: 'MeetingSurveyResults' });
export type MeetingSurveyResults = z.infer<typeof MeetingSurveyResults>;

/** A check-in's answer; replaying it answers the same registration with `alreadyCheckedIn: true`. */
export const MeetingCheckInResult = z
  .object({
    meeting: z.object({ id: ObjectId, title: z.string() }),
    registration: MyRegistration,
    alreadyCheckedIn: z.boolean(),
  })
  .meta({ id: 'MeetingCheckInResult' });
export type MeetingCheckInResult = z.infer<typeof MeetingCheckInResult>;

export const StaffMeetingCheckInResult = z
  .object({ attendee: MeetingAttendee, alreadyCheckedIn: z.boolean() })
  .meta({ id: 'StaffMeetingCheckInResult' });
export type StaffMeetingCheckInResult = z.infer<typeof StaffMeetingCheckInResult>;
