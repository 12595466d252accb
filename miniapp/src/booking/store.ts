/** A tiny observable state holder for the booking stores (React reads it with useSyncExternalStore). */
export interface Store<S> {
  getState(): S;
  subscribe(listener: () => void): () => void;
}

export function createState<S extends object>(initial: S) {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    set(next: Partial<S>) {
      state = { ...state, ...next };
      for (const listener of [...listeners]) listener();
    },
  };
}
