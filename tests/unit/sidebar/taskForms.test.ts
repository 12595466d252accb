import { CreateTaskRequest, HandoverRequest } from '@careloop/shared';
import { describe, expect, it } from 'vitest';
import {
  boardActions,
  boardKey,
  boardQuery,
  defaultBoardFilters,
  reassignCandidates,
} from '../../../wecom-sidebar/src/tasks/board';
import { buildHandoverRequest, emptyHandoverDraft } from '../../../wecom-sidebar/src/tasks/handover';
import { taskHref, taskRoute } from '../../../wecom-sidebar/src/tasks/nav';
import {
  buildCompleteRequest,
  buildTaskRequest,
  emptyTaskDraft,
  newIdempotencyKey,
} from '../../../wecom-sidebar/src/tasks/taskForm';
import type { StaffMemberSummary } from '../../../wecom-sidebar/src/tasks/types';
import { CUSTOMER_ID, STAFF_ID } from './fixtures';
import { consultant, manager, MANAGER_ID, NOW, OTHER_STAFF_ID, task } from './taskFixtures';

const KEY = 'sidebar:abcdefgh12345';

describe('the new-task form', () => {
  it('starts with a follow-up call due tomorrow at 10:00 on the organisation’s clock', () => {
    expect(emptyTaskDraft(NOW)).toEqual({
      type: 'follow_up_call',
      title: '',
      dueAt: '2026-03-11T10:00',
      priority: 'normal',
      script: '',
    });
  });

  it('sends the due time as the instant it is in Shanghai, named after its type when no title is typed', () => {
    const result = buildTaskRequest(
      { ...emptyTaskDraft(NOW), type: 'post_treatment_check', script: '  询问恢复情况 ', priority: 'high' },
      CUSTOMER_ID,
      NOW,
      KEY,
    );
    expect(result).toEqual({
      ok: true,
      request: {
        customerId: CUSTOMER_ID,
        type: 'post_treatment_check',
        title: '治疗后回访',
        script: '询问恢复情况',
        priority: 'high',
        dueAt: '2026-03-11T02:00:00.000Z',
        idempotencyKey: KEY,
      },
    });
    expect(result.ok && CreateTaskRequest.safeParse(result.request).success).toBe(true);
  });

  it('refuses a due time in the past, an impossible date and a title too long', () => {
    const draft = emptyTaskDraft(NOW);
    expect(buildTaskRequest({ ...draft, dueAt: '2026-03-10T11:00' }, CUSTOMER_ID, NOW, KEY)).toEqual({
      ok: false,
      errors: { dueAt: '到期时间不能早于现在 Due time is in the past' },
    });
    // A minute's grace for the time it took to type.
    expect(buildTaskRequest({ ...draft, dueAt: '2026-03-10T12:00' }, CUSTOMER_ID, NOW, KEY).ok).toBe(true);
    expect(buildTaskRequest({ ...draft, dueAt: '2026-02-30T10:00' }, CUSTOMER_ID, NOW, KEY)).toMatchObject({
      errors: { dueAt: '到期时间无效 Invalid date and time' },
    });
    expect(buildTaskRequest({ ...draft, dueAt: '' }, CUSTOMER_ID, NOW, KEY)).toMatchObject({
      errors: { dueAt: '请选择到期时间 Pick a due time' },
    });
    expect(buildTaskRequest({ ...draft, title: '回'.repeat(101) }, CUSTOMER_ID, NOW, KEY)).toMatchObject({
      errors: { title: '标题最多 100 个字' },
    });
  });

  it('makes idempotency keys the BFF accepts', () => {
    const key = newIdempotencyKey();
    expect(key).toMatch(/^[A-Za-z0-9_:.-]{8,128}$/);
    expect(newIdempotencyKey(() => 0)).toBe('sidebar:00000000000000');
    expect(newIdempotencyKey()).not.toBe(key);
  });
});

describe('the completion form', () => {
  it('needs an outcome, and sends the note trimmed', () => {
    expect(buildCompleteRequest({ outcome: '', note: '' })).toEqual({
      ok: false,
      errors: { outcome: '请选择回访结果 Pick an outcome' },
    });
    expect(buildCompleteRequest({ outcome: 'rebooked', note: '  约了周三 ' })).toEqual({
      ok: true,
      request: { outcome: 'rebooked', note: '约了周三' },
    });
    expect(buildCompleteRequest({ outcome: 'reached', note: 'x'.repeat(1001) })).toMatchObject({
      errors: { note: '备注最多 1000 个字' },
    });
  });
});

describe('the handover form', () => {
  it('needs a leaver, a different successor and whether the member left WeCom', () => {
    expect(buildHandoverRequest(emptyHandoverDraft())).toEqual({
      ok: false,
      errors: {
        fromStaffId: '请选择离职员工 Pick the member who leaves',
        successorStaffId: '请选择接替人 Pick a successor',
        resigned: '请选择该员工是否已在企业微信离职',
      },
    });
    expect(
      buildHandoverRequest({
        ...emptyHandoverDraft(),
        fromStaffId: STAFF_ID,
        successorStaffId: STAFF_ID,
        resigned: 'no',
      }),
    ).toMatchObject({ errors: { successorStaffId: '接替人不能是离职员工本人' } });
  });

  it('sends the customers’ message only for a member still employed', () => {
    const draft = {
      fromStaffId: STAFF_ID,
      successorStaffId: OTHER_STAFF_ID,
      transferSuccessMessage: ' 由王芳继续为您服务 ',
    };
    const employed = buildHandoverRequest({ ...draft, resigned: 'no' });
    expect(employed).toEqual({
      ok: true,
      request: {
        fromStaffId: STAFF_ID,
        request: { successorStaffId: OTHER_STAFF_ID, resigned: false, transferSuccessMessage: '由王芳继续为您服务' },
      },
    });
    const resigned = buildHandoverRequest({ ...draft, resigned: 'yes' });
    expect(resigned.ok && resigned.request.request).toEqual({ successorStaffId: OTHER_STAFF_ID, resigned: true });
    expect(employed.ok && HandoverRequest.safeParse(employed.request.request).success).toBe(true);
    expect(buildHandoverRequest({ ...draft, resigned: 'no', transferSuccessMessage: '话'.repeat(201) })).toMatchObject({
      errors: { transferSuccessMessage: '最多 200 个字' },
    });
  });
});

describe('the task board', () => {
  it('starts managers on the team’s open tasks and everybody else on their own', () => {
    expect(defaultBoardFilters(manager)).toEqual({ assignee: '', status: 'open', clinicId: '', dueBy: '' });
    expect(defaultBoardFilters(consultant)).toMatchObject({ assignee: 'me', status: 'open' });
  });

  it('asks for tasks due by the end of the chosen day in Shanghai', () => {
    expect(boardQuery({ assignee: 'unassigned', status: '', clinicId: '', dueBy: '2026-03-10' })).toEqual({
      limit: 50,
      assignee: 'unassigned',
      dueBefore: '2026-03-10T16:00:00.000Z',
    });
    expect(boardQuery({ assignee: '', status: '', clinicId: '', dueBy: 'not a day' })).toEqual({ limit: 50 });
    expect(boardKey(defaultBoardFilters(manager))).not.toBe(boardKey(defaultBoardFilters(consultant)));
  });

  it('offers reassignment to the others, by name, and only managers act on open tasks', () => {
    const member = (id: string, name: string): StaffMemberSummary => ({
      id,
      name,
      wecomUserId: id,
      roles: ['staff'],
      clinicIds: [],
    });
    const staff = [member(OTHER_STAFF_ID, '王芳'), member(STAFF_ID, '张伟'), member(MANAGER_ID, '李娜')];
    expect(reassignCandidates(task(), staff).map((item) => item.name)).toEqual(['李娜', '王芳']);
    expect(boardActions(task(), manager)).toEqual({ reassign: true, cancel: true });
    expect(boardActions(task(), consultant)).toEqual({ reassign: false, cancel: false });
    expect(boardActions(task({ status: 'completed' }), manager)).toEqual({ reassign: false, cancel: false });
  });
});

describe('the task pages’ addresses', () => {
  it('read the view and the handover from the hash, anything else being the board', () => {
    expect(taskRoute('#tasks')).toEqual({ view: 'board', handoverId: null });
    expect(taskRoute('#tasks/stats')).toEqual({ view: 'stats', handoverId: null });
    expect(taskRoute('#tasks/handover/65f0000000000000000000d9')).toEqual({
      view: 'handover',
      handoverId: '65f0000000000000000000d9',
    });
    expect(taskRoute('#tasks/handover/not-an-id')).toEqual({ view: 'handover', handoverId: null });
    expect(taskRoute('#tasks/nonsense')).toEqual({ view: 'board', handoverId: null });
    expect(taskRoute('#content/stats')).toEqual({ view: 'board', handoverId: null });
    expect(taskHref('handover', '65f0000000000000000000d9')).toBe('#tasks/handover/65f0000000000000000000d9');
    expect(taskHref('board')).toBe('#tasks');
  });
});
