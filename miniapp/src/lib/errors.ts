import { ApiError } from '@careloop/shared/client';

export const NETWORK_ERROR = 'NETWORK_ERROR';
export const BAD_RESPONSE = 'BAD_RESPONSE';
/** Thrown by the client itself after the customer's data was erased (nothing signs in again by itself). */
export const SIGNED_OUT = 'SIGNED_OUT';

/** A sentence to show the customer for any error thrown by the API client, the platform or our own code. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === NETWORK_ERROR) return '网络连接失败，请检查网络后重试';
    if (error.code === BAD_RESPONSE) return '服务返回了无法识别的数据，请稍后重试';
    // The client names errors without a JSON error body after the status (HTTP_404, HTTP_502…): the service is
    // missing or down rather than refusing this request.
    if (/^HTTP_\d+$/.test(error.code)) return `服务暂时不可用（HTTP ${error.status}），请稍后重试`;
    return error.message || error.code;
  }
  if (error instanceof Error && error.message) return error.message;
  if (typeof error === 'object' && error !== null && typeof (error as { errMsg?: unknown }).errMsg === 'string') {
    return (error as { errMsg: string }).errMsg;
  }
  return '出了点问题，请稍后重试';
}
