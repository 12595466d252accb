import type { CampaignLanding, Coupon } from '../../../miniapp/src/coupons/types';

export const jingan = { id: '65a1b2c3d4e5f60718293c01', name: '静安旗舰店' };
export const xuhui = { id: '65a1b2c3d4e5f60718293c02', name: '徐汇店' };

let sequence = 0;

/** A claimed ¥50-off coupon valid from 2025-11-26 10:00 UTC for 30 days, at the Jing'an clinic. */
export function coupon(overrides: Partial<Coupon> = {}): Coupon {
  sequence += 1;
  return {
    id: `65a1b2c3d4e5f60718293b${String(sequence).padStart(2, '0')}`,
    code: '7K3M9Q2XHV4T8WZD',
    state: 'claimed',
    customerId: '65a1b2c3d4e5f60718293a4b',
    template: {
      id: '65a1b2c3d4e5f60718293d01',
      name: '洁牙立减券',
      description: '限洁牙项目使用',
      kind: 'amount_off',
      amountOffFen: 5_000,
      percentOff: null,
      giftDescription: null,
      minSpendFen: 0,
      serviceIds: [],
      clinicIds: [jingan.id],
      stackable: false,
    },
    campaignId: '65a1b2c3d4e5f60718293e01',
    claimedAt: '2025-11-26T10:00:00.000Z',
    validFrom: '2025-11-26T10:00:00.000Z',
    expiresAt: '2025-12-26T10:00:00.000Z',
    redemption: null,
    revokedAt: null,
    overLimitAfterMerge: false,
    ...overrides,
  };
}

export function landing(
  overrides: Partial<CampaignLanding> = {},
  offer: Partial<NonNullable<CampaignLanding['coupon']>> = {},
) {
  const value: CampaignLanding = {
    key: 'POSTER2025',
    title: '冬季洁牙季',
    description: '扫码领取洁牙立减券',
    imageUrl: null,
    status: 'active',
    staff: { name: '张伟' },
    coupon: {
      name: '洁牙立减券',
      description: '限洁牙项目使用',
      kind: 'amount_off',
      amountOffFen: 5_000,
      percentOff: null,
      giftDescription: null,
      minSpendFen: 0,
      validityText: '领取后 30 天内有效',
      clinicNames: [jingan.name],
      remaining: 99,
      held: 0,
      claim: { possible: true, reason: null, details: null },
      ...offer,
    },
    ...overrides,
  };
  return value;
}
