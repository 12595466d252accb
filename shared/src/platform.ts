import { z } from 'zod';

/** What a front end needs to know before anyone signs in. */
export const AppConfig = z
  .object({
    /** True when WeChat, WeCom and Pay are the local sandbox rather than the real services. */
    sandbox: z.boolean(),
    /** The organisation this mini-program and WeCom corp belong to; null until one is set up. */
    organisation: z.object({ name: z.string() }).nullable(),
    miniapp: z.object({ appId: z.string() }),
    wecom: z.object({ corpId: z.string(), agentId: z.string() }),
  })
  .meta({ id: 'AppConfig' });
export type AppConfig = z.infer<typeof AppConfig>;

export const JsSdkSignatureRequest = z.strictObject({
  /** The page URL; anything after `#` is ignored, as WeCom requires. */
  url: z.url().max(2048),
  /** `config` signs with the corp jsapi ticket, `agentConfig` with the app ticket. */
  type: z.enum(['config', 'agentConfig']),
});
export type JsSdkSignatureRequest = z.infer<typeof JsSdkSignatureRequest>;

export const JsSdkSignature = z
  .object({ timestamp: z.number().int(), nonceStr: z.string(), signature: z.string() })
  .meta({ id: 'JsSdkSignature' });
export type JsSdkSignature = z.infer<typeof JsSdkSignature>;

export const HealthStatus = z
  .object({ status: z.literal('ok'), database: z.literal('ok') })
  .meta({ id: 'HealthStatus' });
