/** The timeline of a customer, a page at a time: the next page loads when the end of the list comes into view. */
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { describeError } from '../api/errors';
import { createTimelinePager, type TimelineSnapshot } from '../profile/timelinePager';
import { typesForFilter } from '../profile/timelineFilter';
import { api } from '../shell/runtime';

export interface TimelineController {
  snapshot: TimelineSnapshot;
  /** Put on an element after the last item: when it comes into view, the next page loads. */
  sentinelRef(element: HTMLElement | null): void;
  loadMore(): void;
}

/** `version`: bump it to load the first page again (after a change that adds events). */
export function useTimeline(customerId: string, filterId: string, version: number): TimelineController {
  const [pager] = useState(() =>
    createTimelinePager({
      fetchPage: ({ customerId: id, cursor, limit, types }) => api.timeline(id, { cursor, limit, types }),
      describeError,
    }),
  );
  const snapshot = useSyncExternalStore(pager.subscribe, pager.getSnapshot);
  const [sentinel, setSentinel] = useState<HTMLElement | null>(null);

  useEffect(() => {
    pager.reset({ customerId, types: typesForFilter(filterId) });
    void pager.loadMore();
  }, [pager, customerId, filterId, version]);

  // A new observer after every page: it reports at once whether the end is (still) in view, so a short first page
  // that leaves the end visible loads the next one too. Never after an error: the user retries by hand.
  const { status, items } = snapshot;
  useEffect(() => {
    if (!sentinel || status !== 'ready' || typeof IntersectionObserver === 'undefined') return;
    const watcher = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) void pager.loadMore();
      },
      { rootMargin: '0px 0px 240px 0px' },
    );
    watcher.observe(sentinel);
    return () => watcher.disconnect();
  }, [pager, sentinel, status, items.length]);

  const loadMore = useCallback(() => void pager.loadMore(), [pager]);
  return { snapshot, sentinelRef: setSentinel, loadMore };
}
