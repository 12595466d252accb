/**
 * Where the Pay client gets its keys: from the configuration (the real WeChat Pay), or — in sandbox mode — from
 * the database, where the sandbox generated them once for every instance sharing it
 * (platform/sandbox/payKeys.ts). A provider is called per request and must cache.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { PayConfig } from '@careloop/config';
import { verificationKeys } from './crypto';

export interface PayKeys {
  /** Signs requests and requestPayment. */
  merchantPrivateKey: KeyObject;
  merchantPrivateKeyPem: string;
  /** The merchant's public key (what WeChat Pay, or the sandbox, verifies requests with). */
  merchantPublicKeyPem: string;
  merchantSerial: string;
  /** Verification keys by `Wechatpay-Serial`. */
  verification: ReadonlyMap<string, KeyObject>;
  /** Sent as `Wechatpay-Serial` on requests when verifying by the WeChat Pay public key. */
  publicKeyId: string | null;
}

export type PayKeyProvider = () => Promise<PayKeys>;

export function buildPayKeys(input: {
  merchantPrivateKey: string;
  merchantSerial: string;
  verification: readonly { serial: string; publicKey: string }[];
  publicKeyId: string | null;
}): PayKeys {
  const merchantPrivateKey = createPrivateKey(input.merchantPrivateKey);
  return {
    merchantPrivateKey,
    merchantPrivateKeyPem: merchantPrivateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    merchantPublicKeyPem: createPublicKey(merchantPrivateKey).export({ type: 'spki', format: 'pem' }).toString(),
    merchantSerial: input.merchantSerial,
    verification: verificationKeys(input.verification),
    publicKeyId: input.publicKeyId,
  };
}

/** The keys of a real merchant, from the configuration. */
export function configuredPayKeys(keys: NonNullable<PayConfig['keys']>): PayKeyProvider {
  const built = buildPayKeys(keys);
  return async () => built;
}
