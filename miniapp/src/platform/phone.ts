import type { PhoneCodeResult } from './types';

/** A mainland China mobile number as WeChat binds them (what the sandbox accepts): 11 digits, 13–19. */
export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/** Digits only, so "139 1234 5678" and "139-1234-5678" are accepted too. */
export function normaliseMobileInput(input: string): string {
  return input.replace(/[\s-]/g, '');
}

export function isMainlandMobile(input: string): boolean {
  return MAINLAND_MOBILE.test(normaliseMobileInput(input));
}

/**
 * Reads the `detail` of WeChat's getPhoneNumber button event: `{ code }` once the user allowed it;
 * `errMsg: 'getPhoneNumber:fail user deny'` (wording varies: `fail:user deny`, `fail user cancel`) when they
 * refused; any other `fail …` (no permission, quota used up, an old WeChat without `code`) is a failure.
 */
export function phoneCodeFromDetail(detail: unknown): PhoneCodeResult {
  const { code, errMsg } = (typeof detail === 'object' && detail !== null ? detail : {}) as {
    code?: unknown;
    errMsg?: unknown;
  };
  if (typeof code === 'string' && code) return { ok: true, code };
  const message = typeof errMsg === 'string' ? errMsg : '';
  if (/deny|cancel/i.test(message)) return { ok: false, reason: 'refused' };
  return {
    ok: false,
    reason: 'failed',
    message: /:ok$/.test(message)
      ? '当前微信版本过低，无法获取手机号，请升级微信后重试'
      : `获取手机号失败${message ? `（${message}）` : ''}`,
  };
}
