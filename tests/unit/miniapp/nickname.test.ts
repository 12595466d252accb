import { describe, expect, it } from 'vitest';
import { UpdateMyProfileRequest } from '@careloop/shared';
import { NICKNAME_MAX_LENGTH, validateNickname } from '../../../miniapp/src/lib/nickname';

describe('validateNickname', () => {
  it('accepts a nickname and trims it', () => {
    expect(validateNickname('  小王 ')).toEqual({ ok: true, value: '小王' });
  });

  it('refuses an empty or blank nickname', () => {
    expect(validateNickname('')).toEqual({ ok: false, message: '请输入昵称' });
    expect(validateNickname('   ')).toEqual({ ok: false, message: '请输入昵称' });
    expect(validateNickname(undefined)).toEqual({ ok: false, message: '请输入昵称' });
  });

  it('allows 40 characters and refuses 41', () => {
    expect(validateNickname('名'.repeat(NICKNAME_MAX_LENGTH))).toEqual({ ok: true, value: '名'.repeat(40) });
    const tooLong = validateNickname('名'.repeat(NICKNAME_MAX_LENGTH + 1));
    expect(tooLong.ok).toBe(false);
    expect(tooLong.ok === false && tooLong.message).toBe('昵称不能超过 40 个字符');
  });

  it('counts an emoji as one character, as the API does', () => {
    expect(validateNickname('😀'.repeat(40)).ok).toBe(true);
    expect(validateNickname('😀'.repeat(41)).ok).toBe(false);
  });

  it('agrees with the API schema', () => {
    const samples = [
      '',
      ' ',
      'a',
      ' 小王 ',
      '名'.repeat(40),
      '名'.repeat(41),
      '😀'.repeat(40),
      '😀'.repeat(41),
      ' x'.repeat(20),
      'e\u0301'.repeat(20),
      'e\u0301'.repeat(21),
      '\u3000小王\u3000',
    ];
    for (const sample of samples) {
      const server = UpdateMyProfileRequest.safeParse({ name: sample });
      const client = validateNickname(sample);
      expect(client.ok, JSON.stringify(sample)).toBe(server.success);
      if (client.ok && server.success) expect(client.value).toBe(server.data.name);
    }
  });
});
