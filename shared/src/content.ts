/**
 * The content centre: articles (sanitised rich text) and videos, each with a category, tags and an audience, an
 * editorial workflow with a recorded review and a version history; readers in the mini-program, read tracking,
 * sharing with attribution (全员营销) and results per content.
 *
 * Editorial states (`status`, the state of the latest version):
 *   draft → in_review → approved → published → archived;  in_review → draft when rejected (with the comment).
 * Every save is a new version. The published version is pinned as `live`: readers keep seeing it while a newer
 * version is edited and reviewed (status goes back to draft on the first edit), until a newer version is
 * published or the content is archived. Only an approved version can be published; a reviewer cannot approve a
 * version they edited or submitted (CONTENT_SELF_REVIEW).
 *
 * Audiences: `public` any signed-in user; `patient` any customer; `hcp` verified HCPs only. To anyone else an hcp
 * item does not exist in lists (it is left out, not shown locked: its title is never sent) and its detail answers
 * HCP_ONLY (403). Staff preview everything through the staff routes.
 *
 * Reading is tracked by the server (`POST /api/mp/content/:id/read` and its heartbeat and finish), which records
 * `content.opened` and `content.finished` timeline events with the content's `category` and `title`; the
 * mini-program's content pages use these routes and do not send content.* events in their batches.
 */
import { z } from 'zod';
import { ObjectId } from './common';

const text = (max: number) => z.string().trim().max(max);

export const ContentKind = z.enum(['article', 'video']);
export type ContentKind = z.infer<typeof ContentKind>;

export const ContentAudience = z.enum(['public', 'patient', 'hcp']);
export type ContentAudience = z.infer<typeof ContentAudience>;

export const ContentStatus = z.enum(['draft', 'in_review', 'approved', 'published', 'archived']);
export type ContentStatus = z.infer<typeof ContentStatus>;

/** A category key, e.g. `ortho`, `implant`, `hygiene`, `academic` (tag rules match on it). */
export const ContentCategory = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be 1–32 lower-case letters, digits, _ or -, starting with a letter');
export type ContentCategory = z.infer<typeof ContentCategory>;

export const ContentTagName = text(20).min(1);

/** The largest rich-text body accepted, in characters (before sanitising). */
export const CONTENT_BODY_MAX_CHARS = 50_000;

const HttpUrl = z
  .url({ protocol: /^https?$/ })
  .max(1000)
  .meta({ description: 'http(s) URL' });
const HttpsUrl = z
  .url({ protocol: /^https$/ })
  .max(1000)
  .meta({ description: 'https URL' });

export const ContentVideo = z.strictObject({
  /** The video file or stream (https). */
  url: HttpsUrl,
  durationSeconds: z.number().int().min(1).max(86_400).nullable().default(null),
});
export type ContentVideo = z.infer<typeof ContentVideo>;

/** The editable fields of a version. */
const versionFields = {
  title: text(100).min(1),
  summary: text(200),
  /** The list and share-card image; http(s). */
  coverUrl: HttpUrl.nullable(),
  category: ContentCategory,
  tags: z.array(ContentTagName).max(10),
  audience: ContentAudience,
  /**
   * Rich text as HTML: headings, paragraphs, lists, links, bold/italic, images (http/https), quotes, tables.
   * Anything else (scripts, styles, frames, event handlers, javascript:/data: URLs) is removed on the server;
   * the stored and returned body is the sanitised one. Articles need a body; for a video it is the description.
   */
  body: z.string().max(CONTENT_BODY_MAX_CHARS),
  /** Required for a video, null for an article. */
  video: ContentVideo.nullable(),
};

export const CreateContentRequest = z.strictObject({
  kind: ContentKind,
  title: versionFields.title,
  summary: versionFields.summary.default(''),
  coverUrl: versionFields.coverUrl.default(null),
  category: versionFields.category,
  tags: versionFields.tags.default([]),
  audience: versionFields.audience,
  body: versionFields.body.default(''),
  video: versionFields.video.default(null),
});
export type CreateContentRequest = z.infer<typeof CreateContentRequest>;

/** A save: the fields that change, on top of `baseVersion` (a stale base answers CONTENT_STATE_CONFLICT). */
export const UpdateContentRequest = z
  .strictObject({
    baseVersion: z.number().int().min(1),
    title: versionFields.title.optional(),
    summary: versionFields.summary.optional(),
    coverUrl: versionFields.coverUrl.optional(),
    category: versionFields.category.optional(),
    tags: versionFields.tags.optional(),
    audience: versionFields.audience.optional(),
    body: versionFields.body.optional(),
    video: versionFields.video.optional(),
  })
  .refine((value) => Object.keys(value).length > 1, 'nothing to change');
export type UpdateContentRequest = z.infer<typeof UpdateContentRequest>;

export const ContentReviewRequest = z
  .strictObject({
    decision: z.enum(['approve', 'reject']),
    /** Required when rejecting: what to change. */
    comment: text(500).default(''),
  })
  .refine((value) => value.decision === 'approve' || value.comment.length > 0, {
    path: ['comment'],
    message: 'a rejection needs a comment',
  });
export type ContentReviewRequest = z.infer<typeof ContentReviewRequest>;

export const ContentParams = z.strictObject({ id: ObjectId });
export const ContentVersionParams = z.strictObject({ id: ObjectId, number: z.coerce.number().int().min(1) });

const StaffRef = z.object({ id: ObjectId, name: z.string().nullable() });

/** One saved version, as staff read it. */
export const ContentVersion = z
  .object({
    number: z.number().int(),
    title: z.string(),
    summary: z.string(),
    coverUrl: z.string().nullable(),
    category: z.string(),
    tags: z.array(z.string()),
    audience: ContentAudience,
    body: z.string(),
    video: z.object({ url: z.string(), durationSeconds: z.number().int().nullable() }).nullable(),
    editedBy: StaffRef,
    editedAt: z.iso.datetime(),
  })
  .meta({ id: 'ContentVersion' });
export type ContentVersion = z.infer<typeof ContentVersion>;

export const ContentVersionList = z.object({
  /** Newest first. */
  items: z.array(
    z.object({
      number: z.number().int(),
      title: z.string(),
      editedBy: StaffRef,
      editedAt: z.iso.datetime(),
      /** The version readers see now. */
      live: z.boolean(),
      /** Approved and not yet published. */
      approved: z.boolean(),
    }),
  ),
});

export const ContentReview = z.object({
  version: z.number().int(),
  decision: z.enum(['approve', 'reject']),
  comment: z.string(),
  by: StaffRef,
  at: z.iso.datetime(),
});

/** A content item as staff see it in the workbench: the latest version, what is live, the review record. */
export const StaffContent = z
  .object({
    id: ObjectId,
    kind: ContentKind,
    status: ContentStatus,
    author: StaffRef,
    /** The latest version (what the editor edits and the reviewer reviews). */
    working: ContentVersion,
    /** The published version readers see; null when none was published. */
    live: z
      .object({ number: z.number().int(), publishedAt: z.iso.datetime(), publishedBy: StaffRef, title: z.string() })
      .nullable(),
    approvedVersion: z.number().int().nullable(),
    submitted: z.object({ version: z.number().int(), by: StaffRef, at: z.iso.datetime() }).nullable(),
    /** Every review decision, oldest first. */
    reviews: z.array(ContentReview),
    readingMinutes: z.number().int(),
    /** What the signed-in staff member may do now. */
    can: z.object({
      edit: z.boolean(),
      submit: z.boolean(),
      review: z.boolean(),
      publish: z.boolean(),
      archive: z.boolean(),
      share: z.boolean(),
    }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    archivedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'StaffContent' });
export type StaffContent = z.infer<typeof StaffContent>;

export const StaffContentSummary = z
  .object({
    id: ObjectId,
    kind: ContentKind,
    status: ContentStatus,
    title: z.string(),
    category: z.string(),
    audience: ContentAudience,
    coverUrl: z.string().nullable(),
    author: StaffRef,
    version: z.number().int(),
    liveVersion: z.number().int().nullable(),
    publishedAt: z.iso.datetime().nullable(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'StaffContentSummary' });

const Cursor = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const Limit = z.coerce.number().int().min(1).max(50).default(20);

export const StaffContentQuery = z.strictObject({
  status: ContentStatus.optional(),
  category: ContentCategory.optional(),
  kind: ContentKind.optional(),
  audience: ContentAudience.optional(),
  /** Title contains. */
  q: text(40).optional(),
  cursor: Cursor.optional(),
  limit: Limit,
});
export type StaffContentQuery = z.infer<typeof StaffContentQuery>;

export const StaffContentPage = z.object({
  /** Most recently changed first. */
  items: z.array(StaffContentSummary),
  nextCursor: z.string().nullable(),
});

// ---------------------------------------------------------------------------------------------------------------
// Mini-program

/** The mini-program page showing one content item; query `id` (content id) and `st` (share token, optional). */
export const CONTENT_DETAIL_PAGE = 'subpackages/content/pages/detail/index';

export const ContentFeedQuery = z.strictObject({
  category: ContentCategory.optional(),
  kind: ContentKind.optional(),
  cursor: Cursor.optional(),
  limit: Limit,
});
export type ContentFeedQuery = z.infer<typeof ContentFeedQuery>;

/** A feed item (the published version). */
export const ContentCard = z
  .object({
    id: ObjectId,
    kind: ContentKind,
    title: z.string(),
    summary: z.string(),
    coverUrl: z.string().nullable(),
    category: z.string(),
    tags: z.array(z.string()),
    audience: ContentAudience,
    publishedAt: z.iso.datetime(),
    /** Estimated reading time of the body (at least 1). */
    readingMinutes: z.number().int(),
    video: z.object({ durationSeconds: z.number().int().nullable() }).nullable(),
  })
  .meta({ id: 'ContentCard' });
export type ContentCard = z.infer<typeof ContentCard>;

export const ContentFeed = z
  .object({
    /** Newest first; only what the reader may see (hcp items only for verified HCPs). */
    items: z.array(ContentCard),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'ContentFeed' });
export type ContentFeed = z.infer<typeof ContentFeed>;

export const ContentCategoryList = z.object({
  /** Categories with at least one item the reader may see, most items first. */
  items: z.array(z.object({ category: z.string(), count: z.number().int() })),
});

/** One published item to read: the card plus the sanitised body and the video. */
export const ContentDetail = ContentCard.extend({
  version: z.number().int(),
  body: z.string(),
  video: z.object({ url: z.string(), durationSeconds: z.number().int().nullable() }).nullable(),
}).meta({ id: 'ContentDetail' });
export type ContentDetail = z.infer<typeof ContentDetail>;

/** A share token: short and opaque; it stands for (content, sharer). */
export const ShareToken = z.string().regex(/^[A-Za-z0-9]{10}$/, 'must be 10 letters or digits');

/** Heartbeats credit at most this many seconds each. */
export const HEARTBEAT_MAX_SECONDS = 30;
/** A heartbeat more than this long after the previous one (page hidden, phone locked) credits nothing. */
export const HEARTBEAT_GAP_SECONDS = 90;

export const OpenReadRequest = z.strictObject({
  /** The page's id for this open; a retried open with the same id answers the same read. */
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  /** The `st` query of the page, when it was opened from a share. */
  shareToken: ShareToken.optional(),
});
export type OpenReadRequest = z.infer<typeof OpenReadRequest>;

export const ReadParams = z.strictObject({ id: ObjectId, readId: ObjectId });

/**
 * Sent every 10–15 s while the page is visible: the visible seconds since the previous beat and how far down the
 * reader is. The server credits at most HEARTBEAT_MAX_SECONDS and never more than the time that passed.
 */
export const ReadHeartbeatRequest = z.strictObject({
  seconds: z.number().int().min(0).max(3600),
  scrollPercent: z.number().min(0).max(100).optional(),
});
export type ReadHeartbeatRequest = z.infer<typeof ReadHeartbeatRequest>;

/** The reader reached the end (a video: played to the end). A last beat may come with it. */
export const FinishReadRequest = z.strictObject({
  seconds: z.number().int().min(0).max(3600).optional(),
  scrollPercent: z.number().min(0).max(100).optional(),
});

export const ReadProgress = z
  .object({
    readId: ObjectId,
    dwellSeconds: z.number().int(),
    maxScrollPercent: z.number(),
    finished: z.boolean(),
    /** Seconds this request added. */
    credited: z.number().int(),
    /**
     * Whether this read came through a valid share (a token of this content, not the reader's own). The reader is
     * attributed to the first such sharer of the content; later sharers do not take them over.
     */
    attributed: z.boolean(),
  })
  .meta({ id: 'ReadProgress' });
export type ReadProgress = z.infer<typeof ReadProgress>;

export const CustomerShareRequest = z.strictObject({
  target: z.enum(['friend', 'group', 'moments', 'poster', 'link']),
});

/** What the mini-program's onShareAppMessage returns: `path` carries the share token. */
export const CustomerShare = z.object({
  shareToken: ShareToken,
  path: z.string(),
  title: z.string(),
  imageUrl: z.string().nullable(),
});
export type CustomerShare = z.infer<typeof CustomerShare>;

// ---------------------------------------------------------------------------------------------------------------
// Staff sharing (全员营销), results

export const StaffShareRequest = z.strictObject({
  /** The customer in the current chat (sidebar), when known: recorded on their timeline and audited. */
  customerId: ObjectId.optional(),
});

/**
 * What the sidebar sends with the JS-SDK `sendChatMessage`: `{ msgtype: 'news', news }` or
 * `{ msgtype: 'miniprogram', miniprogram }` (null when the content has no cover image, which WeChat requires).
 * `h5Url` is also the link for a poster QR code.
 */
export const StaffShare = z
  .object({
    shareToken: ShareToken,
    /** Mini-program path with query, e.g. for a mini-program code. */
    path: z.string(),
    h5Url: z.string(),
    news: z.object({ link: z.string(), title: z.string(), desc: z.string(), imgUrl: z.string() }),
    miniprogram: z.object({ appid: z.string(), title: z.string(), imgUrl: z.string(), page: z.string() }).nullable(),
  })
  .meta({ id: 'StaffShare' });
export type StaffShare = z.infer<typeof StaffShare>;

export const ShareLeaderboardQuery = z.strictObject({ contentId: ObjectId.optional() });

export const ShareLeaderboard = z
  .object({
    /** Staff with any share, most readers reached first. */
    items: z.array(
      z.object({
        staff: StaffRef,
        /** Times they shared (sends into chats, links, posters). */
        shares: z.number().int(),
        /** Readers whose reading is attributed to them (first sharer wins per reader and content). */
        readersReached: z.number().int(),
        /** Readers new to the organisation who came through their share. */
        newCustomers: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'ShareLeaderboard' });
export type ShareLeaderboard = z.infer<typeof ShareLeaderboard>;

export const DEFAULT_ATTRIBUTION_WINDOW_DAYS = 7;
const WindowDays = z.coerce.number().int().min(1).max(90);

export const ContentResultsQuery = z.strictObject({
  /** Readers who booked within this many days after reading; default: the organisation's setting. */
  windowDays: WindowDays.optional(),
});

export const ContentResults = z
  .object({
    contentId: ObjectId,
    /** Opens (reads started). */
    opens: z.number().int(),
    uniqueReaders: z.number().int(),
    averageDwellSeconds: z.number(),
    finishes: z.number().int(),
    /** finishes / opens (0 when no opens). */
    finishRate: z.number(),
    /** Shares by staff and customers. */
    shares: z.number().int(),
    /** Readers with a booking within `windowDays` after one of their reads. */
    bookedReaders: z.number().int(),
    windowDays: z.number().int(),
  })
  .meta({ id: 'ContentResults' });
export type ContentResults = z.infer<typeof ContentResults>;

export const ContentSettings = z.strictObject({ attributionWindowDays: WindowDays }).meta({ id: 'ContentSettings' });
export type ContentSettings = z.infer<typeof ContentSettings>;

/** A customer's reading, for the sidebar (audited). */
export const CustomerReading = z
  .object({
    /** The staff member or customer whose share first brought this customer, if any. */
    referral: z
      .object({
        by: z.object({ kind: z.enum(['staff', 'customer']), id: ObjectId, name: z.string().nullable() }),
        contentId: ObjectId,
        at: z.iso.datetime(),
      })
      .nullable(),
    /** The latest reads, newest first. */
    reads: z.array(
      z.object({
        readId: ObjectId,
        content: z.object({ id: ObjectId, title: z.string(), category: z.string(), kind: ContentKind }),
        openedAt: z.iso.datetime(),
        dwellSeconds: z.number().int(),
        maxScrollPercent: z.number(),
        finishedAt: z.iso.datetime().nullable(),
        sharedBy: z.object({ kind: z.enum(['staff', 'customer']), id: ObjectId }).nullable(),
      }),
    ),
  })
  .meta({ id: 'CustomerReading' });
export type CustomerReading = z.infer<typeof CustomerReading>;
