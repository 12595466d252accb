import { describe, expect, it } from 'vitest';
import {
  buildCustomerUpdate,
  draftFromCustomer,
  isValidBirthday,
  looksLikeMobile,
} from '../../../wecom-sidebar/src/profile/editForm';
import { profile360 } from './fixtures';

const TODAY = '2026-03-05';

describe('the base-data form', () => {
  it('starts from the profile and sends nothing when nothing changed', () => {
    const { customer } = profile360({}, { gender: 'female', birthday: '1990-04-01' });
    const draft = draftFromCustomer(customer);
    expect(draft).toMatchObject({
      name: '王小明',
      kind: 'patient',
      gender: 'female',
      birthday: '1990-04-01',
      phone: '',
    });
    expect(buildCustomerUpdate(customer, draft, TODAY)).toEqual({ ok: true, changes: {} });
  });

  it('sends only the fields that changed, trimmed, with cleared ones as null', () => {
    const { customer } = profile360({}, { gender: 'female', birthday: '1990-04-01' });
    const draft = { ...draftFromCustomer(customer), name: ' 王晓明 ', gender: '' as const, birthday: '' };
    expect(buildCustomerUpdate(customer, draft, TODAY)).toEqual({
      ok: true,
      changes: { name: '王晓明', gender: null, birthday: null },
    });
  });

  it('refuses an empty name, a birthday that is no date or in the future, and a bad phone', () => {
    const { customer } = profile360();
    const draft = { ...draftFromCustomer(customer), name: '  ', birthday: '2026-02-30', phone: '12345' };
    const result = buildCustomerUpdate(customer, draft, TODAY);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(['birthday', 'name', 'phone']);
    expect(buildCustomerUpdate(customer, { ...draftFromCustomer(customer), birthday: '2026-03-06' }, TODAY).ok).toBe(
      false,
    );
  });

  it('lets an unnamed customer stay unnamed', () => {
    const { customer } = profile360({}, { name: null });
    expect(buildCustomerUpdate(customer, draftFromCustomer(customer), TODAY)).toEqual({ ok: true, changes: {} });
  });

  it('sends HCP details (empty ones as null) when a patient becomes an HCP', () => {
    const { customer } = profile360();
    const draft = { ...draftFromCustomer(customer), kind: 'hcp' as const, hospital: ' 第九人民医院 ' };
    expect(buildCustomerUpdate(customer, draft, TODAY)).toEqual({
      ok: true,
      changes: { kind: 'hcp', hcp: { hospital: '第九人民医院', department: null, title: null } },
    });
  });

  it('sends the HCP details of an HCP only when one of them changed', () => {
    const hcp = {
      hospital: '第九人民医院',
      department: '口腔修复科',
      title: '主任医师',
      verification: 'verified' as const,
      verifiedAt: null,
      evidence: null,
    };
    const { customer } = profile360({}, { kind: 'hcp', hcp });
    const same = draftFromCustomer(customer);
    expect(buildCustomerUpdate(customer, same, TODAY)).toEqual({ ok: true, changes: {} });
    expect(buildCustomerUpdate(customer, { ...same, title: '副主任医师' }, TODAY)).toEqual({
      ok: true,
      changes: { hcp: { hospital: '第九人民医院', department: '口腔修复科', title: '副主任医师' } },
    });
    const long = buildCustomerUpdate(customer, { ...same, title: '长'.repeat(41) }, TODAY);
    expect(long.ok).toBe(false);
  });

  it('passes a typed phone on as typed (the BFF normalises it)', () => {
    const { customer } = profile360();
    const draft = { ...draftFromCustomer(customer), phone: '+86 139-1234-5670' };
    expect(buildCustomerUpdate(customer, draft, TODAY)).toEqual({ ok: true, changes: { phone: '+86 139-1234-5670' } });
  });
});

describe('field checks', () => {
  it('accept real calendar days from 1900 to today', () => {
    expect(isValidBirthday('2000-02-29', TODAY)).toBe(true);
    expect(isValidBirthday('2001-02-29', TODAY)).toBe(false);
    expect(isValidBirthday('1899-12-31', TODAY)).toBe(false);
    expect(isValidBirthday(TODAY, TODAY)).toBe(true);
    expect(isValidBirthday('2026/03/01', TODAY)).toBe(false);
  });

  it('recognise mainland mobile numbers as people type them', () => {
    expect(looksLikeMobile('13912345670')).toBe(true);
    expect(looksLikeMobile('139 1234 5670')).toBe(true);
    expect(looksLikeMobile('0086-139-1234-5670')).toBe(true);
    expect(looksLikeMobile('８６１３９１２３４５６７０')).toBe(true);
    expect(looksLikeMobile('12912345670')).toBe(false);
    expect(looksLikeMobile('021-12345678')).toBe(false);
  });
});
