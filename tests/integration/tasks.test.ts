/**
 * Follow-up tasks over real HTTP on the real database: exactly-once creation by idempotency key, the default
 * assignee, completion with an outcome on the timeline (once), overdue and today lists on a controlled clock,
 * who may reassign and cancel, organisation isolation, a merge, erasure, and the managers' figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, findCustomerByExternalUserId } from '../../bff/src/identity/service';
import { mergeCustomers } from '../../bff/src/identity/merge';
import { updateCustomerBaseData } from '../../bff/src/identity/profile';
import { createClinic, createOrganisation, listClinics } from '../../bff/src/organisations/service';
import { createStaff } from '../../bff/src/staff/service';
import { listTimeline } from '../../bff/src/events/service';
import { exportCustomerData, requestErasure } from '../../bff/src/privacy/service';
import {
  cancelTask,
  completeTask,
  createTask,
  getTask,
  listCustomerTasks,
  listTasks,
  listTodayTasks,
  type CreateTaskInput,
} from '../../bff/src/tasks/service';
import { taskStats } from '../../bff/src/tasks/stats';
import { TaskModel } from '../../bff/src/tasks/model';
import { signInStaff, startTestBff, type TestBff } from '../support/bff';

type Staff = { accessToken: string; staff: { id: string; organisation: { id: string } } };
let bff: TestBff;
let manager: Staff;
let zhangwei: Staff;
let wangfang: Staff;
let liuyang: Staff;
let org: string;

beforeAll(async () => {
  bff = await startTestBff('tasks');
  [manager, zhangwei, wangfang, liuyang] = await Promise.all(
    ['lina', 'zhangwei', 'wangfang', 'liuyang'].map((userid) => signInStaff(bff, userid)),
  );
  org = manager.staff.organisation.id;
});
afterAll(() => bff?.close());

let counter = 0;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function newCustomer(options: { organisationId?: string; ownerStaffId?: string; clinicId?: string } = {}) {
  counter += 1;
  const organisationId = options.organisationId ?? org;
  const customer = await createCustomer({ organisationId, kind: 'patient', name: `患者${counter}`, identities: [] });
  if (options.ownerStaffId || options.clinicId) {
    await updateCustomerBaseData(bff.config, organisationId, customer.id, {
      ...(options.ownerStaffId && { ownerStaffId: options.ownerStaffId }),
      ...(options.clinicId && { clinicId: options.clinicId }),
    });
  }
  return customer;
}

function taskInput(customerId: string, overrides: Partial<CreateTaskInput> = {}): CreateTaskInput {
  return {
    organisationId: org,
    customerId,
    type: 'follow_up_call',
    title: '洗牙后回访',
    script: '您好，洗牙后感觉如何？',
    priority: 'normal',
    dueAt: new Date(Date.now() + DAY),
    assigneeStaffId: zhangwei.staff.id,
    source: { kind: 'staff', staffId: manager.staff.id },
    idempotencyKey: null,
    ...overrides,
  };
}

const journeySource = (step: string) =>
  ({ kind: 'journey', journeyId: 'j-post-treatment', enrolmentId: `enrol-${step}`, stepId: step }) as const;

async function taskEvents(customerId: string, type: string) {
  return (await listTimeline(org, customerId, { limit: 100, types: [type] })).items;
}

describe('creating tasks', () => {
  it('the same idempotency key sent ten times at once creates one task and one task.created event', async () => {
    const customer = await newCustomer();
    const key = `journey:v1:enrol-${counter}:call:0`;
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        createTask(taskInput(customer.id, { idempotencyKey: key, source: journeySource('call') })),
      ),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    expect(await TaskModel.countDocuments({ idempotencyKey: key })).toBe(1);
    expect(await taskEvents(customer.id, 'task.created')).toHaveLength(1);

    const again = await createTask(taskInput(customer.id, { idempotencyKey: key, title: '别的标题' }));
    expect(again).toEqual({ id: results[0]!.id, created: false });
  });

  it('without an assignee the task goes to the customer’s owner', async () => {
    const customer = await newCustomer({ ownerStaffId: wangfang.staff.id });
    const { id } = await createTask(taskInput(customer.id, { assigneeStaffId: null }));
    expect((await getTask(org, id)).assignee?.id).toBe(wangfang.staff.id);
  });

  it('without an owner the task goes to the member who added the customer on WeCom, else to nobody', async () => {
    // 赵敏 of the demo added 张伟 on WeCom and has no owner.
    const zhaomin = await findCustomerByExternalUserId(org, bff.config.wecom.corpId, 'wmDemoZhaoMin');
    const followed = await createTask(taskInput(zhaomin.id, { assigneeStaffId: null }));
    expect((await getTask(org, followed.id)).assignee?.id).toBe(zhangwei.staff.id);

    const nobodys = await createTask(taskInput((await newCustomer()).id, { assigneeStaffId: null }));
    expect((await getTask(org, nobodys.id)).assignee).toBeNull();
  });

  it('staff create a task by hand for a customer, assigned to the owner, and a retry with the same key answers it', async () => {
    const customer = await newCustomer({ ownerStaffId: zhangwei.staff.id });
    const body = {
      customerId: customer.id,
      type: 'post_treatment_check',
      title: '种植术后一周回访',
      dueAt: new Date(Date.now() + 7 * DAY).toISOString(),
      priority: 'high',
      idempotencyKey: `hand-${counter}-abc`,
    };
    const first = await bff.call('POST', '/api/staff/tasks', { token: liuyang.accessToken, body });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      customer: { id: customer.id },
      type: 'post_treatment_check',
      priority: 'high',
      status: 'open',
      overdue: false,
      assignee: { id: zhangwei.staff.id, name: '张伟' },
      source: { kind: 'staff', staffId: liuyang.staff.id },
    });
    const retry = await bff.call('POST', '/api/staff/tasks', { token: liuyang.accessToken, body });
    expect(retry.body.id).toBe(first.body.id);
    expect(await TaskModel.countDocuments({ customerId: first.body.customer.id })).toBe(1);
  });
});

describe('completing tasks', () => {
  it('completing with an outcome puts task.completed on the timeline with the journey step, once however often', async () => {
    const customer = await newCustomer();
    const { id } = await createTask(
      taskInput(customer.id, { source: journeySource('day7'), idempotencyKey: `complete-${counter}` }),
    );
    const path = `/api/staff/tasks/${id}/complete`;
    const first = await bff.call('POST', path, {
      token: zhangwei.accessToken,
      body: { outcome: 'rebooked', note: '已约下周复查' },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'completed', outcome: 'rebooked', note: '已约下周复查' });
    expect(first.body.completedBy.id).toBe(zhangwei.staff.id);

    const again = await Promise.all(
      Array.from({ length: 5 }, () =>
        bff.call('POST', path, { token: zhangwei.accessToken, body: { outcome: 'declined', note: '' } }),
      ),
    );
    for (const answer of again) {
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(first.body);
    }
    const events = await taskEvents(customer.id, 'task.completed');
    expect(events).toHaveLength(1);
    expect(events[0]!.properties).toMatchObject({
      taskId: id,
      outcome: 'rebooked',
      journeyId: 'j-post-treatment',
      enrolmentId: 'enrol-day7',
      stepId: 'day7',
    });
    expect(events[0]!.actor).toBe(zhangwei.staff.id);
  });

  it('concurrent completions of an open task record one event', async () => {
    const customer = await newCustomer();
    const { id } = await createTask(taskInput(customer.id));
    const answers = await Promise.all(
      (['reached', 'not_reached', 'declined', 'reached'] as const).map((outcome) =>
        completeTask(org, id, { id: zhangwei.staff.id, roles: ['staff'] }, { outcome, note: '' }),
      ),
    );
    expect(new Set(answers.map((task) => task.outcome)).size).toBe(1);
    expect(await taskEvents(customer.id, 'task.completed')).toHaveLength(1);
  });

  it('only the assignee or a manager may complete a task', async () => {
    const { id } = await createTask(taskInput((await newCustomer()).id));
    const body = { outcome: 'reached', note: '' };
    const colleague = await bff.call('POST', `/api/staff/tasks/${id}/complete`, { token: wangfang.accessToken, body });
    expect(colleague.status).toBe(403);
    const byManager = await bff.call('POST', `/api/staff/tasks/${id}/complete`, { token: manager.accessToken, body });
    expect(byManager.status).toBe(200);
    expect(byManager.body.completedBy.id).toBe(manager.staff.id);
  });
});

describe('overdue and today', () => {
  // 10:00 in Shanghai on 10 March 2025.
  const now = new Date('2025-03-10T02:00:00Z');

  it('today lists my open tasks due by midnight in the organisation’s zone, overdue ones first and flagged', async () => {
    const customer = await newCustomer();
    const at = (iso: string) => ({ dueAt: new Date(iso), assigneeStaffId: liuyang.staff.id });
    const created = new Date('2025-03-01T00:00:00Z');
    const overdue = await createTask(taskInput(customer.id, at('2025-03-09T10:00:00Z')), { now: created });
    const tonight = await createTask(taskInput(customer.id, at('2025-03-10T15:30:00Z')), { now: created }); // 23:30
    await createTask(taskInput(customer.id, at('2025-03-10T16:30:00Z')), { now: created }); // 00:30 tomorrow
    const done = await createTask(taskInput(customer.id, at('2025-03-10T05:00:00Z')), { now: created });
    await completeTask(org, done.id, { id: liuyang.staff.id, roles: ['staff'] }, { outcome: 'reached', note: '' });
    await createTask(taskInput(customer.id, { dueAt: new Date('2025-03-10T03:00:00Z') }), { now: created }); // 张伟's

    const today = await listTodayTasks(org, liuyang.staff.id, now);
    expect(today.date).toBe('2025-03-10');
    expect(today.timeZone).toBe('Asia/Shanghai');
    expect(today.items.map((task) => [task.id, task.overdue])).toEqual([
      [overdue.id, true],
      [tonight.id, false],
    ]);

    const overdueOnly = await listTasks(
      org,
      { assignee: 'me', status: 'overdue', limit: 50 },
      { staffId: liuyang.staff.id, roles: ['staff'], now },
    );
    expect(overdueOnly.items.map((task) => task.id)).toEqual([overdue.id]);
  });

  it('the task list pages in due order with a cursor and filters by customer', async () => {
    const customer = await newCustomer();
    const ids: string[] = [];
    for (let day = 3; day >= 1; day -= 1) {
      ids.unshift(
        (await createTask(taskInput(customer.id, { dueAt: new Date(Date.now() + day * DAY), assigneeStaffId: null })))
          .id,
      );
    }
    const first = await bff.call('GET', `/api/staff/tasks?customerId=${customer.id}&limit=2`, {
      token: manager.accessToken,
    });
    expect(first.status).toBe(200);
    expect(first.body.items.map((task: { id: string }) => task.id)).toEqual(ids.slice(0, 2));
    const second = await bff.call(
      'GET',
      `/api/staff/tasks?customerId=${customer.id}&limit=2&cursor=${first.body.nextCursor}`,
      { token: manager.accessToken },
    );
    expect(second.body.items.map((task: { id: string }) => task.id)).toEqual(ids.slice(2));
    expect(second.body.nextCursor).toBeNull();
  });

  it('the sidebar’s today route answers my tasks on the real clock', async () => {
    const customer = await newCustomer();
    const { id } = await createTask(
      taskInput(customer.id, { dueAt: new Date(Date.now() - HOUR), assigneeStaffId: wangfang.staff.id }),
    );
    const answer = await bff.call('GET', '/api/staff/tasks/today', { token: wangfang.accessToken });
    expect(answer.status).toBe(200);
    expect(answer.body.items.find((task: { id: string }) => task.id === id)).toMatchObject({ overdue: true });
  });
});

describe('who sees which tasks in the list', () => {
  it('managers see every task; other staff see theirs and those of the customers they own', async () => {
    const [ownedByZhang, ownedByWang, unowned] = [
      await newCustomer({ ownerStaffId: zhangwei.staff.id }),
      await newCustomer({ ownerStaffId: wangfang.staff.id }),
      await newCustomer(),
    ];
    // Due long ago, so `dueBefore` lists only these among the file's tasks.
    const due = (minute: number) => new Date(Date.UTC(2001, 0, 1, 9, minute));
    const create = async (customerId: string, assigneeStaffId: string | null, minute: number) =>
      (await createTask(taskInput(customerId, { assigneeStaffId, dueAt: due(minute) }))).id;
    const zhangsCustomerWangsTask = await create(ownedByZhang.id, wangfang.staff.id, 1);
    const wangsCustomerZhangsTask = await create(ownedByWang.id, zhangwei.staff.id, 2);
    const wangsCustomerWangsTask = await create(ownedByWang.id, wangfang.staff.id, 3);
    const unownedUnassigned = await create(unowned.id, null, 4);
    const seen = async (token: string, filters = '') => {
      const answer = await bff.call('GET', `/api/staff/tasks?dueBefore=2001-01-02T00:00:00Z&limit=100${filters}`, {
        token,
      });
      expect(answer.status).toBe(200);
      return answer.body.items.map((task: { id: string }) => task.id);
    };

    expect(await seen(manager.accessToken)).toEqual([
      zhangsCustomerWangsTask,
      wangsCustomerZhangsTask,
      wangsCustomerWangsTask,
      unownedUnassigned,
    ]);
    expect(await seen(zhangwei.accessToken)).toEqual([zhangsCustomerWangsTask, wangsCustomerZhangsTask]);
    expect(await seen(wangfang.accessToken)).toEqual([
      zhangsCustomerWangsTask,
      wangsCustomerZhangsTask,
      wangsCustomerWangsTask,
    ]);
    expect(await seen(liuyang.accessToken)).toEqual([]);
    // Filters narrow what they may see, never widen it.
    expect(await seen(zhangwei.accessToken, `&assignee=${wangfang.staff.id}`)).toEqual([zhangsCustomerWangsTask]);
    expect(await seen(zhangwei.accessToken, '&assignee=unassigned')).toEqual([]);
    expect(await seen(manager.accessToken, '&assignee=unassigned')).toEqual([unownedUnassigned]);
  });
});

describe('managers reassign and cancel', () => {
  it('a consultant may not reassign or cancel; a manager reassigns with a task.reassigned event', async () => {
    const customer = await newCustomer();
    const { id } = await createTask(taskInput(customer.id));
    const body = { staffId: wangfang.staff.id };
    expect(
      (await bff.call('POST', `/api/staff/tasks/${id}/reassign`, { token: zhangwei.accessToken, body })).status,
    ).toBe(403);
    expect(
      (await bff.call('POST', `/api/staff/tasks/${id}/cancel`, { token: zhangwei.accessToken, body: {} })).status,
    ).toBe(403);
    const moved = await bff.call('POST', `/api/staff/tasks/${id}/reassign`, { token: manager.accessToken, body });
    expect(moved.status).toBe(200);
    expect(moved.body.assignee.id).toBe(wangfang.staff.id);
    const [event] = await taskEvents(customer.id, 'task.reassigned');
    expect(event!.properties).toMatchObject({
      taskId: id,
      fromStaffId: zhangwei.staff.id,
      toStaffId: wangfang.staff.id,
      reason: 'manager',
    });
  });

  it('a cancelled task cannot be completed, and a completed one cannot be cancelled or reassigned', async () => {
    const customer = await newCustomer();
    const cancelled = await createTask(taskInput(customer.id));
    const cancel = await bff.call('POST', `/api/staff/tasks/${cancelled.id}/cancel`, {
      token: manager.accessToken,
      body: { reason: '患者已转院' },
    });
    expect(cancel.body).toMatchObject({ status: 'cancelled', cancelReason: '患者已转院' });
    const complete = await bff.call('POST', `/api/staff/tasks/${cancelled.id}/complete`, {
      token: zhangwei.accessToken,
      body: { outcome: 'reached' },
    });
    expect(complete.status).toBe(409);
    expect(complete.body.error.code).toBe('TASK_NOT_OPEN');

    const completed = await createTask(taskInput(customer.id));
    await completeTask(
      org,
      completed.id,
      { id: zhangwei.staff.id, roles: ['staff'] },
      { outcome: 'reached', note: '' },
    );
    for (const [action, body] of [
      ['cancel', {}],
      ['reassign', { staffId: wangfang.staff.id }],
    ] as const) {
      const answer = await bff.call('POST', `/api/staff/tasks/${completed.id}/${action}`, {
        token: manager.accessToken,
        body,
      });
      expect(answer.status).toBe(409);
      expect(answer.body.error.code).toBe('TASK_NOT_OPEN');
    }
  });
});

describe('organisations and customers', () => {
  it('another organisation’s task and customer answer NOT_FOUND', async () => {
    const other = await createOrganisation({
      name: '别家诊所',
      miniappAppId: 'wx-other-tasks',
      wecomCorpId: 'ww-other-tasks',
      timeZone: 'Asia/Shanghai',
    });
    const theirCustomer = await newCustomer({ organisationId: other.id });
    const theirStaff = await createStaff({
      organisationId: other.id,
      wecomUserId: 'other-tasks-staff',
      name: '别家咨询师',
      position: '咨询师',
      roles: ['staff'],
    });
    const theirs = await createTask(
      taskInput(theirCustomer.id, {
        organisationId: other.id,
        assigneeStaffId: theirStaff.id,
        source: { kind: 'staff', staffId: theirStaff.id },
      }),
    );
    const token = manager.accessToken;
    expect((await bff.call('GET', `/api/staff/tasks/${theirs.id}`, { token })).status).toBe(404);
    for (const [action, body] of [
      ['complete', { outcome: 'reached' }],
      ['reassign', { staffId: zhangwei.staff.id }],
      ['cancel', {}],
    ] as const) {
      const answer = await bff.call('POST', `/api/staff/tasks/${theirs.id}/${action}`, { token, body });
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('NOT_FOUND');
    }
    const create = await bff.call('POST', '/api/staff/tasks', {
      token,
      body: {
        customerId: theirCustomer.id,
        type: 'follow_up_call',
        title: '回访',
        dueAt: new Date().toISOString(),
      },
    });
    expect(create.status).toBe(404);
    expect((await bff.call('GET', `/api/staff/customers/${theirCustomer.id}/tasks`, { token })).status).toBe(404);
    // Nor can a task be given to someone of another organisation.
    const mine = await createTask(taskInput((await newCustomer()).id));
    const reassign = await bff.call('POST', `/api/staff/tasks/${mine.id}/reassign`, {
      token,
      body: { staffId: theirStaff.id },
    });
    expect(reassign.status).toBe(404);
  });

  it('tasks follow the customer into a merge', async () => {
    const older = await newCustomer();
    const newer = await newCustomer();
    const { id } = await createTask(taskInput(newer.id));
    const survivor = await mergeCustomers(org, older.id, newer.id, { rule: 'staff_confirmed', details: {} });
    expect(survivor).toBe(older.id);
    expect((await listCustomerTasks(org, survivor)).map((task) => task.id)).toEqual([id]);
    const answer = await bff.call('GET', `/api/staff/customers/${newer.id}/tasks`, { token: zhangwei.accessToken });
    expect(answer.body.items.map((task: { id: string }) => task.id)).toEqual([id]);
  });

  it('erasure cancels open tasks and removes their text; the export lists them before', async () => {
    const customer = await newCustomer();
    const { id } = await createTask(taskInput(customer.id, { title: `回访 ${customer.name}` }));
    const exported = await exportCustomerData({
      organisationId: org,
      customerId: customer.id,
      actor: { kind: 'staff', id: manager.staff.id },
    });
    expect(exported.sections.tasks).toEqual([
      expect.objectContaining({ title: `回访 ${customer.name}`, status: 'open' }),
    ]);
    await requestErasure({
      organisationId: org,
      customerId: customer.id,
      actor: { kind: 'staff', id: manager.staff.id },
    });
    const erased = await getTask(org, id);
    expect(erased).toMatchObject({ status: 'cancelled', title: '回访电话', script: '', note: null });
    await expect(createTask(taskInput(customer.id))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('figures', () => {
  it('per staff member and clinic: assigned, completed, on time, overdue, rates and the median time to complete', async () => {
    const other = await createOrganisation({
      name: '统计诊所',
      miniappAppId: 'wx-stats-tasks',
      wecomCorpId: 'ww-stats-tasks',
      timeZone: 'Asia/Shanghai',
    });
    const north = await createClinic(other.id, { name: '北店', address: '' });
    const south = await createClinic(other.id, { name: '南店', address: '' });
    const staff = async (userid: string, name: string) =>
      createStaff({ organisationId: other.id, wecomUserId: userid, name, position: '咨询师', roles: ['staff'] });
    const a = await staff('stats-a', '甲');
    const b = await staff('stats-b', '乙');
    const northCustomer = await newCustomer({ organisationId: other.id, clinicId: north.id });
    const southCustomer = await newCustomer({ organisationId: other.id, clinicId: south.id });

    const t0 = new Date('2025-01-01T00:00:00Z').getTime();
    const at = (days: number) => new Date(t0 + days * DAY);
    async function task(who: string, customerId: string, dueDays: number, completedDays: number | 'open' | 'cancel') {
      const { id } = await createTask(
        {
          ...taskInput(customerId),
          organisationId: other.id,
          assigneeStaffId: who,
          source: { kind: 'staff', staffId: who },
          dueAt: at(dueDays),
        },
        { now: at(0) },
      );
      if (completedDays === 'cancel') await cancelTask(other.id, id, who, null, at(1));
      else if (completedDays !== 'open') {
        await completeTask(
          other.id,
          id,
          { id: who, roles: ['staff'] },
          { outcome: 'reached', note: '' },
          at(completedDays),
        );
      }
    }
    // 甲 at the north clinic: on time (1 day), late (3 days), on time exactly at the due time (2 days), overdue.
    await task(a.id, northCustomer.id, 2, 1);
    await task(a.id, northCustomer.id, 1, 3);
    await task(a.id, northCustomer.id, 2, 2);
    await task(a.id, northCustomer.id, 5, 'open');
    // 乙 at the south clinic: on time within an hour, open but not due yet, a cancelled one, one due after the window.
    await task(b.id, southCustomer.id, 10, 1 / 24);
    await task(b.id, southCustomer.id, 24, 'open');
    await task(b.id, southCustomer.id, 3, 'cancel');
    await task(b.id, southCustomer.id, 35, 'open');

    const window = { from: at(0).toISOString(), to: at(31).toISOString() };
    const stats = await taskStats(other.id, window, at(19));
    expect(stats.total).toEqual({
      assigned: 6,
      completed: 4,
      completedOnTime: 3,
      overdue: 1,
      completionRate: 0.6667,
      onTimeRate: 0.5,
      medianMinutesToComplete: (1440 + 2880) / 2,
    });
    expect(stats.byStaff).toEqual([
      {
        staff: { id: a.id, name: '甲' },
        assigned: 4,
        completed: 3,
        completedOnTime: 2,
        overdue: 1,
        completionRate: 0.75,
        onTimeRate: 0.5,
        medianMinutesToComplete: 2880,
      },
      {
        staff: { id: b.id, name: '乙' },
        assigned: 2,
        completed: 1,
        completedOnTime: 1,
        overdue: 0,
        completionRate: 0.5,
        onTimeRate: 0.5,
        medianMinutesToComplete: 60,
      },
    ]);
    expect(stats.byClinic.map((row) => [row.clinic?.name, row.assigned, row.medianMinutesToComplete])).toEqual([
      ['北店', 4, 2880],
      ['南店', 2, 60],
    ]);
    const southOnly = await taskStats(other.id, { ...window, clinicId: south.id }, at(19));
    expect(southOnly.total.assigned).toBe(2);
  });

  it('the figures are for managers', async () => {
    const staffAnswer = await bff.call('GET', '/api/staff/tasks/stats', { token: zhangwei.accessToken });
    expect(staffAnswer.status).toBe(403);
    const [flagship] = await listClinics(org);
    const customer = await newCustomer({ clinicId: flagship!.id });
    await createTask(taskInput(customer.id, { dueAt: new Date(Date.now() + HOUR) }));
    const window = `from=${new Date(Date.now() - DAY).toISOString()}&to=${new Date(Date.now() + DAY).toISOString()}`;
    const answer = await bff.call('GET', `/api/staff/tasks/stats?${window}&clinicId=${flagship!.id}`, {
      token: manager.accessToken,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.byClinic.map((row: { clinic: { id: string } }) => row.clinic.id)).toEqual([flagship!.id]);
    expect(answer.body.total.assigned).toBeGreaterThan(0);
  });
});
