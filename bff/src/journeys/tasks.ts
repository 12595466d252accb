/**
 * The seam to the follow-up tasks domain: journeys create tasks through its `createTask` (idempotent by
 * `idempotencyKey`; journeys pass the execution key). Tests may plug another implementation in (e.g. one that
 * times out after creating the task, to check that a retry creates no second task).
 */
import { createTask as createTaskInTasks, type CreateTaskInput } from '../tasks/service';

export type { CreateTaskInput };
export type CreateTask = (input: CreateTaskInput) => Promise<{ id: string; created: boolean }>;

let implementation: CreateTask = (input) => createTaskInTasks(input);

/** Replaces the tasks service (tests); null restores it. */
export function useTaskService(create: CreateTask | null): void {
  implementation = create ?? ((input) => createTaskInTasks(input));
}

export function createTask(input: CreateTaskInput): Promise<{ id: string; created: boolean }> {
  return implementation(input);
}
