import { describe, expect, it } from 'vitest';
import { ApiError, createApiClient, type HttpRequest, type HttpResponse } from '@careloop/shared/client';
import type { TokenPair } from '@careloop/shared';

/** A fake server: access tokens `access-N` are valid while N is the latest issued; refresh tokens rotate. */
function fakeServer() {
  let generation = 1;
  const requests: HttpRequest[] = [];
  const spent = new Set<string>();
  const transport = async (request: HttpRequest): Promise<HttpResponse> => {
    requests.push(request);
    if (request.url === '/api/auth/refresh') {
      const { refreshToken } = request.body as { refreshToken: string };
      if (spent.has(refreshToken) || refreshToken !== `refresh-${generation}`) {
        return { status: 401, body: { error: { code: 'REFRESH_TOKEN_REUSED', message: 'reused' } } };
      }
      spent.add(refreshToken);
      generation += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return {
        status: 200,
        body: { accessToken: `access-${generation}`, refreshToken: `refresh-${generation}`, expiresIn: 900 },
      };
    }
    if (request.headers.authorization !== `Bearer access-${generation}`) {
      return { status: 401, body: { error: { code: 'TOKEN_EXPIRED', message: 'expired' } } };
    }
    return { status: 200, body: { ok: true, path: request.url } };
  };
  return {
    transport,
    requests,
    rotate: () => (generation += 1),
  };
}

function memoryTokens(initial: TokenPair | null) {
  let tokens = initial;
  return { get: () => tokens, set: (next: TokenPair | null) => void (tokens = next) };
}

describe('the shared API client', () => {
  it('sends the access token and returns the body', async () => {
    const server = fakeServer();
    const client = createApiClient({
      baseUrl: '',
      transport: server.transport,
      tokens: memoryTokens({ accessToken: 'access-1', refreshToken: 'refresh-1', expiresIn: 900 }),
    });
    expect(await client.get('/api/mp/me')).toEqual({ ok: true, path: '/api/mp/me' });
  });

  it('refreshes once for many requests that find the access token expired, then retries them', async () => {
    const server = fakeServer();
    const tokens = memoryTokens({ accessToken: 'access-0', refreshToken: 'refresh-1', expiresIn: 900 });
    const client = createApiClient({ baseUrl: '', transport: server.transport, tokens });
    const results = await Promise.all([client.get('/a'), client.get('/b'), client.get('/c')]);
    expect(results.map((result) => (result as { ok: boolean }).ok)).toEqual([true, true, true]);
    expect(server.requests.filter((request) => request.url === '/api/auth/refresh')).toHaveLength(1);
    expect(tokens.get()?.refreshToken).toBe('refresh-2');
  });

  it('signs in afresh when the session cannot be refreshed', async () => {
    const server = fakeServer();
    server.rotate(); // the stored refresh token is now stale
    const tokens = memoryTokens({ accessToken: 'access-0', refreshToken: 'refresh-1', expiresIn: 900 });
    let signIns = 0;
    const client = createApiClient({
      baseUrl: '',
      transport: server.transport,
      tokens,
      signIn: async () => {
        signIns += 1;
        return { accessToken: 'access-2', refreshToken: 'refresh-2', expiresIn: 900 };
      },
    });
    expect(await client.get('/x')).toMatchObject({ ok: true });
    expect(signIns).toBe(1);
  });

  it('turns an error answer into an ApiError with its code', async () => {
    const client = createApiClient({
      baseUrl: '',
      transport: async () => ({
        status: 400,
        body: { error: { code: 'VALIDATION_FAILED', message: 'bad', details: [1] } },
      }),
      tokens: memoryTokens(null),
    });
    const error = await client.publicRequest('POST', '/api/mp/auth/login', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', details: [1] });
  });
});
