import type { TimelinePage } from '@careloop/shared';
import { describe, expect, it, vi } from 'vitest';
import { createTimelinePager, type PageRequest } from '../../../wecom-sidebar/src/profile/timelinePager';
import { CUSTOMER_ID, event, OTHER_ID } from './fixtures';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const page = (ids: string[], nextCursor: string | null): TimelinePage => ({
  items: ids.map((id, index) => ({ ...event('page.viewed', `2026-03-0${9 - index}T01:00:00.000Z`), id })),
  nextCursor,
});

describe('createTimelinePager', () => {
  it('loads pages in order with the cursor of the previous page until there are no more', async () => {
    const fetchPage = vi.fn(async (request: PageRequest) =>
      request.cursor === null ? page(['a', 'b'], 'c1') : page(['c'], null),
    );
    const pager = createTimelinePager({ fetchPage, pageSize: 2 });
    expect(pager.getSnapshot().status).toBe('idle');
    await pager.loadMore(); // no query yet: nothing to ask
    expect(fetchPage).not.toHaveBeenCalled();

    pager.reset({ customerId: CUSTOMER_ID, types: ['page.viewed'] });
    await pager.loadMore();
    expect(pager.getSnapshot()).toMatchObject({ status: 'ready', pages: 1 });
    await pager.loadMore();
    expect(pager.getSnapshot().items.map((item) => item.id)).toEqual(['a', 'b', 'c']);
    expect(pager.getSnapshot().status).toBe('end');
    expect(pager.canLoadMore()).toBe(false);
    await pager.loadMore();
    expect(fetchPage.mock.calls.map(([request]) => request)).toEqual([
      { customerId: CUSTOMER_ID, types: ['page.viewed'], cursor: null, limit: 2 },
      { customerId: CUSTOMER_ID, types: ['page.viewed'], cursor: 'c1', limit: 2 },
    ]);
  });

  it('asks for one page at a time however often the end comes into view', async () => {
    const first = deferred<TimelinePage>();
    const fetchPage = vi.fn(() => first.promise);
    const pager = createTimelinePager({ fetchPage });
    pager.reset({ customerId: CUSTOMER_ID, types: [] });
    const one = pager.loadMore();
    const two = pager.loadMore();
    expect(pager.getSnapshot().status).toBe('loading');
    expect(pager.canLoadMore()).toBe(false);
    first.resolve(page(['a'], 'next'));
    await Promise.all([one, two]);
    expect(fetchPage).toHaveBeenCalledTimes(1);
  });

  it('drops a page that answers after the customer or filter changed', async () => {
    const slow = deferred<TimelinePage>();
    const fetchPage = vi.fn((request: PageRequest) =>
      request.customerId === CUSTOMER_ID ? slow.promise : Promise.resolve(page(['other'], null)),
    );
    const pager = createTimelinePager({ fetchPage });
    pager.reset({ customerId: CUSTOMER_ID, types: [] });
    const stale = pager.loadMore();
    pager.reset({ customerId: OTHER_ID, types: [] });
    await pager.loadMore();
    slow.resolve(page(['stale'], 'x'));
    await stale;
    expect(pager.getSnapshot()).toMatchObject({ status: 'end', query: { customerId: OTHER_ID } });
    expect(pager.getSnapshot().items.map((item) => item.id)).toEqual(['other']);
  });

  it('keeps what it has after a failed page and tries the same cursor again', async () => {
    const fetchPage = vi
      .fn<(request: PageRequest) => Promise<TimelinePage>>()
      .mockResolvedValueOnce(page(['a'], 'c1'))
      .mockRejectedValueOnce(new Error('offline'))
      .mockResolvedValueOnce(page(['b'], null));
    const pager = createTimelinePager({ fetchPage });
    pager.reset({ customerId: CUSTOMER_ID, types: [] });
    await pager.loadMore();
    await pager.loadMore();
    expect(pager.getSnapshot()).toMatchObject({ status: 'error', error: 'offline' });
    expect(pager.getSnapshot().items).toHaveLength(1);
    expect(pager.canLoadMore()).toBe(true);
    await pager.loadMore();
    expect(fetchPage.mock.calls[2]![0].cursor).toBe('c1');
    expect(pager.getSnapshot()).toMatchObject({ status: 'end', error: null });
    expect(pager.getSnapshot().items.map((item) => item.id)).toEqual(['a', 'b']);
  });

  it('shows an event once even if a page repeats it, and stops on a cursor that does not move', async () => {
    const fetchPage = vi
      .fn<(request: PageRequest) => Promise<TimelinePage>>()
      .mockResolvedValueOnce(page(['a', 'b'], 'c1'))
      .mockResolvedValueOnce(page(['b', 'c'], 'c1'));
    const pager = createTimelinePager({ fetchPage });
    pager.reset({ customerId: CUSTOMER_ID, types: [] });
    await pager.loadMore();
    await pager.loadMore();
    expect(pager.getSnapshot().items.map((item) => item.id)).toEqual(['a', 'b', 'c']);
    expect(pager.getSnapshot().status).toBe('end');
  });

  it('keeps the staff names of every loaded page, and forgets them for another customer', async () => {
    const fetchPage = vi
      .fn<(request: PageRequest) => Promise<TimelinePage>>()
      .mockResolvedValueOnce({ ...page(['a'], 'c1'), staffNames: { s1: '李娜' } })
      .mockResolvedValueOnce({ ...page(['b'], null), staffNames: { s2: '张伟' } })
      .mockResolvedValueOnce(page(['x'], null));
    const pager = createTimelinePager({ fetchPage });
    pager.reset({ customerId: CUSTOMER_ID, types: [] });
    await pager.loadMore();
    await pager.loadMore();
    expect(pager.getSnapshot().staffNames).toEqual({ s1: '李娜', s2: '张伟' });
    pager.reset({ customerId: OTHER_ID, types: [] });
    expect(pager.getSnapshot().staffNames).toEqual({});
    await pager.loadMore();
    expect(pager.getSnapshot().staffNames).toEqual({});
  });

  it('tells subscribers about every change and gives a new snapshot each time', async () => {
    const pager = createTimelinePager({ fetchPage: async () => page(['a'], null) });
    const seen: string[] = [];
    const unsubscribe = pager.subscribe(() => seen.push(pager.getSnapshot().status));
    const before = pager.getSnapshot();
    pager.reset({ customerId: CUSTOMER_ID, types: [] });
    expect(pager.getSnapshot()).not.toBe(before);
    await pager.loadMore();
    unsubscribe();
    pager.reset(null);
    expect(seen).toEqual(['idle', 'loading', 'end']);
  });
});
