/** Journey time in the organisation's zone: waits, quiet hours, cron runs and key dates (never an empty one). */
import { describe, expect, it } from 'vitest';
import {
  birthdayOf,
  cronProblem,
  keyDateOf,
  nextCronRun,
  quietHoursEnd,
  sameDayIn,
  waitEnd,
} from '../../bff/src/journeys/schedule';

const zone = 'Asia/Shanghai';
const at = (local: string) => new Date(`${local}+08:00`);

describe('waits', () => {
  it('a duration of days keeps the local time of day', () => {
    expect(waitEnd(at('2026-03-06T15:30:00'), { duration: { days: 2, hours: 1 } }, zone)).toEqual(
      at('2026-03-08T16:30:00'),
    );
  });

  it('until a time goes to the next such local time, on an allowed weekday', () => {
    // Friday 15:30 → the next Monday (1) or Wednesday (3) at 10:00 is Monday.
    expect(waitEnd(at('2026-03-06T15:30:00'), { until: { time: '10:00', weekdays: [1, 3] } }, zone)).toEqual(
      at('2026-03-09T10:00:00'),
    );
    expect(waitEnd(at('2026-03-06T09:00:00'), { until: { time: '10:00' } }, zone)).toEqual(at('2026-03-06T10:00:00'));
    expect(waitEnd(at('2026-03-06T09:00:00'), { duration: { days: 1 }, until: { time: '08:00' } }, zone)).toEqual(
      at('2026-03-08T08:00:00'),
    );
  });
});

describe('quiet hours', () => {
  const quiet = { start: '21:00', end: '08:00' };
  it('wrap midnight: late evening waits for the next morning, early morning for the same morning', () => {
    expect(quietHoursEnd(at('2026-03-06T23:00:00'), quiet, zone)).toEqual(at('2026-03-07T08:00:00'));
    expect(quietHoursEnd(at('2026-03-07T06:59:00'), quiet, zone)).toEqual(at('2026-03-07T08:00:00'));
    expect(quietHoursEnd(at('2026-03-07T08:00:00'), quiet, zone)).toBeNull();
    expect(quietHoursEnd(at('2026-03-07T20:59:00'), quiet, zone)).toBeNull();
  });

  it('within a day: from start until end', () => {
    const lunch = { start: '12:00', end: '13:30' };
    expect(quietHoursEnd(at('2026-03-07T12:10:00'), lunch, zone)).toEqual(at('2026-03-07T13:30:00'));
    expect(quietHoursEnd(at('2026-03-07T13:30:00'), lunch, zone)).toBeNull();
  });
});

describe('cron', () => {
  it('runs in the organisation’s zone, strictly after the given time', () => {
    expect(nextCronRun('0 10 * * 1', zone, at('2026-03-06T12:00:00'))).toEqual(at('2026-03-09T10:00:00'));
    expect(nextCronRun('0 10 1 1,7 *', zone, at('2026-01-01T10:00:00'))).toEqual(at('2026-07-01T10:00:00'));
  });

  it('a malformed pattern is explained', () => {
    expect(cronProblem('61 * * * *', zone)).toMatch(/minute/);
    expect(cronProblem('0 10 * * *', zone)).toBeNull();
  });
});

describe('key dates', () => {
  it('missing, empty, malformed and epoch-0 dates never fire', () => {
    for (const value of [
      null,
      undefined,
      '',
      '   ',
      0,
      -1,
      'not a date',
      '1970-01-01',
      '1970-01-01T00:00:00.000Z',
      new Date(0),
      '0000-00-00',
      {},
    ]) {
      expect(keyDateOf(value, zone)).toBeNull();
    }
    for (const value of [null, '', '1970-01-01', '1900-01-01', '2026-02-30', 19900101])
      expect(birthdayOf(value)).toBeNull();
  });

  it('a date-time is read as its local date; a date as itself', () => {
    expect(keyDateOf('2026-03-06T20:00:00.000Z', zone)).toBe('2026-03-07');
    expect(keyDateOf('2026-03-06', zone)).toBe('2026-03-06');
    expect(keyDateOf(new Date('2026-03-06T01:00:00.000Z'), zone)).toBe('2026-03-06');
    expect(birthdayOf('1990-05-17')).toBe('1990-05-17');
  });

  it('a 29 February anniversary falls on 28 February in other years', () => {
    expect(sameDayIn('2024-02-29', 2027)).toBe('2027-02-28');
    expect(sameDayIn('2024-02-29', 2028)).toBe('2028-02-29');
  });
});
