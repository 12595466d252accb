import { errorStatus } from '@careloop/shared';
import { ApiError } from '@careloop/shared/client';
import { describe, expect, it } from 'vitest';
import { normaliseCouponCode } from '../../../wecom-sidebar/src/coupons/code';
import { explainCouponError, NOT_REDEEMABLE_REASONS } from '../../../wecom-sidebar/src/coupons/errors';

const notRedeemable = (details: unknown) =>
  new ApiError(409, 'COUPON_NOT_REDEEMABLE', 'Coupon cannot be redeemed', details);

describe('redemption errors', () => {
  it('say why a coupon cannot be redeemed, from the reason the server gives', () => {
    for (const [reason, sentence] of Object.entries(NOT_REDEEMABLE_REASONS)) {
      const text = explainCouponError(notRedeemable({ reason }), 'redeem');
      expect(text).toContain(sentence);
      expect(text).toContain('COUPON_NOT_REDEEMABLE');
    }
  });

  it('add when an already redeemed coupon was used', () => {
    const text = explainCouponError(
      notRedeemable({ reason: 'already_redeemed', redeemedAt: '2026-03-10T03:55:00.000Z' }),
      'redeem',
    );
    expect(text).toContain('已经核销过了');
    expect(text).toContain('2026-03-10 11:55');
  });

  it('fall back to a general sentence for a reason the page does not know', () => {
    expect(explainCouponError(notRedeemable({ reason: 'something_new' }), 'redeem')).toContain('当前不能核销');
    expect(explainCouponError(notRedeemable(undefined), 'redeem')).toContain('当前不能核销');
  });

  it('explain a code nobody has, an undo too late, and an undo by a consultant', () => {
    expect(explainCouponError(new ApiError(404, 'NOT_FOUND', 'Coupon not found'), 'redeem-by-code')).toContain(
      '没有找到这个券码',
    );
    expect(explainCouponError(new ApiError(409, 'COUPON_UNDO_WINDOW_PASSED', 'Too late'), 'undo')).toContain(
      '超过 30 分钟',
    );
    expect(explainCouponError(new ApiError(403, 'FORBIDDEN', 'Forbidden'), 'undo')).toContain('只有店长或管理员');
  });

  it('have a sentence for every coupon and campaign code the API answers with', () => {
    const codes = Object.keys(errorStatus).filter((code) => /COUPON|STOCK|LIMIT|ELIGIBLE|CAMPAIGN/.test(code));
    expect(codes.length).toBeGreaterThanOrEqual(7);
    for (const code of codes) {
      const text = explainCouponError(new ApiError(409, code, 'm'), 'redeem');
      expect(text, code).not.toBe('m (' + code + ')');
    }
  });
});

describe('the coupon code', () => {
  it('reads a typed or scanned code with spaces, dashes and lower case', () => {
    expect(normaliseCouponCode(' abcd-efgh jkmn-pqrs ')).toEqual({ ok: true, code: 'ABCDEFGHJKMNPQRS' });
  });

  it('reads the letters Crockford reads as digits as those digits', () => {
    expect(normaliseCouponCode('OOOOIIIILLLL2345')).toEqual({ ok: true, code: '0000111111112345' });
  });

  it('takes the code out of a scanned link', () => {
    expect(normaliseCouponCode('https://clinic.example/m/#/pages/coupons/show?code=ABCDEFGHJKMNPQRS&x=1')).toEqual({
      ok: true,
      code: 'ABCDEFGHJKMNPQRS',
    });
  });

  it('refuses an empty, a short and an invalid code', () => {
    expect(normaliseCouponCode('  ')).toMatchObject({ ok: false });
    expect(normaliseCouponCode('ABC')).toMatchObject({ ok: false, error: expect.stringContaining('16') });
    expect(normaliseCouponCode('UUUUUUUUUUUUUUUU')).toMatchObject({
      ok: false,
      error: expect.stringContaining('无效'),
    });
  });
});
