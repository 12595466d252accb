/**
 * Follow-up tasks, and the handovers of a departing staff member's work. Every guarantee comes from single-document
 * conditional updates and unique indexes; no transactions:
 *   - exactly-once creation: (organisationId, idempotencyKey) is unique (a task created without a key gets a
 *     generated one, so the index is never sparse);
 *   - each transition is conditional on the current state (one completion wins), and appends its timeline event to
 *     `history` in the same update (an outbox), so an event a crash did not record is recorded by the repair;
 *   - a departing member's external contact is handed over once: (organisationId, fromWecomUserId, externalUserId)
 *     is unique, and a contact is claimed (`pending → sending`) before WeCom is called.
 */
import mongoose, { Schema, type Types } from 'mongoose';

/** A transition's timeline event, written with the transition and recorded into the events afterwards. */
const historySchema = new Schema(
  {
    type: { type: String, required: true },
    sourceEventId: { type: String, required: true },
    at: { type: Date, required: true },
    actor: { type: String, default: null },
    properties: { type: Schema.Types.Mixed, default: {} },
  },
  { _id: false, minimize: false },
);

const taskSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    type: {
      type: String,
      enum: ['follow_up_call', 'post_treatment_check', 'forward_message', 'moments_post'],
      required: true,
    },
    title: { type: String, required: true },
    script: { type: String, default: '' },
    priority: { type: String, enum: ['low', 'normal', 'high'], required: true },
    dueAt: { type: Date, required: true },
    /** Null: unassigned. */
    assigneeStaffId: { type: Schema.Types.ObjectId, default: null },
    clinicId: { type: Schema.Types.ObjectId, default: null },
    source: {
      kind: { type: String, enum: ['journey', 'staff'], required: true },
      journeyId: { type: String, default: null },
      enrolmentId: { type: String, default: null },
      stepId: { type: String, default: null },
      staffId: { type: Schema.Types.ObjectId, default: null },
    },
    /** The caller's key (or a generated one): the same key answers the same task. */
    idempotencyKey: { type: String, required: true },
    status: { type: String, enum: ['open', 'completed', 'cancelled'], required: true },
    outcome: { type: String, enum: ['reached', 'not_reached', 'rebooked', 'declined', null], default: null },
    note: { type: String, default: null },
    completedAt: { type: Date, default: null },
    completedBy: { type: Schema.Types.ObjectId, default: null },
    cancelledAt: { type: Date, default: null },
    cancelledBy: { type: Schema.Types.ObjectId, default: null },
    cancelReason: { type: String, default: null },
    /** How many times it changed hands: numbers each reassignment's event. */
    reassignments: { type: Number, default: 0 },
    /** The handovers that moved it (a handover counts the tasks it moved from here). */
    handoverIds: { type: [Schema.Types.ObjectId], default: [] },
    history: { type: [historySchema], default: [] },
    /** How many history entries are known to be recorded as events. */
    eventsRecorded: { type: Number, default: 0 },
    /** True while history holds entries perhaps not recorded yet. */
    eventsPending: { type: Boolean, default: false },
    erasedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { minimize: false },
);
taskSchema.index({ organisationId: 1, idempotencyKey: 1 }, { unique: true });
// Someone's tasks by state and due time (lists, today, handover).
taskSchema.index({ organisationId: 1, assigneeStaffId: 1, status: 1, dueAt: 1 });
// A customer's tasks (the sidebar, merges, export).
taskSchema.index({ organisationId: 1, customerId: 1, dueAt: 1 });
// Figures over a due-time window.
taskSchema.index({ organisationId: 1, dueAt: 1 });
taskSchema.index({ eventsPending: 1, updatedAt: 1 });

export interface TaskHistoryEntry {
  type: string;
  sourceEventId: string;
  at: Date;
  actor: string | null;
  properties: Record<string, unknown>;
}

/** A task as read with `.lean()`. */
export interface TaskDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  customerId: Types.ObjectId;
  type: 'follow_up_call' | 'post_treatment_check' | 'forward_message' | 'moments_post';
  title: string;
  script: string;
  priority: 'low' | 'normal' | 'high';
  dueAt: Date;
  assigneeStaffId: Types.ObjectId | null;
  clinicId: Types.ObjectId | null;
  source: {
    kind: 'journey' | 'staff';
    journeyId: string | null;
    enrolmentId: string | null;
    stepId: string | null;
    staffId: Types.ObjectId | null;
  };
  idempotencyKey: string;
  status: 'open' | 'completed' | 'cancelled';
  outcome: 'reached' | 'not_reached' | 'rebooked' | 'declined' | null;
  note: string | null;
  completedAt: Date | null;
  completedBy: Types.ObjectId | null;
  cancelledAt: Date | null;
  cancelledBy: Types.ObjectId | null;
  cancelReason: string | null;
  reassignments: number;
  handoverIds: Types.ObjectId[];
  history: TaskHistoryEntry[];
  eventsRecorded: number;
  eventsPending: boolean;
  erasedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A departing staff member's work handed to a successor: one per (member, successor), run again to resume. */
const handoverSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    fromStaffId: { type: Schema.Types.ObjectId, required: true },
    toStaffId: { type: Schema.Types.ObjectId, required: true },
    fromWecomUserId: { type: String, required: true },
    toWecomUserId: { type: String, required: true },
    /** Which WeCom API hands the contacts over: resigned/transfer_customer (true) or transfer_customer. */
    resigned: { type: Boolean, required: true },
    transferSuccessMessage: { type: String, default: null },
    status: { type: String, enum: ['in_progress', 'done'], required: true },
    customersMoved: { type: Number, default: 0 },
    lastError: {
      type: new Schema({ errcode: Number, errmsg: String, at: Date }, { _id: false }),
      default: null,
    },
    createdBy: { type: Schema.Types.ObjectId, default: null },
    completedAt: { type: Date, default: null },
  },
  { timestamps: true, minimize: false },
);
handoverSchema.index({ organisationId: 1, fromStaffId: 1, toStaffId: 1 }, { unique: true });
handoverSchema.index({ status: 1, updatedAt: 1 });

export interface HandoverDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  fromStaffId: Types.ObjectId;
  toStaffId: Types.ObjectId;
  fromWecomUserId: string;
  toWecomUserId: string;
  resigned: boolean;
  transferSuccessMessage: string | null;
  status: 'in_progress' | 'done';
  customersMoved: number;
  lastError: { errcode: number; errmsg: string; at: Date } | null;
  createdBy: Types.ObjectId | null;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * One external contact of a departing member, and where its handover stands (see HandoverContactState in
 * shared/src/tasks.ts). `claimId` and `claimedAt` mark the batch that sent it: a contact left `sending` by a crash is
 * settled from WeCom's transfer_result, never sent again blindly.
 */
const handoverContactSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    handoverId: { type: Schema.Types.ObjectId, required: true },
    fromWecomUserId: { type: String, required: true },
    toWecomUserId: { type: String, required: true },
    externalUserId: { type: String, required: true },
    state: {
      type: String,
      enum: ['pending', 'sending', 'waiting', 'success', 'refused', 'limit_exceeded', 'failed'],
      required: true,
    },
    /** Which API sent it (resigned/transfer_customer or transfer_customer): its results are read from the same. */
    resigned: { type: Boolean, default: null },
    errcode: { type: Number, default: null },
    claimId: { type: String, default: null },
    claimedAt: { type: Date, default: null },
    takeoverAt: { type: Date, default: null },
    /** The identity domain was told who follows the contact now. */
    followsSynced: { type: Boolean, default: false },
  },
  { timestamps: true },
);
handoverContactSchema.index({ organisationId: 1, fromWecomUserId: 1, externalUserId: 1 }, { unique: true });
handoverContactSchema.index({ handoverId: 1, state: 1 });

export interface HandoverContactDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  handoverId: Types.ObjectId;
  fromWecomUserId: string;
  toWecomUserId: string;
  externalUserId: string;
  state: 'pending' | 'sending' | 'waiting' | 'success' | 'refused' | 'limit_exceeded' | 'failed';
  resigned: boolean | null;
  errcode: number | null;
  claimId: string | null;
  claimedAt: Date | null;
  takeoverAt: Date | null;
  followsSynced: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const TaskModel = mongoose.model('Task', taskSchema, 'tasks');
export const HandoverModel = mongoose.model('Handover', handoverSchema, 'task_handovers');
export const HandoverContactModel = mongoose.model('HandoverContact', handoverContactSchema, 'task_handover_contacts');
