import type { ConsentState } from '@careloop/shared';
import { ApiError, type ApiClient } from '@careloop/shared/client';
import { BAD_RESPONSE, errorMessage } from '../lib/errors';

/**
 * The signed-in customer's consent: which privacy policy version they accepted (and whether that is the current
 * one) and their marketing consent. Plain TypeScript; the API client is passed in.
 */
export type ConsentStoreState =
  | { status: 'unknown' }
  | { status: 'loading' }
  | { status: 'ready'; consent: ConsentState }
  | { status: 'error'; message: string };

export interface ConsentStore {
  getState(): ConsentStoreState;
  subscribe(listener: () => void): () => void;
  /** Loads the consent state (`GET /api/mp/me/consent`). Never rejects: a failure becomes the `error` state. */
  load(): Promise<void>;
  /** Accepts the current policy version and answers the marketing question. Rejects with the API's error. */
  accept(marketing: boolean): Promise<ConsentState>;
  /** Withdraws marketing consent; the server stops marketing at once. Rejects with the API's error. */
  withdrawMarketing(): Promise<ConsentState>;
  /** Forgets the state (signed out, data erased). */
  reset(): void;
}

export function isConsentState(value: unknown): value is ConsentState {
  if (typeof value !== 'object' || value === null) return false;
  const { currentPolicyVersion, policyUpToDate, marketing, policy } = value as Record<string, unknown>;
  return (
    typeof currentPolicyVersion === 'string' &&
    typeof policyUpToDate === 'boolean' &&
    (marketing === null || typeof marketing === 'object') &&
    (policy === null || typeof policy === 'object')
  );
}

function expectConsent(value: unknown): ConsentState {
  if (!isConsentState(value)) throw new ApiError(502, BAD_RESPONSE, 'The API did not return a consent state');
  return value;
}

/** True once the customer has accepted the current privacy policy version (personal features may be used). */
export function hasAcceptedPolicy(state: ConsentStoreState): boolean {
  return state.status === 'ready' && state.consent.policyUpToDate;
}

/** True when the customer must be asked (first use, or the policy version changed since they accepted). */
export function needsPolicyAcceptance(state: ConsentStoreState): boolean {
  return state.status === 'ready' && !state.consent.policyUpToDate;
}

/** Whether the customer has agreed to marketing messages (never asked counts as no). */
export function marketingGranted(consent: ConsentState): boolean {
  return consent.marketing?.granted === true;
}

/** The version they accepted earlier, when the policy has changed since (to say "updated"), else null. */
export function previouslyAcceptedVersion(consent: ConsentState): string | null {
  return !consent.policyUpToDate && consent.policy ? consent.policy.version : null;
}

export function createConsentStore(api: Pick<ApiClient, 'get' | 'post'>): ConsentStore {
  let state: ConsentStoreState = { status: 'unknown' };
  let loading: Promise<void> | null = null;
  /** Bumped by reset(): an answer to a request made before it is ignored. */
  let generation = 0;
  const listeners = new Set<() => void>();

  function setState(next: ConsentStoreState) {
    state = next;
    for (const listener of [...listeners]) listener();
  }

  async function run() {
    const started = generation;
    if (state.status !== 'ready') setState({ status: 'loading' });
    try {
      const consent = expectConsent(await api.get<unknown>('/api/mp/me/consent'));
      if (started === generation) setState({ status: 'ready', consent });
    } catch (error) {
      if (started === generation) setState({ status: 'error', message: errorMessage(error) });
    }
  }

  function load(): Promise<void> {
    loading ??= run().finally(() => {
      loading = null;
    });
    return loading;
  }

  async function change(request: () => Promise<unknown>): Promise<ConsentState> {
    const started = generation;
    const consent = expectConsent(await request());
    if (started === generation) setState({ status: 'ready', consent });
    return consent;
  }

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    load,
    async accept(marketing) {
      // The version to accept is the one the server asked for; without it, ask first.
      if (state.status !== 'ready') await load();
      const current = state.status === 'ready' ? state.consent.currentPolicyVersion : null;
      if (!current) throw new ApiError(0, 'CONSENT_UNKNOWN', '暂时无法获取隐私政策，请稍后重试');
      return change(() => api.post<unknown>('/api/mp/me/consent', { policyVersion: current, marketing }));
    },
    withdrawMarketing() {
      return change(() => api.post<unknown>('/api/mp/me/consent/withdraw-marketing'));
    },
    reset() {
      generation += 1;
      setState({ status: 'unknown' });
    },
  };
}
