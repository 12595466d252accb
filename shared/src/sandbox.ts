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
});
export const SandboxExternalContact = z.object({ externalUserId: z.string() });

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
