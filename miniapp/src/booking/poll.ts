/** Asking again until an answer is final, or a time limit passes. */

export interface PollOptions {
  /** Time between two checks. */
  intervalMs: number;
  /** Give up once this much time has passed since the first check started. */
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Checked before each attempt: stop at once (the page went away). */
  cancelled?: () => boolean;
}

export type PollResult<T> =
  | { status: 'done'; value: T }
  /** Never final in time; `last` is the last answer (if any) and `error` the last failure (if any). */
  | { status: 'timeout'; last: T | undefined; error: unknown }
  | { status: 'cancelled' };

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `check` until `isFinal` accepts its answer. A failed check (a network blip) is retried like an answer that
 * is not final yet; the time limit covers both.
 */
export async function pollUntil<T>(
  check: () => Promise<T>,
  isFinal: (value: T) => boolean,
  { intervalMs, timeoutMs, sleep = defaultSleep, now = Date.now, cancelled = () => false }: PollOptions,
): Promise<PollResult<T>> {
  const deadline = now() + timeoutMs;
  let last: T | undefined;
  let error: unknown;
  for (;;) {
    if (cancelled()) return { status: 'cancelled' };
    try {
      last = await check();
      error = undefined;
      if (isFinal(last)) return { status: 'done', value: last };
    } catch (failure) {
      error = failure;
    }
    if (cancelled()) return { status: 'cancelled' };
    const left = deadline - now();
    if (left <= 0) return { status: 'timeout', last, error };
    await sleep(Math.min(intervalMs, left));
  }
}
