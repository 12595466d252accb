/**
 * Follow-up figures per staff member and per clinic, for managers: computed on request with one aggregation over
 * the tasks due in the window (the `(organisationId, dueAt)` index), grouped by (assignee, clinic); the per-staff,
 * per-clinic and total rows are folded from those groups. Definitions (see TaskFigures in shared/src/tasks.ts):
 *   - assigned: tasks due in [from, to) that were not cancelled, counted for their current assignee and the clinic
 *     the task was created for;
 *   - completed; completedOnTime: completed no later than the due time; overdue: still open and due before `now`;
 *   - completionRate = completed / assigned, onTimeRate = completedOnTime / assigned (null when nothing assigned);
 *   - medianMinutesToComplete: the median of (completedAt − createdAt) over the completed tasks.
 * The durations travel as one list per group (bounded by the window: a clinic's tasks of a few months), because
 * a median cannot be folded from counters; MongoDB's $median needs 7.0 and the test server has none.
 */
import { Types } from 'mongoose';
import type { TaskFigures, TaskStats } from '@careloop/shared';
import { listClinics } from '../organisations/service';
import { staffNamesById } from '../staff/service';
import { TaskModel } from './model';

const DAY_MS = 86_400_000;
export const DEFAULT_STATS_DAYS = 30;

interface Group {
  _id: { assignee: Types.ObjectId | null; clinic: Types.ObjectId | null };
  assigned: number;
  completed: number;
  completedOnTime: number;
  overdue: number;
  durations: (number | null)[];
}

interface Tally {
  assigned: number;
  completed: number;
  completedOnTime: number;
  overdue: number;
  durations: number[];
}

const emptyTally = (): Tally => ({ assigned: 0, completed: 0, completedOnTime: 0, overdue: 0, durations: [] });

function add(tally: Tally, group: Group) {
  tally.assigned += group.assigned;
  tally.completed += group.completed;
  tally.completedOnTime += group.completedOnTime;
  tally.overdue += group.overdue;
  for (const duration of group.durations) if (typeof duration === 'number') tally.durations.push(duration);
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const ratio = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) / 10_000 : null);

function figures(tally: Tally): TaskFigures {
  const minutes = median(tally.durations);
  return {
    assigned: tally.assigned,
    completed: tally.completed,
    completedOnTime: tally.completedOnTime,
    overdue: tally.overdue,
    completionRate: ratio(tally.completed, tally.assigned),
    onTimeRate: ratio(tally.completedOnTime, tally.assigned),
    medianMinutesToComplete: minutes === null ? null : Math.round((minutes / 60_000) * 10) / 10,
  };
}

/** Best completion rate first, then most assigned. */
const byRate = (a: TaskFigures, b: TaskFigures) =>
  (b.completionRate ?? -1) - (a.completionRate ?? -1) || b.assigned - a.assigned;

export async function taskStats(
  organisationId: string,
  query: { from?: string; to?: string; clinicId?: string },
  now = new Date(),
): Promise<TaskStats> {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_STATS_DAYS * DAY_MS);
  const org = new Types.ObjectId(organisationId);
  const completed = { $eq: ['$status', 'completed'] };
  const groups = await TaskModel.aggregate<Group>([
    {
      $match: {
        organisationId: org,
        dueAt: { $gte: from, $lt: to },
        status: { $ne: 'cancelled' },
        ...(query.clinicId && { clinicId: new Types.ObjectId(query.clinicId) }),
      },
    },
    {
      $group: {
        _id: { assignee: '$assigneeStaffId', clinic: '$clinicId' },
        assigned: { $sum: 1 },
        completed: { $sum: { $cond: [completed, 1, 0] } },
        completedOnTime: { $sum: { $cond: [{ $and: [completed, { $lte: ['$completedAt', '$dueAt'] }] }, 1, 0] } },
        overdue: {
          $sum: { $cond: [{ $and: [{ $eq: ['$status', 'open'] }, { $lt: ['$dueAt', now] }] }, 1, 0] },
        },
        durations: { $push: { $cond: [completed, { $subtract: ['$completedAt', '$createdAt'] }, null] } },
      },
    },
  ]);

  const total = emptyTally();
  const staff = new Map<string | null, Tally>();
  const clinics = new Map<string | null, Tally>();
  for (const group of groups) {
    add(total, group);
    const staffKey = group._id.assignee ? String(group._id.assignee) : null;
    const clinicKey = group._id.clinic ? String(group._id.clinic) : null;
    if (!staff.has(staffKey)) staff.set(staffKey, emptyTally());
    if (!clinics.has(clinicKey)) clinics.set(clinicKey, emptyTally());
    add(staff.get(staffKey)!, group);
    add(clinics.get(clinicKey)!, group);
  }

  const staffIds = [...staff.keys()].filter((id): id is string => id !== null);
  const [staffNames, clinicList] = await Promise.all([
    staffIds.length ? staffNamesById(organisationId, staffIds) : new Map<string, string>(),
    listClinics(organisationId),
  ]);
  const clinicNames = new Map(clinicList.map((clinic) => [clinic.id, clinic.name]));
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    at: now.toISOString(),
    byStaff: [...staff.entries()]
      .map(([id, tally]) => ({ staff: id ? { id, name: staffNames.get(id) ?? null } : null, ...figures(tally) }))
      .sort(byRate),
    byClinic: [...clinics.entries()]
      .map(([id, tally]) => ({ clinic: id ? { id, name: clinicNames.get(id) ?? null } : null, ...figures(tally) }))
      .sort(byRate),
    total: figures(total),
  };
}
