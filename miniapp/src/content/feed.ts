/**
 * The Home tab's content feed as plain TypeScript: the categories the reader may see, the selected one (null: all),
 * and the items page by page. Only what the server sends is shown: an HCP-only item it leaves out for this reader is
 * never known here, not even its title.
 *
 * - `load()` loads the categories and the first page (again); `refresh()` is the same after a pull-down and keeps
 *   what is shown if it fails; `loadMore()` appends the next page; `select()` switches category.
 * - A newer request supersedes an older one: an answer for a category no longer selected is dropped.
 */
import { createState, type Store } from '../booking/store';
import type { ContentApi } from './api';
import { feedErrorMessage } from './errors';
import type { ContentCard, ContentCategoryCount } from './types';

export interface FeedState {
  /** null until loaded (or when they could not be loaded: then only "全部" is offered). */
  categories: ContentCategoryCount[] | null;
  category: string | null;
  items: ContentCard[];
  nextCursor: string | null;
  /** The first page: idle → loading → ready | error. */
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  refreshing: boolean;
  loadingMore: boolean;
  moreError: string | null;
}

export interface ContentFeedStore extends Store<FeedState> {
  load(): Promise<void>;
  refresh(): Promise<void>;
  loadMore(): Promise<void>;
  select(category: string | null): Promise<void>;
}

export interface ContentFeedOptions {
  api: Pick<ContentApi, 'feed' | 'categories'>;
  pageSize?: number;
}

export function createContentFeed({ api, pageSize = 10 }: ContentFeedOptions): ContentFeedStore {
  const state = createState<FeedState>({
    categories: null,
    category: null,
    items: [],
    nextCursor: null,
    status: 'idle',
    error: null,
    refreshing: false,
    loadingMore: false,
    moreError: null,
  });
  /** Bumped by every first-page request; answers of older ones are dropped. */
  let generation = 0;

  async function loadCategories() {
    try {
      state.set({ categories: await api.categories() });
    } catch {
      // The feed itself matters more: without categories, "全部" alone is offered.
    }
  }

  async function firstPage(mode: 'load' | 'refresh') {
    const mine = ++generation;
    const { category } = state.getState();
    // A page being appended belongs to what this request replaces.
    if (mode === 'refresh') state.set({ refreshing: true, loadingMore: false, moreError: null });
    else
      state.set({ status: 'loading', error: null, items: [], nextCursor: null, loadingMore: false, moreError: null });
    try {
      const feed = await api.feed({ ...(category ? { category } : {}), limit: pageSize });
      if (mine !== generation) return;
      state.set({ status: 'ready', items: feed.items, nextCursor: feed.nextCursor, error: null, refreshing: false });
    } catch (error) {
      if (mine !== generation) return;
      if (mode === 'refresh' && state.getState().status === 'ready') state.set({ refreshing: false });
      else state.set({ status: 'error', error: feedErrorMessage(error), refreshing: false });
    }
  }

  return {
    getState: state.getState,
    subscribe: state.subscribe,
    async load() {
      await Promise.all([loadCategories(), firstPage('load')]);
    },
    async refresh() {
      await Promise.all([loadCategories(), firstPage('refresh')]);
    },
    async loadMore() {
      const current = state.getState();
      if (current.status !== 'ready' || current.loadingMore || current.refreshing || !current.nextCursor) return;
      const mine = generation;
      state.set({ loadingMore: true, moreError: null });
      try {
        const feed = await api.feed({
          ...(current.category ? { category: current.category } : {}),
          cursor: current.nextCursor,
          limit: pageSize,
        });
        if (mine !== generation) return;
        const seen = new Set(state.getState().items.map((item) => item.id));
        state.set({
          items: [...state.getState().items, ...feed.items.filter((item) => !seen.has(item.id))],
          nextCursor: feed.nextCursor,
          loadingMore: false,
        });
      } catch (error) {
        if (mine === generation) state.set({ loadingMore: false, moreError: feedErrorMessage(error) });
      }
    },
    async select(category) {
      if (category === state.getState().category && state.getState().status !== 'error') return;
      state.set({ category });
      await firstPage('load');
    },
  };
}
