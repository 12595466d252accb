import { SURFACE_HEADER as SHARED_SURFACE_HEADER } from '@careloop/shared';
import { createApiClient, type HttpRequest } from '@careloop/shared/client';
import { describe, expect, it, vi } from 'vitest';
import { createCareloopApi, timelineQuery } from '../../../wecom-sidebar/src/api/careloop';
import { createTokenStore } from '../../../wecom-sidebar/src/api/tokens';
import { createFetchTransport, SURFACE_HEADER } from '../../../wecom-sidebar/src/api/transport';
import { safeStore } from '../../../wecom-sidebar/src/api/storage';
import { surfaceForPath } from '../../../wecom-sidebar/src/shell/surface';
import { CUSTOMER_ID } from './fixtures';

describe('the surface header', () => {
  it('is the header the BFF audits', () => {
    expect(SURFACE_HEADER).toBe(SHARED_SURFACE_HEADER);
  });

  it('goes on every request the fetch transport sends, public ones too', async () => {
    const fetchImpl = vi.fn(async (_url: string, _init: RequestInit) => new Response('{}', { status: 200 }));
    const transport = createFetchTransport(fetchImpl, { surface: 'sidebar' });
    await transport({ method: 'GET', url: '/api/app-config', headers: { accept: 'application/json' } });
    await transport({ method: 'POST', url: '/api/x', headers: { authorization: 'Bearer t' }, body: {} });
    for (const [, init] of fetchImpl.mock.calls) {
      expect(init.headers).toMatchObject({ 'x-careloop-surface': 'sidebar' });
    }
    expect(fetchImpl.mock.calls[1]![1].headers).toMatchObject({ authorization: 'Bearer t' });
  });

  it('is left out when no surface is set', async () => {
    const fetchImpl = vi.fn(async (_url: string, _init: RequestInit) => new Response('{}', { status: 200 }));
    await createFetchTransport(fetchImpl)({ method: 'GET', url: '/x', headers: {} });
    expect(fetchImpl.mock.calls[0]![1].headers).toEqual({});
  });

  it('names the page from its path', () => {
    expect(surfaceForPath('/wecom/')).toBe('sidebar');
    expect(surfaceForPath('/wecom/index.html')).toBe('sidebar');
    expect(surfaceForPath('/wecom/workbench/')).toBe('workbench');
    expect(surfaceForPath('/wecom/workbench')).toBe('workbench');
    expect(surfaceForPath('/wecom/workbench/index.html')).toBe('workbench');
    expect(surfaceForPath('')).toBe('sidebar');
  });
});

describe('the profile routes', () => {
  function setup(
    respond: (request: HttpRequest) => { status: number; body: unknown } = () => ({ status: 200, body: {} }),
  ) {
    const requests: HttpRequest[] = [];
    const store = safeStore(() => null);
    const tokens = createTokenStore(store, 't');
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
  const base = `/api/staff/customers/${CUSTOMER_ID}`;

  it('builds timeline queries with limit, cursor and types', () => {
    expect(timelineQuery()).toBe('limit=20');
    expect(timelineQuery({ limit: 5, cursor: 'abc', types: ['page.viewed', 'content.opened'] })).toBe(
      'limit=5&cursor=abc&types=page.viewed%2Ccontent.opened',
    );
    expect(timelineQuery({ cursor: null, types: [] })).toBe('limit=20');
  });

  it('reads the profile and the timeline', async () => {
    const { api, requests } = setup(() => ({ status: 200, body: { items: [], nextCursor: null } }));
    await api.profile(CUSTOMER_ID);
    await api.timeline(CUSTOMER_ID, { limit: 20, cursor: 'c1', types: ['page.viewed'] });
    expect(requests.map((r) => [r.method, r.url])).toEqual([
      ['GET', `${base}/profile`],
      ['GET', `${base}/timeline?limit=20&cursor=c1&types=page.viewed`],
    ]);
  });

  it('sends changes to the right routes', async () => {
    const { api, requests } = setup((request) =>
      request.method === 'DELETE' || request.url.endsWith('/tags')
        ? { status: 204, body: null }
        : { status: 200, body: {} },
    );
    await api.updateCustomer(CUSTOMER_ID, { ownerStaffId: '65f0000000000000000000b1' });
    await api.verifyHcp(CUSTOMER_ID, 'verified', '执业证 110');
    await api.revealPhone(CUSTOMER_ID);
    await api.addTag(CUSTOMER_ID, '种植 意向');
    await api.removeTag(CUSTOMER_ID, '种植 意向');
    await api.decideDuplicate('65f0000000000000000000d1', 'confirm');
    await api.withdrawMarketing(CUSTOMER_ID);
    expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['PATCH', base, { ownerStaffId: '65f0000000000000000000b1' }],
      ['POST', `${base}/hcp-verification`, { decision: 'verified', evidence: '执业证 110' }],
      ['POST', `${base}/phone/reveal`, undefined],
      ['POST', `${base}/tags`, { name: '种植 意向' }],
      ['DELETE', `${base}/tags/${encodeURIComponent('种植 意向')}`, undefined],
      ['POST', '/api/staff/duplicates/65f0000000000000000000d1/decision', { decision: 'confirm' }],
      ['POST', `${base}/consent/withdraw-marketing`, undefined],
    ]);
  });
});
