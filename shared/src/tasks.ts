/**
 * Follow-up tasks (回访 / 随访): created by hand or by journeys, assigned to the customer's responsible staff member,
 * completed with an outcome. A task moves `open → completed | cancelled`; it is *overdue* while open past its due
 * time (computed, never stored). Completing a task goes on the customer's timeline as `task.completed`.
 *
 * Handover: when a staff member leaves, a manager names a successor; their open tasks and the customers they own
 * move to the successor, and their WeCom external contacts are handed over through WeCom (在职继承 / 离职继承), each
 * contact's takeover tracked until WeCom says it succeeded or failed.
 */
import { z } from 'zod';
import { ObjectId } from './common';

const text = (max: number) => z.string().trim().max(max);
const Instant = z.iso.datetime({ offset: true });

/** follow_up_call: call the customer; post_treatment_check: ask how they are after a treatment; forward_message:
 *  forward a prepared message in WeCom (only staff can send there); moments_post: post to WeCom Moments. */
export const TaskType = z.enum(['follow_up_call', 'post_treatment_check', 'forward_message', 'moments_post']);
export type TaskType = z.infer<typeof TaskType>;

export const TaskPriority = z.enum(['low', 'normal', 'high']);
export type TaskPriority = z.infer<typeof TaskPriority>;

export const TaskStatus = z.enum(['open', 'completed', 'cancelled']);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** How the follow-up went: reached the customer, could not reach them, they booked again, they declined. */
export const TaskOutcome = z.enum(['reached', 'not_reached', 'rebooked', 'declined']);
export type TaskOutcome = z.infer<typeof TaskOutcome>;

const ForeignId = z.string().min(1).max(64);

/** Who created the task: a journey's step (for one enrolment) or a staff member by hand. */
export const TaskSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('journey'), journeyId: ForeignId, enrolmentId: ForeignId, stepId: ForeignId }),
  z.object({ kind: z.literal('staff'), staffId: ObjectId }),
]);
export type TaskSource = z.infer<typeof TaskSource>;

const Named = z.object({ id: ObjectId, name: z.string().nullable() });

export const Task = z
  .object({
    id: ObjectId,
    customer: Named,
    type: TaskType,
    title: z.string(),
    /** The script or message template the staff member follows. */
    script: z.string(),
    priority: TaskPriority,
    dueAt: z.iso.datetime(),
    status: TaskStatus,
    /** Open and past its due time. */
    overdue: z.boolean(),
    /** Null: nobody is responsible for the customer yet (a manager assigns it). */
    assignee: Named.nullable(),
    /** The customer's clinic when the task was created (or the assignee's), for per-clinic figures. */
    clinicId: ObjectId.nullable(),
    source: TaskSource,
    outcome: TaskOutcome.nullable(),
    note: z.string().nullable(),
    completedAt: z.iso.datetime().nullable(),
    completedBy: Named.nullable(),
    cancelledAt: z.iso.datetime().nullable(),
    cancelReason: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Task' });
export type Task = z.infer<typeof Task>;

export const TaskParams = z.strictObject({ id: ObjectId });

export const TaskList = z
  .object({
    items: z.array(Task),
    /** Pass as `cursor` for the next page; null on the last page. */
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'TaskList' });
export type TaskList = z.infer<typeof TaskList>;

/** `overdue`: open tasks past their due time. Lists are in due order, earliest first. */
export const TaskListStatus = z.enum(['open', 'overdue', 'completed', 'cancelled']);

export const TaskListQuery = z.strictObject({
  /** `me`, `unassigned` or a staff member's id; absent: everybody's. */
  assignee: z.union([z.literal('me'), z.literal('unassigned'), ObjectId]).optional(),
  status: TaskListStatus.optional(),
  /** Tasks due before this instant (exclusive). */
  dueBefore: Instant.optional(),
  customerId: ObjectId.optional(),
  clinicId: ObjectId.optional(),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a nextCursor from a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type TaskListQuery = z.infer<typeof TaskListQuery>;

export const CustomerTaskQuery = z.strictObject({ status: TaskStatus.optional() });

/** My open tasks due today in the organisation's time zone, overdue ones included, earliest first. */
export const TodayTasks = z
  .object({
    /** Today's date (YYYY-MM-DD) in `timeZone`. */
    date: z.string(),
    timeZone: z.string(),
    items: z.array(Task),
  })
  .meta({ id: 'TodayTasks' });
export type TodayTasks = z.infer<typeof TodayTasks>;

export const CreateTaskRequest = z.strictObject({
  customerId: ObjectId,
  type: TaskType,
  title: text(100).min(1),
  script: text(2000).default(''),
  priority: TaskPriority.default('normal'),
  dueAt: Instant,
  /** Absent or null: the customer's owner (else the member who most recently added them on WeCom). */
  assigneeStaffId: ObjectId.nullable().optional(),
  /** A retried request with the same key answers the same task. */
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9_:.-]{8,128}$/, 'must be 8–128 characters A–Z, a–z, 0–9, _ : . or -')
    .optional(),
});
export type CreateTaskRequest = z.infer<typeof CreateTaskRequest>;

export const CompleteTaskRequest = z.strictObject({
  outcome: TaskOutcome,
  note: text(1000).default(''),
});
export type CompleteTaskRequest = z.infer<typeof CompleteTaskRequest>;

export const ReassignTaskRequest = z.strictObject({ staffId: ObjectId });
export type ReassignTaskRequest = z.infer<typeof ReassignTaskRequest>;

export const CancelTaskRequest = z.strictObject({ reason: text(200).optional() });
export type CancelTaskRequest = z.infer<typeof CancelTaskRequest>;

// ---------------------------------------------------------------------------------------------------------------
// Figures

export const TaskStatsQuery = z
  .strictObject({
    /** Tasks due from this instant (inclusive); default 30 days before `to`. */
    from: Instant.optional(),
    /** Tasks due before this instant (exclusive); default now. */
    to: Instant.optional(),
    clinicId: ObjectId.optional(),
  })
  .refine((query) => !query.from || !query.to || Date.parse(query.from) < Date.parse(query.to), {
    message: 'from must be before to',
    path: ['from'],
  });
export type TaskStatsQuery = z.infer<typeof TaskStatsQuery>;

/**
 * The figures of a set of tasks: every task due in the window that was not cancelled counts as `assigned` (to its
 * current assignee); `completedOnTime`: completed no later than its due time; `overdue`: still open past its due
 * time now; `completionRate` = completed / assigned and `onTimeRate` = completedOnTime / assigned (null when
 * nothing was assigned); `medianMinutesToComplete`: the median time from creation to completion of the completed
 * ones (null when none).
 */
export const TaskFigures = z.object({
  assigned: z.number().int(),
  completed: z.number().int(),
  completedOnTime: z.number().int(),
  overdue: z.number().int(),
  completionRate: z.number().nullable(),
  onTimeRate: z.number().nullable(),
  medianMinutesToComplete: z.number().nullable(),
});
export type TaskFigures = z.infer<typeof TaskFigures>;

export const TaskStats = z
  .object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    /** `now` for the overdue count. */
    at: z.iso.datetime(),
    /** Per current assignee (null: unassigned), highest completion rate first. */
    byStaff: z.array(TaskFigures.extend({ staff: Named.nullable() })),
    byClinic: z.array(TaskFigures.extend({ clinic: Named.nullable() })),
    total: TaskFigures,
  })
  .meta({ id: 'TaskStats' });
export type TaskStats = z.infer<typeof TaskStats>;

// ---------------------------------------------------------------------------------------------------------------
// Handover

export const HandoverRequest = z.strictObject({
  successorStaffId: ObjectId,
  /**
   * True once the member has left the corp in WeCom (离职继承: externalcontact/resigned/transfer_customer); false
   * while still employed (在职继承: externalcontact/transfer_customer, the customer gets `transferSuccessMessage`).
   */
  resigned: z.boolean(),
  /** What WeCom sends the customer when a takeover of a still-employed member succeeds (≤200 characters). */
  transferSuccessMessage: text(200).min(1).optional(),
});
export type HandoverRequest = z.infer<typeof HandoverRequest>;

/**
 * One external contact's handover: `pending` (not sent yet), `sending` (sent, answer not recorded yet),
 * `waiting` (WeCom started the takeover: it completes 24 hours later unless the customer refuses), `success`,
 * `refused` (by the customer), `limit_exceeded` (the successor has too many contacts), `failed` (WeCom refused
 * this contact: see `errcode`).
 */
export const HandoverContactState = z.enum([
  'pending',
  'sending',
  'waiting',
  'success',
  'refused',
  'limit_exceeded',
  'failed',
]);
export type HandoverContactState = z.infer<typeof HandoverContactState>;

export const Handover = z
  .object({
    id: ObjectId,
    from: Named,
    to: Named,
    resigned: z.boolean(),
    /** `done` once tasks and customers moved and every contact's handover has a final state. */
    status: z.enum(['in_progress', 'done']),
    tasksMoved: z.number().int(),
    customersMoved: z.number().int(),
    /** How many of the member's external contacts are in each state. */
    contacts: z.object({
      total: z.number().int(),
      pending: z.number().int(),
      sending: z.number().int(),
      waiting: z.number().int(),
      success: z.number().int(),
      refused: z.number().int(),
      limit_exceeded: z.number().int(),
      failed: z.number().int(),
    }),
    /** Contacts not taken over (yet), with WeCom's answer, up to 500. */
    unfinished: z.array(
      z.object({
        externalUserId: z.string(),
        state: HandoverContactState,
        errcode: z.number().int().nullable(),
        takeoverAt: z.iso.datetime().nullable(),
      }),
    ),
    /** WeCom's refusal of the last batch as a whole (e.g. 40097: the member has not left yet), retried later. */
    lastError: z.object({ errcode: z.number().int(), errmsg: z.string(), at: z.iso.datetime() }).nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Handover' });
export type Handover = z.infer<typeof Handover>;

export const StaffMemberParams = z.strictObject({ id: ObjectId });
export const HandoverParams = z.strictObject({ id: ObjectId });
