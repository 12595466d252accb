import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Pay from 'wechatpay-node-v3';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '@careloop/config';
import {
  beijingTime,
  decryptResource,
  encryptResource,
  paySignMessage,
  ResourceDecryptionError,
  responseMessage,
  signSha256Rsa,
  verificationKeys,
  verifySha256Rsa,
  verifyWechatpaySignature,
  type WechatpaySignatureHeaders,
} from '../../bff/src/platform/pay/crypto';
import { createPayClient } from '../../bff/src/platform/pay/client';
import { buildPayKeys } from '../../bff/src/platform/pay/keys';
import { checkMerchantSignature } from '../../bff/src/platform/sandbox/payService';

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (key: KeyObject, type: 'pkcs8' | 'spki') => key.export({ type, format: 'pem' }).toString();

const platform = rsa();
const other = rsa();
const merchant = rsa();
const PUBLIC_KEY_ID = 'PUB_KEY_ID_0114232000000000000000000001';
const keys = verificationKeys([{ serial: PUBLIC_KEY_ID, publicKey: pem(platform.publicKey, 'spki') }]);
const API_V3_KEY = 'abcdefghijklmnopqrstuvwxyz012345';

const now = new Date('2026-06-01T08:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);

/** A notification body as WeChat Pay sends it (key order and spacing as sent: the signature covers these bytes). */
const rawBody =
  '{"id":"EV-2018022511223320873","create_time":"2026-06-01T16:00:00+08:00","resource_type":"encrypt-resource",' +
  '"event_type":"TRANSACTION.SUCCESS", "summary":"支付成功","resource":{"original_type":"transaction",' +
  '"algorithm":"AEAD_AES_256_GCM","ciphertext":"c2FtcGxl","associated_data":"transaction","nonce":"fdasflkja484"}}';

function signed(body: string, options: { key?: KeyObject; timestamp?: number; serial?: string } = {}) {
  const timestamp = String(options.timestamp ?? nowSeconds);
  const nonce = 'd824f2e086d3c1df967785d13fcd22ef';
  return {
    timestamp,
    nonce,
    serial: options.serial ?? PUBLIC_KEY_ID,
    signatureType: 'WECHATPAY2-SHA256-RSA2048',
    signature: signSha256Rsa(options.key ?? platform.privateKey, responseMessage(timestamp, nonce, body)),
  } satisfies WechatpaySignatureHeaders;
}

describe('notification signatures (WeChat Pay public key, PUB_KEY_ID_…)', () => {
  it('accepts a good signature over the raw body, by the key Wechatpay-Serial names', () => {
    expect(verifyWechatpaySignature(signed(rawBody), rawBody, keys, { now })).toEqual({
      ok: true,
      serial: PUBLIC_KEY_ID,
    });
  });

  it('rejects a tampered body', () => {
    const tampered = rawBody.replace('TRANSACTION.SUCCESS', 'TRANSACTION.SUCCESS ');
    expect(verifyWechatpaySignature(signed(rawBody), tampered, keys, { now })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('rejects the body re-serialised: only the raw bytes verify', () => {
    const reserialised = JSON.stringify(JSON.parse(rawBody));
    expect(reserialised).not.toBe(rawBody);
    expect(verifyWechatpaySignature(signed(rawBody), reserialised, keys, { now }).ok).toBe(false);
  });

  it('rejects a signature made with another key under a known serial', () => {
    expect(verifyWechatpaySignature(signed(rawBody, { key: other.privateKey }), rawBody, keys, { now })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('rejects an unknown serial without trying other keys', () => {
    const headers = signed(rawBody, { serial: 'PUB_KEY_ID_0114232000000000000000000999' });
    expect(verifyWechatpaySignature(headers, rawBody, keys, { now })).toEqual({ ok: false, reason: 'unknown_serial' });
  });

  it('accepts a timestamp within ±5 minutes and rejects a stale or future one', () => {
    for (const skew of [-299, 299]) {
      expect(
        verifyWechatpaySignature(signed(rawBody, { timestamp: nowSeconds + skew }), rawBody, keys, { now }).ok,
      ).toBe(true);
    }
    for (const skew of [-301, 301, -3600]) {
      expect(
        verifyWechatpaySignature(signed(rawBody, { timestamp: nowSeconds + skew }), rawBody, keys, { now }),
      ).toEqual({ ok: false, reason: 'stale_timestamp' });
    }
  });

  it('rejects missing headers, a malformed signature and another signature type', () => {
    const good = signed(rawBody);
    expect(verifyWechatpaySignature({ ...good, signature: undefined }, rawBody, keys, { now }).ok).toBe(false);
    expect(verifyWechatpaySignature({ ...good, nonce: '' }, rawBody, keys, { now }).ok).toBe(false);
    expect(verifyWechatpaySignature({ ...good, signature: 'WECHATPAY/SIGNTEST/abc' }, rawBody, keys, { now })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyWechatpaySignature({ ...good, signatureType: 'HMAC-SHA256' }, rawBody, keys, { now }).ok).toBe(false);
  });
});

describe('notification signatures (platform certificate)', () => {
  let dir: string | null = null;
  let hasOpenssl = true;
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    hasOpenssl = false;
  }
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasOpenssl)('verifies by the certificate whose serial Wechatpay-Serial names, read from config', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'careloop-pay-'));
    const serial = '5157F09EFDC096DE15EBE9A46D4E0E5E0B2F3C1A';
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=platform test',
        '-set_serial',
        `0x${serial}`,
      ].concat(['-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')]),
      { stdio: 'ignore' },
    );
    const config = loadConfig({
      CARELOOP_ENV: 'test',
      PAY_MCHID: '1230000109',
      PAY_APIV3_KEY: API_V3_KEY,
      PAY_MERCHANT_PRIVATE_KEY: pem(merchant.privateKey, 'pkcs8').replace(/\n/g, '\\n'),
      PAY_MERCHANT_SERIAL: '444F4864EA9B34415',
      PAY_PLATFORM_CERTIFICATE_FILES: path.join(dir, 'cert.pem'),
    });
    expect(config.pay.sandbox).toBe(false);
    expect(config.pay.keys!.verification.map((key) => key.serial)).toEqual([serial]);
    const certificateKeys = verificationKeys(config.pay.keys!.verification);
    const certificateKey = readFileSync(path.join(dir, 'key.pem'), 'utf8');
    const headers = { ...signed(rawBody), serial, signature: '' };
    headers.signature = signSha256Rsa(certificateKey, responseMessage(headers.timestamp, headers.nonce, rawBody));
    expect(verifyWechatpaySignature(headers, rawBody, certificateKeys, { now }).ok).toBe(true);
    // Serials are hex: any case names the same certificate.
    expect(
      verifyWechatpaySignature({ ...headers, serial: serial.toLowerCase() }, rawBody, certificateKeys, { now }).ok,
    ).toBe(true);
    expect(verifyWechatpaySignature(headers, rawBody.slice(1), certificateKeys, { now }).ok).toBe(false);
  });
});

describe('resource decryption (AEAD_AES_256_GCM with the APIv3 key)', () => {
  const plaintext = JSON.stringify({ out_trade_no: 'CL20260601abc', amount: { total: 5000 } });
  const resource = encryptResource(plaintext, API_V3_KEY, 'transaction', 'transaction');
  const flip = (base64: string, index: number) => {
    const bytes = Buffer.from(base64, 'base64');
    bytes[index < 0 ? bytes.length + index : index]! ^= 0x01;
    return bytes.toString('base64');
  };

  it('decrypts what was encrypted with the key, nonce and associated data', () => {
    expect(decryptResource(resource, API_V3_KEY)).toBe(plaintext);
  });

  it.each([
    ['a ciphertext byte', { ciphertext: flip(resource.ciphertext, 3) }],
    ['the authentication tag', { ciphertext: flip(resource.ciphertext, -1) }],
    ['the associated data', { associated_data: 'refund' }],
    ['the nonce', { nonce: 'abcdefghijkl' }],
    [
      'the length (tag cut off)',
      { ciphertext: Buffer.from(resource.ciphertext, 'base64').subarray(0, 10).toString('base64') },
    ],
    ['the algorithm', { algorithm: 'AEAD_AES_128_GCM' }],
  ])('fails when %s is tampered with', (_, change) => {
    expect(() => decryptResource({ ...resource, ...change }, API_V3_KEY)).toThrow(ResourceDecryptionError);
  });

  it('fails with another APIv3 key', () => {
    expect(() => decryptResource(resource, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345')).toThrow(ResourceDecryptionError);
  });

  it('is needed: wechatpay-node-v3 2.2.1 decipher_gcm accepts a forged tag (it never calls final())', () => {
    const library = new Pay({
      appid: 'wx0',
      mchid: '1',
      serial_no: 'A1',
      publicKey: Buffer.from(pem(merchant.publicKey, 'spki')),
      privateKey: Buffer.from(pem(merchant.privateKey, 'pkcs8')),
    });
    const forged = flip(resource.ciphertext, -1);
    expect(library.decipher_gcm(forged, resource.associated_data, resource.nonce, API_V3_KEY)).toEqual(
      JSON.parse(plaintext),
    );
    expect(() => decryptResource({ ...resource, ciphertext: forged }, API_V3_KEY)).toThrow(ResourceDecryptionError);
  });
});

describe('merchant request signing (wechatpay-node-v3) as WeChat Pay checks it', () => {
  const mchId = '1230000109';
  const merchantSerial = 'ABCDEF0123456789ABCDEF0123456789ABCDEF01';
  const library = new Pay({
    appid: 'wx5a4db0x0sandbox',
    mchid: mchId,
    serial_no: merchantSerial,
    publicKey: Buffer.from(pem(merchant.publicKey, 'spki')),
    privateKey: Buffer.from(pem(merchant.privateKey, 'pkcs8')),
  });
  const material = { merchantPublicKey: merchant.publicKey, merchantSerial };
  const authorization = (method: string, url: string, body: string, timestamp = String(nowSeconds)) =>
    library.getAuthorization(
      '593BEC0C930BF1AFEB40B4A08C8FB242',
      timestamp,
      library.getSignature(method, '593BEC0C930BF1AFEB40B4A08C8FB242', timestamp, url, body || undefined),
    );

  it('verifies a POST and a GET (empty body) signed over METHOD\\nURL\\ntimestamp\\nnonce\\nbody\\n', () => {
    const body = '{"mchid":"1230000109","out_trade_no":"CL1"}';
    const url = '/v3/pay/transactions/jsapi';
    expect(
      checkMerchantSignature(
        { method: 'POST', url, body, authorization: authorization('POST', url, body) },
        material,
        mchId,
        now,
      ),
    ).toBeNull();
    const query = '/v3/pay/transactions/out-trade-no/CL1?mchid=1230000109';
    expect(
      checkMerchantSignature(
        { method: 'GET', url: query, body: '', authorization: authorization('GET', query, '') },
        material,
        mchId,
        now,
      ),
    ).toBeNull();
  });

  it('rejects a changed body, URL, merchant key, serial or an old timestamp with 401 SIGN_ERROR', () => {
    const body = '{"amount":{"total":100}}';
    const url = '/v3/refund/domestic/refunds';
    const good = authorization('POST', url, body);
    const bad = [
      checkMerchantSignature(
        { method: 'POST', url, body: body.replace('100', '1'), authorization: good },
        material,
        mchId,
        now,
      ),
      checkMerchantSignature({ method: 'POST', url: `${url}?x=1`, body, authorization: good }, material, mchId, now),
      checkMerchantSignature(
        { method: 'POST', url, body, authorization: good },
        { ...material, merchantPublicKey: other.publicKey },
        mchId,
        now,
      ),
      checkMerchantSignature(
        { method: 'POST', url, body, authorization: good.replace(merchantSerial, 'FFFF') },
        material,
        mchId,
        now,
      ),
      checkMerchantSignature(
        { method: 'POST', url, body, authorization: authorization('POST', url, body, String(nowSeconds - 600)) },
        material,
        mchId,
        now,
      ),
      checkMerchantSignature({ method: 'POST', url, body, authorization: undefined }, material, mchId, now),
    ];
    for (const answer of bad) expect(answer).toMatchObject({ status: 401, body: { code: 'SIGN_ERROR' } });
  });
});

describe('requestPayment parameters', () => {
  it('signs appId\\ntimeStamp\\nnonceStr\\npackage\\n with the merchant key (signType RSA)', async () => {
    const payKeys = buildPayKeys({
      merchantPrivateKey: pem(merchant.privateKey, 'pkcs8'),
      merchantSerial: 'ABC',
      verification: [],
      publicKeyId: null,
    });
    const config = loadConfig({ CARELOOP_ENV: 'test' });
    const client = createPayClient({ config: config.pay, appId: 'wx5a4db0x0sandbox', keys: async () => payKeys });
    const params = await client.requestPaymentParams('wx201410272009395522657a690389285100');
    expect(params).toMatchObject({ package: 'prepay_id=wx201410272009395522657a690389285100', signType: 'RSA' });
    expect(params.timeStamp).toMatch(/^\d{10}$/);
    expect(params.nonceStr).toMatch(/^[A-Z0-9]{32}$/);
    const message = paySignMessage('wx5a4db0x0sandbox', params.timeStamp, params.nonceStr, params.package);
    expect(verifySha256Rsa(merchant.publicKey, message, params.paySign)).toBe(true);
  });
});

describe('WeChat Pay configuration', () => {
  const merchantPem = pem(merchant.privateKey, 'pkcs8');
  const base = {
    CARELOOP_ENV: 'test',
    PAY_MCHID: '1230000109',
    PAY_APIV3_KEY: API_V3_KEY,
    PAY_MERCHANT_PRIVATE_KEY: merchantPem,
    PAY_MERCHANT_SERIAL: 'abcdef0123456789',
    PAY_PUBLIC_KEY: pem(platform.publicKey, 'spki'),
    PAY_PUBLIC_KEY_ID: PUBLIC_KEY_ID,
  };

  it('plays WeChat Pay with the sandbox when PAY_MCHID is unset, at this server, notifying PUBLIC_URL', () => {
    const config = loadConfig({ PORT: '4000', PUBLIC_URL: 'https://care.example.com' });
    expect(config.pay).toMatchObject({
      sandbox: true,
      apiBase: 'http://127.0.0.1:4000/sandbox/pay',
      notifyUrl: 'https://care.example.com/api/pay/notify',
      refundNotifyUrl: 'https://care.example.com/api/pay/refund-notify',
      keys: null,
    });
  });

  it('reads a real merchant in public-key mode and never shows its secrets', () => {
    const config = loadConfig(base);
    expect(config.pay).toMatchObject({ sandbox: false, mchId: '1230000109', apiBase: 'https://api.mch.weixin.qq.com' });
    expect(config.pay.keys).toMatchObject({ merchantSerial: 'ABCDEF0123456789', publicKeyId: PUBLIC_KEY_ID });
    const described = JSON.stringify(describeConfig(config));
    expect(described).not.toContain(API_V3_KEY);
    expect(described).not.toContain(merchantPem.split('\n')[1]);
  });

  it('fails fast naming what is missing or wrong', () => {
    expect(() => loadConfig({ ...base, PAY_APIV3_KEY: 'short' })).toThrow(/PAY_APIV3_KEY: must be exactly 32/);
    expect(() => loadConfig({ ...base, PAY_MERCHANT_SERIAL: undefined })).toThrow(/PAY_MERCHANT_SERIAL/);
    expect(() => loadConfig({ ...base, PAY_PUBLIC_KEY_ID: undefined })).toThrow(/PAY_PUBLIC_KEY_ID together/);
    expect(() => loadConfig({ ...base, PAY_PUBLIC_KEY: undefined, PAY_PUBLIC_KEY_ID: undefined })).toThrow(
      /verify its signatures/,
    );
    expect(() => loadConfig({ ...base, PAY_MERCHANT_PRIVATE_KEY: 'not a key' })).toThrow(/PAY_MERCHANT_PRIVATE_KEY/);
    expect(() => loadConfig({ ...base, PAY_PUBLIC_KEY_ID: 'KEY_1' })).toThrow(/PUB_KEY_ID_/);
    expect(() =>
      loadConfig({
        CARELOOP_ENV: 'production',
        JWT_SECRET: 'x'.repeat(40),
        WECHAT_APPID: 'wx1',
        WECHAT_SECRET: 's',
        WECOM_CORPID: 'ww1',
        WECOM_AGENTID: '1',
        WECOM_SECRET: 's',
        PHONE_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        PHONE_LOOKUP_KEY: randomBytes(32).toString('hex'),
      }),
    ).toThrow(ConfigError);
  });

  it('writes times as WeChat Pay does: RFC 3339 in Beijing time', () => {
    expect(beijingTime(new Date('2026-05-20T05:29:35.123Z'))).toBe('2026-05-20T13:29:35+08:00');
  });
});
