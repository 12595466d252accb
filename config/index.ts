/**
 * Configuration, read once from the environment and validated. Every variable is documented in README.md.
 * Start-up fails fast with a message naming the bad variable; secrets are never logged (see `describeConfig`).
 */
import { createHash } from 'node:crypto';
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
  WECOM_CORPID: optionalString,
  WECOM_AGENTID: optionalString,
  WECOM_SECRET: optionalString,
  WECOM_API_BASE: z.url().default('https://qyapi.weixin.qq.com'),
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
});

export type Env = Record<string, string | undefined>;

/** Identity of the emulated WeChat mini-program and WeCom corp the sandbox plays. */
export const SANDBOX = {
  wechatAppId: 'wx5a4db0x0sandbox',
  wechatSecret: 'sandbox-wechat-app-secret',
  wecomCorpId: 'wwsandbox0000corp',
  wecomAgentId: '1000002',
  wecomSecret: 'sandbox-wecom-agent-secret',
} as const;

// Only for development and tests; production refuses to start without JWT_SECRET.
const DEVELOPMENT_JWT_SECRET = 'careloop-development-only-secret-not-for-production';
// Only for development and tests, derived from public labels (so anyone can decrypt with them): production
// refuses to start without PHONE_ENCRYPTION_KEY and PHONE_LOOKUP_KEY.
const developmentKey = (label: string) => createHash('sha256').update(`careloop-development-only:${label}`).digest();

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
  wechat: { appId: string; secret: string; apiBase: string };
  wecom: { corpId: string; agentId: string; secret: string; apiBase: string };
  demoSeed: boolean;
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
  if (e.PHONE_ENCRYPTION_KEY && e.PHONE_LOOKUP_KEY && e.PHONE_ENCRYPTION_KEY.equals(e.PHONE_LOOKUP_KEY)) {
    throw new ConfigError('Invalid configuration: PHONE_LOOKUP_KEY must differ from PHONE_ENCRYPTION_KEY');
  }
  if (Boolean(e.PHONE_ENCRYPTION_KEY) !== Boolean(e.PHONE_LOOKUP_KEY)) {
    throw new ConfigError('Invalid configuration: set both PHONE_ENCRYPTION_KEY and PHONE_LOOKUP_KEY, or neither');
  }

  const sandboxBase = `http://127.0.0.1:${e.PORT}/sandbox`;
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
    wechat: sandbox
      ? { appId: SANDBOX.wechatAppId, secret: SANDBOX.wechatSecret, apiBase: `${sandboxBase}/wechat` }
      : { appId: e.WECHAT_APPID!, secret: e.WECHAT_SECRET!, apiBase: e.WECHAT_API_BASE.replace(/\/$/, '') },
    wecom: sandbox
      ? {
          corpId: SANDBOX.wecomCorpId,
          agentId: SANDBOX.wecomAgentId,
          secret: SANDBOX.wecomSecret,
          apiBase: `${sandboxBase}/wecom`,
        }
      : {
          corpId: e.WECOM_CORPID!,
          agentId: e.WECOM_AGENTID!,
          secret: e.WECOM_SECRET!,
          apiBase: e.WECOM_API_BASE.replace(/\/$/, ''),
        },
    demoSeed: e.DEMO_SEED ? e.DEMO_SEED === 'true' : e.CARELOOP_ENV !== 'production',
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
    wecom: { ...config.wecom, secret: '[redacted]' },
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
