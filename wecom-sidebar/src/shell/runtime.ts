/** The page's API client and session storage, one of each per page. */
import type { TokenPair } from '@careloop/shared';
import { ApiError, createApiClient } from '@careloop/shared/client';
import { createCareloopApi } from '../api/careloop';
import { sessionStore, STORAGE_KEYS } from '../api/storage';
import { createTokenStore } from '../api/tokens';
import { createFetchTransport } from '../api/transport';
import { surfaceForPath } from './surface';

export const tokens = createTokenStore(sessionStore, STORAGE_KEYS.tokens);

let reauthenticate: (() => Promise<TokenPair>) | null = null;

/** What the client does when the session cannot be refreshed: set once the context mode is known. */
export function setReauthenticate(handler: (() => Promise<TokenPair>) | null): void {
  reauthenticate = handler;
}

export const client = createApiClient({
  baseUrl: '',
  // Every request names its page, for the audit trail (the BFF records who saw a profile from where).
  transport: createFetchTransport(undefined, { surface: surfaceForPath(globalThis.location?.pathname ?? '') }),
  tokens,
  signIn: () =>
    reauthenticate
      ? reauthenticate()
      : Promise.reject(new ApiError(401, 'UNAUTHENTICATED', '请先登录 (Not signed in)')),
});

export const api = createCareloopApi(client);
