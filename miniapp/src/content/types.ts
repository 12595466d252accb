/**
 * The content contracts as TypeScript types, inferred from the API's schemas in `@careloop/shared`.
 * Types only: nothing of zod reaches the mini-program bundle.
 */
import type { z } from 'zod';
import type {
  ContentCard,
  ContentCategoryList as ContentCategoryListSchema,
  ContentDetail,
  ContentFeed,
  ContentKind,
  CustomerShare,
  CustomerShareRequest,
  ReadProgress,
} from '@careloop/shared';

export type { ContentCard, ContentDetail, ContentFeed, ContentKind, CustomerShare, ReadProgress };
/** A category with how many items the reader may see in it. */
export type ContentCategoryCount = z.infer<typeof ContentCategoryListSchema>['items'][number];
/** Where a customer shares to: a friend or group (the mini-program share), moments, a poster, a link. */
export type ShareTarget = z.infer<typeof CustomerShareRequest>['target'];
export type { Loadable } from '../booking/types';
