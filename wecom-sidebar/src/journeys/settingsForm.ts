/**
 * The journey's settings as the builder's entry panel edits them: how customers get in (an event with filters, a
 * segment once or on a cron schedule, a key date with an offset and a send time), the re-entry policy, the events
 * that end an enrolment, quiet hours and the frequency cap. Errors are keyed by the definition path the server's
 * issues use too (`entry.cron`, `quietHours` …), so both land on the same field.
 */
import { EVENT_LABELS } from '../profile/eventLabels';
import { isoToZonedInput, zonedToIso, type FieldErrors } from '../shell/forms';
import { buildFilters, filterDrafts, type FilterDraft } from './filters';
import type {
  EventType,
  JourneyAudience,
  JourneyEntry,
  JourneyEntryKind,
  JourneyEventFilter,
  JourneySettings,
  KeyDateSource,
  TagRule,
} from './types';

export interface ExitDraft {
  event: string;
  where: FilterDraft[];
}

export interface SettingsDraft {
  entryKind: JourneyEntryKind;
  // triggered
  event: string;
  where: FilterDraft[];
  // one_off, periodic
  audienceKind: 'segment' | 'rule';
  segmentId: string;
  /** A tag-language rule as JSON. */
  audienceRule: string;
  /** one_off: a datetime-local on the organisation's clock; '' : as soon as the journey is enabled. */
  at: string;
  cron: string;
  // key_date
  dateKind: KeyDateSource['kind'];
  dateEvent: string;
  /** '' : when the event happened. */
  dateProperty: string;
  dateWhere: FilterDraft[];
  /** '' : any coupon. */
  dateCouponTemplateId: string;
  offsetDays: string;
  sendAt: string;
  yearly: boolean;
  // policies
  reEntry: 'never' | 'after_days' | 'always';
  reEntryDays: string;
  exitOn: ExitDraft[];
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  cap: boolean;
  capMax: string;
  capDays: string;
}

export type SettingsField =
  | 'entry.event'
  | 'entry.where'
  | 'entry.audience'
  | 'entry.at'
  | 'entry.cron'
  | 'entry.date'
  | 'entry.offsetDays'
  | 'entry.sendAt'
  | 'reEntry'
  | 'exitOn'
  | 'quietHours'
  | 'frequencyCap';
export type SettingsErrors = FieldErrors<SettingsField>;

const LOCAL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const PROPERTY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const CRON = /^\S+(\s+\S+){4}$/;

export function emptySettingsDraft(): SettingsDraft {
  return {
    entryKind: 'triggered',
    event: 'tag.added',
    where: [],
    audienceKind: 'segment',
    segmentId: '',
    audienceRule: '',
    at: '',
    cron: '0 10 * * 1',
    dateKind: 'birthday',
    dateEvent: 'appointment.arrived',
    dateProperty: '',
    dateWhere: [],
    dateCouponTemplateId: '',
    offsetDays: '0',
    sendAt: '10:00',
    yearly: false,
    reEntry: 'never',
    reEntryDays: '30',
    exitOn: [],
    quiet: false,
    quietStart: '21:00',
    quietEnd: '08:00',
    cap: false,
    capMax: '4',
    capDays: '30',
  };
}

function audienceDraft(audience: JourneyAudience): Partial<SettingsDraft> {
  return 'segmentId' in audience
    ? { audienceKind: 'segment', segmentId: audience.segmentId }
    : { audienceKind: 'rule', audienceRule: JSON.stringify(audience.rule, null, 2) };
}

function entryDraft(entry: JourneyEntry): Partial<SettingsDraft> {
  switch (entry.kind) {
    case 'triggered':
      return { entryKind: 'triggered', event: entry.event, where: filterDrafts(entry.where) };
    case 'one_off':
      return { entryKind: 'one_off', ...audienceDraft(entry.audience), at: entry.at ? isoToZonedInput(entry.at) : '' };
    case 'periodic':
      return { entryKind: 'periodic', ...audienceDraft(entry.audience), cron: entry.cron };
    case 'key_date': {
      const { date } = entry;
      return {
        entryKind: 'key_date',
        dateKind: date.kind,
        ...(date.kind === 'event'
          ? { dateEvent: date.event, dateProperty: date.property ?? '', dateWhere: filterDrafts(date.where) }
          : {}),
        ...(date.kind === 'coupon_expiry' ? { dateCouponTemplateId: date.templateId ?? '' } : {}),
        offsetDays: String(entry.offsetDays),
        sendAt: entry.at,
        yearly: entry.yearly,
      };
    }
  }
}

export function draftFromSettings(settings: JourneySettings): SettingsDraft {
  const empty = emptySettingsDraft();
  return {
    ...empty,
    ...entryDraft(settings.entry),
    reEntry: settings.reEntry.policy,
    reEntryDays: settings.reEntry.policy === 'after_days' ? String(settings.reEntry.days) : empty.reEntryDays,
    exitOn: settings.exitOn.map((filter) => ({ event: filter.event, where: filterDrafts(filter.where) })),
    quiet: settings.quietHours !== null,
    quietStart: settings.quietHours?.start ?? empty.quietStart,
    quietEnd: settings.quietHours?.end ?? empty.quietEnd,
    cap: settings.frequencyCap !== null,
    capMax: settings.frequencyCap ? String(settings.frequencyCap.max) : empty.capMax,
    capDays: settings.frequencyCap ? String(settings.frequencyCap.days) : empty.capDays,
  };
}

const isEvent = (value: string): value is EventType => Object.hasOwn(EVENT_LABELS, value);

function buildAudience(draft: SettingsDraft, errors: SettingsErrors): JourneyAudience {
  if (draft.audienceKind === 'segment') {
    if (!draft.segmentId) errors['entry.audience'] = '请选择人群';
    return { segmentId: draft.segmentId };
  }
  let rule: unknown = null;
  try {
    rule = JSON.parse(draft.audienceRule);
  } catch {
    errors['entry.audience'] = '规则须为 JSON（标签规则语言）';
  }
  if (!errors['entry.audience'] && (!rule || typeof rule !== 'object' || Array.isArray(rule))) {
    errors['entry.audience'] = '规则须为一个 JSON 对象';
  }
  return { rule: rule as TagRule };
}

/** A whole number within [min, max] (negative allowed when min is), or null. */
function integerIn(text: string, min: number, max: number): number | null {
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= min && value <= max ? value : null;
}

function buildEntry(draft: SettingsDraft, errors: SettingsErrors): JourneyEntry {
  switch (draft.entryKind) {
    case 'triggered': {
      if (!isEvent(draft.event)) errors['entry.event'] = '请选择触发事件';
      const where = buildFilters(draft.where, 'entry.where', errors);
      return { kind: 'triggered', event: draft.event as EventType, ...(where ? { where } : {}) };
    }
    case 'one_off': {
      const audience = buildAudience(draft, errors);
      let at: string | null = null;
      if (draft.at.trim()) {
        at = zonedToIso(draft.at);
        if (!at) errors['entry.at'] = '请填写有效的日期和时间';
      }
      return { kind: 'one_off', audience, at };
    }
    case 'periodic': {
      const audience = buildAudience(draft, errors);
      const cron = draft.cron.trim().replace(/\s+/g, ' ');
      if (!CRON.test(cron)) errors['entry.cron'] = 'cron 须为五段：分 时 日 月 周，如 0 10 1 */6 *';
      return { kind: 'periodic', audience, cron };
    }
    case 'key_date': {
      let date: KeyDateSource;
      if (draft.dateKind === 'event') {
        if (!isEvent(draft.dateEvent)) errors['entry.date'] = '请选择日期来自哪种事件';
        const property = draft.dateProperty.trim();
        if (property && !PROPERTY.test(property)) errors['entry.date'] = '属性名须以字母开头，只含字母、数字或 _';
        const where = buildFilters(draft.dateWhere, 'entry.date', errors);
        date = {
          kind: 'event',
          event: draft.dateEvent as EventType,
          property: property || null,
          ...(where ? { where } : {}),
        };
      } else if (draft.dateKind === 'coupon_expiry') {
        date = { kind: 'coupon_expiry', templateId: draft.dateCouponTemplateId || null };
      } else date = { kind: 'birthday' };
      const offsetDays = integerIn(draft.offsetDays, -366, 3660);
      if (offsetDays === null) errors['entry.offsetDays'] = '请填写 -366 到 3660 之间的整数天';
      const at = draft.sendAt.trim();
      if (!LOCAL_TIME.test(at)) errors['entry.sendAt'] = '时间格式应为 HH:mm';
      return { kind: 'key_date', date, offsetDays: offsetDays ?? 0, at, yearly: draft.yearly };
    }
  }
}

export type SettingsResult = { ok: true; settings: JourneySettings } | { ok: false; errors: SettingsErrors };

export function buildSettings(draft: SettingsDraft): SettingsResult {
  const errors: SettingsErrors = {};
  const entry = buildEntry(draft, errors);
  let reEntry: JourneySettings['reEntry'] = { policy: draft.reEntry === 'always' ? 'always' : 'never' };
  if (draft.reEntry === 'after_days') {
    const days = integerIn(draft.reEntryDays, 1, 3650);
    if (days === null) errors.reEntry = '请填写 1–3650 之间的天数';
    reEntry = { policy: 'after_days', days: days ?? 1 };
  }
  const exitOn: JourneyEventFilter[] = [];
  draft.exitOn.forEach((row, index) => {
    if (!isEvent(row.event)) {
      errors.exitOn ??= `第 ${index + 1} 个退出条件：请选择事件`;
      return;
    }
    const where = buildFilters(row.where, 'exitOn', errors);
    exitOn.push({ event: row.event, ...(where ? { where } : {}) });
  });
  let quietHours: JourneySettings['quietHours'] = null;
  if (draft.quiet) {
    const start = draft.quietStart.trim();
    const end = draft.quietEnd.trim();
    if (!LOCAL_TIME.test(start) || !LOCAL_TIME.test(end)) errors.quietHours = '时间格式应为 HH:mm';
    else if (start === end) errors.quietHours = '开始与结束时间不能相同';
    quietHours = { start, end };
  }
  let frequencyCap: JourneySettings['frequencyCap'] = null;
  if (draft.cap) {
    const max = integerIn(draft.capMax, 1, 50);
    const days = integerIn(draft.capDays, 1, 90);
    if (max === null || days === null) errors.frequencyCap = '条数 1–50，天数 1–90';
    frequencyCap = { max: max ?? 1, days: days ?? 1 };
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, settings: { entry, reEntry, exitOn, quietHours, frequencyCap } };
}

/** The entry in one line, for the entry node: `事件：失约`, `每 0 10 * * 1`, `生日当天 10:00` … */
export function entrySummary(entry: JourneyEntry, segmentName?: (id: string) => string | null): string {
  const audience = (value: JourneyAudience) =>
    'segmentId' in value ? `人群「${segmentName?.(value.segmentId) ?? value.segmentId}」` : '规则人群';
  switch (entry.kind) {
    case 'triggered':
      return `事件：${EVENT_LABELS[entry.event] ?? entry.event}${entry.where?.length ? `（${entry.where.length} 个条件）` : ''}`;
    case 'one_off':
      return `${audience(entry.audience)} · ${entry.at ? `于 ${isoToZonedInput(entry.at).replace('T', ' ')}` : '启用时'}进入`;
    case 'periodic':
      return `${audience(entry.audience)} · 定时 ${entry.cron}`;
    case 'key_date': {
      const source =
        entry.date.kind === 'birthday'
          ? '生日'
          : entry.date.kind === 'coupon_expiry'
            ? '优惠券到期日'
            : `${EVENT_LABELS[entry.date.event] ?? entry.date.event}日期`;
      const offset =
        entry.offsetDays === 0
          ? '当天'
          : entry.offsetDays > 0
            ? `后 ${entry.offsetDays} 天`
            : `前 ${-entry.offsetDays} 天`;
      return `${source}${offset} ${entry.at}${entry.yearly ? ' · 每年' : ''}`;
    }
  }
}
