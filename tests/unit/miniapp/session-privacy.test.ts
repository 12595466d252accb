import { describe, expect, it, vi } from 'vitest';
import type { HttpRequest } from '@careloop/shared/client';
import { createSessionStore } from '../../../miniapp/src/session/store';
import { createStorageTokenStore } from '../../../miniapp/src/services/storage';
import { customer, errorResponse, fakeTransport, memoryStorage, type Handler } from './fakes';

const BASE = 'http://api.test';
const verified = { ...customer, phone: { masked: '139****5678', verified: true } };
const erasure = {
  status: 'completed',
  requestedAt: '2026-11-26T08:00:00.000Z',
  completedAt: '2026-11-26T08:00:01.000Z',
  erased: ['profile', 'events', 'consent'],
};

function bearer(request: HttpRequest) {
  return request.headers.authorization?.replace(/^Bearer /, '');
}

/** A BFF whose sessions end when the customer is erased (as the real one: TOKEN_INVALID, refresh refused). */
function setup(routes: Record<string, Handler> = {}) {
  let issued = 0;
  let erased = false;
  const platform = { login: vi.fn(async () => `code-${issued + 1}`) };
  const authed =
    (handler: Handler): Handler =>
    (request) => {
      if (erased) return errorResponse(401, 'TOKEN_INVALID', 'This account was erased and its sessions have ended');
      if (!bearer(request)?.startsWith('access-')) return errorResponse(401, 'UNAUTHENTICATED', 'Sign in first');
      return handler(request);
    };
  const fake = fakeTransport({
    [`POST ${BASE}/api/mp/auth/login`]: () => {
      issued += 1;
      return {
        status: 200,
        body: { accessToken: `access-${issued}`, refreshToken: `refresh-${issued}`, expiresIn: 900, customer },
      };
    },
    [`POST ${BASE}/api/auth/refresh`]: () => errorResponse(401, 'REFRESH_TOKEN_INVALID', 'sign in again'),
    [`GET ${BASE}/api/mp/me/consent`]: authed(() => ({ status: 200, body: {} })),
    [`POST ${BASE}/api/mp/me/erasure`]: authed((request) => {
      expect(request.body).toEqual({ confirm: true });
      erased = true;
      return { status: 200, body: erasure };
    }),
    ...Object.fromEntries(Object.entries(routes).map(([key, handler]) => [key, authed(handler)])),
  });
  const storage = memoryStorage();
  const tokens = createStorageTokenStore(storage);
  const sleep = vi.fn(async () => undefined);
  const store = createSessionStore({ baseUrl: BASE, transport: fake.transport, tokens, platform, sleep });
  return { store, fake, storage, tokens, platform, sleep };
}

describe('linking the phone', () => {
  it('verifies the getPhoneNumber code and shows the masked, verified phone', async () => {
    const { store, fake } = setup({ [`POST ${BASE}/api/mp/me/phone`]: () => ({ status: 200, body: verified }) });
    await store.start();
    const seen: string[] = [];
    store.subscribe(() => seen.push(store.getState().status));

    expect(await store.verifyPhone('phone-code-1')).toEqual(verified);

    expect(fake.calls(`POST ${BASE}/api/mp/me/phone`)[0]?.body).toEqual({ code: 'phone-code-1' });
    expect(store.getState()).toEqual({ status: 'signed-in', customer: verified });
    expect(seen).toEqual(['signed-in']);
  });

  it('asks again, a little later, while the same code is still being checked', async () => {
    let calls = 0;
    const { store, sleep } = setup({
      [`POST ${BASE}/api/mp/me/phone`]: () =>
        ++calls < 3 ? errorResponse(409, 'PHONE_CODE_IN_PROGRESS', 'being checked') : { status: 200, body: verified },
    });
    await store.start();
    expect(await store.verifyPhone('phone-code-1')).toEqual(verified);
    expect(calls).toBe(3);
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it('gives up on a code still in progress after a few tries, and passes on an invalid code at once', async () => {
    const stuck = setup({
      [`POST ${BASE}/api/mp/me/phone`]: () => errorResponse(409, 'PHONE_CODE_IN_PROGRESS', 'being checked'),
    });
    await stuck.store.start();
    await expect(stuck.store.verifyPhone('c')).rejects.toMatchObject({ code: 'PHONE_CODE_IN_PROGRESS' });
    expect(stuck.fake.calls(`POST ${BASE}/api/mp/me/phone`)).toHaveLength(4);

    const invalid = setup({
      [`POST ${BASE}/api/mp/me/phone`]: () => errorResponse(400, 'PHONE_CODE_INVALID', 'used'),
    });
    await invalid.store.start();
    await expect(invalid.store.verifyPhone('c')).rejects.toMatchObject({ code: 'PHONE_CODE_INVALID' });
    expect(invalid.fake.calls(`POST ${BASE}/api/mp/me/phone`)).toHaveLength(1);
    expect(invalid.store.getState()).toEqual({ status: 'signed-in', customer });
  });
});

describe('my data', () => {
  it('fetches the export, and refuses an answer that is not one', async () => {
    const data = { generatedAt: '2026-11-26T08:00:00.000Z', customerId: customer.id, sections: { events: [] } };
    let body: unknown = data;
    const { store } = setup({ [`GET ${BASE}/api/mp/me/export`]: () => ({ status: 200, body }) });
    await store.start();
    expect(await store.exportData()).toEqual(data);
    body = '<html>';
    await expect(store.exportData()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('erases, then signs out here: tokens gone, state erased, nothing signs in again by itself', async () => {
    const { store, fake, storage, platform } = setup();
    await store.start();

    expect(await store.erase()).toEqual(erasure);

    expect(store.getState()).toEqual({ status: 'erased', result: erasure });
    expect(storage.data.has('careloop.session')).toBe(false);
    // A late request (an event batch, say) must not open a new profile behind the customer's back.
    await expect(store.api.get('/api/mp/me/consent')).rejects.toMatchObject({ code: 'SIGNED_OUT' });
    await store.start();
    expect(store.getState().status).toBe('erased');
    expect(platform.login).toHaveBeenCalledTimes(1);
    expect(fake.calls(`POST ${BASE}/api/mp/auth/login`)).toHaveLength(1);
  });

  it('keeps the session when the erasure fails', async () => {
    const { store, storage } = setup({
      [`POST ${BASE}/api/mp/me/erasure`]: () => errorResponse(503, 'DATABASE_UNAVAILABLE', 'down'),
    });
    await store.start();
    await expect(store.erase()).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    expect(store.getState().status).toBe('signed-in');
    expect(storage.data.has('careloop.session')).toBe(true);
  });

  it('starts again as a new sign-in when the customer asks to', async () => {
    const { store, platform } = setup();
    await store.start();
    await store.erase();
    await store.restart();
    expect(platform.login).toHaveBeenCalledTimes(2);
    expect(store.getState().status).toBe('signed-in');
  });
});
