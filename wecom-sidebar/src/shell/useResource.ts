/**
 * Something the page loads (a list, a report): loading, ready or failed, fetched again on `reload()` with the last
 * answer kept on screen meanwhile. `key` names what is loaded: a new key starts afresh; null loads nothing.
 */
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/errors';

export type Resource<T> =
  | { status: 'idle' }
  | { status: 'loading'; key: string }
  | { status: 'ready'; key: string; data: T; refreshing: boolean }
  | { status: 'failed'; key: string; message: string };

export interface ResourceController<T> {
  state: Resource<T>;
  /** The data when ready (also while it refreshes), else null. */
  data: T | null;
  reload(): void;
  /** Apply a change the server confirmed, without fetching. */
  patch(change: (data: T) => T): void;
}

export function useResource<T>(
  key: string | null,
  load: () => Promise<T>,
  explain: (reason: unknown) => string = describeError,
): ResourceController<T> {
  const [state, setState] = useState<Resource<T>>(key ? { status: 'loading', key } : { status: 'idle' });
  const [round, setRound] = useState(0);

  useEffect(() => {
    if (!key) {
      setState({ status: 'idle' });
      return;
    }
    let active = true;
    setState((current) =>
      current.status === 'ready' && current.key === key ? { ...current, refreshing: true } : { status: 'loading', key },
    );
    load().then(
      (data) => {
        if (active) setState({ status: 'ready', key, data, refreshing: false });
      },
      (reason: unknown) => {
        if (active) setState({ status: 'failed', key, message: explain(reason) });
      },
    );
    return () => {
      active = false;
    };
    // `load` and `explain` are read when the key or round changes, not followed themselves.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, round]);

  const reload = useCallback(() => setRound((value) => value + 1), []);
  const patch = useCallback((change: (data: T) => T) => {
    setState((current) => (current.status === 'ready' ? { ...current, data: change(current.data) } : current));
  }, []);
  return { state, data: state.status === 'ready' ? state.data : null, reload, patch };
}
