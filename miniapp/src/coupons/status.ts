import type { Coupon, CouponState } from './types';

/** The Coupons tab's tabs, in order: usable first. */
export const COUPON_TABS: readonly { state: CouponState; title: string }[] = [
  { state: 'claimed', title: '可使用' },
  { state: 'redeemed', title: '已使用' },
  { state: 'expired', title: '已过期' },
  { state: 'revoked', title: '已作废' },
];

const LABELS: Record<CouponState, string> = {
  claimed: '可使用',
  redeemed: '已核销',
  expired: '已过期',
  revoked: '已作废',
};

/** The badge of a coupon state: 可使用, 已核销, 已过期, 已作废. */
export function couponStateLabel(state: string): string {
  return LABELS[state as CouponState] ?? state;
}

/**
 * The state to show: the server's, except that a claimed coupon past its expiry reads as expired straight away
 * (the server's expiry job may not have run yet; staff could not redeem it anyway).
 */
export function shownState(coupon: Pick<Coupon, 'state' | 'expiresAt'>, now: number): CouponState {
  if (coupon.state === 'claimed' && Date.parse(coupon.expiresAt) <= now) return 'expired';
  return coupon.state;
}

/** A claimed coupon whose validity has not begun yet (fixed dates in the future). */
export function notYetValid(coupon: Pick<Coupon, 'state' | 'validFrom'>, now: number): boolean {
  return coupon.state === 'claimed' && Date.parse(coupon.validFrom) > now;
}

/** Only a usable coupon shows its QR: staff scan it to redeem. */
export function showsQr(coupon: Pick<Coupon, 'state' | 'expiresAt'>, now: number): boolean {
  return shownState(coupon, now) === 'claimed';
}

function time(iso: string | null | undefined): number {
  const value = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(value) ? 0 : value;
}

/**
 * My coupons by the state shown, each group in the order that helps: usable ones expiring soonest first, the
 * others most recent first.
 */
export function groupCoupons<T extends Pick<Coupon, 'state' | 'expiresAt' | 'claimedAt' | 'redemption' | 'revokedAt'>>(
  items: readonly T[],
  now: number,
): Record<CouponState, T[]> {
  const groups: Record<CouponState, T[]> = { claimed: [], redeemed: [], expired: [], revoked: [] };
  for (const item of items) groups[shownState(item, now)].push(item);
  groups.claimed.sort((a, b) => time(a.expiresAt) - time(b.expiresAt));
  groups.redeemed.sort((a, b) => time(b.redemption?.at) - time(a.redemption?.at));
  groups.expired.sort((a, b) => time(b.expiresAt) - time(a.expiresAt));
  groups.revoked.sort((a, b) => time(b.revokedAt) - time(a.revokedAt));
  return groups;
}
