import { describe, expect, it, vi } from 'vitest';
import type { HttpRequest } from '@careloop/shared/client';
import { createSessionStore } from '../../../miniapp/src/session/store';
import { createStorageTokenStore } from '../../../miniapp/src/services/storage';
import { customer, errorResponse, fakeTransport, memoryStorage, type Handler } from './fakes';

const BASE = 'http://api.test';

function bearer(request: HttpRequest) {
  return request.headers.authorization?.replace(/^Bearer /, '');
}

/** A BFF with valid access tokens `access-N`; `expired` ones answer TOKEN_EXPIRED. */
function setup(options: { routes?: Record<string, Handler>; stored?: object; codes?: string[] } = {}) {
  let issued = 0;
  const valid = new Set<string>();
  const codes = [...(options.codes ?? ['code-1', 'code-2', 'code-3'])];
  const platform = { login: vi.fn(async () => codes.shift() ?? 'code-x') };
  function issue() {
    issued += 1;
    valid.add(`access-${issued}`);
    return { accessToken: `access-${issued}`, refreshToken: `refresh-${issued}`, expiresIn: 900 };
  }
  let current = { ...customer };
  const authed =
    (handler: Handler): Handler =>
    (request) => {
      const token = bearer(request);
      if (token === 'expired') return errorResponse(401, 'TOKEN_EXPIRED', 'Access token expired');
      if (!token || !valid.has(token)) return errorResponse(401, 'UNAUTHENTICATED', 'Sign in first');
      return handler(request);
    };
  const fake = fakeTransport({
    [`POST ${BASE}/api/mp/auth/login`]: (request) => {
      const { code } = request.body as { code: string };
      if (!code.startsWith('code-')) return errorResponse(401, 'LOGIN_CODE_INVALID', 'Login code invalid');
      return { status: 200, body: { ...issue(), customer: current } };
    },
    [`POST ${BASE}/api/auth/refresh`]: (request) => {
      const { refreshToken } = request.body as { refreshToken: string };
      if (refreshToken !== 'good-refresh') return errorResponse(401, 'REFRESH_TOKEN_INVALID', 'Refresh token invalid');
      return { status: 200, body: issue() };
    },
    [`GET ${BASE}/api/mp/me`]: authed(() => ({ status: 200, body: current })),
    [`PATCH ${BASE}/api/mp/me`]: authed((request) => {
      const { name } = request.body as { name: string };
      if (name === 'taken') return errorResponse(400, 'VALIDATION_FAILED', '昵称不可用');
      current = { ...current, name };
      return { status: 200, body: current };
    }),
    [`GET ${BASE}/api/app-config`]: () => ({
      status: 200,
      body: { sandbox: true, miniapp: { appId: 'wx1' }, wecom: { corpId: 'c', agentId: '1' } },
    }),
    ...options.routes,
  });
  const storage = memoryStorage(options.stored ? { 'careloop.session': options.stored } : {});
  const tokens = createStorageTokenStore(storage);
  const store = createSessionStore({ baseUrl: BASE, transport: fake.transport, tokens, platform });
  return { store, fake, storage, platform, tokens };
}

describe('session store', () => {
  it('signs in on start with the platform code and keeps the tokens', async () => {
    const { store, fake, storage, platform } = setup();
    const seen: string[] = [];
    store.subscribe(() => seen.push(store.getState().status));

    await store.start();

    expect(store.getState()).toEqual({ status: 'signed-in', customer });
    expect(seen).toEqual(['signing-in', 'signed-in']);
    expect(platform.login).toHaveBeenCalledTimes(1);
    expect(fake.calls(`POST ${BASE}/api/mp/auth/login`)[0]?.body).toEqual({ code: 'code-1' });
    // The login answer names the customer: no extra round trip.
    expect(fake.calls(`GET ${BASE}/api/mp/me`)).toHaveLength(0);
    expect(storage.data.get('careloop.session')).toEqual({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
      expiresIn: 900,
    });
  });

  it('starts once however often it is asked', async () => {
    const { store, platform } = setup();
    await Promise.all([store.start(), store.start()]);
    await store.start();
    expect(platform.login).toHaveBeenCalledTimes(1);
  });

  it('resumes a stored session without a new WeChat login', async () => {
    const first = setup();
    await first.store.start();
    // Same storage, new app instance, same server.
    const stored = first.storage.data.get('careloop.session');
    const second = createSessionStore({
      baseUrl: BASE,
      transport: first.fake.transport,
      tokens: createStorageTokenStore(memoryStorage({ 'careloop.session': stored })),
      platform: first.platform,
    });

    await second.start();

    expect(second.getState()).toEqual({ status: 'signed-in', customer });
    expect(first.platform.login).toHaveBeenCalledTimes(1);
    expect(bearer(first.fake.calls(`GET ${BASE}/api/mp/me`)[0]!)).toBe('access-1');
  });

  it('refreshes an expired stored session', async () => {
    const { store, fake, platform, tokens } = setup({
      stored: { accessToken: 'expired', refreshToken: 'good-refresh', expiresIn: 900 },
    });

    await store.start();

    expect(store.getState().status).toBe('signed-in');
    expect(fake.calls(`POST ${BASE}/api/auth/refresh`)).toHaveLength(1);
    expect(platform.login).not.toHaveBeenCalled();
    expect(tokens.get()?.accessToken).toBe('access-1');
  });

  it('signs in afresh when the stored session cannot be refreshed', async () => {
    const { store, platform, tokens } = setup({
      stored: { accessToken: 'expired', refreshToken: 'revoked', expiresIn: 900 },
    });

    await store.start();

    expect(store.getState()).toEqual({ status: 'signed-in', customer });
    expect(platform.login).toHaveBeenCalledTimes(1);
    expect(tokens.get()?.refreshToken).toBe('refresh-1');
  });

  it('shows why sign-in failed and can try again', async () => {
    const { store } = setup({ codes: ['bad-code', 'code-2'] });

    await store.start();
    expect(store.getState()).toMatchObject({ status: 'error', message: 'Login code invalid' });

    await store.retry();
    expect(store.getState()).toEqual({ status: 'signed-in', customer });
  });

  it('reports an API that is not there', async () => {
    const { store } = setup({
      routes: { [`POST ${BASE}/api/mp/auth/login`]: () => ({ status: 404, body: 'Not Found' }) },
    });
    await store.start();
    expect(store.getState()).toMatchObject({ status: 'error', message: '服务暂时不可用（HTTP 404），请稍后重试' });
  });

  it('reports a platform login failure', async () => {
    const { store, platform } = setup();
    platform.login.mockRejectedValueOnce({ errMsg: 'login:fail auth deny' });
    await store.start();
    expect(store.getState()).toMatchObject({ status: 'error', message: 'login:fail auth deny' });
  });

  it('refuses an answer that is not a session', async () => {
    const { store } = setup({
      routes: { [`POST ${BASE}/api/mp/auth/login`]: () => ({ status: 200, body: '<html>' }) },
    });
    await store.start();
    expect(store.getState()).toMatchObject({ status: 'error', message: '服务返回了无法识别的数据，请稍后重试' });
  });

  it('saves the nickname and shows the updated customer', async () => {
    const { store, fake } = setup();
    await store.start();

    const updated = await store.updateName('小王');

    expect(updated.name).toBe('小王');
    expect(store.getState()).toEqual({ status: 'signed-in', customer: { ...customer, name: '小王' } });
    const patch = fake.calls(`PATCH ${BASE}/api/mp/me`)[0];
    expect(patch?.body).toEqual({ name: '小王' });
    expect(bearer(patch!)).toBe('access-1');
  });

  it('passes on a refused nickname and keeps the customer as it was', async () => {
    const { store } = setup();
    await store.start();

    await expect(store.updateName('taken')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: '昵称不可用' });
    expect(store.getState()).toEqual({ status: 'signed-in', customer });
  });

  it('loads the public app configuration, and tolerates its absence', async () => {
    expect(await setup().store.loadAppConfig()).toMatchObject({ sandbox: true });
    const missing = setup({ routes: { [`GET ${BASE}/api/app-config`]: () => ({ status: 404, body: null }) } });
    expect(await missing.store.loadAppConfig()).toBeNull();
  });
});
