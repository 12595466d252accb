/**
 * What the signed-in staff member may do with a meeting now, and why not when they may not — the rules the BFF
 * enforces (bff/src/meetings/workflow.ts): the creator and managers run a meeting (edit, submit, publish, finish,
 * cancel); only a manager or admin who did not create it approves or rejects it; the start must be ahead to submit,
 * and have come to finish. A disabled button shows its reason.
 */
import type { StaffRole } from '@careloop/shared';
import type { MeetingStatus, StaffMeeting } from './types';

export type MeetingAction = 'edit' | 'submit' | 'approve' | 'reject' | 'publish' | 'finish' | 'cancel';

export type ActionState = { allowed: true } | { allowed: false; reason: string };

type Staff = { id: string; roles: readonly StaffRole[] };
type Meeting = Pick<StaffMeeting, 'status' | 'startsAt' | 'createdBy'>;

const isManager = (staff: Staff) => staff.roles.includes('manager') || staff.roles.includes('admin');
const runs = (meeting: Meeting, staff: Staff) => meeting.createdBy.id === staff.id || isManager(staff);
const allowed: ActionState = { allowed: true };
const no = (reason: string): ActionState => ({ allowed: false, reason });

const NOT_RUNNER = '只有会议创建人或店长可以操作 Only the creator or a manager';
const CANCELLABLE: MeetingStatus[] = ['draft', 'submitted', 'approved', 'rejected', 'published'];

/** The approval queue's rule, alone: whether this staff member may decide on this meeting. */
export function decisionState(meeting: Meeting, staff: Staff): ActionState {
  if (!isManager(staff)) return no('只有店长或管理员可以审批 Only managers and admins approve');
  if (meeting.createdBy.id === staff.id) {
    return no('您是本会议的创建人，不能审批自己的会议，请由另一位店长或管理员审批 The creator cannot approve');
  }
  if (meeting.status !== 'submitted') return no('会议不在待审批状态 Not awaiting a decision');
  return allowed;
}

export function actionState(
  action: MeetingAction,
  meeting: Meeting,
  staff: Staff,
  now: Date = new Date(),
): ActionState {
  const started = now.getTime() >= Date.parse(meeting.startsAt);
  switch (action) {
    case 'approve':
    case 'reject':
      return decisionState(meeting, staff);
    case 'edit':
      if (!runs(meeting, staff)) return no(NOT_RUNNER);
      if (meeting.status === 'finished' || meeting.status === 'cancelled') return no('已结束或已取消的会议不能修改');
      return allowed;
    case 'submit':
      if (!runs(meeting, staff)) return no(NOT_RUNNER);
      if (meeting.status !== 'draft') return no('只有草稿可以提交审批 Only a draft can be submitted');
      if (started) return no('开始时间已过，请先修改时间 The start has passed');
      return allowed;
    case 'publish':
      if (!runs(meeting, staff)) return no(NOT_RUNNER);
      if (meeting.status === 'rejected') return no('已驳回：请修改后重新提交审批 Rejected: edit and resubmit');
      if (meeting.status !== 'approved') return no('审批通过后才能发布 Needs approval first');
      return allowed;
    case 'finish':
      if (!runs(meeting, staff)) return no(NOT_RUNNER);
      if (meeting.status !== 'published') return no('只有已发布的会议可以结束');
      if (!started) return no('会议尚未开始 Not started yet');
      return allowed;
    case 'cancel':
      if (!runs(meeting, staff)) return no(NOT_RUNNER);
      if (!CANCELLABLE.includes(meeting.status)) return no('已结束或已取消 Already over');
      return allowed;
  }
}

/** The buttons the detail shows for the meeting's state (each may still be disabled, with its reason). */
export function visibleActions(meeting: Pick<StaffMeeting, 'status'>): MeetingAction[] {
  switch (meeting.status) {
    case 'draft':
      return ['edit', 'submit', 'cancel'];
    case 'submitted':
      return ['approve', 'reject', 'edit', 'cancel'];
    case 'approved':
      return ['publish', 'edit', 'cancel'];
    case 'rejected':
      return ['edit', 'cancel'];
    case 'published':
      return ['finish', 'edit', 'cancel'];
    case 'finished':
    case 'cancelled':
      return [];
  }
}

/** The latest rejection's reason, shown on a rejected meeting (what to change before resubmitting). */
export function latestRejection(meeting: Pick<StaffMeeting, 'decisions'>) {
  const rejected = meeting.decisions.filter((decision) => decision.decision === 'rejected');
  return rejected[rejected.length - 1] ?? null;
}
