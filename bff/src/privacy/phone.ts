/**
 * Phone numbers at rest. A number is normalised (mainland China mobile, 11 digits), then stored twice:
 * - encrypted with AES-256-GCM (random 12-byte IV, authenticated), to show it masked or reveal it;
 * - as an HMAC-SHA256 of the normalised number under a separate key, for lookups and unique indexes.
 *
 * Ciphertext format: `p1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts). `p1` is the format version,
 * `keyId` names the key (the first 8 hex digits of the key's SHA-256, so it is never configured by hand and
 * cannot name the wrong key). The prefix is authenticated as additional data. To rotate the encryption key,
 * set the new key as PHONE_ENCRYPTION_KEY and move the old one to PHONE_ENCRYPTION_PREVIOUS_KEYS; old
 * ciphertexts stay readable and `needsReencryption` tells which to rewrite. The lookup key cannot rotate that
 * way: every stored hash would have to be recomputed from the decrypted numbers.
 *
 * Callers pass the `Config` or a `PhoneVault` made once with `createPhoneVault(config)`.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import type { Config } from '@careloop/config';
import { AppError } from '../http/errors';

const FORMAT = 'p1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/** A number that is not a mainland China mobile number; answered over HTTP as 400 `INVALID_PHONE`. */
export class InvalidPhoneError extends AppError {
  constructor(message = 'Enter a mainland China mobile number (11 digits starting with 13–19)') {
    super('INVALID_PHONE', message);
    this.name = 'InvalidPhoneError';
  }
}

/** A ciphertext that is malformed, was altered, or was made with a key this server does not have. */
export class PhoneDecryptionError extends Error {
  override name = 'PhoneDecryptionError';
}

/**
 * The normalised 11-digit number, from what a person may type: spaces, dashes, dots, brackets, full-width
 * digits, and a `+86`, `86` or `0086` country prefix are accepted. Anything else throws `InvalidPhoneError`.
 */
export function normalisePhone(input: unknown): string {
  const phone = tryNormalisePhone(input);
  if (phone === null) throw new InvalidPhoneError();
  return phone;
}

/** Like `normalisePhone`, but null instead of an error. */
export function tryNormalisePhone(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 40) return null;
  let digits = input
    .normalize('NFKC')
    .trim()
    .replace(/[\s\-.()]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return MAINLAND_MOBILE.test(digits) ? digits : null;
}

/** Well-known placeholders people type when they do not want to give their number (besides the patterns below). */
const KNOWN_TEST_NUMBERS = new Set(['13800138000']);

/**
 * True for a number that must never link anyone: a placeholder or test number (13800138000, 12345678901, a run of
 * one digit, a number whose last eight digits are one digit or 12345678/87654321), and anything that is not a
 * valid mainland mobile number at all (empty, null, -1, garbage). Use it before linking or merging by phone.
 */
export function isTestPhoneNumber(input: unknown): boolean {
  const phone = tryNormalisePhone(input);
  if (phone === null) return true;
  const subscriber = phone.slice(3);
  return (
    KNOWN_TEST_NUMBERS.has(phone) ||
    /^(\d)\1{7}$/.test(subscriber) ||
    subscriber === '12345678' ||
    subscriber === '87654321'
  );
}

/** `138****5678`; a value that is not a valid number is masked whole, keeping at most its last two characters. */
export function maskPhone(input: string): string {
  const phone = tryNormalisePhone(input);
  if (phone) return `${phone.slice(0, 3)}****${phone.slice(7)}`;
  const visible = input.length > 6 ? input.slice(-2) : '';
  return '*'.repeat(Math.max(4, input.length - visible.length)) + visible;
}

const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

type PhoneKeys = Config['privacy']['phone'];

/** Encrypts, decrypts and hashes phone numbers with the configured keys. */
export class PhoneVault {
  private readonly currentKeyId: string;
  private readonly keys = new Map<string, Buffer>();
  private readonly lookupKey: Buffer;

  constructor(keys: Pick<PhoneKeys, 'encryptionKey' | 'lookupKey'> & Partial<PhoneKeys>) {
    for (const key of [keys.encryptionKey, ...(keys.previousEncryptionKeys ?? []), keys.lookupKey]) {
      if (key.length !== 32) throw new Error('Phone keys must be 32 bytes');
    }
    if (keys.encryptionKey.equals(keys.lookupKey))
      throw new Error('The phone lookup key must differ from the encryption key');
    this.currentKeyId = keyId(keys.encryptionKey);
    for (const key of keys.previousEncryptionKeys ?? []) this.keys.set(keyId(key), key);
    this.keys.set(this.currentKeyId, keys.encryptionKey);
    this.lookupKey = keys.lookupKey;
  }

  /** Normalises and encrypts; throws `InvalidPhoneError` for a number that is not a mainland mobile. */
  encrypt(phone: string): string {
    const plain = normalisePhone(phone);
    const iv = randomBytes(IV_BYTES);
    const header = `${FORMAT}.${this.currentKeyId}`;
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(header));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      header,
      iv.toString('base64url'),
      body.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
  }

  /** The normalised number; throws `PhoneDecryptionError` when the ciphertext was altered or the key is unknown. */
  decrypt(ciphertext: string): string {
    const parts = ciphertext.split('.');
    if (parts.length !== 5 || parts[0] !== FORMAT) throw new PhoneDecryptionError('Not a phone ciphertext');
    const [format, id, iv, body, tag] = parts as [string, string, string, string, string];
    const key = this.keys.get(id);
    if (!key) throw new PhoneDecryptionError(`No phone encryption key with id ${id} is configured`);
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) {
      throw new PhoneDecryptionError('Not a phone ciphertext');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${format}.${id}`));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new PhoneDecryptionError('The phone ciphertext does not authenticate (altered, or the wrong key)');
    }
  }

  /** True when the ciphertext was made with a previous key and should be rewritten with the current one. */
  needsReencryption(ciphertext: string): boolean {
    return ciphertext.split('.')[1] !== this.currentKeyId;
  }

  /** Hex HMAC-SHA256 of the normalised number: equal numbers, however typed, give equal hashes. */
  lookupHash(phone: string): string {
    return createHmac('sha256', this.lookupKey).update(normalisePhone(phone)).digest('hex');
  }

  mask(phone: string): string {
    return maskPhone(phone);
  }
}

const vaults = new WeakMap<object, PhoneVault>();

/** The vault for a configuration (made once per configuration object). */
export function createPhoneVault(config: Pick<Config, 'privacy'>): PhoneVault {
  let vault = vaults.get(config.privacy.phone);
  if (!vault) {
    vault = new PhoneVault(config.privacy.phone);
    vaults.set(config.privacy.phone, vault);
  }
  return vault;
}

/** What the functions below take: the configuration or a vault made from it. */
export type PhoneKeySource = PhoneVault | Pick<Config, 'privacy'>;
const vaultOf = (source: PhoneKeySource) => (source instanceof PhoneVault ? source : createPhoneVault(source));

/** Normalises and encrypts a number (see `PhoneVault.encrypt`). */
export function encryptPhone(source: PhoneKeySource, phone: string): string {
  return vaultOf(source).encrypt(phone);
}

/** Decrypts a stored ciphertext to the normalised number (see `PhoneVault.decrypt`). */
export function decryptPhone(source: PhoneKeySource, ciphertext: string): string {
  return vaultOf(source).decrypt(ciphertext);
}

/** The keyed lookup hash of a number (see `PhoneVault.lookupHash`). */
export function phoneLookupHash(source: PhoneKeySource, phone: string): string {
  return vaultOf(source).lookupHash(phone);
}
