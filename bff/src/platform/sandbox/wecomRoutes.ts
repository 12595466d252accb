/**
 * The sandbox's emulation of QR codes and customer contact: wxacode.getUnlimited (a real PNG), WeCom's contact-me
 * codes, welcome messages and temporary media, speaking the real formats and error codes; plus their control
 * routes (scanning a contact-me code, the welcome messages sent, the callbacks delivered).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { z } from 'zod';
import type { Config } from '@careloop/config';
import {
  SandboxApiFailureRequest,
  SandboxApiLatencyRequest,
  SandboxConsoleTagGroupRequest,
  SandboxContactTags,
  SandboxCorpTagCall,
  SandboxCorpTagGroup,
  SandboxAgeWelcomeCodeRequest,
  SandboxCallbackDelivery,
  SandboxCompletedTransfers,
  SandboxCustomerTransfer,
  SandboxRefuseTransferRequest,
  SandboxConsoleWelcomeRequest,
  SandboxContactWayScan,
  SandboxContactWayScanRequest,
  SandboxExternalUserQuery,
  SandboxWelcomeMessage,
} from '@careloop/shared';
import { defineRoute, type RouteDefinition } from '../../http/routes';
import { AppError, notFound } from '../../http/errors';
import { answer, query, requireToken } from './http';
import { findWecomMember } from './service';
import { qrPng } from './qrPng';
import {
  addCorpTags,
  apiLatency,
  corpTagLibrary,
  deleteCorpTags,
  editCorpTag,
  injectApiFailures,
  listContactTags,
  listCorpTagCalls,
  listCorpTagLibrary,
  logCorpTagCall,
  markContactTags,
  setApiLatency,
  takeApiFault,
  type CorpTagApi,
  type WecomRefusal,
  addContactAndNotify,
  ageWelcomeCode,
  checkWelcomeCode,
  completeWaitingTransfers,
  isMemberResigned,
  listAllCustomerTransfers,
  listCustomerTransfers,
  markMemberResigned,
  failCustomerTransfer,
  startCustomerTransfer,
  type TransferFailReason,
  type TransferKind,
  contactWayQrUrl,
  createContactWay,
  deleteContactWay,
  findContactWay,
  findLiveMedia,
  listCallbackDeliveries,
  listWelcomeMessages,
  sendWelcomeMessage,
  setConsoleWelcome,
  storeMedia,
  updateContactWay,
  type ContactWayFields,
  type SandboxWecomConfig,
} from './wecomService';

type SandboxConfig = Pick<Config, 'wechat' | 'wecom' | 'publicUrl'>;

/** wxacode.getUnlimited's rules, as WeChat applies them. */
const SCENE_CHARS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$/;
const PAGE = /^[A-Za-z0-9_-][A-Za-z0-9_./-]*$/;

/** Where a sandbox mini-program code leads: the mini-program's H5 build (served at /m/) on that page and scene. */
export function sandboxMiniProgramCodeUrl(publicUrl: string, page: string, scene: string) {
  return `${publicUrl}/m/#/${page}?scene=${encodeURIComponent(scene)}`;
}

const body = (ctx: Context) => (ctx.request.body ?? {}) as Record<string, unknown>;
const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/** The emulated APIs that take JSON; registered on the sandbox's platform router (prefix /sandbox). */
export function registerSandboxCodeRoutes(router: Router, config: SandboxConfig): void {
  const { wechat, wecom, publicUrl } = config;

  // ---- WeChat: wxacode.getUnlimited ----
  router.post('/wechat/wxa/getwxacodeunlimit', async (ctx) => {
    if (!(await requireToken(ctx, 'wechat_token', wechat.appId, 40001))) return;
    const input = body(ctx);
    const scene = input.scene;
    if (typeof scene !== 'string' || scene.length === 0 || scene.length > 32) {
      return answer(ctx, 40169, 'invalid length for scene, or the data is not json string');
    }
    if (!SCENE_CHARS.test(scene)) return answer(ctx, 40129, 'invalid scene');
    const page = input.page ?? '';
    if (typeof page !== 'string' || (page !== '' && (!PAGE.test(page) || page.length > 128))) {
      return answer(ctx, 41030, 'invalid page');
    }
    const width = input.width ?? 430;
    if (typeof width !== 'number' || !Number.isInteger(width) || width < 280 || width > 1280) {
      return answer(ctx, 40097, 'invalid args: width');
    }
    if (input.env_version !== undefined && !['release', 'trial', 'develop'].includes(input.env_version as string)) {
      return answer(ctx, 40097, 'invalid args: env_version');
    }
    if (input.check_path !== undefined && typeof input.check_path !== 'boolean') {
      return answer(ctx, 40097, 'invalid args: check_path');
    }
    ctx.status = 200;
    ctx.type = 'image/png';
    ctx.body = qrPng(sandboxMiniProgramCodeUrl(publicUrl, page, scene), width);
  });

  // ---- WeCom: contact-me codes ----
  const wayFields = async (
    ctx: Context,
    input: Record<string, unknown>,
    current: ContactWayFields | null,
  ): Promise<Partial<ContactWayFields> | null> => {
    const fail = (errcode: number, errmsg: string) => {
      answer(ctx, errcode, errmsg);
      return null;
    };
    const changes: Partial<ContactWayFields> = {};
    if (!current || input.type !== undefined) {
      if (input.type !== 1 && input.type !== 2) return fail(40058, 'invalid type');
      changes.type = input.type;
    }
    if (!current || input.scene !== undefined) {
      if (input.scene !== 1 && input.scene !== 2) return fail(40058, 'invalid scene');
      changes.scene = input.scene;
    }
    if (input.state !== undefined) {
      if (typeof input.state !== 'string' || [...input.state].length > 30) {
        return fail(40058, 'invalid state: at most 30 characters');
      }
      changes.state = input.state;
    }
    if (input.remark !== undefined) {
      if (typeof input.remark !== 'string' || [...input.remark].length > 30) {
        return fail(40058, 'invalid remark: at most 30 characters');
      }
      changes.remark = input.remark;
    }
    if (input.skip_verify !== undefined) {
      if (typeof input.skip_verify !== 'boolean') return fail(40058, 'invalid skip_verify');
      changes.skipVerify = input.skip_verify;
    }
    if (!current || input.user !== undefined) {
      const users = input.user;
      if (
        !Array.isArray(users) ||
        users.length === 0 ||
        users.length > 100 ||
        users.some((u) => typeof u !== 'string')
      ) {
        return fail(40058, 'invalid user');
      }
      for (const userid of users as string[]) {
        if (!(await findWecomMember(wecom.corpId, userid))) return fail(60111, `userid not found: ${userid}`);
      }
      changes.userIds = users as string[];
    }
    const type = changes.type ?? current?.type;
    const userIds = changes.userIds ?? current?.userIds ?? [];
    if (type === 1 && userIds.length !== 1) return fail(40058, 'a type 1 contact way has exactly one user');
    return changes;
  };

  const contactWayJson = (way: ContactWayFields & { configId: string }) => ({
    config_id: way.configId,
    type: way.type,
    scene: way.scene,
    style: 1,
    remark: way.remark,
    skip_verify: way.skipVerify,
    state: way.state,
    ...(way.scene === 2 && { qr_code: contactWayQrUrl(publicUrl, way.configId) }),
    user: way.userIds,
    party: [],
    is_temp: false,
  });

  router.post('/wecom/cgi-bin/externalcontact/add_contact_way', async (ctx) => {
    if (!(await requireToken(ctx, 'wecom_token', wecom.corpId))) return;
    const fields = await wayFields(ctx, body(ctx), null);
    if (!fields) return;
    const way = await createContactWay(wecom.corpId, {
      type: fields.type!,
      scene: fields.scene!,
      state: fields.state ?? '',
      userIds: fields.userIds!,
      skipVerify: fields.skipVerify ?? true, // WeCom's default
      remark: fields.remark ?? '',
    });
    answer(ctx, 0, 'ok', {
      config_id: way.configId,
      ...(way.scene === 2 && { qr_code: contactWayQrUrl(publicUrl, way.configId) }),
    });
  });

  router.post('/wecom/cgi-bin/externalcontact/get_contact_way', async (ctx) => {
    if (!(await requireToken(ctx, 'wecom_token', wecom.corpId))) return;
    const configId = body(ctx).config_id;
    const way = typeof configId === 'string' ? await findContactWay(wecom.corpId, configId) : null;
    if (!way) return answer(ctx, 40058, 'invalid config_id');
    answer(ctx, 0, 'ok', { contact_way: contactWayJson(way) });
  });

  router.post('/wecom/cgi-bin/externalcontact/update_contact_way', async (ctx) => {
    if (!(await requireToken(ctx, 'wecom_token', wecom.corpId))) return;
    const input = body(ctx);
    const way = typeof input.config_id === 'string' ? await findContactWay(wecom.corpId, input.config_id) : null;
    if (!way) return answer(ctx, 40058, 'invalid config_id');
    // type and scene cannot change after creation.
    const changeable = { ...input };
    delete changeable.type;
    delete changeable.scene;
    const changes = await wayFields(ctx, changeable, way);
    if (!changes) return;
    await updateContactWay(wecom.corpId, way.configId, changes);
    answer(ctx, 0, 'ok');
  });

  router.post('/wecom/cgi-bin/externalcontact/del_contact_way', async (ctx) => {
    if (!(await requireToken(ctx, 'wecom_token', wecom.corpId))) return;
    const configId = body(ctx).config_id;
    if (typeof configId !== 'string' || !(await deleteContactWay(wecom.corpId, configId))) {
      return answer(ctx, 40058, 'invalid config_id');
    }
    answer(ctx, 0, 'ok');
  });

  // The contact-me code's image (what qr_code points at).
  router.get('/wecom/contact-way/:file', async (ctx) => {
    const match = /^([0-9a-f]{32})\.png$/.exec(ctx.params.file ?? '');
    const way = match ? await findContactWay(wecom.corpId, match[1]!) : null;
    if (!way) throw new AppError('NOT_FOUND', 'No such contact-me code');
    ctx.type = 'image/png';
    ctx.body = qrPng(`${publicUrl}/sandbox/wecom/contact-way/${way.configId}`, 430);
  });

  // ---- WeCom: the welcome message of a new contact ----
  router.post('/wecom/cgi-bin/externalcontact/send_welcome_msg', async (ctx) => {
    if (!(await requireToken(ctx, 'wecom_token', wecom.corpId))) return;
    const input = body(ctx);
    if (typeof input.welcome_code !== 'string' || !input.welcome_code)
      return answer(ctx, 41049, 'missing welcome_code');
    const usable = await checkWelcomeCode(wecom.corpId, input.welcome_code);
    if ('error' in usable) {
      return usable.error === 41050
        ? answer(ctx, 41050, 'invalid welcome code')
        : answer(ctx, 41051, 'externaluser has started chatting');
    }
    const text = input.text as { content?: unknown } | undefined;
    if (text !== undefined && (typeof text?.content !== 'string' || byteLength(text.content) > 4000)) {
      return answer(ctx, 40058, 'invalid text.content (at most 4000 bytes)');
    }
    const attachments = input.attachments ?? [];
    if (!Array.isArray(attachments) || attachments.length > 9) return answer(ctx, 40058, 'invalid attachments');
    if (text === undefined && attachments.length === 0) return answer(ctx, 40058, 'empty message');
    for (const attachment of attachments as Record<string, unknown>[]) {
      const problem = await attachmentProblem(wecom.corpId, wechat.appId, attachment);
      if (problem) return answer(ctx, problem.errcode, problem.errmsg);
    }
    const sent = await sendWelcomeMessage(wecom.corpId, input.welcome_code, {
      text: (text?.content as string | undefined) ?? null,
      attachments: attachments as Record<string, unknown>[],
    });
    if (!sent) return answer(ctx, 41051, 'externaluser has started chatting');
    answer(ctx, 0, 'ok');
  });

  registerSandboxTransferRoutes(router, config);
  registerSandboxCorpTagRoutes(router, config);
}

/**
 * WeCom's customer tag library and the marking of tags on external contacts: get_corp_tag_list, add_corp_tag,
 * edit_corp_tag, del_corp_tag and mark_tag, with their request formats and errcodes. Every call is logged with its
 * answer (see /sandbox/control/wecom/corp-tag-calls) and may be made to fail (/sandbox/control/wecom/api-failures).
 */
function registerSandboxCorpTagRoutes(router: Router, config: SandboxConfig): void {
  const { corpId } = config.wecom;
  const api =
    (
      name: CorpTagApi,
      handle: (input: Record<string, unknown>) => Promise<WecomRefusal | Record<string, unknown> | null>,
    ) =>
    async (ctx: Context) => {
      if (!(await requireToken(ctx, 'wecom_token', corpId))) return;
      const input = body(ctx);
      const latency = await apiLatency(corpId, name);
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
      const result = (await takeApiFault(corpId, name)) ?? (await handle(input));
      const refusal = result && 'errcode' in result ? (result as WecomRefusal) : null;
      await logCorpTagCall(corpId, name, input, refusal ?? { errcode: 0, errmsg: 'ok' });
      if (refusal) return answer(ctx, refusal.errcode, refusal.errmsg);
      answer(ctx, 0, 'ok', (result as Record<string, unknown> | null) ?? {});
    };
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

  router.post(
    '/wecom/cgi-bin/externalcontact/get_corp_tag_list',
    api('get_corp_tag_list', async (input) => ({
      tag_group: await corpTagLibrary(corpId, { tagIds: strings(input.tag_id), groupIds: strings(input.group_id) }),
    })),
  );
  router.post(
    '/wecom/cgi-bin/externalcontact/add_corp_tag',
    api('add_corp_tag', (input) =>
      addCorpTags(
        corpId,
        { groupId: input.group_id, groupName: input.group_name, order: input.order, tags: input.tag },
        'app',
      ),
    ),
  );
  router.post(
    '/wecom/cgi-bin/externalcontact/edit_corp_tag',
    api('edit_corp_tag', (input) => editCorpTag(corpId, input)),
  );
  router.post(
    '/wecom/cgi-bin/externalcontact/del_corp_tag',
    api('del_corp_tag', (input) => deleteCorpTags(corpId, input)),
  );
  router.post(
    '/wecom/cgi-bin/externalcontact/mark_tag',
    api('mark_tag', (input) => markContactTags(corpId, input)),
  );
}

/** Control routes of the customer tag library: console-made groups, what is marked on whom, calls and outages. */
function corpTagControlRoutes(corpId: string): RouteDefinition[] {
  const tag = 'sandbox';
  return [
    defineRoute({
      method: 'post',
      path: '/sandbox/control/wecom/corp-tags',
      summary: 'An administrator makes a tag group with tags in the admin console (apps may mark, never change them)',
      tag,
      access: 'public',
      body: SandboxConsoleTagGroupRequest,
      response: SandboxCorpTagGroup,
      status: 201,
      handler: async ({ body: group }) => {
        const result = await addCorpTags(
          corpId,
          { groupName: group.groupName, tags: group.tags.map((name) => ({ name })) },
          'console',
        );
        if ('errcode' in result) throw new AppError('VALIDATION_FAILED', result.errmsg, { errcode: result.errcode });
        const library = await listCorpTagLibrary(corpId);
        return library.find((entry) => entry.groupId === result.tag_group.group_id)!;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/sandbox/control/wecom/corp-tags',
      summary:
        'The customer tag library, deleted groups and tags included, with who created each (an app or the console)',
      tag,
      access: 'public',
      response: z.array(SandboxCorpTagGroup),
      handler: () => listCorpTagLibrary(corpId),
    }),
    defineRoute({
      method: 'get',
      path: '/sandbox/control/wecom/contact-tags',
      summary: 'The corp tags each member has marked on their external contacts (mark_tag)',
      tag,
      access: 'public',
      query: SandboxExternalUserQuery,
      response: z.array(SandboxContactTags),
      handler: ({ query: filter }) => listContactTags(corpId, filter.externalUserId),
    }),
    defineRoute({
      method: 'get',
      path: '/sandbox/control/wecom/corp-tag-calls',
      summary: 'Every call of the corp tag APIs and the errcode it was answered, oldest first',
      tag,
      access: 'public',
      response: z.array(SandboxCorpTagCall),
      handler: () => listCorpTagCalls(corpId),
    }),
    defineRoute({
      method: 'post',
      path: '/sandbox/control/wecom/api-failures',
      summary: 'The next calls of a corp tag API fail with an errcode (0 times: it works again at once)',
      tag,
      access: 'public',
      body: SandboxApiFailureRequest,
      handler: async ({ body: fault }) => {
        const errcode = fault.errcode ?? -1;
        await injectApiFailures(corpId, {
          api: fault.api,
          times: fault.times,
          errcode,
          errmsg: errcode === -1 ? 'system busy' : `sandbox failure ${errcode}`,
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/sandbox/control/wecom/api-latency',
      summary: 'Every call of a corp tag API waits this long before it is handled (0: at once again)',
      tag,
      access: 'public',
      body: SandboxApiLatencyRequest,
      handler: ({ body: latency }) => setApiLatency(corpId, latency.api, latency.ms),
    }),
  ];
}

/** WeCom's customer handover: transfer_customer and transfer_result, for employed (在职) and resigned (离职) members. */
function registerSandboxTransferRoutes(router: Router, config: SandboxConfig): void {
  const { wecom } = config;
  const TRANSFER_BATCH_MAX = 100;
  const RESULT_PAGE = 100;

  const transfer = (kind: TransferKind) => async (ctx: Context) => {
    if (!(await requireToken(ctx, 'wecom_token', wecom.corpId))) return;
    const input = body(ctx);
    const { handover_userid: handover, takeover_userid: takeover, external_userid: contacts } = input;
    if (typeof handover !== 'string' || !handover) return answer(ctx, 40003, 'invalid handover_userid');
    if (typeof takeover !== 'string' || !takeover) return answer(ctx, 40003, 'invalid takeover_userid');
    if (!Array.isArray(contacts) || contacts.length === 0 || contacts.some((id) => typeof id !== 'string')) {
      return answer(ctx, 40058, 'invalid external_userid');
    }
    if (contacts.length > TRANSFER_BATCH_MAX) {
      return answer(ctx, 40058, `external_userid exceeds the limit of ${TRANSFER_BATCH_MAX}`);
    }
    const message = kind === 'onjob' ? (input.transfer_success_msg ?? null) : null;
    if (message !== null && (typeof message !== 'string' || [...message].length > 200)) {
      return answer(ctx, 40058, 'invalid transfer_success_msg: at most 200 characters');
    }
    if (!(await findWecomMember(wecom.corpId, handover))) return answer(ctx, 60111, `userid not found: ${handover}`);
    if (!(await findWecomMember(wecom.corpId, takeover))) return answer(ctx, 60111, `userid not found: ${takeover}`);
    if (await isMemberResigned(wecom.corpId, takeover)) return answer(ctx, 60111, `userid not found: ${takeover}`);
    if (kind === 'resigned' && !(await isMemberResigned(wecom.corpId, handover))) {
      return answer(ctx, 40097, 'handover user has not resigned');
    }
    const customer: { external_userid: string; errcode: number }[] = [];
    for (const externalUserId of contacts as string[]) {
      const errcode = await startCustomerTransfer(wecom.corpId, {
        kind,
        handoverUserId: handover,
        takeoverUserId: takeover,
        externalUserId,
        successMessage: message as string | null,
      });
      customer.push({ external_userid: externalUserId, errcode });
    }
    answer(ctx, 0, 'ok', { customer });
  };

  const results = (kind: TransferKind) => async (ctx: Context) => {
    if (!(await requireToken(ctx, 'wecom_token', wecom.corpId))) return;
    const input = body(ctx);
    const { handover_userid: handover, takeover_userid: takeover } = input;
    if (typeof handover !== 'string' || typeof takeover !== 'string') {
      return answer(ctx, 40003, 'invalid handover_userid or takeover_userid');
    }
    const cursor = typeof input.cursor === 'string' ? input.cursor : '';
    const page = await listCustomerTransfers(
      wecom.corpId,
      { kind, handoverUserId: handover, takeoverUserId: takeover },
      cursor,
      RESULT_PAGE,
    );
    answer(ctx, 0, 'ok', {
      customer: page.map((doc) => ({
        external_userid: doc.externalUserId,
        status: doc.status,
        takeover_time: doc.takeoverAt ? Math.floor(doc.takeoverAt.getTime() / 1000) : 0,
      })),
      next_cursor: page.length === RESULT_PAGE ? String(page[page.length - 1]!._id) : '',
    });
  };

  router.post('/wecom/cgi-bin/externalcontact/transfer_customer', transfer('onjob'));
  router.post('/wecom/cgi-bin/externalcontact/resigned/transfer_customer', transfer('resigned'));
  router.post('/wecom/cgi-bin/externalcontact/transfer_result', results('onjob'));
  router.post('/wecom/cgi-bin/externalcontact/resigned/transfer_result', results('resigned'));
}

async function attachmentProblem(
  corpId: string,
  appId: string,
  attachment: Record<string, unknown>,
): Promise<{ errcode: number; errmsg: string } | null> {
  const type = attachment?.msgtype;
  if (typeof type !== 'string' || !['image', 'link', 'miniprogram', 'video', 'file'].includes(type)) {
    return { errcode: 40058, errmsg: 'invalid attachments.msgtype' };
  }
  const content = attachment[type] as Record<string, unknown> | undefined;
  if (!content || typeof content !== 'object') return { errcode: 40058, errmsg: `missing attachments.${type}` };
  if (type !== 'miniprogram') return null;
  const { title, pic_media_id: picMediaId, appid, page } = content;
  if (typeof title !== 'string' || !title || byteLength(title) > 64) {
    return { errcode: 40058, errmsg: 'invalid miniprogram.title (1–64 bytes)' };
  }
  if (typeof picMediaId !== 'string' || !(await findLiveMedia(corpId, picMediaId))) {
    return { errcode: 40007, errmsg: 'invalid media_id' };
  }
  if (appid !== appId) return { errcode: 40013, errmsg: 'invalid miniprogram.appid' };
  if (typeof page !== 'string' || !page) return { errcode: 40058, errmsg: 'invalid miniprogram.page' };
  return null;
}

const UPLOAD_LIMIT_BYTES = 20 * 1024 * 1024;
const MEDIA_LIMITS: Record<string, number> = {
  image: 10 * 1024 * 1024,
  voice: 2 * 1024 * 1024,
  video: 10 * 1024 * 1024,
  file: 20 * 1024 * 1024,
};

/** The first file part of a multipart/form-data body (name, filename, bytes); null when there is none. */
function multipartFile(contentType: string, raw: Buffer) {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) return null;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const headerStart = start + delimiter.length + 2; // CRLF after the delimiter
    const headerEnd = raw.indexOf('\r\n\r\n', headerStart);
    if (headerEnd === -1) return null;
    const next = raw.indexOf(delimiter, headerEnd);
    if (next === -1) return null;
    const headers = raw.subarray(headerStart, headerEnd).toString('utf8');
    const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /(?:^|;)\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    if (name !== undefined && filename !== undefined) {
      return { name, filename, data: raw.subarray(headerEnd + 4, next - 2) };
    }
    start = next;
  }
  return null;
}

const isPng = (data: Buffer) =>
  data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
const isJpeg = (data: Buffer) => data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff;

/**
 * media/upload takes multipart/form-data, so it reads its own body: mount this router before the JSON body parser.
 */
export function sandboxUploadRouter(config: Pick<Config, 'wecom'>): Router {
  const { wecom } = config;
  const router = new Router({ prefix: '/sandbox' });
  router.post('/wecom/cgi-bin/media/upload', async (ctx) => {
    let raw: Buffer;
    try {
      raw = await getRawBody(ctx.req, { limit: UPLOAD_LIMIT_BYTES });
    } catch {
      return answer(ctx, 40006, 'invalid file size');
    }
    if (!(await requireToken(ctx, 'wecom_token', wecom.corpId))) return;
    const type = query(ctx, 'type');
    if (!MEDIA_LIMITS[type]) return answer(ctx, 40004, 'invalid media type');
    const file = multipartFile(ctx.get('content-type'), raw);
    if (!file || file.name !== 'media') return answer(ctx, 41005, 'media data missing');
    if (file.data.length < 5 || file.data.length > MEDIA_LIMITS[type]!) return answer(ctx, 40006, 'invalid file size');
    if (type === 'image' && !isPng(file.data) && !isJpeg(file.data)) return answer(ctx, 40005, 'invalid file type');
    const media = await storeMedia(wecom.corpId, { type, filename: file.filename, bytes: file.data.length });
    answer(ctx, 0, '', {
      type,
      media_id: media.mediaId,
      created_at: String(Math.floor(media.createdAt.getTime() / 1000)),
    });
  });
  return router;
}

/** Control routes of contact-me codes, welcome messages and callbacks. */
export function sandboxWecomControlRoutes(config: SandboxWecomConfig): RouteDefinition[] {
  const tag = 'sandbox';
  const { corpId } = config.wecom;
  /** A control route failing the waiting takeover of a contact for `reason`. */
  const failTransferRoute = (path: string, summary: string, reason: TransferFailReason) =>
    defineRoute({
      method: 'post',
      path,
      summary,
      tag,
      access: 'public',
      body: SandboxRefuseTransferRequest,
      handler: async ({ body: refusal }) => {
        if (!(await failCustomerTransfer(config, refusal.externalUserId, reason))) {
          throw notFound('Waiting takeover of this contact');
        }
      },
    });
  return [
    defineRoute({
      method: 'post',
      path: '/sandbox/control/wecom/contact-ways/:configId/scan',
      summary: "A WeChat user scans a contact-me code: adds one of its members, with the code's state",
      tag,
      access: 'public',
      params: z.strictObject({ configId: z.string().min(1).max(64) }),
      body: SandboxContactWayScanRequest,
      response: SandboxContactWayScan,
      status: 201,
      handler: async ({ params, body: scan }) => {
        const way = await findContactWay(corpId, params.configId);
        if (!way) throw notFound('Sandbox contact-me code');
        const userid = scan.userid ?? way.userIds[0]!;
        if (!way.userIds.includes(userid)) {
          throw new AppError('VALIDATION_FAILED', `${userid} is not a member of this contact-me code`);
        }
        const added = await addContactAndNotify(config, {
          userid,
          name: scan.name,
          unionid: scan.unionid,
          state: way.state || undefined,
          copies: scan.deliveries,
        });
        return { ...added, userid };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/sandbox/control/wecom/users/:userid/console-welcome',
      summary: "Set or clear a member's welcome message in the admin console (then callbacks carry no WelcomeCode)",
      tag,
      access: 'public',
      params: z.strictObject({ userid: z.string().min(1).max(64) }),
      body: SandboxConsoleWelcomeRequest,
      handler: async ({ params, body: change }) => {
        if (!(await setConsoleWelcome(corpId, params.userid, change.enabled))) throw notFound('Sandbox WeCom member');
      },
    }),
    defineRoute({
      method: 'get',
      path: '/sandbox/control/wecom/welcome-messages',
      summary: 'The welcome messages sent to new contacts (send_welcome_msg), oldest first',
      tag,
      access: 'public',
      query: SandboxExternalUserQuery,
      response: z.array(SandboxWelcomeMessage),
      handler: ({ query: filter }) => listWelcomeMessages(corpId, filter.externalUserId),
    }),
    defineRoute({
      method: 'get',
      path: '/sandbox/control/wecom/callbacks',
      summary: 'The callbacks the emulated WeCom sent to CareLoop, with every attempt and answer, oldest first',
      tag,
      access: 'public',
      query: SandboxExternalUserQuery,
      response: z.array(SandboxCallbackDelivery),
      handler: ({ query: filter }) => listCallbackDeliveries(corpId, filter.externalUserId),
    }),
    defineRoute({
      method: 'post',
      path: '/sandbox/control/wecom/welcome-codes/:code/age',
      summary: 'Make a welcome code older (its 20-second validity runs out without waiting)',
      tag,
      access: 'public',
      params: z.strictObject({ code: z.string().min(1).max(128) }),
      body: SandboxAgeWelcomeCodeRequest,
      handler: async ({ params, body: age }) => {
        if (!(await ageWelcomeCode(corpId, params.code, age.seconds))) throw notFound('Sandbox welcome code');
      },
    }),
    defineRoute({
      method: 'post',
      path: '/sandbox/control/wecom/users/:userid/resign',
      summary: 'A member leaves the corp (their contacts can then be handed over with resigned/transfer_customer)',
      tag,
      access: 'public',
      params: z.strictObject({ userid: z.string().min(1).max(64) }),
      handler: async ({ params }) => {
        if (!(await findWecomMember(corpId, params.userid))) throw notFound('Sandbox WeCom member');
        await markMemberResigned(corpId, params.userid);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/sandbox/control/wecom/transfers',
      summary: 'Every takeover of an external contact WeCom started (transfer_customer), oldest first',
      tag,
      access: 'public',
      query: SandboxExternalUserQuery,
      response: z.array(SandboxCustomerTransfer),
      handler: ({ query: filter }) => listAllCustomerTransfers(corpId, filter.externalUserId),
    }),
    failTransferRoute(
      '/sandbox/control/wecom/transfers/refuse',
      'The customer refuses the waiting takeover of them (transfer_result then says 3; the transfer_fail callback follows)',
      'customer_refused',
    ),
    failTransferRoute(
      '/sandbox/control/wecom/transfers/limit-exceeded',
      'The successor has reached their customer limit: the waiting takeover fails (transfer_result then says 4; the transfer_fail callback follows)',
      'customer_limit_exceed',
    ),
    defineRoute({
      method: 'post',
      path: '/sandbox/control/wecom/transfers/complete',
      summary: "Every waiting takeover's 24 hours pass now: each completes (transfer_result then says 1)",
      tag,
      access: 'public',
      response: SandboxCompletedTransfers,
      handler: async () => ({ completed: await completeWaitingTransfers(corpId) }),
    }),
    ...corpTagControlRoutes(corpId),
  ];
}
