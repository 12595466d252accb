import { describe, expect, it } from 'vitest';
import { canAssignToMe, canRevealPhone, canVerifyHcp } from '../../../wecom-sidebar/src/profile/roles';
import { canRemoveTag, checkTagName } from '../../../wecom-sidebar/src/profile/tags';

const staff = (...roles: ('admin' | 'manager' | 'staff')[]) => ({ id: 's1', roles });

describe('role checks', () => {
  it('let managers and admins reveal a phone, not other staff', () => {
    expect(canRevealPhone(staff('manager'))).toBe(true);
    expect(canRevealPhone(staff('admin', 'manager'))).toBe(true);
    expect(canRevealPhone(staff('staff'))).toBe(false);
    expect(canRevealPhone(staff())).toBe(false);
    expect(canRevealPhone(null)).toBe(false);
  });

  it('let admins alone verify HCPs', () => {
    expect(canVerifyHcp(staff('admin'))).toBe(true);
    expect(canVerifyHcp(staff('manager'))).toBe(false);
    expect(canVerifyHcp(staff('staff'))).toBe(false);
  });

  it('offer "assign to me" unless the customer is already mine', () => {
    expect(canAssignToMe(staff('staff'), null)).toBe(true);
    expect(canAssignToMe(staff('staff'), { id: 's2' })).toBe(true);
    expect(canAssignToMe(staff('staff'), { id: 's1' })).toBe(false);
    expect(canAssignToMe(null, null)).toBe(false);
  });
});

describe('tag names', () => {
  it('trim and fold whitespace the way the BFF accepts them', () => {
    expect(checkTagName('  种植 意向 ')).toEqual({ ok: true, name: '种植 意向' });
    expect(checkTagName('a \t  b')).toEqual({ ok: true, name: 'a b' });
  });

  it('refuse empty, too long, slashes and tags the customer already has', () => {
    expect(checkTagName('   ').ok).toBe(false);
    expect(checkTagName('一二三四五六七八九十一二三四五六七八九十').ok).toBe(true);
    expect(checkTagName('一二三四五六七八九十一二三四五六七八九十一').ok).toBe(false);
    expect(checkTagName('a/b').ok).toBe(false);
    expect(checkTagName('VIP', ['VIP'])).toMatchObject({ ok: false, message: expect.stringContaining('已有') });
  });

  it('keep rule tags, which their rule applies and removes', () => {
    expect(canRemoveTag({ source: 'manual' })).toBe(true);
    expect(canRemoveTag({ source: 'keyword' })).toBe(true);
    expect(canRemoveTag({ source: 'rule' })).toBe(false);
  });
});
