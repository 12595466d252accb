/**
 * One step as the builder's side panel edits it: a draft of texts per step type, made from a step and back into one
 * (with the checks a form can make itself: required texts, whole numbers, `key=value` lines, a rule's JSON). The
 * server checks the rest when the definition is validated, and its issues land on the same fields
 * (`STEP_FIELD_PATHS`).
 */
import {
  SUBSCRIBE_TEMPLATES,
  subscribeFieldMaxLength,
  type SubscribeTemplateKey,
} from '@careloop/shared/subscribe-templates';
import { EVENT_LABELS } from '../profile/eventLabels';
import { wholeNumber, type FieldErrors } from '../shell/forms';
import { buildFilters, filterDrafts, type FilterDraft } from './filters';
import type { EventType, JourneyStep, JourneyStepType, TagRule } from './types';

export type TaskType = Extract<JourneyStep, { type: 'create_task' }>['taskType'];
export type TaskPriority = Extract<JourneyStep, { type: 'create_task' }>['priority'];

export interface StepDraft {
  type: JourneyStepType;
  name: string;
  /** The step after (a step id; '' ends the journey); a branch's yes and no. */
  next: string;
  yes: string;
  no: string;
  // wait
  days: string;
  hours: string;
  minutes: string;
  untilTime: string;
  untilWeekdays: number[];
  // branch
  conditionKind: 'event' | 'rule';
  conditionEvent: string;
  conditionWhere: FilterDraft[];
  /** A tag-language rule as JSON. */
  conditionRule: string;
  // send_subscribe_message
  template: SubscribeTemplateKey;
  page: string;
  /** The template's fields by name (`thing1`…); fields of another template chosen before are left out. */
  data: Record<string, string>;
  // send_wecom_message, create_task, notify_staff
  title: string;
  text: string;
  dueInHours: string;
  // send_sms
  templateCode: string;
  signName: string;
  /** `name=…` lines. */
  params: string;
  // issue_coupon
  couponTemplateId: string;
  // add_tag, remove_tag
  tag: string;
  // create_task
  taskType: TaskType;
  script: string;
  priority: TaskPriority;
  /** '' : the customer's owner. */
  assigneeStaffId: string;
  // notify_staff ('' : the owner)
  staffId: string;
  marketing: boolean;
}

export type StepField = keyof StepDraft;
export type StepErrors = FieldErrors<StepField>;

/** The definition paths (within a step) each field's issues arrive at. */
export const STEP_FIELD_PATHS: Partial<Record<StepField, string[]>> = {
  name: ['name'],
  next: ['next'],
  yes: ['yes'],
  no: ['no'],
  days: ['duration'],
  hours: [],
  minutes: [],
  untilTime: ['until.time', 'until'],
  untilWeekdays: ['until.weekdays'],
  conditionEvent: ['condition.event', 'condition'],
  conditionWhere: ['condition.where'],
  conditionRule: ['condition.rule'],
  template: ['template'],
  page: ['page'],
  data: ['data'],
  title: ['title'],
  text: ['text'],
  dueInHours: ['dueInHours'],
  templateCode: ['templateCode'],
  signName: ['signName'],
  params: ['params'],
  couponTemplateId: ['couponTemplateId'],
  tag: ['tag'],
  taskType: ['taskType'],
  script: ['script'],
  priority: ['priority'],
  assigneeStaffId: ['assigneeStaffId'],
  staffId: ['staffId'],
  marketing: ['marketing'],
};

/** Steps that reach the customer as a message: marketing consent, quiet hours and the cap apply (when marketing). */
export const MARKETING_STEPS: readonly JourneyStepType[] = [
  'send_subscribe_message',
  'send_wecom_message',
  'send_sms',
  'issue_coupon',
];

const MARKETING_DEFAULT: Partial<Record<JourneyStepType, boolean>> = {
  send_subscribe_message: true,
  send_wecom_message: true,
  send_sms: true,
  issue_coupon: false,
};

export function emptyStepDraft(type: JourneyStepType): StepDraft {
  return {
    type,
    name: '',
    next: '',
    yes: '',
    no: '',
    days: type === 'wait' ? '1' : '',
    hours: '',
    minutes: '',
    untilTime: '',
    untilWeekdays: [],
    conditionKind: 'event',
    conditionEvent: 'appointment.booked',
    conditionWhere: [],
    conditionRule: '',
    template: 'care_notice',
    page: 'pages/index/index',
    data: {},
    title: type === 'send_wecom_message' ? '转发消息' : '',
    text: '',
    dueInHours: '24',
    templateCode: '',
    signName: '',
    params: '',
    couponTemplateId: '',
    tag: '',
    taskType: 'follow_up_call',
    script: '',
    priority: 'normal',
    assigneeStaffId: '',
    staffId: '',
    marketing: MARKETING_DEFAULT[type] ?? false,
  };
}

const lines = (record: Record<string, string> | undefined) =>
  Object.entries(record ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');

const numberText = (value: number | undefined) => (value === undefined ? '' : String(value));

export function draftFromStep(step: JourneyStep): StepDraft {
  const draft = { ...emptyStepDraft(step.type), name: step.name ?? '' };
  switch (step.type) {
    case 'wait':
      return {
        ...draft,
        next: step.next ?? '',
        days: numberText(step.duration?.days),
        hours: numberText(step.duration?.hours),
        minutes: numberText(step.duration?.minutes),
        untilTime: step.until?.time ?? '',
        untilWeekdays: step.until?.weekdays ?? [],
      };
    case 'branch':
      return {
        ...draft,
        yes: step.yes ?? '',
        no: step.no ?? '',
        conditionKind: step.condition.kind,
        conditionEvent: step.condition.kind === 'event' ? step.condition.event : draft.conditionEvent,
        conditionWhere: step.condition.kind === 'event' ? filterDrafts(step.condition.where) : [],
        conditionRule: step.condition.kind === 'rule' ? JSON.stringify(step.condition.rule, null, 2) : '',
      };
    case 'send_subscribe_message':
      return {
        ...draft,
        next: step.next ?? '',
        template: step.template,
        page: step.page,
        data: { ...step.data },
        marketing: step.marketing,
      };
    case 'send_wecom_message':
      return {
        ...draft,
        next: step.next ?? '',
        title: step.title,
        text: step.text,
        dueInHours: String(step.dueInHours),
        marketing: step.marketing,
      };
    case 'send_sms':
      return {
        ...draft,
        next: step.next ?? '',
        templateCode: step.templateCode,
        signName: step.signName ?? '',
        params: lines(step.params),
        marketing: step.marketing,
      };
    case 'issue_coupon':
      return { ...draft, next: step.next ?? '', couponTemplateId: step.couponTemplateId, marketing: step.marketing };
    case 'add_tag':
    case 'remove_tag':
      return { ...draft, next: step.next ?? '', tag: step.tag };
    case 'create_task':
      return {
        ...draft,
        next: step.next ?? '',
        taskType: step.taskType,
        title: step.title,
        script: step.script,
        priority: step.priority,
        dueInHours: String(step.dueInHours),
        assigneeStaffId: step.assigneeStaffId ?? '',
      };
    case 'notify_staff':
      return { ...draft, next: step.next ?? '', title: step.title, text: step.text, staffId: step.staffId ?? '' };
    case 'exit':
      return draft;
  }
}

const PARAM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,29}$/;
const LOCAL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** `key=value` lines (blank lines skipped) → a record; null with the first bad line's number. */
function readLines(text: string, key: RegExp): { record: Record<string, string> } | { badLine: number } {
  const record: Record<string, string> = {};
  const rows = text.split('\n');
  for (const [index, row] of rows.entries()) {
    if (!row.trim()) continue;
    const at = row.indexOf('=');
    const name = at < 0 ? '' : row.slice(0, at).trim();
    if (!key.test(name)) return { badLine: index + 1 };
    record[name] = row.slice(at + 1).trim();
  }
  return { record };
}

/** Whole hours within 0–720 (a task's due time); null when not. */
function dueHours(text: string): number | null {
  const value = wholeNumber(text);
  return value !== null && value <= 720 ? value : null;
}

export type StepResult = { ok: true; step: JourneyStep } | { ok: false; errors: StepErrors };

/** The step the draft describes, with the id given; or what the form must fix first. */
export function buildStep(draft: StepDraft, id: string): StepResult {
  const errors: StepErrors = {};
  const name = draft.name.trim();
  if (name.length > 40) errors.name = '步骤名称最多 40 个字';
  const base = { id, ...(name ? { name } : {}) };
  const outlet = (value: string) => value.trim() || null;
  const required = (field: StepField, value: string, label: string) => {
    if (!value.trim()) errors[field] = `请填写${label}`;
    return value.trim();
  };
  let step: JourneyStep | null = null;
  switch (draft.type) {
    case 'wait': {
      const duration: { days?: number; hours?: number; minutes?: number } = {};
      for (const field of ['days', 'hours', 'minutes'] as const) {
        if (!draft[field].trim()) continue;
        const value = wholeNumber(draft[field]);
        if (value === null) errors[field] = '请填写整数';
        else if (value > 0) duration[field] = value;
      }
      const untilTime = draft.untilTime.trim();
      if (untilTime && !LOCAL_TIME.test(untilTime)) errors.untilTime = '时间格式应为 HH:mm';
      const hasDuration = Object.keys(duration).length > 0;
      if (!hasDuration && !untilTime && !errors.days && !errors.hours && !errors.minutes) {
        errors.days = '请填写等待时长，或“等到”的时间';
      }
      if (!untilTime && draft.untilWeekdays.length) errors.untilTime = '选择了星期几时，请填写时间';
      step = {
        ...base,
        type: 'wait',
        next: outlet(draft.next),
        ...(hasDuration ? { duration } : {}),
        ...(untilTime
          ? {
              until: {
                time: untilTime,
                ...(draft.untilWeekdays.length ? { weekdays: [...draft.untilWeekdays].sort((a, b) => a - b) } : {}),
              },
            }
          : {}),
      };
      break;
    }
    case 'branch': {
      if (draft.conditionKind === 'event') {
        const event = draft.conditionEvent.trim();
        if (!Object.hasOwn(EVENT_LABELS, event)) errors.conditionEvent = '请选择事件';
        const where = buildFilters(draft.conditionWhere, 'conditionWhere', errors);
        step = {
          ...base,
          type: 'branch',
          condition: { kind: 'event', event: event as EventType, ...(where ? { where } : {}) },
          yes: outlet(draft.yes),
          no: outlet(draft.no),
        };
      } else {
        let rule: unknown = null;
        try {
          rule = JSON.parse(draft.conditionRule);
        } catch {
          errors.conditionRule = '规则须为 JSON（标签规则语言）';
        }
        if (!errors.conditionRule && (!rule || typeof rule !== 'object' || Array.isArray(rule))) {
          errors.conditionRule = '规则须为一个 JSON 对象';
        }
        step = {
          ...base,
          type: 'branch',
          condition: { kind: 'rule', rule: rule as TagRule },
          yes: outlet(draft.yes),
          no: outlet(draft.no),
        };
      }
      break;
    }
    case 'send_subscribe_message': {
      const data: Record<string, string> = {};
      for (const field of SUBSCRIBE_TEMPLATES[draft.template].fields) {
        const value = (draft.data[field.name] ?? '').trim();
        const max = subscribeFieldMaxLength(field.name);
        if (!value) errors.data ??= `请填写「${field.label}」`;
        else if (max !== null && !value.includes('{{') && [...value].length > max) {
          errors.data ??= `「${field.label}」最多 ${max} 个字`;
        }
        data[field.name] = value;
      }
      step = {
        ...base,
        type: 'send_subscribe_message',
        next: outlet(draft.next),
        template: draft.template,
        page: draft.page.trim() || 'pages/index/index',
        data,
        marketing: draft.marketing,
      };
      break;
    }
    case 'send_wecom_message': {
      const title = required('title', draft.title, '任务标题');
      const text = required('text', draft.text, '消息内容');
      const hours = dueHours(draft.dueInHours);
      if (hours === null) errors.dueInHours = '请填写 0–720 之间的整数小时';
      step = {
        ...base,
        type: 'send_wecom_message',
        next: outlet(draft.next),
        title,
        text,
        dueInHours: hours ?? 24,
        marketing: draft.marketing,
      };
      break;
    }
    case 'send_sms': {
      const templateCode = required('templateCode', draft.templateCode, '短信模板编号');
      const read = readLines(draft.params, PARAM_NAME);
      if ('badLine' in read) errors.params = `第 ${read.badLine} 行应为「参数名=内容」`;
      const signName = draft.signName.trim();
      step = {
        ...base,
        type: 'send_sms',
        next: outlet(draft.next),
        templateCode,
        ...(signName ? { signName } : {}),
        params: 'record' in read ? read.record : {},
        marketing: draft.marketing,
      };
      break;
    }
    case 'issue_coupon':
      step = {
        ...base,
        type: 'issue_coupon',
        next: outlet(draft.next),
        couponTemplateId: required('couponTemplateId', draft.couponTemplateId, '优惠券模板'),
        marketing: draft.marketing,
      };
      break;
    case 'add_tag':
    case 'remove_tag': {
      const tag = required('tag', draft.tag, '标签');
      if (tag.length > 20) errors.tag = '标签最多 20 个字';
      step = { ...base, type: draft.type, next: outlet(draft.next), tag };
      break;
    }
    case 'create_task': {
      const title = required('title', draft.title, '任务标题');
      const hours = dueHours(draft.dueInHours);
      if (hours === null) errors.dueInHours = '请填写 0–720 之间的整数小时';
      step = {
        ...base,
        type: 'create_task',
        next: outlet(draft.next),
        taskType: draft.taskType,
        title,
        script: draft.script.trim(),
        priority: draft.priority,
        dueInHours: hours ?? 24,
        assigneeStaffId: draft.assigneeStaffId || null,
      };
      break;
    }
    case 'notify_staff':
      step = {
        ...base,
        type: 'notify_staff',
        next: outlet(draft.next),
        staffId: draft.staffId || null,
        title: required('title', draft.title, '通知标题'),
        text: draft.text.trim(),
      };
      break;
    case 'exit':
      step = { ...base, type: 'exit' };
      break;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, step: step! };
}
