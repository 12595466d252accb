/**
 * How money, clinic-local times and refund rules read on screen. Times come from the API already in the clinic's
 * zone (`local`): they are shown as they are, never converted with the device's clock or zone.
 */
import type { BookableService, LocalTimeOfDay } from './types';

/** Fen (1/100 yuan) as yuan with two decimals: 10000 → "¥100.00", 5 → "¥0.05". Integer arithmetic, no float. */
export function formatFen(fen: number): string {
  const value = Math.round(Number.isFinite(fen) ? fen : 0);
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];

/** ISO weekday (1 = Monday … 7 = Sunday) as "周一" … "周日". */
export function weekdayLabel(isoWeekday: number): string {
  return `周${WEEKDAYS[(((Math.trunc(isoWeekday) - 1) % 7) + 7) % 7]}`;
}

/** The ISO weekday of a calendar date "YYYY-MM-DD" (calendar arithmetic, no time zone involved). */
export function isoWeekdayOf(date: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const sunday0 = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return sunday0 === 0 ? 7 : sunday0;
}

/** "2025-11-27" → "11月27日". */
export function monthDay(date: string): string {
  const [, month, day] = date.split('-');
  return `${Number(month)}月${Number(day)}日`;
}

/** The clinic-local date and time of an appointment or slot: "11月27日 周四 09:00". */
export function localDateTime(local: LocalTimeOfDay, options: { year?: boolean } = {}): string {
  const year = options.year ? `${local.date.slice(0, 4)}年` : '';
  return `${year}${monthDay(local.date)} ${weekdayLabel(local.weekday)} ${local.time}`;
}

/** Clinics in mainland China share one offset; elsewhere say that the time is the clinic's. */
export function localZoneNote(local: LocalTimeOfDay): string | null {
  return local.offset === '+08:00' ? null : `门店当地时间（UTC${local.offset}）`;
}

/** "上午" before noon, "下午" until 18:00, then "晚上" (a slot's clinic-local "HH:mm"). */
export function periodOfDay(time: string): '上午' | '下午' | '晚上' {
  if (time < '12:00') return '上午';
  if (time < '18:00') return '下午';
  return '晚上';
}

export function durationText(minutes: number): string {
  if (minutes < 60 || minutes % 60 !== 0) return `${minutes} 分钟`;
  return `${minutes / 60} 小时`;
}

function hoursText(hours: number): string {
  return `${Number.isInteger(hours) ? hours : Number(hours.toFixed(1))} 小时`;
}

type RefundRule = Pick<BookableService, 'depositFen' | 'fullRefundHoursBefore' | 'lateRefundPercent'>;

/** The deposit line of a service: "定金 ¥100.00" or "无需定金". */
export function depositText(service: Pick<BookableService, 'depositFen'>): string {
  return service.depositFen > 0 ? `定金 ${formatFen(service.depositFen)}` : '无需定金';
}

/** A service's refund rule in one sentence, or null when there is no deposit to refund. */
export function refundRuleText(service: RefundRule): string | null {
  if (service.depositFen <= 0) return null;
  const late = Math.min(100, Math.max(0, service.lateRefundPercent));
  if (late >= 100 || service.fullRefundHoursBefore <= 0) return '就诊前取消均全额退还定金';
  const early = `就诊前 ${hoursText(service.fullRefundHoursBefore)}以上取消全额退还定金`;
  return late === 0 ? `${early}，之后取消不退定金` : `${early}，之后取消退还 ${late}%`;
}

/**
 * What cancelling now does to the deposit, from the server's quote (`GET …/cancellation`): the amount is the
 * server's, the wording ours.
 */
export function cancellationRefundText(input: {
  refundFen: number;
  depositFen: number;
  /** False while the deposit is not paid yet (a held appointment). */
  depositPaid: boolean;
  fullRefundHoursBefore?: number;
}): string {
  const { refundFen, depositFen, depositPaid, fullRefundHoursBefore } = input;
  if (depositFen <= 0) return '该预约无需定金，取消不涉及退款';
  if (!depositPaid) return '定金尚未支付，取消后无需支付，也不涉及退款';
  const window = fullRefundHoursBefore !== undefined ? `距就诊不足 ${hoursText(fullRefundHoursBefore)}，` : '';
  if (refundFen >= depositFen) return `取消后将全额退还定金 ${formatFen(depositFen)}，原路退回`;
  if (refundFen > 0)
    return `${window}取消后将退还定金 ${formatFen(refundFen)}（已付 ${formatFen(depositFen)}），原路退回`;
  return `${window}取消后定金 ${formatFen(depositFen)} 不予退还`;
}
