/**
 * The schedule editor's forms: a weekly template (a doctor's opening on a weekday, cut into slots) and a date
 * exception (leave, a holiday). Drafts hold what the inputs hold (strings); `build…` checks them with the limits the
 * BFF enforces (shared/src/appointments.ts) and more it does not: a template must fit at least one slot, and must not
 * overlap another opening of the same doctor on that weekday.
 */
import { isLocalDate, WEEKDAY_LABELS } from './schedule';
import type { CreateScheduleExceptionRequest, CreateScheduleTemplateRequest, ScheduleTemplate } from './types';

const OBJECT_ID = /^[a-f\d]{24}$/i;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export const TEMPLATE_LIMITS = {
  slotMinutes: { min: 5, max: 480 },
  capacity: { min: 1, max: 100 },
  services: 50,
} as const;

export const EXCEPTION_REASON_MAX = 100;

export interface TemplateDraft {
  doctorStaffId: string;
  /** '1'…'7'. */
  weekday: string;
  /** HH:mm. */
  startTime: string;
  endTime: string;
  slotMinutes: string;
  capacity: string;
  serviceIds: string[];
  /** YYYY-MM-DD or ''. */
  validFrom: string;
  validTo: string;
}

export type TemplateField = keyof TemplateDraft;

export function emptyTemplateDraft(doctorStaffId = ''): TemplateDraft {
  return {
    doctorStaffId,
    weekday: '1',
    startTime: '09:00',
    endTime: '12:00',
    slotMinutes: '30',
    capacity: '1',
    serviceIds: [],
    validFrom: '',
    validTo: '',
  };
}

export function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

/** A whole number written in the input, or null. */
function wholeNumber(value: string): number | null {
  const trimmed = value.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : null;
}

/** How many slots the opening makes (the remainder shorter than a slot is left unused). */
export function slotCount(startTime: string, endTime: string, slotMinutes: number): number {
  if (!TIME.test(startTime) || !TIME.test(endTime) || !(slotMinutes > 0)) return 0;
  return Math.max(0, Math.floor((minutesOf(endTime) - minutesOf(startTime)) / slotMinutes));
}

type Opening = Pick<ScheduleTemplate, 'doctorStaffId' | 'weekday' | 'startTime' | 'endTime' | 'validFrom' | 'validTo'>;

const rangesOverlap = (aFrom: string | null, aTo: string | null, bFrom: string | null, bTo: string | null) =>
  (aFrom === null || bTo === null || aFrom <= bTo) && (bFrom === null || aTo === null || bFrom <= aTo);

/** The existing opening of the same doctor on the same weekday whose hours (and validity) meet the new one. */
export function overlappingTemplate<T extends Opening>(candidate: Opening, existing: readonly T[]): T | null {
  const start = minutesOf(candidate.startTime);
  const end = minutesOf(candidate.endTime);
  return (
    existing.find(
      (other) =>
        other.doctorStaffId === candidate.doctorStaffId &&
        other.weekday === candidate.weekday &&
        minutesOf(other.startTime) < end &&
        start < minutesOf(other.endTime) &&
        rangesOverlap(candidate.validFrom, candidate.validTo, other.validFrom, other.validTo),
    ) ?? null
  );
}

export type TemplateResult =
  { ok: true; request: CreateScheduleTemplateRequest } | { ok: false; errors: Partial<Record<TemplateField, string>> };

export function buildTemplateRequest(
  clinicId: string,
  draft: TemplateDraft,
  existing: readonly ScheduleTemplate[] = [],
): TemplateResult {
  const errors: Partial<Record<TemplateField, string>> = {};

  const doctorStaffId = draft.doctorStaffId.trim();
  if (!doctorStaffId) errors.doctorStaffId = '请选择医生 Choose a doctor';
  else if (!OBJECT_ID.test(doctorStaffId)) errors.doctorStaffId = '医生编号无效 Invalid staff id';

  const weekday = wholeNumber(draft.weekday);
  if (weekday === null || weekday < 1 || weekday > 7) errors.weekday = '请选择星期 Choose a weekday';

  const startOk = TIME.test(draft.startTime);
  const endOk = TIME.test(draft.endTime);
  if (!startOk) errors.startTime = '请输入开始时间 (HH:mm)';
  if (!endOk) errors.endTime = '请输入结束时间 (HH:mm)';
  if (startOk && endOk && draft.startTime >= draft.endTime) errors.endTime = '结束时间须晚于开始时间 End after start';

  const { slotMinutes: slotLimits, capacity: capacityLimits } = TEMPLATE_LIMITS;
  const slotMinutes = wholeNumber(draft.slotMinutes);
  if (slotMinutes === null || slotMinutes < slotLimits.min || slotMinutes > slotLimits.max) {
    errors.slotMinutes = `每号时长 ${slotLimits.min}–${slotLimits.max} 分钟`;
  } else if (startOk && endOk && !errors.endTime && slotCount(draft.startTime, draft.endTime, slotMinutes) < 1) {
    errors.slotMinutes = '时段内放不下一个号 The opening is shorter than one slot';
  }

  const capacity = wholeNumber(draft.capacity);
  if (capacity === null || capacity < capacityLimits.min || capacity > capacityLimits.max) {
    errors.capacity = `每号人数 ${capacityLimits.min}–${capacityLimits.max}`;
  }

  const serviceIds = [...new Set(draft.serviceIds)];
  if (!serviceIds.length) errors.serviceIds = '至少选择一项服务 Choose at least one service';
  else if (serviceIds.length > TEMPLATE_LIMITS.services) errors.serviceIds = `最多 ${TEMPLATE_LIMITS.services} 项服务`;

  const validFrom = draft.validFrom.trim() || null;
  const validTo = draft.validTo.trim() || null;
  if (validFrom && !isLocalDate(validFrom)) errors.validFrom = '日期无效 (YYYY-MM-DD)';
  if (validTo && !isLocalDate(validTo)) errors.validTo = '日期无效 (YYYY-MM-DD)';
  if (validFrom && validTo && !errors.validFrom && !errors.validTo && validFrom > validTo) {
    errors.validTo = '结束日期须不早于开始日期';
  }

  if (!Object.keys(errors).length) {
    const candidate = {
      doctorStaffId,
      weekday: weekday!,
      startTime: draft.startTime,
      endTime: draft.endTime,
      validFrom,
      validTo,
    };
    const clash = overlappingTemplate(
      candidate,
      existing.filter((template) => template.clinicId === clinicId),
    );
    if (clash) {
      errors.startTime = `与该医生已有的排班重叠：${WEEKDAY_LABELS[clash.weekday] ?? ''} ${clash.startTime}–${clash.endTime}`;
    }
  }

  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    request: {
      clinicId,
      doctorStaffId,
      serviceIds,
      weekday: weekday!,
      startTime: draft.startTime,
      endTime: draft.endTime,
      slotMinutes: slotMinutes!,
      capacity: capacity!,
      validFrom,
      validTo,
    },
  };
}

export interface ExceptionDraft {
  /** YYYY-MM-DD. */
  date: string;
  /** '' closes the whole clinic. */
  doctorStaffId: string;
  reason: string;
}

export type ExceptionField = keyof ExceptionDraft;

export type ExceptionResult =
  | { ok: true; request: CreateScheduleExceptionRequest }
  | { ok: false; errors: Partial<Record<ExceptionField, string>> };

/** `today` is the clinic's (YYYY-MM-DD): a day that has passed cannot be closed any more. */
export function buildExceptionRequest(clinicId: string, draft: ExceptionDraft, today: string): ExceptionResult {
  const errors: Partial<Record<ExceptionField, string>> = {};
  const date = draft.date.trim();
  if (!date) errors.date = '请选择日期 Choose a date';
  else if (!isLocalDate(date)) errors.date = '日期无效 (YYYY-MM-DD)';
  else if (date < today) errors.date = '不能选择已过去的日期 The date has passed';

  const doctorStaffId = draft.doctorStaffId.trim() || null;
  if (doctorStaffId && !OBJECT_ID.test(doctorStaffId)) errors.doctorStaffId = '医生编号无效 Invalid staff id';

  const reason = draft.reason.trim();
  if ([...reason].length > EXCEPTION_REASON_MAX) errors.reason = `最多 ${EXCEPTION_REASON_MAX} 个字`;

  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, request: { clinicId, doctorStaffId, date, reason } };
}
