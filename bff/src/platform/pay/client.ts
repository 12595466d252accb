/**
 * WeChat Pay APIv3 client for a direct merchant paying through a mini-program (JSAPI): orders, requestPayment
 * parameters, order query and close, refunds, and the verification of responses and notifications. The base URL
 * comes from the configuration (the real service or the sandbox).
 *
 * Signing: wechatpay-node-v3 builds the request signature and the `Authorization` header (`getSignature`,
 * `getAuthorization`) and the requestPayment `paySign` (`sha256WithRsa`). Its HTTP methods are not used: their URL
 * is fixed to api.mch.weixin.qq.com, they verify nothing, and they leave the base URL, timeouts and errors to us.
 * Verification and decryption are ours (./crypto): the library's `decipher_gcm` skips the GCM tag check and its
 * `verifySign` knows no `PUB_KEY_ID_…` public key.
 */
import Pay from 'wechatpay-node-v3';
import type { PayConfig } from '@careloop/config';
import type { RequestPaymentParams } from '@careloop/shared';
import { AppError } from '../../http/errors';
import {
  beijingTime,
  decryptResource,
  randomNonce,
  signatureHeaders,
  unixSeconds,
  verifyWechatpaySignature,
  type EncryptedResource,
  type SignatureCheck,
} from './crypto';
import type { PayKeyProvider, PayKeys } from './keys';

const TIMEOUT_MS = 10_000;
const USER_AGENT = 'CareLoop/0.1 (wechatpay-node-v3; Node.js)';

/** A transaction as the order query answers it and as TRANSACTION.SUCCESS carries it (resource `transaction`). */
export interface WechatTransaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_type?: string;
  trade_state: 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR' | string;
  trade_state_desc?: string;
  bank_type?: string;
  attach?: string;
  success_time?: string;
  payer?: { openid?: string };
  amount?: { total?: number; payer_total?: number; currency?: string; payer_currency?: string };
}

/** A refund as the refund API answers it; REFUND.* notifications carry the same with `refund_status`. */
export interface WechatRefund {
  refund_id: string;
  out_refund_no: string;
  transaction_id?: string;
  out_trade_no: string;
  channel?: string;
  user_received_account?: string;
  success_time?: string;
  create_time?: string;
  status: 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL' | string;
  funds_account?: string;
  amount: { total: number; refund: number; payer_total?: number; payer_refund?: number; currency?: string };
}

/** A refund notification's resource (`original_type` refund). */
export interface WechatRefundNotice {
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  out_refund_no: string;
  refund_id: string;
  refund_status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL' | string;
  success_time?: string;
  user_received_account?: string;
  amount: { total: number; refund: number; payer_total?: number; payer_refund?: number };
}

/**
 * WeChat Pay answered an error, or could not be asked. `outcomeUnknown`: the request may or may not have taken
 * effect (no answer, 5xx, 429) — repeat it with the same parameters (same out_trade_no / out_refund_no).
 */
export class PayApiError extends AppError {
  constructor(
    readonly httpStatus: number | null,
    readonly wechatCode: string,
    readonly wechatMessage: string,
    readonly outcomeUnknown: boolean,
    readonly detail?: unknown,
  ) {
    super('UPSTREAM_ERROR', `WeChat Pay ${httpStatus ?? 'unreachable'} ${wechatCode}: ${wechatMessage}`, {
      platform: 'wechat_pay',
      httpStatus,
      code: wechatCode,
      message: wechatMessage,
    });
  }
}

export interface CreateJsapiOrderInput {
  outTradeNo: string;
  description: string;
  amountFen: number;
  openid: string;
  notifyUrl: string;
  /** After this WeChat Pay no longer accepts the payment. */
  timeExpire?: Date;
  attach?: string;
}

export interface CreateRefundInput {
  outTradeNo: string;
  outRefundNo: string;
  reason: string;
  refundFen: number;
  totalFen: number;
  notifyUrl: string;
}

export function createPayClient(options: { config: PayConfig; appId: string; keys: PayKeyProvider }) {
  const { config, appId, keys: provider } = options;
  const libraries = new WeakMap<PayKeys, Pay>();

  /** wechatpay-node-v3's signer for these keys (serial given, so it parses no certificate). */
  function signer(keys: PayKeys): Pay {
    let library = libraries.get(keys);
    if (!library) {
      library = new Pay({
        appid: appId,
        mchid: config.mchId,
        serial_no: keys.merchantSerial,
        publicKey: Buffer.from(keys.merchantPublicKeyPem),
        privateKey: Buffer.from(keys.merchantPrivateKeyPem),
        key: config.apiV3Key,
      });
      libraries.set(keys, library);
    }
    return library;
  }

  /** Signs, sends, verifies the answer's signature, and turns error answers into PayApiError. */
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T | null> {
    const keys = await provider();
    const library = signer(keys);
    const bodyText = body === undefined ? '' : JSON.stringify(body);
    const nonce = randomNonce();
    const timestamp = String(unixSeconds());
    const signature = library.getSignature(method, nonce, timestamp, path, bodyText || undefined);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': USER_AGENT,
      authorization: library.getAuthorization(nonce, timestamp, signature),
    };
    if (bodyText) headers['content-type'] = 'application/json';
    // In public-key mode this tells WeChat Pay to sign its answer with the key we verify with.
    if (keys.publicKeyId) headers['wechatpay-serial'] = keys.publicKeyId;

    let response: Response;
    try {
      response = await fetch(config.apiBase + path, {
        method,
        headers,
        body: bodyText || undefined,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new PayApiError(null, 'UNREACHABLE', (error as Error).message, true);
    }
    const text = await response.text();
    const signed = signatureHeaders(response.headers);
    if (signed.signature) {
      const check = verifyWechatpaySignature(signed, text, keys.verification, { maxSkewSeconds: null });
      if (!check.ok) throw new PayApiError(response.status, 'RESPONSE_NOT_VERIFIED', check.reason, true);
    } else if (response.ok) {
      // Every successful answer is signed; an unsigned one did not come from WeChat Pay.
      throw new PayApiError(response.status, 'RESPONSE_NOT_SIGNED', 'the answer carries no Wechatpay-Signature', true);
    }
    if (!response.ok) {
      let answer: { code?: string; message?: string; detail?: unknown } = {};
      try {
        answer = text ? JSON.parse(text) : {};
      } catch {
        // not JSON: keep the status
      }
      const unknown = response.status >= 500 || response.status === 429;
      throw new PayApiError(
        response.status,
        answer.code ?? `HTTP_${response.status}`,
        answer.message ?? '',
        unknown,
        answer.detail,
      );
    }
    if (!text) return null;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new PayApiError(response.status, 'RESPONSE_NOT_JSON', 'the answer is not JSON', true);
    }
  }

  const isNotFound = (error: unknown, code: string) =>
    error instanceof PayApiError && error.httpStatus === 404 && error.wechatCode === code;

  return {
    mchId: config.mchId,
    appId,
    notifyUrl: config.notifyUrl,
    refundNotifyUrl: config.refundNotifyUrl,

    /** JSAPI / mini-program order: `POST /v3/pay/transactions/jsapi` → prepay_id (valid two hours). */
    async createJsapiOrder(input: CreateJsapiOrderInput): Promise<{ prepayId: string }> {
      const answer = await call<{ prepay_id?: string }>('POST', '/v3/pay/transactions/jsapi', {
        appid: appId,
        mchid: config.mchId,
        description: input.description,
        out_trade_no: input.outTradeNo,
        ...(input.timeExpire && { time_expire: beijingTime(input.timeExpire) }),
        ...(input.attach && { attach: input.attach }),
        notify_url: input.notifyUrl,
        amount: { total: input.amountFen, currency: 'CNY' },
        payer: { openid: input.openid },
      });
      if (!answer?.prepay_id) throw new PayApiError(200, 'NO_PREPAY_ID', 'the order answer has no prepay_id', true);
      return { prepayId: answer.prepay_id };
    },

    /** What the mini-program passes to requestPayment, signed with the merchant key (signType RSA). */
    async requestPaymentParams(prepayId: string): Promise<RequestPaymentParams> {
      const library = signer(await provider());
      const timeStamp = String(unixSeconds());
      const nonceStr = randomNonce();
      const packageValue = `prepay_id=${prepayId}`;
      const paySign = library.sha256WithRsa([appId, timeStamp, nonceStr, packageValue, ''].join('\n'));
      return { timeStamp, nonceStr, package: packageValue, signType: 'RSA', paySign };
    },

    /** `GET /v3/pay/transactions/out-trade-no/{out_trade_no}`; null when WeChat Pay has no such order. */
    async queryOrder(outTradeNo: string): Promise<WechatTransaction | null> {
      try {
        return await call<WechatTransaction>(
          'GET',
          `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(config.mchId)}`,
        );
      } catch (error) {
        if (isNotFound(error, 'ORDER_NOT_EXIST')) return null;
        throw error;
      }
    },

    /** `POST …/{out_trade_no}/close` (204); closing again is harmless. */
    async closeOrder(outTradeNo: string): Promise<void> {
      await call('POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`, {
        mchid: config.mchId,
      });
    },

    /** `POST /v3/refund/domestic/refunds`; the same out_refund_no never refunds twice. */
    async createRefund(input: CreateRefundInput): Promise<WechatRefund> {
      const answer = await call<WechatRefund>('POST', '/v3/refund/domestic/refunds', {
        out_trade_no: input.outTradeNo,
        out_refund_no: input.outRefundNo,
        reason: input.reason,
        notify_url: input.notifyUrl,
        amount: { refund: input.refundFen, total: input.totalFen, currency: 'CNY' },
      });
      if (!answer?.out_refund_no) throw new PayApiError(200, 'NO_REFUND', 'the refund answer is empty', true);
      return answer;
    },

    /** `GET /v3/refund/domestic/refunds/{out_refund_no}`; null when WeChat Pay has no such refund. */
    async queryRefund(outRefundNo: string): Promise<WechatRefund | null> {
      try {
        return await call<WechatRefund>('GET', `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`);
      } catch (error) {
        if (isNotFound(error, 'RESOURCE_NOT_EXISTS')) return null;
        throw error;
      }
    },

    /**
     * Verifies a notification: the signature over the RAW body with the key `Wechatpay-Serial` names (an unknown
     * serial fails), the timestamp within ±5 minutes.
     */
    async verifyNotification(
      headers: Parameters<typeof signatureHeaders>[0],
      rawBody: string,
      now = new Date(),
    ): Promise<SignatureCheck> {
      const keys = await provider();
      return verifyWechatpaySignature(signatureHeaders(headers), rawBody, keys.verification, { now });
    },

    /** Decrypts a notification resource with the APIv3 key, checking the GCM tag. */
    decryptResource(resource: EncryptedResource): string {
      return decryptResource(resource, config.apiV3Key);
    },
  };
}

export type PayClient = ReturnType<typeof createPayClient>;
