import { describe, expect, it } from 'vitest';
import {
  COUPON_TABS,
  couponStateLabel,
  groupCoupons,
  notYetValid,
  showsQr,
  shownState,
} from '../../../miniapp/src/coupons/status';
import { coupon } from './coupon-fixtures';

const NOW = Date.parse('2025-12-01T00:00:00Z');
const clinic = { id: '65a1b2c3d4e5f60718293c01', name: '静安旗舰店' };
const staff = { id: '65a1b2c3d4e5f60718293f01', name: '刘洋' };

describe('coupon states', () => {
  it('labels the states and orders the tabs usable first', () => {
    expect(COUPON_TABS.map((tab) => tab.title)).toEqual(['可使用', '已使用', '已过期', '已作废']);
    expect(['claimed', 'redeemed', 'expired', 'revoked'].map(couponStateLabel)).toEqual([
      '可使用',
      '已核销',
      '已过期',
      '已作废',
    ]);
  });

  it('shows a claimed coupon past its expiry as expired, without its QR', () => {
    const late = coupon({ expiresAt: '2025-11-30T00:00:00Z' });
    expect(shownState(late, NOW)).toBe('expired');
    expect(showsQr(late, NOW)).toBe(false);
    expect(showsQr(coupon(), NOW)).toBe(true);
    expect(showsQr(coupon({ state: 'redeemed' }), NOW)).toBe(false);
  });

  it('knows a claimed coupon whose validity has not begun', () => {
    expect(notYetValid(coupon({ validFrom: '2025-12-05T00:00:00Z' }), NOW)).toBe(true);
    expect(notYetValid(coupon(), NOW)).toBe(false);
  });

  it('groups my coupons by the state shown: usable soonest-expiring first, the others latest first', () => {
    const later = coupon({ expiresAt: '2026-01-30T00:00:00Z' });
    const sooner = coupon({ expiresAt: '2025-12-10T00:00:00Z' });
    const lapsed = coupon({ expiresAt: '2025-11-30T00:00:00Z' });
    const expired = coupon({ state: 'expired', expiresAt: '2025-11-20T00:00:00Z' });
    const usedFirst = coupon({ state: 'redeemed', redemption: { at: '2025-11-27T00:00:00Z', clinic, staff } });
    const usedLast = coupon({ state: 'redeemed', redemption: { at: '2025-11-29T00:00:00Z', clinic, staff } });
    const revoked = coupon({ state: 'revoked', revokedAt: '2025-11-28T00:00:00Z' });

    const groups = groupCoupons([later, usedFirst, expired, sooner, revoked, lapsed, usedLast], NOW);
    expect(groups.claimed).toEqual([sooner, later]);
    expect(groups.redeemed).toEqual([usedLast, usedFirst]);
    expect(groups.expired).toEqual([lapsed, expired]);
    expect(groups.revoked).toEqual([revoked]);
  });
});
