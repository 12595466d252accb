import { afterEach, describe, expect, it, vi } from 'vitest';
import { addDays, bookingDates, clinicToday } from '../../../miniapp/src/booking/dates';

describe("the clinic's today", () => {
  afterEach(() => vi.restoreAllMocks());

  it('is the date in the clinic’s zone, not the device’s', () => {
    // 2025-11-26 17:30 UTC is already the 27th in Shanghai and still the 26th in New York.
    const instant = new Date('2025-11-26T17:30:00Z');
    expect(clinicToday('Asia/Shanghai', instant)).toBe('2025-11-27');
    expect(clinicToday('America/New_York', instant)).toBe('2025-11-26');
    expect(clinicToday('UTC', instant)).toBe('2025-11-26');
  });

  it('follows daylight saving in zones that have it', () => {
    // New York: UTC−4 in summer, UTC−5 in winter. 03:30 UTC is the previous evening in both, but 04:30 UTC is
    // midnight-past only in summer.
    expect(clinicToday('America/New_York', new Date('2025-07-10T04:30:00Z'))).toBe('2025-07-10');
    expect(clinicToday('America/New_York', new Date('2025-01-10T04:30:00Z'))).toBe('2025-01-09');
  });

  it('falls back to UTC+8 for Chinese zones when the engine has no Intl time zones (older WeChat on Android)', () => {
    vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(function () {
      throw new RangeError('no time zone data');
    });
    expect(clinicToday('Asia/Shanghai', new Date('2025-11-26T16:00:00Z'))).toBe('2025-11-27');
    expect(clinicToday('Asia/Shanghai', new Date('2025-11-26T15:59:59Z'))).toBe('2025-11-26');
    const instant = new Date('2025-11-26T12:00:00Z');
    const local = new Date(instant.getTime() - instant.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
    expect(clinicToday('Europe/Paris', instant)).toBe(local); // anything else: the device's own date
  });
});

describe('bookable dates', () => {
  it('adds calendar days across months, years and leap days', () => {
    expect(addDays('2025-11-30', 1)).toBe('2025-12-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
  });

  it('offers the next 14 days from the clinic’s today, today and tomorrow by name', () => {
    const dates = bookingDates('2025-11-26');
    expect(dates).toHaveLength(14);
    expect(dates[0]).toEqual({ date: '2025-11-26', label: '今天', dayText: '11月26日', weekday: 3 });
    expect(dates[1]).toMatchObject({ date: '2025-11-27', label: '明天' });
    expect(dates[2]).toMatchObject({ date: '2025-11-28', label: '后天' });
    expect(dates[3]).toMatchObject({ date: '2025-11-29', label: '周六', weekday: 6 });
    expect(dates[13]).toMatchObject({ date: '2025-12-09', label: '周二' });
  });
});
