import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import type { CouponApi } from '../../../miniapp/src/coupons/api';
import { claimAction, createCampaignLanding } from '../../../miniapp/src/coupons/landing';
import type { CampaignLanding, Coupon } from '../../../miniapp/src/coupons/types';
import { coupon, landing } from './coupon-fixtures';

const networkError = () => new ApiError(0, 'NETWORK_ERROR', 'Network request failed');
const refusal = (code: string, details?: unknown) => new ApiError(409, code, code, details);

type LandingApi = Pick<CouponApi, 'landing' | 'reportScan' | 'claim'>;

/** A server for one campaign: answers (or fails) as told, and records every call. */
function fakeServer(initial: CampaignLanding = landing()) {
  let page = initial;
  const scans: { scanId: string; via: string }[] = [];
  const claims: string[] = [];
  const issued = new Map<string, Coupon>();
  let scanFailures: unknown[] = [];
  let claimFailures: unknown[] = [];
  let landingFailure: unknown = null;
  const api: LandingApi = {
    async landing() {
      if (landingFailure) throw landingFailure;
      return page;
    },
    async reportScan(_key, scan) {
      scans.push(scan);
      const failure = scanFailures.shift();
      if (failure) throw failure;
      return { firstTouch: scans.length === 1 };
    },
    async claim(_key, requestId) {
      claims.push(requestId);
      const failure = claimFailures.shift();
      // A lost answer: the coupon was issued, the reply never arrived.
      if (failure === 'issued-then-lost') {
        issued.set(requestId, coupon());
        page = landing(
          {},
          { remaining: 98, held: 1, claim: { possible: false, reason: 'LIMIT_REACHED', details: null } },
        );
        throw networkError();
      }
      if (failure) throw failure;
      const known = issued.get(requestId);
      if (known) return known;
      const issuedCoupon = coupon();
      issued.set(requestId, issuedCoupon);
      page = landing(
        {},
        { remaining: 98, held: 1, claim: { possible: false, reason: 'LIMIT_REACHED', details: null } },
      );
      return issuedCoupon;
    },
  };
  return {
    api,
    scans,
    claims,
    issued,
    failScans: (...failures: unknown[]) => void (scanFailures = failures),
    failClaims: (...failures: unknown[]) => void (claimFailures = failures),
    failLanding: (failure: unknown) => void (landingFailure = failure),
    setPage: (next: CampaignLanding) => void (page = next),
  };
}

let ids = 0;
function store(server: ReturnType<typeof fakeServer>, via: 'mini_program_code' | 'share' = 'mini_program_code') {
  const sleeps: number[] = [];
  const landingStore = createCampaignLanding({
    api: server.api,
    entry: { key: 'POSTER2025', via },
    newId: () => `id-${String(++ids).padStart(6, '0')}`,
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { landing: landingStore, sleeps };
}

describe('campaign landing page', () => {
  it('shows what the campaign offers, with the claim button enabled', async () => {
    const { landing: page } = store(fakeServer());
    await page.load();
    expect(page.getState().landing).toEqual({ status: 'ready', value: landing() });
    expect(claimAction(page.getState())).toEqual({
      label: '立即领取',
      enabled: true,
      loading: false,
      blocked: null,
      error: null,
    });
  });

  it('says the campaign does not exist for an unknown key', async () => {
    const server = fakeServer();
    server.failLanding(new ApiError(404, 'NOT_FOUND', 'Campaign not found'));
    const { landing: page } = store(server);
    await page.load();
    expect(page.getState().landing).toEqual({ status: 'error', message: '活动不存在，请确认二维码是否正确' });
  });

  it('shows the button disabled, with the reason, before any tap', async () => {
    const server = fakeServer(
      landing({}, { remaining: 0, claim: { possible: false, reason: 'OUT_OF_STOCK', details: null } }),
    );
    const { landing: page } = store(server);
    await page.load();
    expect(claimAction(page.getState())).toMatchObject({
      label: '已售罄',
      enabled: false,
      blocked: '优惠券已售罄，下次早点来哦',
    });
    await page.claim();
    expect(server.claims).toEqual([]);
  });

  it('reports the scan once per page open, with how the page was reached', async () => {
    const server = fakeServer();
    const { landing: page } = store(server, 'share');
    await Promise.all([page.reportScan(), page.reportScan()]);
    await page.reportScan();
    expect(server.scans).toHaveLength(1);
    expect(server.scans[0]!.via).toBe('share');
    expect(page.getState().scan).toEqual({ status: 'reported', firstTouch: true });
  });

  it('sends a scan report that got no answer again with the same scanId', async () => {
    const server = fakeServer();
    server.failScans(networkError(), new ApiError(503, 'DATABASE_UNAVAILABLE', 'down'));
    const { landing: page, sleeps } = store(server);
    await page.reportScan();
    expect(server.scans).toHaveLength(3);
    expect(new Set(server.scans.map((scan) => scan.scanId)).size).toBe(1);
    expect(sleeps).toEqual([2_000, 4_000]);
    expect(page.getState().scan.status).toBe('reported');
  });

  it('gives up on a scan report the server refused, and after the retries', async () => {
    const refused = fakeServer();
    refused.failScans(refusal('CAMPAIGN_ENDED'));
    const first = store(refused);
    await first.landing.reportScan();
    expect(refused.scans).toHaveLength(1);
    expect(first.landing.getState().scan.status).toBe('failed');

    const offline = fakeServer();
    offline.failScans(networkError(), networkError(), networkError(), networkError(), networkError());
    const second = store(offline);
    await second.landing.reportScan();
    expect(offline.scans).toHaveLength(4); // the first and three retries
    expect(second.landing.getState().scan.status).toBe('failed');
  });

  it('claims the coupon and shows it, then what is left to claim', async () => {
    const server = fakeServer();
    const { landing: page } = store(server);
    await page.load();
    await page.claim();
    const state = page.getState();
    expect(state.claimed).toEqual([...server.issued.values()][0]);
    expect(state.claim).toEqual({ status: 'idle' });
    expect(state.landing.status === 'ready' && state.landing.value.coupon?.held).toBe(1);
    expect(claimAction(state)).toMatchObject({ label: '已达领取上限', enabled: false });
  });

  it('retries a claim whose answer was lost with the same requestId, and gets the coupon issued then', async () => {
    const server = fakeServer();
    server.failClaims('issued-then-lost');
    const { landing: page } = store(server);
    await page.load();
    await page.claim();
    expect(page.getState().claim).toMatchObject({ status: 'failed', problem: { code: 'NETWORK_ERROR' } });
    // The page now says the limit is reached (the lost claim's coupon), yet the retry is offered.
    expect(claimAction(page.getState())).toMatchObject({
      label: '重新领取',
      enabled: true,
      error: '网络连接失败，请重试（不会重复领取）',
    });
    await page.claim();
    expect(server.claims).toHaveLength(2);
    expect(server.claims[1]).toBe(server.claims[0]);
    expect(server.issued.size).toBe(1);
    expect(page.getState().claimed).toEqual(server.issued.get(server.claims[0]!));
  });

  it('uses a new requestId after a definite refusal', async () => {
    const server = fakeServer(landing({}, { held: 1 }));
    server.failClaims(refusal('OUT_OF_STOCK'));
    const { landing: page } = store(server);
    await page.load();
    expect(claimAction(page.getState())?.label).toBe('再领一张');
    await page.claim();
    expect(page.getState().claim).toMatchObject({ status: 'failed', problem: { code: 'OUT_OF_STOCK' } });
    await page.claim();
    expect(server.claims).toHaveLength(2);
    expect(server.claims[1]).not.toBe(server.claims[0]);
    expect(page.getState().claimed).not.toBeNull();
  });

  it('shows a refusal once, not again as the reason under the disabled button', async () => {
    const server = fakeServer();
    server.failClaims(refusal('NOT_ELIGIBLE', { reason: 'not_new_customer' }));
    const { landing: page } = store(server);
    await page.load();
    server.setPage(
      landing({}, { claim: { possible: false, reason: 'NOT_ELIGIBLE', details: { reason: 'not_new_customer' } } }),
    );
    await page.claim();
    expect(claimAction(page.getState())).toEqual({
      label: '不符合领取条件',
      enabled: false,
      loading: false,
      blocked: null,
      error: '不符合领取条件：仅限新客领取',
    });
  });

  it('has no claim button for a campaign without a coupon', async () => {
    const { landing: page } = store(fakeServer(landing({ coupon: null })));
    await page.load();
    expect(claimAction(page.getState())).toBeNull();
    await page.claim();
    expect(page.getState().claim).toEqual({ status: 'idle' });
  });
});
