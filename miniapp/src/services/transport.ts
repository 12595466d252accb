import { ApiError, type HttpRequest, type Transport } from '@careloop/shared/client';
import { NETWORK_ERROR } from '../lib/errors';

/** The part of `Taro.request` the transport uses (injected, so this module can be tested without Taro). */
export interface RequestOptions {
  url: string;
  method: HttpRequest['method'];
  header: Record<string, string>;
  data?: unknown;
  dataType: 'json';
  timeout: number;
}
export type RequestFunction = (options: RequestOptions) => Promise<{ statusCode: number; data: unknown }>;

/** Every request names the surface it comes from; the BFF records it in the audit trail. */
export const SURFACE_HEADER = 'x-careloop-surface';
export const SURFACE = 'miniapp';

export interface RequestTransportOptions {
  /**
   * Methods the platform cannot send, sent as POST with `X-HTTP-Method-Override` instead. WeChat's `wx.request`
   * has no PATCH (only OPTIONS, GET, HEAD, POST, PUT, DELETE, TRACE, CONNECT).
   */
  overrideMethods?: readonly HttpRequest['method'][];
  timeoutMs?: number;
}

/** Adapts a `Taro.request`-like function to the shared API client's transport. */
export function createRequestTransport(request: RequestFunction, options: RequestTransportOptions = {}): Transport {
  const overrideMethods = new Set(options.overrideMethods ?? []);
  const timeout = options.timeoutMs ?? 15_000;
  return async (req) => {
    const header: Record<string, string> = { ...req.headers, [SURFACE_HEADER]: SURFACE };
    let method: RequestOptions['method'] = req.method;
    if (overrideMethods.has(req.method)) {
      header['x-http-method-override'] = req.method;
      method = 'POST';
    }
    let response: { statusCode: number; data: unknown };
    try {
      response = await request({ url: req.url, method, header, data: req.body, dataType: 'json', timeout });
    } catch (error) {
      // Taro.request rejects only when no HTTP answer came back (offline, DNS, timeout, domain not allowed).
      const detail = errorText(error);
      throw new ApiError(0, NETWORK_ERROR, detail ? `Network request failed: ${detail}` : 'Network request failed', {
        url: req.url,
      });
    }
    return { status: response.statusCode, body: response.data };
  };
}

function errorText(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { errMsg, message } = error as { errMsg?: unknown; message?: unknown };
    if (typeof errMsg === 'string' && errMsg) return errMsg;
    if (typeof message === 'string' && message) return message;
  }
  return typeof error === 'string' ? error : '';
}
