import {
  CancelTaskRequest,
  CompleteTaskRequest,
  CreateTaskRequest,
  CustomerIdParams,
  CustomerTaskQuery,
  Handover,
  HandoverParams,
  HandoverRequest,
  ReassignTaskRequest,
  StaffMemberParams,
  Task,
  TaskList,
  TaskListQuery,
  TaskParams,
  TaskStats,
  TaskStatsQuery,
  TodayTasks,
} from '@careloop/shared';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { ALL_STAFF, MANAGERS } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { auditStaffAccess } from '../audit/service';
import { getCustomer } from '../identity/service';
import {
  cancelTask,
  completeTask,
  createTask,
  getTask,
  listCustomerTasks,
  listTasks,
  listTodayTasks,
  reassignTask,
} from './service';
import { taskStats } from './stats';
import { getHandover, resumeHandover, startHandover } from './handover';

export function taskRoutes(deps: Pick<AppDeps, 'wecom'>) {
  const tag = 'tasks';
  return [
    // Fixed paths before /api/staff/tasks/:id.
    defineRoute({
      method: 'get',
      path: '/api/staff/tasks/today',
      summary: 'My open tasks due today in the organisation’s time zone, overdue ones included, earliest first',
      tag,
      access: ALL_STAFF,
      response: TodayTasks,
      handler: ({ auth }) => listTodayTasks(auth.organisationId, auth.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/tasks/stats',
      summary:
        'Follow-up figures per staff member and clinic for tasks due in a window: assigned, completed, on time, overdue, completion rate, median time to complete',
      tag,
      access: MANAGERS,
      query: TaskStatsQuery,
      response: TaskStats,
      handler: ({ auth, query }) => taskStats(auth.organisationId, query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/tasks',
      summary:
        'Tasks by assignee (me, unassigned or a staff member), status, due time, customer or clinic, earliest due first; managers see all, others their own and their customers’',
      tag,
      access: ALL_STAFF,
      query: TaskListQuery,
      response: TaskList,
      handler: ({ auth, query }) => listTasks(auth.organisationId, query, { staffId: auth.id, roles: auth.roles }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/tasks',
      summary: 'Create a follow-up task by hand (assigned to the customer’s owner unless an assignee is given)',
      tag,
      access: ALL_STAFF,
      body: CreateTaskRequest,
      response: Task,
      status: 201,
      handler: async ({ auth, body, ctx }) => {
        const customer = await getCustomer(auth.organisationId, body.customerId);
        const { id } = await createTask({
          organisationId: auth.organisationId,
          customerId: customer.id,
          type: body.type,
          title: body.title,
          script: body.script,
          priority: body.priority,
          dueAt: new Date(body.dueAt),
          assigneeStaffId: body.assigneeStaffId ?? null,
          source: { kind: 'staff', staffId: auth.id },
          // Scoped to the caller, so one member's key never answers another member's task.
          idempotencyKey: body.idempotencyKey ? `staff:${auth.id}:${body.idempotencyKey}` : null,
        });
        await auditStaffAccess(ctx, auth, 'customer.task_created', customer.id, { taskId: id });
        return getTask(auth.organisationId, id);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/tasks/:id',
      summary: 'One task',
      tag,
      access: ALL_STAFF,
      params: TaskParams,
      response: Task,
      handler: ({ auth, params }) => getTask(auth.organisationId, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/tasks/:id/complete',
      summary:
        'Complete a task with an outcome and a note (its assignee or a manager); completing again answers it as it is',
      tag,
      access: ALL_STAFF,
      params: TaskParams,
      body: CompleteTaskRequest,
      response: Task,
      handler: async ({ auth, params, body, ctx }) => {
        const task = await completeTask(auth.organisationId, params.id, auth, body);
        await auditStaffAccess(ctx, auth, 'customer.task_completed', task.customer.id, {
          taskId: task.id,
          outcome: task.outcome ?? '',
        });
        return task;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/tasks/:id/reassign',
      summary: 'Give an open task to another staff member',
      tag,
      access: MANAGERS,
      params: TaskParams,
      body: ReassignTaskRequest,
      response: Task,
      handler: async ({ auth, params, body, ctx }) => {
        const task = await reassignTask(auth.organisationId, params.id, body.staffId, auth.id);
        await auditStaffAccess(ctx, auth, 'customer.task_reassigned', task.customer.id, {
          taskId: task.id,
          staffId: body.staffId,
        });
        return task;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/tasks/:id/cancel',
      summary: 'Cancel an open task',
      tag,
      access: MANAGERS,
      params: TaskParams,
      body: CancelTaskRequest,
      response: Task,
      handler: async ({ auth, params, body, ctx }) => {
        const task = await cancelTask(auth.organisationId, params.id, auth.id, body.reason ?? null);
        await auditStaffAccess(ctx, auth, 'customer.task_cancelled', task.customer.id, { taskId: task.id });
        return task;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customers/:id/tasks',
      summary: 'A customer’s tasks: open ones earliest due first, then the others newest first (audited)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      query: CustomerTaskQuery,
      response: z.object({ items: z.array(Task) }),
      handler: async ({ auth, params, query, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        await auditStaffAccess(ctx, auth, 'customer.tasks_viewed', customer.id);
        return { items: await listCustomerTasks(auth.organisationId, customer.id, query.status) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/staff-members/:id/handover',
      summary:
        'Hand a departing staff member’s open tasks, owned customers and WeCom external contacts to a successor (run again to resume)',
      tag,
      access: MANAGERS,
      params: StaffMemberParams,
      body: HandoverRequest,
      response: Handover,
      handler: ({ auth, params, body }) => startHandover(deps.wecom, auth.organisationId, params.id, body, auth.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/handovers/:id',
      summary: 'A handover’s progress: tasks and customers moved, each external contact’s takeover',
      tag,
      access: MANAGERS,
      params: HandoverParams,
      response: Handover,
      handler: ({ auth, params }) => getHandover(auth.organisationId, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/handovers/:id/refresh',
      summary: 'Run a handover again now: read WeCom’s takeover results and send the contacts still pending',
      tag,
      access: MANAGERS,
      params: HandoverParams,
      response: Handover,
      handler: ({ auth, params }) => resumeHandover(deps.wecom, auth.organisationId, params.id),
    }),
  ];
}
