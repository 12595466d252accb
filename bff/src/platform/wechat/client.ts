/** WeChat mini-program server API client (base URL from config: the real service or the sandbox). */
import type { Config } from '@careloop/config';
import { AppError } from '../../http/errors';
import { ensureOk, fetchJson, PlatformError, STALE_TOKEN_ERRCODES, type PlatformAnswer } from '../http';
import type { TokenCache } from '../tokenCache';

export interface WechatSession {
  openid: string;
  unionid: string | null;
  sessionKey: string;
}

/** Errors of code2Session that mean the login code is wrong, used or expired: the caller's fault, not ours. */
const BAD_LOGIN_CODE = new Set([40029, 40163, 40226]);

export function createWechatClient(config: Config['wechat'], tokens: TokenCache) {
  const tokenKey = `wechat:access_token:${config.appId}`;

  async function fetchAccessToken(stale: boolean) {
    const answer = ensureOk(
      'wechat',
      await fetchJson<PlatformAnswer & { access_token: string; expires_in: number }>(
        `${config.apiBase}/cgi-bin/stable_token`,
        {
          method: 'POST',
          body: { grant_type: 'client_credential', appid: config.appId, secret: config.secret, force_refresh: stale },
        },
      ),
    );
    return { value: answer.access_token, expiresInSeconds: answer.expires_in };
  }

  /** Calls an API that takes `access_token`, refetching the token once if WeChat says it is stale. */
  async function withAccessToken<T extends PlatformAnswer>(call: (accessToken: string) => Promise<T>): Promise<T> {
    const token = await tokens.get(tokenKey, fetchAccessToken);
    const answer = await call(token);
    if (answer.errcode && STALE_TOKEN_ERRCODES.has(answer.errcode)) {
      await tokens.invalidate(tokenKey, token);
      return ensureOk('wechat', await call(await tokens.get(tokenKey, fetchAccessToken)));
    }
    return ensureOk('wechat', answer);
  }

  return {
    /** Exchanges a wx.login code for the user's openid (and unionid when the app is bound to an open platform). */
    async code2Session(code: string): Promise<WechatSession> {
      const url = new URL(`${config.apiBase}/sns/jscode2session`);
      url.search = new URLSearchParams({
        appid: config.appId,
        secret: config.secret,
        js_code: code,
        grant_type: 'authorization_code',
      }).toString();
      const answer = await fetchJson<PlatformAnswer & { openid?: string; unionid?: string; session_key?: string }>(
        url.toString(),
      );
      if (answer.errcode && BAD_LOGIN_CODE.has(answer.errcode)) {
        throw new AppError('LOGIN_CODE_INVALID', 'The login code is invalid, expired or already used', {
          errcode: answer.errcode,
        });
      }
      ensureOk('wechat', answer);
      if (!answer.openid || !answer.session_key) throw new AppError('UPSTREAM_ERROR', 'code2Session gave no openid');
      return { openid: answer.openid, unionid: answer.unionid ?? null, sessionKey: answer.session_key };
    },

    /**
     * The phone number behind a getPhoneNumber code (single use, five minutes). WeChat bills every call, so
     * callers must call this once per code and keep the result.
     */
    async phoneNumberFromCode(code: string): Promise<{ phoneNumber: string; countryCode: string }> {
      const answer = await withAccessToken(async (accessToken) => {
        const result = await fetchJson<
          PlatformAnswer & { phone_info?: { purePhoneNumber: string; countryCode: string } }
        >(`${config.apiBase}/wxa/business/getuserphonenumber?access_token=${encodeURIComponent(accessToken)}`, {
          method: 'POST',
          body: { code },
        });
        if (result.errcode && BAD_LOGIN_CODE.has(result.errcode)) {
          throw new AppError('PHONE_CODE_INVALID', 'The phone code is invalid, expired or already used', {
            errcode: result.errcode,
          });
        }
        return result;
      });
      if (!answer.phone_info) throw new AppError('UPSTREAM_ERROR', 'getuserphonenumber gave no phone_info');
      return { phoneNumber: answer.phone_info.purePhoneNumber, countryCode: answer.phone_info.countryCode };
    },

    /**
     * Sends a subscribe message (subscribeMessage.send). Answers WeChat's errcode instead of throwing for the
     * errors a caller must record rather than retry (43101: the user has no credit for the template).
     */
    async sendSubscribeMessage(message: {
      touser: string;
      templateId: string;
      page: string;
      data: Record<string, { value: string }>;
      miniprogramState: 'formal' | 'trial' | 'developer';
    }): Promise<{ errcode: number; errmsg: string }> {
      try {
        await withAccessToken((accessToken) =>
          fetchJson<PlatformAnswer>(
            `${config.apiBase}/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(accessToken)}`,
            {
              method: 'POST',
              body: {
                touser: message.touser,
                template_id: message.templateId,
                page: message.page,
                data: message.data,
                miniprogram_state: message.miniprogramState,
                lang: 'zh_CN',
              },
            },
          ),
        );
        return { errcode: 0, errmsg: 'ok' };
      } catch (error) {
        if (error instanceof PlatformError) return { errcode: error.errcode, errmsg: error.errmsg };
        throw error;
      }
    },

    withAccessToken,
  };
}

export type WechatClient = ReturnType<typeof createWechatClient>;
export { PlatformError };
