/**
 * The Aliyun SMS client: the RPC signature against Aliyun's published examples, its percent-encoding, the SendSms
 * parameters, and how answers map to sent / refused / unknown (against a local HTTP server playing Aliyun).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aliyunSmsProvider,
  canonicalizedQuery,
  isDefiniteRefusal,
  percentEncode,
  sendSmsParams,
  signRpc,
  stringToSign,
} from '../../bff/src/platform/sms/aliyun';

describe('Aliyun RPC signature', () => {
  // Aliyun's "signature mechanism" (RPC) worked example: ECS DescribeRegions, AccessKey testid / testsecret.
  const describeRegions = {
    AccessKeyId: 'testid',
    Action: 'DescribeRegions',
    Format: 'XML',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
    SignatureVersion: '1.0',
    Timestamp: '2016-02-23T12:46:24Z',
    Version: '2014-05-26',
  };

  it("builds the published example's string to sign", () => {
    expect(stringToSign('GET', describeRegions)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1' +
        '%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0' +
        '%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
  });

  it("gives the published example's signature", () => {
    expect(signRpc('GET', describeRegions, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it("gives the SMS documentation's SendSms example signature (Chinese signature name, JSON parameter)", () => {
    const sendSms = {
      AccessKeyId: 'testId',
      Action: 'SendSms',
      Format: 'XML',
      OutId: '123',
      PhoneNumbers: '15300000001',
      RegionId: 'cn-hangzhou',
      SignName: '阿里云短信测试专用',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
      SignatureVersion: '1.0',
      TemplateCode: 'SMS_71390007',
      TemplateParam: '{"customer":"test"}',
      Timestamp: '2017-07-12T02:42:19Z',
      Version: '2017-05-25',
    };
    expect(signRpc('GET', sendSms, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  it('signs the HTTP method too: the same parameters POSTed sign differently', () => {
    expect(signRpc('POST', describeRegions, 'testsecret')).not.toBe(signRpc('GET', describeRegions, 'testsecret'));
    expect(stringToSign('POST', describeRegions).startsWith('POST&%2F&AccessKeyId%3Dtestid')).toBe(true);
  });

  it('leaves the Signature parameter out of what it signs', () => {
    expect(canonicalizedQuery({ ...describeRegions, Signature: 'x' })).toBe(canonicalizedQuery(describeRegions));
  });

  it('sorts parameters by name in byte order (upper case before lower case)', () => {
    expect(canonicalizedQuery({ b: '1', a: '2', B: '3', A: '4' })).toBe('A=4&B=3&a=2&b=1');
  });
});

describe('Aliyun percent-encoding', () => {
  it('encodes a space as %20, never +', () => {
    expect(percentEncode('a b')).toBe('a%20b');
    expect(percentEncode('a+b')).toBe('a%2Bb');
  });

  it('encodes * as %2A and leaves ~ as it is', () => {
    expect(percentEncode('*~')).toBe('%2A~');
  });

  it("encodes what encodeURIComponent leaves alone: ! ' ( )", () => {
    expect(percentEncode("!'()")).toBe('%21%27%28%29');
  });

  it('leaves only A–Z a–z 0–9 - _ . ~ unencoded', () => {
    expect(percentEncode('AZaz09-_.~')).toBe('AZaz09-_.~');
    expect(percentEncode('/:=&?#,;@$"{}')).toBe('%2F%3A%3D%26%3F%23%2C%3B%40%24%22%7B%7D');
  });

  it('encodes characters beyond ASCII as their UTF-8 bytes in upper-case hex', () => {
    expect(percentEncode('诊')).toBe('%E8%AF%8A');
    expect(percentEncode('😀')).toBe('%F0%9F%98%80');
  });
});

describe('SendSms parameters', () => {
  const message = { phone: '13800138000', templateCode: 'SMS_1', params: { name: '王 芳' }, outId: 'exec-1' };
  const options = {
    accessKeyId: 'key',
    signName: 'CareLoop',
    nonce: 'n-1',
    timestamp: new Date('2026-03-04T05:06:07.890Z'),
  };

  it('carries the common parameters, with the timestamp in UTC to the second', () => {
    expect(sendSmsParams(message, options)).toEqual({
      AccessKeyId: 'key',
      Action: 'SendSms',
      Format: 'JSON',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: 'n-1',
      SignatureVersion: '1.0',
      Timestamp: '2026-03-04T05:06:07Z',
      Version: '2017-05-25',
      PhoneNumbers: '13800138000',
      SignName: 'CareLoop',
      TemplateCode: 'SMS_1',
      TemplateParam: '{"name":"王 芳"}',
      OutId: 'exec-1',
    });
  });

  it("uses the message's own signature name over the configured one", () => {
    expect(sendSmsParams({ ...message, signName: '某某口腔' }, options).SignName).toBe('某某口腔');
  });

  it('sends no TemplateParam for a template without parameters', () => {
    expect(sendSmsParams({ ...message, params: {} }, options)).not.toHaveProperty('TemplateParam');
  });
});

describe('Aliyun SendSms answers', () => {
  let server: Server;
  let endpoint: string;
  let reply: (req: IncomingMessage, body: string, res: ServerResponse) => void;
  const received: { method: string; url: string; contentType: string; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({
          method: req.method!,
          url: req.url!,
          contentType: req.headers['content-type'] ?? '',
          body,
        });
        reply(req, body, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const json = (status: number, body: unknown) => (_req: IncomingMessage, _body: string, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const provider = (timeoutMs?: number) =>
    aliyunSmsProvider({ endpoint, accessKeyId: 'AK', accessKeySecret: 'SECRET', signName: 'CareLoop', timeoutMs });
  const message = { phone: '13800138000', templateCode: 'SMS_1', params: { a: 'b' }, outId: 'exec-9' };

  it('POSTs a signed form to the endpoint root and takes OK as sent, with the BizId as the message id', async () => {
    reply = json(200, { Code: 'OK', Message: 'OK', BizId: '900619746936498440^0', RequestId: 'R1' });
    received.length = 0;
    expect(await provider().send(message)).toEqual({ ok: true, messageId: '900619746936498440^0' });
    const [request] = received;
    expect(request).toMatchObject({ method: 'POST', url: '/' });
    expect(request!.contentType).toContain('application/x-www-form-urlencoded');
    const params = Object.fromEntries(new URLSearchParams(request!.body));
    expect(params).toMatchObject({
      Action: 'SendSms',
      PhoneNumbers: '13800138000',
      OutId: 'exec-9',
      AccessKeyId: 'AK',
    });
    expect(params.Signature).toBe(signRpc('POST', params, 'SECRET'));
  });

  it('takes an isv.* business code as a definite refusal', async () => {
    reply = json(200, { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号', RequestId: 'R2' });
    expect(await provider().send(message)).toEqual({
      ok: false,
      code: 'isv.MOBILE_NUMBER_ILLEGAL',
      message: '非法手机号',
    });
  });

  it("takes the gateway's signature and key errors as definite refusals", async () => {
    reply = json(400, { Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched', HostId: 'h' });
    expect(await provider().send(message)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    reply = json(404, { Code: 'InvalidAccessKeyId.NotFound', Message: 'Specified access key is not found.' });
    expect(await provider().send(message)).toMatchObject({ ok: false, code: 'InvalidAccessKeyId.NotFound' });
  });

  it('throws (outcome unknown) on a server error', async () => {
    reply = json(500, {
      Code: 'InternalError',
      Message: 'The request processing has failed due to some unknown error.',
    });
    await expect(provider().send(message)).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    reply = json(200, { Code: 'isp.SYSTEM_ERROR', Message: '系统错误' });
    await expect(provider().send(message)).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
  });

  it("throws (outcome unknown) on a proxy's HTML error page", async () => {
    reply = (_req, _body, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad Gateway</html>');
    };
    await expect(provider().send(message)).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
  });

  it('throws (outcome unknown) when the answer does not come in time', async () => {
    reply = (_req, _body, res) => setTimeout(() => json(200, { Code: 'OK', BizId: 'late' })(_req, _body, res), 1000);
    const started = Date.now();
    await expect(provider(150).send(message)).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('sorts refusal codes from unknown outcomes', () => {
    for (const code of ['isv.BUSINESS_LIMIT_CONTROL', 'isv.SMS_TEMPLATE_ILLEGAL', 'isv.AMOUNT_NOT_ENOUGH']) {
      expect(isDefiniteRefusal(code)).toBe(true);
    }
    for (const code of ['MissingPhoneNumbers', 'InvalidTimeStamp.Expired', 'SignatureNonceUsed', 'Throttling.User']) {
      expect(isDefiniteRefusal(code)).toBe(true);
    }
    for (const code of ['InternalError', 'ServiceUnavailable', 'isp.SYSTEM_ERROR', '']) {
      expect(isDefiniteRefusal(code)).toBe(false);
    }
  });
});
