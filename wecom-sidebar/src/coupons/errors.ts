/**
 * Coupon, campaign and channel errors in words for the counter and for managers; the server's code stays visible.
 * Every code the coupon routes answer with has its own sentence; a redemption refused with COUPON_NOT_REDEEMABLE says
 * why from `details.reason`.
 */
import { ApiError } from '@careloop/shared/client';
import { describeError } from '../api/errors';
import { formatDateTime } from '../profile/format';

export type CouponErrorContext = 'redeem' | 'redeem-by-code' | 'undo' | 'manage';

/** Why a coupon cannot be redeemed (`details.reason` of COUPON_NOT_REDEEMABLE). */
export const NOT_REDEEMABLE_REASONS: Record<string, string> = {
  already_redeemed: '这张券已经核销过了，不能重复使用',
  expired: '这张券已过期',
  not_yet_valid: '这张券还没到可以使用的时间',
  clinic_not_allowed: '这张券不能在所选门店使用，请换一家适用门店',
  wrong_clinic: '这张券不能在所选门店使用，请换一家适用门店',
  unknown_clinic: '所选门店不属于本机构',
  revoked: '这张券已作废',
  not_redeemed: '这张券当前不是已核销状态，无需撤销',
  not_claimed: '这张券尚未被领取',
};

function detailsOf(error: ApiError): Record<string, unknown> {
  return error.details && typeof error.details === 'object' ? (error.details as Record<string, unknown>) : {};
}

function notRedeemable(error: ApiError, detail: string): string {
  const details = detailsOf(error);
  const reason = typeof details.reason === 'string' ? details.reason : '';
  let sentence = NOT_REDEEMABLE_REASONS[reason] ?? '这张券当前不能核销';
  // What the server knows more: when it was redeemed, and where it is good.
  const at = typeof details.redeemedAt === 'string' ? details.redeemedAt : null;
  if (reason === 'already_redeemed' && at) sentence += `（核销于 ${formatDateTime(at)}）`;
  const until = typeof details.expiresAt === 'string' ? details.expiresAt : null;
  if (reason === 'expired' && until) sentence += `（${formatDateTime(until)} 到期）`;
  const from = typeof details.validFrom === 'string' ? details.validFrom : null;
  if (reason === 'not_yet_valid' && from) sentence += `（${formatDateTime(from)} 起可用）`;
  return `核销失败：${sentence}。 ${detail}`;
}

export function explainCouponError(error: unknown, context: CouponErrorContext): string {
  if (!(error instanceof ApiError)) return describeError(error);
  const detail = describeError(error);
  switch (error.code) {
    case 'COUPON_NOT_REDEEMABLE':
      return notRedeemable(error, detail);
    case 'COUPON_UNDO_WINDOW_PASSED':
      return `撤销失败：核销已超过 30 分钟，不能再撤销。 ${detail}`;
    case 'NOT_FOUND':
      return context === 'redeem-by-code'
        ? `没有找到这个券码对应的优惠券（请核对券码，或确认是本机构的券）。 ${detail}`
        : `没有找到：${detail}`;
    case 'FORBIDDEN':
      return context === 'undo'
        ? `无权限：只有店长或管理员可以撤销核销。 ${detail}`
        : context === 'manage'
          ? `无权限：只有店长或管理员可以管理渠道、优惠券和活动。 ${detail}`
          : `无权限执行此操作。 ${detail}`;
    case 'VALIDATION_FAILED':
      return context === 'redeem-by-code' ? `券码格式不对：${detail}` : `输入有误：${detail}`;
    case 'OUT_OF_STOCK':
      return `优惠券已领完。 ${detail}`;
    case 'LIMIT_REACHED':
      return `已达到每人限领数量。 ${detail}`;
    case 'NOT_ELIGIBLE':
      return `该客户不符合领取条件。 ${detail}`;
    case 'CAMPAIGN_ENDED':
      return `活动已结束。 ${detail}`;
    case 'CAMPAIGN_NOT_STARTED':
      return `活动尚未开始。 ${detail}`;
    case 'UPSTREAM_ERROR':
      return `微信 / 企业微信接口暂时不可用，请稍后重试。 ${detail}`;
    default:
      return detail;
  }
}
