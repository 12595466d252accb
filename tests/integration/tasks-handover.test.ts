/**
 * A staff member leaves: a manager hands their open tasks, owned customers and WeCom external contacts to a
 * successor. The contacts go through the sandbox's transfer_customer / resigned/transfer_customer (at most 100 per
 * call) and their takeover is followed with transfer_result; running the handover again, or after a crash in the
 * middle of a call, hands nothing over twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff, getStaffMember } from '../../bff/src/staff/service';
import { listAuditForSubject } from '../../bff/src/audit/service';
import { customerResponsibility, findCustomerByExternalUserId } from '../../bff/src/identity/service';
import { followersOf, syncStaffContacts } from '../../bff/src/identity/wecomContacts';
import { updateCustomerBaseData } from '../../bff/src/identity/profile';
import { addExternalContact } from '../../bff/src/platform/sandbox/service';
import { completeTask, createTask, listTasks } from '../../bff/src/tasks/service';
import { HandoverContactModel } from '../../bff/src/tasks/model';
import { createOrganisation } from '../../bff/src/organisations/service';
import { consultantWithContacts, signInStaff, startTestBff, type TestBff } from '../support/bff';

type Staff = { accessToken: string; staff: { id: string; organisation: { id: string } } };
let bff: TestBff;
let manager: Staff;
let zhangwei: Staff;
let wangfang: Staff;
let org: string;
let corpId: string;

beforeAll(async () => {
  bff = await startTestBff('tasks_handover');
  [manager, zhangwei, wangfang] = await Promise.all(
    ['lina', 'zhangwei', 'wangfang'].map((userid) => signInStaff(bff, userid)),
  );
  org = manager.staff.organisation.id;
  corpId = bff.config.wecom.corpId;
});
afterAll(() => bff?.close());

const DAY = 86_400_000;

const customerOf = async (externalUserId: string) =>
  (await findCustomerByExternalUserId(org, corpId, externalUserId)).id;

async function transfers(externalUserIds: string[]) {
  const all = (await bff.call('GET', '/sandbox/control/wecom/transfers')).body as {
    externalUserId: string;
    kind: string;
    status: number;
    handoverUserId: string;
    takeoverUserId: string;
    successMessage: string | null;
  }[];
  return all.filter((transfer) => externalUserIds.includes(transfer.externalUserId));
}

const handover = (staffId: string, body: Record<string, unknown>, token = manager.accessToken) =>
  bff.call('POST', `/api/staff/staff-members/${staffId}/handover`, { token, body });
const refresh = (handoverId: string) =>
  bff.call('POST', `/api/staff/handovers/${handoverId}/refresh`, { token: manager.accessToken });

describe('handover of a member who left', () => {
  it('moves open tasks and owned customers, hands contacts over once, and tracks each takeover including a refusal', async () => {
    const { staff: leaver, externalUserIds } = await consultantWithContacts(bff, org, 'xiaoli', 3);
    const [refuser, ...accepting] = externalUserIds as [string, ...string[]];
    const customers = await Promise.all(externalUserIds.map(customerOf));
    for (const customerId of customers.slice(0, 2)) {
      await updateCustomerBaseData(bff.config, org, customerId, { ownerStaffId: leaver.id });
    }
    const task = (customerId: string) =>
      createTask({
        organisationId: org,
        customerId,
        type: 'follow_up_call',
        title: '回访',
        script: '',
        priority: 'normal',
        dueAt: new Date(Date.now() + DAY),
        assigneeStaffId: null, // the owner: the leaver
        source: { kind: 'staff', staffId: manager.staff.id },
        idempotencyKey: null,
      });
    const open = [await task(customers[0]!), await task(customers[1]!)];
    const done = await task(customers[0]!);
    await completeTask(org, done.id, { id: leaver.id, roles: ['staff'] }, { outcome: 'reached', note: '' });
    await bff.call('POST', '/sandbox/control/wecom/users/xiaoli/resign');

    const started = await handover(leaver.id, { successorStaffId: wangfang.staff.id, resigned: true });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({
      from: { id: leaver.id },
      to: { id: wangfang.staff.id, name: '王芳' },
      resigned: true,
      status: 'in_progress',
      tasksMoved: 2,
      customersMoved: 2,
      contacts: { total: 3, waiting: 3, pending: 0 },
      lastError: null,
    });
    const sent = await transfers(externalUserIds);
    expect(sent).toHaveLength(3);
    expect(
      sent.every((t) => t.kind === 'resigned' && t.handoverUserId === 'xiaoli' && t.takeoverUserId === 'wangfang'),
    ).toBe(true);
    const theirs = await listTasks(
      org,
      { assignee: wangfang.staff.id, status: 'open', limit: 100 },
      { staffId: '', roles: ['admin'] },
    );
    expect(theirs.items.map((t) => t.id)).toEqual(expect.arrayContaining(open.map((t) => t.id)));
    const left = await listTasks(org, { assignee: leaver.id, limit: 100 }, { staffId: '', roles: ['admin'] });
    expect(left.items.map((t) => [t.id, t.status])).toEqual([[done.id, 'completed']]);
    expect((await customerResponsibility(org, customers[0]!)).ownerStaffId).toBe(wangfang.staff.id);

    // One customer refuses; the others' 24 hours pass.
    expect(
      (await bff.call('POST', '/sandbox/control/wecom/transfers/refuse', { body: { externalUserId: refuser } })).status,
    ).toBe(204);
    await bff.call('POST', '/sandbox/control/wecom/transfers/complete');
    const settled = await refresh(started.body.id);
    expect(settled.body).toMatchObject({
      status: 'done',
      contacts: { total: 3, success: 2, refused: 1, waiting: 0 },
      unfinished: [{ externalUserId: refuser, state: 'refused' }],
    });
    const follows = await followersOf(org, externalUserIds);
    expect(follows.filter((f) => accepting.includes(f.externalUserId)).map((f) => f.staffUserId)).toEqual([
      'wangfang',
      'wangfang',
    ]);
    expect(follows.filter((f) => f.externalUserId === refuser).map((f) => f.staffUserId)).toEqual(['xiaoli']);

    // Running it again finds the same handover and hands nothing over twice.
    const rerun = await handover(leaver.id, { successorStaffId: wangfang.staff.id, resigned: true });
    expect(rerun.body).toMatchObject({ id: started.body.id, status: 'done', tasksMoved: 2, customersMoved: 2 });
    expect(await transfers(externalUserIds)).toHaveLength(3);
  });

  it('waits while WeCom says the member has not left yet (40097), and resumes once they have', async () => {
    const { staff: leaver, externalUserIds } = await consultantWithContacts(bff, org, 'xiaochen', 2);
    const early = await handover(leaver.id, { successorStaffId: zhangwei.staff.id, resigned: true });
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({
      status: 'in_progress',
      contacts: { total: 2, pending: 2 },
      lastError: { errcode: 40097 },
    });
    expect(await transfers(externalUserIds)).toHaveLength(0);

    await bff.call('POST', '/sandbox/control/wecom/users/xiaochen/resign');
    const resumed = await refresh(early.body.id);
    expect(resumed.body).toMatchObject({ contacts: { pending: 0, waiting: 2 }, lastError: null });
    expect(await transfers(externalUserIds)).toHaveLength(2);
  });
});

describe('deactivation of a member who left', () => {
  it('a leaver’s handover deactivates them: no sign-in, no session refresh, no new tasks; a rerun changes nothing', async () => {
    const { staff: leaver, externalUserIds } = await consultantWithContacts(bff, org, 'xiaoma', 1);
    const session = await signInStaff(bff, 'xiaoma');
    const customerId = await customerOf(externalUserIds[0]!);
    const assign = () =>
      bff.call('POST', '/api/staff/tasks', {
        token: manager.accessToken,
        body: {
          customerId,
          type: 'follow_up_call',
          title: '回访',
          dueAt: new Date(Date.now() + DAY).toISOString(),
          assigneeStaffId: leaver.id,
        },
      });
    expect((await assign()).status).toBe(201);

    // WeCom still lists them (40097: the contacts wait), but CareLoop stops them at once.
    const started = await handover(leaver.id, { successorStaffId: wangfang.staff.id, resigned: true });
    expect(started.body).toMatchObject({ status: 'in_progress', tasksMoved: 1, lastError: { errcode: 40097 } });
    expect((await getStaffMember(org, leaver.id)).active).toBe(false);
    const refreshed = await bff.call('POST', '/api/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect([refreshed.status, refreshed.body.error.code]).toEqual([401, 'REFRESH_TOKEN_INVALID']);
    await expect(signInStaff(bff, 'xiaoma')).rejects.toThrow(/STAFF_NOT_REGISTERED/);
    expect((await assign()).status).toBe(404);
    const pickers = await bff.call('GET', '/api/staff/staff-members', { token: manager.accessToken });
    expect(pickers.body.items.map((member: { id: string }) => member.id)).not.toContain(leaver.id);

    await bff.call('POST', '/sandbox/control/wecom/users/xiaoma/resign');
    const resumed = await refresh(started.body.id);
    expect(resumed.body.contacts).toMatchObject({ waiting: 1 });
    const audit = await listAuditForSubject(org, { kind: 'staff', id: leaver.id });
    expect(audit.filter((entry) => entry.action === 'staff.deactivated')).toHaveLength(1);
  });
});

describe('handover of a member still employed', () => {
  it('hands 105 contacts over in calls of at most 100 with the success message WeCom shows the customer', async () => {
    const { staff: mover, externalUserIds } = await consultantWithContacts(bff, org, 'xiaozhou', 105);
    const message = '您好，我已调岗，之后由张伟为您服务。';
    const answer = await handover(mover.id, {
      successorStaffId: zhangwei.staff.id,
      resigned: false,
      transferSuccessMessage: message,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.contacts).toMatchObject({ total: 105, waiting: 105, failed: 0 });
    const sent = await transfers(externalUserIds);
    expect(sent).toHaveLength(105);
    expect(new Set(sent.map((t) => `${t.kind}:${t.successMessage}`))).toEqual(new Set([`onjob:${message}`]));
    // Changing role is no departure: they stay active.
    expect((await getStaffMember(org, mover.id)).active).toBe(true);
  }, 60_000);

  it('a call interrupted mid-way is settled from WeCom’s results: what WeCom received is not sent again', async () => {
    const { staff: mover, externalUserIds } = await consultantWithContacts(bff, org, 'xiaowu', 2);
    const [received, other] = externalUserIds as [string, string];
    const first = await handover(mover.id, { successorStaffId: wangfang.staff.id, resigned: false });
    expect(first.body.contacts).toMatchObject({ waiting: 2 });
    // As if a run had crashed during its calls: one contact reached WeCom unrecorded, a new one's call never arrived.
    const longAgo = new Date(Date.now() - 10 * 60_000);
    await HandoverContactModel.updateOne(
      { externalUserId: received },
      { $set: { state: 'sending', claimId: 'crashed', claimedAt: longAgo } },
    );
    const newContact = 'wmxiaowu999';
    await addExternalContact(corpId, { userid: 'xiaowu', name: '新客户', externalUserId: newContact });
    await syncStaffContacts(bff.deps.wecom, org, ['xiaowu']);
    await HandoverContactModel.create({
      organisationId: org,
      handoverId: first.body.id,
      fromWecomUserId: 'xiaowu',
      toWecomUserId: 'wangfang',
      externalUserId: newContact,
      state: 'sending',
      resigned: false,
      claimId: 'crashed',
      claimedAt: longAgo,
    });

    const resumed = await refresh(first.body.id);
    expect(resumed.body.contacts).toMatchObject({ total: 3, waiting: 3, sending: 0, pending: 0 });
    const sent = await transfers([...externalUserIds, newContact]);
    expect(sent.map((t) => t.externalUserId).sort()).toEqual([other, newContact, received].sort());
  });
});

describe('who may hand over what', () => {
  it('handovers are for managers, and another organisation’s staff member is not found', async () => {
    const refused = await handover(
      wangfang.staff.id,
      { successorStaffId: zhangwei.staff.id, resigned: false },
      zhangwei.accessToken,
    );
    expect(refused.status).toBe(403);
    const other = await createOrganisation({
      name: '别家诊所',
      miniappAppId: 'wx-other-handover',
      wecomCorpId: 'ww-other-handover',
      timeZone: 'Asia/Shanghai',
    });
    const theirs = await createStaff({
      organisationId: other.id,
      wecomUserId: 'other-leaver',
      name: '别家员工',
      position: '咨询师',
      roles: ['staff'],
    });
    const answer = await handover(theirs.id, { successorStaffId: zhangwei.staff.id, resigned: true });
    expect(answer.status).toBe(404);
    const toTheirs = await handover(zhangwei.staff.id, { successorStaffId: theirs.id, resigned: true });
    expect(toTheirs.status).toBe(404);
    const self = await handover(zhangwei.staff.id, { successorStaffId: zhangwei.staff.id, resigned: true });
    expect(self.status).toBe(400);
  });
});
