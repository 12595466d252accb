/**
 * The emulated WeChat Pay under /sandbox/pay (api.mch.weixin.qq.com's paths), and its control API: the emulated
 * user pays, WeChat Pay delivers a notification again, or a tampered one. Mounted only when the sandbox plays
 * WeChat Pay (no PAY_MCHID).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import {
  SandboxNotifyAgainRequest,
  SandboxOutTradeNoParams,
  SandboxPayNotification,
  SandboxPayRequest,
  SandboxPayResult,
  SandboxPrepayParams,
  SandboxTamperedNotifyRequest,
} from '@careloop/shared';
import { defineRoute, type RouteDefinition } from '../../http/routes';
import { sandboxPayKeyMaterial } from './payKeys';
import {
  checkMerchantSignature,
  closeOrder,
  createJsapiOrder,
  createRefund,
  describeOrder,
  notifyAgain,
  notifyTampered,
  outTradeNoOfPrepay,
  payOrder,
  platformHeaders,
  queryOrder,
  queryRefund,
  type PayAnswer,
  type SandboxPayConfig,
} from './payService';

const PREFIX = '/sandbox/pay';

export function sandboxPayRouter(config: SandboxPayConfig): Router {
  const router = new Router({ prefix: PREFIX });
  const mchId = config.pay.mchId;

  /** Authenticates the merchant, runs the operation, and answers signed (as WeChat Pay does). */
  const handle = (operation: (ctx: Context) => Promise<PayAnswer>) => async (ctx: Context) => {
    const material = await sandboxPayKeyMaterial();
    const rawBody = (ctx.state.rawBody as string | undefined) ?? '';
    const rejected = checkMerchantSignature(
      {
        method: ctx.method,
        url: ctx.originalUrl.slice(PREFIX.length),
        body: rawBody,
        authorization: ctx.get('authorization') || undefined,
      },
      material,
      mchId,
    );
    const answer = rejected ?? (await operation(ctx));
    const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
    ctx.status = answer.status;
    ctx.set('Request-ID', `sandbox-${Date.now().toString(16)}`);
    if (answer.signed !== false) ctx.set(platformHeaders(body, material));
    if (body) {
      ctx.type = 'application/json';
      ctx.body = body;
    } else {
      ctx.body = null;
      ctx.status = answer.status;
    }
  };

  router.post(
    '/v3/pay/transactions/jsapi',
    handle((ctx) => createJsapiOrder(config, mchId, ctx.request.body)),
  );
  router.get(
    '/v3/pay/transactions/out-trade-no/:outTradeNo',
    handle((ctx) =>
      queryOrder(mchId, ctx.params.outTradeNo!, typeof ctx.query.mchid === 'string' ? ctx.query.mchid : undefined),
    ),
  );
  router.post(
    '/v3/pay/transactions/out-trade-no/:outTradeNo/close',
    handle((ctx) => closeOrder(mchId, ctx.params.outTradeNo!, ctx.request.body)),
  );
  router.post(
    '/v3/refund/domestic/refunds',
    handle((ctx) => createRefund(config, ctx.request.body)),
  );
  router.get(
    '/v3/refund/domestic/refunds/:outRefundNo',
    handle((ctx) => queryRefund(config, ctx.params.outRefundNo!)),
  );
  return router;
}

const SandboxPayOrderState = z.object({
  outTradeNo: z.string(),
  tradeState: z.string(),
  amountTotal: z.number().int(),
  transactionId: z.string().nullable(),
  notifyUrl: z.string(),
  refunds: z.array(z.object({ outRefundNo: z.string(), amountRefund: z.number().int(), status: z.string() })),
});

/** The control API for the emulated WeChat Pay (development and tests). */
export function sandboxPayControlRoutes(config: SandboxPayConfig): RouteDefinition[] {
  const tag = 'sandbox';
  return [
    defineRoute({
      method: 'get',
      path: '/sandbox/control/pay/orders/:outTradeNo',
      summary: 'The emulated WeChat Pay order: trade state and refunds',
      tag,
      access: 'public',
      params: SandboxOutTradeNoParams,
      response: SandboxPayOrderState,
      handler: ({ params }) => describeOrder(config, params.outTradeNo),
    }),
    defineRoute({
      method: 'post',
      path: '/sandbox/control/pay/prepay/:prepayId/pay',
      summary:
        'What wx.requestPayment does once the user confirms: pays the order behind a prepay_id (the mini-program knows only that)',
      tag,
      access: 'public',
      params: SandboxPrepayParams,
      body: SandboxPayRequest,
      response: SandboxPayResult,
      handler: async ({ params, body }) => payOrder(config, await outTradeNoOfPrepay(config, params.prepayId), body),
    }),
    defineRoute({
      method: 'post',
      path: '/sandbox/control/pay/orders/:outTradeNo/pay',
      summary:
        'The emulated user pays the order; WeChat Pay sends TRANSACTION.SUCCESS to its notify_url (unless notify is false) and reports how it was answered',
      tag,
      access: 'public',
      params: SandboxOutTradeNoParams,
      body: SandboxPayRequest,
      response: SandboxPayResult,
      handler: ({ params, body }) => payOrder(config, params.outTradeNo, body),
    }),
    defineRoute({
      method: 'post',
      path: '/sandbox/control/pay/orders/:outTradeNo/notify-again',
      summary: 'WeChat Pay delivers the last notification of the order again (a retry)',
      tag,
      access: 'public',
      params: SandboxOutTradeNoParams,
      body: SandboxNotifyAgainRequest,
      response: SandboxPayNotification,
      handler: ({ params, body }) => notifyAgain(config, params.outTradeNo, body),
    }),
    defineRoute({
      method: 'post',
      path: '/sandbox/control/pay/orders/:outTradeNo/notify-tampered',
      summary:
        'A notification for the order that must be rejected: bad signature, unknown serial, stale timestamp, tampered ciphertext, wrong amount, mchid or appid, unknown order',
      tag,
      access: 'public',
      params: SandboxOutTradeNoParams,
      body: SandboxTamperedNotifyRequest,
      response: SandboxPayNotification,
      handler: ({ params, body }) => notifyTampered(config, params.outTradeNo, body.kind),
    }),
  ];
}
