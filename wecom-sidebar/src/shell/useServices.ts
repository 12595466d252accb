/** The organisation's bookable services (names, deposits, refund rules), fetched once per page. */
import { useEffect, useState } from 'react';
import type { BookableService } from '../appointments/types';
import { describeError } from '../api/errors';
import { api } from './runtime';

let loading: Promise<BookableService[]> | null = null;

export interface ServicesState {
  services: BookableService[] | null;
  error: string | null;
}

export function useServices(): ServicesState {
  const [state, setState] = useState<ServicesState>({ services: null, error: null });
  useEffect(() => {
    let active = true;
    loading ??= api.services().catch((reason: unknown) => {
      loading = null; // try again next time
      throw reason;
    });
    loading.then(
      (services) => {
        if (active) setState({ services, error: null });
      },
      (reason: unknown) => {
        if (active) setState({ services: null, error: describeError(reason) });
      },
    );
    return () => {
      active = false;
    };
  }, []);
  return state;
}
