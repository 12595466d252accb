import { REDEMPTION_UNDO_MINUTES as SHARED_UNDO_MINUTES } from '@careloop/shared';
import { describe, expect, it } from 'vitest';
import {
  couponDatesText,
  couponPhase,
  couponValueText,
  eligibilityText,
  groupCoupons,
  REDEMPTION_UNDO_MINUTES,
  redeemClinics,
  undoWindow,
  validityText,
} from '../../../wecom-sidebar/src/coupons/couponView';
import type { Coupon } from '../../../wecom-sidebar/src/coupons/types';
import { CLINIC_ID, CUSTOMER_ID, SERVICE_ID, STAFF_ID } from './fixtures';

const OTHER_CLINIC = '65f0000000000000000000c2';
const NOW = new Date('2026-03-10T04:00:00.000Z'); // 12:00 in Shanghai

let seq = 0;
function coupon(overrides: Partial<Coupon> = {}, template: Partial<Coupon['template']> = {}): Coupon {
  seq += 1;
  return {
    id: (0x65f300000000 + seq).toString(16).padStart(24, '0'),
    code: 'ABCDEFGHJKMNPQRS',
    state: 'claimed',
    customerId: CUSTOMER_ID,
    template: {
      id: '65f0000000000000000000f1',
      name: '洗牙立减 50 元',
      description: '',
      kind: 'amount_off',
      amountOffFen: 5000,
      percentOff: null,
      giftDescription: null,
      minSpendFen: 0,
      serviceIds: [],
      clinicIds: [],
      stackable: false,
      ...template,
    },
    campaignId: null,
    claimedAt: '2026-03-01T02:00:00.000Z',
    validFrom: '2026-03-01T02:00:00.000Z',
    expiresAt: '2026-03-31T02:00:00.000Z',
    redemption: null,
    revokedAt: null,
    overLimitAfterMerge: false,
    ...overrides,
  };
}

const redeemed = (minutesAgo: number) =>
  coupon({
    state: 'redeemed',
    redemption: {
      at: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
      clinic: { id: CLINIC_ID, name: '静安旗舰店' },
      staff: { id: STAFF_ID, name: '张伟' },
    },
  });

describe('what a coupon gives', () => {
  it('says each kind in words, with the minimum spend when there is one', () => {
    expect(couponValueText(coupon().template)).toBe('立减 ¥50.00');
    expect(couponValueText(coupon({}, { minSpendFen: 20000 }).template)).toBe('立减 ¥50.00 · 满 ¥200.00 可用');
    expect(couponValueText(coupon({}, { kind: 'percent_off', amountOffFen: null, percentOff: 15 }).template)).toBe(
      '8.5 折（减 15%）',
    );
    expect(couponValueText(coupon({}, { kind: 'percent_off', amountOffFen: null, percentOff: 20 }).template)).toBe(
      '8 折（减 20%）',
    );
    expect(
      couponValueText(
        coupon({}, { kind: 'free_service', amountOffFen: null, serviceIds: [SERVICE_ID] }).template,
        (id) => (id === SERVICE_ID ? '洗牙' : undefined),
      ),
    ).toBe('免费：洗牙');
    expect(
      couponValueText(coupon({}, { kind: 'gift', amountOffFen: null, giftDescription: '电动牙刷' }).template),
    ).toBe('赠：电动牙刷');
  });

  it('names the validity and who may claim', () => {
    expect(validityText({ type: 'days_after_claim', days: 30 })).toBe('领取后 30 天内有效');
    expect(
      validityText({ type: 'fixed', startsAt: '2026-02-28T16:00:00.000Z', endsAt: '2026-03-31T15:59:59.000Z' }),
    ).toBe('2026-03-01 00:00 至 2026-03-31 23:59');
    expect(eligibilityText({ type: 'tagged', tag: '种植意向' })).toBe('标签「种植意向」');
    expect(eligibilityText({ type: 'new_customers' })).toContain('新客户');
  });
});

describe('where a coupon stands', () => {
  it('tells a claimed coupon that is usable from one not valid yet and one past its end', () => {
    expect(couponPhase(coupon(), NOW)).toBe('usable');
    expect(couponPhase(coupon({ validFrom: '2026-03-20T00:00:00.000Z' }), NOW)).toBe('not_yet_valid');
    expect(couponPhase(coupon({ expiresAt: '2026-03-10T03:59:59.000Z' }), NOW)).toBe('lapsed');
    expect(couponPhase(coupon({ state: 'revoked' }), NOW)).toBe('revoked');
  });

  it('lists usable coupons first (soonest to expire first), then later ones, redeemed, and ended ones', () => {
    const later = coupon({ validFrom: '2026-04-01T00:00:00.000Z', expiresAt: '2026-05-01T00:00:00.000Z' });
    const soon = coupon({ expiresAt: '2026-03-12T00:00:00.000Z' });
    const usable = coupon();
    const old = redeemed(600);
    const recent = redeemed(5);
    const expired = coupon({ state: 'expired' });
    const groups = groupCoupons([expired, old, later, usable, recent, soon], NOW);
    expect(groups.map((group) => group.id)).toEqual(['usable', 'later', 'used', 'ended']);
    expect(groups[0]!.items).toEqual([soon, usable]);
    expect(groups[2]!.items).toEqual([recent, old]);
    expect(groups[3]!.items).toEqual([expired]);
  });

  it('leaves empty groups out', () => {
    expect(groupCoupons([coupon()], NOW).map((group) => group.id)).toEqual(['usable']);
    expect(groupCoupons([], NOW)).toEqual([]);
  });

  it('says when a redeemed coupon was used, where and by whom', () => {
    expect(couponDatesText(redeemed(5), NOW)).toBe('核销于 2026-03-10 11:55 · 静安旗舰店 · 张伟');
    expect(couponDatesText(coupon(), NOW)).toBe('有效期至 2026-03-31 10:00');
  });
});

describe('the clinic of a redemption', () => {
  const clinics = [
    { id: CLINIC_ID, name: '静安旗舰店' },
    { id: OTHER_CLINIC, name: '浦东店' },
  ];

  it('defaults to the staff member’s own clinic', () => {
    expect(redeemClinics(coupon(), clinics, [OTHER_CLINIC])).toEqual({ options: clinics, defaultId: OTHER_CLINIC });
  });

  it('offers only the clinics the coupon is good at, and the first of them when the staff member’s is not one', () => {
    const onlyJingan = coupon({}, { clinicIds: [CLINIC_ID] });
    expect(redeemClinics(onlyJingan, clinics, [OTHER_CLINIC])).toEqual({ options: [clinics[0]], defaultId: CLINIC_ID });
  });

  it('falls back to the first clinic when the staff member has none', () => {
    expect(redeemClinics(null, clinics, []).defaultId).toBe(CLINIC_ID);
    expect(redeemClinics(null, [], []).defaultId).toBeNull();
  });
});

describe('undoing a redemption', () => {
  const manager = { roles: ['manager'] };
  const consultant = { roles: ['staff'] };

  it('is the shared window', () => {
    expect(REDEMPTION_UNDO_MINUTES).toBe(SHARED_UNDO_MINUTES);
  });

  it('is offered to managers within the window, with the minutes left', () => {
    expect(undoWindow(redeemed(5), manager, NOW)).toEqual({ allowed: true, minutesLeft: 25 });
    expect(undoWindow(redeemed(29.5), { roles: ['admin'] }, NOW)).toEqual({ allowed: true, minutesLeft: 1 });
  });

  it('is not offered after the window, to other staff, or for a coupon not redeemed', () => {
    expect(undoWindow(redeemed(30), manager, NOW).allowed).toBe(false);
    expect(undoWindow(redeemed(5), consultant, NOW).allowed).toBe(false);
    expect(undoWindow(coupon(), manager, NOW).allowed).toBe(false);
    expect(undoWindow(redeemed(5), null, NOW).allowed).toBe(false);
  });
});
