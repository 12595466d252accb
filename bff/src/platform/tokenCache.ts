/**
 * Access tokens and tickets shared by every BFF instance. WeChat and WeCom rate-limit token calls and a new
 * token can invalidate the old one, so one instance at a time refreshes a token (a lease taken with a
 * single-document conditional update) a few minutes before it expires; the others keep using the current one.
 */
import { randomUUID } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { isDuplicateKey } from '../db/retry';

const platformTokenSchema = new Schema(
  {
    _id: { type: String },
    value: { type: String, default: null },
    expiresAt: { type: Date, default: null },
    leaseOwner: { type: String, default: null },
    leaseUntil: { type: Date, default: null },
  },
  { versionKey: false },
);
const PlatformTokenModel = mongoose.model('PlatformToken', platformTokenSchema, 'platform_tokens');

export interface FetchedToken {
  value: string;
  expiresInSeconds: number;
}
/** `stale` is true when the current token was reported invalid, so the fetch must not return it again. */
export type TokenFetcher = (stale: boolean) => Promise<FetchedToken>;

const REFRESH_MARGIN_MS = 5 * 60_000;
const LEASE_MS = 15_000;
const POLL_MS = 50;

export class TokenCache {
  private readonly instanceId = randomUUID();
  private readonly memory = new Map<string, { value: string; expiresAt: number }>();

  /** The current token for `key`, fetched (by one instance) when absent or about to expire. */
  async get(key: string, fetcher: TokenFetcher): Promise<string> {
    const remembered = this.memory.get(key);
    if (remembered && remembered.expiresAt - REFRESH_MARGIN_MS > Date.now()) return remembered.value;

    const deadline = Date.now() + LEASE_MS * 2;
    for (;;) {
      const stored = await PlatformTokenModel.findById(key).lean();
      const now = Date.now();
      const expiresAt = stored?.expiresAt?.getTime() ?? 0;
      if (stored?.value && expiresAt - REFRESH_MARGIN_MS > now) {
        this.memory.set(key, { value: stored.value, expiresAt });
        return stored.value;
      }
      // expiresAt 0 marks a token the platform rejected (see invalidate), as opposed to one merely expiring.
      if (await this.takeLease(key)) return this.refresh(key, fetcher, stored?.expiresAt?.getTime() === 0);
      // Another instance is refreshing: a token that is still valid may be used meanwhile.
      if (stored?.value && expiresAt > now) return stored.value;
      if (now > deadline) throw new Error(`Timed out waiting for another instance to refresh ${key}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Marks `value` as rejected by the platform, so the next `get` fetches a new one. */
  async invalidate(key: string, value: string): Promise<void> {
    this.memory.delete(key);
    await PlatformTokenModel.updateOne({ _id: key, value }, { $set: { expiresAt: new Date(0) } });
  }

  private async takeLease(key: string): Promise<boolean> {
    const now = new Date();
    try {
      // Only while the token still needs refreshing: an instance that read the document just before another
      // stored a fresh token must not take the lease and fetch again.
      const result = await PlatformTokenModel.updateOne(
        {
          _id: key,
          $and: [
            { $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }] },
            { $or: [{ expiresAt: null }, { expiresAt: { $lt: new Date(now.getTime() + REFRESH_MARGIN_MS) } }] },
          ],
        },
        { $set: { leaseOwner: this.instanceId, leaseUntil: new Date(now.getTime() + LEASE_MS) } },
        { upsert: true },
      );
      return result.modifiedCount + result.upsertedCount === 1;
    } catch (error) {
      // The document exists and another instance holds the lease, or the token is fresh: the upsert's insert
      // hit the _id.
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  private async refresh(key: string, fetcher: TokenFetcher, stale: boolean): Promise<string> {
    try {
      const fetched = await fetcher(stale);
      const expiresAt = new Date(Date.now() + fetched.expiresInSeconds * 1000);
      await PlatformTokenModel.updateOne(
        { _id: key, leaseOwner: this.instanceId },
        { $set: { value: fetched.value, expiresAt, leaseOwner: null, leaseUntil: null } },
      );
      this.memory.set(key, { value: fetched.value, expiresAt: expiresAt.getTime() });
      return fetched.value;
    } catch (error) {
      await PlatformTokenModel.updateOne(
        { _id: key, leaseOwner: this.instanceId },
        { $set: { leaseOwner: null, leaseUntil: null } },
      );
      throw error;
    }
  }
}
