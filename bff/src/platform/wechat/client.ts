/** WeChat mini-program server API client (base URL from config: the real service or the sandbox). */
import type { Config } from '@careloop/config';
import { AppError } from '../../http/errors';
import { ensureOk, fetchBinary, fetchJson, PlatformError, STALE_TOKEN_ERRCODES, type PlatformAnswer } from '../http';
import type { TokenCache } from '../tokenCache';

export interface WechatSession {
  openid: string;
  unionid: string | null;
  sessionKey: string;
}

/** Errors of code2Session that mean the login code is wrong, used or expired: the caller's fault, not ours. */
const BAD_LOGIN_CODE = new Set([40029, 40163, 40226]);

/** wxacode.getUnlimited's scene: 1–32 characters of these (WeChat's rule); anything else must be encoded first. */
export const MINI_PROGRAM_SCENE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;
/** A page path as getUnlimited takes it: no leading slash, no query, e.g. `pages/campaign/index`. */
export const MINI_PROGRAM_PAGE = /^[A-Za-z0-9_-][A-Za-z0-9_./-]{0,127}$/;

/** getUnlimited's errors about its input: 40169 bad scene length, 40129 bad scene, 41030 bad page, 40097 bad args. */
const BAD_CODE_INPUT: Record<number, string> = {
  40169: 'WeChat rejected the scene (empty or longer than 32 characters)',
  40129: 'WeChat rejected the scene (characters outside its set)',
  41030: 'WeChat rejected the page: it must exist in the published mini-program unless checkPath is false',
  40097: 'WeChat rejected the mini-program code arguments',
};

export interface MiniProgramCodeRequest {
  /** ≤ 32 characters of 0-9A-Za-z!#$&'()*+,/:;=?@-._~ (a short key, never JSON). */
  scene: string;
  /** The page to open, without leading slash or query. */
  page: string;
  /** Default true: WeChat checks the page exists in the released version. */
  checkPath?: boolean;
  envVersion?: 'release' | 'trial' | 'develop';
  /** 280–1280 px; WeChat's default is 430. */
  width?: number;
}

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

    /**
     * A mini-program code (wxacode.getUnlimited) for a page and scene, as image bytes. Unlimited in number, so
     * callers generate each code once and store it. The scene and page are checked here before calling.
     */
    async miniProgramCode(input: MiniProgramCodeRequest): Promise<Buffer> {
      if (!MINI_PROGRAM_SCENE.test(input.scene)) {
        throw new AppError(
          'VALIDATION_FAILED',
          "A mini-program code's scene is 1–32 characters of 0-9 A-Z a-z and !#$&'()*+,/:;=?@-._~",
          { scene: input.scene },
        );
      }
      if (!MINI_PROGRAM_PAGE.test(input.page)) {
        throw new AppError(
          'VALIDATION_FAILED',
          "A mini-program code's page is a path without leading slash or query, e.g. pages/index/index",
          { page: input.page },
        );
      }
      if (input.width !== undefined && (!Number.isInteger(input.width) || input.width < 280 || input.width > 1280)) {
        throw new AppError('VALIDATION_FAILED', "A mini-program code's width is 280–1280 px", { width: input.width });
      }
      try {
        const answer = await withAccessToken<PlatformAnswer & { image?: Buffer }>(async (accessToken) => {
          const fetched = await fetchBinary(
            `${config.apiBase}/wxa/getwxacodeunlimit?access_token=${encodeURIComponent(accessToken)}`,
            {
              method: 'POST',
              body: {
                scene: input.scene,
                page: input.page,
                check_path: input.checkPath ?? true,
                env_version: input.envVersion ?? 'release',
                ...(input.width !== undefined && { width: input.width }),
              },
            },
          );
          if (fetched.kind === 'json') {
            // A JSON answer is always a failure, even one that says errcode 0.
            return fetched.answer.errcode ? fetched.answer : { errcode: -1, errmsg: 'no image in the answer' };
          }
          return { image: fetched.body };
        });
        return answer.image!;
      } catch (error) {
        if (error instanceof PlatformError && BAD_CODE_INPUT[error.errcode]) {
          throw new AppError('VALIDATION_FAILED', BAD_CODE_INPUT[error.errcode]!, {
            errcode: error.errcode,
            errmsg: error.errmsg,
          });
        }
        throw error;
      }
    },

    withAccessToken,
  };
}

export type WechatClient = ReturnType<typeof createWechatClient>;
export { PlatformError };
