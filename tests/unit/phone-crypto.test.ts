import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '@careloop/config';
import {
  createPhoneVault,
  decryptPhone,
  encryptPhone,
  InvalidPhoneError,
  isTestPhoneNumber,
  maskPhone,
  normalisePhone,
  PhoneDecryptionError,
  phoneLookupHash,
  PhoneVault,
} from '../../bff/src/privacy/phone';

const hexKey = () => randomBytes(32).toString('hex');
const configWith = (env: Record<string, string> = {}) => loadConfig({ CARELOOP_ENV: 'test', ...env });

describe('phone number normalisation', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+86-13812345678', '13812345678'],
    ['8613812345678', '13812345678'],
    ['0086 138 1234 5678', '13812345678'],
    ['(+86) 191.2345.6789', '19123456789'],
    ['１３８１２３４５６７８', '13812345678'],
    ['  15912345678  ', '15912345678'],
  ])('reads %j as %s', (input, expected) => {
    expect(normalisePhone(input)).toBe(expected);
  });

  it.each(['', '1381234567', '138123456789', '12812345678', '23812345678', '+1 415 555 0100', '138abcd5678', '86'])(
    'rejects %j with INVALID_PHONE',
    (input) => {
      expect(() => normalisePhone(input)).toThrow(InvalidPhoneError);
      try {
        normalisePhone(input);
      } catch (error) {
        expect(error).toMatchObject({ code: 'INVALID_PHONE', status: 400 });
      }
    },
  );

  it('rejects values that are not strings', () => {
    for (const value of [null, undefined, 13812345678, {}])
      expect(() => normalisePhone(value)).toThrow(InvalidPhoneError);
  });
});

describe('placeholder and test numbers', () => {
  it.each([
    '13800138000',
    '12345678901',
    '11111111111',
    '13333333333',
    '13900000000',
    '139 1234 5678',
    '18887654321',
    '',
    '-1',
    'null',
  ])('never lets %j link anyone', (value) => {
    expect(isTestPhoneNumber(value)).toBe(true);
  });

  it.each(['13812345679', '15900001234', '+86 186 2231 9087'])('treats %j as a real number', (value) => {
    expect(isTestPhoneNumber(value)).toBe(false);
  });
});

describe('masking', () => {
  it('shows the first three and last four digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138-1234-5678')).toBe('138****5678');
  });

  it('hides all but two characters of something that is not a valid number', () => {
    expect(maskPhone('02012345678')).toBe('*********78');
    expect(maskPhone('123')).toBe('****');
  });
});

describe('phone encryption', () => {
  const config = configWith({ PHONE_ENCRYPTION_KEY: hexKey(), PHONE_LOOKUP_KEY: hexKey() });

  it('round-trips a number, normalised, with a fresh IV each time', () => {
    const first = encryptPhone(config, '+86 138 1234 5678');
    const second = encryptPhone(config, '13812345678');
    expect(first).not.toBe(second);
    expect(first).not.toContain('13812345678');
    expect(first).toMatch(/^p1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(decryptPhone(config, first)).toBe('13812345678');
    expect(decryptPhone(createPhoneVault(config), second)).toBe('13812345678');
  });

  it('refuses to encrypt a number that is not valid', () => {
    expect(() => encryptPhone(config, '12345')).toThrow(InvalidPhoneError);
  });

  it('rejects a tampered ciphertext', () => {
    const ciphertext = encryptPhone(config, '13812345678');
    const parts = ciphertext.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0]! ^= 1;
    const tamperedBody = [...parts.slice(0, 3), body.toString('base64url'), parts[4]].join('.');
    expect(() => decryptPhone(config, tamperedBody)).toThrow(PhoneDecryptionError);
    const tag = Buffer.from(parts[4]!, 'base64url');
    tag[0]! ^= 1;
    const tamperedTag = [...parts.slice(0, 4), tag.toString('base64url')].join('.');
    expect(() => decryptPhone(config, tamperedTag)).toThrow(PhoneDecryptionError);
    expect(() => decryptPhone(config, 'not-a-ciphertext')).toThrow(PhoneDecryptionError);
  });

  it('rejects a ciphertext made with another key, even when it claims this key’s id', () => {
    const other = configWith({ PHONE_ENCRYPTION_KEY: hexKey(), PHONE_LOOKUP_KEY: hexKey() });
    const foreign = encryptPhone(other, '13812345678');
    expect(() => decryptPhone(config, foreign)).toThrow(/No phone encryption key/);
    const ownId = encryptPhone(config, '13812345678').split('.')[1];
    const relabelled = foreign
      .split('.')
      .map((part, index) => (index === 1 ? ownId : part))
      .join('.');
    expect(() => decryptPhone(config, relabelled)).toThrow(PhoneDecryptionError);
  });

  it('still decrypts with a previous key after rotation, and says which ciphertexts to rewrite', () => {
    const oldKey = hexKey();
    const lookup = hexKey();
    const before = configWith({ PHONE_ENCRYPTION_KEY: oldKey, PHONE_LOOKUP_KEY: lookup });
    const stored = encryptPhone(before, '13812345678');
    const after = configWith({
      PHONE_ENCRYPTION_KEY: hexKey(),
      PHONE_ENCRYPTION_PREVIOUS_KEYS: oldKey,
      PHONE_LOOKUP_KEY: lookup,
    });
    const vault = createPhoneVault(after);
    expect(vault.decrypt(stored)).toBe('13812345678');
    expect(vault.needsReencryption(stored)).toBe(true);
    expect(vault.needsReencryption(vault.encrypt('13812345678'))).toBe(false);
  });
});

describe('phone lookup hash', () => {
  it('is the same for the same number however it was typed', () => {
    const config = configWith({ PHONE_ENCRYPTION_KEY: hexKey(), PHONE_LOOKUP_KEY: hexKey() });
    const hash = phoneLookupHash(config, '13812345678');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(phoneLookupHash(config, '+86 138-1234-5678')).toBe(hash);
    expect(phoneLookupHash(configWith(), '13812345678')).toBe(phoneLookupHash(configWith(), '13812345678'));
    expect(phoneLookupHash(config, '13812345679')).not.toBe(hash);
  });

  it('depends on the lookup key, not on the encryption key', () => {
    const lookup = hexKey();
    const a = configWith({ PHONE_ENCRYPTION_KEY: hexKey(), PHONE_LOOKUP_KEY: lookup });
    const b = configWith({ PHONE_ENCRYPTION_KEY: hexKey(), PHONE_LOOKUP_KEY: lookup });
    const c = configWith({ PHONE_ENCRYPTION_KEY: hexKey(), PHONE_LOOKUP_KEY: hexKey() });
    expect(phoneLookupHash(a, '13812345678')).toBe(phoneLookupHash(b, '13812345678'));
    expect(phoneLookupHash(a, '13812345678')).not.toBe(phoneLookupHash(c, '13812345678'));
  });
});

describe('phone key configuration', () => {
  it('accepts 32-byte keys as hex or base64 and uses clearly dev-only keys when none are set', () => {
    const base64 = configWith({
      PHONE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PHONE_LOOKUP_KEY: randomBytes(32).toString('base64url'),
    });
    expect(base64.privacy.phone.encryptionKey).toHaveLength(32);
    expect(base64.privacy.phone.developmentKeys).toBe(false);
    const defaults = configWith();
    expect(defaults.privacy.phone.developmentKeys).toBe(true);
    expect(defaults.privacy.phone.encryptionKey.equals(defaults.privacy.phone.lookupKey)).toBe(false);
  });

  it('fails fast on a key of the wrong size or form, naming the variable', () => {
    expect(() => configWith({ PHONE_ENCRYPTION_KEY: 'abc', PHONE_LOOKUP_KEY: hexKey() })).toThrow(
      /PHONE_ENCRYPTION_KEY: must be 32 bytes/,
    );
    expect(() =>
      configWith({ PHONE_ENCRYPTION_KEY: hexKey(), PHONE_LOOKUP_KEY: randomBytes(16).toString('base64') }),
    ).toThrow(/PHONE_LOOKUP_KEY/);
    expect(() => configWith({ PHONE_ENCRYPTION_KEY: hexKey() })).toThrow(
      /both PHONE_ENCRYPTION_KEY and PHONE_LOOKUP_KEY/,
    );
    const same = hexKey();
    expect(() => configWith({ PHONE_ENCRYPTION_KEY: same, PHONE_LOOKUP_KEY: same })).toThrow(/must differ/);
    expect(() => new PhoneVault({ encryptionKey: Buffer.alloc(16), lookupKey: Buffer.alloc(32, 1) })).toThrow(
      /32 bytes/,
    );
  });

  /** WeChat Pay credentials, which production also requires (with a freshly generated key pair). */
  function productionPayConfig() {
    const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return {
      PAY_MCHID: '1230000109',
      PAY_APIV3_KEY: 'a'.repeat(32),
      PAY_MERCHANT_PRIVATE_KEY: merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      PAY_MERCHANT_SERIAL: 'abcdef0123456789',
      PAY_PUBLIC_KEY: platform.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      PAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0000000000000000000000000000',
    };
  }

  it('requires both phone keys in production', () => {
    const production = {
      CARELOOP_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      WECHAT_APPID: 'wx123',
      WECHAT_SECRET: 's1',
      WECOM_CORPID: 'ww456',
      WECOM_AGENTID: '1000005',
      WECOM_SECRET: 's2',
      WECOM_CALLBACK_TOKEN: 'callbackToken1',
      WECOM_CALLBACK_AES_KEY: 'a'.repeat(43),
      ...productionPayConfig(),
    };
    expect(() => loadConfig(production)).toThrow(ConfigError);
    expect(() => loadConfig(production)).toThrow(/PHONE_ENCRYPTION_KEY and PHONE_LOOKUP_KEY are required/);
    const config = loadConfig({ ...production, PHONE_ENCRYPTION_KEY: hexKey(), PHONE_LOOKUP_KEY: hexKey() });
    expect(config.privacy.phone.developmentKeys).toBe(false);
  });

  it('never shows the phone keys when the configuration is described for the log', () => {
    const key = hexKey();
    const config = configWith({ PHONE_ENCRYPTION_KEY: key, PHONE_LOOKUP_KEY: hexKey() });
    const described = JSON.stringify(describeConfig(config));
    expect(described).not.toContain(key);
    expect(described).not.toContain(config.privacy.phone.encryptionKey.toString('base64'));
    expect(described).not.toMatch(/"type":"Buffer"/);
  });
});
