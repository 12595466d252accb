/**
 * The emulated Aliyun SMS endpoint (dysmsapi.aliyuncs.com's SendSms) under /sandbox/sms, mounted only in sandbox
 * mode. It speaks the real protocol: GET with the parameters in the query or POST with them as a form, the RPC
 * signature (HMAC-SHA1, version 1.0) checked with the sandbox's public AccessKey, the timestamp (±15 minutes) and
 * nonce (once) checked, answers in JSON or XML (`Format`, XML by default as at Aliyun). Gateway errors answer 4xx
 * (SignatureDoesNotMatch 400, InvalidAccessKeyId.NotFound 404, Missing<Parameter> 400, …); business errors answer
 * 200 with an `isv.*` code; success answers `{Code: "OK", Message: "OK", BizId, RequestId}` and records the message
 * (GET /sandbox/control/sms/messages). Failures to simulate come from POST /sandbox/control/sms/faults.
 *
 * It reads its own body (a form, not JSON), so it is mounted before the JSON body parser.
 */
import { randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { SANDBOX } from '@careloop/config';
import { SEND_SMS_VERSION, signRpc, stringToSign } from '../sms/aliyun';
import { MAINLAND_MOBILE, recordSandboxSms, takeSandboxSmsFault, useSandboxSmsNonce } from '../sms/sandbox';

const BODY_LIMIT_BYTES = 64 * 1024;
const TIMESTAMP_TOLERANCE_MS = 15 * 60_000;
const HOST_ID = 'dysmsapi.aliyuncs.com';

interface SmsAnswer {
  status: number;
  /** Gateway errors have an `Error` root in XML and a HostId; business answers a `SendSmsResponse` root. */
  gateway: boolean;
  body: Record<string, string>;
}

const gatewayError = (status: number, code: string, message: string): SmsAnswer => ({
  status,
  gateway: true,
  body: { RequestId: requestId(), HostId: HOST_ID, Code: code, Message: message },
});
const businessAnswer = (code: string, message: string, extra: Record<string, string> = {}): SmsAnswer => ({
  status: 200,
  gateway: false,
  body: { RequestId: requestId(), Code: code, Message: message, ...extra },
});
const requestId = () => randomUUID().toUpperCase();
/** Like Aliyun's: digits, then ^0. */
const bizId = () => `${Date.now()}${String(randomInt(0, 100_000)).padStart(5, '0')}^0`;

const xmlEscape = (value: string) => value.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);

function respond(ctx: Context, format: string, answer: SmsAnswer): void {
  ctx.status = answer.status;
  if (format.toUpperCase() === 'JSON') {
    ctx.type = 'application/json;charset=utf-8';
    ctx.body = JSON.stringify(answer.body);
    return;
  }
  const root = answer.gateway ? 'Error' : 'SendSmsResponse';
  const fields = Object.entries(answer.body)
    .map(([name, value]) => `<${name}>${xmlEscape(value)}</${name}>`)
    .join('');
  ctx.type = 'text/xml;charset=utf-8';
  ctx.body = `<?xml version='1.0' encoding='UTF-8'?><${root}>${fields}</${root}>`;
}

/** The request's parameters: the query's, and a POSTed form's (the form wins on a name given twice). */
async function readParams(ctx: Context): Promise<{ params: Record<string, string> } | { answer: SmsAnswer }> {
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(ctx.querystring)) params[name] = value;
  if (ctx.method !== 'POST') return { params };
  let raw: string;
  try {
    raw = await getRawBody(ctx.req, { limit: BODY_LIMIT_BYTES, encoding: 'utf8' });
  } catch {
    return { answer: gatewayError(400, 'InvalidParameter', 'The request body could not be read or is too large.') };
  }
  if (raw && !ctx.is('application/x-www-form-urlencoded')) {
    return {
      answer: gatewayError(400, 'UnsupportedContentType', 'Send the parameters as application/x-www-form-urlencoded.'),
    };
  }
  for (const [name, value] of new URLSearchParams(raw)) params[name] = value;
  return { params };
}

const missing = (name: string) => gatewayError(400, `Missing${name}`, `${name} is mandatory for this action.`);

/** The gateway's checks: common parameters, timestamp, AccessKey, signature, nonce. Null when they all pass. */
async function authenticate(method: 'GET' | 'POST', params: Record<string, string>): Promise<SmsAnswer | null> {
  for (const name of ['AccessKeyId', 'Action', 'Version', 'Signature', 'SignatureNonce', 'Timestamp']) {
    if (!params[name]) return missing(name);
  }
  if (params.Action !== 'SendSms') {
    return gatewayError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
  }
  if (params.Version !== SEND_SMS_VERSION) {
    return gatewayError(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
  }
  if ((params.SignatureMethod ?? 'HMAC-SHA1') !== 'HMAC-SHA1' || (params.SignatureVersion ?? '1.0') !== '1.0') {
    return gatewayError(400, 'UnsupportedSignatureType', 'Only SignatureMethod HMAC-SHA1, SignatureVersion 1.0.');
  }
  const timestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(params.Timestamp!)
    ? Date.parse(params.Timestamp!)
    : NaN;
  if (Number.isNaN(timestamp)) {
    return gatewayError(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
  }
  if (Math.abs(Date.now() - timestamp) > TIMESTAMP_TOLERANCE_MS) {
    return gatewayError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
  }
  if (params.AccessKeyId !== SANDBOX.smsAccessKeyId) {
    return gatewayError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  }
  const expected = Buffer.from(signRpc(method, params, SANDBOX.smsAccessKeySecret));
  const given = Buffer.from(params.Signature!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return gatewayError(
      400,
      'SignatureDoesNotMatch',
      `Specified signature is not matched with our calculation. server string to sign is:${stringToSign(method, params)}`,
    );
  }
  if (!(await useSandboxSmsNonce(params.SignatureNonce!, 2 * TIMESTAMP_TOLERANCE_MS))) {
    return gatewayError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
  }
  return null;
}

type Checked =
  | { answer: SmsAnswer }
  | { phones: string[]; signName: string; templateCode: string; templateParams: Record<string, string> };

/** SendSms's own checks, answered as Aliyun does: missing parameters 400, business errors 200 with isv.*. */
function checkSendSms(params: Record<string, string>): Checked {
  for (const name of ['PhoneNumbers', 'SignName', 'TemplateCode']) {
    if (!params[name]) return { answer: missing(name) };
  }
  const phones = params.PhoneNumbers!.split(',').map((phone) => phone.trim());
  if (phones.length > 1000) return { answer: businessAnswer('isv.MOBILE_COUNT_OVER_LIMIT', '手机号码数量超过限制') };
  if (!phones.every((phone) => MAINLAND_MOBILE.test(phone))) {
    return { answer: businessAnswer('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号') };
  }
  if (params.SignName!.length > 30) return { answer: businessAnswer('isv.SMS_SIGNATURE_ILLEGAL', '签名不合法') };
  if (!/^[A-Za-z0-9_]{1,64}$/.test(params.TemplateCode!)) {
    return { answer: businessAnswer('isv.SMS_TEMPLATE_ILLEGAL', '模板不合法') };
  }
  let templateParams: Record<string, string> = {};
  if (params.TemplateParam) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(params.TemplateParam);
    } catch {
      parsed = null;
    }
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      Array.isArray(parsed) ||
      !Object.values(parsed).every((value) => typeof value === 'string')
    ) {
      return { answer: businessAnswer('isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值') };
    }
    templateParams = parsed as Record<string, string>;
    if (Object.values(templateParams).some((value) => value.length > 35)) {
      return { answer: businessAnswer('isv.PARAM_LENGTH_LIMIT', '参数超出长度限制') };
    }
  }
  if ((params.OutId ?? '').length > 256) {
    return { answer: gatewayError(400, 'InvalidOutId', 'Specified parameter OutId is not valid.') };
  }
  return { phones, signName: params.SignName!, templateCode: params.TemplateCode!, templateParams };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function sendSms(ctx: Context): Promise<void> {
  const method = ctx.method === 'POST' ? 'POST' : 'GET';
  const read = await readParams(ctx);
  if ('answer' in read) return respond(ctx, 'JSON', read.answer);
  const values = read.params;
  const format = values.Format ?? 'XML';
  const rejected = await authenticate(method, values);
  if (rejected) return respond(ctx, format, rejected);
  const fault = await takeSandboxSmsFault();
  if (fault?.hangMs) await sleep(fault.hangMs);
  if (fault?.code) {
    const answer = businessAnswer(fault.code, fault.message || fault.code);
    return respond(ctx, format, { ...answer, status: fault.status, gateway: fault.status >= 400 });
  }
  const checked = checkSendSms(values);
  if ('answer' in checked) return respond(ctx, format, checked.answer);
  const id = bizId();
  for (const phone of checked.phones) {
    await recordSandboxSms({
      phone,
      templateCode: checked.templateCode,
      signName: checked.signName,
      params: checked.templateParams,
      outId: values.OutId || null,
      bizId: id,
    });
  }
  respond(ctx, format, businessAnswer('OK', 'OK', { BizId: id }));
}

export function sandboxSmsRouter(): Router {
  const router = new Router({ prefix: '/sandbox/sms' });
  router.get('/', sendSms);
  router.post('/', sendSms);
  return router;
}
