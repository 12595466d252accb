/**
 * Follow-up tasks: created by journeys (`createTask`, exactly once per idempotency key) and by staff, listed per
 * assignee, customer and day, completed with an outcome, reassigned and cancelled by managers. Importing this
 * module plugs tasks into the merge (tasks follow the customer) and into the customer's data export and erasure.
 *
 * Outbox: every transition appends its timeline event to the task's `history` in the same conditional update that
 * changes the state, and sets `eventsPending`. The events are then recorded (idempotent by their deterministic
 * sourceEventId, e.g. `task:<id>:completed`); `repairTaskEvents` (a job) records those a crash left behind. So
 * completing a task twice, or concurrently, stores one `task.completed` event.
 */
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import type { Task, TaskListQuery, TaskOutcome, TaskStatus, TodayTasks } from '@careloop/shared';
import { AppError, notFound } from '../http/errors';
import { isDuplicateKey } from '../db/retry';
import { registerMergeStep } from '../identity/mergeSteps';
import { resolveCustomerId } from '../identity/merge';
import { customerIdsOwnedBy, customerNames, customerResponsibility } from '../identity/service';
import { registerPrivacyContributor } from '../privacy/contributors';
import { isCustomerErased } from '../privacy/service';
import { recordEvent } from '../events/service';
import { getOrganisation } from '../organisations/service';
import { findActiveStaffByWecomUserId, getActiveStaff, getStaffMember, staffNamesById } from '../staff/service';
import { TaskModel, type TaskDoc, type TaskHistoryEntry } from './model';

/** Events of a transition not recorded this long after it are recorded by the repair. */
const EVENTS_STALE_MS = 60_000;
const BATCH = 200;
const CUSTOMER_TASKS_MAX = 200;
const TODAY_MAX = 500;

const oid = (id: string | Types.ObjectId) => new Types.ObjectId(String(id));
const isObjectId = (id: unknown): id is string => typeof id === 'string' && /^[0-9a-f]{24}$/.test(id);

export type TaskTypeName = TaskDoc['type'];

export interface CreateTaskInput {
  organisationId: string;
  customerId: string;
  type: 'follow_up_call' | 'post_treatment_check' | 'forward_message' | 'moments_post';
  title: string;
  script: string;
  priority: 'low' | 'normal' | 'high';
  dueAt: Date;
  /**
   * Null: the customer's owner (identity: customer.ownerStaffId; if none, the staff member following the customer
   * on WeCom most recently, else unassigned).
   */
  assigneeStaffId: string | null;
  source:
    { kind: 'journey'; journeyId: string; enrolmentId: string; stepId: string } | { kind: 'staff'; staffId: string };
  /** The same key (per organisation) answers the same task with created: false. */
  idempotencyKey: string | null;
}

/** Who acts on a task: their id and roles (managers and admins may act on anyone's task). */
export interface TaskActor {
  id: string;
  roles: readonly string[];
}

const isManager = (actor: TaskActor) => actor.roles.includes('manager') || actor.roles.includes('admin');

// ---------------------------------------------------------------------------------------------------------------
// Views

/** Open and past its due time. */
export const isOverdue = (doc: Pick<TaskDoc, 'status' | 'dueAt'>, now: Date) =>
  doc.status === 'open' && doc.dueAt.getTime() < now.getTime();

function toTask(
  doc: TaskDoc,
  names: { customers: Map<string, string | null>; staff: Map<string, string> },
  now: Date,
): Task {
  const staff = (id: Types.ObjectId | null) =>
    id ? { id: String(id), name: names.staff.get(String(id)) ?? null } : null;
  return {
    id: String(doc._id),
    customer: { id: String(doc.customerId), name: names.customers.get(String(doc.customerId)) ?? null },
    type: doc.type,
    title: doc.title,
    script: doc.script ?? '',
    priority: doc.priority,
    dueAt: doc.dueAt.toISOString(),
    status: doc.status,
    overdue: isOverdue(doc, now),
    assignee: staff(doc.assigneeStaffId),
    clinicId: doc.clinicId ? String(doc.clinicId) : null,
    source:
      doc.source.kind === 'journey'
        ? {
            kind: 'journey',
            journeyId: doc.source.journeyId ?? '',
            enrolmentId: doc.source.enrolmentId ?? '',
            stepId: doc.source.stepId ?? '',
          }
        : { kind: 'staff', staffId: String(doc.source.staffId) },
    outcome: doc.outcome ?? null,
    note: doc.note ?? null,
    completedAt: doc.completedAt?.toISOString() ?? null,
    completedBy: staff(doc.completedBy),
    cancelledAt: doc.cancelledAt?.toISOString() ?? null,
    cancelReason: doc.cancelReason ?? null,
    createdAt: doc.createdAt.toISOString(),
  };
}

/** Tasks as the API shows them, with customer and staff names read once per list. */
export async function describeTasks(organisationId: string, docs: TaskDoc[], now = new Date()): Promise<Task[]> {
  if (docs.length === 0) return [];
  const customerIds = [...new Set(docs.map((doc) => String(doc.customerId)))];
  const staffIds = [
    ...new Set(docs.flatMap((doc) => [doc.assigneeStaffId, doc.completedBy].filter((id) => id !== null).map(String))),
  ];
  const [customers, staff] = await Promise.all([
    customerNames(organisationId, customerIds),
    staffIds.length ? staffNamesById(organisationId, staffIds) : new Map<string, string>(),
  ]);
  return docs.map((doc) => toTask(doc, { customers, staff }, now));
}

async function describeTask(doc: TaskDoc, now = new Date()): Promise<Task> {
  return (await describeTasks(String(doc.organisationId), [doc], now))[0]!;
}

async function loadTask(organisationId: string, taskId: string): Promise<TaskDoc> {
  if (!isObjectId(taskId) || !isObjectId(organisationId)) throw notFound('Task');
  const doc = await TaskModel.findOne({ _id: oid(taskId), organisationId: oid(organisationId) }).lean<TaskDoc>();
  if (!doc) throw notFound('Task');
  return doc;
}

export async function getTask(organisationId: string, taskId: string, now = new Date()): Promise<Task> {
  return describeTask(await loadTask(organisationId, taskId), now);
}

// ---------------------------------------------------------------------------------------------------------------
// Outbox: the timeline events of transitions

function historyEntry(
  taskId: Types.ObjectId,
  type: string,
  suffix: string,
  at: Date,
  actor: string | null,
  properties: Record<string, unknown>,
): TaskHistoryEntry {
  return {
    type,
    sourceEventId: `task:${String(taskId)}:${suffix}`,
    at,
    actor,
    properties: { taskId: String(taskId), ...properties },
  };
}

/** The journey step a task came from, for its events (journeys branch on them). */
function journeyProperties(doc: Pick<TaskDoc, 'source'>): Record<string, string> {
  if (doc.source.kind !== 'journey') return {};
  return {
    ...(doc.source.journeyId && { journeyId: doc.source.journeyId }),
    ...(doc.source.enrolmentId && { enrolmentId: doc.source.enrolmentId }),
    ...(doc.source.stepId && { stepId: doc.source.stepId }),
  };
}

/**
 * Records the events of history entries not known to be recorded (idempotent), on the customer the task belongs to
 * now, then marks them recorded. The pending mark is cleared only if no newer entry was appended meanwhile (that
 * one's transition records it).
 */
export async function flushTaskEvents(taskId: Types.ObjectId): Promise<void> {
  const doc = await TaskModel.findById(taskId).lean<TaskDoc>();
  if (!doc) return;
  const organisationId = String(doc.organisationId);
  const customerId = await resolveCustomerId(organisationId, String(doc.customerId));
  for (const entry of doc.history.slice(doc.eventsRecorded ?? 0)) {
    await recordEvent({
      organisationId,
      customerId,
      type: entry.type,
      occurredAt: entry.at,
      properties: entry.properties ?? {},
      source: 'server',
      sourceEventId: entry.sourceEventId,
      actor: entry.actor ?? null,
    });
  }
  const length = doc.history.length;
  const cleared = await TaskModel.updateOne(
    { _id: doc._id, [`history.${length}`]: { $exists: false } },
    { $set: { eventsPending: false }, $max: { eventsRecorded: length } },
  );
  if (cleared.matchedCount === 0) await TaskModel.updateOne({ _id: doc._id }, { $max: { eventsRecorded: length } });
}

/** Records the events of transitions a crash (or a failed event store) left unrecorded; returns how many tasks. */
export async function repairTaskEvents(now = new Date()): Promise<number> {
  let repaired = 0;
  for (;;) {
    const docs = await TaskModel.find(
      { eventsPending: true, updatedAt: { $lte: new Date(now.getTime() - EVENTS_STALE_MS) } },
      { _id: 1 },
    )
      .limit(BATCH)
      .lean();
    for (const doc of docs) await flushTaskEvents(doc._id);
    repaired += docs.length;
    if (docs.length < BATCH) return repaired;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Creation

/** The customer's owner if they are an active staff member, else the active member who added them on WeCom last. */
async function defaultAssignee(
  organisationId: string,
  responsibility: { ownerStaffId: string | null; latestFollowerWecomUserId: string | null },
): Promise<string | null> {
  if (responsibility.ownerStaffId) {
    const owner = await getActiveStaff(organisationId, responsibility.ownerStaffId).catch(() => null);
    if (owner) return owner.id;
  }
  if (responsibility.latestFollowerWecomUserId) {
    const follower = await findActiveStaffByWecomUserId(organisationId, responsibility.latestFollowerWecomUserId).catch(
      () => null,
    );
    if (follower) return follower.id;
  }
  return null;
}

async function findByKey(organisationId: string, idempotencyKey: string) {
  return TaskModel.findOne({ organisationId: oid(organisationId), idempotencyKey }, { _id: 1 }).lean();
}

/**
 * Creates a follow-up task, assigned to `assigneeStaffId` or (null) the customer's owner, else the member who most
 * recently added them on WeCom, else nobody. Exactly once per idempotency key: the same key answers the same task
 * with `created: false`, however many calls race (the unique index decides). Records `task.created`. Throws
 * NOT_FOUND for a customer (or erased one) or assignee not of the organisation.
 */
export async function createTask(
  input: CreateTaskInput,
  options: { now?: Date } = {},
): Promise<{ id: string; created: boolean }> {
  const now = options.now ?? new Date();
  const { organisationId } = input;
  if (!isObjectId(organisationId)) throw notFound('Organisation');
  if (!(input.dueAt instanceof Date) || Number.isNaN(input.dueAt.getTime())) {
    throw new AppError('VALIDATION_FAILED', 'A task needs a valid due time');
  }
  if (input.idempotencyKey !== null) {
    if (!input.idempotencyKey || input.idempotencyKey.length > 200) {
      throw new AppError('VALIDATION_FAILED', 'An idempotency key is 1–200 characters');
    }
    const existing = await findByKey(organisationId, input.idempotencyKey);
    if (existing) return { id: String(existing._id), created: false };
  }
  if (!isObjectId(input.customerId)) throw notFound('Customer');
  const responsibility = await customerResponsibility(organisationId, input.customerId);
  // Nobody follows up with a customer whose data was erased.
  if (await isCustomerErased(organisationId, responsibility.customerId)) throw notFound('Customer');
  let assignee: string | null;
  if (input.assigneeStaffId !== null) {
    if (!isObjectId(input.assigneeStaffId)) throw notFound('Staff member');
    assignee = (await getActiveStaff(organisationId, input.assigneeStaffId)).id;
  } else {
    assignee = await defaultAssignee(organisationId, responsibility);
  }
  const clinicId =
    responsibility.clinicId ??
    (assignee ? ((await getStaffMember(organisationId, assignee)).clinicIds[0] ?? null) : null);
  const source =
    input.source.kind === 'journey'
      ? {
          kind: 'journey' as const,
          journeyId: input.source.journeyId,
          enrolmentId: input.source.enrolmentId,
          stepId: input.source.stepId,
          staffId: null,
        }
      : {
          kind: 'staff' as const,
          journeyId: null,
          enrolmentId: null,
          stepId: null,
          staffId: oid(input.source.staffId),
        };
  const _id = new Types.ObjectId();
  const created = historyEntry(
    _id,
    'task.created',
    'created',
    now,
    input.source.kind === 'staff' ? input.source.staffId : null,
    { taskType: input.type, assigneeStaffId: assignee, ...journeyProperties({ source }) },
  );
  try {
    await TaskModel.create({
      _id,
      organisationId: oid(organisationId),
      customerId: oid(responsibility.customerId),
      type: input.type,
      title: input.title,
      script: input.script,
      priority: input.priority,
      dueAt: input.dueAt,
      assigneeStaffId: assignee ? oid(assignee) : null,
      clinicId: clinicId ? oid(clinicId) : null,
      source,
      idempotencyKey: input.idempotencyKey ?? `auto:${String(_id)}`,
      status: 'open',
      history: [created],
      eventsRecorded: 0,
      eventsPending: true,
      createdAt: now,
      updatedAt: now,
    });
  } catch (error) {
    if (!isDuplicateKey(error) || input.idempotencyKey === null) throw error;
    const winner = await findByKey(organisationId, input.idempotencyKey);
    if (!winner) throw error;
    return { id: String(winner._id), created: false };
  }
  await flushTaskEvents(_id);
  return { id: String(_id), created: true };
}

// ---------------------------------------------------------------------------------------------------------------
// Lists

function encodeCursor(doc: Pick<TaskDoc, 'dueAt' | '_id'>): string {
  return Buffer.from(`${doc.dueAt.getTime()}.${String(doc._id)}`).toString('base64url');
}

function decodeCursor(cursor: string): { dueAt: Date; id: Types.ObjectId } {
  const match = /^(-?\d{1,15})\.([0-9a-f]{24})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw new AppError('VALIDATION_FAILED', 'Invalid query', [
      { in: 'query', path: 'cursor', code: 'invalid_cursor', message: 'must be a nextCursor from a previous page' },
    ]);
  }
  return { dueAt: new Date(Number(match[1])), id: new Types.ObjectId(match[2]) };
}

/**
 * The organisation's tasks, filtered, earliest due first, a page at a time. `assignee: 'me'` means `staffId`;
 * `status: 'overdue'` means open and due before `now`. Managers and admins see every task; other staff only theirs
 * and the tasks of the customers they own (a customer's own tasks show in their profile, to everyone).
 */
export async function listTasks(
  organisationId: string,
  query: TaskListQuery,
  context: { staffId: string; roles: readonly string[]; now?: Date },
): Promise<{ items: Task[]; nextCursor: string | null }> {
  const now = context.now ?? new Date();
  const filter: Record<string, unknown> = { organisationId: oid(organisationId) };
  const and: Record<string, unknown>[] = [];
  // Managers see every task; other staff their own and those of the customers they own.
  if (!isManager({ id: context.staffId, roles: context.roles })) {
    const owned = await customerIdsOwnedBy(organisationId, context.staffId);
    and.push({ $or: [{ assigneeStaffId: oid(context.staffId) }, { customerId: { $in: owned } }] });
  }
  if (query.assignee === 'me') filter.assigneeStaffId = oid(context.staffId);
  else if (query.assignee === 'unassigned') filter.assigneeStaffId = null;
  else if (query.assignee) filter.assigneeStaffId = oid(query.assignee);
  if (query.status === 'overdue') {
    filter.status = 'open';
    and.push({ dueAt: { $lt: now } });
  } else if (query.status) {
    filter.status = query.status;
  }
  if (query.dueBefore) and.push({ dueAt: { $lt: new Date(query.dueBefore) } });
  if (query.customerId) filter.customerId = oid(await resolveCustomerId(organisationId, query.customerId));
  if (query.clinicId) filter.clinicId = oid(query.clinicId);
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    and.push({ $or: [{ dueAt: { $gt: after.dueAt } }, { dueAt: after.dueAt, _id: { $gt: after.id } }] });
  }
  if (and.length) filter.$and = and;
  const docs = await TaskModel.find(filter)
    .sort({ dueAt: 1, _id: 1 })
    .limit(query.limit + 1)
    .lean<TaskDoc[]>();
  const page = docs.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: await describeTasks(organisationId, page, now),
    nextCursor: docs.length > query.limit && last ? encodeCursor(last) : null,
  };
}

/** The staff member's open tasks due by the end of today in the organisation's time zone (overdue ones too). */
export async function listTodayTasks(organisationId: string, staffId: string, now = new Date()): Promise<TodayTasks> {
  const { timeZone } = await getOrganisation(organisationId);
  const today = DateTime.fromJSDate(now, { zone: timeZone });
  const tomorrow = today.startOf('day').plus({ days: 1 });
  const docs = await TaskModel.find({
    organisationId: oid(organisationId),
    assigneeStaffId: oid(staffId),
    status: 'open',
    dueAt: { $lt: tomorrow.toJSDate() },
  })
    .sort({ dueAt: 1, _id: 1 })
    .limit(TODAY_MAX)
    .lean<TaskDoc[]>();
  return { date: today.toISODate()!, timeZone, items: await describeTasks(organisationId, docs, now) };
}

/** A customer's tasks (of a merged-away id: its survivor's): open ones earliest due first, then the others newest. */
export async function listCustomerTasks(
  organisationId: string,
  customerId: string,
  status?: TaskStatus,
  now = new Date(),
): Promise<Task[]> {
  const id = await resolveCustomerId(organisationId, customerId);
  const docs = await TaskModel.find({
    organisationId: oid(organisationId),
    customerId: oid(id),
    ...(status && { status }),
  })
    .sort({ dueAt: -1, _id: -1 })
    .limit(CUSTOMER_TASKS_MAX)
    .lean<TaskDoc[]>();
  const open = docs.filter((doc) => doc.status === 'open').reverse();
  const closed = docs.filter((doc) => doc.status !== 'open');
  return describeTasks(organisationId, [...open, ...closed], now);
}

// ---------------------------------------------------------------------------------------------------------------
// Transitions

/**
 * Completes a task with an outcome and note (its assignee, or a manager). Idempotent: completing a completed task
 * answers it as it is (the first completion's outcome), and one `task.completed` event is recorded however many
 * calls race. TASK_NOT_OPEN for a cancelled task.
 */
export async function completeTask(
  organisationId: string,
  taskId: string,
  actor: TaskActor,
  input: { outcome: TaskOutcome; note: string },
  now = new Date(),
): Promise<Task> {
  const doc = await loadTask(organisationId, taskId);
  if (!isManager(actor) && String(doc.assigneeStaffId) !== actor.id) {
    throw new AppError('FORBIDDEN', 'Only the task’s assignee or a manager can complete it');
  }
  if (doc.status === 'completed') return describeTask(doc, now);
  if (doc.status !== 'open') throw new AppError('TASK_NOT_OPEN', 'This task was cancelled');
  const entry = historyEntry(doc._id, 'task.completed', 'completed', now, actor.id, {
    outcome: input.outcome,
    taskType: doc.type,
    ...journeyProperties(doc),
  });
  const result = await TaskModel.updateOne(
    { _id: doc._id, status: 'open' },
    {
      $set: {
        status: 'completed',
        outcome: input.outcome,
        note: input.note || null,
        completedAt: now,
        completedBy: oid(actor.id),
        eventsPending: true,
        updatedAt: now,
      },
      $push: { history: entry },
    },
  );
  if (result.modifiedCount === 1) await flushTaskEvents(doc._id);
  const current = await loadTask(organisationId, taskId);
  if (current.status !== 'completed') throw new AppError('TASK_NOT_OPEN', 'This task was cancelled');
  return describeTask(current, now);
}

/**
 * Moves an open task to another staff member, recording `task.reassigned`; false when the task changed meanwhile
 * (no longer open, or moved by someone else), so the caller re-reads it.
 */
async function moveTask(
  doc: TaskDoc,
  toStaffId: string,
  actor: string | null,
  reason: 'manager' | 'handover',
  now: Date,
  handoverId?: Types.ObjectId,
): Promise<boolean> {
  const count = (doc.reassignments ?? 0) + 1;
  const entry = historyEntry(doc._id, 'task.reassigned', `reassigned:${count}`, now, actor, {
    fromStaffId: doc.assigneeStaffId ? String(doc.assigneeStaffId) : null,
    toStaffId,
    reason,
  });
  const result = await TaskModel.updateOne(
    {
      _id: doc._id,
      status: 'open',
      assigneeStaffId: doc.assigneeStaffId,
      reassignments: doc.reassignments ?? 0,
    },
    {
      $set: { assigneeStaffId: oid(toStaffId), eventsPending: true, updatedAt: now },
      $inc: { reassignments: 1 },
      $push: { history: entry },
      ...(handoverId && { $addToSet: { handoverIds: handoverId } }),
    },
  );
  if (result.modifiedCount !== 1) return false;
  await flushTaskEvents(doc._id);
  return true;
}

/** A manager gives an open task to another active staff member. TASK_NOT_OPEN once completed or cancelled. */
export async function reassignTask(
  organisationId: string,
  taskId: string,
  toStaffId: string,
  actorId: string,
  now = new Date(),
): Promise<Task> {
  await getActiveStaff(organisationId, toStaffId);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const doc = await loadTask(organisationId, taskId);
    if (doc.status !== 'open') throw new AppError('TASK_NOT_OPEN', `This task is ${doc.status}`);
    if (String(doc.assigneeStaffId) === toStaffId) return describeTask(doc, now);
    if (await moveTask(doc, toStaffId, actorId, 'manager', now)) return getTask(organisationId, taskId, now);
  }
  throw new Error(`task ${taskId}: reassignment kept losing races`);
}

/** A manager cancels an open task (idempotent for a cancelled one). TASK_NOT_OPEN once completed. */
export async function cancelTask(
  organisationId: string,
  taskId: string,
  actorId: string,
  reason: string | null,
  now = new Date(),
): Promise<Task> {
  const doc = await loadTask(organisationId, taskId);
  if (doc.status === 'cancelled') return describeTask(doc, now);
  if (doc.status !== 'open') throw new AppError('TASK_NOT_OPEN', 'This task was completed');
  const entry = historyEntry(doc._id, 'task.cancelled', 'cancelled', now, actorId, reason ? { reason } : {});
  const result = await TaskModel.updateOne(
    { _id: doc._id, status: 'open' },
    {
      $set: {
        status: 'cancelled',
        cancelledAt: now,
        cancelledBy: oid(actorId),
        cancelReason: reason,
        eventsPending: true,
        updatedAt: now,
      },
      $push: { history: entry },
    },
  );
  if (result.modifiedCount === 1) await flushTaskEvents(doc._id);
  const current = await loadTask(organisationId, taskId);
  if (current.status !== 'cancelled') throw new AppError('TASK_NOT_OPEN', 'This task was completed');
  return describeTask(current, now);
}

/**
 * Moves every open task of `fromStaffId` to `toStaffId` for a handover (each a conditional update with its
 * `task.reassigned` event, marked with the handover). Idempotent: a rerun moves only what is still theirs.
 */
export async function moveOpenTasks(
  organisationId: string,
  fromStaffId: string,
  toStaffId: string,
  handoverId: Types.ObjectId,
  actorId: string | null,
  now = new Date(),
): Promise<void> {
  for (let round = 0; round < 1000; round += 1) {
    const docs = await TaskModel.find({
      organisationId: oid(organisationId),
      assigneeStaffId: oid(fromStaffId),
      status: 'open',
    })
      .sort({ dueAt: 1, _id: 1 })
      .limit(BATCH)
      .lean<TaskDoc[]>();
    if (docs.length === 0) return;
    let moved = 0;
    for (const doc of docs) if (await moveTask(doc, toStaffId, actorId, 'handover', now, handoverId)) moved += 1;
    // Tasks that changed meanwhile are read again; none moving at all means another writer owns them now.
    if (moved === 0) return;
  }
}

/** How many tasks a handover moved. */
export async function countTasksMovedBy(organisationId: string, handoverId: Types.ObjectId): Promise<number> {
  return TaskModel.countDocuments({ organisationId: oid(organisationId), handoverIds: handoverId });
}

// ---------------------------------------------------------------------------------------------------------------
// Merge and privacy

registerMergeStep({
  name: 'tasks',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    await TaskModel.updateMany(
      { organisationId: oid(organisationId), customerId: oid(fromCustomerId) },
      { $set: { customerId: oid(intoCustomerId) } },
    );
  },
});

/** What an erased customer's task is called instead of its title (which may name them). */
const ERASED_TITLES: Record<TaskTypeName, string> = {
  follow_up_call: '回访电话',
  post_treatment_check: '治疗后回访',
  forward_message: '转发消息',
  moments_post: '朋友圈任务',
};

registerPrivacyContributor({
  name: 'tasks',
  async exportData({ organisationId, customerId }) {
    const docs = await TaskModel.find({ organisationId: oid(organisationId), customerId: oid(customerId) })
      .sort({ dueAt: 1, _id: 1 })
      .lean<TaskDoc[]>();
    return docs.map((doc) => ({
      type: doc.type,
      title: doc.title,
      status: doc.status,
      dueAt: doc.dueAt.toISOString(),
      outcome: doc.outcome ?? null,
      note: doc.note ?? null,
      completedAt: doc.completedAt?.toISOString() ?? null,
      cancelledAt: doc.cancelledAt?.toISOString() ?? null,
    }));
  },
  // Tasks stay for the staff figures (type, times, outcome); open ones are cancelled (nobody contacts an erased
  // customer), and the free text that may describe the person goes.
  async erase({ organisationId, customerId }) {
    const filter = { organisationId: oid(organisationId), customerId: oid(customerId) };
    const now = new Date();
    await TaskModel.updateMany(
      { ...filter, status: 'open' },
      { $set: { status: 'cancelled', cancelledAt: now, cancelReason: 'customer data erased', updatedAt: now } },
    );
    for (const [type, title] of Object.entries(ERASED_TITLES) as [TaskTypeName, string][]) {
      await TaskModel.updateMany({ ...filter, type }, { $set: { title, script: '', note: null, erasedAt: now } });
    }
  },
});
