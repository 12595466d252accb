/**
 * The live preview of a rule: each change of the rule waits `delayMs` (typing in a number does not send a request
 * per key), the same rule is not asked twice in a row, and an answer to an older rule is dropped when a newer one
 * was asked meanwhile.
 */
export type PreviewOutcome<T> = { ok: true; data: T } | { ok: false; error: unknown };

export interface PreviewScheduler<R> {
  /** A new rule (null: nothing to preview, e.g. the form has errors). */
  schedule(rule: R | null): void;
  /** Ask again for the current rule now (after a save, on "refresh"). */
  refresh(): void;
  dispose(): void;
}

export function createPreviewScheduler<R, T>(options: {
  delayMs: number;
  run(rule: R): Promise<T>;
  /** A request is about to be sent (or the rule was cleared: `pending` false). */
  onPending(pending: boolean): void;
  onResult(outcome: PreviewOutcome<T>): void;
  key?: (rule: R) => string;
}): PreviewScheduler<R> {
  const keyOf = options.key ?? ((rule: R) => JSON.stringify(rule));
  let timer: ReturnType<typeof setTimeout> | null = null;
  let current: { rule: R; key: string } | null = null;
  let askedKey: string | null = null;
  let sequence = 0;
  let disposed = false;

  const clear = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };

  const send = () => {
    timer = null;
    if (!current || disposed) return;
    const mine = ++sequence;
    askedKey = current.key;
    options.onPending(true);
    options.run(current.rule).then(
      (data) => {
        if (!disposed && mine === sequence) options.onResult({ ok: true, data });
      },
      (error: unknown) => {
        if (disposed || mine !== sequence) return;
        askedKey = null; // a failed rule may be asked again
        options.onResult({ ok: false, error });
      },
    );
  };

  return {
    schedule(rule) {
      if (disposed) return;
      if (rule === null) {
        clear();
        current = null;
        askedKey = null;
        sequence += 1; // answers on their way are stale now
        options.onPending(false);
        return;
      }
      const key = keyOf(rule);
      if (current?.key === key && (timer || askedKey === key)) return;
      current = { rule, key };
      clear();
      timer = setTimeout(send, options.delayMs);
    },
    refresh() {
      if (disposed || !current) return;
      clear();
      send();
    },
    dispose() {
      disposed = true;
      clear();
    },
  };
}
