/**
 * 任务看板: the team's follow-up tasks, earliest due first, filtered by assignee, status, clinic and "due by" a day,
 * a page at a time. Managers and admins give an open task to someone else or cancel it (with a reason); everybody
 * else starts on their own open tasks. Completed tasks show their outcome, note and whether they were on time.
 */
import type { StaffProfile } from '@careloop/shared';
import { useMemo, useState } from 'react';
import { customerDisplayName } from '../labels';
import { formatDateTime } from '../profile/format';
import { OutcomeLine, SelectInput, type Outcome } from '../shell/Field';
import { api } from '../shell/runtime';
import { useNow } from '../shell/useNow';
import { useResource } from '../shell/useResource';
import {
  boardActions,
  boardKey,
  boardQuery,
  defaultBoardFilters,
  reassignCandidates,
  type BoardFilters,
} from '../tasks/board';
import { explainTaskError } from '../tasks/errors';
import {
  BOARD_STATUS_LABELS,
  OUTCOME_LABELS,
  PHASE_LABELS,
  PHASE_TONES,
  PRIORITY_LABELS,
  TASK_TYPE_LABELS,
  taskPhase,
  type TaskPhase,
} from '../tasks/labels';
import { tasksApi } from '../tasks/runtime';
import { canManageTasks, dueText, isOverdue, nameOr, overdueText, replaceTask } from '../tasks/taskView';
import type { StaffMemberSummary, Task, TaskList } from '../tasks/types';
import type { ClinicsController } from './useClinics';

const explainLoad = (reason: unknown) => explainTaskError(reason, 'load');
const STATUSES: TaskPhase[] = ['open', 'overdue', 'completed', 'cancelled'];
const CANCEL_REASON_MAX = 200;

function TaskActions({
  candidates,
  busy,
  onReassign,
  onCancel,
}: {
  candidates: readonly StaffMemberSummary[] | null;
  busy: boolean;
  onReassign(staffId: string): void;
  onCancel(reason: string): Promise<boolean>;
}) {
  const [staffId, setStaffId] = useState('');
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  if (cancelling) {
    return (
      <div className="board__confirm" role="group" aria-label="确认取消 Confirm cancel">
        <input
          className="input input--inline"
          data-testid="board-cancel-reason"
          placeholder="取消原因（可选）"
          maxLength={CANCEL_REASON_MAX}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
        <div className="row">
          <button
            type="button"
            className="button button--small button--danger"
            data-testid="board-cancel-confirm"
            disabled={busy}
            onClick={() => {
              void onCancel(reason.trim()).then((done) => {
                if (done) setCancelling(false);
              });
            }}
          >
            确认取消
          </button>
          <button type="button" className="button button--small" disabled={busy} onClick={() => setCancelling(false)}>
            返回
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="row board__actions">
      <SelectInput
        inline
        ariaLabel="转交给 Reassign to"
        testId="board-reassign-select"
        empty={candidates ? '转交给…' : '加载中…'}
        options={candidates ?? []}
        value={staffId}
        disabled={busy || !candidates}
        onChange={setStaffId}
      />
      <button
        type="button"
        className="button button--small"
        data-testid="board-reassign"
        disabled={busy || !staffId}
        onClick={() => onReassign(staffId)}
      >
        转交
      </button>
      <button
        type="button"
        className="button button--small"
        data-testid="board-cancel"
        disabled={busy}
        onClick={() => setCancelling(true)}
      >
        取消任务
      </button>
    </div>
  );
}

function ResultCell({ task }: { task: Task }) {
  if (task.status === 'completed' && task.outcome) {
    const late = task.completedAt && Date.parse(task.completedAt) > Date.parse(task.dueAt);
    return (
      <div data-testid="board-result">
        <strong>{OUTCOME_LABELS[task.outcome]}</strong>
        {late ? <span className="task__late"> · 逾期完成</span> : <span className="muted"> · 按时</span>}
        {task.note ? <div className="small">{task.note}</div> : null}
        <div className="small muted">
          {nameOr(task.completedBy, '—')} · {formatDateTime(task.completedAt)}
        </div>
      </div>
    );
  }
  if (task.status === 'cancelled') {
    return (
      <div className="small muted">
        {formatDateTime(task.cancelledAt)}
        {task.cancelReason ? ` · ${task.cancelReason}` : ''}
      </div>
    );
  }
  return <span className="muted">—</span>;
}

export function TaskBoardPage({ staff, clinics }: { staff: StaffProfile; clinics: ClinicsController }) {
  const manager = canManageTasks(staff);
  const [filters, setFilters] = useState<BoardFilters>(() => defaultBoardFilters(staff));
  const [pages, setPages] = useState<TaskList[]>([]);
  const first = useResource(
    boardKey(filters),
    () => {
      setPages([]);
      return tasksApi.list(boardQuery(filters));
    },
    explainLoad,
  );
  const members = useResource('staff-members', () => api.staffMembers(), explainLoad);
  const now = useNow(30_000);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const items = useMemo(
    () => [...(first.data?.items ?? []), ...pages.flatMap((page) => page.items)],
    [first.data, pages],
  );
  const nextCursor = pages.length ? pages[pages.length - 1]!.nextCursor : (first.data?.nextCursor ?? null);
  const setFilter = <K extends keyof BoardFilters>(field: K, value: BoardFilters[K]) =>
    setFilters((current) => ({ ...current, [field]: value }));

  /** The changed task in place, wherever it was loaded (it stays until the list is read again). */
  const replace = (next: Task) => {
    first.patch((page) => ({ ...page, items: page.items.map((item) => (item.id === next.id ? next : item)) }));
    setPages((current) => current.map((page) => ({ ...page, items: replaceTaskIn(page.items, next) })));
  };

  const loadMore = async () => {
    if (!nextCursor) return;
    setLoadingMore(true);
    try {
      const page = await tasksApi.list({ ...boardQuery(filters), cursor: nextCursor });
      setPages((current) => [...current, page]);
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainLoad(reason) });
    } finally {
      setLoadingMore(false);
    }
  };

  const run = async (task: Task, action: () => Promise<string>, context: 'reassign' | 'cancel') => {
    setBusyId(task.id);
    setOutcome(null);
    try {
      setOutcome({ kind: 'ok', text: await action() });
      return true;
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainTaskError(reason, context) });
      // Someone may have completed or cancelled it meanwhile: show how it stands now.
      tasksApi.get(task.id).then(replace, () => undefined);
      return false;
    } finally {
      setBusyId(null);
    }
  };

  const reassign = (task: Task, staffId: string) =>
    void run(
      task,
      async () => {
        const next = await tasksApi.reassign(task.id, staffId);
        replace(next);
        return `已将「${next.title}」（${customerDisplayName(next.customer.name)}）转交给 ${nameOr(next.assignee, '—')}`;
      },
      'reassign',
    );

  const cancel = (task: Task, reason: string) =>
    run(
      task,
      async () => {
        const next = await tasksApi.cancel(task.id, reason || undefined);
        replace(next);
        return `已取消「${next.title}」（${customerDisplayName(next.customer.name)}）`;
      },
      'cancel',
    );

  const memberList = members.data;
  const { state } = first;

  return (
    <section className="card" aria-label="任务看板 Task board" data-testid="task-board">
      <div className="day__head">
        <h2 className="card__title">
          任务看板 <span className="muted small">Task board{first.data ? ` · ${items.length}` : ''}</span>
        </h2>
        <button type="button" className="link-button" data-testid="board-refresh" onClick={first.reload}>
          刷新
        </button>
      </div>
      <div className="row board__filters">
        <SelectInput
          inline
          ariaLabel="负责人 Assignee"
          testId="board-filter-assignee"
          empty="全部负责人 Everyone"
          options={[
            { id: 'me', label: '我的任务 Mine' },
            { id: 'unassigned', label: '未分配 Unassigned' },
            ...(memberList ?? []),
          ]}
          value={filters.assignee}
          onChange={(assignee) => setFilter('assignee', assignee)}
        />
        <SelectInput
          inline
          ariaLabel="状态 Status"
          testId="board-filter-status"
          empty="全部状态 All"
          options={STATUSES}
          labels={BOARD_STATUS_LABELS}
          value={filters.status}
          onChange={(status) => setFilter('status', status)}
        />
        <SelectInput
          inline
          ariaLabel="门店 Clinic"
          testId="board-filter-clinic"
          empty="全部门店 All clinics"
          options={clinics.clinics ?? []}
          value={filters.clinicId}
          onChange={(clinicId) => setFilter('clinicId', clinicId)}
        />
        <label className="row board__due">
          <span className="small muted">到期不晚于</span>
          <input
            className="input input--inline"
            type="date"
            aria-label="到期不晚于 Due by"
            data-testid="board-filter-due-by"
            value={filters.dueBy}
            onChange={(event) => setFilter('dueBy', event.target.value)}
          />
        </label>
        {filters.dueBy ? (
          <button type="button" className="link-button" onClick={() => setFilter('dueBy', '')}>
            清除日期
          </button>
        ) : null}
      </div>
      {members.state.status === 'failed' ? (
        <p className="field-error" role="alert">
          员工列表加载失败：{members.state.message}
        </p>
      ) : null}
      <OutcomeLine outcome={outcome} testId="board-outcome" />
      {state.status === 'failed' ? (
        <p className="field-error" role="alert">
          任务加载失败：{state.message}
        </p>
      ) : !first.data ? (
        <p className="muted">加载中… Loading</p>
      ) : !items.length ? (
        <p className="muted" data-testid="board-empty">
          没有符合条件的任务。 No tasks match.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table board" data-testid="board-table">
            <thead>
              <tr>
                <th>到期</th>
                <th>客户</th>
                <th>任务</th>
                <th>负责人</th>
                <th>状态</th>
                <th>结果</th>
                {manager ? <th>操作</th> : null}
              </tr>
            </thead>
            <tbody>
              {items.map((task) => {
                const phase = taskPhase({ status: task.status, overdue: isOverdue(task, now) });
                const actions = boardActions(task, staff);
                return (
                  <tr
                    key={task.id}
                    data-testid="board-row"
                    data-task-id={task.id}
                    data-status={task.status}
                    data-phase={phase}
                    aria-busy={busyId === task.id}
                  >
                    <td className="nowrap">
                      <span className={phase === 'overdue' ? 'task__due--overdue' : undefined}>
                        {dueText(task.dueAt, now)}
                      </span>
                      {phase === 'overdue' ? (
                        <div className="small task__due--overdue">{overdueText(task, now)}</div>
                      ) : null}
                    </td>
                    <td className="nowrap" data-testid="board-customer">
                      {customerDisplayName(task.customer.name)}
                    </td>
                    <td>
                      <div data-testid="board-title">{task.title}</div>
                      <div className="small muted">
                        {TASK_TYPE_LABELS[task.type]}
                        {task.priority !== 'normal' ? ` · ${PRIORITY_LABELS[task.priority]}优先` : ''}
                        {task.source.kind === 'journey' ? ' · 来自旅程' : ''}
                      </div>
                    </td>
                    <td className="nowrap" data-testid="board-assignee">
                      {task.assignee ? nameOr(task.assignee, '（已停用）') : <span className="muted">未分配</span>}
                    </td>
                    <td className="nowrap">
                      <span className={`status status--${PHASE_TONES[phase]}`} data-testid="board-status">
                        {PHASE_LABELS[phase]}
                      </span>
                    </td>
                    <td>
                      <ResultCell task={task} />
                    </td>
                    {manager ? (
                      <td>
                        {actions.reassign ? (
                          <TaskActions
                            candidates={memberList ? reassignCandidates(task, memberList) : null}
                            busy={busyId === task.id}
                            onReassign={(staffId) => reassign(task, staffId)}
                            onCancel={(reason) => cancel(task, reason)}
                          />
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <div className="row board__more">
          <button
            type="button"
            className="link-button"
            data-testid="board-more"
            disabled={loadingMore}
            onClick={() => void loadMore()}
          >
            {loadingMore ? '加载中…' : '加载更多 Load more'}
          </button>
        </div>
      ) : null}
    </section>
  );
}

/** Only where it already is (a page never gains another page's task). */
function replaceTaskIn(items: readonly Task[], next: Task): Task[] {
  return items.some((item) => item.id === next.id) ? replaceTask(items, next) : [...items];
}
