import type { AppConfig, CustomerProfile, MpLoginResponse, TokenPair } from '@careloop/shared';
import { ApiError, createApiClient, type ApiClient, type TokenStore, type Transport } from '@careloop/shared/client';
import { BAD_RESPONSE, errorMessage } from '../lib/errors';
import type { Platform } from '../platform/types';

export type SessionState =
  | { status: 'idle' }
  | { status: 'signing-in' }
  | { status: 'signed-in'; customer: CustomerProfile }
  | { status: 'error'; message: string; error: unknown };

export interface SessionStore {
  /** The API client, signed in as the customer (renews the session by itself). */
  readonly api: ApiClient;
  getState(): SessionState;
  subscribe(listener: () => void): () => void;
  /** Signs in (or resumes the stored session) unless already signed in or signing in. Never rejects. */
  start(): Promise<void>;
  /** Starts again after an error. */
  retry(): Promise<void>;
  /** Saves the customer's nickname (`PATCH /api/mp/me`); rejects with the API's error, leaving the state as it was. */
  updateName(name: string): Promise<CustomerProfile>;
  /** Public app configuration (`GET /api/app-config`), or null when it could not be loaded. Cached after success. */
  loadAppConfig(): Promise<AppConfig | null>;
}

export interface SessionDependencies {
  baseUrl: string;
  transport: Transport;
  tokens: TokenStore;
  platform: Platform;
}

function isCustomer(value: unknown): value is CustomerProfile {
  if (typeof value !== 'object' || value === null) return false;
  const { id, kind } = value as Partial<Record<keyof CustomerProfile, unknown>>;
  return typeof id === 'string' && (kind === 'patient' || kind === 'hcp');
}

function expectCustomer(value: unknown): CustomerProfile {
  if (!isCustomer(value)) throw new ApiError(502, BAD_RESPONSE, 'The API did not return a customer');
  return value;
}

/**
 * The customer's session: WeChat login → `POST /api/mp/auth/login` → tokens kept in the token store; on the next
 * launch the stored tokens are used (and refreshed, or replaced by a new login, by the shared client).
 * Plain TypeScript with its dependencies passed in, so it runs under unit tests without Taro.
 */
export function createSessionStore({ baseUrl, transport, tokens, platform }: SessionDependencies): SessionStore {
  let state: SessionState = { status: 'idle' };
  let starting: Promise<void> | null = null;
  let appConfig: AppConfig | null = null;
  const listeners = new Set<() => void>();

  function setState(next: SessionState) {
    state = next;
    for (const listener of [...listeners]) listener();
  }

  /** Signs in afresh; also hands back the customer the login answer names. */
  async function login(): Promise<{ tokens: TokenPair; customer: CustomerProfile | null }> {
    const code = await platform.login();
    const response = await api.publicRequest<MpLoginResponse>('POST', '/api/mp/auth/login', { code });
    if (typeof response?.accessToken !== 'string' || typeof response.refreshToken !== 'string') {
      throw new ApiError(502, BAD_RESPONSE, 'The API did not return a session');
    }
    const pair: TokenPair = {
      accessToken: response.accessToken,
      refreshToken: response.refreshToken,
      expiresIn: response.expiresIn,
    };
    tokens.set(pair);
    return { tokens: pair, customer: isCustomer(response.customer) ? response.customer : null };
  }

  const signIn = async () => (await login()).tokens;

  const api = createApiClient({ baseUrl, transport, tokens, signIn });

  async function run() {
    setState({ status: 'signing-in' });
    try {
      // With stored tokens, ask who we are (the client refreshes or signs in again if they are no longer good);
      // without, sign in: the login answer already names the customer.
      let customer: CustomerProfile;
      if (tokens.get()) {
        customer = expectCustomer(await api.get<unknown>('/api/mp/me'));
      } else {
        const signedIn = await login();
        customer = signedIn.customer ?? expectCustomer(await api.get<unknown>('/api/mp/me'));
      }
      setState({ status: 'signed-in', customer });
    } catch (error) {
      setState({ status: 'error', message: errorMessage(error), error });
    }
  }

  function start(): Promise<void> {
    if (state.status === 'signed-in') return Promise.resolve();
    starting ??= run().finally(() => {
      starting = null;
    });
    return starting;
  }

  return {
    api,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    start,
    retry: start,
    async updateName(name) {
      const customer = expectCustomer(await api.patch<unknown>('/api/mp/me', { name }));
      setState({ status: 'signed-in', customer });
      return customer;
    },
    async loadAppConfig() {
      if (appConfig) return appConfig;
      try {
        const config = await api.publicRequest<AppConfig>('GET', '/api/app-config');
        appConfig = typeof config?.sandbox === 'boolean' ? config : null;
      } catch {
        appConfig = null;
      }
      return appConfig;
    },
  };
}
