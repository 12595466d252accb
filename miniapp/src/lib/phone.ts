import { ApiError } from '@careloop/shared/client';
import type { PhoneCodeResult } from '../platform/types';
import { errorMessage } from './errors';

/** What to tell the customer when linking the phone did not work. */
export function phoneErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'PHONE_CODE_INVALID') return '手机号授权已失效，请重新点击绑定';
    if (error.code === 'PHONE_CODE_IN_PROGRESS') return '正在验证手机号，请稍后再试';
    if (error.code === 'INVALID_PHONE') return '这个手机号无法绑定，请使用中国大陆手机号';
  }
  return errorMessage(error);
}

/** The toast for a getPhoneNumber outcome that produced no code; null when there is a code to verify. */
export function phoneRefusalMessage(result: PhoneCodeResult): string | null {
  if (result.ok) return null;
  return result.reason === 'refused' ? '你已取消授权手机号' : result.message;
}
