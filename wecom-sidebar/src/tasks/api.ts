/**
 * The follow-up task routes the sidebar and the workbench call (`/api/staff/tasks…`, the customer's tasks and
 * journeys, handovers), over the shared API client.
 */
import type { ApiClient } from '@careloop/shared/client';
import type {
  CompleteTaskRequest,
  CreateTaskRequest,
  Handover,
  HandoverRequest,
  JourneyEnrolment,
  Task,
  TaskList,
  TaskListQuery,
  TaskStats,
  TaskStatsQuery,
  TaskStatus,
  TodayTasks,
} from './types';

const LIST_KEYS = ['assignee', 'status', 'dueBefore', 'customerId', 'clinicId', 'cursor', 'limit'] as const;

/** A query string of the filters given (blank ones left out), in a stable order; '' when none. */
function queryString(values: Record<string, unknown>, keys: readonly string[]): string {
  const params = new URLSearchParams();
  for (const key of keys) {
    const value = values[key];
    if (value !== undefined && value !== null && String(value).trim() !== '') params.set(key, String(value).trim());
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const taskListQuery = (query: TaskListQuery = {}) => queryString(query, LIST_KEYS);
export const taskStatsQuery = (query: TaskStatsQuery = {}) => queryString(query, ['from', 'to', 'clinicId']);

export function createTasksApi(client: ApiClient) {
  const path = (id: string) => `/api/staff/tasks/${encodeURIComponent(id)}`;
  const customerPath = (id: string) => `/api/staff/customers/${encodeURIComponent(id)}`;
  const handoverPath = (id: string) => `/api/staff/handovers/${encodeURIComponent(id)}`;
  return {
    /** Everybody's tasks (or one assignee's), earliest due first, a page at a time. */
    list: (query: TaskListQuery = {}) => client.get<TaskList>(`/api/staff/tasks${taskListQuery(query)}`),
    /** My open tasks due today in the organisation's zone, overdue ones included. */
    today: () => client.get<TodayTasks>('/api/staff/tasks/today'),
    get: (id: string) => client.get<Task>(path(id)),
    create: (request: CreateTaskRequest) => client.post<Task>('/api/staff/tasks', request),
    /** Its assignee or a manager; completing a completed task answers it as it is. */
    complete: (id: string, request: CompleteTaskRequest) => client.post<Task>(`${path(id)}/complete`, request),
    /** Managers. */
    reassign: (id: string, staffId: string) => client.post<Task>(`${path(id)}/reassign`, { staffId }),
    /** Managers. */
    cancel: (id: string, reason?: string) => client.post<Task>(`${path(id)}/cancel`, reason ? { reason } : {}),
    /** The customer's tasks: open ones earliest due first, then the others newest first. */
    customerTasks: async (customerId: string, status?: TaskStatus) =>
      (
        await client.get<{ items: Task[] }>(
          `${customerPath(customerId)}/tasks${status ? `?${new URLSearchParams({ status }).toString()}` : ''}`,
        )
      ).items,
    /** The journeys the customer is in (and was in), and at which step. */
    customerJourneys: async (customerId: string) =>
      (await client.get<{ items: JourneyEnrolment[] }>(`${customerPath(customerId)}/journeys`)).items,
    /** Managers: figures per staff member and clinic for the tasks due in the window. */
    stats: (query: TaskStatsQuery = {}) => client.get<TaskStats>(`/api/staff/tasks/stats${taskStatsQuery(query)}`),
    /** Managers: hand a departing member's tasks, customers and WeCom contacts to a successor (again: resume). */
    startHandover: (fromStaffId: string, request: HandoverRequest) =>
      client.post<Handover>(`/api/staff/staff-members/${encodeURIComponent(fromStaffId)}/handover`, request),
    handover: (id: string) => client.get<Handover>(handoverPath(id)),
    /** Read WeCom's takeover results now and send the contacts still pending. */
    refreshHandover: (id: string) => client.post<Handover>(`${handoverPath(id)}/refresh`),
  };
}

export type TasksApi = ReturnType<typeof createTasksApi>;
