/**
 * Configuration, read once from the environment and validated. Every variable is documented in README.md.
 * Start-up fails fast with a message naming the bad variable; secrets are never logged (see `describeConfig`).
 */
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** A 32-byte key given as 64 hex digits or as base64 (standard or URL-safe). */
const phoneKey = z.string().transform((value, ctx) => {
  const key = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(value)
      ? Buffer.from(value, 'base64')
      : null;
  if (key?.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'must be 32 bytes, as 64 hex digits or base64' });
    return z.NEVER;
  }
  return key;
});

const EnvSchema = z.object({
  CARELOOP_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Where browsers reach this server; default http://localhost:PORT. */
  PUBLIC_URL: z.url().optional(),
  /** Extra front-end origins allowed by CORS (comma-separated); PUBLIC_URL is always allowed. */
  CORS_ORIGINS: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(100 * 1024),
  JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(180).default(30),
  WECHAT_APPID: optionalString,
  WECHAT_SECRET: optionalString,
  WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com'),
  /** The subscribe-message template of the appointment reminder (fields thing1 service, time2 time, thing3 clinic). */
  WECHAT_REMINDER_TEMPLATE_ID: optionalString,
  /** The meeting reminder's template (thing1 meeting, time2 start, thing3 place). */
  WECHAT_MEETING_REMINDER_TEMPLATE_ID: optionalString,
  /** The template of journeys' follow-up, recall and service notices (thing1 service, thing2 note). */
  WECHAT_CARE_NOTICE_TEMPLATE_ID: optionalString,
  /** The template of coupon-expiring notices (thing1 coupon, thing2 note). */
  WECHAT_COUPON_EXPIRING_TEMPLATE_ID: optionalString,
  /** Which mini-program version a message opens: formal, trial or developer. */
  WECHAT_MINIPROGRAM_STATE: z.enum(['formal', 'trial', 'developer']).default('formal'),
  /** How long before an appointment its reminder is sent. */
  APPOINTMENT_REMINDER_HOURS: z.coerce.number().min(1).max(168).default(24),
  WECOM_CORPID: optionalString,
  WECOM_AGENTID: optionalString,
  WECOM_SECRET: optionalString,
  WECOM_API_BASE: z.url().default('https://qyapi.weixin.qq.com'),
  /** The callback URL's Token (WeCom admin console, app → receive messages): 1–32 letters or digits. */
  WECOM_CALLBACK_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9]{1,32}$/, 'must be 1–32 letters or digits')
      .optional(),
  ),
  /** The callback URL's EncodingAESKey: exactly 43 letters or digits. */
  WECOM_CALLBACK_AES_KEY: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9]{43}$/, 'must be the 43-character EncodingAESKey (letters and digits)')
      .optional(),
  ),
  /** Seed the demo organisation on start when the database is empty (default: on, except in production). */
  DEMO_SEED: z.enum(['true', 'false']).optional(),
  /** The privacy policy version customers must have accepted; a new value makes the mini-program ask again. */
  PRIVACY_POLICY_VERSION: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,32}$/, 'must be 1–32 characters A–Z, a–z, 0–9, . _ or -')
    .default('2026-11'),
  /** Encrypts phone numbers at rest (AES-256-GCM): 32 bytes, base64 or hex. Required in production. */
  PHONE_ENCRYPTION_KEY: optionalString.pipe(phoneKey.optional()),
  /** Former encryption keys, comma-separated, still accepted for decryption after a rotation. */
  PHONE_ENCRYPTION_PREVIOUS_KEYS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((key) => key.trim())
        .filter(Boolean),
    )
    .pipe(z.array(phoneKey)),
  /** Keys the HMAC-SHA256 lookup hash of phone numbers: 32 bytes, base64 or hex, not the encryption key. */
  PHONE_LOOKUP_KEY: optionalString.pipe(phoneKey.optional()),
  /** WeChat Pay merchant id; unset: the sandbox plays WeChat Pay (not allowed in production). */
  PAY_MCHID: optionalString.pipe(
    z
      .string()
      .regex(/^\d{1,32}$/, 'must be the merchant id (digits)')
      .optional(),
  ),
  /** The APIv3 key (decrypts notifications): exactly 32 characters. */
  PAY_APIV3_KEY: optionalString.pipe(z.string().length(32, 'must be exactly 32 characters').optional()),
  /** The merchant API private key (apiclient_key.pem) as PEM text (\n escapes allowed), or a file path variant. */
  PAY_MERCHANT_PRIVATE_KEY: optionalString,
  PAY_MERCHANT_PRIVATE_KEY_FILE: optionalString,
  /** The merchant API certificate's serial number. */
  PAY_MERCHANT_SERIAL: optionalString.pipe(
    z
      .string()
      .regex(/^[0-9A-Fa-f]{8,64}$/, 'must be the certificate serial number in hex')
      .optional(),
  ),
  /** Verification by WeChat Pay platform certificate(s): PEM text (one or several), or comma-separated files. */
  PAY_PLATFORM_CERTIFICATES: optionalString,
  PAY_PLATFORM_CERTIFICATE_FILES: optionalString,
  /** Verification by the WeChat Pay public key (pub_key.pem) and its id (`PUB_KEY_ID_…`). */
  PAY_PUBLIC_KEY: optionalString,
  PAY_PUBLIC_KEY_FILE: optionalString,
  PAY_PUBLIC_KEY_ID: optionalString.pipe(
    z
      .string()
      .regex(/^PUB_KEY_ID_[0-9A-Za-z]{1,64}$/, 'must look like PUB_KEY_ID_…')
      .optional(),
  ),
  PAY_API_BASE: z.url().default('https://api.mch.weixin.qq.com'),
  /** Where WeChat Pay sends payment and refund notifications; default $PUBLIC_URL/api/pay/notify and …/refund-notify. */
  PAY_NOTIFY_URL: z.url().optional(),
  PAY_REFUND_NOTIFY_URL: z.url().optional(),
  /** How long an unpaid order stays payable when its domain gives no expiry. */
  PAY_ORDER_TTL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** Text messages: aliyun (Aliyun SMS SendSms) or none; default aliyun with keys or in sandbox mode, else none. */
  SMS_PROVIDER: optionalString.pipe(z.enum(['aliyun', 'none']).optional()),
  ALIYUN_SMS_ENDPOINT: z.url().default('https://dysmsapi.aliyuncs.com'),
  /** An AccessKey allowed to call dysmsapi:SendSms (a RAM user's); without one the sandbox's stands in. */
  ALIYUN_SMS_ACCESS_KEY_ID: optionalString,
  ALIYUN_SMS_ACCESS_KEY_SECRET: optionalString,
  /** The approved SMS signature (签名) used when a step names none. */
  SMS_SIGN_NAME: optionalString.pipe(z.string().max(30, 'must be at most 30 characters').optional()),
});

export type Env = Record<string, string | undefined>;

/** Identity of the emulated WeChat mini-program and WeCom corp the sandbox plays. */
export const SANDBOX = {
  wechatAppId: 'wx5a4db0x0sandbox',
  wechatSecret: 'sandbox-wechat-app-secret',
  wecomCorpId: 'wwsandbox0000corp',
  wecomAgentId: '1000002',
  wecomSecret: 'sandbox-wecom-agent-secret',
  /** Public and for the sandbox (and development) only: the emulated WeCom signs its callbacks with them. */
  wecomCallbackToken: 'careloopSandboxCallbackToken',
  wecomCallbackAesKey: 'careloopSandboxWecomCallbackEncodingAESKey0',
  reminderTemplateId: 'tmplSandboxAppointmentReminder',
  meetingReminderTemplateId: 'tmplSandboxMeetingReminder',
  careNoticeTemplateId: 'tmplSandboxCareNotice',
  couponExpiringTemplateId: 'tmplSandboxCouponExpiring',
  payMchId: '1900000109',
  /** Public and for the sandbox only (its RSA keys are generated once per database, see PayConfig.keys). */
  payApiV3Key: 'careloopSandboxApiV3Key000000000',
  /** Public and for the sandbox only: the emulated Aliyun SMS endpoint verifies request signatures with them. */
  smsAccessKeyId: 'LTAI5tSandboxCareLoopSms',
  smsAccessKeySecret: 'careloopSandboxSmsAccessKeySecret0000',
} as const;

// Only for development and tests; production refuses to start without JWT_SECRET.
const DEVELOPMENT_JWT_SECRET = 'careloop-development-only-secret-not-for-production';
// Only for development and tests, derived from public labels (so anyone can decrypt with them): production
// refuses to start without PHONE_ENCRYPTION_KEY and PHONE_LOOKUP_KEY.
const developmentKey = (label: string) => createHash('sha256').update(`careloop-development-only:${label}`).digest();

/** A WeChat Pay public key or platform certificate that may sign responses and notifications. */
export interface PayVerificationKey {
  /** What `Wechatpay-Serial` names: the certificate serial (upper-case hex) or the public key id `PUB_KEY_ID_…`. */
  serial: string;
  /** SPKI PEM. */
  publicKey: string;
}

export interface PayConfig {
  /** True when the local sandbox plays WeChat Pay. */
  sandbox: boolean;
  mchId: string;
  apiV3Key: string;
  apiBase: string;
  notifyUrl: string;
  refundNotifyUrl: string;
  orderTtlMinutes: number;
  /**
   * The merchant's signing key and WeChat Pay's verification keys. Null in sandbox mode: there they are generated
   * once per database and read from it lazily, so every instance sharing the database signs and verifies alike.
   */
  keys: {
    merchantPrivateKey: string;
    merchantSerial: string;
    /** Platform certificates and/or the WeChat Pay public key; `Wechatpay-Serial` picks one. */
    verification: PayVerificationKey[];
    /** The public key id, sent as `Wechatpay-Serial` on requests so WeChat Pay answers in public-key mode. */
    publicKeyId: string | null;
  } | null;
}

export interface Config {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  publicUrl: string;
  corsOrigins: string[];
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  bodyLimitBytes: number;
  auth: { jwtSecret: string; accessTokenTtlSeconds: number; refreshTokenTtlDays: number };
  /** True when WeChat and WeCom are played by the local sandbox. */
  sandbox: boolean;
  wechat: {
    appId: string;
    secret: string;
    apiBase: string;
    /** Subscribe-message template ids ('' : not configured, nothing of that kind is sent). */
    reminderTemplateId: string;
    meetingReminderTemplateId: string;
    careNoticeTemplateId: string;
    couponExpiringTemplateId: string;
    miniprogramState: 'formal' | 'trial' | 'developer';
    reminderHoursBefore: number;
  };
  wecom: {
    corpId: string;
    agentId: string;
    secret: string;
    apiBase: string;
    /** Verifies and decrypts WeCom's callbacks (and the sandbox signs its callbacks with it). */
    callback: { token: string; aesKey: string };
  };
  demoSeed: boolean;
  pay: PayConfig;
  /** Text messages through Aliyun SMS (in sandbox mode without keys: the sandbox's emulation), or none. */
  sms: SmsConfig;
  privacy: {
    /** The privacy policy version customers are asked to accept. */
    policyVersion: string;
    phone: {
      /** Encrypts new phone ciphertexts. */
      encryptionKey: Buffer;
      /** Still decrypt ciphertexts written before a rotation. */
      previousEncryptionKeys: Buffer[];
      /** Keys the lookup hash; changing it means re-hashing every stored number. */
      lookupKey: Buffer;
      /** True when the public development keys are in use (never in production). */
      developmentKeys: boolean;
    };
  };
}

export interface SmsConfig {
  provider: 'aliyun' | 'none';
  /** Aliyun's endpoint (https://dysmsapi.aliyuncs.com) or the sandbox's (…/sandbox/sms); '' with none. */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Env = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');

  const wechatSet = [e.WECHAT_APPID, e.WECHAT_SECRET].filter(Boolean).length;
  const wecomSet = [e.WECOM_CORPID, e.WECOM_AGENTID, e.WECOM_SECRET].filter(Boolean).length;
  if (wechatSet === 1)
    throw new ConfigError('Invalid configuration: set both WECHAT_APPID and WECHAT_SECRET, or neither');
  if (wecomSet !== 0 && wecomSet !== 3) {
    throw new ConfigError('Invalid configuration: set all of WECOM_CORPID, WECOM_AGENTID and WECOM_SECRET, or none');
  }
  if ((wechatSet === 0) !== (wecomSet === 0)) {
    throw new ConfigError(
      'Invalid configuration: configure WeChat (WECHAT_*) and WeCom (WECOM_*) together; without both the sandbox plays them',
    );
  }
  const sandbox = wechatSet === 0;
  if (e.CARELOOP_ENV === 'production') {
    if (!e.JWT_SECRET) throw new ConfigError('Invalid configuration: JWT_SECRET is required in production');
    if (sandbox) throw new ConfigError('Invalid configuration: production needs WECHAT_* and WECOM_* credentials');
    if (!e.PHONE_ENCRYPTION_KEY || !e.PHONE_LOOKUP_KEY) {
      throw new ConfigError(
        'Invalid configuration: PHONE_ENCRYPTION_KEY and PHONE_LOOKUP_KEY are required in production',
      );
    }
  }
  if (Boolean(e.WECOM_CALLBACK_TOKEN) !== Boolean(e.WECOM_CALLBACK_AES_KEY)) {
    throw new ConfigError(
      'Invalid configuration: set both WECOM_CALLBACK_TOKEN and WECOM_CALLBACK_AES_KEY, or neither',
    );
  }
  if (e.CARELOOP_ENV === 'production' && !sandbox && !e.WECOM_CALLBACK_TOKEN) {
    throw new ConfigError(
      'Invalid configuration: WECOM_CALLBACK_TOKEN and WECOM_CALLBACK_AES_KEY are required in production',
    );
  }
  // Outside production the public sandbox values stand in, so callbacks work without setting them.
  const wecomCallback = {
    token: e.WECOM_CALLBACK_TOKEN ?? SANDBOX.wecomCallbackToken,
    aesKey: e.WECOM_CALLBACK_AES_KEY ?? SANDBOX.wecomCallbackAesKey,
  };
  if (e.PHONE_ENCRYPTION_KEY && e.PHONE_LOOKUP_KEY && e.PHONE_ENCRYPTION_KEY.equals(e.PHONE_LOOKUP_KEY)) {
    throw new ConfigError('Invalid configuration: PHONE_LOOKUP_KEY must differ from PHONE_ENCRYPTION_KEY');
  }
  if (Boolean(e.PHONE_ENCRYPTION_KEY) !== Boolean(e.PHONE_LOOKUP_KEY)) {
    throw new ConfigError('Invalid configuration: set both PHONE_ENCRYPTION_KEY and PHONE_LOOKUP_KEY, or neither');
  }

  const sandboxBase = `http://127.0.0.1:${e.PORT}/sandbox`;
  const pay = loadPayConfig(e, publicUrl, sandboxBase);
  return {
    env: e.CARELOOP_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    corsOrigins: [publicUrl, ...e.CORS_ORIGINS.split(',').map((o) => o.trim())].filter(Boolean),
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    auth: {
      jwtSecret: e.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    },
    sandbox,
    wechat: {
      ...(sandbox
        ? { appId: SANDBOX.wechatAppId, secret: SANDBOX.wechatSecret, apiBase: `${sandboxBase}/wechat` }
        : { appId: e.WECHAT_APPID!, secret: e.WECHAT_SECRET!, apiBase: e.WECHAT_API_BASE.replace(/\/$/, '') }),
      // Without a template id there are no reminders (empty); the sandbox has its own.
      reminderTemplateId: e.WECHAT_REMINDER_TEMPLATE_ID ?? (sandbox ? SANDBOX.reminderTemplateId : ''),
      meetingReminderTemplateId:
        e.WECHAT_MEETING_REMINDER_TEMPLATE_ID ?? (sandbox ? SANDBOX.meetingReminderTemplateId : ''),
      careNoticeTemplateId: e.WECHAT_CARE_NOTICE_TEMPLATE_ID ?? (sandbox ? SANDBOX.careNoticeTemplateId : ''),
      couponExpiringTemplateId:
        e.WECHAT_COUPON_EXPIRING_TEMPLATE_ID ?? (sandbox ? SANDBOX.couponExpiringTemplateId : ''),
      miniprogramState: sandbox ? 'developer' : e.WECHAT_MINIPROGRAM_STATE,
      reminderHoursBefore: e.APPOINTMENT_REMINDER_HOURS,
    },
    wecom: sandbox
      ? {
          corpId: SANDBOX.wecomCorpId,
          agentId: SANDBOX.wecomAgentId,
          secret: SANDBOX.wecomSecret,
          apiBase: `${sandboxBase}/wecom`,
          callback: wecomCallback,
        }
      : {
          corpId: e.WECOM_CORPID!,
          agentId: e.WECOM_AGENTID!,
          secret: e.WECOM_SECRET!,
          apiBase: e.WECOM_API_BASE.replace(/\/$/, ''),
          callback: wecomCallback,
        },
    demoSeed: e.DEMO_SEED ? e.DEMO_SEED === 'true' : e.CARELOOP_ENV !== 'production',
    pay,
    sms: loadSmsConfig(e, sandbox, sandboxBase),
    privacy: {
      policyVersion: e.PRIVACY_POLICY_VERSION,
      phone: {
        encryptionKey: e.PHONE_ENCRYPTION_KEY ?? developmentKey('phone-encryption-key'),
        previousEncryptionKeys: e.PHONE_ENCRYPTION_PREVIOUS_KEYS,
        lookupKey: e.PHONE_LOOKUP_KEY ?? developmentKey('phone-lookup-key'),
        developmentKeys: !e.PHONE_ENCRYPTION_KEY,
      },
    },
  };
}

/** The configuration as it may be logged: secrets replaced. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    auth: { ...config.auth, jwtSecret: '[redacted]' },
    wechat: { ...config.wechat, secret: '[redacted]' },
    wecom: { ...config.wecom, secret: '[redacted]', callback: { token: '[redacted]', aesKey: '[redacted]' } },
    pay: {
      ...config.pay,
      apiV3Key: '[redacted]',
      keys: config.pay.keys && { ...config.pay.keys, merchantPrivateKey: '[redacted]' },
    },
    sms: { ...config.sms, accessKeySecret: config.sms.accessKeySecret && '[redacted]' },
    privacy: {
      ...config.privacy,
      phone: {
        encryptionKey: '[redacted]',
        previousEncryptionKeys: config.privacy.phone.previousEncryptionKeys.map(() => '[redacted]'),
        lookupKey: '[redacted]',
        developmentKeys: config.privacy.phone.developmentKeys,
      },
    },
  };
}

const pemText = (value: string) => value.replace(/\\n/g, '\n');

function readConfigFile(variable: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${variable}: cannot read ${file} (${(error as Error).message})`);
  }
}

/** PEM from the variable itself or from the file its _FILE variant names (not both). */
function pemFrom(
  e: z.infer<typeof EnvSchema>,
  name: 'PAY_MERCHANT_PRIVATE_KEY' | 'PAY_PUBLIC_KEY',
): string | undefined {
  const inline = e[name];
  const file = e[`${name}_FILE`];
  if (inline && file) throw new ConfigError(`Invalid configuration: set ${name} or ${name}_FILE, not both`);
  return inline ? pemText(inline) : file ? readConfigFile(`${name}_FILE`, file) : undefined;
}

function platformCertificates(e: z.infer<typeof EnvSchema>): PayVerificationKey[] {
  const texts: [string, string][] = [];
  if (e.PAY_PLATFORM_CERTIFICATES) texts.push(['PAY_PLATFORM_CERTIFICATES', pemText(e.PAY_PLATFORM_CERTIFICATES)]);
  for (const file of (e.PAY_PLATFORM_CERTIFICATE_FILES ?? '').split(',').map((f) => f.trim())) {
    if (file) texts.push(['PAY_PLATFORM_CERTIFICATE_FILES', readConfigFile('PAY_PLATFORM_CERTIFICATE_FILES', file)]);
  }
  return texts.flatMap(([variable, text]) => {
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) throw new ConfigError(`Invalid configuration: ${variable}: no PEM certificate found`);
    return blocks.map((block) => {
      try {
        const certificate = new X509Certificate(block);
        return {
          serial: certificate.serialNumber.toUpperCase(),
          publicKey: certificate.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        };
      } catch (error) {
        throw new ConfigError(`Invalid configuration: ${variable}: ${(error as Error).message}`);
      }
    });
  });
}

/**
 * SMS: Aliyun with the configured AccessKey (both parts or neither); without one, in sandbox mode, the sandbox's
 * emulated endpoint and its public key; SMS_PROVIDER=aliyun without a key outside the sandbox is an error.
 */
function loadSmsConfig(e: z.infer<typeof EnvSchema>, sandbox: boolean, sandboxBase: string): SmsConfig {
  const signName = e.SMS_SIGN_NAME ?? 'CareLoop';
  const keyed = [e.ALIYUN_SMS_ACCESS_KEY_ID, e.ALIYUN_SMS_ACCESS_KEY_SECRET].filter(Boolean).length;
  if (keyed === 1) {
    throw new ConfigError(
      'Invalid configuration: set both ALIYUN_SMS_ACCESS_KEY_ID and ALIYUN_SMS_ACCESS_KEY_SECRET, or neither',
    );
  }
  const provider = e.SMS_PROVIDER ?? (keyed || sandbox ? 'aliyun' : 'none');
  if (provider === 'none') return { provider, endpoint: '', accessKeyId: '', accessKeySecret: '', signName };
  if (keyed) {
    return {
      provider,
      endpoint: e.ALIYUN_SMS_ENDPOINT.replace(/\/$/, ''),
      accessKeyId: e.ALIYUN_SMS_ACCESS_KEY_ID!,
      accessKeySecret: e.ALIYUN_SMS_ACCESS_KEY_SECRET!,
      signName,
    };
  }
  if (!sandbox) {
    throw new ConfigError(
      'Invalid configuration: SMS_PROVIDER=aliyun needs ALIYUN_SMS_ACCESS_KEY_ID and ALIYUN_SMS_ACCESS_KEY_SECRET',
    );
  }
  return {
    provider,
    endpoint: `${sandboxBase}/sms`,
    accessKeyId: SANDBOX.smsAccessKeyId,
    accessKeySecret: SANDBOX.smsAccessKeySecret,
    signName,
  };
}

/** WeChat Pay: the real service when PAY_MCHID is set (then every credential is required), else the sandbox. */
function loadPayConfig(e: z.infer<typeof EnvSchema>, publicUrl: string, sandboxBase: string): PayConfig {
  const common = {
    notifyUrl: e.PAY_NOTIFY_URL ?? `${publicUrl}/api/pay/notify`,
    refundNotifyUrl: e.PAY_REFUND_NOTIFY_URL ?? `${publicUrl}/api/pay/refund-notify`,
    orderTtlMinutes: e.PAY_ORDER_TTL_MINUTES,
  };
  if (!e.PAY_MCHID) {
    if (e.CARELOOP_ENV === 'production') {
      throw new ConfigError('Invalid configuration: production needs WeChat Pay credentials (PAY_MCHID and the rest)');
    }
    return {
      sandbox: true,
      mchId: SANDBOX.payMchId,
      apiV3Key: SANDBOX.payApiV3Key,
      apiBase: `${sandboxBase}/pay`,
      ...common,
      keys: null,
    };
  }
  const privateKeyPem = pemFrom(e, 'PAY_MERCHANT_PRIVATE_KEY');
  const missing = [
    !e.PAY_APIV3_KEY && 'PAY_APIV3_KEY',
    !privateKeyPem && 'PAY_MERCHANT_PRIVATE_KEY',
    !e.PAY_MERCHANT_SERIAL && 'PAY_MERCHANT_SERIAL',
  ].filter(Boolean);
  if (missing.length) {
    throw new ConfigError(`Invalid configuration: with PAY_MCHID set, also set ${missing.join(', ')}`);
  }
  let merchantPrivateKey: string;
  try {
    merchantPrivateKey = createPrivateKey(privateKeyPem!).export({ type: 'pkcs8', format: 'pem' }).toString();
  } catch (error) {
    throw new ConfigError(`Invalid configuration: PAY_MERCHANT_PRIVATE_KEY: ${(error as Error).message}`);
  }
  const verification = platformCertificates(e);
  const publicKeyPem = pemFrom(e, 'PAY_PUBLIC_KEY');
  if (Boolean(publicKeyPem) !== Boolean(e.PAY_PUBLIC_KEY_ID)) {
    throw new ConfigError(
      'Invalid configuration: set PAY_PUBLIC_KEY (or PAY_PUBLIC_KEY_FILE) and PAY_PUBLIC_KEY_ID together',
    );
  }
  if (publicKeyPem) {
    try {
      const publicKey = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'pem' }).toString();
      verification.push({ serial: e.PAY_PUBLIC_KEY_ID!, publicKey });
    } catch (error) {
      throw new ConfigError(`Invalid configuration: PAY_PUBLIC_KEY: ${(error as Error).message}`);
    }
  }
  if (verification.length === 0) {
    throw new ConfigError(
      'Invalid configuration: WeChat Pay needs a way to verify its signatures: PAY_PUBLIC_KEY + PAY_PUBLIC_KEY_ID, or PAY_PLATFORM_CERTIFICATES',
    );
  }
  return {
    sandbox: false,
    mchId: e.PAY_MCHID,
    apiV3Key: e.PAY_APIV3_KEY!,
    apiBase: e.PAY_API_BASE.replace(/\/$/, ''),
    ...common,
    keys: {
      merchantPrivateKey,
      merchantSerial: e.PAY_MERCHANT_SERIAL!.toUpperCase(),
      verification,
      publicKeyId: e.PAY_PUBLIC_KEY_ID ?? null,
    },
  };
}
