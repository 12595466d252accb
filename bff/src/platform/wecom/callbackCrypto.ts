/**
 * WeCom's callback encryption (the scheme of its WXBizMsgCrypt samples), for receiving callbacks and, in the
 * sandbox, for sending them:
 *
 * - `msg_signature` = sha1 hex of token, timestamp, nonce and the encrypted message, sorted and concatenated;
 * - AES-256-CBC with key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7 padding to
 *   32-byte blocks (not AES's 16: so Node's own padding is off and done here);
 * - plaintext = 16 random bytes | 4-byte big-endian message length | message | receiveid (the corp id).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface CallbackKeys {
  /** The Token set in WeCom's admin console for the callback URL. */
  token: string;
  /** The 43-character EncodingAESKey. */
  aesKey: string;
  /** The receiveid every message must carry: the corp id. */
  corpId: string;
}

export interface SignedCallback {
  msgSignature: string;
  timestamp: string;
  nonce: string;
  /** The base64 ciphertext (`echostr` of the URL check, or `<Encrypt>` of a message). */
  encrypted: string;
}

export type CallbackCryptoFailure = 'signature' | 'ciphertext' | 'padding' | 'length' | 'receiveid' | 'key';

/** A callback that is not WeCom's: wrong signature, undecryptable, or for another corp. */
export class CallbackCryptoError extends Error {
  override name = 'CallbackCryptoError';
  constructor(
    readonly reason: CallbackCryptoFailure,
    message: string,
  ) {
    super(message);
  }
}

const BLOCK = 32;

/** The 32-byte AES key of an EncodingAESKey (43 base64 characters). */
export function callbackAesKey(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) {
    throw new CallbackCryptoError('key', 'The EncodingAESKey must be 43 characters of base64');
  }
  const key = Buffer.from(encodingAesKey + '=', 'base64');
  if (key.length !== 32) throw new CallbackCryptoError('key', 'The EncodingAESKey does not decode to 32 bytes');
  return key;
}

/** sha1 hex of the four strings sorted lexicographically (by UTF-16 code unit, as the samples sort) and joined. */
export function callbackSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypted].sort().join('')).digest('hex');
}

function signatureMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Verifies `msg_signature` (in constant time), decrypts and checks the receiveid; answers the message. */
export function verifyAndDecrypt(keys: CallbackKeys, callback: SignedCallback): string {
  const expected = callbackSignature(keys.token, callback.timestamp, callback.nonce, callback.encrypted);
  if (!signatureMatches(expected, callback.msgSignature)) {
    throw new CallbackCryptoError('signature', 'msg_signature does not match');
  }
  return decrypt(keys, callback.encrypted);
}

/** Decrypts a message whose signature was checked. */
export function decrypt(keys: Pick<CallbackKeys, 'aesKey' | 'corpId'>, encrypted: string): string {
  const key = callbackAesKey(keys.aesKey);
  const ciphertext = Buffer.from(encrypted, 'base64');
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0 || !/^[A-Za-z0-9+/]+=*$/.test(encrypted)) {
    throw new CallbackCryptoError('ciphertext', 'The ciphertext is not base64 AES blocks');
  }
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);

  const pad = padded[padded.length - 1]!;
  if (pad < 1 || pad > BLOCK || pad > padded.length || !padded.subarray(-pad).every((byte) => byte === pad)) {
    throw new CallbackCryptoError('padding', 'Invalid PKCS#7 padding');
  }
  const plain = padded.subarray(0, padded.length - pad);
  if (plain.length < 20) throw new CallbackCryptoError('length', 'The plaintext is too short');
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) throw new CallbackCryptoError('length', 'The message length exceeds the plaintext');
  const receiveId = plain.subarray(20 + length).toString('utf8');
  if (receiveId !== keys.corpId) {
    throw new CallbackCryptoError('receiveid', 'The message is addressed to another corp (receiveid)');
  }
  return plain.subarray(20, 20 + length).toString('utf8');
}

/**
 * Encrypts a message and signs it as WeCom does (the sandbox sends callbacks with it; a passive reply can use it).
 * `timestamp`, `nonce` and the 16 random bytes are generated unless given.
 */
export function encryptAndSign(
  keys: CallbackKeys,
  message: string,
  options: { timestamp?: string; nonce?: string; random?: Buffer } = {},
): SignedCallback {
  const key = callbackAesKey(keys.aesKey);
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  const random = options.random ?? randomBytes(16);
  if (random.length !== 16) throw new Error('encryptAndSign: random must be 16 bytes');
  const plain = Buffer.concat([random, length, body, Buffer.from(keys.corpId, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  const encrypted = Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString('base64');
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? String(randomBytes(4).readUInt32BE(0));
  return {
    msgSignature: callbackSignature(keys.token, timestamp, nonce, encrypted),
    timestamp,
    nonce,
    encrypted,
  };
}
