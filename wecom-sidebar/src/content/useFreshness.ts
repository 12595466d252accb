/**
 * Keeps an item's page (a content item, a meeting) current while others work on it: switching between its views
 * reads it again, and when what the list shows of it changed (its state, version, numbers) — by this page or by
 * someone else — the list is told, so it reads itself again.
 */
import { useEffect, useRef } from 'react';

export function useFreshness<T>(
  view: string,
  reload: () => void,
  data: T | null,
  signature: (item: T) => string,
  onChanged: (item: T) => void,
): void {
  const firstView = useRef(true);
  useEffect(() => {
    if (firstView.current) {
      firstView.current = false;
      return;
    }
    reload();
  }, [view, reload]);

  // Read when the data changes, not followed themselves (the parent passes new functions at every render).
  const latest = useRef({ signature, onChanged });
  latest.current = { signature, onChanged };
  const seen = useRef<string | null>(null);
  useEffect(() => {
    if (!data) return;
    const next = latest.current.signature(data);
    if (seen.current !== null && seen.current !== next) latest.current.onChanged(data);
    seen.current = next;
  }, [data]);
}
