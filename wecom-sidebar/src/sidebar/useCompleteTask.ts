/** Completing a task from a sidebar list: one at a time, with what happened said on the task's row. */
import type { StaffProfile } from '@careloop/shared';
import { useCallback, useState } from 'react';
import { explainTaskError } from '../tasks/errors';
import { tasksApi } from '../tasks/runtime';
import { completionMessage } from '../tasks/taskView';
import type { CompleteTaskRequest, Task } from '../tasks/types';
import type { TaskMessage } from './TaskItem';

export function useCompleteTask(
  staff: StaffProfile,
  /**
   * The task as the server answered, or null when it failed (the list may be stale, e.g. the task was cancelled
   * meanwhile); `taskId` names the task either way.
   */
  onSettled: (task: Task | null, taskId: string) => void,
) {
  const [busyId, setBusyId] = useState<string | null>(null);
  const [message, setMessage] = useState<TaskMessage | null>(null);

  const complete = useCallback(
    async (task: Task, request: CompleteTaskRequest): Promise<boolean> => {
      setBusyId(task.id);
      setMessage(null);
      try {
        const next = await tasksApi.complete(task.id, request);
        setMessage({ id: task.id, ...completionMessage(next, staff.id, request) });
        onSettled(next, task.id);
        return true;
      } catch (reason) {
        setMessage({ id: task.id, kind: 'error', text: explainTaskError(reason, 'complete') });
        onSettled(null, task.id);
        return false;
      } finally {
        setBusyId(null);
      }
    },
    [staff.id, onSettled],
  );

  return { busyId, message, complete };
}
