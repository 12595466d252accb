import type { TokenPair } from '@careloop/shared';
import type { TokenStore } from '@careloop/shared/client';
import type { KeyValueStore } from './storage';

function isTokenPair(value: unknown): value is TokenPair {
  if (!value || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.accessToken === 'string' &&
    typeof record.refreshToken === 'string' &&
    typeof record.expiresIn === 'number'
  );
}

/** A TokenStore for the shared API client, kept as JSON under one key; anything unreadable counts as no session. */
export function createTokenStore(store: KeyValueStore, key: string): TokenStore {
  return {
    get() {
      const raw = store.getItem(key);
      if (!raw) return null;
      try {
        const parsed: unknown = JSON.parse(raw);
        if (isTokenPair(parsed)) {
          return { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken, expiresIn: parsed.expiresIn };
        }
      } catch {
        // fall through
      }
      store.removeItem(key);
      return null;
    },
    set(tokens) {
      if (tokens) {
        const { accessToken, refreshToken, expiresIn } = tokens;
        store.setItem(key, JSON.stringify({ accessToken, refreshToken, expiresIn }));
      } else {
        store.removeItem(key);
      }
    },
  };
}
