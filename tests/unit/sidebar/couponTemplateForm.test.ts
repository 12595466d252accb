import { CreateCouponTemplateRequest } from '@careloop/shared';
import { describe, expect, it } from 'vitest';
import {
  buildCouponTemplateRequest,
  checkStockChange,
  emptyCouponTemplateDraft,
  stockText,
  type CouponTemplateDraft,
} from '../../../wecom-sidebar/src/coupons/templateForm';
import { CLINIC_ID, SERVICE_ID } from './fixtures';

const NOW = new Date('2026-03-10T04:00:00.000Z');
const draft = (overrides: Partial<CouponTemplateDraft> = {}): CouponTemplateDraft => ({
  ...emptyCouponTemplateDraft(NOW),
  name: '洗牙立减 50 元',
  amountOffYuan: '50',
  ...overrides,
});
const errorsOf = <E>(result: { ok: true } | { ok: false; errors: E }): Partial<E> => (result.ok ? {} : result.errors);

describe('the coupon template form', () => {
  it('builds an amount-off template the BFF’s schema accepts', () => {
    const result = buildCouponTemplateRequest(
      draft({ amountOffYuan: '¥49.9', minSpendYuan: '200', clinicIds: [CLINIC_ID, CLINIC_ID], perPersonLimit: '2' }),
    );
    expect(result).toMatchObject({
      ok: true,
      request: {
        kind: 'amount_off',
        amountOffFen: 4990,
        percentOff: null,
        giftDescription: null,
        minSpendFen: 20000,
        clinicIds: [CLINIC_ID],
        validity: { type: 'days_after_claim', days: 30 },
        totalStock: 100,
        perPersonLimit: 2,
        eligibility: { type: 'all' },
        stackable: false,
      },
    });
    expect(CreateCouponTemplateRequest.safeParse(result.ok && result.request).success).toBe(true);
  });

  it('sends only the value field of the kind chosen', () => {
    const percent = buildCouponTemplateRequest(draft({ kind: 'percent_off', percentOff: '20' }));
    expect(percent).toMatchObject({ ok: true, request: { amountOffFen: null, percentOff: 20, giftDescription: null } });
    const gift = buildCouponTemplateRequest(draft({ kind: 'gift', giftDescription: ' 电动牙刷 ' }));
    expect(gift).toMatchObject({ ok: true, request: { amountOffFen: null, giftDescription: '电动牙刷' } });
    for (const result of [percent, gift]) {
      expect(CreateCouponTemplateRequest.safeParse(result.ok && result.request).success).toBe(true);
    }
  });

  it('asks a free-service coupon for its services', () => {
    expect(errorsOf(buildCouponTemplateRequest(draft({ kind: 'free_service' }))).serviceIds).toBeDefined();
    const result = buildCouponTemplateRequest(draft({ kind: 'free_service', serviceIds: [SERVICE_ID] }));
    expect(result).toMatchObject({ ok: true, request: { amountOffFen: null, serviceIds: [SERVICE_ID] } });
    expect(CreateCouponTemplateRequest.safeParse(result.ok && result.request).success).toBe(true);
  });

  it('turns fixed dates into the organisation’s whole days', () => {
    const result = buildCouponTemplateRequest(
      draft({ validityType: 'fixed', validFrom: '2026-03-01', validTo: '2026-03-31' }),
    );
    expect(result).toMatchObject({
      ok: true,
      request: {
        validity: { type: 'fixed', startsAt: '2026-02-28T16:00:00.000Z', endsAt: '2026-03-31T15:59:59.000Z' },
      },
    });
  });

  it('refuses an end before the start, and a missing end', () => {
    const backwards = buildCouponTemplateRequest(
      draft({ validityType: 'fixed', validFrom: '2026-03-10', validTo: '2026-03-01' }),
    );
    expect(errorsOf(backwards).validTo).toContain('不早于');
    expect(errorsOf(buildCouponTemplateRequest(draft({ validityType: 'fixed', validTo: '' }))).validTo).toBeDefined();
  });

  it('names every field that is wrong at once', () => {
    const errors = errorsOf(
      buildCouponTemplateRequest(
        draft({
          name: ' ',
          amountOffYuan: '12.345',
          minSpendYuan: '-1',
          validDays: '0',
          totalStock: '0',
          perPersonLimit: '101',
          eligibility: 'tagged',
          eligibilityTag: 'a/b',
        }),
      ),
    );
    expect(Object.keys(errors).sort()).toEqual(
      ['amountOffYuan', 'eligibilityTag', 'minSpendYuan', 'name', 'perPersonLimit', 'totalStock', 'validDays'].sort(),
    );
  });

  it('sends the tag of a tagged eligibility', () => {
    const result = buildCouponTemplateRequest(draft({ eligibility: 'tagged', eligibilityTag: ' 种植  意向 ' }));
    expect(result).toMatchObject({ ok: true, request: { eligibility: { type: 'tagged', tag: '种植 意向' } } });
  });
});

describe('changing the stock', () => {
  it('accepts no less than what was issued', () => {
    expect(checkStockChange({ issued: 40 }, '40')).toEqual({ ok: true, request: 40 });
    expect(checkStockChange({ issued: 40 }, '39')).toMatchObject({
      ok: false,
      errors: { stock: expect.stringContaining('40') },
    });
    expect(checkStockChange({ issued: 0 }, 'x')).toMatchObject({ ok: false });
  });

  it('shows what is left', () => {
    expect(stockText({ totalStock: 100, issued: 30 })).toBe('剩余 70 / 100');
  });
});
