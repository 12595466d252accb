import { describe, expect, it } from 'vitest';
import { createApiClient } from '@careloop/shared/client';
import { createSandboxPlatform, SANDBOX_OPENID_KEY } from '../../../miniapp/src/platform/sandbox';
import { errorResponse, fakeTransport, memoryStorage } from './fakes';

/** A sandbox like the BFF's: knows some openids, creates users, hands out codes for known ones. */
function fakeSandbox(known: string[] = []) {
  const users = new Set(known);
  let next = 0;
  const fake = fakeTransport({
    'POST /sandbox/control/wechat/users': () => {
      const openid = `openid-${++next}`;
      users.add(openid);
      return { status: 201, body: { openid, unionid: null } };
    },
    'POST /sandbox/control/wechat/login-code': (request) => {
      const { openid } = request.body as { openid: string };
      if (!users.has(openid)) return errorResponse(404, 'NOT_FOUND', 'Sandbox WeChat user not found');
      return { status: 201, body: { code: `code-for-${openid}` } };
    },
  });
  const api = createApiClient({ baseUrl: '', transport: fake.transport, tokens: { get: () => null, set: () => {} } });
  return { ...fake, api, users };
}

describe('sandbox login (H5)', () => {
  it('creates an emulated WeChat user on first use, keeps its openid and returns a login code', async () => {
    const sandbox = fakeSandbox();
    const storage = memoryStorage();
    const platform = createSandboxPlatform({ api: sandbox.api, storage });

    expect(await platform.login()).toBe('code-for-openid-1');
    expect(storage.data.get(SANDBOX_OPENID_KEY)).toBe('openid-1');
    expect(sandbox.calls('POST /sandbox/control/wechat/users')).toHaveLength(1);
    expect(sandbox.calls('POST /sandbox/control/wechat/users')[0]?.body).toEqual({});
    expect(sandbox.calls('POST /sandbox/control/wechat/login-code')[0]?.body).toEqual({ openid: 'openid-1' });
  });

  it('comes back as the same user after a reload', async () => {
    const sandbox = fakeSandbox(['openid-kept']);
    const storage = memoryStorage({ [SANDBOX_OPENID_KEY]: 'openid-kept' });

    expect(await createSandboxPlatform({ api: sandbox.api, storage }).login()).toBe('code-for-openid-kept');
    expect(sandbox.calls('POST /sandbox/control/wechat/users')).toHaveLength(0);
  });

  it('creates a new user when the sandbox no longer knows the stored openid', async () => {
    const sandbox = fakeSandbox();
    const storage = memoryStorage({ [SANDBOX_OPENID_KEY]: 'openid-forgotten' });

    expect(await createSandboxPlatform({ api: sandbox.api, storage }).login()).toBe('code-for-openid-1');
    expect(storage.data.get(SANDBOX_OPENID_KEY)).toBe('openid-1');
  });

  it('does not create users when there is no sandbox at all (a 404 without an error body)', async () => {
    const fake = fakeTransport({
      'POST /sandbox/control/wechat/login-code': () => ({ status: 404, body: 'Not Found' }),
      'POST /sandbox/control/wechat/users': () => ({ status: 404, body: null }),
    });
    const api = createApiClient({ baseUrl: '', transport: fake.transport, tokens: { get: () => null, set: () => {} } });
    const storage = memoryStorage({ [SANDBOX_OPENID_KEY]: 'openid-kept' });

    await expect(createSandboxPlatform({ api, storage }).login()).rejects.toMatchObject({
      status: 404,
      code: 'HTTP_404',
    });
    expect(fake.calls('POST /sandbox/control/wechat/users')).toHaveLength(0);
    expect(storage.data.get(SANDBOX_OPENID_KEY)).toBe('openid-kept');
  });

  it('creates one user when two logins start at once', async () => {
    const sandbox = fakeSandbox();
    const platform = createSandboxPlatform({ api: sandbox.api, storage: memoryStorage() });

    const codes = await Promise.all([platform.login(), platform.login()]);
    expect(codes).toEqual(['code-for-openid-1', 'code-for-openid-1']);
    expect(sandbox.users.size).toBe(1);
  });

  it('passes other sandbox errors on', async () => {
    const fake = fakeTransport({
      'POST /sandbox/control/wechat/users': () => errorResponse(503, 'DATABASE_UNAVAILABLE', 'Database unavailable'),
    });
    const api = createApiClient({ baseUrl: '', transport: fake.transport, tokens: { get: () => null, set: () => {} } });
    await expect(createSandboxPlatform({ api, storage: memoryStorage() }).login()).rejects.toMatchObject({
      code: 'DATABASE_UNAVAILABLE',
    });
  });
});
