export interface LostUpdateCheck {
  /** How many increments run at the same time. */
  concurrency: number;
  /** Adds exactly 1 to the counter; `index` (0 … concurrency-1) lets each call use its own client. */
  increment: (index: number) => Promise<void>;
  /** Reads the counter. */
  read: () => Promise<number>;
}

/**
 * Starts `concurrency` increments at once, waits for all of them, and returns how many of them the counter does not
 * show (0 when every update was kept). An increment that throws fails the check rather than counting as lost.
 */
export async function countLostUpdates({ concurrency, increment, read }: LostUpdateCheck): Promise<number> {
  const before = await read();
  await Promise.all(Array.from({ length: concurrency }, (_, index) => increment(index)));
  const after = await read();
  return concurrency - (after - before);
}

/** Reads until the value is truthy and returns it; throws once `timeoutMs` has passed without. */
export async function eventually<T>(read: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Reads until `done` says so, or `timeoutMs` has passed, and returns the last value read (for the test to check). */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
