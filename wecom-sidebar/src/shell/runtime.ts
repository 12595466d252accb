/** The page's API client and session storage, one of each per page. */
import type { TokenPair } from '@careloop/shared';
import { ApiError, createApiClient } from '@careloop/shared/client';
import { createBlobFetcher } from '../api/binary';
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

const surface = surfaceForPath(globalThis.location?.pathname ?? '');

export const client = createApiClient({
  baseUrl: '',
  // Every request names its page, for the audit trail (the BFF records who saw a profile from where).
  transport: createFetchTransport(undefined, { surface }),
  tokens,
  signIn: () =>
    reauthenticate
      ? reauthenticate()
      : Promise.reject(new ApiError(401, 'UNAUTHENTICATED', '请先登录 (Not signed in)')),
});

export const api = createCareloopApi(client);

/** Images behind the session (a campaign's mini-program code) as Blobs. */
export const fetchBlob = createBlobFetcher({ tokens, renew: () => api.me(), surface });
