/**
 * Tasks as the sidebar and the board show them: when each is due in words (今天 17:00, 已逾期 2 小时), which are open
 * or overdue at the current clock, who may complete, reassign or cancel them, and what to say after a completion.
 * Pure data in, data out.
 */
import type { StaffRole } from '@careloop/shared';
import { dayKey, formatTime, ORGANISATION_TIME_ZONE } from '../profile/format';
import { OUTCOME_LABELS } from './labels';
import type { Task } from './types';

type Staff = { id: string; roles: readonly StaffRole[] } | null | undefined;

/** Reassign, cancel, statistics and handover (`MANAGERS` on the BFF) admit managers and admins. */
export function canManageTasks(staff: Staff): boolean {
  return !!staff && staff.roles.some((role) => role === 'manager' || role === 'admin');
}

/** Open and past due at `now` (the server's `overdue` was computed when the list was read). */
export function isOverdue(task: Pick<Task, 'status' | 'dueAt'>, now: Date): boolean {
  return task.status === 'open' && Date.parse(task.dueAt) < now.getTime();
}

/** Completing admits the task's assignee and managers, while it is open. */
export function canComplete(task: Pick<Task, 'status' | 'assignee'>, staff: Staff): boolean {
  return !!staff && task.status === 'open' && (task.assignee?.id === staff.id || canManageTasks(staff));
}

const DAY_MS = 86_400_000;

/** `今天 17:00`, `明天 11:00`, `昨天 10:00`, `3月5日 10:00` (with the year when it is not this year). */
export function dueText(dueAt: string, now: Date, timeZone = ORGANISATION_TIME_ZONE): string {
  const due = new Date(dueAt);
  if (Number.isNaN(due.getTime())) return '';
  const key = dayKey(due, timeZone);
  const time = formatTime(due, timeZone);
  if (key === dayKey(now, timeZone)) return `今天 ${time}`;
  if (key === dayKey(new Date(now.getTime() + DAY_MS), timeZone)) return `明天 ${time}`;
  if (key === dayKey(new Date(now.getTime() - DAY_MS), timeZone)) return `昨天 ${time}`;
  const [year, month, day] = key.split('-');
  const sameYear = year === dayKey(now, timeZone).slice(0, 4);
  return `${sameYear ? '' : `${year}年`}${Number(month)}月${Number(day)}日 ${time}`;
}

/** How long past due: `逾期 25 分钟`, `逾期 3 小时`, `逾期 2 天`; '' when not overdue. */
export function overdueText(task: Pick<Task, 'status' | 'dueAt'>, now: Date): string {
  if (!isOverdue(task, now)) return '';
  const minutes = Math.floor((now.getTime() - Date.parse(task.dueAt)) / 60_000);
  if (minutes < 60) return `逾期 ${Math.max(1, minutes)} 分钟`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `逾期 ${hours} 小时`;
  return `逾期 ${Math.floor(hours / 24)} 天`;
}

/** The customer's open tasks (earliest due first) and the closed ones (as the server ordered them: newest first). */
export function splitTasks(tasks: readonly Task[]): { open: Task[]; closed: Task[] } {
  const open = tasks
    .filter((task) => task.status === 'open')
    .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.id.localeCompare(b.id));
  return { open, closed: tasks.filter((task) => task.status !== 'open') };
}

/** Today's list in two groups: overdue first, then what is still due later today. */
export function groupToday(tasks: readonly Task[], now: Date): { overdue: Task[]; later: Task[] } {
  const open = tasks.filter((task) => task.status === 'open');
  return {
    overdue: open.filter((task) => isOverdue(task, now)),
    later: open.filter((task) => !isOverdue(task, now)),
  };
}

/** The list with `next` in place of the task of the same id (added first when it is new). */
export function replaceTask(tasks: readonly Task[], next: Task): Task[] {
  return tasks.some((task) => task.id === next.id)
    ? tasks.map((task) => (task.id === next.id ? next : task))
    : [next, ...tasks];
}

/**
 * What to say after a completion: completing a completed task answers it as it is, so when someone else completed it
 * first (another outcome, or another person), say so instead of claiming this completion.
 */
export function completionMessage(
  task: Task,
  staffId: string,
  asked: { outcome: Task['outcome'] },
): { kind: 'ok' | 'error'; text: string } {
  if (task.status !== 'completed' || !task.outcome) return { kind: 'error', text: '任务未完成，请刷新。' };
  const outcome = OUTCOME_LABELS[task.outcome];
  if (task.completedBy && task.completedBy.id !== staffId) {
    return {
      kind: 'error',
      text: `这个任务已由${task.completedBy.name ?? '其他同事'}完成（结果：${outcome}），你的记录未保存。`,
    };
  }
  if (asked.outcome && task.outcome !== asked.outcome) {
    return { kind: 'error', text: `这个任务之前已完成（结果：${outcome}），本次记录未保存。` };
  }
  return { kind: 'ok', text: `已完成：${outcome}` };
}

/** A customer, assignee or staff member without a name (left, or no nickname). */
export const nameOr = (named: { name: string | null } | null | undefined, fallback: string) =>
  named?.name?.trim() ? named.name : fallback;
