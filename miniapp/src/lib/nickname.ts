/**
 * The same rule as the API's `UpdateMyProfileRequest` (shared/src/customers.ts): trimmed, 1–40 characters. Zod
 * counts Unicode code points (an emoji is one character, not two UTF-16 units), so we count them the same way.
 * Checked here so the customer gets an answer without a round trip; the server still decides.
 */
export const NICKNAME_MAX_LENGTH = 40;

export type NicknameCheck = { ok: true; value: string } | { ok: false; message: string };

function characterCount(text: string): number {
  return Array.from(text).length;
}

export function validateNickname(input: string | null | undefined): NicknameCheck {
  const value = (input ?? '').trim();
  if (value.length === 0) return { ok: false, message: '请输入昵称' };
  if (characterCount(value) > NICKNAME_MAX_LENGTH) {
    return { ok: false, message: `昵称不能超过 ${NICKNAME_MAX_LENGTH} 个字符` };
  }
  return { ok: true, value };
}
