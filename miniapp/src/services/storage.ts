import type { TokenPair } from '@careloop/shared';
import type { TokenStore } from '@careloop/shared/client';

/** Synchronous key-value storage (Taro's getStorageSync & co. in the app, a Map in tests). */
export interface KeyValueStorage {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  remove(key: string): void;
}

export const TOKEN_STORAGE_KEY = 'careloop.session';

function isTokenPair(value: unknown): value is TokenPair {
  if (typeof value !== 'object' || value === null) return false;
  const { accessToken, refreshToken, expiresIn } = value as Partial<Record<keyof TokenPair, unknown>>;
  return typeof accessToken === 'string' && typeof refreshToken === 'string' && typeof expiresIn === 'number';
}

/** Keeps the session tokens in storage so a restart does not need a new WeChat login. */
export function createStorageTokenStore(storage: KeyValueStorage, key = TOKEN_STORAGE_KEY): TokenStore {
  let cached: TokenPair | null | undefined;
  return {
    get() {
      if (cached === undefined) {
        const stored = storage.get(key);
        cached = isTokenPair(stored) ? stored : null;
      }
      return cached;
    },
    set(tokens) {
      cached = tokens
        ? { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresIn: tokens.expiresIn }
        : null;
      if (cached) storage.set(key, cached);
      else storage.remove(key);
    },
  };
}
