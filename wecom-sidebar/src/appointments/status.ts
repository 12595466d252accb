/**
 * What staff can do with an appointment, and what it says: status labels and badges, which of arrive / no-show /
 * cancel its status allows (the same transitions the BFF accepts, see bff/src/appointments/booking.ts), and the
 * refund a cancellation would give by the service's rule.
 */
import { formatFen } from '../profile/format';
import type { Appointment, AppointmentStatus, BookableService } from './types';

export const STATUS_LABELS: Record<AppointmentStatus, string> = {
  reserving: '预约中',
  held: '待付定金',
  confirmed: '已确认',
  arrived: '已到店',
  no_show: '未到',
  cancelled: '已取消',
  expired: '已过期',
  failed: '预约失败',
};

export const STATUS_HINTS: Record<AppointmentStatus, string> = {
  reserving: 'Reserving',
  held: 'Awaiting deposit',
  confirmed: 'Confirmed',
  arrived: 'Arrived',
  no_show: 'No-show',
  cancelled: 'Cancelled',
  expired: 'Hold expired',
  failed: 'Failed',
};

/** The badge colour of a status. */
export type StatusTone = 'pending' | 'ok' | 'done' | 'bad' | 'off';

export function statusTone(status: AppointmentStatus): StatusTone {
  switch (status) {
    case 'held':
    case 'reserving':
      return 'pending';
    case 'confirmed':
      return 'ok';
    case 'arrived':
      return 'done';
    case 'no_show':
      return 'bad';
    default:
      return 'off';
  }
}

export function statusLabel(status: string): string {
  return Object.hasOwn(STATUS_LABELS, status) ? STATUS_LABELS[status as AppointmentStatus] : status;
}

export type AppointmentAction = 'arrive' | 'no-show' | 'cancel';

export interface ActionState {
  enabled: boolean;
  /** Why it is disabled (a tooltip); '' when enabled. */
  reason: string;
}

export type AllowedActions = Record<AppointmentAction, ActionState>;

const yes: ActionState = { enabled: true, reason: '' };
const no = (reason: string): ActionState => ({ enabled: false, reason });

type ActionSubject = Pick<Appointment, 'status' | 'startsAt'>;

/**
 * Which actions the appointment allows now.
 * - arrive: a confirmed appointment, or one marked no-show (the patient came late); not an unpaid hold.
 * - no-show: a confirmed appointment whose start has passed (nobody is "not come" before the time).
 * - cancel: a held or confirmed appointment that has not started yet.
 */
export function allowedActions(appointment: ActionSubject, now: Date = new Date()): AllowedActions {
  const { status } = appointment;
  const started = new Date(appointment.startsAt).getTime() <= now.getTime();
  const label = statusLabel(status);

  let arrive: ActionState;
  if (status === 'confirmed' || status === 'no_show') arrive = yes;
  else if (status === 'held') arrive = no('定金未支付，确认后才能到店 (Deposit not paid)');
  else if (status === 'arrived') arrive = no('已到店 (Already arrived)');
  else arrive = no(`${label}的预约不能到店 (Not possible when ${status})`);

  let noShow: ActionState;
  if (status === 'confirmed') noShow = started ? yes : no('预约时间未到 (Not started yet)');
  else if (status === 'no_show') noShow = no('已标记未到 (Already a no-show)');
  else noShow = no(`${label}的预约不能标记未到 (Not possible when ${status})`);

  let cancel: ActionState;
  if (status === 'held' || status === 'confirmed') cancel = started ? no('预约已开始 (Already started)') : yes;
  else cancel = no(`${label}的预约不能取消 (Not possible when ${status})`);

  return { arrive, 'no-show': noShow, cancel };
}

export type RefundKind =
  /** No deposit on this appointment. */
  | 'no-deposit'
  /** A deposit was asked but not paid: the payment order is closed, nothing to refund. */
  | 'unpaid'
  | 'full'
  | 'partial'
  /** Past the free-cancellation window and the service refunds nothing then. */
  | 'none'
  /** The service's rule is not known to the page. */
  | 'unknown';

export interface RefundQuote {
  kind: RefundKind;
  /** Null when unknown. */
  refundFen: number | null;
  /** One line for the confirmation, e.g. `将全额退还定金 ¥100.00`. */
  text: string;
}

type RefundSubject = Pick<Appointment, 'status' | 'startsAt' | 'depositFen' | 'paymentId'>;
type RefundRule = Pick<BookableService, 'fullRefundHoursBefore' | 'lateRefundPercent'>;

/**
 * What cancelling now would refund: the rule the BFF applies (`cancellationRefundFen`). A confirmed appointment with a
 * paid deposit gets it all back at least `fullRefundHoursBefore` hours ahead, `lateRefundPercent` of it later.
 */
export function refundQuote(
  appointment: RefundSubject,
  rule: RefundRule | null | undefined,
  now: Date = new Date(),
): RefundQuote {
  const deposit = appointment.depositFen;
  if (!deposit) return { kind: 'no-deposit', refundFen: 0, text: '无定金，无需退款 (No deposit)' };
  if (appointment.status !== 'confirmed' || !appointment.paymentId) {
    return { kind: 'unpaid', refundFen: 0, text: '定金尚未支付，取消后关闭支付单，无需退款 (Deposit not paid)' };
  }
  if (!rule) return { kind: 'unknown', refundFen: null, text: '按服务的退款规则退还定金 (By the service’s rule)' };
  const hoursAhead = (new Date(appointment.startsAt).getTime() - now.getTime()) / 3_600_000;
  if (hoursAhead >= rule.fullRefundHoursBefore) {
    return {
      kind: 'full',
      refundFen: deposit,
      text: `将全额退还定金 ${formatFen(deposit)}（距预约超过 ${rule.fullRefundHoursBefore} 小时）`,
    };
  }
  const refundFen = Math.floor((deposit * rule.lateRefundPercent) / 100);
  if (refundFen <= 0) {
    return {
      kind: 'none',
      refundFen: 0,
      text: `距预约不足 ${rule.fullRefundHoursBefore} 小时，定金 ${formatFen(deposit)} 不予退还`,
    };
  }
  return {
    kind: 'partial',
    refundFen,
    text: `距预约不足 ${rule.fullRefundHoursBefore} 小时，将退还 ${rule.lateRefundPercent}% 定金 ${formatFen(refundFen)}`,
  };
}

/** The outcome of a cancellation, from the server's answer. */
export function cancellationOutcome(refundFen: number): string {
  return refundFen > 0 ? `已取消，退还定金 ${formatFen(refundFen)}` : '已取消，无退款';
}

/**
 * The deposit line of an appointment, e.g. `定金 ¥100.00 · 已付`; '' without a deposit. The appointment does not say
 * whether a cancelled or expired hold was ever paid, so those show the amount (and a refund, if one was made) only.
 */
export function depositText(appointment: Pick<Appointment, 'status' | 'depositFen' | 'refundFen'>): string {
  if (!appointment.depositFen) return '';
  const deposit = `定金 ${formatFen(appointment.depositFen)}`;
  switch (appointment.status) {
    case 'held':
    case 'reserving':
      return `${deposit} · 待支付`;
    case 'confirmed':
    case 'arrived':
    case 'no_show':
      return `${deposit} · 已付`;
    default:
      return appointment.refundFen ? `${deposit} · 已退 ${formatFen(appointment.refundFen)}` : deposit;
  }
}
