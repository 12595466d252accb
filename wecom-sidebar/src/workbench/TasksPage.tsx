/**
 * 回访任务: the workbench's task management — the team's task board (everyone), the completion leaderboard and the
 * handover of a leaver's work (managers and admins), one sub-page each (`#tasks`, `#tasks/stats`, `#tasks/handover`).
 */
import type { StaffProfile } from '@careloop/shared';
import { taskHref, type TaskRoute, type TaskView } from '../tasks/nav';
import { canManageTasks } from '../tasks/taskView';
import { HandoverPage } from './HandoverPage';
import { TaskBoardPage } from './TaskBoardPage';
import { TaskStatsPage } from './TaskStatsPage';
import type { ClinicsController } from './useClinics';

const VIEWS: { id: TaskView; label: string; hint: string; managers: boolean }[] = [
  { id: 'board', label: '任务看板', hint: 'Board', managers: false },
  { id: 'stats', label: '完成率排行', hint: 'Leaderboard', managers: true },
  { id: 'handover', label: '离职交接', hint: 'Handover', managers: true },
];

export function TasksPage({
  staff,
  clinics,
  route,
}: {
  staff: StaffProfile;
  clinics: ClinicsController;
  route: TaskRoute;
}) {
  const manager = canManageTasks(staff);
  const views = VIEWS.filter((view) => !view.managers || manager);
  // A manager's page asked for by someone else is the board.
  const view = views.some((item) => item.id === route.view) ? route.view : 'board';

  return (
    <div className="page tasks-page">
      <nav className="subtabs" aria-label="回访任务 Tasks">
        {views.map((item) => (
          <a
            key={item.id}
            href={taskHref(item.id)}
            className={`subtabs__tab${item.id === view ? ' subtabs__tab--current' : ''}`}
            aria-current={item.id === view ? 'page' : undefined}
            data-testid={`tasks-nav-${item.id}`}
          >
            {item.label} <span className="tabs__hint">{item.hint}</span>
          </a>
        ))}
      </nav>
      {view === 'stats' ? (
        <TaskStatsPage clinics={clinics} />
      ) : view === 'handover' ? (
        <HandoverPage handoverId={route.handoverId} />
      ) : (
        <TaskBoardPage staff={staff} clinics={clinics} />
      )}
    </div>
  );
}
