import { describe, expect, it } from 'vitest';
import {
  erasureLabel,
  exportFilename,
  formatBytes,
  formatDateTime,
  sectionLabel,
  summariseExport,
} from '../../../miniapp/src/lib/privacy';

describe('my data', () => {
  it('summarises an export section by section', () => {
    expect(
      summariseExport({
        sections: {
          profile: { kind: 'patient', name: null },
          events: [{}, {}, {}],
          consent: { policy: null, marketing: null, history: [] },
          tags: [],
          referrals: null,
        },
      }),
    ).toEqual([
      { name: 'profile', label: '个人资料与身份', detail: '已包含' },
      { name: 'events', label: '行为记录', detail: '3 条' },
      { name: 'consent', label: '授权记录', detail: '已包含' },
      { name: 'tags', label: '标签', detail: '0 条' },
      { name: 'referrals', label: 'referrals', detail: '无' },
    ]);
    expect(summariseExport({ sections: {} })).toEqual([]);
  });

  it('names the export file by its date', () => {
    expect(exportFilename('2026-11-26T23:59:00.000Z')).toBe('careloop-export-2026-11-26.json');
    expect(exportFilename(undefined, new Date('2026-01-02T03:04:05Z'))).toBe('careloop-export-2026-01-02.json');
  });

  it('says what the erasure did to each section', () => {
    expect(erasureLabel('consent')).toContain('合规凭证');
    expect(erasureLabel('profile')).toContain('匿名化');
    expect(erasureLabel('coupons')).toBe('优惠券：已删除');
    expect(erasureLabel('something_new')).toBe('something_new：已删除');
    expect(sectionLabel('events')).toBe('行为记录');
  });

  it('formats sizes and times for people', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
    expect(formatDateTime('not a date')).toBe('');
    expect(formatDateTime(null)).toBe('');
    expect(formatDateTime('2026-11-26T08:05:00.000Z')).toMatch(/^2026-11-2\d \d\d:05$/);
  });
});
