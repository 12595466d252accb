/**
 * Configuration, read once from the environment and validated. Every variable is documented in README.md.
 * Start-up fails fast with a message naming the bad variable; secrets are never logged (see `describeConfig`).
 */
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

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
  };
}

/** The configuration as it may be logged: secrets replaced. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    auth: { ...config.auth, jwtSecret: '[redacted]' },
    wechat: { ...config.wechat, secret: '[redacted]' },
    wecom: { ...config.wecom, secret: '[redacted]' },
  };
}
