import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import { errorMessage } from '../../../miniapp/src/lib/errors';

describe('errorMessage', () => {
  it("shows the API's own message", () => {
    expect(errorMessage(new ApiError(400, 'VALIDATION_FAILED', 'name: too long'))).toBe('name: too long');
  });

  it('explains a network failure', () => {
    expect(errorMessage(new ApiError(0, 'NETWORK_ERROR', 'request:fail'))).toBe('网络连接失败，请检查网络后重试');
  });

  it('says the service is unavailable when an answer carries no error body', () => {
    expect(errorMessage(new ApiError(404, 'HTTP_404', 'Request failed with status 404'))).toBe(
      '服务暂时不可用（HTTP 404），请稍后重试',
    );
  });

  it('handles platform errors and anything else', () => {
    expect(errorMessage({ errMsg: 'login:fail' })).toBe('login:fail');
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage(undefined)).toBe('出了点问题，请稍后重试');
  });
});
