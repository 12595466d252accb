import { ApiError } from '@careloop/shared/client';
import { NETWORK_ERROR, errorMessage } from '../lib/errors';

/** Why a coupon cannot be claimed, as the API names it (an error code, or the landing page's `claim.reason`). */
export type ClaimRefusal =
  'OUT_OF_STOCK' | 'LIMIT_REACHED' | 'NOT_ELIGIBLE' | 'CAMPAIGN_ENDED' | 'CAMPAIGN_NOT_STARTED' | 'NOT_FOUND';

/** The short label of the claim button when claiming is not possible. */
const BUTTON_LABELS: Record<ClaimRefusal, string> = {
  OUT_OF_STOCK: '已售罄',
  LIMIT_REACHED: '已达领取上限',
  NOT_ELIGIBLE: '不符合领取条件',
  CAMPAIGN_ENDED: '活动已结束',
  CAMPAIGN_NOT_STARTED: '活动未开始',
  NOT_FOUND: '活动不存在',
};

const MESSAGES: Record<Exclude<ClaimRefusal, 'NOT_ELIGIBLE'>, string> = {
  OUT_OF_STOCK: '优惠券已售罄，下次早点来哦',
  LIMIT_REACHED: '你已达领取上限，可在「优惠券」中查看已领取的券',
  CAMPAIGN_ENDED: '活动已结束，优惠券不再发放',
  CAMPAIGN_NOT_STARTED: '活动未开始，请在活动开始后再来领取',
  NOT_FOUND: '活动不存在，请确认二维码是否正确',
};

function isRefusal(code: string): code is ClaimRefusal {
  return code in BUTTON_LABELS;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Who may claim, from a NOT_ELIGIBLE answer's details (`reason`, the template's eligibility type, and `tag` for
 * a tag rule): "仅限新客领取", "仅限带有「VIP」标签的客户领取", "仅限认证医生领取"; empty when not said.
 */
export function eligibilityText(details: unknown): string {
  if (!isObject(details)) return typeof details === 'string' ? eligibilityText({ reason: details }) : '';
  const nested = isObject(details.eligibility) ? details.eligibility : {};
  const reason = [details.reason, details.type, nested.type].find((value) => typeof value === 'string');
  const tag = [details.tag, details.tagName, nested.tag].find((value) => typeof value === 'string' && value);
  const text = typeof reason === 'string' ? reason.toLowerCase() : '';
  if (/hcp|verified|doctor/.test(text)) return '仅限认证医生领取';
  if (/new/.test(text)) return '仅限新客领取';
  if (/tag/.test(text) || typeof tag === 'string') {
    return typeof tag === 'string' ? `需要「${tag}」标签，仅限带有该标签的客户领取` : '需要特定标签，仅限指定客户领取';
  }
  return '';
}

/** The sentence for a refusal: "优惠券已售罄…", "不符合领取条件：仅限新客领取", … */
export function refusalMessage(code: ClaimRefusal, details?: unknown): string {
  if (code === 'NOT_ELIGIBLE') {
    return `不符合领取条件：${eligibilityText(details) || '此券仅限指定客户领取'}`;
  }
  return MESSAGES[code];
}

/**
 * Why the landing page's coupon cannot be claimed now (from `claim.reason`, and for NOT_ELIGIBLE the rule missed in
 * `claim.details`), shown before any tap; null when it can. A reason the app does not know yet still disables the
 * button, with a plain message.
 */
export function claimBlock(claim: {
  possible: boolean;
  reason: string | null;
  details?: Record<string, unknown> | null;
}): { code: string; label: string; message: string } | null {
  if (claim.possible) return null;
  const reason = claim.reason ?? '';
  if (isRefusal(reason)) {
    return { code: reason, label: BUTTON_LABELS[reason], message: refusalMessage(reason, claim.details) };
  }
  return { code: reason || 'UNAVAILABLE', label: '暂不可领取', message: '这张优惠券暂时无法领取' };
}

/** A failed claim, in words, and whether its outcome is unknown (retry with the same requestId). */
export interface ClaimProblem {
  code: string;
  message: string;
  /**
   * No answer came (network) or the server failed midway: the coupon may or may not have been issued, so trying
   * again must send the same requestId, which answers the same coupon if it was.
   */
  unknownOutcome: boolean;
}

export function claimProblem(error: unknown): ClaimProblem {
  if (!(error instanceof ApiError)) return { code: 'ERROR', message: errorMessage(error), unknownOutcome: true };
  if (isRefusal(error.code)) {
    return { code: error.code, message: refusalMessage(error.code, error.details), unknownOutcome: false };
  }
  if (error.code === NETWORK_ERROR) {
    return { code: error.code, message: '网络连接失败，请重试（不会重复领取）', unknownOutcome: true };
  }
  const unknownOutcome = error.status >= 500 || error.status === 408 || error.status === 0;
  return { code: error.code, message: errorMessage(error), unknownOutcome };
}
