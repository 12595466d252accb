import mongoose, { Schema } from 'mongoose';

const historySchema = new Schema(
  {
    action: { type: String, required: true },
    by: { type: Schema.Types.ObjectId, default: null },
    at: { type: Date, required: true },
    reason: { type: String, default: '' },
    version: { type: Number, required: true },
    fields: { type: [String], default: [] },
  },
  { _id: false },
);

/**
 * A meeting and its workflow. `queue` holds the tickets of the live registrations in sign-up order: the first
 * `capacity` hold a place, the rest wait. Every change to who holds a place is one update of this array ($push a
 * ticket at the end while the queue is shorter than capacity + waitlistLimit; $pull a ticket), so places are never
 * oversold, and a cancellation promotes exactly the next in line — the registration's status follows its position
 * (see registrations.ts). `version` counts material edits; a decision names the version it approved.
 */
const meetingSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true, unique: true },
    title: { type: String, required: true },
    description: { type: String, default: '' },
    audience: { type: String, enum: ['hcp', 'patient', 'public'], required: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    venue: {
      type: new Schema({ name: String, address: { type: String, default: '' } }, { _id: false }),
      default: null,
    },
    onlineUrl: { type: String, default: null },
    agenda: { type: [{ time: String, topic: String, speaker: String, _id: false }], default: [] },
    speakers: { type: [{ name: String, title: String, hospital: String, _id: false }], default: [] },
    /** The survey's questions as the shared SurveyQuestion schema describes them. */
    survey: { type: [Schema.Types.Mixed], default: [] },
    capacity: { type: Number, required: true },
    waitlistLimit: { type: Number, required: true },
    signUpDeadline: { type: Date, default: null },
    checkInOpensMinutesBefore: { type: Number, required: true },
    checkInClosesMinutesAfterEnd: { type: Number, required: true },
    surveyOpenDays: { type: Number, required: true },
    status: {
      type: String,
      enum: ['draft', 'submitted', 'approved', 'rejected', 'published', 'finished', 'cancelled'],
      required: true,
    },
    version: { type: Number, required: true, default: 1 },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    history: { type: [historySchema], default: [] },
    cancelReason: { type: String, default: null },
    queue: { type: [Schema.Types.ObjectId], default: [] },
    /** The fee in fen (0: free); fixed once approved (see fees.ts). */
    feeFen: { type: Number, default: 0 },
    /** A cancelled paid meeting: when every fee was refunded and every hold closed (the fees job finishes it). */
    feesSettledAt: { type: Date, default: null },
  },
  { timestamps: true },
);
meetingSchema.index({ organisationId: 1, status: 1, startsAt: 1 });

/**
 * One person's registration for a meeting (one per meeting and customer: signing up again returns it). Each
 * sign-up attempt has a fresh `ticket` (never reused), the entry it holds in the meeting's queue; `attempt`
 * numbers them, so each attempt's timeline events have their own ids. `pending` is the moment between joining
 * the queue and learning the position.
 */
const registrationSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    meetingId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    ticket: { type: Schema.Types.ObjectId, required: true, unique: true },
    attempt: { type: Number, required: true, default: 1 },
    status: {
      type: String,
      enum: ['pending', 'confirmed', 'awaiting_payment', 'waitlisted', 'cancelled'],
      required: true,
    },
    /**
     * Why a registration was cancelled: by the person, the queue was full, a crash left it unfinished, its held place
     * was not paid in time (`unpaid`), or the meeting was cancelled while the place was held.
     */
    cancelReason: {
      type: String,
      enum: ['by_customer', 'full', 'incomplete', 'unpaid', 'meeting_cancelled', null],
      default: null,
    },
    /** An opaque code shown as a QR; staff scan it at the desk. */
    checkInCode: { type: String, required: true, unique: true },
    signedUpAt: { type: Date, required: true },
    confirmedAt: { type: Date, default: null },
    waitlistedAt: { type: Date, default: null },
    cancelledAt: { type: Date, default: null },
    checkedInAt: { type: Date, default: null },
    /** null: by the attendee at the venue code; else the staff member who scanned. */
    checkedInBy: { type: Schema.Types.ObjectId, default: null },
    /** The reminder before the start: claimed (`sending`) by one instance, then its outcome. */
    reminder: { type: String, enum: ['sending', 'sent', 'no_credit', 'no_openid', 'failed', null], default: null },
    /**
     * Paid meetings (fees.ts), per attempt: the fee, the payment order (purpose `meeting_fee`, reference = this
     * registration's id), until when the place is held unpaid, when it was paid, the refund decided (fen) and when
     * it was asked of WeChat Pay and succeeded.
     */
    feeFen: { type: Number, default: 0 },
    paymentId: { type: Schema.Types.ObjectId, default: null },
    holdExpiresAt: { type: Date, default: null },
    paidAt: { type: Date, default: null },
    refundFen: { type: Number, default: null },
    refundRequestedAt: { type: Date, default: null },
    refundedAt: { type: Date, default: null },
    /**
     * Set with the cancel of a lapsed hold, removed once its place is freed and the queue settled (absent otherwise):
     * how `expireFeeHolds` finds lapses a crash left half-done, however long ago.
     */
    freeingPlaceAt: { type: Date },
  },
  { timestamps: true },
);
registrationSchema.index({ meetingId: 1, customerId: 1 }, { unique: true });
registrationSchema.index({ organisationId: 1, customerId: 1 });
registrationSchema.index({ status: 1, updatedAt: 1 });
registrationSchema.index({ status: 1, holdExpiresAt: 1 });
registrationSchema.index({ freeingPlaceAt: 1 }, { sparse: true });

/** A customer staff invited to a meeting (one per meeting and customer). */
const invitationSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    meetingId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    invitedBy: { type: Schema.Types.ObjectId, required: true },
    invitedAt: { type: Date, required: true },
  },
  { timestamps: false },
);
invitationSchema.index({ meetingId: 1, customerId: 1 }, { unique: true });
invitationSchema.index({ organisationId: 1, customerId: 1 });

/** A survey answer: one per meeting and person (the unique key is what makes it once per person). */
const surveyAnswerSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    meetingId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    /** Question id → option index, option indexes, rating 1–5 or text. */
    answers: { type: Schema.Types.Mixed, required: true },
    answeredAt: { type: Date, required: true },
  },
  { minimize: false },
);
surveyAnswerSchema.index({ meetingId: 1, customerId: 1 }, { unique: true });
surveyAnswerSchema.index({ organisationId: 1, customerId: 1 });

/** The venue's mini-program code, generated once per meeting (WeChat's codes are permanent). */
const venueCodeSchema = new Schema({
  meetingId: { type: Schema.Types.ObjectId, required: true, unique: true },
  png: { type: Buffer, required: true },
  createdAt: { type: Date, required: true },
});

export const MeetingModel = mongoose.model('Meeting', meetingSchema, 'meetings');
export const MeetingRegistrationModel = mongoose.model(
  'MeetingRegistration',
  registrationSchema,
  'meeting_registrations',
);
export const MeetingInvitationModel = mongoose.model('MeetingInvitation', invitationSchema, 'meeting_invitations');
export const MeetingSurveyAnswerModel = mongoose.model(
  'MeetingSurveyAnswer',
  surveyAnswerSchema,
  'meeting_survey_answers',
);
export const MeetingVenueCodeModel = mongoose.model('MeetingVenueCode', venueCodeSchema, 'meeting_venue_codes');
