import { describe, expect, it, vi } from 'vitest';
import type { ConsentState } from '@careloop/shared';
import { ApiError, type ApiClient } from '@careloop/shared/client';
import {
  createConsentStore,
  hasAcceptedPolicy,
  isConsentState,
  marketingGranted,
  needsPolicyAcceptance,
  previouslyAcceptedVersion,
} from '../../../miniapp/src/session/consent';

const never: ConsentState = {
  customerId: '65a1b2c3d4e5f60718293a4b',
  currentPolicyVersion: '2026-11',
  policy: null,
  policyUpToDate: false,
  marketing: null,
  history: [],
};
const accepted = (marketing: boolean): ConsentState => ({
  ...never,
  policy: { version: '2026-11', acceptedAt: '2026-11-26T08:00:00.000Z', channel: 'miniapp' },
  policyUpToDate: true,
  marketing: { granted: marketing, changedAt: '2026-11-26T08:00:00.000Z', channel: 'miniapp' },
});

/** An API whose consent answers the test sets. */
function fakeApi(initial: ConsentState = never) {
  let current: ConsentState = initial;
  const api = {
    get: vi.fn(async (path: string) => {
      expect(path).toBe('/api/mp/me/consent');
      return current as never;
    }),
    post: vi.fn(async (path: string, body?: unknown) => {
      if (path === '/api/mp/me/consent') {
        const { policyVersion, marketing } = body as { policyVersion: string; marketing: boolean };
        if (policyVersion !== current.currentPolicyVersion) throw new ApiError(400, 'VALIDATION_FAILED', 'old version');
        current = accepted(marketing);
      } else if (path === '/api/mp/me/consent/withdraw-marketing') {
        current = {
          ...current,
          marketing: { granted: false, changedAt: '2026-11-26T09:00:00.000Z', channel: 'miniapp' },
        };
      } else throw new Error(`unexpected ${path}`);
      return current as never;
    }),
  } satisfies Pick<ApiClient, 'get' | 'post'>;
  return { api, set: (next: ConsentState) => (current = next) };
}

describe('consent store', () => {
  it('loads the state and says the customer must be asked', async () => {
    const { api } = fakeApi();
    const store = createConsentStore(api);
    const seen: string[] = [];
    store.subscribe(() => seen.push(store.getState().status));
    expect(store.getState()).toEqual({ status: 'unknown' });

    await Promise.all([store.load(), store.load()]);

    expect(api.get).toHaveBeenCalledTimes(1);
    expect(seen).toEqual(['loading', 'ready']);
    expect(needsPolicyAcceptance(store.getState())).toBe(true);
    expect(hasAcceptedPolicy(store.getState())).toBe(false);
  });

  it('accepts the version the server asked for, with the marketing answer', async () => {
    const { api } = fakeApi();
    const store = createConsentStore(api);
    const result = await store.accept(true); // loads first when it has not yet

    expect(api.post).toHaveBeenCalledWith('/api/mp/me/consent', { policyVersion: '2026-11', marketing: true });
    expect(result).toEqual(accepted(true));
    expect(hasAcceptedPolicy(store.getState())).toBe(true);
    expect(marketingGranted(result)).toBe(true);
  });

  it('withdraws marketing at once', async () => {
    const { api } = fakeApi(accepted(true));
    const store = createConsentStore(api);
    await store.load();
    const result = await store.withdrawMarketing();
    expect(api.post).toHaveBeenCalledWith('/api/mp/me/consent/withdraw-marketing');
    expect(marketingGranted(result)).toBe(false);
    expect(store.getState()).toEqual({ status: 'ready', consent: result });
  });

  it('asks again when the policy version changed, saying which version was accepted before', async () => {
    const { api } = fakeApi({ ...accepted(false), currentPolicyVersion: '2027-01', policyUpToDate: false });
    const store = createConsentStore(api);
    await store.load();
    expect(needsPolicyAcceptance(store.getState())).toBe(true);
    const state = store.getState();
    expect(state.status === 'ready' && previouslyAcceptedVersion(state.consent)).toBe('2026-11');
    expect(previouslyAcceptedVersion(never)).toBeNull();
    expect(previouslyAcceptedVersion(accepted(true))).toBeNull();
  });

  it('turns a failed load into an error state, and passes on a failed change', async () => {
    const { api } = fakeApi();
    api.get.mockRejectedValueOnce(new ApiError(0, 'NETWORK_ERROR', 'offline'));
    const store = createConsentStore(api);
    await store.load();
    expect(store.getState()).toEqual({ status: 'error', message: '网络连接失败，请检查网络后重试' });
    await store.load();
    expect(store.getState().status).toBe('ready');

    api.post.mockRejectedValueOnce(new ApiError(503, 'DATABASE_UNAVAILABLE', 'down'));
    await expect(store.withdrawMarketing()).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    expect(store.getState()).toEqual({ status: 'ready', consent: never });
  });

  it('refuses an answer that is not a consent state', async () => {
    const { api } = fakeApi();
    api.get.mockResolvedValueOnce('<html>' as never);
    const store = createConsentStore(api);
    await store.load();
    expect(store.getState()).toMatchObject({ status: 'error' });
    expect(isConsentState(never)).toBe(true);
    expect(isConsentState({ currentPolicyVersion: 1 })).toBe(false);
  });

  it('forgets the state on reset, and ignores answers to requests made before it', async () => {
    const { api } = fakeApi();
    let release!: () => void;
    api.get.mockImplementationOnce(async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return never as never;
    });
    const store = createConsentStore(api);
    const loading = store.load();
    store.reset();
    release();
    await loading;
    expect(store.getState()).toEqual({ status: 'unknown' });
  });
});
