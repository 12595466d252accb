import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWecomMember } from '../../bff/src/platform/sandbox/service';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff('auth');
});
afterAll(() => bff?.close());

const loginCode = async (openid: string) =>
  (await bff.call('POST', '/sandbox/control/wechat/login-code', { body: { openid } })).body.code as string;

describe('mini-program sign-in', () => {
  it('signs a patient in with a wx.login code and returns tokens and their profile', async () => {
    const patient = await signInNewPatient(bff);
    expect(patient.customer).toMatchObject({ kind: 'patient', name: null });
    expect(patient.expiresIn).toBe(900);
    const me = await bff.call('GET', '/api/mp/me', { token: patient.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(patient.customer.id);
  });

  it('recognises the same WeChat user signing in again as the same customer', async () => {
    const first = await signInNewPatient(bff);
    const again = await bff.call('POST', '/api/mp/auth/login', { body: { code: await loginCode(first.openid) } });
    expect(again.body.customer.id).toBe(first.customer.id);
  });

  it('creates exactly one customer when one WeChat user signs in twenty times at once', async () => {
    const user = await bff.call('POST', '/sandbox/control/wechat/users', { body: {} });
    const codes = await Promise.all(Array.from({ length: 20 }, () => loginCode(user.body.openid)));
    const logins = await Promise.all(codes.map((code) => bff.call('POST', '/api/mp/auth/login', { body: { code } })));
    expect(logins.map((login) => login.status)).toEqual(Array(20).fill(200));
    expect(new Set(logins.map((login) => login.body.customer.id)).size).toBe(1);
  });

  it('makes two mini-program users who share a unionid one customer', async () => {
    const unionid = 'oUnion' + Date.now();
    const first = await signInNewPatient(bff, { unionid });
    const second = await signInNewPatient(bff, { unionid });
    expect(second.openid).not.toBe(first.openid);
    expect(second.customer.id).toBe(first.customer.id);
  });

  it('rejects a login code used twice with LOGIN_CODE_INVALID', async () => {
    const user = await bff.call('POST', '/sandbox/control/wechat/users', { body: {} });
    const code = await loginCode(user.body.openid);
    expect((await bff.call('POST', '/api/mp/auth/login', { body: { code } })).status).toBe(200);
    const reused = await bff.call('POST', '/api/mp/auth/login', { body: { code } });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('LOGIN_CODE_INVALID');
    expect(reused.body.error.details).toEqual({ errcode: 40163 });
  });

  it('rejects an unknown login code with LOGIN_CODE_INVALID', async () => {
    const response = await bff.call('POST', '/api/mp/auth/login', { body: { code: 'not-a-real-code' } });
    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ code: 'LOGIN_CODE_INVALID', details: { errcode: 40029 } });
  });
});

describe('staff sign-in', () => {
  it('signs a consultant in with a WeCom OAuth code, with roles and organisation', async () => {
    const login = await signInStaff(bff, 'zhangwei');
    expect(login.staff).toMatchObject({
      wecomUserId: 'zhangwei',
      name: '张伟',
      roles: ['staff'],
      organisation: { name: '微笑齿科' },
    });
    const me = await bff.call('GET', '/api/staff/me', { token: login.accessToken });
    expect(me.body).toEqual(login.staff);
  });

  it('refuses a WeCom member who is not CareLoop staff with STAFF_NOT_REGISTERED', async () => {
    const { config } = bff;
    await addWecomMember(config.wecom.corpId, { userid: 'visitor', name: '访客' });
    const code = await bff.call('POST', '/sandbox/control/wecom/oauth-code', { body: { userid: 'visitor' } });
    const login = await bff.call('POST', '/api/staff/auth/wecom', { body: { code: code.body.code } });
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe('STAFF_NOT_REGISTERED');
  });

  it('rejects a reused WeCom OAuth code with LOGIN_CODE_INVALID', async () => {
    const code = (await bff.call('POST', '/sandbox/control/wecom/oauth-code', { body: { userid: 'lina' } })).body.code;
    expect((await bff.call('POST', '/api/staff/auth/wecom', { body: { code } })).status).toBe(200);
    const reused = await bff.call('POST', '/api/staff/auth/wecom', { body: { code } });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('LOGIN_CODE_INVALID');
  });
});

describe('sessions', () => {
  it('rotates the refresh token: the new pair works and the old refresh token is spent', async () => {
    const patient = await signInNewPatient(bff);
    const refreshed = await bff.call('POST', '/api/auth/refresh', { body: { refreshToken: patient.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(patient.refreshToken);
    expect((await bff.call('GET', '/api/mp/me', { token: refreshed.body.accessToken })).status).toBe(200);
  });

  it('revokes the whole session when a spent refresh token is presented again', async () => {
    const staff = await signInStaff(bff, 'wangfang');
    const next = await bff.call('POST', '/api/auth/refresh', { body: { refreshToken: staff.refreshToken } });
    const reused = await bff.call('POST', '/api/auth/refresh', { body: { refreshToken: staff.refreshToken } });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('REFRESH_TOKEN_REUSED');
    // The thief's use also ends the legitimate holder's newer token.
    const afterTheft = await bff.call('POST', '/api/auth/refresh', { body: { refreshToken: next.body.refreshToken } });
    expect(afterTheft.body.error.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('lets only one of two concurrent refreshes with the same token win', async () => {
    const patient = await signInNewPatient(bff);
    const results = await Promise.all(
      [1, 2].map(() => bff.call('POST', '/api/auth/refresh', { body: { refreshToken: patient.refreshToken } })),
    );
    expect(results.map((result) => result.status).sort()).toEqual([200, 401]);
  });

  it('ends the session on logout', async () => {
    const patient = await signInNewPatient(bff);
    const logout = await bff.call('POST', '/api/auth/logout', { body: { refreshToken: patient.refreshToken } });
    expect(logout.status).toBe(204);
    const refresh = await bff.call('POST', '/api/auth/refresh', { body: { refreshToken: patient.refreshToken } });
    expect(refresh.body.error.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('rejects an unknown refresh token with REFRESH_TOKEN_INVALID', async () => {
    const refresh = await bff.call('POST', '/api/auth/refresh', { body: { refreshToken: 'made-up' } });
    expect(refresh.status).toBe(401);
    expect(refresh.body.error.code).toBe('REFRESH_TOKEN_INVALID');
  });
});

describe('access tokens', () => {
  const claims = { sub: '6b0000000000000000000001', org: '6b0000000000000000000002' };

  it('asks for sign-in when no token is sent (UNAUTHENTICATED)', async () => {
    const response = await bff.call('GET', '/api/mp/me');
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('rejects an expired token with TOKEN_EXPIRED', async () => {
    const expired = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, bff.config.auth.jwtSecret, {
      algorithm: 'HS256',
      issuer: 'careloop',
      audience: 'careloop-miniapp',
    });
    const response = await bff.call('GET', '/api/mp/me', { token: expired });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('TOKEN_EXPIRED');
  });

  it('rejects a token signed with another secret with TOKEN_INVALID', async () => {
    const forged = jwt.sign(claims, 'someone-else-s-secret-of-enough-length!!', {
      algorithm: 'HS256',
      issuer: 'careloop',
      audience: 'careloop-miniapp',
      expiresIn: 600,
    });
    const response = await bff.call('GET', '/api/mp/me', { token: forged });
    expect(response.body.error.code).toBe('TOKEN_INVALID');
  });

  it('rejects an unsigned (alg none) token with TOKEN_INVALID', async () => {
    const unsigned = jwt.sign(claims, '', { algorithm: 'none', issuer: 'careloop', audience: 'careloop-miniapp' });
    const response = await bff.call('GET', '/api/mp/me', { token: unsigned });
    expect(response.body.error.code).toBe('TOKEN_INVALID');
  });

  it('never lets a customer token open a staff route', async () => {
    const patient = await signInNewPatient(bff);
    const response = await bff.call('GET', '/api/staff/me', { token: patient.accessToken });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('TOKEN_INVALID');
  });

  it('never lets a staff token open a customer route', async () => {
    const staff = await signInStaff(bff, 'liuyang');
    const response = await bff.call('GET', '/api/mp/me', { token: staff.accessToken });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('TOKEN_INVALID');
  });

  it('refuses a staff token without a role the route needs (FORBIDDEN)', async () => {
    const staff = await signInStaff(bff, 'liuyang');
    const { sub, org } = jwt.decode(staff.accessToken) as { sub: string; org: string };
    const roleless = jwt.sign({ sub, org, roles: [] }, bff.config.auth.jwtSecret, {
      algorithm: 'HS256',
      issuer: 'careloop',
      audience: 'careloop-staff',
      expiresIn: 600,
    });
    const response = await bff.call('GET', '/api/staff/me', { token: roleless });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('FORBIDDEN');
  });
});
