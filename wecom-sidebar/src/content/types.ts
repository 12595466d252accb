/**
 * The content contract as the WeCom app uses it: types only, inferred from the schemas in `@careloop/shared`
 * (type-only imports, so the page carries no schema code).
 */
import type {
  ContentCategoryList as ContentCategoryListSchema,
  ContentReviewRequest as ContentReviewRequestSchema,
  ContentVersionList as ContentVersionListSchema,
  CreateContentRequest as CreateContentRequestSchema,
  ShareLeaderboard,
  StaffContentPage as StaffContentPageSchema,
  StaffContentQuery as StaffContentQuerySchema,
  StaffContentSummary as StaffContentSummarySchema,
  UpdateContentRequest as UpdateContentRequestSchema,
} from '@careloop/shared';
import type { z } from 'zod';

export type {
  ContentAudience,
  ContentKind,
  ContentResults,
  ContentSettings,
  ContentStatus,
  ContentVersion,
  ShareLeaderboard,
  StaffContent,
  StaffShare,
} from '@careloop/shared';
export type StaffContentSummary = z.infer<typeof StaffContentSummarySchema>;
export type StaffContentPage = z.infer<typeof StaffContentPageSchema>;
export type ContentVersionList = z.infer<typeof ContentVersionListSchema>;
export type ContentVersionEntry = ContentVersionList['items'][number];
export type ContentCategoryList = z.infer<typeof ContentCategoryListSchema>;
export type LeaderboardRow = ShareLeaderboard['items'][number];
/** What the page sends (every field given: the forms fill the defaults themselves). */
export type CreateContentRequest = z.output<typeof CreateContentRequestSchema>;
export type UpdateContentRequest = z.output<typeof UpdateContentRequestSchema>;
export type ContentReviewRequest = z.output<typeof ContentReviewRequestSchema>;
/** The list's filters; `limit` and `cursor` are the pager's. */
export type StaffContentQuery = Partial<z.input<typeof StaffContentQuerySchema>>;
