import type {
  AppConfig,
  CustomerProfile,
  DataExport,
  ErasureResult,
  MpLoginResponse,
  TokenPair,
} from '@careloop/shared';
import { ApiError, createApiClient, type ApiClient, type TokenStore, type Transport } from '@careloop/shared/client';
import { BAD_RESPONSE, SIGNED_OUT, errorMessage } from '../lib/errors';
import type { Platform } from '../platform/types';

export type SessionState =
  | { status: 'idle' }
  | { status: 'signing-in' }
  | { status: 'signed-in'; customer: CustomerProfile }
  | { status: 'error'; message: string; error: unknown }
  /** The customer's data was erased at their request; signed out here until they choose to start again. */
  | { status: 'erased'; result: ErasureResult };

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
  /**
   * Verifies and links the phone with a getPhoneNumber code (`POST /api/mp/me/phone`); the customer in the state
   * then carries the masked, verified number. Rejects with the API's error, leaving the state as it was.
   */
  verifyPhone(code: string): Promise<CustomerProfile>;
  /** Everything held about the customer (`GET /api/mp/me/export`). Rejects with the API's error. */
  exportData(): Promise<DataExport>;
  /**
   * Erases the customer's data (`POST /api/mp/me/erasure`), then signs out here: tokens forgotten, state `erased`,
   * and no silent sign-in until `restart()`. Rejects with the API's error, leaving the session as it was.
   */
  erase(): Promise<ErasureResult>;
  /** After an erasure: sign in again (WeChat gives the same user a new, empty profile). */
  restart(): Promise<void>;
}

export interface SessionDependencies {
  baseUrl: string;
  transport: Transport;
  tokens: TokenStore;
  platform: Pick<Platform, 'login'>;
  /** Waits between retries of a phone code the server is still checking. Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

/** How often, and how far apart, a phone code that is still being checked (PHONE_CODE_IN_PROGRESS) is sent again. */
const PHONE_CODE_RETRIES = 3;
const PHONE_CODE_RETRY_MS = 800;

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
export function createSessionStore({
  baseUrl,
  transport,
  tokens,
  platform,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}: SessionDependencies): SessionStore {
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
    // After an erasure nothing signs in behind the customer's back (a late request would otherwise open a new
    // profile): only `restart()` does.
    if (state.status === 'erased') throw new ApiError(401, SIGNED_OUT, '账号已注销，请重新开始');
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
    if (state.status === 'signed-in' || state.status === 'erased') return Promise.resolve();
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
    async verifyPhone(code) {
      for (let attempt = 0; ; attempt++) {
        try {
          const customer = expectCustomer(await api.post<unknown>('/api/mp/me/phone', { code }));
          if (state.status === 'signed-in') setState({ status: 'signed-in', customer });
          return customer;
        } catch (error) {
          // The same code is still being checked by an earlier request (a double tap): its answer comes soon.
          const inProgress = error instanceof ApiError && error.code === 'PHONE_CODE_IN_PROGRESS';
          if (!inProgress || attempt >= PHONE_CODE_RETRIES) throw error;
          await sleep(PHONE_CODE_RETRY_MS);
        }
      }
    },
    async exportData() {
      const data = await api.get<DataExport>('/api/mp/me/export');
      if (typeof data?.sections !== 'object' || data.sections === null || typeof data.generatedAt !== 'string') {
        throw new ApiError(502, BAD_RESPONSE, 'The API did not return an export');
      }
      return data;
    },
    async erase() {
      const result = await api.post<ErasureResult>('/api/mp/me/erasure', { confirm: true });
      if (typeof result?.status !== 'string' || !Array.isArray(result.erased)) {
        throw new ApiError(502, BAD_RESPONSE, 'The API did not confirm the erasure');
      }
      tokens.set(null);
      setState({ status: 'erased', result });
      return result;
    },
    async restart() {
      if (state.status === 'erased') setState({ status: 'idle' });
      await start();
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
