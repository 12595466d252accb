import { describe, expect, it } from 'vitest';
import {
  dayKey,
  formatAgo,
  formatDateTime,
  formatDayHeading,
  formatFen,
  formatTime,
} from '../../../wecom-sidebar/src/profile/format';
import { groupByDay } from '../../../wecom-sidebar/src/profile/timelineView';
import { event } from './fixtures';

describe('times in the organisation’s zone (Asia/Shanghai)', () => {
  it('shows UTC instants as Shanghai wall time, whatever zone the browser is in', () => {
    // 16:30 UTC is half past midnight the next day in Shanghai (UTC+8, no daylight saving).
    expect(formatDateTime('2026-03-04T16:30:00.000Z')).toBe('2026-03-05 00:30');
    expect(dayKey('2026-03-04T16:30:00.000Z')).toBe('2026-03-05');
    expect(formatTime('2026-03-05T01:05:00Z')).toBe('09:05');
    expect(formatDateTime('2026-03-04T16:30:00.000Z', 'UTC')).toBe('2026-03-04 16:30');
  });

  it('reads nothing from an empty or broken value', () => {
    expect(formatDateTime(null)).toBe('');
    expect(formatDateTime('not a date')).toBe('');
    expect(formatTime('nope')).toBe('');
  });

  it('heads days as today, yesterday, or the date with the weekday', () => {
    const now = new Date('2026-03-05T04:00:00Z'); // 12:00 in Shanghai, a Thursday
    expect(formatDayHeading('2026-03-04T17:00:00Z', now)).toBe('今天 Today');
    expect(formatDayHeading('2026-03-04T15:00:00Z', now)).toBe('昨天 Yesterday');
    expect(formatDayHeading('2026-03-01T04:00:00Z', now)).toBe('3月1日 周日');
    expect(formatDayHeading('2025-12-31T04:00:00Z', now)).toBe('2025年12月31日 周三');
  });

  it('says how long ago', () => {
    const now = new Date('2026-03-05T04:00:00Z');
    expect(formatAgo('2026-03-05T03:59:30Z', now)).toBe('刚刚');
    expect(formatAgo('2026-03-05T03:15:00Z', now)).toBe('45 分钟前');
    expect(formatAgo('2026-03-02T04:00:00Z', now)).toBe('3 天前');
    expect(formatAgo('2025-09-05T04:00:00Z', now)).toBe('6 个月前');
    expect(formatAgo('2024-01-05T04:00:00Z', now)).toBe('2 年前');
  });

  it('formats fen as yuan', () => {
    expect(formatFen(12050)).toBe('¥120.50');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(-300)).toBe('-¥3.00');
  });
});

describe('groupByDay', () => {
  it('groups newest-first events by Shanghai day, keeping their order', () => {
    const now = new Date('2026-03-05T04:00:00Z');
    const items = [
      event('page.viewed', '2026-03-05T02:00:00Z'),
      event('tag.added', '2026-03-04T16:10:00Z'), // 00:10 on the 5th in Shanghai
      event('page.viewed', '2026-03-04T15:50:00Z'), // 23:50 on the 4th
      event('profile.created', '2026-02-20T01:00:00Z'),
    ];
    const days = groupByDay(items, now);
    expect(days.map((day) => [day.key, day.heading, day.items.length])).toEqual([
      ['2026-03-05', '今天 Today', 2],
      ['2026-03-04', '昨天 Yesterday', 1],
      ['2026-02-20', '2月20日 周五', 1],
    ]);
    expect(days.flatMap((day) => day.items)).toEqual(items);
  });
});
