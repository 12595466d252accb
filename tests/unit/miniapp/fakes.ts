import type { HttpRequest, HttpResponse, Transport } from '@careloop/shared/client';
import type { KeyValueStorage } from '../../../miniapp/src/services/storage';

export type Handler = (request: HttpRequest) => HttpResponse | Promise<HttpResponse>;

/** A transport answering from a route table (`'POST /api/mp/auth/login'` → handler) and recording every request. */
export function fakeTransport(routes: Record<string, Handler>) {
  const requests: HttpRequest[] = [];
  const transport: Transport = async (request) => {
    requests.push(request);
    const handler = routes[`${request.method} ${request.url}`];
    if (!handler) return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'No such route' } } };
    return handler(request);
  };
  return { transport, requests, calls: (key: string) => requests.filter((r) => `${r.method} ${r.url}` === key) };
}

export function errorResponse(status: number, code: string, message = code): HttpResponse {
  return { status, body: { error: { code, message } } };
}

export function memoryStorage(initial: Record<string, unknown> = {}): KeyValueStorage & { data: Map<string, unknown> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    get: (key) => (data.has(key) ? data.get(key) : null),
    set: (key, value) => {
      data.set(key, value);
    },
    remove: (key) => {
      data.delete(key);
    },
  };
}

export const customer = {
  id: '65a1b2c3d4e5f60718293a4b',
  organisationId: '65a1b2c3d4e5f60718293a00',
  kind: 'patient' as const,
  name: null as string | null,
  createdAt: '2025-11-26T01:00:00.000Z',
};
