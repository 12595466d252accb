/**
 * The workbench's task board: its filters (assignee, status, clinic, due before a day) as the list's query, where a
 * staff member's board starts, and whom a task can go to.
 */
import { ORGANISATION_TIME_ZONE } from '../profile/format';
import { zonedEndOfDayIso } from '../shell/forms';
import { canManageTasks } from './taskView';
import type { StaffMemberSummary, Task, TaskListQuery, TaskListStatus } from './types';

export interface BoardFilters {
  /** `me`, `unassigned`, a staff member's id, or '' for everybody. */
  assignee: string;
  status: TaskListStatus | '';
  clinicId: string;
  /** A calendar day (YYYY-MM-DD): tasks due by the end of it; '' for any time. */
  dueBy: string;
}

export const BOARD_PAGE_SIZE = 50;

/** Managers start with the team's open tasks; everybody else with their own. */
export function defaultBoardFilters(staff: Parameters<typeof canManageTasks>[0]): BoardFilters {
  return { assignee: canManageTasks(staff) ? '' : 'me', status: 'open', clinicId: '', dueBy: '' };
}

/** The list's query: only the filters set; "due by a day" is "due before the next day starts" on the zone's clock. */
export function boardQuery(filters: BoardFilters, timeZone = ORGANISATION_TIME_ZONE): TaskListQuery {
  const query: TaskListQuery = { limit: BOARD_PAGE_SIZE };
  if (filters.assignee) query.assignee = filters.assignee;
  if (filters.status) query.status = filters.status;
  if (filters.clinicId) query.clinicId = filters.clinicId;
  const endOfDay = filters.dueBy ? zonedEndOfDayIso(filters.dueBy, timeZone) : null;
  if (endOfDay) query.dueBefore = new Date(Date.parse(endOfDay) + 1000).toISOString();
  return query;
}

/** One string per filter combination (a new one loads the list afresh). */
export const boardKey = (filters: BoardFilters) =>
  `task-board:${filters.assignee}:${filters.status}:${filters.clinicId}:${filters.dueBy}`;

/** Who an open task can be given to: the active staff other than its assignee, by name. */
export function reassignCandidates(task: Pick<Task, 'assignee'>, staff: readonly StaffMemberSummary[]) {
  return staff
    .filter((member) => member.id !== task.assignee?.id)
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

/** Reassign and cancel are for managers, on open tasks. */
export function boardActions(task: Pick<Task, 'status'>, staff: Parameters<typeof canManageTasks>[0]) {
  const allowed = task.status === 'open' && canManageTasks(staff);
  return { reassign: allowed, cancel: allowed };
}
