import { useSyncExternalStore } from 'react';
import type { Store } from './store';

/** The current state of a booking store; the component re-renders when it changes. */
export function useStore<S>(store: Store<S>): S {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
