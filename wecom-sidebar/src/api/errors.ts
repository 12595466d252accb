import { ApiError } from '@careloop/shared/client';

/** One line for the user: the server's message with its code, or the message of a WeCom/JS error. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    return error.code && !error.message.includes(error.code) ? `${error.message} (${error.code})` : error.message;
  }
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return '发生未知错误 (Unknown error)';
}
