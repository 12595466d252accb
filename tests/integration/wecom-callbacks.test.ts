import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptAndSign } from '../../bff/src/platform/wecom/callbackCrypto';
import { WecomCallbackModel } from '../../bff/src/platform/wecom/callbackModel';
import { processDueWecomCallbacks, type WecomCallbackHandler } from '../../bff/src/platform/wecom/callbacks';
import { buildWecomXml } from '../../bff/src/platform/wecom/xml';
import { findCustomerByExternalUserId } from '../../bff/src/identity/service';
import { followersOf } from '../../bff/src/identity/wecomContacts';
import { findOrganisationByPlatform } from '../../bff/src/organisations/service';
import { wecomCallbackHandlers } from '../../bff/src/wecomCallbackHandlers';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';
import { eventually } from '../support/concurrency';

let bff: TestBff;
let manager: { accessToken: string };
let organisationId: string;
// These tests exercise the platform layer and identity: other domains' handlers are set aside meanwhile.
let otherHandlers: WecomCallbackHandler[] = [];
beforeAll(async () => {
  bff = await startTestBff('wecom-callbacks');
  otherHandlers = wecomCallbackHandlers.splice(1);
  manager = await signInStaff(bff, 'lina');
  organisationId = (await findOrganisationByPlatform({ wecomCorpId: bff.config.wecom.corpId })).id;
});
afterAll(async () => {
  wecomCallbackHandlers.splice(1, Infinity, ...otherHandlers);
  await bff?.close();
});

const keys = () => ({ ...bff.config.wecom.callback, corpId: bff.config.wecom.corpId });

/** The sandbox's record of the callback about this contact, once every copy was answered. */
const deliveredCallback = (externalUserId: string) =>
  eventually(async () => {
    const list = await bff.call('GET', `/sandbox/control/wecom/callbacks?externalUserId=${externalUserId}`);
    return list.body[0]?.finished ? list.body[0] : null;
  });

const queueItemsOf = (externalUserId: string) => WecomCallbackModel.find({ externalUserId }).lean();

/** Waits until the contact's queued callbacks are processed (the fast path finished), and answers them. */
const processed = (externalUserId: string) =>
  eventually(async () => {
    const items = await queueItemsOf(externalUserId);
    return items.length > 0 && items.every((item) => item.status === 'done') ? items : null;
  });

async function timeline(customerId: string, types: string[]) {
  const response = await bff.call('GET', `/api/staff/customers/${customerId}/timeline?limit=50`, {
    token: manager.accessToken,
  });
  expect(response.status).toBe(200);
  return (response.body.items as { type: string; properties: Record<string, unknown> }[]).filter((item) =>
    types.includes(item.type),
  );
}

/** POSTs a callback to CareLoop exactly as WeCom does (XML, signed query). */
async function postCallback(fields: Record<string, string | number>, tamper?: { msgSignature?: string }) {
  const signed = encryptAndSign(keys(), buildWecomXml(fields));
  const query = new URLSearchParams({
    msg_signature: tamper?.msgSignature ?? signed.msgSignature,
    timestamp: signed.timestamp,
    nonce: signed.nonce,
  });
  return fetch(`${bff.url}/api/wecom/callback?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: buildWecomXml({ ToUserName: bff.config.wecom.corpId, Encrypt: signed.encrypted, AgentID: '' }),
  });
}

describe('URL verification', () => {
  it('answers the decrypted echostr as text/plain', async () => {
    const signed = encryptAndSign(keys(), '8627281736272813');
    const query = new URLSearchParams({
      msg_signature: signed.msgSignature,
      timestamp: signed.timestamp,
      nonce: signed.nonce,
      echostr: signed.encrypted,
    });
    const response = await fetch(`${bff.url}/api/wecom/callback?${query}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('8627281736272813');
  });

  it('rejects a wrong signature with CALLBACK_SIGNATURE_INVALID', async () => {
    const signed = encryptAndSign(keys(), '8627281736272813');
    const query = new URLSearchParams({
      msg_signature: 'f'.repeat(40),
      timestamp: signed.timestamp,
      nonce: signed.nonce,
      echostr: signed.encrypted,
    });
    const response = await bff.call('GET', `/api/wecom/callback?${query}`);
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('CALLBACK_SIGNATURE_INVALID');
  });
});

describe('a customer adds a staff member on WeCom', () => {
  it('links them to their profile (OneID) and puts wecom.contact_added with the state on the timeline', async () => {
    const unionid = `oUnionCb${Date.now()}`;
    const patient = await signInNewPatient(bff, { unionid });
    const way = await bff.deps.wecom.addContactWay({
      type: 1,
      scene: 2,
      state: 'cmp_poster_7',
      userIds: ['zhangwei'],
      skipVerify: true,
    });
    const scan = await bff.call('POST', `/sandbox/control/wecom/contact-ways/${way.configId}/scan`, {
      body: { name: '微信昵称', unionid },
    });
    expect(scan.status).toBe(201);
    const externalUserId = scan.body.externalUserId as string;

    const delivered = await deliveredCallback(externalUserId);
    expect(delivered.attempts).toEqual([expect.objectContaining({ ok: true, answer: 'success' })]);
    const items = await processed(externalUserId);
    expect(items).toEqual([
      expect.objectContaining({ changeType: 'add_external_contact', deliveries: 1, attempts: 1, message: null }),
    ]);

    const linked = await findCustomerByExternalUserId(organisationId, bff.config.wecom.corpId, externalUserId);
    expect(linked.id).toBe(patient.customer.id);
    expect(await followersOf(organisationId, [externalUserId])).toEqual([
      expect.objectContaining({ staffUserId: 'zhangwei' }),
    ]);
    expect(await timeline(patient.customer.id, ['wecom.contact_added'])).toEqual([
      expect.objectContaining({ properties: { staffId: 'zhangwei', state: 'cmp_poster_7' } }),
    ]);
  });

  it('delivered three times, the callback makes one queue item, one event and one welcome message', async () => {
    const welcomes: string[] = [];
    const welcome: WecomCallbackHandler = {
      name: 'test-welcome',
      async handle(event, deps) {
        if (!event.welcomeCode) return;
        const sent = await deps.wecom.sendWelcomeMessage({ welcomeCode: event.welcomeCode, text: '欢迎' });
        welcomes.push(`${sent.errcode}`);
      },
    };
    wecomCallbackHandlers.push(welcome);
    try {
      const added = await bff.call('POST', '/sandbox/control/wecom/external-contacts', {
        body: { userid: 'wangfang', name: '重复回调', state: 'cmp_retry', deliveries: 3 },
      });
      const externalUserId = added.body.externalUserId as string;
      const delivered = await deliveredCallback(externalUserId);
      expect(delivered.copies).toBe(3);
      expect(delivered.attempts.filter((attempt: { ok: boolean }) => attempt.ok)).toHaveLength(3);
      const items = await processed(externalUserId);
      expect(items).toEqual([
        expect.objectContaining({ deliveries: 3, attempts: 1, handlersDone: ['identity', 'test-welcome'] }),
      ]);
      const customer = await findCustomerByExternalUserId(organisationId, bff.config.wecom.corpId, externalUserId);
      expect(await timeline(customer.id, ['wecom.contact_added'])).toHaveLength(1);
      const sent = await bff.call('GET', `/sandbox/control/wecom/welcome-messages?externalUserId=${externalUserId}`);
      expect(sent.body).toEqual([expect.objectContaining({ text: '欢迎', userid: 'wangfang' })]);
      expect(welcomes).toEqual(['0']);
    } finally {
      wecomCallbackHandlers.splice(wecomCallbackHandlers.indexOf(welcome), 1);
    }
  });

  it('sends no WelcomeCode for a member with a welcome message set in the admin console', async () => {
    const set = await bff.call('POST', '/sandbox/control/wecom/users/chenjie/console-welcome', {
      body: { enabled: true },
    });
    expect(set.status).toBe(204);
    try {
      const added = await bff.call('POST', '/sandbox/control/wecom/external-contacts', {
        body: { userid: 'chenjie', name: '控制台欢迎语' },
      });
      const delivered = await deliveredCallback(added.body.externalUserId);
      expect(delivered.welcomeCode).toBeNull();
    } finally {
      await bff.call('POST', '/sandbox/control/wecom/users/chenjie/console-welcome', { body: { enabled: false } });
    }
  });
});

describe('forged and broken callbacks', () => {
  it('rejects a wrong signature and stores nothing', async () => {
    const before = await WecomCallbackModel.countDocuments();
    const response = await postCallback(
      {
        ToUserName: bff.config.wecom.corpId,
        CreateTime: Math.floor(Date.now() / 1000),
        MsgType: 'event',
        Event: 'change_external_contact',
        ChangeType: 'add_external_contact',
        UserID: 'zhangwei',
        ExternalUserID: 'wmForged',
      },
      { msgSignature: '0'.repeat(40) },
    );
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('CALLBACK_SIGNATURE_INVALID');
    expect(await WecomCallbackModel.countDocuments()).toBe(before);
  });

  it('rejects a body that is not WeCom XML', async () => {
    const response = await fetch(`${bff.url}/api/wecom/callback?msg_signature=a&timestamp=1&nonce=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"Encrypt":"x"}',
    });
    expect(response.status).toBe(400);
  });
});

describe('removal', () => {
  it('drops the follow and records wecom.contact_removed when the customer deletes the member', async () => {
    const added = await bff.call('POST', '/sandbox/control/wecom/external-contacts', {
      body: { userid: 'zhangwei', name: '将删除' },
    });
    const externalUserId = added.body.externalUserId as string;
    await deliveredCallback(externalUserId);
    await processed(externalUserId);
    const customer = await findCustomerByExternalUserId(organisationId, bff.config.wecom.corpId, externalUserId);

    const response = await postCallback({
      ToUserName: bff.config.wecom.corpId,
      FromUserName: 'sys',
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'event',
      Event: 'change_external_contact',
      ChangeType: 'del_follow_user',
      UserID: 'zhangwei',
      ExternalUserID: externalUserId,
    });
    expect(await response.text()).toBe('success');
    await eventually(async () => (await timeline(customer.id, ['wecom.contact_removed'])).length === 1);
    expect(await followersOf(organisationId, [externalUserId])).toEqual([]);
    expect(await timeline(customer.id, ['wecom.contact_removed'])).toEqual([
      expect.objectContaining({ properties: { staffId: 'zhangwei' } }),
    ]);
  });
});

describe('processing that fails', () => {
  it('is retried later and runs only the handlers that had not finished', async () => {
    let counted = 0;
    let flakyRuns = 0;
    const counter: WecomCallbackHandler = {
      name: 'test-counter',
      handle: async () => {
        counted += 1;
      },
    };
    const flaky: WecomCallbackHandler = {
      name: 'test-flaky',
      handle: async () => {
        flakyRuns += 1;
        if (flakyRuns === 1) throw new Error('flaky handler failed once');
      },
    };
    wecomCallbackHandlers.push(counter, flaky);
    try {
      const added = await bff.call('POST', '/sandbox/control/wecom/external-contacts', {
        body: { userid: 'zhangwei', name: '重试客户' },
      });
      const externalUserId = added.body.externalUserId as string;
      await deliveredCallback(externalUserId);
      const failed = await eventually(() =>
        WecomCallbackModel.findOne({ externalUserId, attempts: 1, lastError: { $ne: null } }).lean(),
      );
      expect(failed).toMatchObject({
        status: 'pending',
        handlersDone: ['identity', 'test-counter'],
        lastError: 'Error: flaky handler failed once',
      });
      expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());

      // Not due yet: the sweep leaves it alone; once due, it finishes the item.
      await processDueWecomCallbacks(bff.deps, wecomCallbackHandlers);
      expect(flakyRuns).toBe(1);
      await processDueWecomCallbacks(bff.deps, wecomCallbackHandlers, { now: new Date(Date.now() + 60_000) });
      const done = await WecomCallbackModel.findById(failed._id).lean();
      expect(done).toMatchObject({
        status: 'done',
        attempts: 2,
        lastError: null,
        handlersDone: ['identity', 'test-counter', 'test-flaky'],
      });
      expect({ counted, flakyRuns }).toEqual({ counted: 1, flakyRuns: 2 });
    } finally {
      wecomCallbackHandlers.splice(wecomCallbackHandlers.indexOf(counter), 2);
    }
  });
});
