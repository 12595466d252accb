/** State of the emulated WeChat and WeCom, kept in the database so it survives a restart like the real services. */
import mongoose, { Schema } from 'mongoose';

const wechatUserSchema = new Schema(
  {
    appId: { type: String, required: true },
    openid: { type: String, required: true, unique: true },
    unionid: { type: String, default: null },
    nickname: { type: String, default: null },
  },
  { timestamps: true },
);

const wecomMemberSchema = new Schema(
  {
    corpId: { type: String, required: true },
    userid: { type: String, required: true },
    name: { type: String, required: true },
    /** A welcome message set for the member in WeCom's admin console: then callbacks carry no WelcomeCode. */
    consoleWelcome: { type: Boolean, default: false },
  },
  { timestamps: true },
);
wecomMemberSchema.index({ corpId: 1, userid: 1 }, { unique: true });

/** A customer who added members of the emulated corp: one external_userid per person per corp. */
const externalContactSchema = new Schema(
  {
    corpId: { type: String, required: true },
    externalUserId: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    unionid: { type: String, default: null },
    follows: {
      type: [{ userid: String, createtime: Number, state: { type: String, default: null }, _id: false }],
      default: [],
    },
  },
  { timestamps: true },
);
externalContactSchema.index({ corpId: 1, unionid: 1 });
externalContactSchema.index({ corpId: 1, 'follows.userid': 1, externalUserId: 1 });

/** Subscribe-message credits the emulated WeChat holds per user and template, and the messages it delivered. */
const subscribeCreditSchema = new Schema({
  appId: { type: String, required: true },
  openid: { type: String, required: true },
  templateId: { type: String, required: true },
  credits: { type: Number, default: 0 },
});
subscribeCreditSchema.index({ appId: 1, openid: 1, templateId: 1 }, { unique: true });
const subscribeMessageSchema = new Schema(
  {
    appId: { type: String, required: true },
    openid: { type: String, required: true },
    templateId: { type: String, required: true },
    page: { type: String, default: '' },
    data: { type: Schema.Types.Mixed, required: true },
    miniprogramState: { type: String, default: 'formal' },
  },
  { timestamps: true },
);
subscribeMessageSchema.index({ appId: 1, openid: 1, createdAt: -1 });

/** A one-time code (wx.login code, WeCom OAuth code): valid five minutes, spent by its first use. */
const codeSchema = new Schema({
  code: { type: String, required: true, unique: true },
  kind: { type: String, enum: ['wechat_login', 'wechat_phone', 'wecom_oauth'], required: true },
  app: { type: String, required: true },
  subject: { type: String, required: true },
  expiresAt: { type: Date, required: true },
  usedAt: { type: Date, default: null },
});

/** Access tokens and JS-SDK tickets the emulator has issued. */
const credentialSchema = new Schema({
  value: { type: String, required: true, unique: true },
  kind: { type: String, enum: ['wechat_token', 'wecom_token', 'wecom_jsapi_ticket', 'wecom_agent_ticket'] },
  app: { type: String, required: true },
  expiresAt: { type: Date, required: true },
});
credentialSchema.index({ kind: 1, app: 1, expiresAt: -1 });

export const SandboxWechatUserModel = mongoose.model('SandboxWechatUser', wechatUserSchema, 'sandbox_wechat_users');
export const SandboxWecomMemberModel = mongoose.model('SandboxWecomMember', wecomMemberSchema, 'sandbox_wecom_members');
export const SandboxExternalContactModel = mongoose.model(
  'SandboxExternalContact',
  externalContactSchema,
  'sandbox_wecom_external_contacts',
);
export const SandboxSubscribeCreditModel = mongoose.model(
  'SandboxSubscribeCredit',
  subscribeCreditSchema,
  'sandbox_subscribe_credits',
);
export const SandboxSubscribeMessageModel = mongoose.model(
  'SandboxSubscribeMessage',
  subscribeMessageSchema,
  'sandbox_subscribe_messages',
);
export const SandboxCodeModel = mongoose.model('SandboxCode', codeSchema, 'sandbox_codes');
export const SandboxCredentialModel = mongoose.model('SandboxCredential', credentialSchema, 'sandbox_credentials');
