/**
 * The API client both front ends use. It knows nothing of Taro or the browser: each app passes its own transport
 * (Taro.request, fetch) and token store, so the refresh logic lives, and is tested, in one place.
 * Import it as `@careloop/shared/client`: it imports types only, so it adds no schema code to the mini-program.
 */
import type { ErrorBody } from './errors';
import type { TokenPair } from './auth';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}
export interface HttpResponse {
  status: number;
  body: unknown;
}
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

export interface TokenStore {
  get(): TokenPair | null;
  set(tokens: TokenPair | null): void;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  /** Prefix for every path, e.g. '' on the same origin or 'https://api.example.com'. */
  baseUrl: string;
  transport: Transport;
  tokens: TokenStore;
  /** Signs in afresh when the session cannot be refreshed; resolves to new tokens. */
  signIn?: () => Promise<TokenPair>;
}

export interface ApiClient {
  request<T>(method: HttpRequest['method'], path: string, body?: unknown): Promise<T>;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  /** Calls a route that needs no session (sign-in, refresh, app config). */
  publicRequest<T>(method: HttpRequest['method'], path: string, body?: unknown): Promise<T>;
}

const SESSION_ERRORS = new Set(['TOKEN_EXPIRED', 'TOKEN_INVALID', 'UNAUTHENTICATED']);

function toApiError(response: HttpResponse): ApiError {
  const error = (response.body as Partial<ErrorBody> | null)?.error;
  if (error && typeof error.code === 'string') {
    return new ApiError(response.status, error.code, error.message ?? error.code, error.details);
  }
  return new ApiError(response.status, 'HTTP_' + response.status, `Request failed with status ${response.status}`);
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const { baseUrl, transport, tokens, signIn } = options;
  // One refresh at a time: concurrent 401s wait for the same refresh instead of reusing the old refresh token,
  // which the server would treat as theft and revoke the whole session.
  let renewing: Promise<TokenPair> | null = null;

  async function send(method: HttpRequest['method'], path: string, body: unknown, accessToken?: string) {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    return transport({ method, url: baseUrl + path, headers, body });
  }

  async function publicRequest<T>(method: HttpRequest['method'], path: string, body?: unknown): Promise<T> {
    const response = await send(method, path, body);
    if (response.status >= 400) throw toApiError(response);
    return response.body as T;
  }

  async function renewSession(): Promise<TokenPair> {
    const current = tokens.get();
    try {
      if (!current) throw new ApiError(401, 'UNAUTHENTICATED', 'Not signed in');
      const next = await publicRequest<TokenPair>('POST', '/api/auth/refresh', { refreshToken: current.refreshToken });
      tokens.set(next);
      return next;
    } catch (error) {
      tokens.set(null);
      if (!signIn) throw error;
      const signedIn = await signIn();
      tokens.set(signedIn);
      return signedIn;
    }
  }

  function renewOnce(): Promise<TokenPair> {
    renewing ??= renewSession().finally(() => {
      renewing = null;
    });
    return renewing;
  }

  async function request<T>(method: HttpRequest['method'], path: string, body?: unknown): Promise<T> {
    let session = tokens.get() ?? (signIn ? await renewOnce() : null);
    let response = await send(method, path, body, session?.accessToken);
    if (response.status === 401 && SESSION_ERRORS.has(toApiError(response).code) && (session || signIn)) {
      session = await renewOnce();
      response = await send(method, path, body, session.accessToken);
    }
    if (response.status >= 400) throw toApiError(response);
    return response.body as T;
  }

  return {
    request,
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body),
    patch: (path, body) => request('PATCH', path, body),
    publicRequest,
  };
}
