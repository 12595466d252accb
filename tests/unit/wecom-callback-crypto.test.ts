import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SANDBOX } from '@careloop/config';
import {
  callbackAesKey,
  callbackSignature,
  CallbackCryptoError,
  encryptAndSign,
  verifyAndDecrypt,
  type SignedCallback,
} from '../../bff/src/platform/wecom/callbackCrypto';
import { buildWecomXml, parseWecomXml } from '../../bff/src/platform/wecom/xml';

// WeCom's published sample (the WXBizMsgCrypt samples and the callback encryption documentation).
const keys = { token: 'QDG6eK', aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', corpId: 'wx5823bf96d3bd56c7' };
const urlCheck: SignedCallback = {
  msgSignature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  timestamp: '1409659589',
  nonce: '263014780',
  encrypted: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
};
const message: SignedCallback = {
  msgSignature: '477715d11cdb4164915debcba66cb864d751f3e6',
  timestamp: '1409659813',
  nonce: '1372623149',
  encrypted:
    'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
};

/** The reason a callback is rejected with, or 'accepted'. */
function outcome(callback: SignedCallback, keySet = keys): string {
  try {
    verifyAndDecrypt(keySet, callback);
    return 'accepted';
  } catch (error) {
    if (error instanceof CallbackCryptoError) return error.reason;
    throw error;
  }
}

/** Flips one bit of the ciphertext's byte at `index` (negative: from the end). */
function tamper(encrypted: string, index: number): string {
  const bytes = Buffer.from(encrypted, 'base64');
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = bytes[at]! ^ 0x01;
  return bytes.toString('base64');
}

/** Re-signs a ciphertext with the right token (so only decryption can reject it). */
const resigned = (callback: SignedCallback, encrypted: string): SignedCallback => ({
  ...callback,
  encrypted,
  msgSignature: callbackSignature(keys.token, callback.timestamp, callback.nonce, encrypted),
});

/** Encrypts raw plaintext bytes exactly as given (no padding added): for building malformed messages. */
function encryptRaw(plain: Buffer): string {
  const key = callbackAesKey(keys.aesKey);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

function plaintext(body: string, receiveId: string): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(Buffer.byteLength(body), 0);
  return Buffer.concat([Buffer.alloc(16, 7), length, Buffer.from(body), Buffer.from(receiveId)]);
}

describe("WeCom's published sample vector", () => {
  it('verifies the URL check (GET with echostr) and decrypts echostr', () => {
    expect(verifyAndDecrypt(keys, urlCheck)).toBe('1616140317555161061');
  });

  it('verifies and decrypts the sample POST message', () => {
    expect(callbackSignature(keys.token, message.timestamp, message.nonce, message.encrypted)).toBe(
      message.msgSignature,
    );
    const xml = verifyAndDecrypt(keys, message);
    expect(parseWecomXml(xml)).toEqual({
      ToUserName: 'wx5823bf96d3bd56c7',
      FromUserName: 'mycreate',
      CreateTime: '1409659813',
      MsgType: 'text',
      Content: 'hello',
      MsgId: '4561255354251345929',
      AgentID: '218',
    });
  });

  it('accepts the signature in upper case hex too', () => {
    expect(outcome({ ...message, msgSignature: message.msgSignature.toUpperCase() })).toBe('accepted');
  });
});

describe('rejected callbacks', () => {
  it('rejects a tampered ciphertext by its signature', () => {
    expect(outcome({ ...message, encrypted: tamper(message.encrypted, -1) })).toBe('signature');
  });

  it('rejects a tampered ciphertext that was signed again (the token leaked): it does not decrypt', () => {
    expect(['padding', 'length', 'receiveid']).toContain(outcome(resigned(message, tamper(message.encrypted, -20))));
  });

  it('rejects a wrong signature, a signature of the wrong length and a missing one', () => {
    expect(outcome({ ...message, msgSignature: '0'.repeat(40) })).toBe('signature');
    expect(outcome({ ...message, msgSignature: message.msgSignature.slice(0, 39) })).toBe('signature');
    expect(outcome({ ...message, msgSignature: '' })).toBe('signature');
  });

  it('rejects a message signed with another token', () => {
    expect(outcome(message, { ...keys, token: 'OtherToken' })).toBe('signature');
  });

  it('rejects a message addressed to another corp (receiveid)', () => {
    expect(outcome(message, { ...keys, corpId: 'wwanothercorp0000' })).toBe('receiveid');
  });

  it('rejects bad PKCS#7 padding: a zero pad byte, a pad longer than 32, inconsistent pad bytes', () => {
    const body = plaintext('<xml></xml>', keys.corpId);
    /** The plaintext filled up to whole 32-byte blocks, ending in `last`. */
    const ending = (last: number[]) => {
      const total = Math.ceil((body.length + last.length) / 32) * 32;
      return Buffer.concat([body, Buffer.alloc(total - body.length - last.length, 0), Buffer.from(last)]);
    };
    expect(outcome(resigned(message, encryptRaw(ending([0]))))).toBe('padding');
    expect(outcome(resigned(message, encryptRaw(ending([33]))))).toBe('padding');
    // A pad of 4 whose other three bytes are not all 4.
    expect(outcome(resigned(message, encryptRaw(ending([4, 9, 4, 4]))))).toBe('padding');
  });

  it('rejects a message length that runs past the plaintext', () => {
    const plain = plaintext('<xml></xml>', keys.corpId);
    plain.writeUInt32BE(10_000, 16);
    const pad = 32 - (plain.length % 32);
    expect(outcome(resigned(message, encryptRaw(Buffer.concat([plain, Buffer.alloc(pad, pad)]))))).toBe('length');
  });

  it('rejects a ciphertext that is not whole AES blocks', () => {
    expect(outcome(resigned(message, Buffer.alloc(20, 1).toString('base64')))).toBe('ciphertext');
  });
});

describe('encryptAndSign', () => {
  it('produces what verifyAndDecrypt accepts, padded to 32-byte blocks, for Chinese text too', () => {
    const xml = buildWecomXml({ ToUserName: keys.corpId, Content: '欢迎 <光临> & ]]> 再见', CreateTime: 1 });
    const signed = encryptAndSign(keys, xml);
    expect(Buffer.from(signed.encrypted, 'base64').length % 32).toBe(0);
    expect(verifyAndDecrypt(keys, signed)).toBe(xml);
    expect(parseWecomXml(xml)?.Content).toBe('欢迎 <光临> & ]]> 再见');
  });

  it("reproduces the sample's exact ciphertext and signature from its message and random bytes", () => {
    const key = callbackAesKey(keys.aesKey);
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    const random = Buffer.concat([
      decipher.update(Buffer.from(message.encrypted, 'base64')),
      decipher.final(),
    ]).subarray(0, 16);
    const again = encryptAndSign(keys, verifyAndDecrypt(keys, message), {
      timestamp: message.timestamp,
      nonce: message.nonce,
      random,
    });
    expect(again).toEqual(message);
  });
});

describe('WeCom XML', () => {
  it('reads CDATA and plain elements, decodes entities, and refuses DTDs and non-WeCom documents', () => {
    expect(parseWecomXml('<xml><A><![CDATA[x<y]]></A><B>1 &amp; 2</B><C><D>nested</D></C></xml>')).toEqual({
      A: 'x<y',
      B: '1 & 2',
      D: 'nested',
    });
    expect(parseWecomXml('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><A>&e;</A></xml>')).toBeNull();
    expect(parseWecomXml('{"json":true}')).toBeNull();
  });

  it('keeps an element named __proto__ as data, never as the prototype', () => {
    const fields = parseWecomXml('<xml><__proto__><![CDATA[polluted]]></__proto__></xml>')!;
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.hasOwn(fields, '__proto__')).toBe(true);
  });
});

describe('callback settings', () => {
  const real = {
    WECHAT_APPID: 'wx0000000000000001',
    WECHAT_SECRET: 's',
    WECOM_CORPID: 'ww1',
    WECOM_AGENTID: '1',
    WECOM_SECRET: 's',
  };
  const production = {
    ...real,
    CARELOOP_ENV: 'production',
    JWT_SECRET: 'x'.repeat(32),
    PHONE_ENCRYPTION_KEY: 'a'.repeat(64),
    PHONE_LOOKUP_KEY: 'b'.repeat(64),
    PAY_MCHID: '1900000109',
  };

  it('uses the public sandbox token and EncodingAESKey in sandbox mode', () => {
    const config = loadConfig({});
    expect(config.wecom.callback).toEqual({ token: SANDBOX.wecomCallbackToken, aesKey: SANDBOX.wecomCallbackAesKey });
    expect(callbackAesKey(config.wecom.callback.aesKey)).toHaveLength(32);
  });

  it('requires WECOM_CALLBACK_TOKEN and WECOM_CALLBACK_AES_KEY in production', () => {
    expect(() => loadConfig(production)).toThrow(/WECOM_CALLBACK_TOKEN and WECOM_CALLBACK_AES_KEY are required/);
  });

  it('rejects an EncodingAESKey that is not 43 letters or digits, and one setting without the other', () => {
    expect(() => loadConfig({ ...real, WECOM_CALLBACK_TOKEN: 't', WECOM_CALLBACK_AES_KEY: 'short' })).toThrow(
      /WECOM_CALLBACK_AES_KEY/,
    );
    expect(() => loadConfig({ ...real, WECOM_CALLBACK_TOKEN: 't' })).toThrow(ConfigError);
  });

  it('takes the configured values when set', () => {
    const config = loadConfig({ ...real, WECOM_CALLBACK_TOKEN: 'QDG6eK', WECOM_CALLBACK_AES_KEY: keys.aesKey });
    expect(config.wecom.callback).toEqual({ token: 'QDG6eK', aesKey: keys.aesKey });
  });
});
