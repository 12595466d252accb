import { ApiError, type HttpRequest, type HttpResponse, type Transport } from '@careloop/shared/client';

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** The shared client's transport over fetch: JSON in, JSON out; an empty or non-JSON body reads as null. */
export function createFetchTransport(fetchImpl: FetchLike = (input, init) => globalThis.fetch(input, init)): Transport {
  return async (request: HttpRequest): Promise<HttpResponse> => {
    let response: Response;
    try {
      response = await fetchImpl(request.url, {
        method: request.method,
        headers: request.headers,
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
