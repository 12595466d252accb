/**
 * 回访任务 in the 360° view: the customer's open tasks, earliest due first (overdue in red), each completed here with an
 * outcome and a note; a follow-up created by hand (type, title, due time, priority, script), assigned by the server to
 * the customer's owner; and, folded away, the tasks already completed or cancelled. After a change the timeline loads
 * again (completing and creating are timeline events).
 */
import type { StaffProfile } from '@careloop/shared';
import { useCallback, useMemo, useState } from 'react';
import { FieldError, SelectField } from '../shell/Field';
import { useNow } from '../shell/useNow';
import { useDraft } from '../shell/useDraft';
import { useResource } from '../shell/useResource';
import { explainTaskError } from '../tasks/errors';
import { PRIORITY_LABELS, TASK_PRIORITIES, TASK_TYPE_LABELS, TASK_TYPES } from '../tasks/labels';
import { tasksApi } from '../tasks/runtime';
import {
  buildTaskRequest,
  emptyTaskDraft,
  newIdempotencyKey,
  TASK_LIMITS,
  type TaskDraft,
  type TaskField,
} from '../tasks/taskForm';
import { nameOr, replaceTask, splitTasks } from '../tasks/taskView';
import type { Task } from '../tasks/types';
import { TaskItem } from './TaskItem';
import { useCompleteTask } from './useCompleteTask';

function NewTaskForm({
  customerId,
  onCreated,
  onClose,
}: {
  customerId: string;
  onCreated(task: Task): void;
  onClose(): void;
}) {
  const { draft, errors, set, bind, setErrors } = useDraft<TaskDraft, TaskField>(() => emptyTaskDraft(new Date()));
  // One key per form: a retried or double-clicked submit answers the same task.
  const [key] = useState(() => newIdempotencyKey());
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const result = buildTaskRequest(draft, customerId, new Date(), key);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setSaving(true);
    try {
      onCreated(await tasksApi.create(result.request));
      onClose();
    } catch (reason) {
      setFailure(explainTaskError(reason, 'create'));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="task-form" data-testid="task-form" onSubmit={(event) => void submit(event)} noValidate>
      <fieldset className="task-form__fields" disabled={saving}>
        <div className="task-form__grid">
          <SelectField
            label="类型 Type"
            testId="task-form-type"
            options={TASK_TYPES}
            labels={TASK_TYPE_LABELS}
            {...bind('type')}
          />
          <SelectField
            label="优先级 Priority"
            testId="task-form-priority"
            options={TASK_PRIORITIES}
            labels={PRIORITY_LABELS}
            {...bind('priority')}
          />
        </div>
        <label className="field">
          <span className="field__label">标题 Title</span>
          <input
            className="input"
            data-testid="task-form-title"
            maxLength={TASK_LIMITS.title + 10}
            placeholder={`留空则为「${TASK_TYPE_LABELS[draft.type]}」`}
            value={draft.title}
            onChange={(event) => set('title', event.target.value)}
          />
          <FieldError message={errors.title} />
        </label>
        <label className="field">
          <span className="field__label">到期时间 Due</span>
          <input
            className="input"
            type="datetime-local"
            data-testid="task-form-due"
            value={draft.dueAt}
            onChange={(event) => set('dueAt', event.target.value)}
          />
          <FieldError message={errors.dueAt} />
        </label>
        <label className="field">
          <span className="field__label">
            话术 Script <span className="muted">（可选）</span>
          </span>
          <textarea
            className="input task__note-input"
            data-testid="task-form-script"
            rows={3}
            maxLength={TASK_LIMITS.script + 10}
            value={draft.script}
            onChange={(event) => set('script', event.target.value)}
          />
          <FieldError message={errors.script} />
        </label>
      </fieldset>
      <div className="row">
        <button type="submit" className="button button--small button--primary" data-testid="task-form-submit">
          {saving ? '创建中…' : '创建任务'}
        </button>
        <button type="button" className="button button--small" disabled={saving} onClick={onClose}>
          取消
        </button>
      </div>
      {failure ? (
        <p className="field-error" role="alert" data-testid="task-form-error">
          {failure}
        </p>
      ) : null}
    </form>
  );
}

export function Tasks({
  customerId,
  staff,
  onChanged,
}: {
  customerId: string;
  staff: StaffProfile;
  /** A task was created or completed: the timeline has a new event. */
  onChanged(): void;
}) {
  const tasks = useResource(
    `tasks:${customerId}`,
    () => tasksApi.customerTasks(customerId),
    (reason) => explainTaskError(reason, 'load'),
  );
  const now = useNow(30_000);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [showClosed, setShowClosed] = useState(false);
  // Tasks completed (or tried) here stay in place, with what happened, until the customer changes.
  const [recent, setRecent] = useState<ReadonlySet<string>>(() => new Set());
  const { patch, reload } = tasks;

  const settled = useCallback(
    (task: Task | null, taskId: string) => {
      setRecent((current) => new Set(current).add(taskId));
      if (task) patch((list) => replaceTask(list, task));
      else reload();
      onChanged();
    },
    [patch, reload, onChanged],
  );
  const completion = useCompleteTask(staff, settled);
  const groups = useMemo(() => {
    const { open, closed } = splitTasks(tasks.data ?? []);
    return {
      open,
      done: closed.filter((task) => recent.has(task.id)),
      closed: closed.filter((task) => !recent.has(task.id)),
    };
  }, [tasks.data, recent]);
  const { state } = tasks;

  const row = (task: Task) => (
    <TaskItem
      key={task.id}
      task={task}
      staff={staff}
      now={now}
      busy={completion.busyId === task.id}
      message={completion.message?.id === task.id ? completion.message : null}
      onComplete={(request) => completion.complete(task, request)}
    />
  );

  return (
    <section className="card tasks" aria-label="回访任务 Tasks" data-testid="tasks">
      <div className="appointments__head">
        <h2 className="card__title">
          回访任务 <span className="muted small">Tasks{groups.open.length ? ` · ${groups.open.length}` : ''}</span>
        </h2>
        <div className="row">
          <button
            type="button"
            className="link-button"
            data-testid="tasks-refresh"
            disabled={state.status === 'loading'}
            onClick={reload}
          >
            刷新
          </button>
          {!creating ? (
            <button
              type="button"
              className="link-button"
              data-testid="task-new"
              onClick={() => {
                setCreated(null);
                setCreating(true);
              }}
            >
              + 新建
            </button>
          ) : null}
        </div>
      </div>
      {creating ? (
        <NewTaskForm
          customerId={customerId}
          onCreated={(task) => {
            patch((list) => replaceTask(list, task));
            setCreated(`已创建「${task.title}」，负责人：${task.assignee ? nameOr(task.assignee, '—') : '未分配'}`);
            onChanged();
          }}
          onClose={() => setCreating(false)}
        />
      ) : null}
      {created ? (
        <p className="task__message small" role="status" data-testid="task-created">
          {created}
        </p>
      ) : null}
      {state.status === 'loading' || state.status === 'idle' ? (
        <p className="muted small">加载中… Loading</p>
      ) : state.status === 'failed' ? (
        <p className="field-error" role="alert">
          任务加载失败：{state.message}{' '}
          <button type="button" className="link-button" onClick={reload}>
            重试 Retry
          </button>
        </p>
      ) : (
        <>
          {groups.open.length || groups.done.length ? (
            <ol className="tasks__list" data-testid="tasks-open">
              {groups.open.map(row)}
              {groups.done.map(row)}
            </ol>
          ) : (
            <p className="muted small" data-testid="tasks-empty">
              暂无待办任务 No open tasks
            </p>
          )}
          {groups.closed.length ? (
            <>
              <button
                type="button"
                className="link-button"
                data-testid="tasks-show-closed"
                onClick={() => setShowClosed((value) => !value)}
              >
                {showClosed ? '收起已完成 / 已取消' : `显示已完成 / 已取消 ${groups.closed.length} 条`}
              </button>
              {showClosed ? (
                <ol className="tasks__list tasks__list--closed" data-testid="tasks-closed">
                  {groups.closed.map(row)}
                </ol>
              ) : null}
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
