/**
 * The timeline's paging state, without React: which customer and types are shown, the events loaded so far (newest
 * first) and the names of the staff they name, the cursor of the next page, and whether a page is loading. A page
 * that answers after the query changed is dropped, and only one page is asked for at a time, so an eager scroll
 * cannot load a page twice.
 * The sidebar reads it through `useSyncExternalStore`.
 */
import type { EventType, TimelineEvent, TimelinePage } from '@careloop/shared';

export interface TimelineQueryKey {
  customerId: string;
  types: readonly EventType[];
}

export interface PageRequest extends TimelineQueryKey {
  cursor: string | null;
  limit: number;
}

export type TimelineStatus =
  /** Nothing asked yet for this query. */
  | 'idle'
  | 'loading'
  /** More pages to load. */
  | 'ready'
  /** Every page loaded. */
  | 'end'
  /** The last page request failed; `loadMore` tries it again. */
  | 'error';

export interface TimelineSnapshot {
  query: TimelineQueryKey | null;
  items: readonly TimelineEvent[];
  status: TimelineStatus;
  error: string | null;
  /** Pages loaded for this query. */
  pages: number;
  /** Names of the staff the loaded pages' events name (by staff id or WeCom userid), as the server gave them. */
  staffNames: Readonly<Record<string, string>>;
}

export interface TimelinePager {
  getSnapshot(): TimelineSnapshot;
  subscribe(listener: () => void): () => void;
  /** Shows another customer or types: forgets what was loaded (an answer still on its way is dropped). */
  reset(query: TimelineQueryKey | null): void;
  /** Loads the next page unless one is loading or there is none; resolves when that page settled. */
  loadMore(): Promise<void>;
  /** Whether `loadMore` would ask for a page now. */
  canLoadMore(): boolean;
}

export const TIMELINE_PAGE_SIZE = 20;

export function createTimelinePager(options: {
  fetchPage(request: PageRequest): Promise<TimelinePage>;
  describeError?(error: unknown): string;
  pageSize?: number;
}): TimelinePager {
  const pageSize = options.pageSize ?? TIMELINE_PAGE_SIZE;
  const describe =
    options.describeError ?? ((error: unknown) => (error instanceof Error ? error.message : String(error)));
  const listeners = new Set<() => void>();
  let snapshot: TimelineSnapshot = { query: null, items: [], status: 'idle', error: null, pages: 0, staffNames: {} };
  let cursor: string | null = null;
  let generation = 0;
  let inFlight: Promise<void> | null = null;

  const update = (next: Partial<TimelineSnapshot>) => {
    snapshot = { ...snapshot, ...next };
    for (const listener of [...listeners]) listener();
  };

  const canLoadMore = () =>
    snapshot.query !== null &&
    inFlight === null &&
    (snapshot.status === 'idle' || snapshot.status === 'ready' || snapshot.status === 'error');

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    canLoadMore,
    reset(query) {
      generation += 1;
      inFlight = null;
      cursor = null;
      update({
        query: query ? { customerId: query.customerId, types: [...query.types] } : null,
        items: [],
        status: 'idle',
        error: null,
        pages: 0,
        staffNames: {},
      });
    },
    loadMore() {
      if (inFlight) return inFlight;
      const query = snapshot.query;
      if (!query || !canLoadMore()) return Promise.resolve();
      const mine = generation;
      update({ status: 'loading', error: null });
      const request: PageRequest = { customerId: query.customerId, types: query.types, cursor, limit: pageSize };
      const current = options.fetchPage(request).then(
        (page) => {
          if (mine !== generation) return;
          inFlight = null;
          // A page never repeats an event of an earlier one; if the server ever did, show it once.
          const seen = new Set(snapshot.items.map((item) => item.id));
          const fresh = page.items.filter((item) => !seen.has(item.id));
          // A cursor that does not move would ask for the same page for ever: stop there.
          const more = page.nextCursor !== null && page.nextCursor !== cursor;
          cursor = page.nextCursor;
          update({
            items: fresh.length ? [...snapshot.items, ...fresh] : snapshot.items,
            status: more ? 'ready' : 'end',
            pages: snapshot.pages + 1,
            staffNames: page.staffNames ? { ...snapshot.staffNames, ...page.staffNames } : snapshot.staffNames,
          });
        },
        (error: unknown) => {
          if (mine !== generation) return;
          inFlight = null;
          update({ status: 'error', error: describe(error) });
        },
      );
      inFlight = current;
      return current;
    },
  };
}
