/**
 * How a coupon reads on screen: its value (yuan, or 折 for a percentage off), its condition, its dates in the
 * customer's own time (the device's zone: an expiry is an instant, and the customer wants to know it in their day)
 * and its code. Money is in fen and handled in integers.
 */
import type { Coupon, LandingCoupon } from './types';

type CouponValue = Pick<LandingCoupon, 'kind' | 'amountOffFen' | 'percentOff' | 'giftDescription' | 'minSpendFen'>;

/** Fen as yuan, without ".00" for whole yuan: 5000 → "¥50", 1250 → "¥12.50", 5 → "¥0.05". */
export function yuan(fen: number): string {
  const value = Math.max(0, Math.round(Number.isFinite(fen) ? fen : 0));
  const cents = value % 100;
  return `¥${Math.floor(value / 100)}${cents === 0 ? '' : `.${String(cents).padStart(2, '0')}`}`;
}

/**
 * A percentage off as the Chinese discount it is: 15% off means paying 85%, "8.5折"; 10% off → "9折"; 50% → "5折".
 */
export function discountText(percentOff: number): string {
  const paid = 100 - Math.min(99, Math.max(1, Math.round(percentOff)));
  const tenths = paid % 10;
  return `${Math.floor(paid / 10)}${tenths === 0 ? '' : `.${tenths}`}折`;
}

/** The big figure on a coupon: "¥50", "8.5折", "免费", "礼品". */
export function valueText(coupon: CouponValue): string {
  switch (coupon.kind) {
    case 'amount_off':
      return yuan(coupon.amountOffFen ?? 0);
    case 'percent_off':
      return discountText(coupon.percentOff ?? 0);
    case 'free_service':
      return '免费';
    default:
      return '礼品';
  }
}

/** What the coupon does, in words: "立减 ¥50", "打 8.5 折（立减 15%）", "免费项目券", or the gift. */
export function benefitText(coupon: CouponValue): string {
  switch (coupon.kind) {
    case 'amount_off':
      return `立减 ${yuan(coupon.amountOffFen ?? 0)}`;
    case 'percent_off': {
      const percent = coupon.percentOff ?? 0;
      return `打 ${discountText(percent).replace('折', '')} 折（立减 ${percent}%）`;
    }
    case 'free_service':
      return '免费项目券';
    default:
      return coupon.giftDescription ? `赠送 ${coupon.giftDescription}` : '礼品券';
  }
}

/** "满 ¥200 可用" or "无门槛". */
export function conditionText(coupon: Pick<CouponValue, 'minSpendFen'>): string {
  return coupon.minSpendFen > 0 ? `满 ${yuan(coupon.minSpendFen)} 可用` : '无门槛';
}

/** "立减 ¥50 · 满 ¥200 可用". */
export function couponSummary(coupon: CouponValue): string {
  return `${benefitText(coupon)} · ${conditionText(coupon)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The instant shifted into the zone at `offsetMinutes` east of UTC (read back with the UTC getters). */
function shifted(iso: string, offsetMinutes: number | undefined): Date | null {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return null;
  const offset = offsetMinutes ?? -new Date(time).getTimezoneOffset();
  return new Date(time + offset * 60_000);
}

/**
 * "2025年12月26日" in the customer's zone (the device's, unless `offsetMinutes` east of UTC is given).
 */
export function dateText(iso: string, offsetMinutes?: number): string {
  const at = shifted(iso, offsetMinutes);
  if (!at) return '';
  return `${at.getUTCFullYear()}年${at.getUTCMonth() + 1}月${at.getUTCDate()}日`;
}

/** "2025年12月26日 14:30" in the customer's zone (the device's, unless `offsetMinutes` east of UTC is given). */
export function dateTimeText(iso: string, offsetMinutes?: number): string {
  const at = shifted(iso, offsetMinutes);
  if (!at) return '';
  return `${dateText(iso, offsetMinutes)} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;
}

type Dated = Pick<Coupon, 'state' | 'validFrom' | 'expiresAt' | 'redemption' | 'revokedAt'>;

/** The line of dates under a coupon: until when it can be used, or when it was used, expired or revoked. */
export function datesText(coupon: Dated, now: number, offsetMinutes?: number): string {
  switch (coupon.state) {
    case 'redeemed':
      return coupon.redemption ? `${dateTimeText(coupon.redemption.at, offsetMinutes)} 已核销` : '已核销';
    case 'revoked':
      return coupon.revokedAt ? `${dateText(coupon.revokedAt, offsetMinutes)} 已作废` : '已作废';
    case 'expired':
      return `${dateText(coupon.expiresAt, offsetMinutes)} 已过期`;
    default:
      if (Date.parse(coupon.expiresAt) <= now) return `${dateText(coupon.expiresAt, offsetMinutes)} 已过期`;
      if (Date.parse(coupon.validFrom) > now) {
        return `${dateText(coupon.validFrom, offsetMinutes)} 起可用，有效期至 ${dateTimeText(coupon.expiresAt, offsetMinutes)}`;
      }
      return `有效期至 ${dateTimeText(coupon.expiresAt, offsetMinutes)}`;
  }
}

/** Whole days left before a claimed coupon expires, rounded up (0 once expired). */
export function daysLeft(expiresAt: string, now: number): number {
  const left = Date.parse(expiresAt) - now;
  return Number.isNaN(left) || left <= 0 ? 0 : Math.ceil(left / 86_400_000);
}

/** The coupon code in groups of four, easy to read out at the counter: "ABCD EFGH JKMN PQRS". */
export function codeText(code: string): string {
  return code.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

/** Where the coupon can be used: the clinics' names, or every clinic when it names none. */
export function clinicsText(names: readonly string[]): string {
  return names.length > 0 ? names.join('、') : '全部门店通用';
}
