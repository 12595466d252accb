import { ApiError, createApiClient, type HttpRequest } from '@careloop/shared/client';
import { describe, expect, it, vi } from 'vitest';
import { createBlobFetcher } from '../../../wecom-sidebar/src/api/binary';
import { createCareloopApi } from '../../../wecom-sidebar/src/api/careloop';
import { safeStore } from '../../../wecom-sidebar/src/api/storage';
import { createTokenStore } from '../../../wecom-sidebar/src/api/tokens';
import { CLINIC_ID, CUSTOMER_ID } from './fixtures';

const COUPON_ID = '65f0000000000000000000f9';
const CAMPAIGN_ID = '65f0000000000000000000a1';

function setup() {
  const requests: HttpRequest[] = [];
  const tokens = createTokenStore(
    safeStore(() => null),
    't',
  );
  tokens.set({ accessToken: 'AT', refreshToken: 'RT', expiresIn: 900 });
  const client = createApiClient({
    baseUrl: '',
    transport: async (request) => {
      requests.push(request);
      return { status: 200, body: { items: [] } };
    },
    tokens,
  });
  return { api: createCareloopApi(client), requests, tokens };
}

describe('the coupon and campaign routes', () => {
  it('redeem from the customer’s coupons, by code, and undo, as the BFF declares them', async () => {
    const { api, requests } = setup();
    await api.customerCoupons(CUSTOMER_ID);
    await api.customerCoupons(CUSTOMER_ID, 'claimed');
    await api.redeemCoupon(CUSTOMER_ID, COUPON_ID, CLINIC_ID);
    await api.redeemCouponByCode('ABCDEFGHJKMNPQRS', CLINIC_ID);
    await api.undoRedemption(COUPON_ID);
    await api.customerAttribution(CUSTOMER_ID);
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET /api/staff/customers/${CUSTOMER_ID}/coupons`,
      `GET /api/staff/customers/${CUSTOMER_ID}/coupons?state=claimed`,
      `POST /api/staff/customers/${CUSTOMER_ID}/coupons/${COUPON_ID}/redeem`,
      'POST /api/staff/coupons/redeem',
      `POST /api/staff/coupons/${COUPON_ID}/undo-redemption`,
      `GET /api/staff/customers/${CUSTOMER_ID}/attribution`,
    ]);
    expect(requests[2]!.body).toEqual({ clinicId: CLINIC_ID });
    expect(requests[3]!.body).toEqual({ code: 'ABCDEFGHJKMNPQRS', clinicId: CLINIC_ID });
  });

  it('manage channels, templates and campaigns and read the results', async () => {
    const { api, requests } = setup();
    await api.updateChannel('65f0000000000000000000c9', { archived: true });
    await api.updateCouponTemplate('65f0000000000000000000f1', { paused: true });
    await api.updateCampaign(CAMPAIGN_ID, { end: true });
    await api.retryCampaignCodes(CAMPAIGN_ID);
    await api.campaignResults();
    await api.campaignDailyResults(CAMPAIGN_ID);
    await api.staffMembers();
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'PATCH /api/staff/channels/65f0000000000000000000c9',
      'PATCH /api/staff/coupon-templates/65f0000000000000000000f1',
      `PATCH /api/staff/campaigns/${CAMPAIGN_ID}`,
      `POST /api/staff/campaigns/${CAMPAIGN_ID}/codes/retry`,
      'GET /api/staff/campaigns/results',
      `GET /api/staff/campaigns/${CAMPAIGN_ID}/results/daily`,
      'GET /api/staff/staff-members',
    ]);
    expect(api.miniProgramCodePath(CAMPAIGN_ID)).toBe(`/api/staff/campaigns/${CAMPAIGN_ID}/codes/mini-program.png`);
  });
});

describe('the mini-program code image', () => {
  const png = () =>
    new Response(new Uint8Array([0x89, 0x50, 0x4e, 0x47]), { headers: { 'content-type': 'image/png' } });

  it('is fetched with the staff token and the page’s surface', async () => {
    const { tokens } = setup();
    const fetchImpl = vi.fn(async (_url: string, _init: RequestInit) => png());
    const fetchBlob = createBlobFetcher({ tokens, renew: vi.fn(), fetch: fetchImpl, surface: 'workbench' });
    const blob = await fetchBlob('/api/staff/campaigns/x/codes/mini-program.png');
    expect(blob.size).toBe(4);
    expect(fetchImpl.mock.calls[0]![1].headers).toEqual({
      authorization: 'Bearer AT',
      'x-careloop-surface': 'workbench',
    });
  });

  it('renews an expired session once and tries again with the new token', async () => {
    const { tokens } = setup();
    const fetchImpl = vi
      .fn(async (_url: string, _init: RequestInit) => png())
      .mockResolvedValueOnce(
        new Response(JSON.stringify({ error: { code: 'TOKEN_EXPIRED', message: 'expired' } }), { status: 401 }),
      );
    const renew = vi.fn(async () => tokens.set({ accessToken: 'AT2', refreshToken: 'RT2', expiresIn: 900 }));
    const fetchBlob = createBlobFetcher({ tokens, renew, fetch: fetchImpl });
    await fetchBlob('/x.png');
    expect(renew).toHaveBeenCalledTimes(1);
    expect(fetchImpl.mock.calls[1]![1].headers).toMatchObject({ authorization: 'Bearer AT2' });
  });

  it('turns an error answer into an ApiError like the JSON client', async () => {
    const { tokens } = setup();
    const fetchImpl = async () =>
      new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Campaign not found' } }), { status: 404 });
    const fetchBlob = createBlobFetcher({ tokens, renew: vi.fn(), fetch: fetchImpl });
    const failure = await fetchBlob('/x.png').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});
