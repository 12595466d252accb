import { useSyncExternalStore } from 'react';
import { platform } from '../platform';
import { apiBaseUrl } from '../services/env';
import { createStorageTokenStore } from '../services/storage';
import { taroStorage, taroTransport } from '../services/taro';
import { createSessionStore, type SessionState } from './store';

/** The one session of the running mini-program, shared by every page. */
export const session = createSessionStore({
  baseUrl: apiBaseUrl,
  transport: taroTransport,
  tokens: createStorageTokenStore(taroStorage),
  platform,
});

export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, session.getState, session.getState);
}

export type { SessionState } from './store';
