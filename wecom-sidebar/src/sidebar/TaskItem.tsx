/**
 * One follow-up task in the sidebar: its type, title, due time (red once overdue), priority, who it is for, the
 * script to follow (expandable), and — for its assignee or a manager while it is open — 完成 with an outcome and a note.
 * Closed tasks show how they ended.
 */
import type { StaffProfile } from '@careloop/shared';
import { useState, type ReactNode } from 'react';
import { formatDateTime } from '../profile/format';
import { FieldError } from '../shell/Field';
import { useDraft } from '../shell/useDraft';
import {
  OUTCOME_LABELS,
  PHASE_LABELS,
  PHASE_TONES,
  PRIORITY_LABELS,
  TASK_OUTCOMES,
  TASK_TYPE_LABELS,
  type TaskPhase,
} from '../tasks/labels';
import { buildCompleteRequest, emptyCompleteDraft, TASK_LIMITS, type CompleteDraft } from '../tasks/taskForm';
import { canComplete, dueText, isOverdue, nameOr, overdueText } from '../tasks/taskView';
import type { CompleteTaskRequest, Task } from '../tasks/types';

export interface TaskMessage {
  id: string;
  kind: 'ok' | 'error';
  text: string;
}

function CompleteForm({
  busy,
  onSubmit,
  onClose,
}: {
  busy: boolean;
  onSubmit(request: CompleteTaskRequest): Promise<boolean>;
  onClose(): void;
}) {
  const { draft, errors, set, setErrors } = useDraft<CompleteDraft>(emptyCompleteDraft);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const result = buildCompleteRequest(draft);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    if (await onSubmit(result.request)) onClose();
  };
  return (
    <form
      className="task__complete"
      data-testid="task-complete-form"
      aria-label="完成任务 Complete"
      onSubmit={(event) => void submit(event)}
      noValidate
    >
      <div className="field" role="radiogroup" aria-label="回访结果 Outcome">
        <span className="field__label">回访结果 Outcome</span>
        <div className="task__outcomes">
          {TASK_OUTCOMES.map((outcome) => (
            <label
              key={outcome}
              className={`task__outcome${draft.outcome === outcome ? ' task__outcome--chosen' : ''}`}
            >
              <input
                type="radio"
                name="task-outcome"
                data-testid="task-outcome"
                value={outcome}
                checked={draft.outcome === outcome}
                onChange={() => set('outcome', outcome)}
              />
              {OUTCOME_LABELS[outcome]}
            </label>
          ))}
        </div>
        <FieldError message={errors.outcome} />
      </div>
      <label className="field">
        <span className="field__label">备注 Note</span>
        <textarea
          className="input task__note-input"
          data-testid="task-note"
          rows={3}
          maxLength={TASK_LIMITS.note + 10}
          placeholder="如：已电话沟通，下周复诊"
          value={draft.note}
          onChange={(event) => set('note', event.target.value)}
        />
        <FieldError message={errors.note} />
      </label>
      <div className="row">
        <button
          type="submit"
          className="button button--small button--primary"
          data-testid="task-complete-confirm"
          disabled={busy}
        >
          {busy ? '保存中…' : '确认完成'}
        </button>
        <button type="button" className="button button--small" disabled={busy} onClick={onClose}>
          返回
        </button>
      </div>
    </form>
  );
}

export function TaskItem({
  task,
  staff,
  now,
  busy,
  message,
  customer,
  onComplete,
}: {
  task: Task;
  staff: StaffProfile;
  now: Date;
  busy: boolean;
  message: TaskMessage | null;
  /** Who the task is about, when the list is not one customer's (today's tasks). */
  customer?: ReactNode;
  onComplete(request: CompleteTaskRequest): Promise<boolean>;
}) {
  const [completing, setCompleting] = useState(false);
  const overdue = isOverdue(task, now);
  const phase: TaskPhase = task.status === 'open' && overdue ? 'overdue' : task.status;
  const completable = canComplete(task, staff);
  const late = overdueText(task, now);

  return (
    <li
      className={`task task--${phase}`}
      data-testid="task-row"
      data-task-id={task.id}
      data-status={task.status}
      data-overdue={overdue}
      aria-busy={busy}
    >
      <div className="task__top">
        <span className="task__type" data-testid="task-type">
          {TASK_TYPE_LABELS[task.type]}
        </span>
        <span className="task__title" data-testid="task-title">
          {task.title}
        </span>
        <span className={`status status--${PHASE_TONES[phase]}`} data-testid="task-status" data-phase={phase}>
          {PHASE_LABELS[phase]}
        </span>
      </div>
      {customer ? <div className="task__customer">{customer}</div> : null}
      <div className="task__meta small">
        <time
          className={overdue ? 'task__due task__due--overdue' : 'task__due'}
          dateTime={task.dueAt}
          data-testid="task-due"
        >
          {dueText(task.dueAt, now)}
          {late ? ` · ${late}` : ''}
        </time>
        {task.priority !== 'normal' ? (
          <span className={`task__priority task__priority--${task.priority}`}>
            {PRIORITY_LABELS[task.priority]}优先
          </span>
        ) : null}
        {task.assignee?.id !== staff.id ? (
          <span className="muted">负责人：{task.assignee ? nameOr(task.assignee, '已停用员工') : '未分配'}</span>
        ) : null}
        {task.source.kind === 'journey' ? <span className="muted">来自旅程</span> : null}
      </div>
      {task.script ? (
        <details className="task__script">
          <summary data-testid="task-script-toggle">话术 Script</summary>
          <p data-testid="task-script">{task.script}</p>
        </details>
      ) : null}
      {task.status === 'completed' && task.outcome ? (
        <p className="task__result small" data-testid="task-result">
          <span className="task__result-outcome">{OUTCOME_LABELS[task.outcome]}</span>
          {task.note ? <span> · {task.note}</span> : null}
          <span className="muted">
            {' '}
            · {nameOr(task.completedBy, '')} {formatDateTime(task.completedAt)}
          </span>
        </p>
      ) : null}
      {task.status === 'cancelled' ? (
        <p className="task__result small muted">
          已取消 {formatDateTime(task.cancelledAt)}
          {task.cancelReason ? ` · ${task.cancelReason}` : ''}
        </p>
      ) : null}
      {completable && !completing ? (
        <div className="row task__actions">
          <button
            type="button"
            className="button button--small button--primary"
            data-testid="task-complete"
            disabled={busy}
            onClick={() => setCompleting(true)}
          >
            完成
          </button>
        </div>
      ) : null}
      {task.status === 'open' && !completable ? (
        <p className="muted small">只有负责人或店长可以完成这个任务。</p>
      ) : null}
      {completable && completing ? (
        <CompleteForm busy={busy} onSubmit={onComplete} onClose={() => setCompleting(false)} />
      ) : null}
      {message ? (
        <p
          className={message.kind === 'ok' ? 'task__message small' : 'field-error'}
          role={message.kind === 'ok' ? 'status' : 'alert'}
          data-testid="task-message"
          data-state={message.kind}
        >
          {message.text}
        </p>
      ) : null}
    </li>
  );
}
