import { describe, expect, it } from 'vitest';
import { displayName, kindLabel, NO_NICKNAME, shortId, welcomeTitle } from '../../../miniapp/src/lib/format';

describe('displayName', () => {
  it('shows the nickname', () => {
    expect(displayName({ name: '小王' })).toBe('小王');
  });

  it('says plainly that no nickname is set', () => {
    expect(displayName({ name: null })).toBe('未设置昵称');
    expect(displayName({ name: '   ' })).toBe(NO_NICKNAME);
  });

  it('trims what it shows', () => {
    expect(displayName({ name: '  Li Lei ' })).toBe('Li Lei');
  });
});

describe('kindLabel', () => {
  it('names patients and HCPs in Chinese', () => {
    expect(kindLabel('patient')).toBe('患者');
    expect(kindLabel('hcp')).toBe('医生');
  });
});

describe('shortId', () => {
  it('keeps the last six characters of an id', () => {
    expect(shortId('65a1b2c3d4e5f60718293a4b')).toBe('293a4b');
  });

  it('leaves short ids alone', () => {
    expect(shortId('abc')).toBe('abc');
  });
});

describe('welcomeTitle', () => {
  it("uses the organisation's name when known", () => {
    expect(welcomeTitle('康宁口腔')).toBe('欢迎来到 康宁口腔');
  });

  it('falls back to the product name', () => {
    expect(welcomeTitle(null)).toBe('欢迎来到 CareLoop');
    expect(welcomeTitle(' ')).toBe('欢迎来到 CareLoop');
  });
});
