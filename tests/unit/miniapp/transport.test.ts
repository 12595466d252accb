import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import { createRequestTransport, type RequestFunction } from '../../../miniapp/src/services/transport';

describe('createRequestTransport', () => {
  it('passes the request to Taro.request and hands back status and body', async () => {
    const request = vi.fn<RequestFunction>(async () => ({ statusCode: 201, data: { ok: true } }));
    const transport = createRequestTransport(request, { timeoutMs: 5000 });

    const response = await transport({
      method: 'POST',
      url: 'http://api.test/api/mp/auth/login',
      headers: { 'content-type': 'application/json' },
      body: { code: 'c1' },
    });

    expect(response).toEqual({ status: 201, body: { ok: true } });
    expect(request).toHaveBeenCalledWith({
      url: 'http://api.test/api/mp/auth/login',
      method: 'POST',
      header: { 'content-type': 'application/json', 'x-careloop-surface': 'miniapp' },
      data: { code: 'c1' },
      dataType: 'json',
      timeout: 5000,
    });
  });

  it('sends methods the platform lacks as POST with X-HTTP-Method-Override', async () => {
    const request = vi.fn<RequestFunction>(async () => ({ statusCode: 200, data: {} }));
    const transport = createRequestTransport(request, { overrideMethods: ['PATCH'] });

    await transport({
      method: 'PATCH',
      url: '/api/mp/me',
      headers: { authorization: 'Bearer t' },
      body: { name: 'x' },
    });
    await transport({ method: 'GET', url: '/api/mp/me', headers: {} });

    expect(request.mock.calls[0]?.[0]).toMatchObject({
      method: 'POST',
      header: { authorization: 'Bearer t', 'x-http-method-override': 'PATCH' },
      data: { name: 'x' },
    });
    expect(request.mock.calls[1]?.[0]).toMatchObject({ method: 'GET', header: {} });
  });

  it('names the mini-program as the surface on every request (the BFF audits it)', async () => {
    const request = vi.fn<RequestFunction>(async () => ({ statusCode: 200, data: {} }));
    const transport = createRequestTransport(request, { overrideMethods: ['PATCH'] });
    await transport({ method: 'GET', url: '/api/mp/me/export', headers: { authorization: 'Bearer t' } });
    await transport({ method: 'PATCH', url: '/api/mp/me', headers: {}, body: {} });
    await transport({ method: 'POST', url: '/sandbox/control/wechat/users', headers: {}, body: {} });
    for (const [options] of request.mock.calls) expect(options.header['x-careloop-surface']).toBe('miniapp');
  });

  it('keeps PATCH as it is where the platform has it', async () => {
    const request = vi.fn<RequestFunction>(async () => ({ statusCode: 200, data: {} }));
    await createRequestTransport(request)({ method: 'PATCH', url: '/api/mp/me', headers: {}, body: {} });
    expect(request.mock.calls[0]?.[0].method).toBe('PATCH');
  });

  it('hands back error statuses as answers (the client reads their error body)', async () => {
    const body = { error: { code: 'TOKEN_EXPIRED', message: 'expired' } };
    const transport = createRequestTransport(async () => ({ statusCode: 401, data: body }));
    expect(await transport({ method: 'GET', url: '/api/mp/me', headers: {} })).toEqual({ status: 401, body });
  });

  it('turns a request that got no answer into a NETWORK_ERROR', async () => {
    const transport = createRequestTransport(async () => {
      throw { errMsg: 'request:fail timeout' };
    });
    const error = await transport({ method: 'GET', url: '/api/mp/me', headers: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 0,
      code: 'NETWORK_ERROR',
      message: 'Network request failed: request:fail timeout',
    });
  });
});
