/**
 * Every call into the WeCom JS-SDK goes through `callWithTimeout`: inside WeCom a call may still hang (an old client,
 * a page opened from the wrong place), and the user must see a clear message instead of a spinner for ever.
 */

export const WECOM_CALL_TIMEOUT_MS = 8_000;

export class WecomCallError extends Error {
  constructor(
    /** The JS-SDK function, e.g. 'getContext'. */
    readonly api: string,
    readonly reason: 'timeout' | 'failed',
    message: string,
    /** WeCom's own `errMsg`, when it gave one. */
    readonly errMsg?: string,
    readonly errCode?: number,
  ) {
    super(message);
    this.name = 'WecomCallError';
  }
}

function seconds(ms: number): string {
  const value = ms / 1000;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** Turns whatever a JS-SDK call rejected with (usually `{errMsg, errCode}`, sometimes an Error) into a WecomCallError. */
export function toWecomCallError(api: string, error: unknown): WecomCallError {
  if (error instanceof WecomCallError) return error;
  let errMsg: string | undefined;
  let errCode: number | undefined;
  if (error instanceof Error) {
    errMsg = error.message;
  } else if (error && typeof error === 'object') {
    const record = error as { errMsg?: unknown; errCode?: unknown };
    if (typeof record.errMsg === 'string') errMsg = record.errMsg;
    if (typeof record.errCode === 'number') errCode = record.errCode;
  } else if (typeof error === 'string') {
    errMsg = error;
  }
  const detail = errMsg ?? 'unknown error';
  return new WecomCallError(
    api,
    'failed',
    `企业微信接口 ${api} 调用失败：${detail} (WeCom ${api} failed${errCode === undefined ? '' : `, errCode ${errCode}`})`,
    errMsg,
    errCode,
  );
}

/**
 * Runs `start` and settles with its result, or rejects with a WecomCallError when it throws, rejects, or has not
 * settled after `timeoutMs`.
 */
export function callWithTimeout<T>(
  api: string,
  start: () => T | PromiseLike<T>,
  timeoutMs: number = WECOM_CALL_TIMEOUT_MS,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      reject(
        new WecomCallError(
          api,
          'timeout',
          `企业微信接口 ${api} 在 ${seconds(timeoutMs)} 秒内没有响应，请在企业微信中重新打开本页面。` +
            ` (WeCom ${api} did not answer within ${seconds(timeoutMs)} s)`,
        ),
      );
    }, timeoutMs);
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    };
    try {
      Promise.resolve(start()).then(
        (value) => finish(() => resolve(value)),
        (error: unknown) => finish(() => reject(toWecomCallError(api, error))),
      );
    } catch (error) {
      finish(() => reject(toWecomCallError(api, error)));
    }
  });
}
