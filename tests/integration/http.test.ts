import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../bff/src/app';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff('http');
});
afterAll(() => bff?.close());

describe('bad input', () => {
  it('answers malformed JSON with MALFORMED_JSON', async () => {
    const response = await bff.call('POST', '/api/mp/auth/login', { body: '{"code": "abc"' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('MALFORMED_JSON');
  });

  it('answers a wrongly typed field with VALIDATION_FAILED naming the field', async () => {
    const response = await bff.call('POST', '/api/mp/auth/login', { body: { code: 42 } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details).toEqual([
      expect.objectContaining({ in: 'body', path: 'code', code: 'invalid_type' }),
    ]);
  });

  it('answers an unknown field with VALIDATION_FAILED (unrecognized_keys)', async () => {
    const response = await bff.call('POST', '/api/mp/auth/login', { body: { code: 'abc', admin: true } });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([expect.objectContaining({ code: 'unrecognized_keys' })]);
  });

  it('answers a body over the limit with PAYLOAD_TOO_LARGE', async () => {
    const response = await bff.call('POST', '/api/mp/auth/login', { body: { code: 'x'.repeat(200 * 1024) } });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a body that is not JSON with UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await bff.call('POST', '/api/mp/auth/login', {
      body: 'code=abc',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a malformed path id or an out-of-range query with VALIDATION_FAILED', async () => {
    const staff = await signInStaff(bff, 'zhangwei');
    const badId = await bff.call('GET', '/api/staff/customers/not-an-id', { token: staff.accessToken });
    expect(badId.status).toBe(400);
    expect(badId.body.error.details).toEqual([expect.objectContaining({ in: 'path', path: 'id' })]);
    const badLimit = await bff.call('GET', '/api/staff/customers?limit=500', { token: staff.accessToken });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.details).toEqual([expect.objectContaining({ in: 'query', path: 'limit' })]);
  });

  it('answers an unknown route with NOT_FOUND and a wrong method with METHOD_NOT_ALLOWED', async () => {
    expect((await bff.call('GET', '/api/nothing-here')).body.error.code).toBe('NOT_FOUND');
    const wrongMethod = await bff.call('DELETE', '/api/mp/me');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.error.code).toBe('METHOD_NOT_ALLOWED');
  });
});

describe('every request', () => {
  it('gets a request id, and a well-formed incoming one is kept', async () => {
    const fresh = await bff.call('GET', '/healthz');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const traced = await bff.call('GET', '/healthz', { headers: { 'x-request-id': 'trace-1234abcd' } });
    expect(traced.headers.get('x-request-id')).toBe('trace-1234abcd');
    const hostile = await bff.call('GET', '/healthz', { headers: { 'x-request-id': '<script>' } });
    expect(hostile.headers.get('x-request-id')).not.toBe('<script>');
  });

  it('carries security headers and no caching of API answers', async () => {
    const response = await bff.call('GET', '/api/app-config');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('allows CORS only from configured front-end origins', async () => {
    const allowed = await bff.call('GET', '/api/app-config', { headers: { origin: bff.config.publicUrl } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(bff.config.publicUrl);
    const other = await bff.call('GET', '/api/app-config', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('system routes', () => {
  it('reports health with a database ping', async () => {
    const response = await bff.call('GET', '/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', database: 'ok' });
  });

  it('publishes an OpenAPI document listing every route', async () => {
    const response = await bff.call('GET', '/openapi.json');
    expect(response.body.openapi).toBe('3.0.3');
    const documented = Object.entries(response.body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`),
    );
    const declared = [
      ...allRoutes(bff.deps).map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`),
      // WeChat Pay's notifications answer in its own format, so they are plain routes documented by hand.
      'post /api/pay/notify',
      'post /api/pay/refund-notify',
      // So do WeCom's callbacks (text/plain answers, XML bodies).
      'get /api/wecom/callback',
      'post /api/wecom/callback',
    ];
    expect(documented.sort()).toEqual(declared.sort());
    expect(documented).toContain('post /api/mp/auth/login');
    expect(response.body.paths['/api/mp/auth/login'].post.requestBody.content['application/json'].schema).toMatchObject(
      {
        type: 'object',
        required: ['code'],
        additionalProperties: false,
      },
    );
  });
});

describe('clients that cannot send every method', () => {
  it('treats POST with X-HTTP-Method-Override: PATCH as PATCH (wx.request has no PATCH)', async () => {
    const patient = await signInNewPatient(bff);
    const response = await bff.call('POST', '/api/mp/me', {
      token: patient.accessToken,
      body: { name: '李华' },
      headers: { 'x-http-method-override': 'PATCH' },
    });
    expect(response.status).toBe(200);
    expect(response.body.name).toBe('李华');
  });

  it('never lets a GET be overridden into a write', async () => {
    const patient = await signInNewPatient(bff);
    const response = await bff.call('GET', '/api/mp/me', {
      token: patient.accessToken,
      headers: { 'x-http-method-override': 'DELETE' },
    });
    expect(response.status).toBe(200);
  });
});
