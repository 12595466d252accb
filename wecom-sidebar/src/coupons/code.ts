/**
 * The code on a coupon's QR, as a scanner or a person types it: 16 characters of Crockford base32. Spaces and dashes
 * are ignored, letters may be lower case, and the letters Crockford reads as digits (O → 0, I and L → 1) are read so;
 * a scanned link that carries the code (`…?code=…`) gives its code.
 */
export const COUPON_CODE_LENGTH = 16;
const CODE = /^[0-9A-HJKMNP-TV-Z]{16}$/;

export type CouponCodeCheck = { ok: true; code: string } | { ok: false; error: string };

function fromLink(text: string): string | null {
  const match = /[?&#]code=([^&#\s]+)/i.exec(text);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1]!;
  }
}

export function normaliseCouponCode(raw: string): CouponCodeCheck {
  const text = raw.trim();
  if (!text) return { ok: false, error: '请输入或扫描券码 Enter or scan the coupon code' };
  const candidate = (fromLink(text) ?? text)
    .replace(/[\s-]/g, '')
    .toUpperCase()
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (CODE.test(candidate)) return { ok: true, code: candidate };
  if (candidate.length !== COUPON_CODE_LENGTH) {
    return {
      ok: false,
      error: `券码应为 ${COUPON_CODE_LENGTH} 位（现在 ${candidate.length} 位） Must be 16 characters`,
    };
  }
  return { ok: false, error: '券码含有无效字符（不含 U） Invalid characters' };
}
