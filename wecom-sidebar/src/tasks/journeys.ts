/**
 * The journeys a customer is in, as the sidebar shows them: active ones first (where they are and when the next step
 * runs), then the ones they finished or left, and why.
 */
import { eventLabel } from '../profile/eventLabels';
import { ENROLMENT_STATE_LABELS, ENROLMENT_STATUS_LABELS, STEP_TYPE_LABELS } from './labels';
import { dueText } from './taskView';
import type { JourneyEnrolment } from './types';

export function splitEnrolments(items: readonly JourneyEnrolment[]) {
  const current = items.filter((item) => item.status === 'active' || item.status === 'parked');
  return { current, past: items.filter((item) => !current.includes(item)) };
}

const EXIT_REASONS: Record<string, string> = {
  completed: '走完全部步骤',
  exit_step: '到达退出步骤',
  manual: '被手动移出',
  archived: '旅程已归档',
  merged: '客户档案已合并',
  erased: '客户数据已删除',
};

/** `completed`, `event:appointment.booked` … in words; the event that ended it by its label (`因「预约」退出`). */
export function exitReasonText(reason: string | null): string {
  if (!reason) return '';
  if (reason.startsWith('event:')) return `因「${eventLabel(reason.slice('event:'.length))}」退出`;
  return EXIT_REASONS[reason] ?? reason;
}

/** Where the customer is: `当前步骤「回访电话」 · 等待中 · 明天 10:00 执行`, or how it ended. */
export function enrolmentWhere(item: JourneyEnrolment, now: Date): string {
  const step = item.step ? `「${item.step.name?.trim() || STEP_TYPE_LABELS[item.step.type]}」` : '';
  if (item.status === 'completed' || item.status === 'exited') {
    const why = exitReasonText(item.exitReason);
    return [ENROLMENT_STATUS_LABELS[item.status], why, step && `止于${step}`].filter(Boolean).join(' · ');
  }
  const parts = [step ? `当前步骤${step}` : '', ENROLMENT_STATE_LABELS[item.state]];
  if (item.status === 'parked') parts.push(item.error ? `出错：${item.error}` : '出错已暂停');
  else if (item.state === 'waiting' && item.dueAt) parts.push(`${dueText(item.dueAt, now)} 执行`);
  return parts.filter(Boolean).join(' · ');
}
