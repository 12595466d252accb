/** Names of task types, priorities, outcomes and states, handover contact states and journey steps, as staff read them. */
import type { HandoverContactState, JourneyEnrolment, TaskOutcome, TaskPriority, TaskStatus, TaskType } from './types';
import { TASK_OUTCOME_LABELS, TASK_TYPE_LABELS } from '@careloop/shared/words';

export type Tone = 'pending' | 'ok' | 'done' | 'bad' | 'off';

export { TASK_TYPE_LABELS };

export const TASK_TYPES = Object.keys(TASK_TYPE_LABELS) as TaskType[];

export const PRIORITY_LABELS: Record<TaskPriority, string> = { high: '高', normal: '普通', low: '低' };
export const TASK_PRIORITIES: TaskPriority[] = ['high', 'normal', 'low'];

export const OUTCOME_LABELS = TASK_OUTCOME_LABELS;

export const TASK_OUTCOMES = Object.keys(OUTCOME_LABELS) as TaskOutcome[];

/** A task's state as one badge: open tasks past due are `overdue`. */
export type TaskPhase = 'open' | 'overdue' | 'completed' | 'cancelled';

export const PHASE_LABELS: Record<TaskPhase, string> = {
  open: '待完成',
  overdue: '已逾期',
  completed: '已完成',
  cancelled: '已取消',
};

export const PHASE_TONES: Record<TaskPhase, Tone> = {
  open: 'ok',
  overdue: 'bad',
  completed: 'done',
  cancelled: 'off',
};

export const BOARD_STATUS_LABELS: Record<TaskPhase, string> = {
  open: '未完成（含逾期）',
  overdue: '已逾期',
  completed: '已完成',
  cancelled: '已取消',
};

export const taskPhase = (task: { status: TaskStatus; overdue: boolean }): TaskPhase =>
  task.status === 'open' && task.overdue ? 'overdue' : task.status;

export const HANDOVER_STATE_LABELS: Record<HandoverContactState, string> = {
  pending: '待发起',
  sending: '发起中',
  waiting: '等待接替',
  success: '接替成功',
  refused: '客户拒绝',
  limit_exceeded: '接替人客户数已满',
  failed: '失败',
};

/** What each state means, for the handover page's tooltips and the unfinished contacts' lines. */
export const HANDOVER_STATE_HINTS: Record<HandoverContactState, string> = {
  pending: '尚未提交给企业微信',
  sending: '已提交企业微信，还没有收到结果',
  waiting: '企业微信将在 24 小时后自动完成接替（客户可拒绝）',
  success: '已由接替人接手',
  refused: '客户拒绝了接替',
  limit_exceeded: '接替人的客户数已达上限',
  failed: '企业微信拒绝接替这位客户',
};

export const HANDOVER_STATE_TONES: Record<HandoverContactState, Tone> = {
  pending: 'off',
  sending: 'pending',
  waiting: 'pending',
  success: 'done',
  refused: 'bad',
  limit_exceeded: 'bad',
  failed: 'bad',
};

export const HANDOVER_STATES = Object.keys(HANDOVER_STATE_LABELS) as HandoverContactState[];

type StepType = NonNullable<JourneyEnrolment['step']>['type'];

export const STEP_TYPE_LABELS: Record<StepType, string> = {
  wait: '等待',
  branch: '条件分支',
  send_subscribe_message: '发送订阅消息',
  send_wecom_message: '企微群发任务',
  send_sms: '发送短信',
  issue_coupon: '发放优惠券',
  add_tag: '添加标签',
  remove_tag: '移除标签',
  create_task: '创建回访任务',
  notify_staff: '通知员工',
  exit: '退出',
};

export const ENROLMENT_STATUS_LABELS: Record<JourneyEnrolment['status'], string> = {
  active: '进行中',
  completed: '已完成',
  exited: '已退出',
  parked: '已暂停（出错）',
};

export const ENROLMENT_STATE_LABELS: Record<JourneyEnrolment['state'], string> = {
  waiting: '等待中',
  running: '执行中',
  held: '旅程已暂停',
  in_doubt: '待人工确认',
  ended: '已结束',
};

export const ENROLMENT_TONES: Record<JourneyEnrolment['status'], Tone> = {
  active: 'ok',
  completed: 'done',
  exited: 'off',
  parked: 'bad',
};
