import { describe, expect, it } from 'vitest';
import { createApiClient } from '@careloop/shared/client';
import { createContentApi } from '../../../miniapp/src/content/api';
import { card, detail, progress } from './content-fixtures';
import { errorResponse, fakeTransport } from './fakes';

const tokens = {
  get: () => ({ accessToken: 'a', refreshToken: 'r', expiresIn: 900 }),
  set: () => {},
};

function api(routes: Parameters<typeof fakeTransport>[0]) {
  const fake = fakeTransport(routes);
  return { ...fake, content: createContentApi(createApiClient({ baseUrl: '', transport: fake.transport, tokens })) };
}

const ID = card().id;
const READ = progress().readId;

describe('content API', () => {
  it('calls the feed, reading and sharing routes as the signed-in customer', async () => {
    const share = {
      shareToken: 'AbCdE12345',
      path: `subpackages/content/pages/detail/index?id=${ID}&st=AbCdE12345`,
      title: '标题',
      imageUrl: null,
    };
    const { content, requests } = api({
      'GET /api/mp/content?limit=10': () => ({ status: 200, body: { items: [card()], nextCursor: 'MTIz' } }),
      'GET /api/mp/content?category=hygiene&cursor=MTIz&limit=10': () => ({
        status: 200,
        body: { items: [], nextCursor: null },
      }),
      'GET /api/mp/content/categories': () => ({ status: 200, body: { items: [{ category: 'hygiene', count: 2 }] } }),
      [`GET /api/mp/content/${ID}`]: () => ({ status: 200, body: detail() }),
      [`POST /api/mp/content/${ID}/read`]: () => ({ status: 201, body: progress() }),
      [`POST /api/mp/content/${ID}/read/${READ}/heartbeat`]: () => ({
        status: 200,
        body: progress({ dwellSeconds: 10 }),
      }),
      [`POST /api/mp/content/${ID}/read/${READ}/finish`]: () => ({ status: 200, body: progress({ finished: true }) }),
      [`POST /api/mp/content/${ID}/share`]: () => ({ status: 200, body: share }),
    });

    expect(await content.feed({ limit: 10 })).toEqual({ items: [card()], nextCursor: 'MTIz' });
    expect(await content.feed({ category: 'hygiene', cursor: 'MTIz', limit: 10 })).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(await content.categories()).toEqual([{ category: 'hygiene', count: 2 }]);
    expect(await content.detail(ID)).toEqual(detail());
    expect((await content.openRead(ID, { requestId: 'open-0001', shareToken: 'AbCdE12345' })).readId).toBe(READ);
    expect((await content.heartbeat(ID, READ, { seconds: 10, scrollPercent: 40 })).dwellSeconds).toBe(10);
    expect((await content.finishRead(ID, READ, { seconds: 3 })).finished).toBe(true);
    expect(await content.share(ID, 'friend')).toEqual(share);

    expect(requests.every((request) => request.headers.authorization === 'Bearer a')).toBe(true);
    const body = (suffix: string) => requests.find((request) => request.url.endsWith(suffix))?.body;
    expect(body('/read')).toEqual({ requestId: 'open-0001', shareToken: 'AbCdE12345' });
    expect(body('/heartbeat')).toEqual({ seconds: 10, scrollPercent: 40 });
    expect(body('/finish')).toEqual({ seconds: 3 });
    expect(body('/share')).toEqual({ target: 'friend' });
  });

  it('turns an answer without the expected fields into a clear error', async () => {
    const { content } = api({
      'GET /api/mp/content': () => ({ status: 200, body: { items: [{ id: ID, title: '缺字段' }], nextCursor: null } }),
      [`GET /api/mp/content/${ID}`]: () => ({ status: 200, body: { ...card(), body: undefined } }),
      [`POST /api/mp/content/${ID}/read`]: () => ({ status: 201, body: { ok: true } }),
      'GET /api/mp/content/categories': () => ({ status: 200, body: { items: [{ name: 'x' }] } }),
    });
    await expect(content.feed()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(content.detail(ID)).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(content.openRead(ID, { requestId: 'open-0001' })).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(content.categories()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('passes HCP_ONLY on with its status, so the page can show the lock', async () => {
    const { content } = api({
      [`GET /api/mp/content/${ID}`]: () => errorResponse(403, 'HCP_ONLY', 'For verified HCPs only'),
    });
    await expect(content.detail(ID)).rejects.toMatchObject({ status: 403, code: 'HCP_ONLY' });
  });
});
