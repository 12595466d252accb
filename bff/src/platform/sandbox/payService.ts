/**
 * The emulated WeChat Pay (APIv3, direct merchant, JSAPI): it checks the merchant's request signature, keeps
 * transactions and refunds, answers in WeChat Pay's formats, error codes and HTTP statuses, signs its answers and
 * notifications with its platform key, and sends TRANSACTION.SUCCESS / REFUND.SUCCESS notifications (resource
 * encrypted with the APIv3 key) to the notify URL each order or refund was created with.
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Config } from '@careloop/config';
import type { SandboxPayNotification, SandboxTamperKind } from '@careloop/shared';
import { AppError, notFound } from '../../http/errors';
import { isDuplicateKey } from '../../db/retry';
import {
  beijingTime,
  encryptResource,
  parseAuthorization,
  randomNonce,
  requestMessage,
  responseMessage,
  signSha256Rsa,
  SIGNATURE_TYPE,
  unixSeconds,
  verifySha256Rsa,
  MAX_CLOCK_SKEW_SECONDS,
} from '../pay/crypto';
import { SandboxWechatUserModel } from './model';
import { sandboxPayKeyMaterial, type SandboxPayKeyMaterial } from './payKeys';
import {
  SandboxPayRefundModel,
  SandboxPayTransactionModel,
  type SandboxPayRefund,
  type SandboxPayTransaction,
} from './payModel';

export type SandboxPayConfig = Pick<Config, 'pay' | 'wechat'>;

/** An answer of the emulated API: status and JSON body (none for 204); `signed` false for failed authentication. */
export interface PayAnswer {
  status: number;
  body?: unknown;
  signed?: boolean;
}

const error = (status: number, code: string, message: string, detail?: unknown): PayAnswer => ({
  status,
  body: { code, message, ...(detail !== undefined && { detail }) },
});
const paramError = (field: string, value: unknown, issue: string): PayAnswer =>
  error(400, 'PARAM_ERROR', '参数错误', { field, value, issue, location: 'body' });

/** How long an emulated refund takes before it succeeds and its notification goes out. */
const REFUND_COMPLETES_AFTER_MS = 100;

// ---------------------------------------------------------------------------------------------------------------
// Signatures

/**
 * Checks `Authorization: WECHATPAY2-SHA256-RSA2048 …` against the merchant's public key over
 * `METHOD\nURL\ntimestamp\nnonce\nbody\n`, as WeChat Pay does; null when it passes, else the 401/400 answer.
 */
export function checkMerchantSignature(
  request: { method: string; url: string; body: string; authorization: string | undefined },
  material: Pick<SandboxPayKeyMaterial, 'merchantPublicKey' | 'merchantSerial'>,
  mchId: string,
  now = new Date(),
): PayAnswer | null {
  const unsigned = (message: string): PayAnswer => ({ ...error(401, 'SIGN_ERROR', message), signed: false });
  const auth = parseAuthorization(request.authorization);
  if (!auth) return unsigned('Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》');
  if (!/^\d+$/.test(auth.timestamp) || Math.abs(unixSeconds(now) - Number(auth.timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    return unsigned('Http头Authorization中的timestamp与发起请求的时间不得超过5分钟');
  }
  if (auth.mchid !== mchId) return { ...error(400, 'MCH_NOT_EXISTS', '商户号不存在'), signed: false };
  if (auth.serial_no.toUpperCase() !== material.merchantSerial) return unsigned('商户证书序列号有误');
  const message = requestMessage(request.method, request.url, auth.timestamp, auth.nonce_str, request.body);
  if (!verifySha256Rsa(material.merchantPublicKey, message, auth.signature)) return unsigned('签名错误');
  return null;
}

/** The Wechatpay-* headers over `timestamp\nnonce\nbody\n`, signed with the platform key. */
export function platformHeaders(
  body: string,
  material: Pick<SandboxPayKeyMaterial, 'platformPrivateKey' | 'publicKeyId'>,
  options: { timestamp?: number; serial?: string } = {},
): Record<string, string> {
  const timestamp = String(options.timestamp ?? unixSeconds());
  const nonce = randomNonce();
  return {
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': signSha256Rsa(material.platformPrivateKey, responseMessage(timestamp, nonce, body)),
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Serial': options.serial ?? material.publicKeyId,
    'Wechatpay-Signature-Type': SIGNATURE_TYPE,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Orders

const fingerprint = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
const compactTime = (at: Date) => beijingTime(at).replace(/[-T:]/g, '').slice(0, 14);

const str = (value: unknown): value is string => typeof value === 'string';
const OUT_TRADE_NO = /^[0-9A-Za-z_*-]{6,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_|*@-]{1,64}$/;
const NOTIFY_URL = /^https?:\/\/[^\s/?#]+(?::\d{2,5})?[^\s?#]*$/;

/** The transaction as the order query answers it and TRANSACTION.SUCCESS carries it. */
export function transactionJson(tx: SandboxPayTransaction) {
  const paid = tx.state === 'SUCCESS' || tx.state === 'REFUND';
  const desc = { NOTPAY: '未支付', SUCCESS: '支付成功', CLOSED: '订单已关闭', REFUND: '转入退款' }[tx.state];
  return {
    appid: tx.appid,
    mchid: tx.mchid,
    out_trade_no: tx.outTradeNo,
    ...(paid && { transaction_id: tx.transactionId }),
    trade_type: 'JSAPI',
    trade_state: tx.state,
    trade_state_desc: desc,
    ...(paid && { bank_type: 'OTHERS' }),
    ...(tx.attach && { attach: tx.attach }),
    ...(paid && tx.successTime && { success_time: beijingTime(tx.successTime) }),
    payer: { openid: tx.payerOpenid },
    amount: paid
      ? { total: tx.amountTotal, payer_total: tx.amountTotal, currency: 'CNY', payer_currency: 'CNY' }
      : { total: tx.amountTotal, currency: 'CNY' },
  };
}

export async function createJsapiOrder(config: SandboxPayConfig, mchId: string, body: unknown): Promise<PayAnswer> {
  const input = (body ?? {}) as Record<string, unknown>;
  const amount = (input.amount ?? {}) as Record<string, unknown>;
  const payer = (input.payer ?? {}) as Record<string, unknown>;
  if (!str(input.appid) || input.appid.length > 32) return paramError('/appid', input.appid, '必填，1–32 个字符');
  if (!str(input.mchid)) return paramError('/mchid', input.mchid, '必填');
  if (!str(input.description) || input.description.length < 1 || input.description.length > 127) {
    return paramError('/description', input.description, '必填，1–127 个字符');
  }
  if (!str(input.out_trade_no) || !OUT_TRADE_NO.test(input.out_trade_no)) {
    return paramError('/out_trade_no', input.out_trade_no, '6–32 个字符，只能是数字、大小写字母_-*');
  }
  if (!str(input.notify_url) || !NOTIFY_URL.test(input.notify_url)) {
    return paramError('/notify_url', input.notify_url, '必须是不带参数的 http(s) 地址');
  }
  if (!Number.isInteger(amount.total) || (amount.total as number) < 1) {
    return paramError('/amount/total', amount.total, '必须是正整数（分）');
  }
  if (amount.currency !== undefined && amount.currency !== 'CNY') {
    return paramError('/amount/currency', amount.currency, '境内商户号仅支持人民币 CNY');
  }
  if (!str(payer.openid)) return paramError('/payer/openid', payer.openid, '必填');
  let timeExpire: Date | null = null;
  if (input.time_expire !== undefined) {
    timeExpire = str(input.time_expire) ? new Date(input.time_expire) : null;
    if (!timeExpire || Number.isNaN(timeExpire.getTime())) {
      return paramError('/time_expire', input.time_expire, '必须是 rfc3339 格式');
    }
  }
  if (input.mchid !== mchId) return error(400, 'INVALID_REQUEST', '请求中的商户号与 Authorization 中的商户号不一致');
  if (input.appid !== config.wechat.appId) return error(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
  const user = await SandboxWechatUserModel.findOne({ appId: input.appid, openid: payer.openid }).lean();
  if (!user) return paramError('/payer/openid', payer.openid, '用户在该 appid 下不存在');

  const params = {
    description: input.description,
    amount: amount.total,
    notify: input.notify_url,
    openid: payer.openid,
    attach: input.attach ?? null,
    expire: timeExpire?.getTime() ?? null,
  };
  const print = fingerprint(params);
  const existing = await SandboxPayTransactionModel.findOne({ mchid: mchId, outTradeNo: input.out_trade_no }).lean();
  const answerFor = (tx: SandboxPayTransaction): PayAnswer => {
    if (tx.state === 'CLOSED') return error(400, 'ORDER_CLOSED', '订单已关闭');
    if (tx.state !== 'NOTPAY') return error(403, 'OUT_TRADE_NO_USED', '商户订单号重复（订单已支付）');
    if (tx.fingerprint !== print) return error(403, 'OUT_TRADE_NO_USED', '商户订单号重复');
    return { status: 200, body: { prepay_id: tx.prepayId } };
  };
  if (existing) return answerFor(existing);
  const now = new Date();
  try {
    await SandboxPayTransactionModel.create({
      mchid: mchId,
      appid: input.appid,
      outTradeNo: input.out_trade_no,
      prepayId: `wx${compactTime(now)}${randomBytes(11).toString('hex')}`,
      fingerprint: print,
      description: input.description,
      amountTotal: amount.total as number,
      notifyUrl: input.notify_url,
      payerOpenid: payer.openid,
      attach: str(input.attach) ? input.attach : null,
      timeExpire,
      state: 'NOTPAY',
      createdAt: now,
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err; // the same order placed concurrently: answer as for a repeat
  }
  const tx = await SandboxPayTransactionModel.findOne({ mchid: mchId, outTradeNo: input.out_trade_no }).lean();
  return answerFor(tx!);
}

export async function queryOrder(
  mchId: string,
  outTradeNo: string,
  queryMchId: string | undefined,
): Promise<PayAnswer> {
  if (!queryMchId) return error(400, 'PARAM_ERROR', '参数错误', { field: 'mchid', location: 'query', issue: '必填' });
  const tx =
    queryMchId === mchId ? await SandboxPayTransactionModel.findOne({ mchid: mchId, outTradeNo }).lean() : null;
  if (!tx) return error(404, 'ORDER_NOT_EXIST', '订单不存在');
  return { status: 200, body: transactionJson(tx) };
}

export async function closeOrder(mchId: string, outTradeNo: string, body: unknown): Promise<PayAnswer> {
  const input = (body ?? {}) as Record<string, unknown>;
  if (!str(input.mchid)) return paramError('/mchid', input.mchid, '必填');
  const tx =
    input.mchid === mchId ? await SandboxPayTransactionModel.findOne({ mchid: mchId, outTradeNo }).lean() : null;
  if (!tx) return error(404, 'ORDER_NOT_EXIST', '订单不存在');
  await SandboxPayTransactionModel.updateOne({ _id: tx._id, state: 'NOTPAY' }, { $set: { state: 'CLOSED' } });
  const now = await SandboxPayTransactionModel.findById(tx._id).lean();
  if (now!.state === 'CLOSED') return { status: 204 };
  return error(403, 'TRADE_ERROR', '订单已支付，不能关闭');
}

// ---------------------------------------------------------------------------------------------------------------
// The emulated user pays; notifications

async function deliver(url: string, headers: Record<string, string>, body: string) {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'Mozilla/4.0 (sandbox WeChat Pay)' },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed };
  } catch {
    return null;
  }
}

/** An encrypted notification envelope (its body string is what gets signed). */
function notificationBody(
  apiV3Key: string,
  event: { type: string; summary: string; originalType: string; plaintext: unknown },
  mutateResource?: (resource: ReturnType<typeof encryptResource>) => void,
): string {
  const resource = encryptResource(JSON.stringify(event.plaintext), apiV3Key, event.originalType, event.originalType);
  mutateResource?.(resource);
  return JSON.stringify({
    id: randomUUID(),
    create_time: beijingTime(new Date()),
    resource_type: 'encrypt-resource',
    event_type: event.type,
    summary: event.summary,
    resource,
  });
}

async function sendTransactionNotification(
  config: SandboxPayConfig,
  tx: SandboxPayTransaction,
  material: SandboxPayKeyMaterial,
): Promise<SandboxPayNotification> {
  const body = notificationBody(config.pay.apiV3Key, {
    type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    originalType: 'transaction',
    plaintext: transactionJson(tx),
  });
  return send(tx.notifyUrl, platformHeaders(body, material), body, (notification) =>
    SandboxPayTransactionModel.updateOne({ _id: tx._id }, { $set: { lastNotification: notification } }),
  );
}

async function send(
  url: string,
  headers: Record<string, string>,
  body: string,
  remember: (notification: {
    url: string;
    body: string;
    headers: Record<string, string>;
    sentAt: Date;
  }) => Promise<unknown>,
): Promise<SandboxPayNotification> {
  await remember({ url, body, headers, sentAt: new Date() });
  return { url, headers, body, answer: await deliver(url, headers, body) };
}

/** The order behind a prepay_id (what requestPayment's package names). */
export async function outTradeNoOfPrepay(config: SandboxPayConfig, prepayId: string): Promise<string> {
  const tx = await SandboxPayTransactionModel.findOne({ mchid: config.pay.mchId, prepayId }).lean();
  if (!tx) throw notFound('Sandbox WeChat Pay prepay order');
  return tx.outTradeNo;
}

async function findTransaction(config: SandboxPayConfig, outTradeNo: string) {
  const tx = await SandboxPayTransactionModel.findOne({ mchid: config.pay.mchId, outTradeNo }).lean();
  if (!tx) throw notFound('Sandbox WeChat Pay order');
  return tx;
}

/** Control: the emulated user completes the payment in the WeChat cashier; the notification goes out. */
export async function payOrder(
  config: SandboxPayConfig,
  outTradeNo: string,
  options: { notify?: boolean; ignoreTimeExpire?: boolean },
) {
  const tx = await findTransaction(config, outTradeNo);
  const now = new Date();
  if (tx.state !== 'NOTPAY') {
    throw new AppError('PAYMENT_NOT_PAYABLE', `The order is ${tx.state}; only a NOTPAY order can be paid`, {
      tradeState: tx.state,
    });
  }
  if (tx.timeExpire && tx.timeExpire <= now && !options.ignoreTimeExpire) {
    throw new AppError('PAYMENT_EXPIRED', 'The order is past its time_expire: the cashier refuses it');
  }
  const transactionId = `4200${digits(24)}`;
  const paid = await SandboxPayTransactionModel.updateOne(
    { _id: tx._id, state: 'NOTPAY' },
    { $set: { state: 'SUCCESS', transactionId, successTime: now } },
  );
  if (paid.modifiedCount !== 1) throw new AppError('PAYMENT_NOT_PAYABLE', 'The order was paid or closed meanwhile');
  const updated = (await SandboxPayTransactionModel.findById(tx._id).lean())!;
  const notification =
    options.notify === false ? null : await sendTransactionNotification(config, updated, await sandboxPayKeyMaterial());
  return { outTradeNo, transactionId, tradeState: updated.state, notification };
}

/** Control: WeChat Pay delivers the same notification again (same id and resource; fresh or identical headers). */
export async function notifyAgain(config: SandboxPayConfig, outTradeNo: string, options: { sameHeaders?: boolean }) {
  const tx = await findTransaction(config, outTradeNo);
  const last = tx.lastNotification;
  if (!last) {
    // Paid, but its notification was never sent (pay with notify false): this is its first delivery.
    if (tx.state !== 'SUCCESS' && tx.state !== 'REFUND') throw notFound('Notification for this order (pay it first)');
    return sendTransactionNotification(config, tx, await sandboxPayKeyMaterial());
  }
  const headers = options.sameHeaders
    ? (last.headers as Record<string, string>)
    : platformHeaders(last.body, await sandboxPayKeyMaterial());
  return { url: last.url, headers, body: last.body, answer: await deliver(last.url, headers, last.body) };
}

/** Control: a notification that must be rejected — forged, stale, undecryptable, or not matching the order. */
export async function notifyTampered(config: SandboxPayConfig, outTradeNo: string, kind: SandboxTamperKind) {
  const tx = await findTransaction(config, outTradeNo);
  const material = await sandboxPayKeyMaterial();
  const paid =
    tx.state === 'NOTPAY' || tx.state === 'CLOSED'
      ? { ...tx, state: 'SUCCESS' as const, transactionId: `4200${digits(24)}`, successTime: new Date() }
      : tx;
  const plaintext: Record<string, unknown> = transactionJson(paid);
  if (kind === 'wrong_amount') {
    plaintext.amount = {
      total: tx.amountTotal + 1,
      payer_total: tx.amountTotal + 1,
      currency: 'CNY',
      payer_currency: 'CNY',
    };
  }
  if (kind === 'wrong_mchid') plaintext.mchid = '1900000001';
  if (kind === 'wrong_appid') plaintext.appid = 'wx0000000000000000';
  if (kind === 'unknown_order') plaintext.out_trade_no = `X${randomBytes(12).toString('hex')}`;
  const body = notificationBody(
    config.pay.apiV3Key,
    { type: 'TRANSACTION.SUCCESS', summary: '支付成功', originalType: 'transaction', plaintext },
    kind === 'tampered_ciphertext'
      ? (resource) => {
          const bytes = Buffer.from(resource.ciphertext, 'base64');
          bytes[5] = bytes[5]! ^ 0x01;
          resource.ciphertext = bytes.toString('base64');
        }
      : undefined,
  );
  let headers = platformHeaders(body, material, {
    ...(kind === 'stale_timestamp' && { timestamp: unixSeconds() - 10 * 60 }),
    ...(kind === 'unknown_serial' && { serial: `PUB_KEY_ID_${digits(34)}` }),
  });
  if (kind === 'bad_signature') {
    // Signed over something else (as a forger without the platform key, or WeChat Pay's own probe, would send).
    const forged = platformHeaders(body.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESS" '), material);
    headers = { ...headers, 'Wechatpay-Signature': forged['Wechatpay-Signature']! };
    headers['Wechatpay-Nonce'] = forged['Wechatpay-Nonce']!;
    headers['Wechatpay-Timestamp'] = forged['Wechatpay-Timestamp']!;
  }
  return { url: tx.notifyUrl, headers, body, answer: await deliver(tx.notifyUrl, headers, body) };
}

export async function describeOrder(config: SandboxPayConfig, outTradeNo: string) {
  const tx = await findTransaction(config, outTradeNo);
  const refunds = await SandboxPayRefundModel.find({ mchid: config.pay.mchId, outTradeNo })
    .sort({ createTime: 1 })
    .lean();
  return {
    outTradeNo: tx.outTradeNo,
    tradeState: tx.state,
    amountTotal: tx.amountTotal,
    transactionId: tx.transactionId ?? null,
    notifyUrl: tx.notifyUrl,
    refunds: refunds.map((refund) => ({
      outRefundNo: refund.outRefundNo,
      amountRefund: refund.amountRefund,
      status: refund.status,
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Refunds

export function refundJson(refund: SandboxPayRefund) {
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(refund.successTime && { success_time: beijingTime(refund.successTime) }),
    create_time: beijingTime(refund.createTime),
    status: refund.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: refund.amountTotal,
      refund: refund.amountRefund,
      payer_total: refund.amountTotal,
      payer_refund: refund.amountRefund,
      settlement_refund: refund.amountRefund,
      settlement_total: refund.amountTotal,
      discount_refund: 0,
      currency: 'CNY',
    },
  };
}

export async function createRefund(config: SandboxPayConfig, body: unknown): Promise<PayAnswer> {
  const mchId = config.pay.mchId;
  const input = (body ?? {}) as Record<string, unknown>;
  const amount = (input.amount ?? {}) as Record<string, unknown>;
  if (!str(input.out_trade_no) && !str(input.transaction_id)) {
    return paramError('/out_trade_no', input.out_trade_no, 'out_trade_no 与 transaction_id 必填其一');
  }
  if (!str(input.out_refund_no) || !OUT_REFUND_NO.test(input.out_refund_no)) {
    return paramError('/out_refund_no', input.out_refund_no, '1–64 个字符，只能是数字、大小写字母_-|*@');
  }
  if (!Number.isInteger(amount.refund) || (amount.refund as number) < 1) {
    return paramError('/amount/refund', amount.refund, '必须是正整数（分）');
  }
  if (!Number.isInteger(amount.total) || (amount.total as number) < 1) {
    return paramError('/amount/total', amount.total, '必须是正整数（分）');
  }
  if (amount.currency !== 'CNY') return paramError('/amount/currency', amount.currency, '必填，CNY');
  if (input.notify_url !== undefined && (!str(input.notify_url) || !NOTIFY_URL.test(input.notify_url))) {
    return paramError('/notify_url', input.notify_url, '必须是不带参数的 http(s) 地址');
  }
  const tx = await SandboxPayTransactionModel.findOne(
    str(input.transaction_id)
      ? { mchid: mchId, transactionId: input.transaction_id }
      : { mchid: mchId, outTradeNo: input.out_trade_no as string },
  ).lean<SandboxPayTransaction>();
  if (!tx || (tx.state !== 'SUCCESS' && tx.state !== 'REFUND')) {
    return error(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
  }
  const refundFen = amount.refund as number;
  if (amount.total !== tx.amountTotal) return error(400, 'INVALID_REQUEST', '您的请求参数与订单信息不一致');
  const print = fingerprint({ tx: tx.outTradeNo, refund: refundFen, total: amount.total });
  const existing = await SandboxPayRefundModel.findOne({ mchid: mchId, outRefundNo: input.out_refund_no }).lean();
  if (existing) {
    return existing.fingerprint === print
      ? { status: 200, body: refundJson(await completeIfDue(config, existing)) }
      : error(400, 'INVALID_REQUEST', '订单金额或退款金额与之前请求不一致，请核实后再试');
  }
  // Take the amount from what is left, atomically: refunds of one order never add up to more than it.
  const reserved = await SandboxPayTransactionModel.updateOne(
    { _id: tx._id, refundReserved: { $lte: tx.amountTotal - refundFen } },
    { $inc: { refundReserved: refundFen }, $set: { state: 'REFUND' } },
  );
  if (reserved.modifiedCount !== 1) return error(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额');
  const now = new Date();
  try {
    await SandboxPayRefundModel.create({
      mchid: mchId,
      outRefundNo: input.out_refund_no,
      refundId: `50${digits(27)}`,
      outTradeNo: tx.outTradeNo,
      transactionId: tx.transactionId ?? '',
      fingerprint: print,
      amountRefund: refundFen,
      amountTotal: tx.amountTotal,
      reason: str(input.reason) ? input.reason : null,
      notifyUrl: str(input.notify_url) ? input.notify_url : null,
      status: 'PROCESSING',
      createTime: now,
      completeAt: new Date(now.getTime() + REFUND_COMPLETES_AFTER_MS),
    });
  } catch (err) {
    await SandboxPayTransactionModel.updateOne({ _id: tx._id }, { $inc: { refundReserved: -refundFen } });
    if (!isDuplicateKey(err)) throw err;
    return createRefund(config, body); // the same refund requested concurrently: answer as for a repeat
  }
  const timer = setTimeout(() => {
    completeRefund(config, input.out_refund_no as string).catch(() => undefined);
  }, REFUND_COMPLETES_AFTER_MS);
  timer.unref();
  const refund = await SandboxPayRefundModel.findOne({ mchid: mchId, outRefundNo: input.out_refund_no }).lean();
  return { status: 200, body: refundJson(refund!) };
}

/** The refund succeeds (once, whoever gets here first) and its REFUND.SUCCESS notification goes out. */
export async function completeRefund(config: SandboxPayConfig, outRefundNo: string) {
  const mchId = config.pay.mchId;
  const done = await SandboxPayRefundModel.updateOne(
    { mchid: mchId, outRefundNo, status: 'PROCESSING' },
    { $set: { status: 'SUCCESS', successTime: new Date() } },
  );
  const refund = await SandboxPayRefundModel.findOne({ mchid: mchId, outRefundNo }).lean();
  if (done.modifiedCount !== 1 || !refund?.notifyUrl) return refund;
  const plaintext = {
    mchid: refund.mchid,
    out_trade_no: refund.outTradeNo,
    transaction_id: refund.transactionId,
    out_refund_no: refund.outRefundNo,
    refund_id: refund.refundId,
    refund_status: refund.status,
    success_time: beijingTime(refund.successTime!),
    user_received_account: '支付用户零钱',
    amount: {
      total: refund.amountTotal,
      refund: refund.amountRefund,
      payer_total: refund.amountTotal,
      payer_refund: refund.amountRefund,
    },
  };
  const body = notificationBody(config.pay.apiV3Key, {
    type: 'REFUND.SUCCESS',
    summary: '退款成功',
    originalType: 'refund',
    plaintext,
  });
  await send(refund.notifyUrl, platformHeaders(body, await sandboxPayKeyMaterial()), body, (notification) =>
    SandboxPayRefundModel.updateOne({ _id: refund._id }, { $set: { lastNotification: notification } }),
  );
  return refund;
}

async function completeIfDue(config: SandboxPayConfig, refund: SandboxPayRefund): Promise<SandboxPayRefund> {
  if (refund.status !== 'PROCESSING' || refund.completeAt > new Date()) return refund;
  return (await completeRefund(config, refund.outRefundNo)) ?? refund;
}

export async function queryRefund(config: SandboxPayConfig, outRefundNo: string): Promise<PayAnswer> {
  const refund = await SandboxPayRefundModel.findOne({ mchid: config.pay.mchId, outRefundNo }).lean();
  if (!refund) return error(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
  return { status: 200, body: refundJson(await completeIfDue(config, refund)) };
}
