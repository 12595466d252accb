/**
 * The cryptography of WeChat Pay APIv3, on node:crypto:
 * - SHA256withRSA signatures: the merchant signs requests (`METHOD\nURL\ntimestamp\nnonce\nbody\n`) and the
 *   mini-program's requestPayment (`appId\ntimeStamp\nnonceStr\npackage\n`); WeChat Pay signs responses and
 *   notifications (`timestamp\nnonce\nbody\n`, over the raw body) with the key `Wechatpay-Serial` names: a platform
 *   certificate's serial or the WeChat Pay public key's id (`PUB_KEY_ID_…`).
 * - AEAD_AES_256_GCM: notification resources are encrypted with the APIv3 key; the nonce and associated data are
 *   used as UTF-8 bytes and the last 16 bytes of the ciphertext are the authentication tag, which is CHECKED
 *   (`final()`; wechatpay-node-v3's `decipher_gcm` never calls it and so accepts tampered data).
 */
import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  createSign,
  createVerify,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

export const SIGNATURE_TYPE = 'WECHATPAY2-SHA256-RSA2048';
export const RESOURCE_ALGORITHM = 'AEAD_AES_256_GCM';
/** How far a notification's Wechatpay-Timestamp may be from our clock. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A random string of A–Z0–9 (nonce_str, Wechatpay-Nonce, resource nonces). */
export function randomNonce(length = 32): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += NONCE_ALPHABET[byte % NONCE_ALPHABET.length];
  return out;
}

export const unixSeconds = (at: Date = new Date()) => Math.floor(at.getTime() / 1000);

export function signSha256Rsa(privateKey: KeyObject | string, message: string): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKey, 'base64');
}

export function verifySha256Rsa(publicKey: KeyObject | string, message: string, signature: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(publicKey, signature, 'base64');
  } catch {
    return false; // a malformed key or signature never verifies
  }
}

/** The string WeChat Pay signs on a response or notification. */
export const responseMessage = (timestamp: string, nonce: string, body: string) => `${timestamp}\n${nonce}\n${body}\n`;

/** The string the merchant signs on a request; `url` is the path with its query string. */
export const requestMessage = (method: string, url: string, timestamp: string, nonce: string, body: string) =>
  `${method.toUpperCase()}\n${url}\n${timestamp}\n${nonce}\n${body}\n`;

/** The string signed for the mini-program's requestPayment (RSA). */
export const paySignMessage = (appId: string, timeStamp: string, nonceStr: string, packageValue: string) =>
  `${appId}\n${timeStamp}\n${nonceStr}\n${packageValue}\n`;

/** The Wechatpay-* headers of a response or notification. */
export interface WechatpaySignatureHeaders {
  timestamp?: string;
  nonce?: string;
  signature?: string;
  serial?: string;
  signatureType?: string;
}

/** Reads the Wechatpay-* headers from anything with a case-insensitive `get` or a lower-cased record. */
export function signatureHeaders(
  headers: { get(name: string): string | null } | Record<string, string | string[] | undefined>,
): WechatpaySignatureHeaders {
  const read = (name: string) => {
    const value =
      typeof (headers as { get?: unknown }).get === 'function'
        ? (headers as { get(name: string): string | null }).get(name)
        : (headers as Record<string, string | string[] | undefined>)[name];
    const single = Array.isArray(value) ? value[0] : value;
    return single ?? undefined;
  };
  return {
    timestamp: read('wechatpay-timestamp'),
    nonce: read('wechatpay-nonce'),
    signature: read('wechatpay-signature'),
    serial: read('wechatpay-serial'),
    signatureType: read('wechatpay-signature-type'),
  };
}

export type SignatureCheck =
  | { ok: true; serial: string }
  | {
      ok: false;
      reason: 'missing_headers' | 'unsupported_signature_type' | 'unknown_serial' | 'stale_timestamp' | 'bad_signature';
    };

/**
 * Verifies a WeChat Pay signature over `timestamp\nnonce\nbody\n` with the key `Wechatpay-Serial` names in
 * `keys` (an unknown serial is rejected, never tried against other keys). `maxSkewSeconds` bounds the distance of
 * the timestamp from `now` (null: no bound, for responses to our own requests).
 */
export function verifyWechatpaySignature(
  headers: WechatpaySignatureHeaders,
  body: string,
  keys: ReadonlyMap<string, KeyObject>,
  options: { now?: Date; maxSkewSeconds?: number | null } = {},
): SignatureCheck {
  const { timestamp, nonce, signature, serial, signatureType } = headers;
  if (!timestamp || !nonce || !signature || !serial) return { ok: false, reason: 'missing_headers' };
  if (signatureType && signatureType !== SIGNATURE_TYPE) return { ok: false, reason: 'unsupported_signature_type' };
  const key = keys.get(normaliseSerial(serial));
  if (!key) return { ok: false, reason: 'unknown_serial' };
  const maxSkew = options.maxSkewSeconds === undefined ? MAX_CLOCK_SKEW_SECONDS : options.maxSkewSeconds;
  if (maxSkew !== null) {
    if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'stale_timestamp' };
    if (Math.abs(unixSeconds(options.now) - Number(timestamp)) > maxSkew)
      return { ok: false, reason: 'stale_timestamp' };
  }
  if (!verifySha256Rsa(key, responseMessage(timestamp, nonce, body), signature)) {
    return { ok: false, reason: 'bad_signature' };
  }
  return { ok: true, serial };
}

/** Certificate serials are hex (compared upper-case); public key ids are kept as they are. */
export const normaliseSerial = (serial: string) => (serial.startsWith('PUB_KEY_ID_') ? serial : serial.toUpperCase());

/** A verification key map from `{ serial, publicKey PEM }` entries. */
export function verificationKeys(entries: readonly { serial: string; publicKey: string }[]): Map<string, KeyObject> {
  return new Map(entries.map((entry) => [normaliseSerial(entry.serial), createPublicKey(entry.publicKey)]));
}

export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  nonce: string;
  associated_data?: string;
  original_type?: string;
}

export class ResourceDecryptionError extends Error {
  override name = 'ResourceDecryptionError';
}

function aesKey(apiV3Key: string): Buffer {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new Error('The APIv3 key must be 32 bytes');
  return key;
}

/** Decrypts a notification resource; throws ResourceDecryptionError unless the GCM tag checks out. */
export function decryptResource(resource: EncryptedResource, apiV3Key: string): string {
  if (resource.algorithm !== RESOURCE_ALGORITHM) {
    throw new ResourceDecryptionError(`Unsupported algorithm ${resource.algorithm}`);
  }
  const data = Buffer.from(resource.ciphertext ?? '', 'base64');
  if (data.length <= 16 || !resource.nonce) throw new ResourceDecryptionError('Ciphertext or nonce missing');
  try {
    const decipher = createDecipheriv('aes-256-gcm', aesKey(apiV3Key), Buffer.from(resource.nonce, 'utf8'), {
      authTagLength: 16,
    });
    decipher.setAuthTag(data.subarray(data.length - 16));
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new ResourceDecryptionError(`Resource did not decrypt: ${(error as Error).message}`);
  }
}

/** Encrypts a resource as WeChat Pay does (the sandbox's notifications; tests). */
export function encryptResource(
  plaintext: string,
  apiV3Key: string,
  associatedData: string,
  originalType: string,
): Required<EncryptedResource> {
  const nonce = randomNonce(12);
  const cipher = createCipheriv('aes-256-gcm', aesKey(apiV3Key), Buffer.from(nonce, 'utf8'), { authTagLength: 16 });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    original_type: originalType,
    algorithm: RESOURCE_ALGORITHM,
    ciphertext: ciphertext.toString('base64'),
    associated_data: associatedData,
    nonce,
  };
}

/** The parts of `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",…`. */
export interface MerchantAuthorization {
  mchid: string;
  nonce_str: string;
  signature: string;
  timestamp: string;
  serial_no: string;
}

export function parseAuthorization(header: string | undefined): MerchantAuthorization | null {
  if (!header?.startsWith(`${SIGNATURE_TYPE} `)) return null;
  const fields: Record<string, string> = {};
  for (const match of header.slice(SIGNATURE_TYPE.length + 1).matchAll(/([a-z_]+)="([^"]*)"/g)) {
    fields[match[1]!] = match[2]!;
  }
  const { mchid, nonce_str, signature, timestamp, serial_no } = fields;
  if (!mchid || !nonce_str || !signature || !timestamp || !serial_no) return null;
  return { mchid, nonce_str, signature, timestamp, serial_no };
}

/** RFC 3339 in Beijing time, as WeChat Pay writes times: 2026-05-20T13:29:35+08:00. */
export function beijingTime(at: Date): string {
  const shifted = new Date(at.getTime() + 8 * 3600_000);
  return shifted.toISOString().replace(/\.\d{3}Z$/, '+08:00');
}
