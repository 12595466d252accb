/**
 * The sandbox's WeChat Pay keys: the merchant's key pair (the BFF signs requests with it, the emulator verifies
 * them) and the emulated WeChat Pay's key pair (the emulator signs answers and notifications, the BFF verifies
 * them, in public-key mode: `Wechatpay-Serial: PUB_KEY_ID_…`).
 *
 * They must be the same on every BFF instance sharing the database — an order is created through one instance's
 * emulator and its notification may be sent by another's and received by a third — so they are generated once,
 * by whichever instance first needs them, and kept in one document (`sandbox_pay_keys`, _id `wechat_pay`): the
 * first insert wins, a racing instance's insert fails on the _id and it reads the winner's keys. Every instance
 * reads them lazily (the configuration is loaded before the database is reached) and caches them for its
 * connection. Nothing here runs outside sandbox mode; the APIv3 key is a public constant (config SANDBOX).
 */
import {
  generateKeyPair,
  randomBytes,
  randomInt,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import mongoose, { Schema } from 'mongoose';
import { isDuplicateKey } from '../../db/retry';
import { buildPayKeys, type PayKeyProvider, type PayKeys } from '../pay/keys';

const KEYS_ID = 'wechat_pay';

const sandboxPayKeysSchema = new Schema(
  {
    _id: { type: String, required: true },
    merchantPrivateKey: { type: String, required: true },
    merchantSerial: { type: String, required: true },
    platformPrivateKey: { type: String, required: true },
    platformPublicKey: { type: String, required: true },
    publicKeyId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
export const SandboxPayKeysModel = mongoose.model('SandboxPayKeys', sandboxPayKeysSchema, 'sandbox_pay_keys');

export interface SandboxPayKeyMaterial {
  /** What the BFF's Pay client uses. */
  client: PayKeys;
  /** What the emulated WeChat Pay uses. */
  merchantPublicKey: KeyObject;
  merchantSerial: string;
  platformPrivateKey: KeyObject;
  publicKeyId: string;
}

const generateRsa = promisify(generateKeyPair);

async function generateRsaPem() {
  const { privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Reads the keys of this database, creating them if none exist yet (uncached; see sandboxPayKeyMaterial). */
export async function loadOrCreateSandboxPayKeys(): Promise<SandboxPayKeyMaterial> {
  let doc = await SandboxPayKeysModel.findById(KEYS_ID).lean();
  if (!doc) {
    const [merchantPrivateKey, platformPrivateKey] = await Promise.all([generateRsaPem(), generateRsaPem()]);
    try {
      await SandboxPayKeysModel.create({
        _id: KEYS_ID,
        merchantPrivateKey,
        // A merchant API certificate serial: 40 hex digits.
        merchantSerial: randomBytes(20).toString('hex').toUpperCase(),
        platformPrivateKey,
        platformPublicKey: createPublicKey(platformPrivateKey).export({ type: 'spki', format: 'pem' }).toString(),
        publicKeyId: `PUB_KEY_ID_${Array.from({ length: 34 }, () => randomInt(10)).join('')}`,
        createdAt: new Date(),
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // another instance created them first: use those
    }
    doc = await SandboxPayKeysModel.findById(KEYS_ID).lean();
    if (!doc) throw new Error('sandbox WeChat Pay keys vanished after creation');
  }
  const merchantPrivate = createPrivateKey(doc.merchantPrivateKey);
  return {
    client: buildPayKeys({
      merchantPrivateKey: doc.merchantPrivateKey,
      merchantSerial: doc.merchantSerial,
      verification: [{ serial: doc.publicKeyId, publicKey: doc.platformPublicKey }],
      publicKeyId: doc.publicKeyId,
    }),
    merchantPublicKey: createPublicKey(merchantPrivate),
    merchantSerial: doc.merchantSerial,
    platformPrivateKey: createPrivateKey(doc.platformPrivateKey),
    publicKeyId: doc.publicKeyId,
  };
}

let cache: { db: unknown; material: Promise<SandboxPayKeyMaterial> } | null = null;

/** The keys, from the database of the current connection (generated on first use); cached per connection. */
export function sandboxPayKeyMaterial(): Promise<SandboxPayKeyMaterial> {
  const db = mongoose.connection.db;
  if (!db) return Promise.reject(new Error('sandbox WeChat Pay keys need the database connection'));
  if (cache?.db !== db) {
    const material = loadOrCreateSandboxPayKeys();
    cache = { db, material };
    material.catch(() => {
      if (cache?.material === material) cache = null; // try again next time
    });
  }
  return cache.material;
}

/** The Pay client's key provider in sandbox mode. */
export const sandboxPayKeys: PayKeyProvider = async () => (await sandboxPayKeyMaterial()).client;
