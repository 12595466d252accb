/**
 * The content routes of the BFF for the signed-in customer: the feed, one item, reading (open, heartbeat, finish)
 * and sharing. Answers are checked for the fields the screens rely on; anything else is a BAD_RESPONSE error rather
 * than a blank screen.
 */
import { ApiError, type ApiClient } from '@careloop/shared/client';
import { BAD_RESPONSE } from '../lib/errors';
import type {
  ContentCard,
  ContentCategoryCount,
  ContentDetail,
  ContentFeed,
  ContentKind,
  CustomerShare,
  ReadProgress,
  ShareTarget,
} from './types';

export interface FeedQuery {
  category?: string;
  kind?: ContentKind;
  cursor?: string;
  limit?: number;
}

/** What a heartbeat or a finish sends: visible seconds since the previous beat, and how far down the reader is. */
export interface ReadBeat {
  seconds?: number;
  scrollPercent?: number;
}

export interface ContentApi {
  /** Published items the customer may see, newest first (HCP-only items only for verified HCPs). */
  feed(query?: FeedQuery): Promise<ContentFeed>;
  categories(): Promise<ContentCategoryCount[]>;
  /** One item; HCP_ONLY when it is for verified HCPs and the customer is not one, NOT_FOUND when gone. */
  detail(id: string): Promise<ContentDetail>;
  /** Starts a read; a retry with the same requestId answers the same read. */
  openRead(id: string, request: { requestId: string; shareToken?: string }): Promise<ReadProgress>;
  heartbeat(id: string, readId: string, beat: { seconds: number; scrollPercent?: number }): Promise<ReadProgress>;
  finishRead(id: string, readId: string, beat?: ReadBeat): Promise<ReadProgress>;
  /** The customer shares: the path with their share token, for onShareAppMessage. */
  share(id: string, target: ShareTarget): Promise<CustomerShare>;
}

function bad(what: string): ApiError {
  return new ApiError(502, BAD_RESPONSE, `The API did not return ${what}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const KINDS: readonly string[] = ['article', 'video'];

export function isContentCard(value: unknown): value is ContentCard {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.kind === 'string' &&
    KINDS.includes(value.kind) &&
    typeof value.title === 'string' &&
    typeof value.summary === 'string' &&
    (value.coverUrl === null || typeof value.coverUrl === 'string') &&
    typeof value.category === 'string' &&
    typeof value.audience === 'string' &&
    typeof value.publishedAt === 'string' &&
    typeof value.readingMinutes === 'number'
  );
}

export function isContentDetail(value: unknown): value is ContentDetail {
  if (!isContentCard(value)) return false;
  const { body, video } = value as unknown as Record<string, unknown>;
  return typeof body === 'string' && (video === null || (isObject(video) && typeof video.url === 'string'));
}

function isProgress(value: unknown): value is ReadProgress {
  return (
    isObject(value) &&
    typeof value.readId === 'string' &&
    typeof value.dwellSeconds === 'number' &&
    typeof value.finished === 'boolean'
  );
}

function progress(value: unknown): ReadProgress {
  if (!isProgress(value)) throw bad('a read');
  return value;
}

const path = encodeURIComponent;

function queryString(query: FeedQuery): string {
  const parts: string[] = [];
  if (query.category) parts.push(`category=${path(query.category)}`);
  if (query.kind) parts.push(`kind=${path(query.kind)}`);
  if (query.cursor) parts.push(`cursor=${path(query.cursor)}`);
  if (query.limit) parts.push(`limit=${query.limit}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

export function createContentApi(api: Pick<ApiClient, 'get' | 'post'>): ContentApi {
  const read = (id: string, readId: string, action: string) =>
    `/api/mp/content/${path(id)}/read/${path(readId)}/${action}`;
  return {
    async feed(query = {}) {
      const feed = await api.get<unknown>(`/api/mp/content${queryString(query)}`);
      if (
        !isObject(feed) ||
        !Array.isArray(feed.items) ||
        !feed.items.every(isContentCard) ||
        !(feed.nextCursor === null || typeof feed.nextCursor === 'string')
      ) {
        throw bad('a content feed');
      }
      return { items: feed.items, nextCursor: feed.nextCursor };
    },
    async categories() {
      const list = await api.get<unknown>('/api/mp/content/categories');
      const items = isObject(list) ? list.items : undefined;
      if (
        !Array.isArray(items) ||
        !items.every((item) => isObject(item) && typeof item.category === 'string' && typeof item.count === 'number')
      ) {
        throw bad('content categories');
      }
      return items as ContentCategoryCount[];
    },
    async detail(id) {
      const detail = await api.get<unknown>(`/api/mp/content/${path(id)}`);
      if (!isContentDetail(detail)) throw bad('a content item');
      return detail;
    },
    async openRead(id, request) {
      return progress(await api.post(`/api/mp/content/${path(id)}/read`, request));
    },
    async heartbeat(id, readId, beat) {
      return progress(await api.post(read(id, readId, 'heartbeat'), beat));
    },
    async finishRead(id, readId, beat = {}) {
      return progress(await api.post(read(id, readId, 'finish'), beat));
    },
    async share(id, target) {
      const share = await api.post<unknown>(`/api/mp/content/${path(id)}/share`, { target });
      if (!isObject(share) || typeof share.path !== 'string' || typeof share.title !== 'string') {
        throw bad('a share');
      }
      return share as CustomerShare;
    },
  };
}
