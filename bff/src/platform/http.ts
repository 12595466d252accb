import { AppError } from '../http/errors';

const TIMEOUT_MS = 10_000;

/** Calls a platform API that answers JSON; network failures and non-JSON answers become UPSTREAM_ERROR. */
export async function fetchJson<T>(url: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: init.body === undefined ? undefined : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new AppError('UPSTREAM_ERROR', `Platform API unreachable: ${new URL(url).host}`, {
      cause: (error as Error).message,
    });
  }
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new AppError('UPSTREAM_ERROR', `Platform API answered ${response.status} without JSON`);
  }
}

/** The answer shape shared by WeChat and WeCom APIs: errcode 0 (or absent) means success. */
export interface PlatformAnswer {
  errcode?: number;
  errmsg?: string;
}

/** Error codes meaning the access token is invalid or expired: drop it, fetch a new one, retry once. */
export const STALE_TOKEN_ERRCODES = new Set([40001, 40014, 42001]);

export class PlatformError extends AppError {
  constructor(
    readonly platform: 'wechat' | 'wecom',
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super('UPSTREAM_ERROR', `${platform} API error ${errcode}: ${errmsg}`, { platform, errcode, errmsg });
  }
}

export function ensureOk<T extends PlatformAnswer>(platform: 'wechat' | 'wecom', answer: T): T {
  if (answer.errcode && answer.errcode !== 0) {
    throw new PlatformError(platform, answer.errcode, answer.errmsg ?? '');
  }
  return answer;
}
