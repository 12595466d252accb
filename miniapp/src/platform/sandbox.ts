import type { SandboxCode, SandboxWechatUser } from '@careloop/shared';
import { ApiError, type ApiClient } from '@careloop/shared/client';
import type { KeyValueStorage } from '../services/storage';
import { isMainlandMobile, normaliseMobileInput } from './phone';
import type { SandboxPaySheet } from './sandboxPay';
import type { Platform } from './types';

export const SANDBOX_OPENID_KEY = 'careloop.sandbox.openid';

export interface SandboxPlatformOptions {
  /** A client for the sandbox control API (on the same origin as the API in the H5 build). */
  api: Pick<ApiClient, 'publicRequest'>;
  storage: KeyValueStorage;
  /** How the export reaches the customer (a browser download in H5). */
  deliverExport?: Platform['deliverExport'];
  /** The emulated WeChat Pay sheet (drawn by `SandboxPaySheet`); without it, payments fail. */
  paySheet?: Pick<SandboxPaySheet, 'requestPayment'>;
}

/**
 * Outside WeChat (the H5 build) there is no `wx.login`: the sandbox emulates WeChat instead. The first login creates
 * an emulated WeChat user and keeps its openid, so the same user comes back after a reload; each login then asks the
 * sandbox for a code for that user, exactly like `wx.login` would hand one out.
 */
export function createSandboxPlatform({
  api,
  storage,
  deliverExport = () => Promise.reject(new Error('这里无法保存导出的数据')),
  paySheet,
}: SandboxPlatformOptions): Platform {
  let creating: Promise<string> | null = null;

  function storedOpenid(): string | null {
    const value = storage.get(SANDBOX_OPENID_KEY);
    return typeof value === 'string' && value ? value : null;
  }

  async function createUser(): Promise<string> {
    const user = await api.publicRequest<SandboxWechatUser>('POST', '/sandbox/control/wechat/users', {});
    if (typeof user?.openid !== 'string' || !user.openid) {
      throw new ApiError(502, 'BAD_RESPONSE', 'The sandbox did not return an openid');
    }
    storage.set(SANDBOX_OPENID_KEY, user.openid);
    return user.openid;
  }

  /** One creation at a time, so two logins at once do not make two users. */
  function createUserOnce(): Promise<string> {
    creating ??= createUser().finally(() => {
      creating = null;
    });
    return creating;
  }

  async function codeFor(openid: string): Promise<string> {
    const result = await api.publicRequest<SandboxCode>('POST', '/sandbox/control/wechat/login-code', { openid });
    if (typeof result?.code !== 'string' || !result.code) {
      throw new ApiError(502, 'BAD_RESPONSE', 'The sandbox did not return a login code');
    }
    return result.code;
  }

  /** The sandbox forgot this user (it was reset): a 404 that carries an error code. A bare 404 means no sandbox. */
  function isUnknownUser(error: unknown): boolean {
    return error instanceof ApiError && error.status === 404 && !/^HTTP_\d+$/.test(error.code);
  }

  return {
    deliverExport,
    requestPayment(params, order) {
      if (!paySheet) return Promise.reject({ errMsg: 'requestPayment:fail not supported here' });
      return paySheet.requestPayment(params, order);
    },
    /** The emulated user allows every template asked for: the sandbox grants one credit each, as WeChat does. */
    async requestSubscribeMessage(templateIds) {
      const openid = storedOpenid();
      if (!openid) throw new ApiError(401, 'SANDBOX_USER_MISSING', '请先登录');
      await api.publicRequest('POST', '/sandbox/control/wechat/subscribe', { openid, templateIds });
      return templateIds;
    },
    async login() {
      const openid = storedOpenid();
      if (openid) {
        try {
          return await codeFor(openid);
        } catch (error) {
          if (!isUnknownUser(error)) throw error;
          storage.remove(SANDBOX_OPENID_KEY);
        }
      }
      return codeFor(await createUserOnce());
    },
    /**
     * What WeChat's getPhoneNumber sheet returns once the user confirms their number. The sandbox needs the
     * emulated user (the one signed in) and the number that user "has bound".
     */
    async sandboxPhoneCode(phoneNumber) {
      const openid = storedOpenid();
      if (!openid) throw new ApiError(401, 'SANDBOX_USER_MISSING', '请先登录后再绑定手机号');
      if (!isMainlandMobile(phoneNumber)) throw new ApiError(400, 'INVALID_PHONE', '请输入 11 位手机号');
      const result = await api.publicRequest<SandboxCode>('POST', '/sandbox/control/wechat/phone-code', {
        openid,
        phoneNumber: normaliseMobileInput(phoneNumber),
      });
      if (typeof result?.code !== 'string' || !result.code) {
        throw new ApiError(502, 'BAD_RESPONSE', 'The sandbox did not return a phone code');
      }
      return result.code;
    },
  };
}
