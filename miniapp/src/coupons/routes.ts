/**
 * The coupon pages. The campaign landing page is its own subpackage at exactly the path campaigns' mini-program
 * codes open (`CAMPAIGN_LANDING_PAGE` in shared/src/campaigns.ts, not imported: it would bring zod along); the
 * coupon's QR page is another subpackage; the Coupons tab is in the main package.
 */
export const CAMPAIGN_PAGE = '/subpackages/campaign/index';
export const COUPON_DETAIL_PAGE = '/subpackages/coupons/pages/detail/index';
export const COUPONS_TAB = '/pages/coupons/index';

export function couponDetailPage(couponId: string): string {
  return `${COUPON_DETAIL_PAGE}?id=${encodeURIComponent(couponId)}`;
}

/** The landing page as shared to a friend: attributed to the same campaign, reported as a share. */
export function campaignSharePath(key: string): string {
  return `${CAMPAIGN_PAGE}?key=${encodeURIComponent(key)}&via=share`;
}
