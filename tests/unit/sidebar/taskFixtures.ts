/** Tasks, figures and handovers to start the task tests from; override what a test is about. */
import type { Handover, StaffFigures, Task } from '../../../wecom-sidebar/src/tasks/types';
import { CUSTOMER_ID, STAFF_ID } from './fixtures';

export const NOW = new Date('2026-03-10T04:00:00.000Z'); // 12:00 in Shanghai
export const MANAGER_ID = '65f0000000000000000000b2';
export const OTHER_STAFF_ID = '65f0000000000000000000b3';
export const TASK_ID = '65f0000000000000000000a7';

export const consultant = { id: STAFF_ID, roles: ['staff' as const] };
export const manager = { id: MANAGER_ID, roles: ['manager' as const] };

let seq = 0;
export function task(overrides: Partial<Task> = {}): Task {
  seq += 1;
  return {
    id: (0x65f400000000 + seq).toString(16).padStart(24, '0'),
    customer: { id: CUSTOMER_ID, name: '赵敏' },
    type: 'follow_up_call',
    title: '种植咨询后电话回访',
    script: '',
    priority: 'normal',
    dueAt: '2026-03-10T09:00:00.000Z', // 17:00 in Shanghai
    status: 'open',
    overdue: false,
    assignee: { id: STAFF_ID, name: '张伟' },
    clinicId: null,
    source: { kind: 'staff', staffId: MANAGER_ID },
    outcome: null,
    note: null,
    completedAt: null,
    completedBy: null,
    cancelledAt: null,
    cancelReason: null,
    createdAt: '2026-03-09T02:00:00.000Z',
    ...overrides,
  };
}

export function figures(overrides: Partial<StaffFigures> = {}): StaffFigures {
  return {
    staff: { id: STAFF_ID, name: '张伟' },
    assigned: 3,
    completed: 2,
    completedOnTime: 1,
    overdue: 1,
    completionRate: 0.6667,
    onTimeRate: 0.3333,
    medianMinutesToComplete: 125,
    ...overrides,
  };
}

export function handover(overrides: Partial<Handover> = {}, contacts: Partial<Handover['contacts']> = {}): Handover {
  return {
    id: '65f0000000000000000000d9',
    from: { id: STAFF_ID, name: '张伟' },
    to: { id: OTHER_STAFF_ID, name: '王芳' },
    resigned: false,
    status: 'in_progress',
    tasksMoved: 2,
    customersMoved: 1,
    contacts: {
      total: 0,
      pending: 0,
      sending: 0,
      waiting: 0,
      success: 0,
      refused: 0,
      limit_exceeded: 0,
      failed: 0,
      ...contacts,
    },
    unfinished: [],
    lastError: null,
    createdAt: '2026-03-10T02:00:00.000Z',
    updatedAt: '2026-03-10T02:00:00.000Z',
    ...overrides,
  };
}
