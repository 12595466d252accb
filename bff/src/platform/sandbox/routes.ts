/**
 * The sandbox: an emulator of the WeChat and WeCom server APIs CareLoop calls, speaking their request and
 * response formats and error codes, plus a small control API (defined with the other routes, in controlRoutes).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { Config } from '@careloop/config';
import {
  SandboxCode,
  SandboxCreateWechatUserRequest,
  SandboxLoginCodeRequest,
  SandboxOauthCodeRequest,
  SandboxWechatUser,
  SandboxWecomUser,
} from '@careloop/shared';
import { defineRoute, type RouteDefinition } from '../../http/routes';
import { notFound } from '../../http/errors';
import {
  checkCredential,
  createWechatUser,
  currentCredential,
  expireAllCredentials,
  findWechatUser,
  findWecomMember,
  issueCode,
  listWecomMembers,
  spendCode,
} from './service';

const answer = (ctx: Context, errcode: number, errmsg: string, extra: Record<string, unknown> = {}) => {
  ctx.status = 200; // Both platforms report errors in the body with HTTP 200.
  ctx.body = { errcode, errmsg, ...extra };
};
const query = (ctx: Context, name: string) => (typeof ctx.query[name] === 'string' ? ctx.query[name] : '');

/** Checks `access_token` the way WeChat/WeCom do: 41001 missing, 42001 expired, 40014 invalid. */
async function requireToken(ctx: Context, kind: 'wechat_token' | 'wecom_token', app: string): Promise<boolean> {
  const token = query(ctx, 'access_token');
  if (!token) {
    answer(ctx, 41001, 'access_token missing');
    return false;
  }
  const state = await checkCredential(kind, app, token);
  if (state === 'valid') return true;
  if (state === 'expired') answer(ctx, 42001, 'access_token expired');
  else answer(ctx, 40014, 'invalid access_token');
  return false;
}

export function sandboxPlatformRouter(config: Pick<Config, 'wechat' | 'wecom'>): Router {
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

  return router;
}

/** The control API for development and tests; mounted only in sandbox mode. */
export function sandboxControlRoutes(config: Pick<Config, 'wechat' | 'wecom'>): RouteDefinition[] {
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
      path: '/sandbox/control/credentials/expire',
      summary: 'Expire every access token and ticket the emulator issued (clients must recover)',
      tag,
      access: 'public',
      handler: () => expireAllCredentials(),
    }),
  ];
}
