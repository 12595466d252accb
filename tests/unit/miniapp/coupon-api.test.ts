import { describe, expect, it } from 'vitest';
import { createApiClient } from '@careloop/shared/client';
import { createCouponApi } from '../../../miniapp/src/coupons/api';
import { coupon, landing } from './coupon-fixtures';
import { fakeTransport } from './fakes';

const tokens = {
  get: () => ({ accessToken: 'a', refreshToken: 'r', expiresIn: 900 }),
  set: () => {},
};

/** The page's scan report, sent again with a claim. */
const pageScan = { scanId: 'scan-0001', via: 'mini_program_code' } as const;

function api(routes: Parameters<typeof fakeTransport>[0]) {
  const fake = fakeTransport(routes);
  return { ...fake, coupons: createCouponApi(createApiClient({ baseUrl: '', transport: fake.transport, tokens })) };
}

describe('coupon API', () => {
  it('calls the campaign and coupon routes as the signed-in customer', async () => {
    const mine = coupon();
    const { coupons, requests } = api({
      'GET /api/mp/campaigns/POSTER2025': () => ({ status: 200, body: landing() }),
      'POST /api/mp/campaigns/POSTER2025/scan': () => ({ status: 200, body: { firstTouch: true } }),
      'POST /api/mp/campaigns/POSTER2025/claim': () => ({ status: 201, body: mine }),
      'GET /api/mp/coupons': () => ({ status: 200, body: { items: [mine] } }),
      'GET /api/mp/coupons?state=redeemed': () => ({ status: 200, body: { items: [] } }),
      [`GET /api/mp/coupons/${mine.id}`]: () => ({ status: 200, body: mine }),
    });

    expect(await coupons.landing('POSTER2025')).toEqual(landing());
    expect(await coupons.reportScan('POSTER2025', { scanId: 'scan-0001', via: 'mini_program_code' })).toEqual({
      firstTouch: true,
    });
    expect(await coupons.claim('POSTER2025', 'claim-0001', pageScan)).toEqual(mine);
    expect(await coupons.coupons()).toEqual([mine]);
    expect(await coupons.coupons('redeemed')).toEqual([]);
    expect(await coupons.coupon(mine.id)).toEqual(mine);

    expect(requests.every((request) => request.headers.authorization === 'Bearer a')).toBe(true);
    expect(requests.find((r) => r.url.endsWith('/scan'))?.body).toEqual({
      scanId: 'scan-0001',
      via: 'mini_program_code',
    });
    expect(requests.find((r) => r.url.endsWith('/claim'))?.body).toEqual({ requestId: 'claim-0001', scan: pageScan });
  });

  it('turns an answer without the expected fields into a clear error', async () => {
    const { coupons } = api({
      'GET /api/mp/campaigns/POSTER2025': () => ({ status: 200, body: { title: '冬季洁牙季' } }),
      'POST /api/mp/campaigns/POSTER2025/claim': () => ({ status: 201, body: { id: 'x' } }),
      'GET /api/mp/coupons': () => ({ status: 200, body: { items: [{ ...coupon(), state: 'lost' }] } }),
      'POST /api/mp/campaigns/POSTER2025/scan': () => ({ status: 200, body: {} }),
    });
    await expect(coupons.landing('POSTER2025')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(coupons.claim('POSTER2025', 'claim-0001', pageScan)).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(coupons.coupons()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(coupons.reportScan('POSTER2025', { scanId: 'scan-0001', via: 'link' })).rejects.toMatchObject({
      code: 'BAD_RESPONSE',
    });
  });

  it('passes claim refusals on with their codes and details', async () => {
    const { coupons } = api({
      'POST /api/mp/campaigns/POSTER2025/claim': () => ({
        status: 403,
        body: { error: { code: 'NOT_ELIGIBLE', message: 'Not eligible', details: { reason: 'verified_hcp' } } },
      }),
    });
    await expect(coupons.claim('POSTER2025', 'claim-0001', pageScan)).rejects.toMatchObject({
      status: 403,
      code: 'NOT_ELIGIBLE',
      details: { reason: 'verified_hcp' },
    });
  });
});
