import { ApiError } from '@careloop/shared/client';
import type { JourneyEnrolment } from '@careloop/shared';
import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../../wecom-sidebar/src/profile/eventLabels';
import { explainTaskError, wecomTransferError } from '../../../wecom-sidebar/src/tasks/errors';
import { enrolmentWhere, exitReasonText, splitEnrolments } from '../../../wecom-sidebar/src/tasks/journeys';
import { taskPhase } from '../../../wecom-sidebar/src/tasks/labels';
import {
  canComplete,
  canManageTasks,
  completionMessage,
  dueText,
  groupToday,
  isOverdue,
  overdueText,
  replaceTask,
  splitTasks,
} from '../../../wecom-sidebar/src/tasks/taskView';
import { CUSTOMER_ID, STAFF_ID } from './fixtures';
import { consultant, manager, MANAGER_ID, NOW, OTHER_STAFF_ID, task } from './taskFixtures';

describe('when a task is due, in words', () => {
  it('names today, tomorrow and yesterday on the organisation’s clock, and other days by date', () => {
    // NOW is 12:00 on 10 March in Shanghai.
    expect(dueText('2026-03-10T09:00:00.000Z', NOW)).toBe('今天 17:00');
    expect(dueText('2026-03-10T16:30:00.000Z', NOW)).toBe('明天 00:30');
    expect(dueText('2026-03-09T02:00:00.000Z', NOW)).toBe('昨天 10:00');
    expect(dueText('2026-03-05T01:05:00.000Z', NOW)).toBe('3月5日 09:05');
    expect(dueText('2025-12-31T02:00:00.000Z', NOW)).toBe('2025年12月31日 10:00');
  });

  it('counts a task overdue once the clock passes its due time, whatever the server said when it was read', () => {
    const dueSoon = task({ dueAt: '2026-03-10T04:30:00.000Z', overdue: false });
    expect(isOverdue(dueSoon, NOW)).toBe(false);
    expect(overdueText(dueSoon, NOW)).toBe('');
    const later = new Date('2026-03-10T04:45:00.000Z');
    expect(isOverdue(dueSoon, later)).toBe(true);
    expect(overdueText(dueSoon, later)).toBe('逾期 15 分钟');
    expect(overdueText(dueSoon, new Date('2026-03-10T07:40:00.000Z'))).toBe('逾期 3 小时');
    expect(overdueText(dueSoon, new Date('2026-03-12T05:00:00.000Z'))).toBe('逾期 2 天');
    // A completed task is never overdue.
    expect(isOverdue({ ...dueSoon, status: 'completed' }, later)).toBe(false);
    expect(taskPhase({ status: 'open', overdue: true })).toBe('overdue');
    expect(taskPhase({ status: 'completed', overdue: false })).toBe('completed');
  });
});

describe('who may act on a task', () => {
  it('lets its assignee and managers complete an open task, nobody a closed one', () => {
    const mine = task();
    expect(canComplete(mine, consultant)).toBe(true);
    expect(canComplete(mine, manager)).toBe(true);
    expect(canComplete(mine, { id: OTHER_STAFF_ID, roles: ['staff'] })).toBe(false);
    expect(canComplete(task({ assignee: null }), consultant)).toBe(false);
    expect(canComplete({ ...mine, status: 'cancelled' }, manager)).toBe(false);
    expect(canManageTasks(consultant)).toBe(false);
    expect(canManageTasks({ id: MANAGER_ID, roles: ['admin'] })).toBe(true);
    expect(canManageTasks(null)).toBe(false);
  });
});

describe('task lists', () => {
  it('put the open tasks earliest due first and keep the closed ones in the server’s order', () => {
    const late = task({ dueAt: '2026-03-11T02:00:00.000Z' });
    const early = task({ dueAt: '2026-03-09T02:00:00.000Z' });
    const done = task({ status: 'completed', outcome: 'reached' });
    const cancelled = task({ status: 'cancelled' });
    const { open, closed } = splitTasks([late, done, early, cancelled]);
    expect(open.map((item) => item.id)).toEqual([early.id, late.id]);
    expect(closed.map((item) => item.id)).toEqual([done.id, cancelled.id]);
  });

  it('show today’s overdue tasks before the ones still due later today', () => {
    const overdue = task({ dueAt: '2026-03-09T02:00:00.000Z' });
    const later = task({ dueAt: '2026-03-10T09:00:00.000Z' });
    const done = task({ status: 'completed' });
    const groups = groupToday([later, overdue, done], NOW);
    expect(groups.overdue.map((item) => item.id)).toEqual([overdue.id]);
    expect(groups.later.map((item) => item.id)).toEqual([later.id]);
  });

  it('replace a changed task in place, and add a new one first', () => {
    const a = task();
    const b = task();
    const changed = { ...b, status: 'completed' as const };
    expect(replaceTask([a, b], changed)).toEqual([a, changed]);
    const created = task();
    expect(replaceTask([a, b], created).map((item) => item.id)).toEqual([created.id, a.id, b.id]);
  });
});

describe('after a completion', () => {
  const completed = (by: string, outcome: 'reached' | 'declined' = 'reached') =>
    task({
      status: 'completed',
      outcome,
      completedBy: { id: by, name: by === STAFF_ID ? '张伟' : '李娜' },
      completedAt: NOW.toISOString(),
    });

  it('confirms the outcome when this staff member completed it', () => {
    expect(completionMessage(completed(STAFF_ID), STAFF_ID, { outcome: 'reached' })).toEqual({
      kind: 'ok',
      text: '已完成：已联系上',
    });
  });

  it('says so when someone else completed it first (the server answers the task as it is)', () => {
    expect(completionMessage(completed(MANAGER_ID), STAFF_ID, { outcome: 'reached' })).toEqual({
      kind: 'error',
      text: '这个任务已由李娜完成（结果：已联系上），你的记录未保存。',
    });
    expect(completionMessage(completed(STAFF_ID, 'declined'), STAFF_ID, { outcome: 'reached' }).kind).toBe('error');
  });
});

describe('task errors', () => {
  it('say what each code means where it happened, keeping the code visible', () => {
    const notOpen = new ApiError(409, 'TASK_NOT_OPEN', 'This task was cancelled');
    expect(explainTaskError(notOpen, 'complete')).toBe(
      '无法完成：这个任务已被取消（或已由他人处理），请刷新看看当前状态。 This task was cancelled (TASK_NOT_OPEN)',
    );
    expect(explainTaskError(notOpen, 'reassign')).toContain('无法转交');
    const forbidden = new ApiError(403, 'FORBIDDEN', 'Forbidden');
    expect(explainTaskError(forbidden, 'complete')).toContain('只有任务的负责人或店长可以完成');
    expect(explainTaskError(forbidden, 'handover')).toContain('只有店长或管理员可以办理离职交接');
    expect(explainTaskError(forbidden, 'handover')).toContain('(FORBIDDEN)');
    const missing = new ApiError(404, 'NOT_FOUND', 'Staff member not found');
    expect(explainTaskError(missing, 'reassign')).toContain('没有找到这个任务或接手的员工');
    expect(explainTaskError(new Error('offline'), 'load')).toBe('offline');
  });

  it('name the fields a validation failure is about', () => {
    const invalid = new ApiError(400, 'VALIDATION_FAILED', 'Invalid body', [
      { in: 'body', path: 'successorStaffId', code: 'same_staff', message: 'must differ from the departing member' },
    ]);
    expect(explainTaskError(invalid, 'handover')).toBe(
      '输入有误：successorStaffId: must differ from the departing member (VALIDATION_FAILED)',
    );
  });

  it('put WeCom’s per-contact transfer codes in words', () => {
    expect(wecomTransferError(40129)).toBe('这位客户正在被转接中（40129）');
    expect(wecomTransferError(40097)).toContain('尚未离职');
    expect(wecomTransferError(99999)).toBe('企业微信错误码 99999');
    expect(wecomTransferError(null)).toBe('企业微信没有这位客户的转接记录');
  });
});

describe('task events on the timeline', () => {
  it('show the task’s type and the outcome', () => {
    const event = {
      id: '65f100000000000000000099',
      type: 'task.completed' as const,
      occurredAt: NOW.toISOString(),
      receivedAt: NOW.toISOString(),
      source: 'server',
      properties: { taskId: '65f4', outcome: 'rebooked', taskType: 'post_treatment_check' },
      actor: null,
    };
    const described = describeEvent(
      event as never,
      () => null,
      () => null,
    );
    expect(described.label).toBe('完成回访任务');
    expect(described.detail).toBe('治疗后回访 · 结果：已再次预约');
  });
});

describe('the journeys a customer is in', () => {
  const enrolment = (overrides: Partial<JourneyEnrolment> = {}): JourneyEnrolment => ({
    id: '65f0000000000000000000e7',
    journeyId: '65f0000000000000000000e1',
    journeyName: '爽约挽回',
    version: 1,
    customerId: CUSTOMER_ID,
    status: 'active',
    state: 'waiting',
    step: { id: 'call', name: '回访电话', type: 'create_task' },
    enteredAt: '2026-03-09T02:00:00.000Z',
    dueAt: '2026-03-11T02:00:00.000Z',
    endedAt: null,
    exitReason: null,
    error: null,
    ...overrides,
  });

  it('say where an active one is and when its step runs, and why a parked one stopped', () => {
    expect(enrolmentWhere(enrolment(), NOW)).toBe('当前步骤「回访电话」 · 等待中 · 明天 10:00 执行');
    expect(enrolmentWhere(enrolment({ step: { id: 'w', name: null, type: 'wait' } }), NOW)).toContain('「等待」');
    expect(enrolmentWhere(enrolment({ status: 'parked', state: 'in_doubt', error: 'SMS provider timeout' }), NOW)).toBe(
      '当前步骤「回访电话」 · 待人工确认 · 出错：SMS provider timeout',
    );
  });

  it('say how an ended one ended, and list the current ones first', () => {
    const exited = enrolment({ status: 'exited', state: 'ended', exitReason: 'event:appointment.booked' });
    expect(enrolmentWhere(exited, NOW)).toBe('已退出 · 因「预约」退出 · 止于「回访电话」');
    expect(exitReasonText('completed')).toBe('走完全部步骤');
    expect(exitReasonText('event:no.such_event')).toBe('因「no.such_event」退出');
    const active = enrolment();
    const parked = enrolment({ id: '65f0000000000000000000e8', status: 'parked' });
    expect(splitEnrolments([exited, active, parked])).toEqual({ current: [active, parked], past: [exited] });
  });
});
