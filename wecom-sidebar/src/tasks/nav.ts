/**
 * Where the workbench's task pages are, from the location hash: `#tasks` (the board), `#tasks/stats` (the
 * completion leaderboard), `#tasks/handover` (start a handover) and `#tasks/handover/<id>` (its progress).
 */
export const TASK_VIEWS = ['board', 'stats', 'handover'] as const;
export type TaskView = (typeof TASK_VIEWS)[number];

export interface TaskRoute {
  view: TaskView;
  handoverId: string | null;
}

const ID = /^[0-9a-f]{24}$/i;

export function taskRoute(hash: string): TaskRoute {
  const path = hash.replace(/^#\/?/, '').split(/[?&]/)[0] ?? '';
  const [page, view = '', id = ''] = path.split('/').map((part) => decodeURIComponent(part));
  if (page !== 'tasks' || !(TASK_VIEWS as readonly string[]).includes(view)) return { view: 'board', handoverId: null };
  return { view: view as TaskView, handoverId: view === 'handover' && ID.test(id) ? id : null };
}

export function taskHref(view: TaskView, handoverId?: string): string {
  if (view === 'board') return '#tasks';
  return handoverId ? `#tasks/${view}/${handoverId}` : `#tasks/${view}`;
}
