/**
 * The WeCom corp-tag sync's own records (wecomSync.ts): which library tags are mirrored and the WeCom corp tag each
 * maps to, and the outbox of mark_tag work per customer, tag and staff member.
 */
import mongoose, { Schema, type Types } from 'mongoose';

/**
 * A library tag chosen for mirroring, and the WeCom corp tag it maps to once created (or found) on WeCom. The
 * creation is done by whoever holds the lease, so concurrent changes create the WeCom tag once. `*CreatedByCareLoop`
 * records what CareLoop created itself (WeCom does not say who created a tag): only those are ever renamed.
 * `backfillCursor` / `backfilledAt`: the customers who already carried the tag when mirroring was turned on are
 * queued in batches by customer-tag id, resumably.
 */
const mirrorSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    tagId: { type: Schema.Types.ObjectId, required: true },
    mirror: { type: Boolean, required: true },
    groupName: { type: String, default: null },
    wecomGroupId: { type: String, default: null },
    wecomTagId: { type: String, default: null },
    wecomTagName: { type: String, default: null },
    groupCreatedByCareLoop: { type: Boolean, default: null },
    tagCreatedByCareLoop: { type: Boolean, default: null },
    leaseOwner: { type: String, default: null },
    leaseUntil: { type: Date, default: null },
    lastError: { type: String, default: null },
    lastErrorAt: { type: Date, default: null },
    backfillCursor: { type: Schema.Types.ObjectId, default: null },
    backfilledAt: { type: Date, default: null },
  },
  { timestamps: true, versionKey: false },
);
mirrorSchema.index({ organisationId: 1, tagId: 1 }, { unique: true });
export const WecomTagMirrorModel = mongoose.model('WecomTagMirror', mirrorSchema, 'tag_wecom_mirrors');

export interface WecomTagMirrorDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  tagId: Types.ObjectId;
  mirror: boolean;
  groupName: string | null;
  wecomGroupId: string | null;
  wecomTagId: string | null;
  wecomTagName: string | null;
  groupCreatedByCareLoop: boolean | null;
  tagCreatedByCareLoop: boolean | null;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  backfillCursor: Types.ObjectId | null;
  backfilledAt: Date | null;
}

/**
 * One unit of mark_tag work: a customer's mirrored tag on one staff member's WeCom contact (unique, so a change told
 * twice is one row). Every change bumps `rev` and makes the row pending again: the worker sends whatever the
 * customer's tag is *when it sends* (add or remove), so a later change supersedes an earlier unsent one, and a row
 * is marked sent only if `rev` did not move meanwhile. `lastSent` is what WeCom was last told successfully (a call
 * is saved when it already matches). status: pending (due at nextAttemptAt; leased while sending), sent, failed
 * (gave up after the maximum attempts: visible, retried on request), skipped (nothing to do: not mirrored any more,
 * not the staff member's contact any more; `note` says why).
 */
const outboxSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    tagId: { type: Schema.Types.ObjectId, required: true },
    staffUserId: { type: String, required: true },
    externalUserId: { type: String, required: true },
    rev: { type: Number, required: true },
    changedAt: { type: Date, required: true },
    status: { type: String, enum: ['pending', 'sent', 'failed', 'skipped'], required: true },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    leaseOwner: { type: String, default: null },
    leaseUntil: { type: Date, default: null },
    lastSent: { type: String, enum: ['add', 'remove', null], default: null },
    sentAt: { type: Date, default: null },
    lastError: { type: String, default: null },
    lastErrorAt: { type: Date, default: null },
    note: { type: String, default: null },
  },
  { timestamps: true, versionKey: false },
);
outboxSchema.index({ organisationId: 1, customerId: 1, tagId: 1, staffUserId: 1, externalUserId: 1 }, { unique: true });
outboxSchema.index({ status: 1, nextAttemptAt: 1 });
outboxSchema.index({ organisationId: 1, status: 1, lastErrorAt: -1 });
export const WecomTagOutboxModel = mongoose.model('WecomTagOutbox', outboxSchema, 'tag_wecom_outbox');

export interface WecomTagOutboxDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  customerId: Types.ObjectId;
  tagId: Types.ObjectId;
  staffUserId: string;
  externalUserId: string;
  rev: number;
  changedAt: Date;
  status: 'pending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  nextAttemptAt: Date;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  lastSent: 'add' | 'remove' | null;
  sentAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  note: string | null;
}
