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
