/** The 360° profile of one customer: one `/profile` request, again after a change the page cannot apply itself. */
import type { Customer360 } from '@careloop/shared';
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/errors';
import { api } from '../shell/runtime';

export type ProfileState =
  | { status: 'loading'; id: string }
  | { status: 'ready'; id: string; profile: Customer360; refreshing: boolean }
  | { status: 'failed'; id: string; message: string };

export interface ProfileController {
  state: ProfileState;
  /** Fetch the profile again (the current one stays on screen meanwhile). */
  reload(): void;
  /** Apply a change the server confirmed, without fetching. */
  patch(change: (profile: Customer360) => Customer360): void;
}

export function useProfile(customerId: string): ProfileController {
  const [state, setState] = useState<ProfileState>({ status: 'loading', id: customerId });
  const [round, setRound] = useState(0);

  useEffect(() => {
    let active = true;
    setState((current) =>
      current.status === 'ready' && current.id === customerId
        ? { ...current, refreshing: true }
        : { status: 'loading', id: customerId },
    );
    api.profile(customerId).then(
      (profile) => {
        if (active) setState({ status: 'ready', id: customerId, profile, refreshing: false });
      },
      (reason: unknown) => {
        if (active) setState({ status: 'failed', id: customerId, message: describeError(reason) });
      },
    );
    return () => {
      active = false;
    };
  }, [customerId, round]);

  const reload = useCallback(() => setRound((value) => value + 1), []);
  const patch = useCallback((change: (profile: Customer360) => Customer360) => {
    setState((current) => (current.status === 'ready' ? { ...current, profile: change(current.profile) } : current));
  }, []);

  return { state, reload, patch };
}
