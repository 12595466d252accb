/**
 * WeCom's transfer_fail callback (客户接替失败事件): when a customer refuses a takeover, or the successor has reached
 * their customer limit, WeCom calls back with FailReason, UserID (the takeover member) and ExternalUserID. The
 * handover records it at once, without waiting for its next transfer_result poll. The callbacks arrive encrypted and
 * signed, from the emulated WeCom or built here with the callback keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptAndSign } from '../../bff/src/platform/wecom/callbackCrypto';
import { WecomCallbackModel } from '../../bff/src/platform/wecom/callbackModel';
import { buildWecomXml } from '../../bff/src/platform/wecom/xml';
import { consultantWithContacts, signInStaff, startTestBff, type TestBff } from '../support/bff';
import { eventually } from '../support/concurrency';

let bff: TestBff;
let manager: { accessToken: string; staff: { id: string; organisation: { id: string } } };
let wangfangId: string;
let org: string;
let corpId: string;

beforeAll(async () => {
  bff = await startTestBff('wecom-transfer-fail');
  manager = await signInStaff(bff, 'lina');
  wangfangId = (await signInStaff(bff, 'wangfang')).staff.id;
  org = manager.staff.organisation.id;
  corpId = bff.config.wecom.corpId;
});
afterAll(() => bff?.close());

/** A member still employed hands their `contacts` WeCom contacts to 王芳: each takeover waits (24 hours). */
async function handoverWaiting(userid: string, contacts: number) {
  const { staff, externalUserIds } = await consultantWithContacts(bff, org, userid, contacts);
  const started = await bff.call('POST', `/api/staff/staff-members/${staff.id}/handover`, {
    token: manager.accessToken,
    body: { successorStaffId: wangfangId, resigned: false },
  });
  expect(started.body).toMatchObject({ status: 'in_progress', contacts: { total: contacts, waiting: contacts } });
  return { handoverId: started.body.id as string, externalUserIds };
}

/** The handover as it is stored (reading it does not ask WeCom anything). */
const handoverNow = async (handoverId: string) =>
  (await bff.call('GET', `/api/staff/handovers/${handoverId}`, { token: manager.accessToken })).body;

/** Waits until every callback about the contact was queued and processed by every handler. */
const processed = (externalUserId: string, count = 1) =>
  eventually(async () => {
    const items = await WecomCallbackModel.find({ externalUserId }).lean();
    return items.length === count && items.every((item) => item.status === 'done') ? items : null;
  }, 15_000);

/** A callback built here, encrypted and signed with the callback keys, as WeCom would send it. */
async function postCallback(fields: Record<string, string | number>) {
  const signed = encryptAndSign({ ...bff.config.wecom.callback, corpId }, buildWecomXml(fields));
  const query = new URLSearchParams({
    msg_signature: signed.msgSignature,
    timestamp: signed.timestamp,
    nonce: signed.nonce,
  });
  const response = await fetch(`${bff.url}/api/wecom/callback?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: buildWecomXml({ ToUserName: corpId, Encrypt: signed.encrypted, AgentID: '' }),
  });
  expect([response.status, await response.text()]).toEqual([200, 'success']);
}

describe('transfer_fail', () => {
  it('a customer’s refusal is recorded on the handover at once, without a transfer_result poll', async () => {
    const { handoverId, externalUserIds } = await handoverWaiting('xiaosun', 2);
    const [refuser, other] = externalUserIds as [string, string];
    const refused = await bff.call('POST', '/sandbox/control/wecom/transfers/refuse', {
      body: { externalUserId: refuser },
    });
    expect(refused.status).toBe(204);

    const [item] = await processed(refuser);
    expect(item).toMatchObject({ changeType: 'transfer_fail' });
    expect(item!.handlersDone).toContain('handovers');
    const delivered = await bff.call('GET', `/sandbox/control/wecom/callbacks?externalUserId=${refuser}`);
    expect(delivered.body).toMatchObject([{ changeType: 'transfer_fail', userid: 'wangfang', finished: true }]);
    const handover = await handoverNow(handoverId);
    expect(handover).toMatchObject({ status: 'in_progress', contacts: { total: 2, refused: 1, waiting: 1 } });
    expect(handover.unfinished).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ externalUserId: refuser, state: 'refused' }),
        expect.objectContaining({ externalUserId: other, state: 'waiting' }),
      ]),
    );
  });

  it('the successor’s customer limit fails the last waiting takeover, and the handover is done at once', async () => {
    const { handoverId, externalUserIds } = await handoverWaiting('xiaozhao', 1);
    const [contact] = externalUserIds as [string];
    const failed = await bff.call('POST', '/sandbox/control/wecom/transfers/limit-exceeded', {
      body: { externalUserId: contact },
    });
    expect(failed.status).toBe(204);
    await processed(contact);
    expect(await handoverNow(handoverId)).toMatchObject({
      status: 'done',
      contacts: { total: 1, limit_exceeded: 1, waiting: 0 },
      unfinished: [{ externalUserId: contact, state: 'limit_exceeded' }],
    });
    // WeCom's transfer_result agrees when the handover runs again.
    const rerun = await bff.call('POST', `/api/staff/handovers/${handoverId}/refresh`, { token: manager.accessToken });
    expect(rerun.body).toMatchObject({ status: 'done', contacts: { limit_exceeded: 1 } });
  });

  it('a failure naming another takeover member, or a reason WeCom does not send, changes nothing', async () => {
    const { handoverId, externalUserIds } = await handoverWaiting('xiaoqian', 1);
    const [contact] = externalUserIds as [string];
    const base = {
      ToUserName: corpId,
      FromUserName: 'sys',
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'event',
      Event: 'change_external_contact',
      ChangeType: 'transfer_fail',
      ExternalUserID: contact,
    };
    await postCallback({ ...base, FailReason: 'customer_refused', UserID: 'zhangwei' });
    await postCallback({ ...base, FailReason: 'something_else', UserID: 'wangfang' });
    await processed(contact, 2);
    expect(await handoverNow(handoverId)).toMatchObject({ status: 'in_progress', contacts: { waiting: 1 } });

    // The same callback for the real successor does settle it.
    await postCallback({
      ...base,
      CreateTime: base.CreateTime + 1,
      FailReason: 'customer_refused',
      UserID: 'wangfang',
    });
    await processed(contact, 3);
    expect(await handoverNow(handoverId)).toMatchObject({ status: 'done', contacts: { refused: 1, waiting: 0 } });
  });
});
