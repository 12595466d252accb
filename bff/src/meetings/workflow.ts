/**
 * The meeting's compliance workflow: create, edit, submit, decide, publish, finish, cancel. Each transition is one
 * conditional update on (status, version), so two staff members acting at once cannot both succeed, and an
 * approval always names the version the approver saw. Every step is appended to the meeting's history.
 */
import { randomBytes } from 'node:crypto';
import {
  MEETING_MATERIAL_FIELDS,
  meetingFieldIssues,
  type CreateMeetingRequest,
  type MeetingDecisionRequest,
  type StaffRole,
  type UpdateMeetingRequest,
} from '@careloop/shared';
import { Types } from 'mongoose';
import { AppError, notFound } from '../http/errors';
import { isDuplicateKey } from '../db/retry';
import { MeetingModel, MeetingSurveyAnswerModel } from './model';
import { meetingNow } from './clock';
import { settleQueue } from './registrations';
import { feeOf, settleCancelledMeetingFees } from './fees';
import { findMeeting, type MeetingDoc } from './store';

export interface Actor {
  id: string;
  roles: readonly StaffRole[];
}

type Status = MeetingDoc['status'];

const KEY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** 10 characters of a–z, 2–7 (50 bits): opaque and safe as a mini-program code's scene. */
export function newMeetingKey(): string {
  return [...randomBytes(10)].map((byte) => KEY_ALPHABET[byte % 32]).join('');
}

const isManager = (actor: Actor) => actor.roles.includes('manager') || actor.roles.includes('admin');

/** The creator and managers run a meeting (edit, submit, publish, finish, cancel). */
function assertCanRun(meeting: MeetingDoc, actor: Actor) {
  if (String(meeting.createdBy) === actor.id || isManager(actor)) return;
  throw new AppError('FORBIDDEN', 'Only the meeting’s creator or a manager can do this');
}

const historyEntry = (action: string, by: string | null, version: number, reason = '', fields: string[] = []) => ({
  action,
  by: by ? new Types.ObjectId(by) : null,
  at: meetingNow(),
  reason,
  version,
  fields,
});

async function loadMeeting(organisationId: string, meetingId: string) {
  const meeting = await findMeeting(organisationId, meetingId);
  if (!meeting) throw notFound('Meeting');
  return meeting;
}

function conflict(meeting: MeetingDoc, action: string): AppError {
  return new AppError('MEETING_STATE_CONFLICT', `A meeting that is ${meeting.status} cannot be ${action}`, {
    status: meeting.status,
  });
}

/** Stored form of the editable fields (dates as Date). */
function storedFields(fields: Partial<CreateMeetingRequest>) {
  const stored: Record<string, unknown> = { ...fields };
  for (const key of ['startsAt', 'endsAt', 'signUpDeadline'] as const) {
    if (fields[key] !== undefined) stored[key] = fields[key] === null ? null : new Date(fields[key]!);
  }
  return stored;
}

/** The editable fields of a stored meeting, as the API takes them (for comparing and checking an edit). */
function requestFields(meeting: MeetingDoc): CreateMeetingRequest {
  return {
    title: meeting.title,
    description: meeting.description ?? '',
    audience: meeting.audience,
    startsAt: meeting.startsAt.toISOString(),
    endsAt: meeting.endsAt.toISOString(),
    venue: meeting.venue ? { name: meeting.venue.name ?? '', address: meeting.venue.address ?? '' } : null,
    onlineUrl: meeting.onlineUrl ?? null,
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
    survey: meeting.survey as CreateMeetingRequest['survey'],
    capacity: meeting.capacity,
    waitlistLimit: meeting.waitlistLimit,
    signUpDeadline: meeting.signUpDeadline?.toISOString() ?? null,
    checkInOpensMinutesBefore: meeting.checkInOpensMinutesBefore,
    checkInClosesMinutesAfterEnd: meeting.checkInClosesMinutesAfterEnd,
    surveyOpenDays: meeting.surveyOpenDays,
    feeFen: feeOf(meeting),
  };
}

const normalised = (key: string, value: unknown) =>
  ['startsAt', 'endsAt', 'signUpDeadline'].includes(key) && typeof value === 'string'
    ? new Date(value).toISOString()
    : JSON.stringify(value);

function assertFuture(startsAt: string, now: Date) {
  if (Date.parse(startsAt) <= now.getTime()) {
    throw new AppError('VALIDATION_FAILED', 'Invalid body', [
      { in: 'body', path: 'startsAt', code: 'custom', message: 'must be in the future' },
    ]);
  }
}

export async function createMeeting(
  organisationId: string,
  actor: Actor,
  input: CreateMeetingRequest,
  now = meetingNow(),
) {
  assertFuture(input.startsAt, now);
  for (let attempt = 0; ; attempt += 1) {
    try {
      const created = await MeetingModel.create({
        organisationId,
        key: newMeetingKey(),
        ...storedFields(input),
        status: 'draft',
        version: 1,
        createdBy: actor.id,
        history: [historyEntry('created', actor.id, 1)],
      });
      return loadMeeting(organisationId, String(created._id));
    } catch (error) {
      if (isDuplicateKey(error) && attempt < 3) continue; // the key was taken: draw another
      throw error;
    }
  }
}

/**
 * Edits a meeting. Material changes (MEETING_MATERIAL_FIELDS) to a submitted, approved or published meeting send
 * it back to `submitted` (a new approval is needed); to a rejected one, back to `draft` (to be resubmitted).
 */
export async function updateMeeting(
  organisationId: string,
  actor: Actor,
  meetingId: string,
  changes: UpdateMeetingRequest,
  now = meetingNow(),
) {
  const meeting = await loadMeeting(organisationId, meetingId);
  assertCanRun(meeting, actor);
  if (['finished', 'cancelled'].includes(meeting.status)) throw conflict(meeting, 'edited');
  const current = requestFields(meeting);
  const changed = (Object.keys(changes) as (keyof UpdateMeetingRequest)[]).filter(
    (key) => changes[key] !== undefined && normalised(key, changes[key]) !== normalised(key, current[key]),
  );
  if (changed.length === 0) return meeting;
  const next = { ...current, ...changes } as CreateMeetingRequest;
  const issues = meetingFieldIssues(next);
  if (issues.length) {
    throw new AppError(
      'VALIDATION_FAILED',
      'Invalid body',
      issues.map((issue) => ({ in: 'body', path: issue.path, code: 'custom', message: issue.message })),
    );
  }
  const material = changed.filter((key) => (MEETING_MATERIAL_FIELDS as readonly string[]).includes(key));
  if (material.length && now.getTime() >= meeting.startsAt.getTime()) {
    throw new AppError('MEETING_STATE_CONFLICT', 'The meeting has started: only operational fields can change');
  }
  if (changed.includes('startsAt')) assertFuture(next.startsAt, now);
  if (meeting.queue.length > 0 && next.capacity < meeting.capacity) {
    throw new AppError('MEETING_STATE_CONFLICT', 'People have signed up: capacity can only grow');
  }
  if (next.capacity + next.waitlistLimit < meeting.queue.length) {
    throw new AppError('MEETING_STATE_CONFLICT', 'More people are signed up or waiting than that would allow');
  }
  if (changed.includes('feeFen') && !['draft', 'rejected'].includes(meeting.status)) {
    throw new AppError('MEETING_STATE_CONFLICT', 'The fee can change only while the meeting is a draft or rejected');
  }
  if (changed.includes('feeFen') && meeting.queue.length > 0) {
    throw new AppError('MEETING_STATE_CONFLICT', 'People have signed up: the fee can no longer change');
  }
  if (changed.includes('survey') && (await MeetingSurveyAnswerModel.exists({ meetingId: meeting._id }))) {
    throw new AppError('MEETING_STATE_CONFLICT', 'The survey has answers: its questions can no longer change');
  }
  let status: Status = meeting.status;
  if (material.length) {
    if (meeting.status === 'rejected') status = 'draft';
    if (['approved', 'published'].includes(meeting.status)) status = 'submitted';
  }
  const version = material.length ? meeting.version + 1 : meeting.version;
  const history = [historyEntry('edited', actor.id, version, '', changed)];
  if (status === 'submitted' && meeting.status !== 'submitted') {
    history.push(historyEntry('submitted', actor.id, version, 'changed after approval'));
  }
  const set = storedFields(Object.fromEntries(changed.map((key) => [key, changes[key]])));
  const updated = await MeetingModel.updateOne(
    { _id: meeting._id, organisationId, status: meeting.status, version: meeting.version },
    { $set: { ...set, status, version }, $push: { history: { $each: history } } },
  );
  if (updated.modifiedCount !== 1) {
    throw new AppError('MEETING_STATE_CONFLICT', 'The meeting changed meanwhile; reload and try again');
  }
  // More places (or waitlist) may promote people who wait.
  if (changed.includes('capacity')) await settleQueue(organisationId, meetingId, now);
  return loadMeeting(organisationId, meetingId);
}

async function transition(
  meeting: MeetingDoc,
  from: Status[],
  to: Status,
  entry: ReturnType<typeof historyEntry>,
  extra: Record<string, unknown> = {},
  condition: Record<string, unknown> = {},
) {
  const result = await MeetingModel.updateOne(
    { _id: meeting._id, status: { $in: from }, ...condition },
    { $set: { status: to, ...extra }, $push: { history: entry } },
  );
  return result.modifiedCount === 1;
}

export async function submitMeeting(organisationId: string, actor: Actor, meetingId: string, now = meetingNow()) {
  const meeting = await loadMeeting(organisationId, meetingId);
  assertCanRun(meeting, actor);
  if (meeting.status !== 'draft') throw conflict(meeting, 'submitted (only a draft can)');
  if (meeting.startsAt.getTime() <= now.getTime()) {
    throw new AppError('MEETING_STATE_CONFLICT', 'The meeting’s start has passed: change its time first');
  }
  const entry = historyEntry('submitted', actor.id, meeting.version);
  if (!(await transition(meeting, ['draft'], 'submitted', entry, {}, { version: meeting.version }))) {
    throw conflict(await loadMeeting(organisationId, meetingId), 'submitted');
  }
  return loadMeeting(organisationId, meetingId);
}

/** A manager or admin who did not create the meeting approves or rejects the version they reviewed. */
export async function decideMeeting(
  organisationId: string,
  actor: Actor,
  meetingId: string,
  decision: MeetingDecisionRequest,
) {
  const meeting = await loadMeeting(organisationId, meetingId);
  if (!isManager(actor)) throw new AppError('FORBIDDEN', 'Only a manager or admin can approve meetings');
  if (String(meeting.createdBy) === actor.id) {
    throw new AppError('MEETING_SELF_APPROVAL', 'The creator of a meeting cannot decide on it; ask another manager');
  }
  if (meeting.status !== 'submitted') throw conflict(meeting, `${decision.decision} (it is not awaiting a decision)`);
  if (meeting.version !== decision.version) {
    throw new AppError('MEETING_STATE_CONFLICT', 'The meeting was edited after you reviewed it; review it again', {
      version: meeting.version,
    });
  }
  const entry = historyEntry(decision.decision, actor.id, meeting.version, decision.reason);
  const done = await transition(meeting, ['submitted'], decision.decision, entry, {}, { version: decision.version });
  if (!done) {
    throw new AppError('MEETING_STATE_CONFLICT', 'The meeting changed meanwhile; reload and review it again');
  }
  return loadMeeting(organisationId, meetingId);
}

export async function publishMeeting(organisationId: string, actor: Actor, meetingId: string) {
  const meeting = await loadMeeting(organisationId, meetingId);
  assertCanRun(meeting, actor);
  if (meeting.status !== 'approved') {
    throw conflict(meeting, meeting.status === 'rejected' ? 'published: edit and resubmit it' : 'published');
  }
  const entry = historyEntry('published', actor.id, meeting.version);
  if (!(await transition(meeting, ['approved'], 'published', entry, {}, { version: meeting.version }))) {
    throw conflict(await loadMeeting(organisationId, meetingId), 'published');
  }
  // A meeting re-approved after an edit may have room for people who wait.
  await settleQueue(organisationId, meetingId);
  return loadMeeting(organisationId, meetingId);
}

export async function cancelMeeting(organisationId: string, actor: Actor, meetingId: string, reason: string) {
  const meeting = await loadMeeting(organisationId, meetingId);
  assertCanRun(meeting, actor);
  const from: Status[] = ['draft', 'submitted', 'approved', 'rejected', 'published'];
  if (!from.includes(meeting.status)) throw conflict(meeting, 'cancelled');
  const entry = historyEntry('cancelled', actor.id, meeting.version, reason);
  if (!(await transition(meeting, from, 'cancelled', entry, { cancelReason: reason }))) {
    throw conflict(await loadMeeting(organisationId, meetingId), 'cancelled');
  }
  // Everyone who paid is refunded, held places are closed (the fees job finishes it after a crash).
  if (feeOf(meeting) > 0) await settleCancelledMeetingFees(await loadMeeting(organisationId, meetingId));
  return loadMeeting(organisationId, meetingId);
}

/** Marks a published meeting finished once it has started (staff), or after its check-in closed (the job). */
export async function finishMeeting(
  organisationId: string,
  actor: Actor | null,
  meetingId: string,
  now = meetingNow(),
) {
  const meeting = await loadMeeting(organisationId, meetingId);
  if (actor) assertCanRun(meeting, actor);
  if (meeting.status !== 'published') throw conflict(meeting, 'finished');
  if (now.getTime() < meeting.startsAt.getTime()) {
    throw new AppError('MEETING_STATE_CONFLICT', 'The meeting has not started yet');
  }
  const entry = historyEntry('finished', actor?.id ?? null, meeting.version);
  if (!(await transition(meeting, ['published'], 'finished', entry))) {
    throw conflict(await loadMeeting(organisationId, meetingId), 'finished');
  }
  return loadMeeting(organisationId, meetingId);
}

/** Job: published meetings whose check-in closed are finished. */
export async function finishEndedMeetings(now = meetingNow()): Promise<number> {
  const due = await MeetingModel.find({ status: 'published', endsAt: { $lt: now } })
    .limit(500)
    .lean();
  let finished = 0;
  for (const meeting of due) {
    const closesAt = meeting.endsAt.getTime() + meeting.checkInClosesMinutesAfterEnd * 60_000;
    if (closesAt >= now.getTime()) continue;
    const entry = historyEntry('finished', null, meeting.version);
    if (await transition(meeting, ['published'], 'finished', entry)) finished += 1;
  }
  return finished;
}

export async function listMeetings(
  organisationId: string,
  actor: Actor,
  query: { status?: Status; awaitingMyDecision?: 'true' | 'false'; limit: number },
) {
  const filter: Record<string, unknown> = { organisationId };
  if (query.status) filter.status = query.status;
  if (query.awaitingMyDecision === 'true') {
    if (!isManager(actor)) return [];
    Object.assign(filter, { status: 'submitted', createdBy: { $ne: new Types.ObjectId(actor.id) } });
  }
  return MeetingModel.find(filter).sort({ startsAt: -1, _id: -1 }).limit(query.limit).lean();
}

export { loadMeeting };
