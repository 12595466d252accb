/**
 * Reading what `wx.requestPayment` (or the sandbox's sheet) reported. It is only a hint: the payment order's status
 * on the server, set by WeChat Pay's notification, decides whether the deposit was paid.
 */

export type PaymentSheetOutcome = { kind: 'paid' } | { kind: 'cancelled' } | { kind: 'failed'; message: string };

function errMsgOf(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    const { errMsg, message } = value as { errMsg?: unknown; message?: unknown };
    if (typeof errMsg === 'string') return errMsg;
    if (typeof message === 'string') return message;
  }
  return typeof value === 'string' ? value : '';
}

/** What the sheet's promise settled with: `requestPayment:ok`, `requestPayment:fail cancel`, or another failure. */
export function paymentSheetOutcome(
  settled: { ok: true; value: unknown } | { ok: false; error: unknown },
): PaymentSheetOutcome {
  const errMsg = errMsgOf(settled.ok ? settled.value : settled.error);
  if (settled.ok && !/:fail/i.test(errMsg)) return { kind: 'paid' };
  // WeChat: "requestPayment:fail cancel"; some versions and platforms say "fail:cancel" or "user cancel".
  if (/cancel/i.test(errMsg)) return { kind: 'cancelled' };
  const detail = errMsg.replace(/^requestPayment:fail\s*:?\s*/i, '').trim();
  return { kind: 'failed', message: detail ? `支付未完成：${detail}` : '支付未完成，请重试' };
}

/** Runs the platform's payment sheet and reads its outcome; never rejects. */
export async function runPaymentSheet(open: () => Promise<unknown>): Promise<PaymentSheetOutcome> {
  try {
    return paymentSheetOutcome({ ok: true, value: await open() });
  } catch (error) {
    return paymentSheetOutcome({ ok: false, error });
  }
}

/** The prepay id inside requestPayment's `package` ("prepay_id=wx2611…"), or null. */
export function prepayIdFromPackage(pkg: string): string | null {
  const match = /(?:^|&)prepay_id=([^&]+)/.exec(pkg.trim());
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}
