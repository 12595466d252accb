import { ApiError, createApiClient, type HttpRequest } from '@careloop/shared/client';
import { describe, expect, it, vi } from 'vitest';
import { createCareloopApi } from '../../../wecom-sidebar/src/api/careloop';
import { describeError } from '../../../wecom-sidebar/src/api/errors';
import { safeStore, type KeyValueStore } from '../../../wecom-sidebar/src/api/storage';
import { createTokenStore } from '../../../wecom-sidebar/src/api/tokens';
import { createFetchTransport } from '../../../wecom-sidebar/src/api/transport';

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

describe('createTokenStore', () => {
  it('keeps the token pair as JSON and forgets it', () => {
    const store = memoryStore();
    const tokens = createTokenStore(store, 'k');
    expect(tokens.get()).toBeNull();
    tokens.set({ accessToken: 'a', refreshToken: 'r', expiresIn: 900 });
    expect(JSON.parse(store.data.get('k')!)).toEqual({ accessToken: 'a', refreshToken: 'r', expiresIn: 900 });
    expect(tokens.get()).toEqual({ accessToken: 'a', refreshToken: 'r', expiresIn: 900 });
    tokens.set(null);
    expect(store.data.has('k')).toBe(false);
  });

  it('treats anything unreadable as no session', () => {
    const store = memoryStore();
    store.data.set('k', '{not json');
    expect(createTokenStore(store, 'k').get()).toBeNull();
    store.data.set('k', JSON.stringify({ accessToken: 'a' }));
    expect(createTokenStore(store, 'k').get()).toBeNull();
    expect(store.data.has('k')).toBe(false);
  });
});

describe('safeStore', () => {
  it('keeps working from memory when the browser refuses storage', () => {
    const store = safeStore(() => {
      throw new Error('SecurityError');
    });
    store.setItem('a', '1');
    expect(store.getItem('a')).toBe('1');
    store.removeItem('a');
    expect(store.getItem('a')).toBeNull();
  });
});

describe('createFetchTransport', () => {
  it('sends JSON and reads JSON', async () => {
    const fetchImpl = vi.fn(async (_url: string, _init: RequestInit) => new Response('{"ok":true}', { status: 200 }));
    const transport = createFetchTransport(fetchImpl);
    const request: HttpRequest = {
      method: 'POST',
      url: '/api/x',
      headers: { 'content-type': 'application/json' },
      body: { a: 1 },
    };
    await expect(transport(request)).resolves.toEqual({ status: 200, body: { ok: true } });
    expect(fetchImpl.mock.calls[0]![1]).toMatchObject({ method: 'POST', body: '{"a":1}' });
  });

  it('reads an empty or non-JSON body as null', async () => {
    const transport = createFetchTransport(async () => new Response(null, { status: 204 }));
    await expect(transport({ method: 'POST', url: '/x', headers: {} })).resolves.toEqual({ status: 204, body: null });
    const html = createFetchTransport(async () => new Response('<html>', { status: 502 }));
    await expect(html({ method: 'GET', url: '/x', headers: {} })).resolves.toEqual({ status: 502, body: null });
  });

  it('turns a network failure into an ApiError', async () => {
    const transport = createFetchTransport(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(transport({ method: 'GET', url: '/x', headers: {} })).rejects.toMatchObject({
      name: 'ApiError',
      code: 'NETWORK_ERROR',
    });
  });
});

describe('createCareloopApi', () => {
  function setup(respond: (request: HttpRequest) => { status: number; body: unknown }) {
    const requests: HttpRequest[] = [];
    const tokens = createTokenStore(memoryStore(), 't');
    tokens.set({ accessToken: 'AT', refreshToken: 'RT', expiresIn: 900 });
    const client = createApiClient({
      baseUrl: '',
      transport: async (request) => {
        requests.push(request);
        return respond(request);
      },
      tokens,
    });
    return { api: createCareloopApi(client), requests };
  }

  it('searches customers with q and limit', async () => {
    const { api, requests } = setup(() => ({ status: 200, body: { items: [] } }));
    await api.searchCustomers(' 王 ', 20);
    await api.searchCustomers('', 5);
    expect(requests.map((r) => r.url)).toEqual([
      `/api/staff/customers?q=${encodeURIComponent('王')}&limit=20`,
      '/api/staff/customers?limit=5',
    ]);
    expect(requests[0]!.headers.authorization).toBe('Bearer AT');
  });

  it('answers null for an external contact nobody in the organisation has', async () => {
    const { api, requests } = setup(() => ({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'Not found' } },
    }));
    await expect(api.customerByExternalUserId('wm/x')).resolves.toBeNull();
    expect(requests[0]!.url).toBe('/api/staff/customers/by-external/wm%2Fx');
  });

  it('passes other errors on', async () => {
    const { api } = setup(() => ({ status: 403, body: { error: { code: 'FORBIDDEN', message: 'No' } } }));
    await expect(api.customerByExternalUserId('wm1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('asks for JS-SDK signatures with the page URL and type', async () => {
    const { api, requests } = setup(() => ({ status: 200, body: { timestamp: 1, nonceStr: 'n', signature: 's' } }));
    await api.jsSignature('https://h/wecom/', 'agentConfig');
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: '/api/staff/wecom/js-signature',
      body: { url: 'https://h/wecom/', type: 'agentConfig' },
    });
  });

  it('calls the sandbox control API without a session', async () => {
    const { api, requests } = setup(() => ({ status: 200, body: { code: 'C' } }));
    await expect(api.sandbox.oauthCode('zhangsan')).resolves.toEqual({ code: 'C' });
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: '/sandbox/control/wecom/oauth-code',
      body: { userid: 'zhangsan' },
    });
    expect(requests[0]!.headers.authorization).toBeUndefined();
  });
});

describe('describeError', () => {
  it('gives the message with the code', () => {
    expect(describeError(new ApiError(404, 'NOT_FOUND', 'Customer not found'))).toBe('Customer not found (NOT_FOUND)');
    expect(describeError(new Error('plain'))).toBe('plain');
  });
});
