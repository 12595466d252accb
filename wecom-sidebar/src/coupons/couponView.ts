/**
 * Coupons as staff read them: what a coupon is worth, its state, when it can be used, the order the sidebar lists
 * them in, which clinic a redemption goes to, and whether a manager may still undo one.
 */
import { formatDateTime, formatFen } from '../profile/format';
import type { Coupon, CouponEligibility, CouponKind, CouponState, CouponValidity, CouponValue } from './types';

/** How long after a redemption a manager may undo it (`REDEMPTION_UNDO_MINUTES` in `@careloop/shared`). */
export const REDEMPTION_UNDO_MINUTES = 30;

export const COUPON_KIND_LABELS: Record<CouponKind, string> = {
  amount_off: '立减金额 Amount off',
  percent_off: '折扣 Percent off',
  free_service: '免费服务 Free service',
  gift: '礼品 Gift',
};

export const COUPON_STATE_LABELS: Record<CouponState, string> = {
  claimed: '待使用',
  redeemed: '已核销',
  expired: '已过期',
  revoked: '已作废',
};

/** `8.5` for 85 (the Chinese way of saying a discount: 8.5 折 = 15% off). */
function zhe(percentPaid: number): string {
  return percentPaid % 10 === 0 ? String(percentPaid / 10) : (percentPaid / 10).toFixed(1);
}

/**
 * One line for what the coupon gives, e.g. `立减 ¥20.00 · 满 ¥200.00 可用`, `8.5 折`, `免费：洗牙`, `赠：电动牙刷`.
 * `serviceName` names the services of a free-service coupon (their ids when unknown).
 */
export function couponValueText(value: CouponValue, serviceName: (id: string) => string | undefined = () => undefined) {
  let text: string;
  switch (value.kind) {
    case 'amount_off':
      text = `立减 ${formatFen(value.amountOffFen ?? 0)}`;
      break;
    case 'percent_off':
      text = `${zhe(100 - (value.percentOff ?? 0))} 折（减 ${value.percentOff ?? 0}%）`;
      break;
    case 'free_service': {
      const names = value.serviceIds.map((id) => serviceName(id) ?? `服务 …${id.slice(-6)}`);
      text = `免费：${names.join('、') || '指定服务'}`;
      break;
    }
    case 'gift':
      text = `赠：${value.giftDescription ?? '礼品'}`;
      break;
  }
  return value.minSpendFen > 0 ? `${text} · 满 ${formatFen(value.minSpendFen)} 可用` : text;
}

/** A template's validity, e.g. `领取后 30 天内有效` or `2026-03-01 00:00 至 2026-03-31 23:59`. */
export function validityText(validity: CouponValidity): string {
  return validity.type === 'days_after_claim'
    ? `领取后 ${validity.days} 天内有效`
    : `${formatDateTime(validity.startsAt)} 至 ${formatDateTime(validity.endsAt)}`;
}

export const ELIGIBILITY_LABELS: Record<CouponEligibility['type'], string> = {
  all: '所有客户 Everyone',
  new_customers: '新客户 New customers',
  tagged: '带指定标签的客户 Tagged',
  verified_hcp: '已认证医生 Verified HCPs',
};

export function eligibilityText(eligibility: CouponEligibility): string {
  return eligibility.type === 'tagged' ? `标签「${eligibility.tag}」` : ELIGIBILITY_LABELS[eligibility.type];
}

/** Where a coupon stands for the staff member at the counter now. */
export type CouponPhase =
  /** Claimed and valid now: it can be redeemed. */
  | 'usable'
  /** Claimed, not valid yet. */
  | 'not_yet_valid'
  /** Claimed, past its end (the expiry job has not marked it yet). */
  | 'lapsed'
  | 'redeemed'
  | 'expired'
  | 'revoked';

export function couponPhase(coupon: Pick<Coupon, 'state' | 'validFrom' | 'expiresAt'>, now: Date): CouponPhase {
  if (coupon.state !== 'claimed') return coupon.state;
  const at = now.getTime();
  if (at < new Date(coupon.validFrom).getTime()) return 'not_yet_valid';
  if (at >= new Date(coupon.expiresAt).getTime()) return 'lapsed';
  return 'usable';
}

export const PHASE_LABELS: Record<CouponPhase, string> = {
  usable: '可使用',
  not_yet_valid: '未到使用时间',
  lapsed: '已过期',
  redeemed: '已核销',
  expired: '已过期',
  revoked: '已作废',
};

const PHASE_ORDER: Record<CouponPhase, number> = {
  usable: 0,
  not_yet_valid: 1,
  redeemed: 2,
  lapsed: 3,
  expired: 3,
  revoked: 4,
};

export interface CouponGroup<T> {
  id: 'usable' | 'later' | 'used' | 'ended';
  label: string;
  items: T[];
}

/**
 * The sidebar's order: usable coupons (the soonest to expire first), those valid later, redeemed ones (the latest
 * first), then expired and revoked ones. Empty groups are left out.
 */
export function groupCoupons<T extends Pick<Coupon, 'state' | 'validFrom' | 'expiresAt' | 'claimedAt' | 'redemption'>>(
  coupons: readonly T[],
  now: Date,
): CouponGroup<T>[] {
  const time = (value: string | null | undefined) => (value ? new Date(value).getTime() : 0);
  const sorted = [...coupons].sort((a, b) => {
    const order = PHASE_ORDER[couponPhase(a, now)] - PHASE_ORDER[couponPhase(b, now)];
    if (order) return order;
    const phase = couponPhase(a, now);
    if (phase === 'usable') return time(a.expiresAt) - time(b.expiresAt);
    if (phase === 'not_yet_valid') return time(a.validFrom) - time(b.validFrom);
    if (phase === 'redeemed') return time(b.redemption?.at) - time(a.redemption?.at);
    return time(b.claimedAt) - time(a.claimedAt);
  });
  const groups: CouponGroup<T>[] = [
    { id: 'usable', label: '可使用 Usable', items: [] },
    { id: 'later', label: '未到使用时间 Not valid yet', items: [] },
    { id: 'used', label: '已核销 Redeemed', items: [] },
    { id: 'ended', label: '已过期 / 作废 Ended', items: [] },
  ];
  const groupOf: Record<CouponPhase, CouponGroup<T>['id']> = {
    usable: 'usable',
    not_yet_valid: 'later',
    redeemed: 'used',
    lapsed: 'ended',
    expired: 'ended',
    revoked: 'ended',
  };
  for (const coupon of sorted)
    groups.find((group) => group.id === groupOf[couponPhase(coupon, now)])!.items.push(coupon);
  return groups.filter((group) => group.items.length > 0);
}

interface ClinicOption {
  id: string;
  name: string;
}

/**
 * The clinics a coupon can be redeemed at (the template's list; empty: every clinic), and the one to preselect: the
 * staff member's own clinic when the coupon is good there, else the first allowed one.
 */
export function redeemClinics<C extends ClinicOption>(
  coupon: { template: { clinicIds: readonly string[] } } | null,
  clinics: readonly C[],
  preferredClinicIds: readonly string[],
): { options: C[]; defaultId: string | null } {
  const allowed = coupon?.template.clinicIds ?? [];
  const options = allowed.length ? clinics.filter((clinic) => allowed.includes(clinic.id)) : [...clinics];
  const preferred = preferredClinicIds.find((id) => options.some((clinic) => clinic.id === id));
  return { options, defaultId: preferred ?? options[0]?.id ?? null };
}

type Staff = { roles: readonly string[] } | null | undefined;

/** `POST /api/staff/coupons/:id/undo-redemption` admits managers and admins. */
export function canUndoRedemptions(staff: Staff): boolean {
  return !!staff && staff.roles.some((role) => role === 'manager' || role === 'admin');
}

/** Whether a manager may still undo this redemption, and how many minutes are left (rounded up). */
export function undoWindow(
  coupon: Pick<Coupon, 'state' | 'redemption'>,
  staff: Staff,
  now: Date,
): { allowed: boolean; minutesLeft: number } {
  if (!canUndoRedemptions(staff) || coupon.state !== 'redeemed' || !coupon.redemption) {
    return { allowed: false, minutesLeft: 0 };
  }
  const left = new Date(coupon.redemption.at).getTime() + REDEMPTION_UNDO_MINUTES * 60_000 - now.getTime();
  return left > 0 ? { allowed: true, minutesLeft: Math.ceil(left / 60_000) } : { allowed: false, minutesLeft: 0 };
}

/** The coupon's dates line: `有效期至 2026-04-01 23:59`, `2026-03-20 10:00 起可用`, `核销于 … · 门店 · 员工`. */
export function couponDatesText(coupon: Coupon, now: Date): string {
  const phase = couponPhase(coupon, now);
  switch (phase) {
    case 'usable':
      return `有效期至 ${formatDateTime(coupon.expiresAt)}`;
    case 'not_yet_valid':
      return `${formatDateTime(coupon.validFrom)} 起可用，至 ${formatDateTime(coupon.expiresAt)}`;
    case 'redeemed':
      return coupon.redemption
        ? `核销于 ${formatDateTime(coupon.redemption.at)} · ${coupon.redemption.clinic.name} · ${coupon.redemption.staff.name}`
        : '已核销';
    case 'revoked':
      return coupon.revokedAt ? `作废于 ${formatDateTime(coupon.revokedAt)}` : '已作废';
    default:
      return `已于 ${formatDateTime(coupon.expiresAt)} 过期`;
  }
}
