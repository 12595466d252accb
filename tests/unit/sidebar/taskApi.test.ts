import {
  CompleteTaskRequest,
  CreateTaskRequest,
  HandoverRequest,
  TaskListQuery,
  TaskStatsQuery,
} from '@careloop/shared';
import { createApiClient, type HttpRequest } from '@careloop/shared/client';
import { describe, expect, it } from 'vitest';
import { journeyRoutes } from '../../../bff/src/journeys/routes';
import { staffRoutes } from '../../../bff/src/staff/routes';
import { taskRoutes } from '../../../bff/src/tasks/routes';
import { safeStore } from '../../../wecom-sidebar/src/api/storage';
import { createTokenStore } from '../../../wecom-sidebar/src/api/tokens';
import { boardQuery } from '../../../wecom-sidebar/src/tasks/board';
import { createTasksApi, taskListQuery, taskStatsQuery } from '../../../wecom-sidebar/src/tasks/api';
import { statsQuery } from '../../../wecom-sidebar/src/tasks/stats';
import { CUSTOMER_ID, STAFF_ID } from './fixtures';
import { NOW, TASK_ID } from './taskFixtures';

const HANDOVER_ID = '65f0000000000000000000d9';

function setup() {
  const requests: HttpRequest[] = [];
  const tokens = createTokenStore(
    safeStore(() => null),
    't',
  );
  tokens.set({ accessToken: 'AT', refreshToken: 'RT', expiresIn: 900 });
  const client = createApiClient({
    baseUrl: '',
    transport: async (request) => {
      requests.push(request);
      return { status: 200, body: { items: [] } };
    },
    tokens,
  });
  return { api: createTasksApi(client), requests };
}

/** `GET /api/staff/tasks/:id` as a pattern matching a called URL (query string aside). */
function declared(): { method: string; pattern: RegExp; path: string }[] {
  const routes = [...taskRoutes({ wecom: {} as never }), ...journeyRoutes(), ...staffRoutes()];
  return routes.map((route) => ({
    method: route.method.toUpperCase(),
    path: route.path,
    pattern: new RegExp(`^${route.path.replace(/:\w+/g, '[^/?]+')}(\\?.*)?$`),
  }));
}

describe('the task routes the WeCom app calls', () => {
  it('are declared by the BFF with the same method, fixed paths first', async () => {
    const { api, requests } = setup();
    await api.list({ assignee: 'me', status: 'overdue' });
    await api.today();
    await api.get(TASK_ID);
    await api.create({
      customerId: CUSTOMER_ID,
      type: 'follow_up_call',
      title: '回访',
      script: '',
      priority: 'normal',
      dueAt: NOW.toISOString(),
    });
    await api.complete(TASK_ID, { outcome: 'reached', note: '' });
    await api.reassign(TASK_ID, STAFF_ID);
    await api.cancel(TASK_ID, '客户已转院');
    await api.cancel(TASK_ID);
    await api.customerTasks(CUSTOMER_ID);
    await api.customerTasks(CUSTOMER_ID, 'open');
    await api.customerJourneys(CUSTOMER_ID);
    await api.stats({ from: NOW.toISOString() });
    await api.startHandover(STAFF_ID, { successorStaffId: STAFF_ID, resigned: true });
    await api.handover(HANDOVER_ID);
    await api.refreshHandover(HANDOVER_ID);
    const routes = declared();
    // Each call matches the first route that matches it (the router's order), and that route's method is the call's.
    const matched = requests.map((request) => {
      const route = routes.find(
        (candidate) => candidate.pattern.test(request.url) && candidate.method === request.method,
      );
      return `${request.method} ${route?.path ?? `(none) ${request.url}`}`;
    });
    expect(matched).toEqual([
      'GET /api/staff/tasks',
      'GET /api/staff/tasks/today',
      'GET /api/staff/tasks/:id',
      'POST /api/staff/tasks',
      'POST /api/staff/tasks/:id/complete',
      'POST /api/staff/tasks/:id/reassign',
      'POST /api/staff/tasks/:id/cancel',
      'POST /api/staff/tasks/:id/cancel',
      'GET /api/staff/customers/:id/tasks',
      'GET /api/staff/customers/:id/tasks',
      'GET /api/staff/customers/:id/journeys',
      'GET /api/staff/tasks/stats',
      'POST /api/staff/staff-members/:id/handover',
      'GET /api/staff/handovers/:id',
      'POST /api/staff/handovers/:id/refresh',
    ]);
    expect(requests[1]!.url).toBe('/api/staff/tasks/today');
    expect(requests[6]!.body).toEqual({ reason: '客户已转院' });
    expect(requests[7]!.body).toEqual({});
    expect(requests[9]!.url).toBe(`/api/staff/customers/${CUSTOMER_ID}/tasks?status=open`);
  });

  it('send bodies the BFF’s schemas accept', async () => {
    const { api, requests } = setup();
    await api.create({
      customerId: CUSTOMER_ID,
      type: 'moments_post',
      title: '朋友圈',
      script: 'x',
      priority: 'high',
      dueAt: NOW.toISOString(),
      idempotencyKey: 'sidebar:abcdefgh',
    });
    await api.complete(TASK_ID, { outcome: 'declined', note: '不需要' });
    await api.startHandover(STAFF_ID, {
      successorStaffId: CUSTOMER_ID,
      resigned: false,
      transferSuccessMessage: '您好',
    });
    expect(CreateTaskRequest.safeParse(requests[0]!.body).success).toBe(true);
    expect(CompleteTaskRequest.safeParse(requests[1]!.body).success).toBe(true);
    expect(HandoverRequest.safeParse(requests[2]!.body).success).toBe(true);
  });

  it('leave blank filters out of the list and stats queries, which the BFF’s schemas accept', () => {
    expect(taskListQuery({ assignee: '', status: undefined, clinicId: ' ', limit: 50 })).toBe('?limit=50');
    expect(taskListQuery()).toBe('');
    const query = boardQuery({ assignee: STAFF_ID, status: 'overdue', clinicId: '', dueBy: '2026-03-12' });
    const text = taskListQuery(query);
    expect(text).toBe(
      `?assignee=${STAFF_ID}&status=overdue&dueBefore=${encodeURIComponent('2026-03-12T16:00:00.000Z')}&limit=50`,
    );
    const parsed = TaskListQuery.safeParse(Object.fromEntries(new URLSearchParams(text)));
    expect(parsed.success).toBe(true);
    const stats = taskStatsQuery(statsQuery(7, '', NOW));
    expect(stats).toBe(
      `?from=${encodeURIComponent('2026-03-03T16:00:00.000Z')}&to=${encodeURIComponent('2026-03-10T16:00:00.000Z')}`,
    );
    expect(TaskStatsQuery.safeParse(Object.fromEntries(new URLSearchParams(stats))).success).toBe(true);
  });
});
