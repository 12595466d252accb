import { describe, expect, it } from 'vitest';
import { formatCountdown, remainingMs } from '../../../miniapp/src/booking/countdown';
import { pollUntil } from '../../../miniapp/src/booking/poll';

/** A clock that moves only when the code sleeps. */
function fakeClock(start = 0) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

describe('polling', () => {
  it('asks until the answer is final', async () => {
    const clock = fakeClock();
    const answers = ['created', 'created', 'paid'];
    let calls = 0;
    const result = await pollUntil(
      async () => answers[calls++]!,
      (status) => status === 'paid',
      { intervalMs: 1_000, timeoutMs: 20_000, ...clock },
    );
    expect(result).toEqual({ status: 'done', value: 'paid' });
    expect(calls).toBe(3);
    expect(clock.sleeps).toEqual([1_000, 1_000]);
  });

  it('gives up at the time limit with the last answer', async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await pollUntil(
      async () => {
        calls += 1;
        return 'created';
      },
      () => false,
      { intervalMs: 1_000, timeoutMs: 3_500, ...clock },
    );
    expect(result).toEqual({ status: 'timeout', last: 'created', error: undefined });
    expect(calls).toBe(5); // at 0, 1, 2, 3 and 3.5 s
    expect(clock.now()).toBe(3_500);
  });

  it('treats a failed check like an answer that is not final yet', async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await pollUntil(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('network');
        return 'paid';
      },
      (status) => status === 'paid',
      { intervalMs: 500, timeoutMs: 10_000, ...clock },
    );
    expect(result).toEqual({ status: 'done', value: 'paid' });
  });

  it('reports the last failure when time runs out, and stops when cancelled', async () => {
    const clock = fakeClock();
    const failure = new Error('offline');
    const timedOut = await pollUntil(
      () => Promise.reject(failure),
      () => true,
      { intervalMs: 1_000, timeoutMs: 2_000, ...clock },
    );
    expect(timedOut).toEqual({ status: 'timeout', last: undefined, error: failure });

    let stop = false;
    let calls = 0;
    const cancelled = await pollUntil(
      async () => {
        calls += 1;
        stop = true;
        return 'created';
      },
      () => false,
      { intervalMs: 1_000, timeoutMs: 20_000, ...fakeClock(), cancelled: () => stop },
    );
    expect(cancelled).toEqual({ status: 'cancelled' });
    expect(calls).toBe(1);
  });
});

describe('hold countdown', () => {
  it('counts the time left to pay from the server’s deadline', () => {
    const now = Date.parse('2025-11-26T02:00:00Z');
    expect(remainingMs('2025-11-26T02:15:00.000Z', now)).toBe(15 * 60_000);
    expect(remainingMs('2025-11-26T01:59:00.000Z', now)).toBe(0);
    expect(remainingMs(null, now)).toBeNull();
    expect(remainingMs('not a date', now)).toBeNull();
  });

  it('shows minutes and seconds, rounding up so 00:00 means time is up', () => {
    expect(formatCountdown(15 * 60_000)).toBe('15:00');
    expect(formatCountdown(14 * 60_000 + 59_001)).toBe('15:00');
    expect(formatCountdown(14 * 60_000 + 59_000)).toBe('14:59');
    expect(formatCountdown(61_000)).toBe('01:01');
    expect(formatCountdown(1)).toBe('00:01');
    expect(formatCountdown(0)).toBe('00:00');
    expect(formatCountdown(-5)).toBe('00:00');
    expect(formatCountdown(3_600_000 + 5_000)).toBe('1:00:05');
  });
});
