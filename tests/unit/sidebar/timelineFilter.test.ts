import { EventType } from '@careloop/shared';
import { describe, expect, it } from 'vitest';
import { EVENT_LABELS, describeEvent, eventLabel } from '../../../wecom-sidebar/src/profile/eventLabels';
import {
  groupOfType,
  isTimelineFilterId,
  TIMELINE_FILTER_GROUPS,
  TIMELINE_FILTERS,
  typesForFilter,
} from '../../../wecom-sidebar/src/profile/timelineFilter';

describe('timeline filter groups', () => {
  it('put every event type of the catalogue in exactly one group', () => {
    const grouped = TIMELINE_FILTER_GROUPS.flatMap((group) => [...group.types]);
    expect([...grouped].sort()).toEqual([...EventType.options].sort());
    expect(new Set(grouped).size).toBe(grouped.length);
  });

  it('start with "all", which asks for no types', () => {
    expect(TIMELINE_FILTERS[0]!.id).toBe('all');
    expect(typesForFilter('all')).toEqual([]);
    expect(new Set(TIMELINE_FILTERS.map((filter) => filter.id)).size).toBe(TIMELINE_FILTERS.length);
  });

  it('map the groups staff pick to event types', () => {
    expect(typesForFilter('views')).toEqual(['page.viewed']);
    expect(typesForFilter('appointments')).toContain('appointment.no_show');
    expect(typesForFilter('coupons')).toEqual(expect.arrayContaining(['coupon.claimed', 'coupon.redeemed']));
    expect(typesForFilter('profile')).toEqual(expect.arrayContaining(['consent.changed', 'profile.merged']));
  });

  it('fall back to all for an unknown id and know their ids', () => {
    expect(typesForFilter('nope')).toEqual([]);
    expect(isTimelineFilterId('views')).toBe(true);
    expect(isTimelineFilterId('nope')).toBe(false);
  });

  it('say which group a type is in', () => {
    expect(groupOfType('page.viewed')).toBe('views');
    expect(groupOfType('tag.added')).toBe('tags');
    expect(groupOfType('something.else')).toBeNull();
  });

  it('label each group in Chinese with English', () => {
    for (const filter of TIMELINE_FILTERS) expect(filter.label).toMatch(/[\u4e00-\u9fff]+ [A-Z]/);
  });
});

describe('event labels', () => {
  it('give every catalogue type a Chinese label', () => {
    for (const type of EventType.options) expect(EVENT_LABELS[type]).toMatch(/[\u4e00-\u9fff]/);
    expect(eventLabel('page.viewed')).toBe('浏览页面');
    expect(eventLabel('appointment.no_show')).toBe('失约');
  });

  it('show an unknown type as itself', () => {
    expect(eventLabel('future.thing')).toBe('future.thing');
    expect(eventLabel('toString')).toBe('toString');
  });

  it('describe a page view by its title, else its path', () => {
    const titled = { type: 'page.viewed', properties: { path: 'pages/home/index', title: '首页' }, actor: null };
    expect(describeEvent(titled)).toEqual({ label: '浏览页面', detail: '首页', actor: null });
    const bare = { type: 'page.viewed', properties: { path: 'pages/coupon/index?id=1' }, actor: null };
    expect(describeEvent(bare).detail).toBe('pages/coupon/index?id=1');
  });

  it('describe properties of other types', () => {
    const d = (type: string, properties: Record<string, unknown>) =>
      describeEvent({ type, properties, actor: null }).detail;
    expect(d('content.dwell', { contentId: 'a1', seconds: 42 })).toBe('内容 a1 · 停留 42 秒');
    expect(d('share.clicked', { target: 'moments' })).toBe('到朋友圈');
    expect(d('payment.paid', { amountFen: 12050 })).toBe('¥120.50');
    expect(d('tag.added', { tagId: 'VIP' })).toBe('「VIP」');
    expect(d('consent.changed', { marketing: false, channel: 'sidebar' })).toBe('停止营销 · 经侧边栏');
    expect(d('consent.changed', { privacyPolicyVersion: '2026-01', marketing: true, channel: 'miniapp' })).toBe(
      '同意隐私政策 2026-01 · 同意接收营销信息 · 经小程序',
    );
    expect(d('profile.created', { via: 'miniapp_openid' })).toBe('经小程序');
    expect(d('identity.linked', { kind: 'wecom_external_userid' })).toBe('企业微信');
    expect(d('qr.scanned', { scene: 'c=42' })).toBe('场景 c=42');
    // Properties of the wrong shape are left out, never shown raw.
    expect(d('payment.paid', { amountFen: '100' })).toBe('');
    expect(d('page.viewed', { path: { nested: true } })).toBe('');
  });

  it('name the staff member who caused an event when the page knows them', () => {
    const names = new Map([
      ['s1', '张伟'],
      ['zhangwei', '张伟'],
    ]);
    const nameOf = (id: string) => names.get(id) ?? null;
    expect(describeEvent({ type: 'tag.added', properties: {}, actor: 's1' }, nameOf).actor).toBe('张伟');
    expect(describeEvent({ type: 'tag.added', properties: {}, actor: 's9' }, nameOf).actor).toBe('员工');
    expect(
      describeEvent({ type: 'wecom.contact_added', properties: { staffId: 'zhangwei' }, actor: null }, nameOf).detail,
    ).toBe('员工 张伟');
  });
});
