/** WeCom server API client for one corp and self-built app (base URL from config: the real service or the sandbox). */
import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '@careloop/config';
import type { JsSdkSignature } from '@careloop/shared';
import { AppError } from '../../http/errors';
import { ensureOk, fetchJson, PlatformError, STALE_TOKEN_ERRCODES, type PlatformAnswer } from '../http';
import type { TokenCache } from '../tokenCache';

/** OAuth codes WeCom rejects as invalid or used. */
const BAD_OAUTH_CODE = new Set([40029, 40163]);

/** A contact-me code's state: at most 30 characters (WeCom's limit), a short opaque key. */
export const CONTACT_WAY_STATE_MAX = 30;

export interface ContactWayInput {
  /** 1: one member; 2: several members. */
  type: 1 | 2;
  /** 1: from a mini-program (no QR code); 2: a QR code. */
  scene: 1 | 2;
  /** ≤ 30 characters; comes back as State in the add_external_contact callback. */
  state: string;
  userIds: string[];
  /** Whether the customer is added without the member confirming. Always sent (WeCom's default is true). */
  skipVerify: boolean;
  remark?: string;
}

export interface WelcomeMessageInput {
  /** The add_external_contact callback's WelcomeCode: single use, valid 20 seconds. */
  welcomeCode: string;
  text?: string;
  /** A mini-program card; picMediaId from uploadImage (valid 3 days). */
  miniprogram?: { title: string; picMediaId: string; appId: string; page: string };
}

function checkContactWay(input: { type?: 1 | 2; state?: string; userIds?: string[] }) {
  if (input.state !== undefined && [...input.state].length > CONTACT_WAY_STATE_MAX) {
    throw new AppError(
      'VALIDATION_FAILED',
      `A contact-me code's state is at most ${CONTACT_WAY_STATE_MAX} characters`,
      {
        state: input.state,
      },
    );
  }
  if (input.userIds !== undefined) {
    if (input.userIds.length === 0 || input.userIds.length > 100) {
      throw new AppError('VALIDATION_FAILED', 'A contact-me code has 1–100 members');
    }
    if (input.type === 1 && input.userIds.length !== 1) {
      throw new AppError('VALIDATION_FAILED', 'A single-member contact-me code (type 1) has exactly one member');
    }
  }
}

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

  /**
   * Calls an API with `access_token`, refetching the token once when WeCom says it is stale. With a body it
   * POSTs JSON; with a form, multipart.
   */
  async function call<T extends PlatformAnswer>(
    path: string,
    params: Record<string, string> = {},
    body?: unknown,
    form?: FormData,
  ): Promise<T> {
    const send = async (accessToken: string) => {
      const url = new URL(`${config.apiBase}${path}`);
      url.search = new URLSearchParams({ access_token: accessToken, ...params }).toString();
      if (form) return fetchJson<T>(url.toString(), { method: 'POST', form });
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

    /**
     * Creates a contact-me code (externalcontact/add_contact_way). Keep `configId`: it is the only handle to update
     * or delete the code. `qrCode` is the QR image URL for scene 2, null for scene 1.
     */
    async addContactWay(input: ContactWayInput): Promise<{ configId: string; qrCode: string | null }> {
      checkContactWay(input);
      const answer = ensureOk(
        'wecom',
        await call<PlatformAnswer & { config_id: string; qr_code?: string }>(
          '/cgi-bin/externalcontact/add_contact_way',
          {},
          {
            type: input.type,
            scene: input.scene,
            state: input.state,
            user: input.userIds,
            skip_verify: input.skipVerify,
            ...(input.remark !== undefined && { remark: input.remark }),
          },
        ),
      );
      return { configId: answer.config_id, qrCode: answer.qr_code || null };
    },

    /** Changes a contact-me code's state, members or verification (externalcontact/update_contact_way). */
    async updateContactWay(
      configId: string,
      changes: { state?: string; userIds?: string[]; skipVerify?: boolean },
    ): Promise<void> {
      checkContactWay(changes);
      ensureOk(
        'wecom',
        await call<PlatformAnswer>(
          '/cgi-bin/externalcontact/update_contact_way',
          {},
          {
            config_id: configId,
            ...(changes.state !== undefined && { state: changes.state }),
            ...(changes.userIds !== undefined && { user: changes.userIds }),
            ...(changes.skipVerify !== undefined && { skip_verify: changes.skipVerify }),
          },
        ),
      );
    },

    /** Deletes a contact-me code (externalcontact/del_contact_way); its QR code stops working. */
    async deleteContactWay(configId: string): Promise<void> {
      ensureOk(
        'wecom',
        await call<PlatformAnswer>('/cgi-bin/externalcontact/del_contact_way', {}, { config_id: configId }),
      );
    },

    /**
     * Sends the welcome message of a new contact (externalcontact/send_welcome_msg): text and/or a mini-program
     * card. Answers WeCom's errcode instead of throwing for what the caller must record rather than retry: 41050 an
     * invalid or expired (older than 20 s) code, 41051 a code already used (or the customer already chatting).
     */
    async sendWelcomeMessage(input: WelcomeMessageInput): Promise<{ errcode: number; errmsg: string }> {
      const body: Record<string, unknown> = { welcome_code: input.welcomeCode };
      if (input.text !== undefined) body.text = { content: input.text };
      if (input.miniprogram) {
        const card = input.miniprogram;
        body.attachments = [
          {
            msgtype: 'miniprogram',
            miniprogram: { title: card.title, pic_media_id: card.picMediaId, appid: card.appId, page: card.page },
          },
        ];
      }
      try {
        ensureOk('wecom', await call<PlatformAnswer>('/cgi-bin/externalcontact/send_welcome_msg', {}, body));
        return { errcode: 0, errmsg: 'ok' };
      } catch (error) {
        if (error instanceof PlatformError) return { errcode: error.errcode, errmsg: error.errmsg };
        throw error;
      }
    },

    /**
     * Uploads an image as temporary media (media/upload?type=image, multipart) for a message attachment such as the
     * welcome card's picture; answers the media_id, valid three days (callers cache it for less).
     */
    async uploadImage(png: Buffer, filename: string): Promise<string> {
      const form = new FormData();
      form.append('media', new Blob([new Uint8Array(png)], { type: 'image/png' }), filename);
      const answer = ensureOk(
        'wecom',
        await call<PlatformAnswer & { media_id: string }>('/cgi-bin/media/upload', { type: 'image' }, undefined, form),
      );
      return answer.media_id;
    },

    /**
     * Hands external contacts of one member to another (客户继承), at most TRANSFER_BATCH_MAX per call as WeCom
     * requires: `externalcontact/transfer_customer` while the member is employed (the customer gets `successMessage`,
     * ≤200 characters, or WeCom's default text once taken over), `externalcontact/resigned/transfer_customer` after they
     * left. Answers each contact's errcode: 0 means the takeover started (WeCom completes it 24 hours later unless the
     * customer refuses), not that it succeeded; e.g. 40129 already being taken over, 40131 not the member's contact.
     * A request WeCom refuses as a whole throws PlatformError (e.g. 40097: the member has not left yet).
     */
    async transferCustomers(input: CustomerTransferInput): Promise<{ externalUserId: string; errcode: number }[]> {
      if (input.externalUserIds.length === 0 || input.externalUserIds.length > TRANSFER_BATCH_MAX) {
        throw new AppError('VALIDATION_FAILED', `A customer transfer hands over 1–${TRANSFER_BATCH_MAX} contacts`);
      }
      const answer = ensureOk(
        'wecom',
        await call<PlatformAnswer & { customer?: { external_userid: string; errcode: number }[] }>(
          input.resigned
            ? '/cgi-bin/externalcontact/resigned/transfer_customer'
            : '/cgi-bin/externalcontact/transfer_customer',
          {},
          {
            handover_userid: input.handoverUserId,
            takeover_userid: input.takeoverUserId,
            external_userid: input.externalUserIds,
            ...(!input.resigned &&
              input.successMessage !== undefined && { transfer_success_msg: input.successMessage }),
          },
        ),
      );
      return (answer.customer ?? []).map((row) => ({ externalUserId: row.external_userid, errcode: row.errcode }));
    },

    /**
     * Where each takeover from one member by another stands (externalcontact/transfer_result, or
     * resigned/transfer_result for a member who left), page by page.
     */
    async *customerTransferResults(input: {
      handoverUserId: string;
      takeoverUserId: string;
      resigned: boolean;
    }): AsyncGenerator<CustomerTransferResult[]> {
      let cursor = '';
      do {
        const answer = ensureOk(
          'wecom',
          await call<
            PlatformAnswer & {
              customer?: { external_userid: string; status: number; takeover_time?: number }[];
              next_cursor?: string;
            }
          >(
            input.resigned
              ? '/cgi-bin/externalcontact/resigned/transfer_result'
              : '/cgi-bin/externalcontact/transfer_result',
            {},
            { handover_userid: input.handoverUserId, takeover_userid: input.takeoverUserId, cursor },
          ),
        );
        yield (answer.customer ?? []).map((row) => ({
          externalUserId: row.external_userid,
          status: TRANSFER_STATUS[row.status] ?? 'no_record',
          takeoverAt: row.takeover_time ? new Date(row.takeover_time * 1000) : null,
        }));
        cursor = answer.next_cursor ?? '';
      } while (cursor);
    },

    /**
     * The corp's customer tag library (externalcontact/get_corp_tag_list): groups with their tags. With no filter
     * WeCom answers every live group and tag; with `tagIds` / `groupIds` (groups win when both are given) it also
     * answers deleted ones, marked `deleted`. WeCom does not say which app (or the admin console) created a tag:
     * callers keep that themselves from addCorpTag's answers.
     */
    async corpTagList(filter: { tagIds?: string[]; groupIds?: string[] } = {}): Promise<CorpTagGroup[]> {
      const answer = ensureOk(
        'wecom',
        await call<PlatformAnswer & { tag_group?: RawCorpTagGroup[] }>(
          '/cgi-bin/externalcontact/get_corp_tag_list',
          {},
          {
            ...(filter.tagIds?.length ? { tag_id: filter.tagIds } : {}),
            ...(filter.groupIds?.length ? { group_id: filter.groupIds } : {}),
          },
        ),
      );
      return (answer.tag_group ?? []).map(toCorpTagGroup);
    },

    /**
     * Adds tags to the corp's library (externalcontact/add_corp_tag): into the group `groupId`, or else the group
     * named `groupName` (WeCom creates it unless a live group has that name, in which case the tags join that one).
     * Answers the group and the tags created. Throws PlatformError, e.g. 40071 when the group already has a tag of
     * that name, 40068 for an unknown group_id.
     */
    async addCorpTag(input: AddCorpTagInput): Promise<CorpTagGroup> {
      if (input.tags.length === 0) throw new AppError('VALIDATION_FAILED', 'WeCom creates no empty tag group');
      if (!input.groupId && !input.groupName) {
        throw new AppError('VALIDATION_FAILED', 'add_corp_tag needs a group_id or a group_name');
      }
      const answer = ensureOk(
        'wecom',
        await call<PlatformAnswer & { tag_group: RawCorpTagGroup }>(
          '/cgi-bin/externalcontact/add_corp_tag',
          {},
          {
            ...(input.groupId ? { group_id: input.groupId } : { group_name: input.groupName }),
            ...(input.order !== undefined && { order: input.order }),
            tag: input.tags.map((tag) => ({ name: tag.name, ...(tag.order !== undefined && { order: tag.order }) })),
          },
        ),
      );
      return toCorpTagGroup(answer.tag_group);
    },

    /**
     * Renames or reorders a tag or a group (externalcontact/edit_corp_tag). An app may edit only tags it created:
     * WeCom refuses others (CORP_TAG_ERRCODES.notCreatedByApp); 40071 a name its group already has.
     */
    async editCorpTag(input: { id: string; name?: string; order?: number }): Promise<void> {
      ensureOk(
        'wecom',
        await call<PlatformAnswer>(
          '/cgi-bin/externalcontact/edit_corp_tag',
          {},
          {
            id: input.id,
            ...(input.name !== undefined && { name: input.name }),
            ...(input.order !== undefined && { order: input.order }),
          },
        ),
      );
    },

    /**
     * Deletes tags and/or whole groups (externalcontact/del_corp_tag); only ones this app created (as editCorpTag).
     * They also leave every customer they were marked on.
     */
    async deleteCorpTag(input: { tagIds?: string[]; groupIds?: string[] }): Promise<void> {
      if (!input.tagIds?.length && !input.groupIds?.length) {
        throw new AppError('VALIDATION_FAILED', 'del_corp_tag needs tag ids or group ids');
      }
      ensureOk(
        'wecom',
        await call<PlatformAnswer>(
          '/cgi-bin/externalcontact/del_corp_tag',
          {},
          {
            ...(input.tagIds?.length ? { tag_id: input.tagIds } : {}),
            ...(input.groupIds?.length ? { group_id: input.groupIds } : {}),
          },
        ),
      );
    },

    /**
     * Marks and unmarks corp tags on one member's external contact (externalcontact/mark_tag). Any live corp tag may
     * be marked, whoever created it. Throws PlatformError, e.g. 84061 when the customer is not (or no longer) the
     * member's contact, 40068 for a tag that does not exist (any more).
     */
    async markTag(input: MarkTagInput): Promise<void> {
      if (input.addTag.length === 0 && input.removeTag.length === 0) {
        throw new AppError('VALIDATION_FAILED', 'mark_tag needs tags to add or to remove');
      }
      ensureOk(
        'wecom',
        await call<PlatformAnswer>(
          '/cgi-bin/externalcontact/mark_tag',
          {},
          {
            userid: input.userid,
            external_userid: input.externalUserId,
            ...(input.addTag.length ? { add_tag: input.addTag } : {}),
            ...(input.removeTag.length ? { remove_tag: input.removeTag } : {}),
          },
        ),
      );
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

/** WeCom hands over at most this many external contacts per transfer_customer call. */
export const TRANSFER_BATCH_MAX = 100;

export interface CustomerTransferInput {
  /** The member whose contacts are handed over, and the successor (WeCom userids). */
  handoverUserId: string;
  takeoverUserId: string;
  externalUserIds: string[];
  /** Whether the member has left the corp (离职继承) or is still employed (在职继承). */
  resigned: boolean;
  /** 在职继承 only: what the customer is told once taken over (≤200 characters). */
  successMessage?: string;
}

/** transfer_result's status: 1 taken over, 2 waiting (completes at takeoverAt), 3 refused by the customer,
 *  4 the successor has reached their contact limit, 5 no such takeover. */
export type CustomerTransferStatus = 'success' | 'waiting' | 'refused' | 'limit_exceeded' | 'no_record';
const TRANSFER_STATUS: Record<number, CustomerTransferStatus> = {
  1: 'success',
  2: 'waiting',
  3: 'refused',
  4: 'limit_exceeded',
  5: 'no_record',
};

export interface CustomerTransferResult {
  externalUserId: string;
  status: CustomerTransferStatus;
  /** When it was taken over, or (waiting) when it will be; null when refused or unknown. */
  takeoverAt: Date | null;
}

/** WeCom errcodes of the corp tag APIs that callers act on. */
export const CORP_TAG_ERRCODES = {
  /** An unknown (or deleted) tag or group id. */
  invalidTag: 40068,
  /** A tag name its group already has, or a group name another group has. */
  nameTaken: 40071,
  /** Editing or deleting a tag or group this app did not create (the admin console or another app did). */
  notCreatedByApp: 301002,
  /** mark_tag for a customer who is not the member's external contact. */
  notExternalContact: 84061,
  /** An unknown member userid. */
  invalidUserId: 60111,
} as const;

interface RawCorpTag {
  id: string;
  name: string;
  create_time?: number;
  order?: number;
  deleted?: boolean;
}
interface RawCorpTagGroup {
  group_id: string;
  group_name: string;
  create_time?: number;
  order?: number;
  deleted?: boolean;
  tag?: RawCorpTag[];
}

export interface CorpTag {
  id: string;
  name: string;
  createdAt: Date | null;
  order: number;
  deleted: boolean;
}
export interface CorpTagGroup {
  groupId: string;
  groupName: string;
  createdAt: Date | null;
  order: number;
  deleted: boolean;
  tags: CorpTag[];
}

export interface AddCorpTagInput {
  /** The group to add to; else `groupName` (found by name or created). */
  groupId?: string;
  groupName?: string;
  /** The new group's order (larger first); ignored with groupId. */
  order?: number;
  tags: { name: string; order?: number }[];
}

export interface MarkTagInput {
  /** The member who has the customer. */
  userid: string;
  externalUserId: string;
  addTag: string[];
  removeTag: string[];
}

const fromSeconds = (seconds: number | undefined) => (seconds ? new Date(seconds * 1000) : null);

function toCorpTagGroup(group: RawCorpTagGroup): CorpTagGroup {
  return {
    groupId: group.group_id,
    groupName: group.group_name,
    createdAt: fromSeconds(group.create_time),
    order: group.order ?? 0,
    deleted: group.deleted ?? false,
    tags: (group.tag ?? []).map((tag) => ({
      id: tag.id,
      name: tag.name,
      createdAt: fromSeconds(tag.create_time),
      order: tag.order ?? 0,
      deleted: tag.deleted ?? false,
    })),
  };
}
