import { describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from '@careloop/shared/client';
import { phoneErrorMessage, phoneRefusalMessage } from '../../../miniapp/src/lib/phone';
import { isMainlandMobile, phoneCodeFromDetail } from '../../../miniapp/src/platform/phone';
import { createSandboxPlatform, SANDBOX_OPENID_KEY } from '../../../miniapp/src/platform/sandbox';
import { errorResponse, fakeTransport, memoryStorage } from './fakes';

describe("WeChat's getPhoneNumber button", () => {
  it('hands back the code once the user allowed it', () => {
    expect(phoneCodeFromDetail({ errMsg: 'getPhoneNumber:ok', code: 'abc123' })).toEqual({ ok: true, code: 'abc123' });
  });

  it('tells a refusal from a failure', () => {
    for (const errMsg of [
      'getPhoneNumber:fail user deny',
      'getPhoneNumber:fail:user deny',
      'getPhoneNumber:fail user cancel',
    ]) {
      expect(phoneCodeFromDetail({ errMsg })).toEqual({ ok: false, reason: 'refused' });
    }
    expect(phoneCodeFromDetail({ errMsg: 'getPhoneNumber:fail no permission' })).toEqual({
      ok: false,
      reason: 'failed',
      message: '获取手机号失败（getPhoneNumber:fail no permission）',
    });
    // An old WeChat answers ok with only the encrypted data, no code.
    expect(phoneCodeFromDetail({ errMsg: 'getPhoneNumber:ok', encryptedData: 'x', iv: 'y' })).toMatchObject({
      ok: false,
      reason: 'failed',
      message: expect.stringContaining('版本过低'),
    });
    expect(phoneCodeFromDetail(undefined)).toMatchObject({ ok: false, reason: 'failed' });
  });

  it('words what the customer sees', () => {
    expect(phoneRefusalMessage({ ok: true, code: 'c' })).toBeNull();
    expect(phoneRefusalMessage({ ok: false, reason: 'refused' })).toBe('你已取消授权手机号');
    expect(phoneRefusalMessage({ ok: false, reason: 'failed', message: 'x' })).toBe('x');
    expect(phoneErrorMessage(new ApiError(400, 'PHONE_CODE_INVALID', 'used'))).toBe('手机号授权已失效，请重新点击绑定');
    expect(phoneErrorMessage(new ApiError(409, 'PHONE_CODE_IN_PROGRESS', 'busy'))).toBe('正在验证手机号，请稍后再试');
    expect(phoneErrorMessage(new ApiError(0, 'NETWORK_ERROR', 'offline'))).toBe('网络连接失败，请检查网络后重试');
  });
});

describe('mainland mobile numbers', () => {
  it('accepts 11 digits starting 13–19, with spaces or dashes', () => {
    expect(isMainlandMobile('13961725678')).toBe(true);
    expect(isMainlandMobile('139 6172 5678')).toBe(true);
    expect(isMainlandMobile('139-6172-5678')).toBe(true);
    for (const bad of ['', '12345678901', '1396172567', '139617256789', '+8613961725678', 'abcdefghijk']) {
      expect(isMainlandMobile(bad)).toBe(false);
    }
  });
});

describe('the sandbox getPhoneNumber (H5)', () => {
  function setup(stored: Record<string, unknown> = { [SANDBOX_OPENID_KEY]: 'openid-1' }) {
    const fake = fakeTransport({
      'POST /sandbox/control/wechat/phone-code': (request) => {
        const { openid, phoneNumber } = request.body as { openid: string; phoneNumber: string };
        if (openid !== 'openid-1') return errorResponse(404, 'NOT_FOUND', 'Sandbox WeChat user not found');
        return { status: 201, body: { code: `phone-code-for-${phoneNumber}` } };
      },
    });
    const api = createApiClient({ baseUrl: '', transport: fake.transport, tokens: { get: () => null, set: () => {} } });
    return { fake, platform: createSandboxPlatform({ api, storage: memoryStorage(stored) }) };
  }

  it('asks the sandbox for the code WeChat would hand out, for the signed-in emulated user', async () => {
    const { fake, platform } = setup();
    expect(await platform.sandboxPhoneCode!('139 6172 5678')).toBe('phone-code-for-13961725678');
    expect(fake.calls('POST /sandbox/control/wechat/phone-code')[0]?.body).toEqual({
      openid: 'openid-1',
      phoneNumber: '13961725678',
    });
  });

  it('refuses a number that is not one, and works only for a signed-in emulated user', async () => {
    const { fake, platform } = setup();
    await expect(platform.sandboxPhoneCode!('12345')).rejects.toMatchObject({ code: 'INVALID_PHONE' });
    expect(fake.requests).toHaveLength(0);
    await expect(setup({}).platform.sandboxPhoneCode!('13961725678')).rejects.toMatchObject({
      code: 'SANDBOX_USER_MISSING',
    });
  });
});
