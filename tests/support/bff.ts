/** Starts the real BFF (with its sandbox) on a free loopback port, on a database of the test file's own. */
import mongoose from 'mongoose';
import { startBff, type RunningBff } from '../../bff/src/index';
import type { StaticApps } from '../../bff/src/app';
import { syncStaffContacts } from '../../bff/src/identity/wecomContacts';
import { addExternalContact, addWecomMember } from '../../bff/src/platform/sandbox/service';
import { createStaff } from '../../bff/src/staff/service';
import { testDatabaseUri } from './database';

export interface TestBff extends RunningBff {
  call(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<{
    status: number;
    body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
    headers: Headers;
  }>;
}

export async function startTestBff(name: string, staticApps?: StaticApps): Promise<TestBff> {
  const uri = testDatabaseUri(name);
  const bff = await startBff({
    env: { CARELOOP_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DEMO_SEED: 'true' },
    mongodbUri: uri,
    staticApps,
  });
  const close = bff.close;
  return {
    ...bff,
    async close() {
      await mongoose.connection.db?.dropDatabase();
      await close();
    },
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.body !== undefined) headers['content-type'] ??= 'application/json';
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      const response = await fetch(bff.url + path, {
        method,
        headers,
        body:
          options.body === undefined
            ? undefined
            : typeof options.body === 'string'
              ? options.body
              : JSON.stringify(options.body),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body, headers: response.headers };
    },
  };
}

/** Signs a new emulated WeChat user into the mini-program, as wx.login + the login route would. */
export async function signInNewPatient(bff: TestBff, user: { unionid?: string } = {}) {
  const created = await bff.call('POST', '/sandbox/control/wechat/users', { body: user });
  const code = await bff.call('POST', '/sandbox/control/wechat/login-code', { body: { openid: created.body.openid } });
  const login = await bff.call('POST', '/api/mp/auth/login', { body: { code: code.body.code } });
  if (login.status !== 200) throw new Error(`patient sign-in failed: ${JSON.stringify(login.body)}`);
  return { openid: created.body.openid as string, ...login.body };
}

/**
 * `count` new patients signed in one after another, so their profiles are oldest first: a OneID merge keeps the
 * older profile, and profiles created at once have no reliable order.
 */
export async function signInPatientsOldestFirst(bff: TestBff, count: number) {
  const patients: Awaited<ReturnType<typeof signInNewPatient>>[] = [];
  for (let index = 0; index < count; index += 1) patients.push(await signInNewPatient(bff));
  return patients;
}

/** Signs a demo staff member into the staff apps through a sandbox WeCom OAuth code. */
export async function signInStaff(bff: TestBff, userid: string) {
  const code = await bff.call('POST', '/sandbox/control/wecom/oauth-code', { body: { userid } });
  const login = await bff.call('POST', '/api/staff/auth/wecom', { body: { code: code.body.code } });
  if (login.status !== 200) throw new Error(`staff sign-in failed: ${JSON.stringify(login.body)}`);
  return login.body;
}

/**
 * A new consultant (`userid`) with `contacts` WeCom external contacts (wm<userid>000, wm<userid>001, …), known to
 * WeCom (the sandbox) and synced into CareLoop.
 */
export async function consultantWithContacts(bff: TestBff, organisationId: string, userid: string, contacts: number) {
  const corpId = bff.config.wecom.corpId;
  const staff = await createStaff({
    organisationId,
    wecomUserId: userid,
    name: `咨询师${userid}`,
    position: '咨询师',
    roles: ['staff'],
  });
  await addWecomMember(corpId, { userid, name: staff.name });
  const externalUserIds: string[] = [];
  for (let i = 0; i < contacts; i += 1) {
    const externalUserId = `wm${userid}${String(i).padStart(3, '0')}`;
    await addExternalContact(corpId, { userid, name: `客户${i}`, externalUserId });
    externalUserIds.push(externalUserId);
  }
  await syncStaffContacts(bff.deps.wecom, organisationId, [userid]);
  return { staff, externalUserIds };
}

type SignedIn = { accessToken: string };

/** Passes one step of a staff workflow (create, submit, review, publish), or throws with the BFF's answer. */
async function step(bff: TestBff, token: string, path: string, body?: unknown) {
  const response = await bff.call('POST', path, { token, body });
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Content (the request's `body`) written by `author`, approved by `reviewer` and published; returns its id. */
export async function publishContent(bff: TestBff, author: SignedIn, reviewer: SignedIn, body: unknown) {
  const id = (await step(bff, author.accessToken, '/api/staff/content', body)).id as string;
  await step(bff, author.accessToken, `/api/staff/content/${id}/submit`);
  await step(bff, reviewer.accessToken, `/api/staff/content/${id}/review`, { decision: 'approve' });
  await step(bff, author.accessToken, `/api/staff/content/${id}/publish`);
  return id;
}

/** A meeting (the request's `body`) created by `rep`, approved by `manager` and published; returns what publish did. */
export async function publishMeeting(bff: TestBff, rep: SignedIn, manager: SignedIn, body: unknown) {
  const created = await step(bff, rep.accessToken, '/api/staff/meetings', body);
  await step(bff, rep.accessToken, `/api/staff/meetings/${created.id}/submit`);
  await step(bff, manager.accessToken, `/api/staff/meetings/${created.id}/decision`, {
    decision: 'approved',
    version: created.version,
  });
  return step(bff, rep.accessToken, `/api/staff/meetings/${created.id}/publish`);
}
