import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenCache } from '../../bff/src/platform/tokenCache';
import { signJsApi } from '../../bff/src/platform/wecom/client';
import { takeJobRun } from '../../bff/src/jobs/schedule';
import { signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff('platform');
});
afterAll(() => bff?.close());

/** Reads a WeCom ticket straight from the sandbox, over the real protocol, as a second client would. */
async function sandboxTicket(type: 'config' | 'agentConfig') {
  const { corpId, secret, apiBase } = bff.config.wecom;
  const token = await (await fetch(`${apiBase}/cgi-bin/gettoken?corpid=${corpId}&corpsecret=${secret}`)).json();
  const path = type === 'config' ? '/cgi-bin/get_jsapi_ticket?' : '/cgi-bin/ticket/get?type=agent_config&';
  const ticket = await (await fetch(`${apiBase}${path}access_token=${token.access_token}`)).json();
  return ticket.ticket as string;
}

describe('app configuration', () => {
  it('tells the front ends, before sign-in, the sandbox mode, app ids and organisation name', async () => {
    const response = await bff.call('GET', '/api/app-config');
    expect(response.body).toEqual({
      sandbox: true,
      organisation: { name: '微笑齿科' },
      miniapp: { appId: bff.config.wechat.appId },
      wecom: { corpId: bff.config.wecom.corpId, agentId: bff.config.wecom.agentId },
    });
  });
});

describe('WeCom JS-SDK signatures', () => {
  it('signs sha1(jsapi_ticket, noncestr, timestamp, url) over the page URL without its fragment', () => {
    // The worked example in WeCom's JS-SDK signature documentation.
    const signature = signJsApi(
      'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
      'http://mp.weixin.qq.com?params=value#fragment',
      'Wm3WZYTPz0wzccnW',
      1414587457,
    );
    expect(signature).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed');
  });

  for (const type of ['config', 'agentConfig'] as const) {
    it(`gives the sidebar a ${type} signature that verifies with the ${type === 'config' ? 'corp' : 'app'} ticket`, async () => {
      const staff = await signInStaff(bff, 'zhangwei');
      const url = `${bff.config.publicUrl}/wecom/?from=chat#/contact`;
      const response = await bff.call('POST', '/api/staff/wecom/js-signature', {
        token: staff.accessToken,
        body: { url, type },
      });
      expect(response.status).toBe(200);
      const { nonceStr, timestamp, signature } = response.body;
      const expected = createHash('sha1')
        .update(
          `jsapi_ticket=${await sandboxTicket(type)}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${url.split('#')[0]}`,
        )
        .digest('hex');
      expect(signature).toBe(expected);
    });
  }
});

describe('platform access tokens', () => {
  it('recovers when WeCom reports the cached access token expired (42001): refetches once and succeeds', async () => {
    await signInStaff(bff, 'lina'); // caches a token
    const expired = await bff.call('POST', '/sandbox/control/credentials/expire');
    expect(expired.status).toBe(204);
    const login = await signInStaff(bff, 'lina');
    expect(login.staff.wecomUserId).toBe('lina');
  });

  it('fetches a token once however many instances ask for it at the same time', async () => {
    const instances = Array.from({ length: 5 }, () => new TokenCache());
    let fetches = 0;
    const fetcher = async () => {
      fetches += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { value: `token-${fetches}`, expiresInSeconds: 7200 };
    };
    const key = `test:shared:${Date.now()}`;
    const tokens = await Promise.all(instances.flatMap((cache) => [cache.get(key, fetcher), cache.get(key, fetcher)]));
    expect(fetches).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
  });

  it('refetches a token reported stale, asking the platform for a fresh one', async () => {
    const cache = new TokenCache();
    const staleFlags: boolean[] = [];
    const fetcher = async (stale: boolean) => {
      staleFlags.push(stale);
      return { value: `token-${staleFlags.length}`, expiresInSeconds: 7200 };
    };
    const key = `test:stale:${Date.now()}`;
    const first = await cache.get(key, fetcher);
    await cache.invalidate(key, first);
    const second = await new TokenCache().get(key, fetcher);
    expect([first, second]).toEqual(['token-1', 'token-2']);
    expect(staleFlags).toEqual([false, true]);
  });

  it('refreshes a token that is about to expire before it does', async () => {
    const cache = new TokenCache();
    let fetches = 0;
    const fetcher = async () => ({ value: `token-${++fetches}`, expiresInSeconds: fetches === 1 ? 120 : 7200 });
    const key = `test:expiring:${Date.now()}`;
    expect(await cache.get(key, fetcher)).toBe('token-1');
    // 120 s left is inside the refresh margin: the next caller refreshes it.
    expect(await cache.get(key, fetcher)).toBe('token-2');
  });

  it('gets the WeChat stable access token from the platform and reuses it', async () => {
    const seen: string[] = [];
    await bff.deps.wechat.withAccessToken(async (token) => (seen.push(token), { errcode: 0 }));
    await bff.deps.wechat.withAccessToken(async (token) => (seen.push(token), { errcode: 0 }));
    const { appId, secret, apiBase } = bff.config.wechat;
    const stable = await (
      await fetch(`${apiBase}/cgi-bin/stable_token`, {
        method: 'POST',
        body: JSON.stringify({ grant_type: 'client_credential', appid: appId, secret }),
        headers: { 'content-type': 'application/json' },
      })
    ).json();
    expect(seen).toEqual([stable.access_token, stable.access_token]);
  });
});

describe('scheduled jobs', () => {
  it('runs each interval of a job on exactly one of several instances', async () => {
    const name = `test-job-${Date.now()}`;
    const start = new Date('2030-01-01T00:00:00Z');
    const first = await Promise.all(Array.from({ length: 8 }, () => takeJobRun(name, 60_000, start)));
    expect(first.filter(Boolean)).toHaveLength(1);
    const tooEarly = await takeJobRun(name, 60_000, new Date(start.getTime() + 30_000));
    expect(tooEarly).toBe(false);
    const next = await Promise.all(
      Array.from({ length: 8 }, () => takeJobRun(name, 60_000, new Date(start.getTime() + 61_000))),
    );
    expect(next.filter(Boolean)).toHaveLength(1);
  });
});
