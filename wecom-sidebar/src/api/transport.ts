import type { AuditSurface } from '@careloop/shared';
import { ApiError, type HttpRequest, type HttpResponse, type Transport } from '@careloop/shared/client';

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * The header a front end names its surface in (`SURFACE_HEADER` in `@careloop/shared`; repeated here so the page does
 * not import the schema module, and checked equal in the unit tests). The BFF records it in the audit trail.
 */
export const SURFACE_HEADER = 'x-careloop-surface';

export interface FetchTransportOptions {
  /** Sent as `x-careloop-surface` on every request: which page of the WeCom app made it. */
  surface?: AuditSurface;
}

/** The shared client's transport over fetch: JSON in, JSON out; an empty or non-JSON body reads as null. */
export function createFetchTransport(
  fetchImpl: FetchLike = (input, init) => globalThis.fetch(input, init),
  options: FetchTransportOptions = {},
): Transport {
  return async (request: HttpRequest): Promise<HttpResponse> => {
    const headers = options.surface ? { ...request.headers, [SURFACE_HEADER]: options.surface } : request.headers;
    let response: Response;
    try {
      response = await fetchImpl(request.url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        credentials: 'same-origin',
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ApiError(0, 'NETWORK_ERROR', `网络连接失败，请稍后重试。 (Network error: ${reason})`);
    }
    const text = await response.text().catch(() => '');
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    return { status: response.status, body };
  };
}
