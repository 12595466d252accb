import { AppError } from '../http/errors';

const TIMEOUT_MS = 10_000;

export interface PlatformRequest {
  method?: 'GET' | 'POST';
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as multipart/form-data (FormData: media uploads) or application/x-www-form-urlencoded (URLSearchParams). */
  form?: FormData | URLSearchParams;
  /** Abort after this long (default 10 s); the abort becomes UPSTREAM_ERROR like any network failure. */
  timeoutMs?: number;
}

async function send(url: string, init: PlatformRequest): Promise<Response> {
  try {
    return await fetch(url, {
      method: init.method ?? (init.body === undefined && !init.form ? 'GET' : 'POST'),
      headers: init.body === undefined ? undefined : { 'content-type': 'application/json' },
      body: init.form ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      signal: AbortSignal.timeout(init.timeoutMs ?? TIMEOUT_MS),
    });
  } catch (error) {
    throw new AppError('UPSTREAM_ERROR', `Platform API unreachable: ${new URL(url).host}`, {
      cause: (error as Error).message,
    });
  }
}

/** Calls a platform API that answers JSON; network failures and non-JSON answers become UPSTREAM_ERROR. */
export async function fetchJson<T>(url: string, init: PlatformRequest = {}): Promise<T> {
  const response = await send(url, init);
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new AppError('UPSTREAM_ERROR', `Platform API answered ${response.status} without JSON`);
  }
}

/**
 * Calls a platform API that answers a file (an image) on success and JSON on failure, as wxacode.getUnlimited does:
 * the content type tells which. Network failures and non-2xx answers become UPSTREAM_ERROR.
 */
export async function fetchBinary(
  url: string,
  init: PlatformRequest = {},
): Promise<{ kind: 'json'; answer: PlatformAnswer } | { kind: 'file'; contentType: string; body: Buffer }> {
  const response = await send(url, init);
  const contentType = response.headers.get('content-type') ?? '';
  const body = Buffer.from(await response.arrayBuffer());
  if (!response.ok) throw new AppError('UPSTREAM_ERROR', `Platform API answered ${response.status}`);
  if (/\b(json|text\/plain)\b/i.test(contentType) || body.subarray(0, 1).toString() === '{') {
    try {
      return { kind: 'json', answer: JSON.parse(body.toString('utf8')) as PlatformAnswer };
    } catch {
      throw new AppError('UPSTREAM_ERROR', `Platform API answered ${contentType || 'no content type'} without JSON`);
    }
  }
  return { kind: 'file', contentType, body };
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
