import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../../wecom-sidebar/src/profile/eventLabels';
import {
  ageOn,
  consentSummary,
  duplicateReasonLabel,
  identityBadges,
  staffNameLookup,
  tagProvenance,
  topCounters,
  withConsent,
  withoutDuplicate,
  withTagAdded,
  withStaffNames,
  withTagRemoved,
} from '../../../wecom-sidebar/src/profile/profileView';
import { consent, OTHER_ID, profile360, STAFF_ID } from './fixtures';

const linkedAt = '2026-03-01T02:00:00.000Z';

describe('identity badges', () => {
  it('give one badge per kind of identity, in a fixed order, and 手机已验证 for a verified phone', () => {
    const profile = profile360(
      {
        identities: [
          { kind: 'phone', app: '', display: '139****5670', linkedAt },
          { kind: 'wecom_external_userid', app: 'corp', display: 'wmAb…Xy12', linkedAt },
          { kind: 'miniapp_openid', app: 'wx1', display: 'oAbc…1234', linkedAt },
          { kind: 'miniapp_openid', app: 'wx2', display: 'oDef…5678', linkedAt },
          { kind: 'oa_openid', app: 'wx3', display: 'oGhi…9012', linkedAt },
        ],
        followers: [{ wecomUserId: 'zhangwei', name: '张伟', addedAt: linkedAt }],
      },
      { phone: { masked: '139****5670', verified: true } },
    );
    const badges = identityBadges(profile);
    expect(badges.map((badge) => badge.label)).toEqual(['小程序', '公众号', '企业微信', '手机已验证']);
    expect(badges[0]!.title.split('\n')).toHaveLength(2);
    expect(badges[2]!.title).toContain('张伟');
    expect(badges[0]!.title).toContain('2026-03-01 10:00');
  });

  it('give no phone badge for a typed (unverified) phone', () => {
    const profile = profile360({}, { phone: { masked: '139****5670', verified: false } });
    expect(identityBadges(profile)).toEqual([]);
  });
});

describe('tags', () => {
  it('say where a tag came from and who set it', () => {
    const at = '2026-03-05T01:05:00.000Z';
    expect(tagProvenance({ name: 'VIP', source: 'manual', setBy: { id: STAFF_ID, name: '张伟' }, setAt: at })).toBe(
      '手动 · 张伟 · 2026-03-05 09:05',
    );
    expect(tagProvenance({ name: '沉睡', source: 'rule', setBy: null, setAt: at })).toBe(
      '规则 · 系统 · 2026-03-05 09:05',
    );
    expect(tagProvenance({ name: 'x', source: 'keyword', setBy: { id: 's', name: null }, setAt: at })).toContain(
      '关键词 · 员工',
    );
  });

  it('are added once and removed locally after the server confirmed', () => {
    const me = { id: STAFF_ID, name: '张伟' };
    const at = new Date('2026-03-05T01:00:00Z');
    const added = withTagAdded(profile360(), 'VIP', me, at);
    expect(added.tags).toEqual([{ name: 'VIP', source: 'manual', setBy: me, setAt: at.toISOString() }]);
    expect(withTagAdded(added, 'VIP', me)).toBe(added);
    expect(withTagRemoved(added, 'VIP').tags).toEqual([]);
  });
});

describe('consent', () => {
  it('summarise the marketing state and whether staff can record a withdrawal', () => {
    expect(consentSummary(consent())).toMatchObject({ marketing: 'not_asked', canWithdraw: true });
    const granted = consent({
      marketing: { granted: true, changedAt: '2026-03-05T01:00:00Z', channel: 'miniapp' },
      policy: { version: '2026-01', acceptedAt: '2026-03-05T01:00:00Z', channel: 'miniapp' },
      policyUpToDate: true,
    });
    expect(consentSummary(granted)).toMatchObject({
      marketing: 'granted',
      marketingLabel: '已同意接收营销信息',
      marketingDetail: '2026-03-05 09:00 · 小程序',
      policyLabel: '隐私政策 2026-01 已同意',
      canWithdraw: true,
    });
    const withdrawn = consent({ marketing: { granted: false, changedAt: '2026-03-05T01:00:00Z', channel: 'sidebar' } });
    expect(consentSummary(withdrawn)).toMatchObject({ marketing: 'withdrawn', canWithdraw: false });
    expect(withConsent(profile360(), withdrawn).consent).toBe(withdrawn);
  });

  it('say when the accepted policy is out of date', () => {
    const old = consent({ policy: { version: '2025-06', acceptedAt: linkedAt, channel: 'miniapp' } });
    expect(consentSummary(old).policyLabel).toContain('当前版本 2026-01');
  });
});

describe('the rest of the header', () => {
  it('lists the most frequent event types of the year', () => {
    expect(topCounters({ 'page.viewed': 12, 'appointment.booked': 2, 'coupon.claimed': 2, 'tag.added': 0 }, 2)).toEqual(
      [
        { type: 'page.viewed', label: '浏览页面', count: 12 },
        { type: 'appointment.booked', label: '预约', count: 2 },
      ],
    );
  });

  it('computes whole years of age', () => {
    expect(ageOn('1990-03-05', '2026-03-05')).toBe(36);
    expect(ageOn('1990-03-06', '2026-03-05')).toBe(35);
    expect(ageOn('garbage', '2026-03-05')).toBeNull();
    expect(ageOn('2030-01-01', '2026-03-05')).toBeNull();
  });

  it('labels duplicate reasons', () => {
    expect(duplicateReasonLabel('same_phone')).toBe('同一手机号');
    expect(duplicateReasonLabel('other_reason')).toBe('other_reason');
  });

  it('drops a decided duplicate', () => {
    const other = profile360({}, { id: OTHER_ID, name: '王晓明' }).customer;
    const profile = profile360({ duplicates: [{ id: 'd1', reason: 'same_phone', other }] });
    expect(withoutDuplicate(profile, 'd1').duplicates).toEqual([]);
  });

  it('names staff the timeline page names, with the profile’s names for the others', () => {
    const nameOf = withStaffNames(staffNameLookup(profile360({ owner: { id: 'o1', name: '王芳' } }), null), {
      m1: '李娜',
    });
    expect(describeEvent({ type: 'note.added', properties: { text: '想了解种植' }, actor: 'm1' }, nameOf).actor).toBe(
      '李娜',
    );
    expect(['m1', 'o1', 'nobody'].map(nameOf)).toEqual(['李娜', '王芳', null]);
    expect(withStaffNames(nameOf, undefined)).toBe(nameOf);
  });

  it('knows the names of the staff the profile mentions', () => {
    const profile = profile360({
      owner: { id: 'o1', name: '李娜' },
      tags: [{ name: 'VIP', source: 'manual', setBy: { id: 't1', name: '王芳' }, setAt: linkedAt }],
      followers: [{ wecomUserId: 'zhangwei', name: '张伟', addedAt: linkedAt }],
    });
    const nameOf = staffNameLookup(profile, { id: 'me', name: '刘洋', wecomUserId: 'liuyang' });
    expect(['o1', 't1', 'zhangwei', 'me', 'liuyang', 'nobody'].map(nameOf)).toEqual([
      '李娜',
      '王芳',
      '张伟',
      '刘洋',
      '刘洋',
      null,
    ]);
  });
});
