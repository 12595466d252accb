/**
 * Aliyun SMS (Dysms) `SendSms`: the RPC-style API (Action=SendSms, Version=2017-05-25) with the RPC signature,
 * version 1.0:
 *
 *   canonicalized query = every parameter but `Signature`, sorted by name, each name and value percent-encoded
 *                         (`percentEncode`) and joined as name=value with `&`
 *   StringToSign        = HTTPMethod + '&' + percentEncode('/') + '&' + percentEncode(canonicalized query)
 *   Signature           = base64(HMAC-SHA1(key: AccessKeySecret + '&', StringToSign))
 *
 * Requests are POSTed as a form (the phone number and template parameters stay out of URLs and access logs).
 * Answers: `Code: "OK"` is sent (the `BizId` names the message); a refusal code (the `isv.*` business codes, the
 * gateway's signature, key, timestamp and parameter codes) means definitely not sent; anything else (network failure,
 * timeout, 5xx, `isp.SYSTEM_ERROR`, an answer without a code) leaves the outcome unknown and throws.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { AppError } from '../../http/errors';
import { fetchJson } from '../http';
import type { SmsMessage, SmsProvider, SmsResult } from './provider';

export const SEND_SMS_VERSION = '2017-05-25';
export const ALIYUN_SMS_DEFAULT_ENDPOINT = 'https://dysmsapi.aliyuncs.com';

/**
 * Aliyun's percent-encoding: RFC 3986 over UTF-8, where only A–Z a–z 0–9 - _ . ~ stay as they are (so a space is
 * %20, never +; `*` is %2A; `~` is not encoded). encodeURIComponent leaves ! ' ( ) * unencoded too: those are fixed.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The parameters (without `Signature`) sorted by name and encoded, as signed (and as sent). */
export function canonicalizedQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name]!)}`)
    .join('&');
}

export function stringToSign(method: 'GET' | 'POST', params: Record<string, string>): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalizedQuery(params))}`;
}

/** The RPC signature (HMAC-SHA1, version 1.0) of these parameters with this AccessKey secret. */
export function signRpc(method: 'GET' | 'POST', params: Record<string, string>, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign(method, params), 'utf8').digest('base64');
}

/** ISO 8601 in UTC to the second, as Aliyun wants it: 2017-07-12T02:42:19Z. */
export const aliyunTimestamp = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The common and SendSms parameters of one message, unsigned. */
export function sendSmsParams(
  message: SmsMessage,
  options: { accessKeyId: string; signName: string; nonce: string; timestamp: Date },
): Record<string, string> {
  const params: Record<string, string> = {
    AccessKeyId: options.accessKeyId,
    Action: 'SendSms',
    Format: 'JSON',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: options.nonce,
    SignatureVersion: '1.0',
    Timestamp: aliyunTimestamp(options.timestamp),
    Version: SEND_SMS_VERSION,
    PhoneNumbers: message.phone,
    SignName: message.signName || options.signName,
    TemplateCode: message.templateCode,
  };
  if (Object.keys(message.params).length > 0) params.TemplateParam = JSON.stringify(message.params);
  if (message.outId) params.OutId = message.outId;
  return params;
}

/** What SendSms answers (JSON): `Code` and `Message` always, `BizId` on success; gateway errors add `HostId` etc. */
export interface SendSmsAnswer {
  Code?: string;
  Message?: string;
  BizId?: string;
  RequestId?: string;
}

/**
 * Codes that mean the request was refused and nothing was sent: the business `isv.*` codes, and the gateway's
 * checks that run before the message is accepted (signature, AccessKey, timestamp, nonce, missing or invalid
 * parameters, permissions, flow control).
 */
export function isDefiniteRefusal(code: string): boolean {
  return (
    code.startsWith('isv.') ||
    /^(Missing|Invalid|Forbidden|Throttling)/.test(code) ||
    [
      'SignatureDoesNotMatch',
      'SignatureNonceUsed',
      'IncompleteSignature',
      'UnsupportedSignatureType',
      'UnsupportedHTTPMethod',
      'isp.RAM_PERMISSION_DENY',
    ].includes(code)
  );
}

export interface AliyunSmsOptions {
  /** e.g. https://dysmsapi.aliyuncs.com, or the sandbox's http://127.0.0.1:3000/sandbox/sms */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** The approved signature used when a message names none. */
  signName: string;
  /** How long to wait for the answer before the outcome is unknown (default 10 s). */
  timeoutMs?: number;
  /** Tests: fixed time and nonce. */
  now?: () => Date;
  nonce?: () => string;
}

export function aliyunSmsProvider(options: AliyunSmsOptions): SmsProvider {
  const url = `${options.endpoint.replace(/\/+$/, '')}/`;
  return {
    name: 'aliyun',
    async send(message: SmsMessage): Promise<SmsResult> {
      const params = sendSmsParams(message, {
        accessKeyId: options.accessKeyId,
        signName: options.signName,
        nonce: options.nonce?.() ?? randomUUID(),
        timestamp: options.now?.() ?? new Date(),
      });
      const form = new URLSearchParams(params);
      form.set('Signature', signRpc('POST', params, options.accessKeySecret));
      // Network failures, timeouts and answers that are not JSON (a proxy's 502 page) throw: outcome unknown.
      const answer = await fetchJson<SendSmsAnswer>(url, { method: 'POST', form, timeoutMs: options.timeoutMs });
      const code = typeof answer?.Code === 'string' ? answer.Code : '';
      if (code === 'OK') {
        if (!answer.BizId) throw new AppError('UPSTREAM_ERROR', 'Aliyun SendSms answered OK without a BizId');
        return { ok: true, messageId: answer.BizId };
      }
      if (code && isDefiniteRefusal(code)) return { ok: false, code, message: answer.Message ?? '' };
      throw new AppError('UPSTREAM_ERROR', `Aliyun SendSms answered ${code || 'no code'}: ${answer?.Message ?? ''}`, {
        code: code || null,
        requestId: answer?.RequestId ?? null,
      });
    },
  };
}
