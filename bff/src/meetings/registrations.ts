/**
 * Sign-up, waitlist, cancellation and check-in. Without transactions, who holds a place is decided by one array
 * on the meeting, `queue`, changed only by single-document updates:
 *   - signing up pushes the registration's ticket at the end, only while the queue is shorter than
 *     capacity + waitlistLimit (and the meeting is published): places and waitlist are never oversold;
 *   - cancelling pulls the ticket: everyone behind moves up one, so the first waitlisted person, and only they,
 *     now stands within the capacity.
 * A registration's status follows its position (first `capacity`: confirmed; the rest: waitlisted). Positions only
 * ever move forward (pushes append, pulls remove), so any read of the queue gives each person a status they truly
 * had at that moment; statuses move `pending → confirmed | waitlisted → confirmed` by conditional updates, each
 * once, and each move records its timeline event once. `settleQueue` brings every registration in line with the
 * queue (after cancellations, capacity changes, and from the upkeep job after a crash); it also drops tickets no
 * live registration holds (a ticket is never reused, so a dead one can always be removed).
 */
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { AppError, notFound } from '../http/errors';
import { isDuplicateKey } from '../db/retry';
import { getCustomer, isVerifiedHcp } from '../identity/service';
import { registerMergeStep } from '../identity/mergeSteps';
import { registerPrivacyContributor } from '../privacy/contributors';
import { meetingNow } from './clock';
import { MeetingModel, MeetingRegistrationModel, MeetingSurveyAnswerModel } from './model';
import { moveRegistration, recordRegistrationEvent } from './moves';
import {
  closeFeeOrder,
  ensureFeeOrder,
  feeOf,
  holdExpiry,
  refundableOnCancel,
  releaseDroppedFee,
  settleCancelledFee,
} from './fees';
import {
  checkInWindow,
  findMeeting,
  findRegistration,
  isCustomerVisible,
  signUpDeadline,
  type MeetingDoc,
  type RegistrationDoc,
} from './store';

type LiveStatus = 'pending' | 'confirmed' | 'awaiting_payment' | 'waitlisted';
const LIVE: LiveStatus[] = ['pending', 'confirmed', 'awaiting_payment', 'waitlisted'];
/** Statuses that hold a place: confirmed, or held until paid (a held place is not free). */
const HOLDS_PLACE = ['confirmed', 'awaiting_payment'];

const sameId = (a: unknown, b: unknown) => String(a) === String(b);

/** Audiences a customer may join: everyone `public`; non-HCPs `patient`; verified HCPs `hcp`. */
export async function audiencesOf(organisationId: string, customerId: string) {
  const [customer, verified] = await Promise.all([
    getCustomer(organisationId, customerId),
    isVerifiedHcp(organisationId, customerId),
  ]);
  const audiences: string[] = ['public'];
  if (customer.kind === 'patient') audiences.push('patient');
  if (verified) audiences.push('hcp');
  return audiences;
}

/** HCP_ONLY for an HCP meeting and anyone but a verified HCP; NOT_ELIGIBLE for a patient event and an HCP. */
export async function assertAudience(meeting: Pick<MeetingDoc, 'audience' | 'organisationId'>, customerId: string) {
  if (meeting.audience === 'public') return;
  const audiences = await audiencesOf(String(meeting.organisationId), customerId);
  if (audiences.includes(meeting.audience)) return;
  if (meeting.audience === 'hcp') {
    throw new AppError('HCP_ONLY', 'This meeting is for verified healthcare professionals only');
  }
  throw new AppError('NOT_ELIGIBLE', 'This event is for patients');
}

// ---------------------------------------------------------------------------------------------------------------
// Status moves

/** Moves a registration's status to what its queue position says, once; records the event of the move. */
async function moveTo(
  meeting: MeetingDoc,
  reg: Pick<RegistrationDoc, '_id' | 'ticket' | 'attempt' | 'customerId' | 'status'>,
  target: 'confirmed' | 'waitlisted',
  position: number,
  now: Date,
) {
  if (target === 'waitlisted') {
    await moveRegistration(
      meeting,
      reg,
      { status: 'pending' },
      { status: 'waitlisted', waitlistedAt: now },
      { type: 'meeting.waitlisted', properties: { position: position - meeting.capacity + 1 } },
    );
    return;
  }
  if (feeOf(meeting) > 0) return holdPlace(meeting, reg, now);
  const confirm = { status: 'confirmed', confirmedAt: now };
  if (await moveRegistration(meeting, reg, { status: 'pending' }, confirm, { type: 'meeting.signed_up' })) return;
  await moveRegistration(meeting, reg, { status: 'waitlisted' }, confirm, { type: 'meeting.promoted' });
}

/**
 * A paid meeting's place: held (`awaiting_payment`) until paid or `holdExpiresAt`, with its payment order. Holds are
 * made only while the meeting is published (people can pay then); a promotion from the waitlist is recorded as
 * `meeting.promoted` with the deadline (the customer is told as for any promotion).
 */
async function holdPlace(
  meeting: MeetingDoc,
  reg: Pick<RegistrationDoc, '_id' | 'ticket' | 'attempt' | 'customerId' | 'status'>,
  now: Date,
) {
  if (meeting.status !== 'published') return;
  const fee = { feeFen: feeOf(meeting), paymentId: null, paidAt: null, refundFen: null, refundedAt: null };
  const hold = (holdExpiresAt: Date) => ({ status: 'awaiting_payment', holdExpiresAt, ...fee });
  if (await moveRegistration(meeting, reg, { status: 'pending' }, hold(holdExpiry(meeting, 'signup', now)))) {
    return ensureFeeOrder(meeting, reg._id);
  }
  const holdExpiresAt = holdExpiry(meeting, 'promotion', now);
  const promoted = await moveRegistration(meeting, reg, { status: 'waitlisted' }, hold(holdExpiresAt), {
    type: 'meeting.promoted',
    properties: { feeFen: feeOf(meeting), holdExpiresAt: holdExpiresAt.toISOString() },
  });
  if (promoted) await ensureFeeOrder(meeting, reg._id);
}

/**
 * Brings every registration of the meeting in line with the queue: drops dead tickets, then confirms the first
 * `capacity` and waitlists the rest. Idempotent; safe to run concurrently (each move is conditional).
 */
export async function settleQueue(organisationId: string, meetingId: string, now = meetingNow()): Promise<void> {
  const meeting = await findMeeting(organisationId, meetingId);
  if (!meeting || meeting.queue.length === 0) return;
  const regs = await MeetingRegistrationModel.find({ meetingId: meeting._id, ticket: { $in: meeting.queue } }).lean();
  const byTicket = new Map(regs.map((reg) => [String(reg.ticket), reg]));
  const dead = meeting.queue.filter((ticket) => {
    const reg = byTicket.get(String(ticket));
    return !reg || reg.status === 'cancelled';
  });
  if (dead.length) await MeetingModel.updateOne({ _id: meeting._id }, { $pull: { queue: { $in: dead } } });
  const live = meeting.queue.filter((ticket) => !dead.some((d) => sameId(d, ticket)));
  for (const [position, ticket] of live.entries()) {
    const reg = byTicket.get(String(ticket))!;
    const target = position < meeting.capacity ? 'confirmed' : 'waitlisted';
    if (reg.status === target || HOLDS_PLACE.includes(reg.status)) continue;
    if (target === 'waitlisted' && reg.status !== 'pending') continue;
    await moveTo(meeting, reg, target, position, now);
  }
}

/** Settles one registration from a fresh read of the queue (the sign-up path: cheaper than the whole queue). */
async function settleOwn(meetingId: Types.ObjectId, reg: RegistrationDoc, now: Date) {
  const meeting = await MeetingModel.findById(meetingId).lean();
  if (!meeting) return;
  const position = meeting.queue.findIndex((ticket) => sameId(ticket, reg.ticket));
  if (position < 0) return;
  await moveTo(meeting, reg, position < meeting.capacity ? 'confirmed' : 'waitlisted', position, now);
}

// ---------------------------------------------------------------------------------------------------------------
// Sign-up and cancellation

/** Pushes the ticket into the queue if there is room; true when the ticket is in the queue. */
async function joinQueue(organisationId: string, meetingId: string, ticket: Types.ObjectId) {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const meeting = await findMeeting(organisationId, meetingId);
    if (!meeting) return false;
    if (meeting.queue.some((entry) => sameId(entry, ticket))) return true;
    if (meeting.status !== 'published') return false;
    const limit = meeting.capacity + meeting.waitlistLimit;
    const pushed = await MeetingModel.updateOne(
      {
        _id: meeting._id,
        status: 'published',
        capacity: meeting.capacity,
        waitlistLimit: meeting.waitlistLimit,
        queue: { $ne: ticket },
        [`queue.${limit - 1}`]: { $exists: false },
      },
      { $push: { queue: ticket } },
    );
    if (pushed.modifiedCount === 1) return true;
    const now = await MeetingModel.findById(meeting._id, { queue: 1, capacity: 1, waitlistLimit: 1 }).lean();
    if (!now) return false;
    if (now.queue.some((entry) => sameId(entry, ticket))) return true;
    // Full, unless the limits changed meanwhile (then try again with the new ones).
    if (now.capacity === meeting.capacity && now.waitlistLimit === meeting.waitlistLimit) return false;
  }
  return false;
}

function newRegistrationFields(now: Date) {
  return {
    status: 'pending' as const,
    ticket: new Types.ObjectId(),
    signedUpAt: now,
    confirmedAt: null,
    waitlistedAt: null,
    cancelledAt: null,
    cancelReason: null,
    reminder: null,
    feeFen: 0,
    paymentId: null,
    holdExpiresAt: null,
    paidAt: null,
    refundFen: null,
    refundRequestedAt: null,
    refundedAt: null,
  };
}

/** The customer's live registration: existing, re-opened after a cancellation, or new. */
async function liveRegistration(meeting: MeetingDoc, customerId: string, now: Date): Promise<RegistrationDoc> {
  for (let round = 0; round < 5; round += 1) {
    const existing = await findRegistration(meeting._id, customerId);
    if (existing && existing.status !== 'cancelled') return existing;
    assertSignUpOpen(meeting, now);
    await assertAudience(meeting, customerId);
    if (!existing) {
      try {
        const created = await MeetingRegistrationModel.create({
          organisationId: meeting.organisationId,
          meetingId: meeting._id,
          customerId,
          attempt: 1,
          checkInCode: randomBytes(12).toString('base64url'),
          ...newRegistrationFields(now),
        });
        return created.toObject();
      } catch (error) {
        if (isDuplicateKey(error)) continue; // a concurrent sign-up of the same person created it
        throw error;
      }
    }
    // A lapsed hold whose place is not yet freed (a crash) is finished first: its old ticket leaves the queue.
    if (existing.freeingPlaceAt) await freeLapsedPlaces([existing], now);
    const fields = { ...newRegistrationFields(now), attempt: existing.attempt + 1 };
    const reopened = await MeetingRegistrationModel.updateOne(
      { _id: existing._id, status: 'cancelled', ticket: existing.ticket, freeingPlaceAt: null },
      { $set: fields },
    );
    if (reopened.modifiedCount === 1) return { ...existing, ...fields };
  }
  throw new AppError('MEETING_STATE_CONFLICT', 'The registration keeps changing; try again');
}

function assertSignUpOpen(meeting: MeetingDoc, now: Date) {
  if (meeting.status !== 'published') {
    throw new AppError('MEETING_SIGNUP_CLOSED', `Sign-up is closed: the meeting is ${meeting.status}`);
  }
  if (now.getTime() >= signUpDeadline(meeting).getTime()) {
    throw new AppError('MEETING_SIGNUP_CLOSED', 'Sign-up closed at the deadline', {
      deadline: signUpDeadline(meeting).toISOString(),
    });
  }
}

/**
 * Signs the customer up: a place if one is left, else the waitlist, else MEETING_FULL. Signing up again answers
 * the same registration (even after the deadline).
 */
export async function signUp(organisationId: string, customerId: string, meetingId: string, now = meetingNow()) {
  const found = await findMeeting(organisationId, meetingId);
  if (!found || !isCustomerVisible(found.status)) throw notFound('Meeting');
  // Lapsed holds first: their places are free again (and the person's own lapsed hold makes way for a new attempt).
  const meeting =
    feeOf(found) > 0 && (await expireFeeHolds(now, { meetingId: found._id }))
      ? (await findMeeting(organisationId, meetingId))!
      : found;
  const reg = await liveRegistration(meeting, customerId, now);
  if (reg.status === 'pending') {
    if (!(await joinQueue(organisationId, meetingId, reg.ticket))) {
      await MeetingRegistrationModel.updateOne(
        { _id: reg._id, ticket: reg.ticket, status: 'pending' },
        { $set: { status: 'cancelled', cancelReason: 'full', cancelledAt: now } },
      );
      const current = await findMeeting(organisationId, meetingId);
      if (current?.status !== 'published') throw new AppError('MEETING_SIGNUP_CLOSED', 'Sign-up is closed');
      throw new AppError('MEETING_FULL', 'Every place and the waitlist are taken');
    }
    await settleOwn(meeting._id, reg, now);
  }
  const current = (await findRegistration(meeting._id, customerId))!;
  if (current.status === 'awaiting_payment' && !current.paymentId) {
    await ensureFeeOrder(meeting, current._id); // a crash (or a lost race) left the hold without its order
    return (await findRegistration(meeting._id, customerId))!;
  }
  return current;
}

/** The customer cancels before the start; the first waitlisted person takes the freed place. */
export async function cancelSignUp(organisationId: string, customerId: string, meetingId: string, now = meetingNow()) {
  const meeting = await findMeeting(organisationId, meetingId);
  const reg = meeting ? await findRegistration(meeting._id, customerId) : null;
  if (!meeting || !reg) throw notFound('Registration');
  if (reg.status === 'cancelled') return reg;
  if (reg.checkedInAt) throw new AppError('MEETING_STATE_CONFLICT', 'Checked in already: the sign-up stands');
  if (meeting.status !== 'cancelled' && now.getTime() >= meeting.startsAt.getTime()) {
    throw new AppError('MEETING_STATE_CONFLICT', 'The meeting has started; a sign-up can no longer be cancelled');
  }
  const before = await MeetingRegistrationModel.findOneAndUpdate(
    { _id: reg._id, ticket: reg.ticket, status: { $in: LIVE }, checkedInAt: null },
    { $set: { status: 'cancelled', cancelReason: 'by_customer', cancelledAt: now } },
    { returnDocument: 'before' },
  ).lean();
  if (before) {
    // A held place's order is closed; a paid one is refunded before the sign-up deadline (not after).
    const refundFen = before.feeFen ? await settleCancelledFee(meeting, before, now) : 0;
    await recordRegistrationEvent(meeting, reg, 'meeting.cancelled_signup', {
      properties: { wasWaitlisted: before.status === 'waitlisted', ...(before.paidAt && { refundFen }) },
    });
  }
  await MeetingModel.updateOne({ _id: meeting._id }, { $pull: { queue: reg.ticket } });
  await settleQueue(organisationId, meetingId, now);
  const after = (await findRegistration(meeting._id, customerId))!;
  if (after.status !== 'cancelled') {
    throw new AppError('MEETING_STATE_CONFLICT', 'The registration changed meanwhile; try again');
  }
  return after;
}

// ---------------------------------------------------------------------------------------------------------------
// Check-in

async function checkIn(
  meeting: MeetingDoc,
  reg: RegistrationDoc | null,
  by: { staffId: string | null },
  now: Date,
): Promise<{ registration: RegistrationDoc; alreadyCheckedIn: boolean }> {
  if (reg?.status === 'pending') {
    await settleOwn(meeting._id, reg, now);
    reg = await findRegistration(meeting._id, reg.customerId);
  }
  if (!reg || reg.status !== 'confirmed') {
    throw new AppError(
      'MEETING_NOT_REGISTERED',
      reg?.status === 'waitlisted'
        ? 'Still on the waitlist: no place to check in to'
        : reg?.status === 'awaiting_payment'
          ? 'The fee is not paid: the place is only held'
          : 'Not signed up for this meeting',
    );
  }
  if (reg.checkedInAt) return { registration: reg, alreadyCheckedIn: true };
  const window = checkInWindow(meeting);
  if (!['published', 'finished'].includes(meeting.status) || now < window.opensAt || now > window.closesAt) {
    throw new AppError('MEETING_CHECK_IN_CLOSED', 'Check-in is not open now', {
      opensAt: window.opensAt.toISOString(),
      closesAt: window.closesAt.toISOString(),
    });
  }
  const done = await MeetingRegistrationModel.updateOne(
    { _id: reg._id, ticket: reg.ticket, status: 'confirmed', checkedInAt: null },
    { $set: { checkedInAt: now, checkedInBy: by.staffId ? new Types.ObjectId(by.staffId) : null } },
  );
  const current = (await findRegistration(meeting._id, reg.customerId))!;
  if (done.modifiedCount === 1) {
    await recordRegistrationEvent(meeting, current, 'meeting.checked_in', {
      properties: { via: by.staffId ? 'staff' : 'self' },
      actor: by.staffId,
    });
    return { registration: current, alreadyCheckedIn: false };
  }
  if (current.checkedInAt) return { registration: current, alreadyCheckedIn: true };
  throw new AppError('MEETING_STATE_CONFLICT', 'The registration changed meanwhile; try again');
}

/** The attendee scanned the venue's code (scene = meeting key). */
export async function checkInAtVenue(organisationId: string, customerId: string, key: string, now = meetingNow()) {
  const meeting = await MeetingModel.findOne({ organisationId, key }).lean();
  if (!meeting || !isCustomerVisible(meeting.status)) throw notFound('Meeting');
  return {
    meeting,
    ...(await checkIn(meeting, await findRegistration(meeting._id, customerId), { staffId: null }, now)),
  };
}

/** Staff scanned the attendee's code at the desk of this meeting. */
export async function checkInByCode(
  organisationId: string,
  staffId: string,
  meetingId: string,
  code: string,
  now = meetingNow(),
) {
  const meeting = await findMeeting(organisationId, meetingId);
  if (!meeting) throw notFound('Meeting');
  const reg = await MeetingRegistrationModel.findOne({
    organisationId,
    meetingId: meeting._id,
    checkInCode: code,
  }).lean();
  if (!reg) throw notFound('Registration');
  return { meeting, ...(await checkIn(meeting, reg, { staffId }, now)) };
}

// ---------------------------------------------------------------------------------------------------------------
// Views and upkeep

/** Where a waitlisted registration stands (1 = next in line), from a read of the queue. */
export function waitlistPosition(
  meeting: Pick<MeetingDoc, 'queue' | 'capacity'>,
  reg: Pick<RegistrationDoc, 'ticket'>,
) {
  const index = meeting.queue.findIndex((ticket) => sameId(ticket, reg.ticket));
  return index < meeting.capacity ? null : index - meeting.capacity + 1;
}

/** The status the API shows: a pending registration shows what its position says (or cancelled without one). */
export function shownStatus(
  meeting: Pick<MeetingDoc, 'queue' | 'capacity' | 'feeFen'>,
  reg: Pick<RegistrationDoc, 'ticket' | 'status'>,
): 'confirmed' | 'awaiting_payment' | 'waitlisted' | 'cancelled' {
  if (reg.status !== 'pending') return reg.status;
  const index = meeting.queue.findIndex((ticket) => sameId(ticket, reg.ticket));
  if (index < 0) return 'cancelled';
  if (index >= meeting.capacity) return 'waitlisted';
  return feeOf(meeting) > 0 ? 'awaiting_payment' : 'confirmed';
}

export async function describeRegistration(
  meeting: Pick<MeetingDoc, 'queue' | 'capacity' | 'feeFen' | 'signUpDeadline' | 'startsAt'>,
  reg: RegistrationDoc,
  now = meetingNow(),
) {
  const status = shownStatus(meeting, reg);
  const cancelReason = reg.status === 'cancelled' ? (reg.cancelReason ?? null) : null;
  const surveyAnswered = Boolean(
    await MeetingSurveyAnswerModel.exists({ meetingId: reg.meetingId, customerId: reg.customerId }),
  );
  return {
    id: String(reg._id),
    meetingId: String(reg.meetingId),
    status,
    waitlistPosition: status === 'waitlisted' ? waitlistPosition(meeting, reg) : null,
    signedUpAt: reg.signedUpAt.toISOString(),
    checkInCode: status === 'confirmed' ? reg.checkInCode : null,
    checkedInAt: reg.checkedInAt?.toISOString() ?? null,
    surveyAnswered,
    feeFen: reg.feeFen ?? 0,
    paymentId: reg.paymentId ? String(reg.paymentId) : null,
    // Held: until when; lapsed: the time the fee was not paid by.
    holdExpiresAt:
      status === 'awaiting_payment' || (status === 'cancelled' && cancelReason === 'unpaid')
        ? (reg.holdExpiresAt?.toISOString() ?? null)
        : null,
    paidAt: reg.paidAt?.toISOString() ?? null,
    refundFen: reg.refundFen ?? null,
    refundedAt: reg.refundedAt?.toISOString() ?? null,
    refundableOnCancel: refundableOnCancel(meeting, reg, now),
    cancelReason: status === 'cancelled' ? cancelReason : null,
    cancelledAt: status === 'cancelled' ? (reg.cancelledAt?.toISOString() ?? null) : null,
  };
}

/**
 * Holds of paid meetings not paid by `holdExpiresAt` lapse: the registration is cancelled (`unpaid`, once: a
 * conditional update that a payment confirming it at the same moment cannot also win), its ticket leaves the queue,
 * its order is closed (a payment that still arrives is refunded), and the queue is settled, so the next in line gets
 * the place. Run by the fees job and lazily when a meeting is read or signed up for; answers how many lapsed.
 *
 * The cancel also sets `freeingPlaceAt`, cleared only once the place is freed and the queue settled: every run
 * finishes the lapsed holds still so marked (just lapsed, or left so by a run that crashed, however long ago). The
 * finishing steps are idempotent, so runs doing it at once are harmless.
 */
export async function expireFeeHolds(now = meetingNow(), only?: { meetingId: Types.ObjectId }): Promise<number> {
  const scope = only ? { meetingId: only.meetingId } : {};
  const due = await MeetingRegistrationModel.find({
    status: 'awaiting_payment',
    holdExpiresAt: { $lte: now },
    ...scope,
  })
    .limit(500)
    .lean();
  let expired = 0;
  for (const reg of due) {
    const lapsed = await MeetingRegistrationModel.updateOne(
      { _id: reg._id, ticket: reg.ticket, status: 'awaiting_payment', holdExpiresAt: { $lte: now } },
      { $set: { status: 'cancelled', cancelReason: 'unpaid', cancelledAt: now, freeingPlaceAt: now } },
    );
    if (lapsed.modifiedCount === 1) expired += 1;
  }
  const freeing = await MeetingRegistrationModel.find({ freeingPlaceAt: { $gt: new Date(0) }, ...scope })
    .limit(500)
    .lean();
  const byMeeting = new Map<string, RegistrationDoc[]>();
  for (const reg of freeing)
    byMeeting.set(String(reg.meetingId), [...(byMeeting.get(String(reg.meetingId)) ?? []), reg]);
  for (const regs of byMeeting.values()) await freeLapsedPlaces(regs, now);
  return expired;
}

/** The steps after a hold of this meeting lapsed: free the places, record the lapses, close the orders, settle. */
async function freeLapsedPlaces(regs: RegistrationDoc[], now: Date) {
  const { meetingId, organisationId } = regs[0]!;
  const meeting = await MeetingModel.findByIdAndUpdate(meetingId, {
    $pull: { queue: { $in: regs.map((reg) => reg.ticket) } },
  }).lean();
  for (const reg of regs) {
    if (meeting) {
      await recordRegistrationEvent(meeting, reg, 'meeting.payment_expired', { properties: { feeFen: reg.feeFen } });
    }
    if (!reg.paidAt) await closeFeeOrder(reg.paymentId);
  }
  await settleQueue(String(organisationId), String(meetingId), now);
  await MeetingRegistrationModel.updateMany(
    { _id: { $in: regs.map((reg) => reg._id) }, status: 'cancelled' },
    { $unset: { freeingPlaceAt: 1 } },
  );
}

/**
 * Job: registrations a crash left pending are settled (their ticket is in the queue) or closed (it is not; the
 * person signs up again), and every meeting they belong to is settled. `now` is real time, not the meeting clock: it
 * is compared with the `updatedAt` mongoose stamps.
 */
export async function settleStaleRegistrations(now = new Date()): Promise<number> {
  const stale = await MeetingRegistrationModel.find({
    status: 'pending',
    updatedAt: { $lt: new Date(now.getTime() - 2 * 60_000) },
  })
    .limit(500)
    .lean();
  const meetings = new Map<string, string>();
  for (const reg of stale) meetings.set(String(reg.meetingId), String(reg.organisationId));
  for (const [meetingId, organisationId] of meetings) await settleQueue(organisationId, meetingId, now);
  for (const reg of stale) {
    const inQueue = await MeetingModel.exists({ _id: reg.meetingId, queue: reg.ticket });
    if (inQueue) continue;
    await MeetingRegistrationModel.updateOne(
      { _id: reg._id, ticket: reg.ticket, status: 'pending' },
      { $set: { status: 'cancelled', cancelReason: 'incomplete', cancelledAt: now } },
    );
  }
  return stale.length;
}

// ---------------------------------------------------------------------------------------------------------------
// Merge and privacy

const RANK: Record<string, number> = { cancelled: 0, pending: 1, waitlisted: 2, awaiting_payment: 3, confirmed: 4 };
const rank = (reg: RegistrationDoc) => RANK[reg.status]! + (reg.checkedInAt ? 10 : 0);

/**
 * A merged profile's registrations become the survivor's. Where both signed up for the same meeting, the one
 * further along (checked in > confirmed > waitlisted > cancelled) is kept and the other cancelled, its ticket
 * dropped from the queue (one person holds one place).
 */
registerMergeStep({
  name: 'meeting-registrations',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    const moving = await MeetingRegistrationModel.find({ organisationId, customerId: fromCustomerId }).lean();
    for (const reg of moving) {
      const other = await findRegistration(reg.meetingId, intoCustomerId);
      // Another run of this merge moved it meanwhile: it is the survivor's now, nothing to decide.
      if (other && sameId(other._id, reg._id)) continue;
      const keepMoving = !other || rank(reg) > rank(other);
      if (other) {
        // The dropped one is deleted last: a merge that crashed before then resumes with it still there, and every
        // step before is idempotent (one refund per attempt, the ticket pulled, the queue settled).
        const drop = keepMoving ? other : reg;
        const meeting = await MeetingModel.findById(drop.meetingId, { signUpDeadline: 1, startsAt: 1 }).lean();
        // Its hold's order closed, its fee refunded (the kept one's payment stays).
        if (meeting) await releaseDroppedFee(meeting, drop);
        await MeetingModel.updateOne({ _id: drop.meetingId }, { $pull: { queue: drop.ticket } });
        await settleQueue(organisationId, String(drop.meetingId));
        // Only while it is still the profile it was read as (a concurrent run may have moved it to the survivor).
        await MeetingRegistrationModel.deleteOne({ _id: drop._id, customerId: drop.customerId });
      }
      // A concurrent sign-up of the survivor for the same meeting makes this throw (duplicate key); the merge
      // then resumes and the next run decides between the two.
      if (keepMoving) {
        await MeetingRegistrationModel.updateOne({ _id: reg._id }, { $set: { customerId: intoCustomerId } });
      }
      await settleQueue(organisationId, String(reg.meetingId));
    }
  },
});

registerPrivacyContributor({
  name: 'meeting-registrations',
  async exportData({ organisationId, customerId }) {
    const regs = await MeetingRegistrationModel.find({ organisationId, customerId }).sort({ signedUpAt: -1 }).lean();
    const meetings = await MeetingModel.find({ _id: { $in: regs.map((reg) => reg.meetingId) } }, { title: 1 }).lean();
    const titles = new Map(meetings.map((meeting) => [String(meeting._id), meeting.title]));
    return regs.map((reg) => ({
      meetingId: String(reg.meetingId),
      meeting: titles.get(String(reg.meetingId)) ?? null,
      status: reg.status,
      signedUpAt: reg.signedUpAt.toISOString(),
      confirmedAt: reg.confirmedAt?.toISOString() ?? null,
      cancelledAt: reg.cancelledAt?.toISOString() ?? null,
      checkedInAt: reg.checkedInAt?.toISOString() ?? null,
      feeFen: reg.feeFen ?? 0,
      paymentId: reg.paymentId ? String(reg.paymentId) : null,
      paidAt: reg.paidAt?.toISOString() ?? null,
      refundFen: reg.refundFen ?? null,
      refundedAt: reg.refundedAt?.toISOString() ?? null,
    }));
  },
  // Registrations stay (attendance numbers and compliance records need them); they hold nothing free-text.
  erase: async () => {},
});
