/**
 * A step in one line for its node (`等待 1 天`, `任务「失约回访」· 4 小时内`, `是否发生「预约」`), who may change
 * journeys, and what a save or an action did, in words.
 */
import type { StaffRole } from '@careloop/shared';
import { SUBSCRIBE_TEMPLATES } from '@careloop/shared/subscribe-templates';
import { EVENT_LABELS } from '../profile/eventLabels';
import { TASK_TYPE_LABELS } from '../tasks/labels';
import { WEEKDAY_LABELS } from './labels';
import type { Journey, JourneyDefinition, JourneyStep } from './types';

type Staff = { id: string; roles: readonly StaffRole[] } | null | undefined;

/** Creating, editing, enabling, pausing, archiving and reviewing (`MANAGERS` on the BFF) admit managers and admins. */
export function canManageJourneys(staff: Staff): boolean {
  return !!staff && staff.roles.some((role) => role === 'manager' || role === 'admin');
}

export interface NameLookup {
  staff?(id: string): string | null;
  coupon?(id: string): string | null;
}

function durationText(duration: { days?: number; hours?: number; minutes?: number }): string {
  const parts = [
    duration.days ? `${duration.days} 天` : '',
    duration.hours ? `${duration.hours} 小时` : '',
    duration.minutes ? `${duration.minutes} 分钟` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

const eventName = (type: string) => (EVENT_LABELS as Record<string, string>)[type] ?? type;

/** What the step does, in one line. */
export function stepSummary(step: JourneyStep, names: NameLookup = {}): string {
  switch (step.type) {
    case 'wait': {
      const parts: string[] = [];
      if (step.duration) parts.push(`等待 ${durationText(step.duration)}`);
      if (step.until) {
        const days = step.until.weekdays?.length
          ? step.until.weekdays.map((day) => WEEKDAY_LABELS[day - 1]).join('、')
          : '';
        parts.push(`${parts.length ? '再' : ''}等到${days ? `${days} ` : ''}${step.until.time}`);
      }
      return parts.join('，') || '等待';
    }
    case 'branch':
      return step.condition.kind === 'event'
        ? `进入后是否发生「${eventName(step.condition.event)}」${step.condition.where?.length ? '（带条件）' : ''}`
        : '是否符合规则';
    case 'send_subscribe_message':
      return `订阅消息「${SUBSCRIBE_TEMPLATES[step.template]?.title ?? step.template}」`;
    case 'send_wecom_message':
      return `请负责人转发「${step.title || '…'}」`;
    case 'send_sms':
      return `短信 ${step.templateCode || '（未填模板）'}`;
    case 'issue_coupon':
      return `发券「${names.coupon?.(step.couponTemplateId) ?? (step.couponTemplateId || '未选择')}」`;
    case 'add_tag':
      return `打上「${step.tag || '…'}」`;
    case 'remove_tag':
      return `移除「${step.tag || '…'}」`;
    case 'create_task': {
      const who = step.assigneeStaffId ? (names.staff?.(step.assigneeStaffId) ?? '指定员工') : '负责人';
      return `${TASK_TYPE_LABELS[step.taskType]}「${step.title || '…'}」给${who} · ${step.dueInHours} 小时内`;
    }
    case 'notify_staff': {
      const who = step.staffId ? (names.staff?.(step.staffId) ?? '指定员工') : '负责人';
      return `通知${who}「${step.title || '…'}」`;
    }
    case 'exit':
      return '离开旅程';
  }
}

/** After a save: a new version when the journey was ever enabled (customers inside stay on theirs), else the draft. */
export function savedText(before: Pick<Journey, 'version'>, after: Pick<Journey, 'version' | 'liveVersion'>): string {
  if (after.version > before.version) {
    return `已保存为新版本 v${after.version}：新进入的客户走新版本，已在旅程中的客户继续走进入时的版本。`;
  }
  return `已保存（v${after.version}）。`;
}

/** `v3`, or `v3 · 线上 v2` when customers still enter an older version (a paused journey's). */
export function versionText(journey: Pick<Journey, 'version' | 'liveVersion'>): string {
  return journey.liveVersion !== null && journey.liveVersion !== journey.version
    ? `v${journey.version} · 线上 v${journey.liveVersion}`
    : `v${journey.version}`;
}

/** The policies in short, for the entry node: `30 天后可再进入 · 预约即退出 · 静默 21:00–08:00 · 30 天最多 4 条`. */
export function settingsNotes(
  definition: Pick<JourneyDefinition, 'reEntry' | 'exitOn' | 'quietHours' | 'frequencyCap'>,
): string[] {
  const notes: string[] = [];
  const { reEntry } = definition;
  if (reEntry.policy === 'after_days') notes.push(`${reEntry.days} 天后可再进入`);
  else if (reEntry.policy === 'always') notes.push('可重复进入');
  if (definition.exitOn.length) {
    notes.push(`${definition.exitOn.map((filter) => eventName(filter.event)).join('、')}即退出`);
  }
  if (definition.quietHours) notes.push(`静默 ${definition.quietHours.start}–${definition.quietHours.end}`);
  if (definition.frequencyCap) {
    notes.push(`${definition.frequencyCap.days} 天最多 ${definition.frequencyCap.max} 条`);
  }
  return notes;
}
