/**
 * The sidebar's two task forms, checked as the BFF checks them: a follow-up created by hand (type, title, due time on
 * the organisation's clock, priority, script; CreateTaskRequest) and a completion (outcome and note;
 * CompleteTaskRequest).
 */
import { dayKey, ORGANISATION_TIME_ZONE } from '../profile/format';
import { zonedToIso, type FormResult } from '../shell/forms';
import { TASK_TYPE_LABELS } from './labels';
import type { CompleteTaskRequest, CreateTaskRequest, TaskOutcome, TaskPriority, TaskType } from './types';

export const TASK_LIMITS = { title: 100, script: 2000, note: 1000 } as const;

export interface TaskDraft {
  type: TaskType;
  title: string;
  /** A datetime-local value on the organisation's clock. */
  dueAt: string;
  priority: TaskPriority;
  script: string;
}

export type TaskField = keyof TaskDraft;

/** Tomorrow at 10:00 on the organisation's clock: a follow-up is usually for the next day. */
export function defaultDueInput(now: Date, timeZone = ORGANISATION_TIME_ZONE): string {
  const tomorrow = dayKey(new Date(now.getTime() + 86_400_000), timeZone);
  return `${tomorrow}T10:00`;
}

export const emptyTaskDraft = (now: Date = new Date()): TaskDraft => ({
  type: 'follow_up_call',
  title: '',
  dueAt: defaultDueInput(now),
  priority: 'normal',
  script: '',
});

/** A key for one form's submissions, so a retried or double-clicked create answers the same task. */
export function newIdempotencyKey(random: () => number = Math.random): string {
  const part = () =>
    Math.floor(random() * 2 ** 32)
      .toString(36)
      .padStart(7, '0');
  return `sidebar:${part()}${part()}`;
}

/** Counted as the server counts (code points). */
const length = (text: string) => [...text].length;

/**
 * The create request for the customer; a blank title becomes the type's name. A due time already past is refused (a
 * minute's grace for the time it took to type).
 */
export function buildTaskRequest(
  draft: TaskDraft,
  customerId: string,
  now: Date,
  idempotencyKey: string,
  timeZone = ORGANISATION_TIME_ZONE,
): FormResult<CreateTaskRequest, TaskField> {
  const errors: Partial<Record<TaskField, string>> = {};
  const title = draft.title.trim() || TASK_TYPE_LABELS[draft.type];
  const script = draft.script.trim();
  if (length(title) > TASK_LIMITS.title) errors.title = `标题最多 ${TASK_LIMITS.title} 个字`;
  if (length(script) > TASK_LIMITS.script) errors.script = `话术最多 ${TASK_LIMITS.script} 个字`;
  const dueAt = draft.dueAt.trim() ? zonedToIso(draft.dueAt, timeZone) : null;
  if (!draft.dueAt.trim()) errors.dueAt = '请选择到期时间 Pick a due time';
  else if (!dueAt) errors.dueAt = '到期时间无效 Invalid date and time';
  else if (Date.parse(dueAt) < now.getTime() - 60_000) errors.dueAt = '到期时间不能早于现在 Due time is in the past';
  if (Object.keys(errors).length || !dueAt) return { ok: false, errors };
  return {
    ok: true,
    request: { customerId, type: draft.type, title, script, priority: draft.priority, dueAt, idempotencyKey },
  };
}

export interface CompleteDraft {
  outcome: TaskOutcome | '';
  note: string;
}

export type CompleteField = keyof CompleteDraft;

export const emptyCompleteDraft = (): CompleteDraft => ({ outcome: '', note: '' });

export function buildCompleteRequest(draft: CompleteDraft): FormResult<CompleteTaskRequest, CompleteField> {
  const errors: Partial<Record<CompleteField, string>> = {};
  const note = draft.note.trim();
  if (!draft.outcome) errors.outcome = '请选择回访结果 Pick an outcome';
  if (length(note) > TASK_LIMITS.note) errors.note = `备注最多 ${TASK_LIMITS.note} 个字`;
  if (Object.keys(errors).length || !draft.outcome) return { ok: false, errors };
  return { ok: true, request: { outcome: draft.outcome, note } };
}
