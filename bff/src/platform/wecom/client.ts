/** WeCom server API client for one corp and self-built app (base URL from config: the real service or the sandbox). */
import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '@careloop/config';
import type { JsSdkSignature } from '@careloop/shared';
import { AppError } from '../../http/errors';
import { ensureOk, fetchJson, STALE_TOKEN_ERRCODES, type PlatformAnswer } from '../http';
import type { TokenCache } from '../tokenCache';

/** OAuth codes WeCom rejects as invalid or used. */
const BAD_OAUTH_CODE = new Set([40029, 40163]);

/** The JS-SDK signature: sha1 over the ticket, nonce, timestamp and the page URL without its fragment. */
export function signJsApi(ticket: string, url: string, nonceStr: string, timestamp: number): string {
  const pageUrl = url.split('#')[0];
  return createHash('sha1')
    .update(`jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${pageUrl}`)
    .digest('hex');
}

export function createWecomClient(config: Config['wecom'], tokens: TokenCache) {
  // A corp has one token per app secret; the secret's hash keeps the key distinct without storing the secret.
  const secretId = createHash('sha256').update(config.secret).digest('hex').slice(0, 12);
  const tokenKey = `wecom:access_token:${config.corpId}:${secretId}`;

  async function fetchAccessToken() {
    const url = new URL(`${config.apiBase}/cgi-bin/gettoken`);
    url.search = new URLSearchParams({ corpid: config.corpId, corpsecret: config.secret }).toString();
    const answer = ensureOk(
      'wecom',
      await fetchJson<PlatformAnswer & { access_token: string; expires_in: number }>(url.toString()),
    );
    return { value: answer.access_token, expiresInSeconds: answer.expires_in };
  }

  /** Calls an API with `access_token`, refetching the token once when WeCom says it is stale. */
  async function call<T extends PlatformAnswer>(
    path: string,
    params: Record<string, string> = {},
    body?: unknown,
  ): Promise<T> {
    const send = async (accessToken: string) => {
      const url = new URL(`${config.apiBase}${path}`);
      url.search = new URLSearchParams({ access_token: accessToken, ...params }).toString();
      return fetchJson<T>(url.toString(), body === undefined ? {} : { method: 'POST', body });
    };
    const token = await tokens.get(tokenKey, fetchAccessToken);
    const answer = await send(token);
    if (answer.errcode && STALE_TOKEN_ERRCODES.has(answer.errcode)) {
      await tokens.invalidate(tokenKey, token);
      return send(await tokens.get(tokenKey, fetchAccessToken));
    }
    return answer;
  }
  const get = <T extends PlatformAnswer>(path: string, params?: Record<string, string>) => call<T>(path, params);

  async function ticket(type: JsSdkType): Promise<string> {
    const key = `wecom:${type}_ticket:${config.corpId}:${config.agentId}`;
    return tokens.get(key, async () => {
      const answer = ensureOk(
        'wecom',
        type === 'config'
          ? await get<PlatformAnswer & { ticket: string; expires_in: number }>('/cgi-bin/get_jsapi_ticket')
          : await get<PlatformAnswer & { ticket: string; expires_in: number }>('/cgi-bin/ticket/get', {
              type: 'agent_config',
            }),
      );
      return { value: answer.ticket, expiresInSeconds: answer.expires_in };
    });
  }

  return {
    corpId: config.corpId,

    /** The member's userid for a WeCom OAuth code (scope snsapi_base). */
    async userIdFromOauthCode(code: string): Promise<string> {
      const answer = await get<PlatformAnswer & { userid?: string; openid?: string }>('/cgi-bin/auth/getuserinfo', {
        code,
      });
      if (answer.errcode && BAD_OAUTH_CODE.has(answer.errcode)) {
        throw new AppError('LOGIN_CODE_INVALID', 'The WeCom OAuth code is invalid, expired or already used', {
          errcode: answer.errcode,
        });
      }
      ensureOk('wecom', answer);
      if (!answer.userid) {
        throw new AppError('STAFF_NOT_REGISTERED', 'Only members of the WeCom corp can sign in to the staff apps');
      }
      return answer.userid;
    },

    /** An external contact and the members who have them; null when they are nobody's contact (84061). */
    async externalContact(externalUserId: string): Promise<ExternalContact | null> {
      const answer = await get<PlatformAnswer & { external_contact?: RawContact; follow_user?: RawFollow[] }>(
        '/cgi-bin/externalcontact/get',
        { external_userid: externalUserId },
      );
      if (answer.errcode === NOT_EXTERNAL_CONTACT) return null;
      ensureOk('wecom', answer);
      return toContact(answer.external_contact!, answer.follow_user ?? []);
    },

    /** Every external contact of these members (≤100), with one follow per member who has them, page by page. */
    async *externalContactsOfMembers(userids: string[]): AsyncGenerator<ExternalContact[]> {
      let cursor = '';
      do {
        const answer = ensureOk(
          'wecom',
          await call<
            PlatformAnswer & {
              external_contact_list: { external_contact: RawContact; follow_info: RawFollow }[];
              next_cursor?: string;
            }
          >('/cgi-bin/externalcontact/batch/get_by_user', {}, { userid_list: userids, cursor, limit: 100 }),
        );
        yield answer.external_contact_list.map((entry) => toContact(entry.external_contact, [entry.follow_info]));
        cursor = answer.next_cursor ?? '';
      } while (cursor);
    },

    /** The corp's external_userid of a WeChat user known by unionid (and an openid of the same open platform). */
    async externalUserIdForUnionid(unionid: string, openid: string): Promise<string | null> {
      const answer = ensureOk(
        'wecom',
        await call<PlatformAnswer & { external_userid_info?: { corpid: string; external_userid: string }[] }>(
          '/cgi-bin/idconvert/unionid_to_external_userid',
          {},
          { unionid, openid, subject_type: 0 },
        ),
      );
      return answer.external_userid_info?.find((info) => info.corpid === config.corpId)?.external_userid ?? null;
    },

    /** Signs a page URL for `ww.register`: `config` with the corp ticket, `agentConfig` with the app ticket. */
    async jsApiSignature(url: string, type: JsSdkType): Promise<JsSdkSignature> {
      const nonceStr = randomBytes(12).toString('hex');
      const timestamp = Math.floor(Date.now() / 1000);
      return { nonceStr, timestamp, signature: signJsApi(await ticket(type), url, nonceStr, timestamp) };
    },
  };
}

type JsSdkType = 'config' | 'agentConfig';

/** WeCom: "not external contact". */
const NOT_EXTERNAL_CONTACT = 84061;

interface RawContact {
  external_userid: string;
  name: string;
  type: number;
  unionid?: string;
}
interface RawFollow {
  userid: string;
  createtime: number;
  state?: string;
}

export interface ExternalContact {
  externalUserId: string;
  name: string;
  /** 1: a WeChat user; 2: a WeCom user of another corp. */
  type: number;
  unionid: string | null;
  follows: { userid: string; addedAt: Date; state: string | null }[];
}

function toContact(contact: RawContact, follows: RawFollow[]): ExternalContact {
  return {
    externalUserId: contact.external_userid,
    name: contact.name,
    type: contact.type,
    unionid: contact.unionid ?? null,
    follows: follows.map((follow) => ({
      userid: follow.userid,
      addedAt: new Date(follow.createtime * 1000),
      state: follow.state ?? null,
    })),
  };
}
export type WecomClient = ReturnType<typeof createWecomClient>;
