import type { Appointment, AppointmentStatus, PaymentView } from './types';
import { formatFen } from './format';

const LABELS: Record<AppointmentStatus, string> = {
  reserving: '处理中',
  held: '待支付',
  confirmed: '已确认',
  arrived: '已到店',
  no_show: '未到店',
  cancelled: '已取消',
  expired: '已过期',
  failed: '预约失败',
};

export type StatusTone = 'warning' | 'primary' | 'success' | 'danger' | 'muted';

const TONES: Record<AppointmentStatus, StatusTone> = {
  reserving: 'muted',
  held: 'warning',
  confirmed: 'primary',
  arrived: 'success',
  no_show: 'danger',
  cancelled: 'muted',
  expired: 'muted',
  failed: 'muted',
};

/** The badge text of an appointment status: 待支付, 已确认, 已到店, 未到店, 已取消, 已过期. */
export function statusLabel(status: string): string {
  return LABELS[status as AppointmentStatus] ?? status;
}

export function statusTone(status: string): StatusTone {
  return TONES[status as AppointmentStatus] ?? 'muted';
}

/** Held (waiting for the deposit) and confirmed appointments can be cancelled or moved; the server decides. */
export function canCancel(status: AppointmentStatus): boolean {
  return status === 'held' || status === 'confirmed';
}

export function canReschedule(status: AppointmentStatus): boolean {
  return status === 'held' || status === 'confirmed';
}

/** Front desk scans the QR to mark arrival: only a confirmed appointment has one to show. */
export function showsCheckInCode(status: AppointmentStatus): boolean {
  return status === 'confirmed';
}

/** The list as the API orders it (upcoming soonest first, then past latest first), in two sections. */
export function splitAppointments<T extends Pick<Appointment, 'startsAt' | 'status'>>(
  items: readonly T[],
  now: number,
): { upcoming: T[]; past: T[] } {
  const upcoming: T[] = [];
  const past: T[] = [];
  for (const item of items) {
    const active = item.status === 'held' || item.status === 'confirmed';
    // An appointment still to come or still open (arrival is marked during or after the visit) is "upcoming".
    if (Date.parse(item.startsAt) >= now || (active && Date.parse(item.startsAt) >= now - 12 * 3_600_000)) {
      upcoming.push(item);
    } else past.push(item);
  }
  upcoming.sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  return { upcoming, past };
}

/** The deposit line of an appointment: whether it is due, paid or refunded (from its payment order when known). */
export function depositStatusText(
  appointment: Pick<Appointment, 'depositFen' | 'status' | 'refundFen'>,
  payment: Pick<PaymentView, 'status' | 'refundedFen' | 'amountFen'> | null,
): string {
  if (appointment.depositFen <= 0) return '无需定金';
  const amount = formatFen(appointment.depositFen);
  if (!payment) {
    if (appointment.status === 'held') return `${amount} · 待支付`;
    return amount;
  }
  switch (payment.status) {
    case 'created':
      return appointment.status === 'held' ? `${amount} · 待支付` : `${amount} · 未支付`;
    case 'paid':
      return `${amount} · 已支付`;
    case 'refunding':
      return `${amount} · 退款处理中${appointment.refundFen ? `（退还 ${formatFen(appointment.refundFen)}）` : ''}`;
    case 'refunded':
      return `${amount} · 已全额退款`;
    case 'partially_refunded':
      return `${amount} · 已退款 ${formatFen(payment.refundedFen)}`;
    case 'closed':
      return `${amount} · 未支付（订单已关闭）`;
    default:
      return amount;
  }
}
