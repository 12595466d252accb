import mongoose, { Schema, type Types } from 'mongoose';

/**
 * One document per customer: the current privacy-policy acceptance and marketing consent, and the history of every
 * change. State and history live in one document so that a change is one atomic update (with a revision check),
 * without transactions. Each history entry is also recorded as a `consent.changed` timeline event; the entry's
 * `eventRecorded` flag makes that step resumable (an outbox in the same document).
 */
const consentChangeSchema = new Schema(
  {
    id: { type: String, required: true },
    type: { type: String, enum: ['policy_accepted', 'marketing_granted', 'marketing_withdrawn'], required: true },
    policyVersion: { type: String, default: null },
    channel: { type: String, required: true },
    actorKind: { type: String, enum: ['customer', 'staff', 'system'], required: true },
    actorId: { type: String, default: null },
    at: { type: Date, required: true },
    eventRecorded: { type: Boolean, default: false },
  },
  { _id: false },
);

const consentSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    policy: {
      type: new Schema(
        {
          version: { type: String, required: true },
          acceptedAt: { type: Date, required: true },
          channel: { type: String, required: true },
        },
        { _id: false },
      ),
      default: null,
    },
    marketing: {
      type: new Schema(
        {
          granted: { type: Boolean, required: true },
          changedAt: { type: Date, required: true },
          channel: { type: String, required: true },
        },
        { _id: false },
      ),
      default: null,
    },
    history: { type: [consentChangeSchema], default: [] },
    /** Incremented by every change; a change applies only to the revision it was computed from. */
    revision: { type: Number, required: true, default: 0 },
    /** Set by the customer's erasure: the record is kept, minimal, as evidence; marketing is off for good. */
    erasedAt: { type: Date, default: null },
  },
  { versionKey: false, timestamps: true },
);
consentSchema.index({ organisationId: 1, customerId: 1 }, { unique: true });

export interface ConsentChangeDoc {
  id: string;
  type: 'policy_accepted' | 'marketing_granted' | 'marketing_withdrawn';
  policyVersion: string | null;
  channel: string;
  actorKind: 'customer' | 'staff' | 'system';
  actorId: string | null;
  at: Date;
  eventRecorded: boolean;
}

export interface ConsentDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  customerId: Types.ObjectId;
  policy: { version: string; acceptedAt: Date; channel: string } | null;
  marketing: { granted: boolean; changedAt: Date; channel: string } | null;
  history: ConsentChangeDoc[];
  revision: number;
  erasedAt: Date | null;
}

export const ConsentModel = mongoose.model('Consent', consentSchema, 'consents');
