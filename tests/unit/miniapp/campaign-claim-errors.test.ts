import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import { claimBlock, claimProblem, eligibilityText } from '../../../miniapp/src/coupons/errors';

const refusal = (status: number, code: string, details?: unknown) => new ApiError(status, code, code, details);

describe('claim errors', () => {
  it('says each refusal plainly, in Chinese', () => {
    expect(claimProblem(refusal(409, 'OUT_OF_STOCK')).message).toContain('售罄');
    expect(claimProblem(refusal(409, 'LIMIT_REACHED')).message).toContain('已达领取上限');
    expect(claimProblem(refusal(409, 'CAMPAIGN_ENDED')).message).toContain('活动已结束');
    expect(claimProblem(refusal(409, 'CAMPAIGN_NOT_STARTED')).message).toContain('活动未开始');
    expect(claimProblem(refusal(404, 'NOT_FOUND')).message).toContain('活动不存在');
    expect(claimProblem(refusal(403, 'NOT_ELIGIBLE')).message).toBe('不符合领取条件：此券仅限指定客户领取');
  });

  it('says who may claim when the customer is not eligible', () => {
    expect(claimProblem(refusal(403, 'NOT_ELIGIBLE', { reason: 'new_customers' })).message).toBe(
      '不符合领取条件：仅限新客领取',
    );
    expect(claimProblem(refusal(403, 'NOT_ELIGIBLE', { reason: 'tagged', tag: 'VIP' })).message).toBe(
      '不符合领取条件：需要「VIP」标签，仅限带有该标签的客户领取',
    );
    expect(claimProblem(refusal(403, 'NOT_ELIGIBLE', { reason: 'verified_hcp' })).message).toBe(
      '不符合领取条件：仅限认证医生领取',
    );
    // As the BFF names them.
    expect(eligibilityText({ reason: 'not_new_customer' })).toBe('仅限新客领取');
    expect(eligibilityText({ reason: 'missing_tag' })).toBe('需要特定标签，仅限指定客户领取');
    expect(eligibilityText({ reason: 'not_verified_hcp' })).toBe('仅限认证医生领取');
    expect(eligibilityText({ eligibility: { type: 'tagged', tag: '种植意向' } })).toBe(
      '需要「种植意向」标签，仅限带有该标签的客户领取',
    );
    expect(eligibilityText({ reason: 'tagged' })).toBe('需要特定标签，仅限指定客户领取');
    expect(eligibilityText(undefined)).toBe('');
  });

  it('treats a refusal as a definite answer, and a lost or failed request as an unknown outcome', () => {
    expect(claimProblem(refusal(409, 'OUT_OF_STOCK')).unknownOutcome).toBe(false);
    expect(claimProblem(refusal(400, 'VALIDATION_FAILED')).unknownOutcome).toBe(false);
    const lost = claimProblem(new ApiError(0, 'NETWORK_ERROR', 'Network request failed'));
    expect(lost).toEqual({
      code: 'NETWORK_ERROR',
      message: '网络连接失败，请重试（不会重复领取）',
      unknownOutcome: true,
    });
    expect(claimProblem(refusal(503, 'DATABASE_UNAVAILABLE')).unknownOutcome).toBe(true);
    expect(claimProblem(new ApiError(502, 'HTTP_502', 'Bad gateway')).unknownOutcome).toBe(true);
  });

  it('explains why the landing page’s coupon cannot be claimed before any tap', () => {
    expect(claimBlock({ possible: true, reason: null })).toBeNull();
    expect(claimBlock({ possible: false, reason: 'OUT_OF_STOCK' })).toMatchObject({ label: '已售罄' });
    expect(claimBlock({ possible: false, reason: 'LIMIT_REACHED' })).toMatchObject({ label: '已达领取上限' });
    expect(claimBlock({ possible: false, reason: 'CAMPAIGN_ENDED' })).toMatchObject({ label: '活动已结束' });
    expect(claimBlock({ possible: false, reason: 'CAMPAIGN_NOT_STARTED' })).toMatchObject({ label: '活动未开始' });
    expect(claimBlock({ possible: false, reason: 'NOT_ELIGIBLE' })).toEqual({
      code: 'NOT_ELIGIBLE',
      label: '不符合领取条件',
      message: '不符合领取条件：此券仅限指定客户领取',
    });
    const notEligible = (details: Record<string, unknown>) =>
      claimBlock({ possible: false, reason: 'NOT_ELIGIBLE', details })?.message;
    expect(notEligible({ reason: 'not_new_customer' })).toBe('不符合领取条件：仅限新客领取');
    expect(notEligible({ reason: 'not_verified_hcp' })).toBe('不符合领取条件：仅限认证医生领取');
    expect(notEligible({ reason: 'missing_tag', tag: 'VIP' })).toBe(
      '不符合领取条件：需要「VIP」标签，仅限带有该标签的客户领取',
    );
  });

  it('still disables the button for a reason it does not know', () => {
    expect(claimBlock({ possible: false, reason: 'TEMPLATE_PAUSED' })).toEqual({
      code: 'TEMPLATE_PAUSED',
      label: '暂不可领取',
      message: '这张优惠券暂时无法领取',
    });
  });
});
