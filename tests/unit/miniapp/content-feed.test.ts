import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import type { ContentApi, FeedQuery } from '../../../miniapp/src/content/api';
import { createContentFeed } from '../../../miniapp/src/content/feed';
import type { ContentFeed } from '../../../miniapp/src/content/types';
import { card } from './content-fixtures';

const a = card({ id: '65a1b2c3d4e5f60718293c0a', title: 'A' });
const b = card({ id: '65a1b2c3d4e5f60718293c0b', title: 'B' });
const c = card({ id: '65a1b2c3d4e5f60718293c0c', title: 'C', category: 'ortho' });

/** A feed API whose answers the test releases one by one (`answer(i)`), recording each query. */
function pendingApi() {
  const queries: FeedQuery[] = [];
  const answers: { resolve: (feed: ContentFeed) => void; reject: (error: unknown) => void }[] = [];
  const api: Pick<ContentApi, 'feed' | 'categories'> = {
    feed: (query = {}) =>
      new Promise((resolve, reject) => {
        queries.push(query);
        answers.push({ resolve, reject });
      }),
    categories: async () => [
      { category: 'hygiene', count: 2 },
      { category: 'ortho', count: 1 },
    ],
  };
  return { api, queries, answers };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the content feed', () => {
  it('shows the first page with the categories, then appends the next page without repeating items', async () => {
    const { api, queries, answers } = pendingApi();
    const feed = createContentFeed({ api, pageSize: 2 });
    const loading = feed.load();
    expect(feed.getState().status).toBe('loading');
    answers[0]!.resolve({ items: [a, b], nextCursor: 'page2' });
    await loading;
    expect(feed.getState()).toMatchObject({ status: 'ready', items: [a, b], nextCursor: 'page2' });
    expect(feed.getState().categories?.map((item) => item.category)).toEqual(['hygiene', 'ortho']);

    const more = feed.loadMore();
    void feed.loadMore(); // a second reach-bottom while the page loads asks nothing more
    expect(feed.getState().loadingMore).toBe(true);
    answers[1]!.resolve({ items: [b, c], nextCursor: null });
    await more;
    expect(queries).toEqual([{ limit: 2 }, { cursor: 'page2', limit: 2 }]);
    expect(feed.getState().items.map((item) => item.title)).toEqual(['A', 'B', 'C']);
    expect(feed.getState().nextCursor).toBeNull();
    await feed.loadMore(); // the end: nothing more to ask
    expect(queries).toHaveLength(2);
  });

  it('switching category drops the answer of the category left behind', async () => {
    const { api, queries, answers } = pendingApi();
    const feed = createContentFeed({ api, pageSize: 2 });
    const all = feed.load();
    const ortho = feed.select('ortho');
    answers[1]!.resolve({ items: [c], nextCursor: null });
    await ortho;
    answers[0]!.resolve({ items: [a, b], nextCursor: 'page2' }); // late answer for "all"
    await all;
    expect(queries[1]).toEqual({ category: 'ortho', limit: 2 });
    expect(feed.getState()).toMatchObject({ category: 'ortho', items: [c], nextCursor: null });
  });

  it('keeps what is shown when a pull-down refresh fails, and says why when a first load fails', async () => {
    const { api, answers } = pendingApi();
    const feed = createContentFeed({ api });
    const load = feed.load();
    answers[0]!.resolve({ items: [a], nextCursor: null });
    await load;
    const refresh = feed.refresh();
    expect(feed.getState().refreshing).toBe(true);
    answers[1]!.reject(new ApiError(0, 'NETWORK_ERROR', 'offline'));
    await refresh;
    expect(feed.getState()).toMatchObject({ status: 'ready', items: [a], refreshing: false });

    const other = feed.select('ortho');
    answers[2]!.reject(new ApiError(0, 'NETWORK_ERROR', 'offline'));
    await other;
    expect(feed.getState()).toMatchObject({ status: 'error', error: '网络连接失败，请检查网络后重试', items: [] });
  });

  it('says a next page failed and lets it be asked again', async () => {
    const { api, answers, queries } = pendingApi();
    const feed = createContentFeed({ api });
    const load = feed.load();
    answers[0]!.resolve({ items: [a], nextCursor: 'page2' });
    await load;
    const more = feed.loadMore();
    answers[1]!.reject(new ApiError(500, 'INTERNAL', 'boom'));
    await more;
    expect(feed.getState()).toMatchObject({ loadingMore: false, moreError: 'boom', items: [a] });
    const again = feed.loadMore();
    await settle();
    answers[2]!.resolve({ items: [b], nextCursor: null });
    await again;
    expect(queries.map((query) => query.cursor)).toEqual([undefined, 'page2', 'page2']);
    expect(feed.getState()).toMatchObject({ moreError: null, items: [a, b] });
  });

  it('asks for a refresh when the server no longer accepts the page position', async () => {
    const { api, answers } = pendingApi();
    const feed = createContentFeed({ api });
    const load = feed.load();
    answers[0]!.resolve({ items: [a], nextCursor: 'stale' });
    await load;
    const more = feed.loadMore();
    answers[1]!.reject(new ApiError(400, 'VALIDATION_FAILED', 'Invalid query'));
    await more;
    expect(feed.getState().moreError).toBe('内容列表已更新，请下拉刷新后重试');
  });
});
