/**
 * The check-in box: what front desk types, or what a scanner (a keyboard to the page) or WeCom's scanQRCode reads from
 * the patient's appointment QR. The code itself is 8–64 URL-safe characters; a QR may also carry it as a link with a
 * `code` parameter or as `…:code`.
 */
const CODE = /^[A-Za-z0-9_-]{8,64}$/;

export type CheckInCodeResult = { ok: true; code: string } | { ok: false; error: string };

export function normaliseCheckInCode(raw: string): CheckInCodeResult {
  const text = raw.normalize('NFKC').trim();
  if (!text) return { ok: false, error: '请输入或扫描预约码 Type or scan the appointment code' };
  let candidate = text;
  if (/^https?:\/\//i.test(text) || text.includes('?')) {
    try {
      const url = new URL(text, 'https://careloop.invalid/');
      candidate = url.searchParams.get('code') ?? url.searchParams.get('checkInCode') ?? '';
    } catch {
      candidate = '';
    }
  } else if (text.includes(':')) {
    candidate = text.slice(text.lastIndexOf(':') + 1);
  }
  candidate = candidate.replace(/\s+/g, '');
  if (!CODE.test(candidate)) return { ok: false, error: '预约码格式不正确 Not an appointment code' };
  return { ok: true, code: candidate };
}
