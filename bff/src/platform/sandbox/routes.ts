/**
 * The sandbox: an emulator of the WeChat and WeCom server APIs CareLoop calls, speaking their request and
 * response formats and error codes, plus a small control API (defined with the other routes, in controlRoutes).
 */
import Router from '@koa/router';
import { z } from 'zod';
import type { Config } from '@careloop/config';
import {
  SandboxAddExternalContactRequest,
  SandboxCode,
  SandboxCreateWechatUserRequest,
  SandboxExternalContact,
  SandboxPhoneCodeRequest,
  SandboxSubscribeMessage,
  SandboxSubscribeRequest,
  SandboxLoginCodeRequest,
  SandboxOauthCodeRequest,
  SandboxWechatUser,
  SandboxWecomUser,
} from '@careloop/shared';
import { defineRoute, type RouteDefinition } from '../../http/routes';
import { answer, query, requireToken } from './http';
import { registerSandboxCodeRoutes, sandboxWecomControlRoutes } from './wecomRoutes';
import { addContactAndNotify } from './wecomService';
import { notFound } from '../../http/errors';
import {
  externalContactByUnionid,
  externalContactsOfMembers,
  findExternalContact,
  deliverSubscribeMessage,
  grantSubscribeCredits,
  listSubscribeMessages,
  createWechatUser,
  currentCredential,
  expireAllCredentials,
  findWechatUser,
  findWecomMember,
  issueCode,
  listWecomMembers,
  spendCode,
} from './service';

export function sandboxPlatformRouter(config: Pick<Config, 'wechat' | 'wecom' | 'publicUrl'>): Router {
  const { wechat, wecom } = config;
  const router = new Router({ prefix: '/sandbox' });

  // ---- WeChat (api.weixin.qq.com) ----
  router.get('/wechat/sns/jscode2session', async (ctx) => {
    if (query(ctx, 'appid') !== wechat.appId) return answer(ctx, 40013, 'invalid appid');
    if (query(ctx, 'secret') !== wechat.secret) return answer(ctx, 40125, 'invalid appsecret');
    if (query(ctx, 'grant_type') !== 'authorization_code') return answer(ctx, 40002, 'invalid grant_type');
    const spent = await spendCode('wechat_login', wechat.appId, query(ctx, 'js_code'));
    if ('error' in spent) {
      return spent.error === 'used' ? answer(ctx, 40163, 'code been used') : answer(ctx, 40029, 'invalid code');
    }
    const user = await findWechatUser(spent.subject);
    if (!user) return answer(ctx, 40029, 'invalid code');
    ctx.body = {
      openid: user.openid,
      session_key: Buffer.from(user.openid).toString('base64'),
      ...(user.unionid && { unionid: user.unionid }),
    };
  });

  router.post('/wechat/cgi-bin/stable_token', async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'client_credential') return answer(ctx, 40002, 'invalid grant_type');
    if (body.appid !== wechat.appId) return answer(ctx, 40013, 'invalid appid');
    if (body.secret !== wechat.secret) return answer(ctx, 40125, 'invalid appsecret');
    const token = await currentCredential('wechat_token', wechat.appId, body.force_refresh === true);
    ctx.body = { access_token: token.value, expires_in: token.expiresIn };
  });

  router.post('/wechat/wxa/business/getuserphonenumber', async (ctx) => {
    if (!(await requireToken(ctx, 'wechat_token', wechat.appId, 40001))) return;
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const spent = await spendCode('wechat_phone', wechat.appId, typeof body.code === 'string' ? body.code : '');
    if ('error' in spent) return answer(ctx, 40029, 'invalid code');
    const { phoneNumber } = JSON.parse(spent.subject) as { phoneNumber: string };
    answer(ctx, 0, 'ok', {
      phone_info: {
        phoneNumber,
        purePhoneNumber: phoneNumber,
        countryCode: '86',
        watermark: { timestamp: Math.floor(Date.now() / 1000), appid: wechat.appId },
      },
    });
  });

  router.post('/wechat/cgi-bin/message/subscribe/send', async (ctx) => {
    if (!(await requireToken(ctx, 'wechat_token', wechat.appId, 40001))) return;
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const data = body.data as Record<string, { value?: unknown }> | undefined;
    if (typeof body.touser !== 'string' || typeof body.template_id !== 'string' || !data || typeof data !== 'object') {
      return answer(ctx, 47003, 'argument invalid!');
    }
    // thing.DATA allows at most 20 characters, as in WeChat's template field rules.
    for (const [key, field] of Object.entries(data)) {
      if (typeof field?.value !== 'string') return answer(ctx, 47003, `argument invalid! data.${key}.value`);
      if (key.startsWith('thing') && [...field.value].length > 20) {
        return answer(ctx, 47003, `argument invalid! data.${key}.value exceeds 20 characters`);
      }
    }
    if (!(await findWechatUser(body.touser))) return answer(ctx, 40003, 'invalid openid');
    const delivered = await deliverSubscribeMessage(wechat.appId, {
      openid: body.touser,
      templateId: body.template_id,
      page: typeof body.page === 'string' ? body.page : '',
      data,
      miniprogramState: typeof body.miniprogram_state === 'string' ? body.miniprogram_state : 'formal',
    });
    if (!delivered) return answer(ctx, 43101, 'user refuse to accept the msg');
    answer(ctx, 0, 'ok');
  });

  // ---- WeCom (qyapi.weixin.qq.com) ----
  router.get('/wecom/cgi-bin/gettoken', async (ctx) => {
    if (query(ctx, 'corpid') !== wecom.corpId) return answer(ctx, 40013, 'invalid corpid');
    if (query(ctx, 'corpsecret') !== wecom.secret) return answer(ctx, 40001, 'invalid secret');
    const token = await currentCredential('wecom_token', wecom.corpId);
    answer(ctx, 0, 'ok', { access_token: token.value, expires_in: token.expiresIn });
  });

  router.get('/wecom/cgi-bin/auth/getuserinfo', async (ctx) => {
    if (!(await requireToken(ctx, 'wecom_token', wecom.corpId))) return;
    const spent = await spendCode('wecom_oauth', wecom.corpId, query(ctx, 'code'));
    if ('error' in spent) {
      return spent.error === 'used' ? answer(ctx, 40163, 'code been used') : answer(ctx, 40029, 'invalid code');
    }
    answer(ctx, 0, 'ok', { userid: spent.subject, user_ticket: '', expires_in: 1800 });
  });

  router.get('/wecom/cgi-bin/get_jsapi_ticket', async (ctx) => {
    if (!(await requireToken(ctx, 'wecom_token', wecom.corpId))) return;
    const ticket = await currentCredential('wecom_jsapi_ticket', wecom.corpId);
    answer(ctx, 0, 'ok', { ticket: ticket.value, expires_in: ticket.expiresIn });
  });

  router.get('/wecom/cgi-bin/ticket/get', async (ctx) => {
    if (!(await requireToken(ctx, 'wecom_token', wecom.corpId))) return;
    if (query(ctx, 'type') !== 'agent_config') return answer(ctx, 40004, 'invalid type');
    const ticket = await currentCredential('wecom_agent_ticket', wecom.corpId);
    answer(ctx, 0, 'ok', { ticket: ticket.value, expires_in: ticket.expiresIn });
  });

  router.get('/wecom/cgi-bin/externalcontact/get', async (ctx) => {
    if (!(await requireToken(ctx, 'wecom_token', wecom.corpId))) return;
    const contact = await findExternalContact(wecom.corpId, query(ctx, 'external_userid'));
    if (!contact) return answer(ctx, 84061, 'not external contact');
    answer(ctx, 0, 'ok', {
      external_contact: externalContactJson(contact),
      follow_user: contact.follows.map((follow) => ({
        userid: follow.userid,
        remark: '',
        description: '',
        createtime: follow.createtime,
        ...(follow.state && { state: follow.state }),
      })),
      next_cursor: '',
    });
  });

  router.post('/wecom/cgi-bin/externalcontact/batch/get_by_user', async (ctx) => {
    if (!(await requireToken(ctx, 'wecom_token', wecom.corpId))) return;
    const body = (ctx.request.body ?? {}) as { userid_list?: unknown; cursor?: unknown; limit?: unknown };
    const userids: string[] = Array.isArray(body.userid_list)
      ? body.userid_list.filter((u): u is string => typeof u === 'string')
      : [];
    if (userids.length === 0 || userids.length > 100) return answer(ctx, 40058, 'invalid userid_list');
    const limit = typeof body.limit === 'number' && body.limit > 0 ? Math.min(body.limit, 100) : 50;
    const cursor = typeof body.cursor === 'string' ? body.cursor : '';
    const contacts = await externalContactsOfMembers(wecom.corpId, userids, cursor, limit);
    answer(ctx, 0, 'ok', {
      external_contact_list: contacts.flatMap((contact) =>
        contact.follows
          .filter((follow) => follow.userid != null && userids.includes(follow.userid))
          .map((follow) => ({
            external_contact: externalContactJson(contact),
            follow_info: {
              userid: follow.userid,
              remark: '',
              description: '',
              createtime: follow.createtime,
              tag_id: [],
              ...(follow.state && { state: follow.state }),
            },
          })),
      ),
      next_cursor: contacts.length === limit ? contacts[contacts.length - 1]!.externalUserId : '',
    });
  });

  router.post('/wecom/cgi-bin/idconvert/unionid_to_external_userid', async (ctx) => {
    if (!(await requireToken(ctx, 'wecom_token', wecom.corpId))) return;
    const body = (ctx.request.body ?? {}) as { unionid?: unknown; openid?: unknown };
    if (typeof body.unionid !== 'string' || typeof body.openid !== 'string') {
      return answer(ctx, 40003, 'invalid unionid or openid');
    }
    const contact = await externalContactByUnionid(wecom.corpId, body.unionid);
    answer(ctx, 0, 'ok', {
      external_userid_info: contact ? [{ corpid: wecom.corpId, external_userid: contact.externalUserId }] : [],
    });
  });

  registerSandboxCodeRoutes(router, config);
  return router;
}

function externalContactJson(contact: { externalUserId: string; name: string; unionid?: string | null }) {
  return {
    external_userid: contact.externalUserId,
    name: contact.name,
    type: 1, // a WeChat user
    avatar: '',
    gender: 0,
    ...(contact.unionid && { unionid: contact.unionid }),
  };
}

/** The control API for development and tests; mounted only in sandbox mode. */
export function sandboxControlRoutes(config: Pick<Config, 'wechat' | 'wecom' | 'publicUrl'>): RouteDefinition[] {
  const tag = 'sandbox';
  return [
    defineRoute({
      method: 'post',
      path: '/sandbox/control/wechat/users',
      summary: 'Create an emulated WeChat user',
      tag,
      access: 'public',
      body: SandboxCreateWechatUserRequest,
      response: SandboxWechatUser,
      status: 201,
      handler: ({ body }) => createWechatUser(config.wechat.appId, body),
    }),
    defineRoute({
      method: 'post',
      path: '/sandbox/control/wechat/login-code',
      summary: 'What wx.login would return for this user: a single-use code valid five minutes',
      tag,
      access: 'public',
      body: SandboxLoginCodeRequest,
      response: SandboxCode,
      status: 201,
      handler: async ({ body }) => {
        if (!(await findWechatUser(body.openid))) throw notFound('Sandbox WeChat user');
        return { code: await issueCode('wechat_login', config.wechat.appId, body.openid) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/sandbox/control/wecom/users',
      summary: "The emulated corp's members (the demo organisation's staff)",
      tag,
      access: 'public',
      response: z.array(SandboxWecomUser),
      handler: () => listWecomMembers(config.wecom.corpId),
    }),
    defineRoute({
      method: 'post',
      path: '/sandbox/control/wecom/oauth-code',
      summary: 'What the WeCom OAuth redirect would carry for this member',
      tag,
      access: 'public',
      body: SandboxOauthCodeRequest,
      response: SandboxCode,
      status: 201,
      handler: async ({ body }) => {
        if (!(await findWecomMember(config.wecom.corpId, body.userid))) throw notFound('Sandbox WeCom member');
        return { code: await issueCode('wecom_oauth', config.wecom.corpId, body.userid) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/sandbox/control/wechat/phone-code',
      summary: 'What the getPhoneNumber button would return once the user confirms this number',
      tag,
      access: 'public',
      body: SandboxPhoneCodeRequest,
      response: SandboxCode,
      status: 201,
      handler: async ({ body }) => {
        if (!(await findWechatUser(body.openid))) throw notFound('Sandbox WeChat user');
        const subject = JSON.stringify({ openid: body.openid, phoneNumber: body.phoneNumber });
        return { code: await issueCode('wechat_phone', config.wechat.appId, subject) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/sandbox/control/wecom/external-contacts',
      summary:
        'A WeChat user adds a corp member on WeCom (becomes their external contact); WeCom then sends CareLoop the add_external_contact callback',
      tag,
      access: 'public',
      body: SandboxAddExternalContactRequest,
      response: SandboxExternalContact,
      status: 201,
      handler: async ({ body }) => {
        if (!(await findWecomMember(config.wecom.corpId, body.userid))) throw notFound('Sandbox WeCom member');
        const { deliveries, ...contact } = body;
        return addContactAndNotify(config, { ...contact, copies: deliveries });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/sandbox/control/wechat/subscribe',
      summary: 'What requestSubscribeMessage records when the user allows these templates: one credit each',
      tag,
      access: 'public',
      body: SandboxSubscribeRequest,
      handler: async ({ body }) => {
        if (!(await findWechatUser(body.openid))) throw notFound('Sandbox WeChat user');
        await grantSubscribeCredits(config.wechat.appId, body.openid, body.templateIds);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/sandbox/control/wechat/users/:openid/subscribe-messages',
      summary: 'The subscribe messages WeChat delivered to this user',
      tag,
      access: 'public',
      params: z.strictObject({ openid: z.string().min(1).max(64) }),
      response: z.array(SandboxSubscribeMessage),
      handler: ({ params }) => listSubscribeMessages(config.wechat.appId, params.openid),
    }),
    defineRoute({
      method: 'post',
      path: '/sandbox/control/credentials/expire',
      summary: 'Expire every access token and ticket the emulator issued (clients must recover)',
      tag,
      access: 'public',
      handler: () => expireAllCredentials(),
    }),
    ...sandboxWecomControlRoutes(config),
  ];
}
