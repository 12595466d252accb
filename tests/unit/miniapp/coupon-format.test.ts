import { describe, expect, it } from 'vitest';
import {
  benefitText,
  clinicsText,
  codeText,
  conditionText,
  couponSummary,
  dateText,
  dateTimeText,
  datesText,
  daysLeft,
  discountText,
  valueText,
  yuan,
} from '../../../miniapp/src/coupons/format';
import { coupon } from './coupon-fixtures';

const SHANGHAI = 8 * 60;
const face = { amountOffFen: null, percentOff: null, giftDescription: null, minSpendFen: 0 };

describe('coupon values', () => {
  it('shows yuan without ".00" for whole amounts and with fen otherwise', () => {
    expect(yuan(5_000)).toBe('¥50');
    expect(yuan(1_250)).toBe('¥12.50');
    expect(yuan(5)).toBe('¥0.05');
    expect(yuan(100_000_00)).toBe('¥100000');
  });

  it('turns a percentage off into the 折 the customer pays: 15% off is 8.5折', () => {
    expect(discountText(15)).toBe('8.5折');
    expect(discountText(10)).toBe('9折');
    expect(discountText(50)).toBe('5折');
    expect(discountText(1)).toBe('9.9折');
    expect(discountText(99)).toBe('0.1折');
  });

  it('shows a percent-off coupon both as 折 and as the percentage taken off', () => {
    const percent = { ...face, kind: 'percent_off' as const, percentOff: 15 };
    expect(valueText(percent)).toBe('8.5折');
    expect(benefitText(percent)).toBe('打 8.5 折（立减 15%）');
  });

  it('names each kind of coupon by what it gives', () => {
    expect(valueText({ ...face, kind: 'amount_off', amountOffFen: 5_000 })).toBe('¥50');
    expect(benefitText({ ...face, kind: 'amount_off', amountOffFen: 5_000 })).toBe('立减 ¥50');
    expect(valueText({ ...face, kind: 'free_service' })).toBe('免费');
    expect(benefitText({ ...face, kind: 'free_service' })).toBe('免费项目券');
    expect(valueText({ ...face, kind: 'gift', giftDescription: '电动牙刷一支' })).toBe('礼品');
    expect(benefitText({ ...face, kind: 'gift', giftDescription: '电动牙刷一支' })).toBe('赠送 电动牙刷一支');
  });

  it('states the minimum spend, or that there is none', () => {
    expect(conditionText({ minSpendFen: 20_000 })).toBe('满 ¥200 可用');
    expect(conditionText({ minSpendFen: 0 })).toBe('无门槛');
    expect(couponSummary({ ...face, kind: 'amount_off', amountOffFen: 5_000, minSpendFen: 20_000 })).toBe(
      '立减 ¥50 · 满 ¥200 可用',
    );
  });
});

describe('coupon dates and codes', () => {
  it('shows instants in the customer’s own zone', () => {
    // 16:30 UTC is already the next day in Shanghai.
    expect(dateText('2025-12-26T16:30:00.000Z', SHANGHAI)).toBe('2025年12月27日');
    expect(dateTimeText('2025-12-26T16:30:00.000Z', SHANGHAI)).toBe('2025年12月27日 00:30');
    expect(dateTimeText('2025-12-26T16:30:00.000Z', -5 * 60)).toBe('2025年12月26日 11:30');
    expect(dateText('not a date', SHANGHAI)).toBe('');
  });

  it('says until when a usable coupon is valid, and when the others were used, expired or revoked', () => {
    const now = Date.parse('2025-12-01T00:00:00Z');
    expect(datesText(coupon(), now, SHANGHAI)).toBe('有效期至 2025年12月26日 18:00');
    expect(datesText(coupon({ validFrom: '2025-12-10T00:00:00Z' }), now, SHANGHAI)).toBe(
      '2025年12月10日 起可用，有效期至 2025年12月26日 18:00',
    );
    const redemption = {
      at: '2025-11-30T06:05:00Z',
      clinic: { id: '65a1b2c3d4e5f60718293c01', name: '静安旗舰店' },
      staff: { id: '65a1b2c3d4e5f60718293f01', name: '刘洋' },
    };
    expect(datesText(coupon({ state: 'redeemed', redemption }), now, SHANGHAI)).toBe('2025年11月30日 14:05 已核销');
    expect(datesText(coupon({ state: 'expired' }), now, SHANGHAI)).toBe('2025年12月26日 已过期');
    expect(datesText(coupon({ state: 'revoked', revokedAt: '2025-11-28T02:00:00Z' }), now, SHANGHAI)).toBe(
      '2025年11月28日 已作废',
    );
    // Claimed but past its expiry (the server's expiry job has not run yet): expired all the same.
    expect(datesText(coupon(), Date.parse('2025-12-27T00:00:00Z'), SHANGHAI)).toBe('2025年12月26日 已过期');
  });

  it('counts the days left, rounded up', () => {
    expect(daysLeft('2025-12-03T00:00:00Z', Date.parse('2025-12-01T12:00:00Z'))).toBe(2);
    expect(daysLeft('2025-12-01T00:00:00Z', Date.parse('2025-12-01T12:00:00Z'))).toBe(0);
  });

  it('groups the code in fours for reading out at the counter', () => {
    expect(codeText('7K3M9Q2XHV4T8WZD')).toBe('7K3M 9Q2X HV4T 8WZD');
  });

  it('names the clinics, or says that every clinic takes it', () => {
    expect(clinicsText(['静安旗舰店', '徐汇店'])).toBe('静安旗舰店、徐汇店');
    expect(clinicsText([])).toBe('全部门店通用');
  });
});
