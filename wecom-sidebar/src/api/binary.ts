/**
 * Images behind the staff session (a campaign's mini-program code): fetched with the bearer token as a Blob, so the
 * page can show it and offer it as a download through an object URL. An expired session is renewed once through the
 * JSON client (any request renews it) and the fetch tried again.
 */
import { ApiError, type TokenStore } from '@careloop/shared/client';
import { SURFACE_HEADER } from './transport';

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface BlobFetcherDeps {
  tokens: TokenStore;
  /** Makes the session current again (e.g. `GET /api/staff/me` through the API client, which refreshes it). */
  renew(): Promise<unknown>;
  fetch?: FetchLike;
  surface?: string;
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body?.error?.code) {
      return new ApiError(response.status, body.error.code, body.error.message ?? body.error.code, body.error.details);
    }
  } catch {
    // not JSON
  }
  return new ApiError(response.status, 'HTTP_' + response.status, `Request failed with status ${response.status}`);
}

export function createBlobFetcher(deps: BlobFetcherDeps) {
  const fetchImpl: FetchLike = deps.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const once = (path: string) => {
    const headers: Record<string, string> = {};
    const token = deps.tokens.get()?.accessToken;
    if (token) headers.authorization = `Bearer ${token}`;
    if (deps.surface) headers[SURFACE_HEADER] = deps.surface;
    return fetchImpl(path, { method: 'GET', headers, credentials: 'same-origin' });
  };
  /** The body as a Blob; an error answer (JSON) as an ApiError, like the JSON client. */
  return async function fetchBlob(path: string): Promise<Blob> {
    let response: Response;
    try {
      response = await once(path);
      if (response.status === 401) {
        await deps.renew();
        response = await once(path);
      }
    } catch (error) {
      if (error instanceof ApiError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new ApiError(0, 'NETWORK_ERROR', `网络连接失败，请稍后重试。 (Network error: ${reason})`);
    }
    if (!response.ok) throw await errorOf(response);
    return response.blob();
  };
}
