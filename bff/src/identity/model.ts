import mongoose, { Schema } from 'mongoose';

const customerSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: ['patient', 'hcp'], required: true, default: 'patient' },
    name: { type: String, default: null },
    gender: { type: String, enum: ['female', 'male', 'other', null], default: null },
    birthday: { type: String, default: null }, // YYYY-MM-DD, a calendar date with no time zone
    clinicId: { type: Schema.Types.ObjectId, default: null },
    ownerStaffId: { type: Schema.Types.ObjectId, default: null },
    hcp: {
      type: new Schema(
        {
          hospital: { type: String, default: null },
          department: { type: String, default: null },
          title: { type: String, default: null },
          verification: { type: String, enum: ['unverified', 'verified', 'rejected'], default: 'unverified' },
          verifiedBy: { type: Schema.Types.ObjectId, default: null },
          verifiedAt: { type: Date, default: null },
          evidence: { type: String, default: null },
        },
        { _id: false },
      ),
      default: null,
    },
    /** The phone as the customer or staff gave it: encrypted, with a keyed hash for lookup; `verified` by WeChat. */
    phone: {
      type: new Schema(
        {
          ciphertext: { type: String, required: true },
          lookupHash: { type: String, required: true },
          masked: { type: String, required: true },
          verified: { type: Boolean, required: true },
          source: { type: String, required: true }, // wechat_phone_code | typed_by_customer | typed_by_staff
          updatedAt: { type: Date, required: true },
        },
        { _id: false },
      ),
      default: null,
    },
    /** Set when this profile was merged into another; stale references resolve through it. */
    mergedInto: { type: Schema.Types.ObjectId, default: null },
    mergedAt: { type: Date, default: null },
    erasedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
customerSchema.index({ organisationId: 1, createdAt: -1 });
customerSchema.index({ organisationId: 1, name: 1 });
customerSchema.index({ organisationId: 1, 'phone.lookupHash': 1 });
// Redundant on MongoDB (the _id index serves it); mongo-java-server uses an index only when the filter names exactly
// its fields, and every scoped read by id is { _id, organisationId }: without this each one scans all customers.
customerSchema.index({ _id: 1, organisationId: 1 }, { unique: true });

/**
 * One row per identity of a customer. The unique key (organisation, kind, app, value) is also what serialises
 * concurrent first sign-ins: they upsert the same row, so only one customer can own an identity.
 * `app` is the appid (openids differ per mini-program and official account) or corp id; '' where global.
 * Phone identities hold the keyed hash of the number, never the number.
 */
const identitySchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    kind: {
      type: String,
      enum: ['miniapp_openid', 'oa_openid', 'unionid', 'wecom_external_userid', 'phone'],
      required: true,
    },
    app: { type: String, default: '' },
    value: { type: String, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: true },
);
identitySchema.index({ organisationId: 1, kind: 1, app: 1, value: 1 }, { unique: true });
identitySchema.index({ customerId: 1 });

/** A merge of one profile into another: recorded first, then carried out step by step, resumable. */
const mergeSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    survivorId: { type: Schema.Types.ObjectId, required: true },
    mergedId: { type: Schema.Types.ObjectId, required: true },
    /** Why: the rule that fired and its facts (shared unionid, verified phone hash, staff confirmation…). */
    evidence: {
      rule: { type: String, required: true },
      details: { type: Schema.Types.Mixed, default: {} },
      actor: { type: Schema.Types.Mixed, default: null },
    },
    status: { type: String, enum: ['pending', 'done'], required: true },
    stepsDone: { type: [String], default: [] },
    completedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
// A profile is merged away at most once: racing merges of the same profile meet on this key.
mergeSchema.index({ organisationId: 1, mergedId: 1 }, { unique: true });
mergeSchema.index({ organisationId: 1, survivorId: 1 });
mergeSchema.index({ status: 1 });

export const CustomerModel = mongoose.model('Customer', customerSchema, 'customers');
export const IdentityModel = mongoose.model('Identity', identitySchema, 'identities');
export const MergeModel = mongoose.model('Merge', mergeSchema, 'merges');

/**
 * WeChat bills getPhoneNumber per call: each code is claimed here once (unique hash) and its result kept, so a
 * retried request reuses it instead of paying again.
 */
const phoneCodeSchema = new Schema(
  {
    codeHash: { type: String, required: true, unique: true },
    organisationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: ['pending', 'done', 'failed'], required: true },
    ciphertext: { type: String, default: null },
  },
  { timestamps: true },
);

/** Two profiles that may be one person (e.g. the same typed phone): staff confirm (merge) or dismiss. */
const duplicateSuggestionSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    pairKey: { type: String, required: true },
    customerIds: { type: [Schema.Types.ObjectId], required: true },
    reason: { type: String, enum: ['same_phone'], required: true },
    status: { type: String, enum: ['open', 'confirmed', 'dismissed'], default: 'open' },
    decidedBy: { type: Schema.Types.ObjectId, default: null },
    decidedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
duplicateSuggestionSchema.index({ organisationId: 1, pairKey: 1 }, { unique: true });
duplicateSuggestionSchema.index({ organisationId: 1, customerIds: 1, status: 1 });

/** Which staff member has which WeCom external contact (from externalcontact/get and batch/get_by_user). */
const wecomFollowSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    externalUserId: { type: String, required: true },
    staffUserId: { type: String, required: true },
    addedAt: { type: Date, required: true },
    state: { type: String, default: null },
  },
  { timestamps: true },
);
wecomFollowSchema.index({ organisationId: 1, externalUserId: 1, staffUserId: 1 }, { unique: true });
wecomFollowSchema.index({ organisationId: 1, staffUserId: 1 });

export const PhoneCodeModel = mongoose.model('PhoneCode', phoneCodeSchema, 'phone_codes');
export const DuplicateSuggestionModel = mongoose.model(
  'DuplicateSuggestion',
  duplicateSuggestionSchema,
  'duplicate_suggestions',
);
export const WecomFollowModel = mongoose.model('WecomFollow', wecomFollowSchema, 'wecom_follows');
