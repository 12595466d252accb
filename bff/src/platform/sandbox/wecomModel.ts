/**
 * State of the emulated WeCom's customer-contact features: contact-me codes, welcome codes and the welcome messages
 * sent with them, temporary media, and the callbacks it delivered (with every answer it got).
 */
import mongoose, { Schema } from 'mongoose';

/** A contact-me code (add_contact_way). */
const contactWaySchema = new Schema(
  {
    corpId: { type: String, required: true },
    configId: { type: String, required: true, unique: true },
    type: { type: Number, required: true },
    scene: { type: Number, required: true },
    state: { type: String, default: '' },
    userIds: { type: [String], default: [] },
    skipVerify: { type: Boolean, default: true },
    remark: { type: String, default: '' },
  },
  { timestamps: true },
);

/** The WelcomeCode of an add_external_contact callback: single use, valid 20 seconds from issuedAt. */
const welcomeCodeSchema = new Schema({
  corpId: { type: String, required: true },
  code: { type: String, required: true, unique: true },
  userid: { type: String, required: true },
  externalUserId: { type: String, required: true },
  issuedAt: { type: Date, required: true },
  usedAt: { type: Date, default: null },
});

const welcomeMessageSchema = new Schema(
  {
    corpId: { type: String, required: true },
    welcomeCode: { type: String, required: true },
    userid: { type: String, required: true },
    externalUserId: { type: String, required: true },
    text: { type: String, default: null },
    attachments: { type: [Schema.Types.Mixed], default: [] },
  },
  { timestamps: true },
);
welcomeMessageSchema.index({ corpId: 1, externalUserId: 1, createdAt: 1 });

/** Temporary media (media/upload): valid three days. The bytes are not kept. */
const mediaSchema = new Schema({
  corpId: { type: String, required: true },
  mediaId: { type: String, required: true, unique: true },
  type: { type: String, required: true },
  filename: { type: String, default: '' },
  bytes: { type: Number, required: true },
  createdAt: { type: Date, required: true },
  expiresAt: { type: Date, required: true },
});

/** A callback the emulator sent to CareLoop's callback URL, and each attempt's answer. */
const callbackDeliverySchema = new Schema(
  {
    corpId: { type: String, required: true },
    changeType: { type: String, required: true },
    userid: { type: String, required: true },
    externalUserId: { type: String, required: true },
    state: { type: String, default: null },
    welcomeCode: { type: String, default: null },
    /** The plaintext XML (what every copy carries, freshly encrypted). */
    message: { type: String, required: true },
    /** How many times the same callback is delivered (a test of idempotency). */
    copies: { type: Number, default: 1 },
    /** Copies that got `success` or gave up. */
    copiesFinished: { type: Number, default: 0 },
    attempts: {
      type: [
        {
          copy: Number,
          attempt: Number,
          status: { type: Number, default: null },
          answer: { type: String, default: '' },
          ok: Boolean,
          at: Date,
          _id: false,
        },
      ],
      default: [],
    },
  },
  { timestamps: true },
);
callbackDeliverySchema.index({ corpId: 1, externalUserId: 1, createdAt: 1 });

export const SandboxContactWayModel = mongoose.model(
  'SandboxContactWay',
  contactWaySchema,
  'sandbox_wecom_contact_ways',
);
export const SandboxWelcomeCodeModel = mongoose.model(
  'SandboxWelcomeCode',
  welcomeCodeSchema,
  'sandbox_wecom_welcome_codes',
);
export const SandboxWelcomeMessageModel = mongoose.model(
  'SandboxWelcomeMessage',
  welcomeMessageSchema,
  'sandbox_wecom_welcome_messages',
);
export const SandboxMediaModel = mongoose.model('SandboxMedia', mediaSchema, 'sandbox_wecom_media');
export const SandboxCallbackDeliveryModel = mongoose.model(
  'SandboxCallbackDelivery',
  callbackDeliverySchema,
  'sandbox_wecom_callbacks',
);

/** A member who left the corp: only their contacts can be handed over with resigned/transfer_customer. */
const resignedMemberSchema = new Schema({
  corpId: { type: String, required: true },
  userid: { type: String, required: true },
  resignedAt: { type: Date, required: true },
});
resignedMemberSchema.index({ corpId: 1, userid: 1 }, { unique: true });

/**
 * A takeover of an external contact from one member by another (transfer_customer while employed,
 * resigned/transfer_customer after leaving). It waits 24 hours (`takeoverAt`) and then completes, unless the customer
 * refuses. `status` is transfer_result's: 1 taken over, 2 waiting, 3 refused, 4 successor's limit, 5 no record.
 * `waitingKey` (the contact, set only while waiting, sparse unique) is what answers 40129 to a second takeover of a
 * contact already being taken over, however requests interleave.
 */
const customerTransferSchema = new Schema(
  {
    corpId: { type: String, required: true },
    kind: { type: String, enum: ['onjob', 'resigned'], required: true },
    handoverUserId: { type: String, required: true },
    takeoverUserId: { type: String, required: true },
    externalUserId: { type: String, required: true },
    status: { type: Number, required: true },
    takeoverAt: { type: Date, default: null },
    successMessage: { type: String, default: null },
    waitingKey: { type: String },
  },
  { timestamps: true },
);
customerTransferSchema.index({ waitingKey: 1 }, { unique: true, sparse: true });
customerTransferSchema.index({ corpId: 1, kind: 1, handoverUserId: 1, takeoverUserId: 1 });
customerTransferSchema.index({ corpId: 1, status: 1, takeoverAt: 1 });

export const SandboxResignedMemberModel = mongoose.model(
  'SandboxResignedMember',
  resignedMemberSchema,
  'sandbox_wecom_resigned_members',
);
export const SandboxCustomerTransferModel = mongoose.model(
  'SandboxCustomerTransfer',
  customerTransferSchema,
  'sandbox_wecom_customer_transfers',
);

/**
 * The corp's customer tag library (企业客户标签): groups and tags, each created by an app (through add_corp_tag) or
 * in the admin console (a control route). Only their creator app may edit or delete them; any app may mark them on
 * customers. A deleted group or tag keeps its row (`deleted`, as get_corp_tag_list reports when asked by id);
 * `liveKey`, set only while live (sparse unique), keeps group names unique in the corp and tag names unique in their
 * group however requests interleave.
 */
const corpTagGroupSchema = new Schema(
  {
    corpId: { type: String, required: true },
    groupId: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    order: { type: Number, default: 0 },
    createdBy: { type: String, enum: ['app', 'console'], required: true },
    deleted: { type: Boolean, default: false },
    liveKey: { type: String },
  },
  { timestamps: true },
);
corpTagGroupSchema.index({ liveKey: 1 }, { unique: true, sparse: true });
corpTagGroupSchema.index({ corpId: 1 });

const corpTagSchema = new Schema(
  {
    corpId: { type: String, required: true },
    tagId: { type: String, required: true, unique: true },
    groupId: { type: String, required: true },
    name: { type: String, required: true },
    order: { type: Number, default: 0 },
    createdBy: { type: String, enum: ['app', 'console'], required: true },
    deleted: { type: Boolean, default: false },
    liveKey: { type: String },
  },
  { timestamps: true },
);
corpTagSchema.index({ liveKey: 1 }, { unique: true, sparse: true });
corpTagSchema.index({ corpId: 1, groupId: 1 });

/** The corp tags one member has marked on one external contact (mark_tag). */
const contactTagsSchema = new Schema(
  {
    corpId: { type: String, required: true },
    externalUserId: { type: String, required: true },
    userid: { type: String, required: true },
    tagIds: { type: [String], default: [] },
  },
  { timestamps: true },
);
contactTagsSchema.index({ corpId: 1, externalUserId: 1, userid: 1 }, { unique: true });

/** Every call of the corp tag APIs and its answer, so tests can count what a client asked for. */
const corpTagCallSchema = new Schema(
  {
    corpId: { type: String, required: true },
    api: { type: String, required: true },
    request: { type: Schema.Types.Mixed, default: {} },
    errcode: { type: Number, required: true },
    errmsg: { type: String, default: '' },
  },
  { timestamps: true },
);
corpTagCallSchema.index({ corpId: 1, createdAt: 1 });

/**
 * Control: the next `remaining` calls of an API fail with this errcode (an outage to recover from); every call waits
 * `latencyMs` before it is handled (a slow WeCom).
 */
const apiFaultSchema = new Schema({
  corpId: { type: String, required: true },
  api: { type: String, required: true },
  remaining: { type: Number, default: 0 },
  errcode: { type: Number, default: -1 },
  errmsg: { type: String, default: 'system busy' },
  latencyMs: { type: Number, default: 0 },
});
apiFaultSchema.index({ corpId: 1, api: 1 }, { unique: true });

export const SandboxCorpTagGroupModel = mongoose.model(
  'SandboxCorpTagGroup',
  corpTagGroupSchema,
  'sandbox_wecom_corp_tag_groups',
);
export const SandboxCorpTagModel = mongoose.model('SandboxCorpTag', corpTagSchema, 'sandbox_wecom_corp_tags');
export const SandboxContactTagsModel = mongoose.model(
  'SandboxContactTags',
  contactTagsSchema,
  'sandbox_wecom_contact_tags',
);
export const SandboxCorpTagCallModel = mongoose.model(
  'SandboxCorpTagCall',
  corpTagCallSchema,
  'sandbox_wecom_corp_tag_calls',
);
export const SandboxApiFaultModel = mongoose.model('SandboxApiFault', apiFaultSchema, 'sandbox_wecom_api_faults');
