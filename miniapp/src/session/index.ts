import { useSyncExternalStore } from 'react';
import { platform } from '../platform';
import { apiBaseUrl } from '../services/env';
import { createStorageTokenStore } from '../services/storage';
import { taroStorage, taroTransport } from '../services/taro';
import { createConsentStore, type ConsentStoreState } from './consent';
import { createSessionStore, type SessionState } from './store';

/** The one session of the running mini-program, shared by every page. */
export const session = createSessionStore({
  baseUrl: apiBaseUrl,
  transport: taroTransport,
  tokens: createStorageTokenStore(taroStorage),
  platform,
});

/** The signed-in customer's consent, loaded once they are signed in and forgotten when they are not. */
export const consent = createConsentStore(session.api);

let lastCustomerId: string | null = null;
session.subscribe(() => {
  const state = session.getState();
  const customerId = state.status === 'signed-in' ? state.customer.id : null;
  if (customerId === lastCustomerId) return;
  // Signed in (or as someone else, e.g. after a merge answered with the surviving profile): load afresh.
  lastCustomerId = customerId;
  consent.reset();
  if (customerId) void consent.load();
});

export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, session.getState, session.getState);
}

export function useConsent(): ConsentStoreState {
  return useSyncExternalStore(consent.subscribe, consent.getState, consent.getState);
}

export type { SessionState } from './store';
export type { ConsentStoreState } from './consent';
