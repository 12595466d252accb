/** What the sandbox's emulated APIs share: WeChat/WeCom answers (errors in the body, HTTP 200) and token checks. */
import type { Context } from 'koa';
import { checkCredential } from './service';

export const answer = (ctx: Context, errcode: number, errmsg: string, extra: Record<string, unknown> = {}) => {
  ctx.status = 200; // Both platforms report errors in the body with HTTP 200.
  ctx.body = { errcode, errmsg, ...extra };
};
export const query = (ctx: Context, name: string) => (typeof ctx.query[name] === 'string' ? ctx.query[name] : '');

/** Checks `access_token` the way WeChat/WeCom do: 41001 missing, 42001 expired, 40014 invalid. */
export async function requireToken(
  ctx: Context,
  kind: 'wechat_token' | 'wecom_token',
  app: string,
  invalidCode = 40014, // WeCom says 40014 for a bad token; WeChat's newer APIs say 40001
): Promise<boolean> {
  const token = query(ctx, 'access_token');
  if (!token) {
    answer(ctx, 41001, 'access_token missing');
    return false;
  }
  const state = await checkCredential(kind, app, token);
  if (state === 'valid') return true;
  if (state === 'expired') answer(ctx, 42001, 'access_token expired');
  else
    answer(
      ctx,
      invalidCode,
      invalidCode === 40001 ? 'invalid credential, access_token is invalid or not latest' : 'invalid access_token',
    );
  return false;
}
