/**
 * The campaign and coupon routes of the BFF for the signed-in customer. Answers are checked for the fields the
 * screens rely on; anything else is a BAD_RESPONSE error rather than a blank screen.
 */
import { ApiError, type ApiClient } from '@careloop/shared/client';
import { BAD_RESPONSE } from '../lib/errors';
import type { CampaignLanding, Coupon, CouponState, ScanVia } from './types';

export interface CouponApi {
  /** What a campaign's landing page shows this customer (NOT_FOUND for an unknown key). */
  landing(key: string): Promise<CampaignLanding>;
  /** Reports that the landing page was opened; a retry with the same scanId counts once. */
  reportScan(key: string, scan: { scanId: string; via: ScanVia }): Promise<{ firstTouch: boolean }>;
  /**
   * Claims the campaign's coupon; a retry with the same requestId answers the same coupon. `scan` is the page's scan
   * report sent again: the server counts it as the same touch, so a claim overtaking the report counts no second scan.
   */
  claim(key: string, requestId: string, scan: { scanId: string; via: ScanVia }): Promise<Coupon>;
  /** My coupons, all of them or those in one state. */
  coupons(state?: CouponState): Promise<Coupon[]>;
  coupon(id: string): Promise<Coupon>;
}

function bad(what: string): ApiError {
  return new ApiError(502, BAD_RESPONSE, `The API did not return ${what}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const STATES: readonly string[] = ['claimed', 'redeemed', 'expired', 'revoked'];

export function isCoupon(value: unknown): value is Coupon {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.code === 'string' &&
    typeof value.state === 'string' &&
    STATES.includes(value.state) &&
    typeof value.expiresAt === 'string' &&
    typeof value.validFrom === 'string' &&
    isObject(value.template) &&
    typeof value.template.name === 'string' &&
    typeof value.template.kind === 'string' &&
    Array.isArray(value.template.clinicIds) &&
    (value.redemption === null || isObject(value.redemption))
  );
}

function coupon(value: unknown): Coupon {
  if (!isCoupon(value)) throw bad('a coupon');
  return value;
}

function isLandingCoupon(value: unknown): boolean {
  return (
    value === null ||
    (isObject(value) &&
      typeof value.name === 'string' &&
      typeof value.kind === 'string' &&
      typeof value.remaining === 'number' &&
      typeof value.held === 'number' &&
      Array.isArray(value.clinicNames) &&
      isObject(value.claim) &&
      typeof value.claim.possible === 'boolean')
  );
}

export function isLanding(value: unknown): value is CampaignLanding {
  return (
    isObject(value) &&
    typeof value.key === 'string' &&
    typeof value.title === 'string' &&
    typeof value.status === 'string' &&
    isLandingCoupon(value.coupon)
  );
}

const path = encodeURIComponent;

export function createCouponApi(api: Pick<ApiClient, 'get' | 'post'>): CouponApi {
  return {
    async landing(key) {
      const landing = await api.get<unknown>(`/api/mp/campaigns/${path(key)}`);
      if (!isLanding(landing)) throw bad('a campaign');
      return landing;
    },
    async reportScan(key, scan) {
      const result = await api.post<unknown>(`/api/mp/campaigns/${path(key)}/scan`, scan);
      if (!isObject(result) || typeof result.firstTouch !== 'boolean') throw bad('a scan');
      return { firstTouch: result.firstTouch };
    },
    async claim(key, requestId, scan) {
      return coupon(await api.post(`/api/mp/campaigns/${path(key)}/claim`, { requestId, scan }));
    },
    async coupons(state) {
      const list = await api.get<unknown>(state ? `/api/mp/coupons?state=${path(state)}` : '/api/mp/coupons');
      const items = isObject(list) ? list.items : undefined;
      if (!Array.isArray(items) || !items.every(isCoupon)) throw bad('coupons');
      return items;
    },
    async coupon(id) {
      return coupon(await api.get(`/api/mp/coupons/${path(id)}`));
    },
  };
}
