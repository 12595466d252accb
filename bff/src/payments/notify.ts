/**
 * WeChat Pay's notifications: POST /api/pay/notify (payments) and /api/pay/refund-notify (refunds).
 *
 * These speak WeChat Pay's protocol, not CareLoop's API: the answer is `{"code":"SUCCESS"|"FAIL","message"}` with an
 * HTTP status WeChat Pay reads (2xx: received; 4xx/5xx: failed, it will deliver again), so they are plain Koa routes
 * like the sandbox's emulators rather than `defineRoute` routes (whose errors use CareLoop's error format).
 *
 * Every notification is verified before anything is read from it: the signature over the RAW body with the key
 * `Wechatpay-Serial` names (unknown serial: rejected), the timestamp within ±5 minutes, then the resource is
 * decrypted with the APIv3 key and its GCM tag checked, then checked against the order (merchant, app, amount).
 * Anything that fails is answered FAIL and logged, never applied. Applying is idempotent (see service.ts).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import type { WechatRefundNotice, WechatTransaction } from '../platform/pay/client';
import { ResourceDecryptionError } from '../platform/pay/crypto';
import { applyPaidTransaction, applyRefundState } from './service';

const Notification = z.object({
  id: z.string(),
  event_type: z.string(),
  resource_type: z.string().optional(),
  resource: z.object({
    algorithm: z.string(),
    ciphertext: z.string(),
    nonce: z.string(),
    associated_data: z.string().optional(),
    original_type: z.string().optional(),
  }),
});

const answer = (ctx: Context, status: number, code: 'SUCCESS' | 'FAIL', message: string) => {
  ctx.status = status;
  ctx.body = { code, message };
};

/**
 * The notification endpoints as OpenAPI path items. They are plain Koa routes because WeChat Pay expects its own
 * `{code, message}` answers, so they are documented here rather than through defineRoute.
 */
export const payNotifyOpenApiPaths = Object.fromEntries(
  [
    ['/api/pay/notify', 'WeChat Pay payment notification (TRANSACTION.SUCCESS)'],
    ['/api/pay/refund-notify', 'WeChat Pay refund notification (REFUND.*)'],
  ].map(([path, summary]) => [
    path,
    {
      post: {
        summary: `${summary}: verified by Wechatpay-Signature over the raw body, resource decrypted with the APIv3 key`,
        tags: ['payments'],
        operationId: path === '/api/pay/notify' ? 'postApiPayNotify' : 'postApiPayRefundNotify',
        security: [],
        parameters: ['Wechatpay-Signature', 'Wechatpay-Serial', 'Wechatpay-Timestamp', 'Wechatpay-Nonce'].map(
          (name) => ({ name, in: 'header', required: true, schema: { type: 'string' } }),
        ),
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: Object.fromEntries(
          [
            ['200', 'Applied (or already applied)'],
            ['400', 'Undecryptable resource, or amount, mchid or appid not those of the order'],
            ['401', 'Bad signature, unknown serial or stale timestamp'],
            ['404', 'Unknown order'],
          ].map(([status, description]) => [
            status,
            {
              description,
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { code: { type: 'string', enum: ['SUCCESS', 'FAIL'] }, message: { type: 'string' } },
                  },
                },
              },
            },
          ]),
        ),
      },
    },
  ]),
);

export function payNotifyRouter({ pay }: Pick<AppDeps, 'pay'>): Router {
  const router = new Router();

  async function receive(ctx: Context) {
    const log = ctx.state.log;
    const rawBody = (ctx.state.rawBody as string | undefined) ?? '';
    const reject = (status: number, message: string, reason: string, extra: Record<string, unknown> = {}) => {
      log?.warn({ reason, serial: ctx.get('wechatpay-serial') || null, ...extra }, 'WeChat Pay notification rejected');
      answer(ctx, status, 'FAIL', message);
    };

    const check = await pay.verifyNotification(ctx.headers, rawBody);
    if (!check.ok) return reject(401, '签名验证失败', check.reason);

    const parsed = Notification.safeParse(ctx.request.body);
    if (!parsed.success) return reject(400, '报文格式错误', 'malformed');
    const notification = parsed.data;
    let plaintext: string;
    try {
      plaintext = pay.decryptResource(notification.resource);
    } catch (error) {
      if (error instanceof ResourceDecryptionError) {
        return reject(400, '解密失败', 'undecryptable', { id: notification.id });
      }
      throw error;
    }
    let resource: unknown;
    try {
      resource = JSON.parse(plaintext);
    } catch {
      return reject(400, '报文格式错误', 'malformed_resource', { id: notification.id });
    }

    const event = notification.event_type;
    if (event === 'TRANSACTION.SUCCESS') {
      const result = await applyPaidTransaction(resource as WechatTransaction, 'notification');
      if (!result.ok) {
        const outTradeNo = (resource as { out_trade_no?: unknown }).out_trade_no;
        return reject(result.reason === 'unknown_order' ? 404 : 400, '订单信息不符', result.reason, {
          id: notification.id,
          outTradeNo,
        });
      }
      log?.info({ id: notification.id, paymentId: result.paymentId, applied: result.applied }, 'payment notification');
      return answer(ctx, 200, 'SUCCESS', '成功');
    }
    if (event.startsWith('REFUND.')) {
      const notice = resource as WechatRefundNotice;
      if (notice.mchid !== pay.mchId) return reject(400, '订单信息不符', 'wrong_mchid', { id: notification.id });
      const result = await applyRefundState({
        outTradeNo: notice.out_trade_no,
        outRefundNo: notice.out_refund_no,
        status: notice.refund_status,
        refundId: notice.refund_id,
        successTime: notice.success_time,
        refundFen: notice.amount?.refund,
        totalFen: notice.amount?.total,
      });
      if (!result.ok) {
        const status = result.reason === 'unknown_order' || result.reason === 'unknown_refund' ? 404 : 400;
        return reject(status, '退款信息不符', result.reason, {
          id: notification.id,
          outRefundNo: notice.out_refund_no,
        });
      }
      log?.info({ id: notification.id, paymentId: result.paymentId, event }, 'refund notification');
      return answer(ctx, 200, 'SUCCESS', '成功');
    }
    // Verified, but nothing CareLoop acts on (e.g. another product's event): received.
    log?.info({ id: notification.id, event }, 'WeChat Pay notification ignored');
    return answer(ctx, 200, 'SUCCESS', '成功');
  }

  const guarded = async (ctx: Context) => {
    try {
      await receive(ctx);
    } catch (err) {
      ctx.state.log?.error({ err }, 'WeChat Pay notification failed');
      answer(ctx, 500, 'FAIL', '系统错误');
    }
  };
  router.post('/api/pay/notify', guarded);
  router.post('/api/pay/refund-notify', guarded);
  return router;
}
