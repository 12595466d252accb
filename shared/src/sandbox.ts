import { z } from 'zod';

/** The sandbox's control API (dev and tests only): creates emulated users and the codes WeChat/WeCom would hand out. */
export const SandboxCreateWechatUserRequest = z.strictObject({
  nickname: z.string().max(40).optional(),
  unionid: z.string().min(1).max(64).optional(),
});
export const SandboxWechatUser = z.object({ openid: z.string(), unionid: z.string().nullable() });
export type SandboxWechatUser = z.infer<typeof SandboxWechatUser>;

export const SandboxLoginCodeRequest = z.strictObject({ openid: z.string().min(1).max(64) });
export const SandboxCode = z.object({ code: z.string() });
export type SandboxCode = z.infer<typeof SandboxCode>;

export const SandboxWecomUser = z.object({ userid: z.string(), name: z.string() });
export type SandboxWecomUser = z.infer<typeof SandboxWecomUser>;

export const SandboxOauthCodeRequest = z.strictObject({ userid: z.string().min(1).max(64) });

export const SandboxPhoneCodeRequest = z.strictObject({
  openid: z.string().min(1).max(64),
  /** The number the emulated WeChat account has bound (what the user confirms in the getPhoneNumber sheet). */
  phoneNumber: z.string().regex(/^1[3-9]\d{9}$/, 'a mainland mobile number'),
});

export const SandboxAddExternalContactRequest = z.strictObject({
  /** The corp member the customer adds. */
  userid: z.string().min(1).max(64),
  name: z.string().min(1).max(40),
  unionid: z.string().min(1).max(64).optional(),
  /** The contact-me code's state, when added through one. */
  state: z.string().max(30).optional(),
  /** How many times the add_external_contact callback is delivered (as WeCom's retries would): default 1. */
  deliveries: z.number().int().min(1).max(5).optional(),
});
export const SandboxExternalContact = z.object({
  externalUserId: z.string(),
  /** The callback the emulator sends about it (see /sandbox/control/wecom/callbacks); null if the member had them. */
  callbackId: z.string().nullable().optional(),
});

export const SandboxSubscribeRequest = z.strictObject({
  openid: z.string().min(1).max(64),
  templateIds: z.array(z.string().min(1).max(64)).min(1).max(3),
});
export const SandboxSubscribeMessage = z.object({
  templateId: z.string(),
  page: z.string(),
  data: z.record(z.string(), z.object({ value: z.string() })),
  sentAt: z.iso.datetime(),
});

/** A customer scans a contact-me code: becomes the contact of one of its members, with the code's state. */
export const SandboxContactWayScanRequest = z.strictObject({
  name: z.string().min(1).max(40),
  unionid: z.string().min(1).max(64).optional(),
  /** Which of the code's members they add (default: the first). */
  userid: z.string().min(1).max(64).optional(),
  deliveries: z.number().int().min(1).max(5).optional(),
});
export const SandboxContactWayScan = z.object({
  externalUserId: z.string(),
  userid: z.string(),
  callbackId: z.string().nullable(),
});

/** Whether a member has a welcome message set in the admin console (then callbacks carry no WelcomeCode). */
export const SandboxConsoleWelcomeRequest = z.strictObject({ enabled: z.boolean() });

export const SandboxExternalUserQuery = z.strictObject({ externalUserId: z.string().min(1).max(64).optional() });

export const SandboxWelcomeMessage = z.object({
  welcomeCode: z.string(),
  userid: z.string(),
  externalUserId: z.string(),
  text: z.string().nullable(),
  attachments: z.array(z.record(z.string(), z.unknown())),
  sentAt: z.iso.datetime(),
});

/** A callback the emulated WeCom sent to CareLoop, with every attempt and the answer it got. */
export const SandboxCallbackDelivery = z.object({
  id: z.string(),
  changeType: z.string(),
  userid: z.string(),
  externalUserId: z.string(),
  state: z.string().nullable(),
  welcomeCode: z.string().nullable(),
  copies: z.number().int(),
  /** Every copy got `success` or gave up after its retries. */
  finished: z.boolean(),
  attempts: z.array(
    z.object({
      copy: z.number().int(),
      attempt: z.number().int(),
      status: z.number().int().nullable(),
      answer: z.string(),
      ok: z.boolean(),
      at: z.iso.datetime(),
    }),
  ),
});

/** Makes a welcome code older than it is, so its 20 seconds can run out in a test. */
export const SandboxAgeWelcomeCodeRequest = z.strictObject({ seconds: z.number().int().min(1).max(86_400) });

/** A takeover of an external contact the emulated WeCom started (transfer_customer or resigned/transfer_customer). */
export const SandboxCustomerTransfer = z.object({
  kind: z.enum(['onjob', 'resigned']),
  handoverUserId: z.string(),
  takeoverUserId: z.string(),
  externalUserId: z.string(),
  /** As transfer_result says: 1 taken over, 2 waiting, 3 refused by the customer, 4 successor's limit, 5 no record. */
  status: z.number().int(),
  /** When it was (or, waiting, will be) taken over. */
  takeoverAt: z.iso.datetime().nullable(),
  /** The transfer_success_msg sent with it (在职继承 only). */
  successMessage: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
/** The customer refuses the takeover of this contact that is waiting. */
export const SandboxRefuseTransferRequest = z.strictObject({ externalUserId: z.string().min(1).max(64) });
/** Every waiting takeover's 24 hours pass now: each is taken over. */
export const SandboxCompletedTransfers = z.object({ completed: z.number().int() });

/** A tag group made in WeCom's admin console (CareLoop's app may read and mark its tags, never edit or delete them). */
export const SandboxConsoleTagGroupRequest = z.strictObject({
  groupName: z.string().trim().min(1).max(30),
  tags: z.array(z.string().trim().min(1).max(30)).min(1).max(100),
});
const SandboxCorpTagCreator = z.enum(['app', 'console']);
/** A group of the emulated corp's customer tag library, with who created it and each of its tags. */
export const SandboxCorpTagGroup = z.object({
  groupId: z.string(),
  groupName: z.string(),
  createdBy: SandboxCorpTagCreator,
  deleted: z.boolean(),
  tags: z.array(z.object({ id: z.string(), name: z.string(), createdBy: SandboxCorpTagCreator, deleted: z.boolean() })),
});
/** The corp tags one member has marked on one external contact (mark_tag). */
export const SandboxContactTags = z.object({
  userid: z.string(),
  externalUserId: z.string(),
  tags: z.array(z.object({ id: z.string(), name: z.string(), groupName: z.string() })),
});
/** The next `times` calls of a corp tag API answer `errcode` (default -1, system busy), then it works again. */
const SandboxCorpTagApi = z.enum(['get_corp_tag_list', 'add_corp_tag', 'edit_corp_tag', 'del_corp_tag', 'mark_tag']);
export const SandboxApiFailureRequest = z.strictObject({
  api: SandboxCorpTagApi,
  times: z.number().int().min(0).max(1000),
  errcode: z.number().int().optional(),
});
/** A call of a corp tag API the emulated WeCom answered, oldest first. */
export const SandboxCorpTagCall = z.object({
  api: z.string(),
  request: z.record(z.string(), z.unknown()),
  errcode: z.number().int(),
  errmsg: z.string(),
  at: z.iso.datetime(),
});
/** Every call of a corp tag API waits `ms` before it is handled (a slow WeCom); 0 answers at once again. */
export const SandboxApiLatencyRequest = z.strictObject({
  api: SandboxCorpTagApi,
  ms: z.number().int().min(0).max(10_000),
});
