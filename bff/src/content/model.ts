import mongoose, { Schema, type Types } from 'mongoose';

/** The fields of one version of a content item (what an editor saves). */
const versionFields = {
  title: { type: String, required: true },
  summary: { type: String, default: '' },
  coverUrl: { type: String, default: null },
  category: { type: String, required: true },
  tags: { type: [String], default: [] },
  audience: { type: String, enum: ['public', 'patient', 'hcp'], required: true },
  /** Sanitised HTML. */
  body: { type: String, default: '' },
  video: {
    type: new Schema({ url: String, durationSeconds: { type: Number, default: null } }, { _id: false }),
    default: null,
  },
};

const workingSchema = new Schema(
  {
    ...versionFields,
    number: { type: Number, required: true },
    editedBy: { type: Schema.Types.ObjectId, required: true },
    editedAt: { type: Date, required: true },
  },
  { _id: false },
);

const liveSchema = new Schema(
  {
    ...versionFields,
    number: { type: Number, required: true },
    editedBy: { type: Schema.Types.ObjectId, required: true },
    editedAt: { type: Date, required: true },
    publishedAt: { type: Date, required: true },
    publishedBy: { type: Schema.Types.ObjectId, required: true },
  },
  { _id: false },
);

/**
 * A content item. `working` is the latest version (also kept in content_versions); `live` the published version
 * readers see. Every change is one conditional update of this document (on `status` and `working.number`), so
 * concurrent saves, reviews and publications cannot overwrite each other.
 */
const contentSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: ['article', 'video'], required: true },
    authorId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: ['draft', 'in_review', 'approved', 'published', 'archived'], required: true },
    working: { type: workingSchema, required: true },
    live: { type: liveSchema, default: null },
    approvedVersion: { type: Number, default: null },
    submitted: {
      type: new Schema({ version: Number, by: Schema.Types.ObjectId, at: Date }, { _id: false }),
      default: null,
    },
    reviews: {
      type: [
        {
          version: Number,
          decision: { type: String, enum: ['approve', 'reject'] },
          comment: String,
          by: Schema.Types.ObjectId,
          at: Date,
          _id: false,
        },
      ],
      default: [],
    },
    archivedAt: { type: Date, default: null },
    archivedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true },
);
// The readers' feed: published, newest first, by category.
contentSchema.index({ organisationId: 1, status: 1, 'live.audience': 1, 'live.category': 1, 'live.publishedAt': -1 });
// The workbench list: most recently changed first.
contentSchema.index({ organisationId: 1, updatedAt: -1, _id: -1 });

/** Every saved version of a content item; (contentId, number) is unique. */
const contentVersionSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    contentId: { type: Schema.Types.ObjectId, required: true },
    number: { type: Number, required: true },
    ...versionFields,
    editedBy: { type: Schema.Types.ObjectId, required: true },
    editedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
contentVersionSchema.index({ contentId: 1, number: 1 }, { unique: true });

/**
 * A share token: (content, sharer) → a short opaque token carried by links and cards. One per sharer and content
 * (the oldest wins if a race made two; both keep working); `shareCount` counts each share action.
 */
const contentShareSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    token: { type: String, required: true },
    contentId: { type: Schema.Types.ObjectId, required: true },
    sharerKind: { type: String, enum: ['staff', 'customer'], required: true },
    sharerId: { type: Schema.Types.ObjectId, required: true },
    shareCount: { type: Number, default: 0 },
    lastSharedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
contentShareSchema.index({ token: 1 }, { unique: true });
contentShareSchema.index({ organisationId: 1, contentId: 1, sharerKind: 1, sharerId: 1, createdAt: 1 });
contentShareSchema.index({ organisationId: 1, sharerKind: 1, sharerId: 1 });

const sharerSchema = new Schema(
  {
    kind: { type: String, enum: ['staff', 'customer'], required: true },
    id: { type: Schema.Types.ObjectId, required: true },
    token: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { _id: false },
);

/**
 * One read: a page open of a content item by a customer, with its dwell (heartbeats), deepest scroll and finish.
 * `requestKey` (session customer + the page's request id) makes a retried open answer the same read.
 */
const contentReadSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    contentId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    requestKey: { type: String, required: true },
    category: { type: String, required: true },
    openedAt: { type: Date, required: true },
    lastBeatAt: { type: Date, required: true },
    dwellSeconds: { type: Number, default: 0 },
    maxScrollPercent: { type: Number, default: 0 },
    finishedAt: { type: Date, default: null },
    /** The share this open came through, when it did. */
    sharer: { type: sharerSchema, default: null },
  },
  { versionKey: false },
);
contentReadSchema.index({ organisationId: 1, requestKey: 1 }, { unique: true });
contentReadSchema.index({ organisationId: 1, contentId: 1 });
contentReadSchema.index({ organisationId: 1, customerId: 1, openedAt: -1 });

/**
 * One row per reader and content: when they first and last opened it, whether they finished it, the first sharer
 * who brought them to it (first wins), and the shortest time from one of their reads to a later booking.
 */
const contentReaderSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    contentId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    firstOpenedAt: { type: Date, required: true },
    lastOpenedAt: { type: Date, required: true },
    finished: { type: Boolean, default: false },
    sharer: { type: sharerSchema, default: null },
    /** Absent until a booking follows a read (so `$min` sets it the first time). */
    minBookingLagMs: { type: Number },
  },
  { versionKey: false },
);
contentReaderSchema.index({ organisationId: 1, contentId: 1, customerId: 1 }, { unique: true });
contentReaderSchema.index({ organisationId: 1, customerId: 1, lastOpenedAt: -1 });
contentReaderSchema.index({ organisationId: 1, 'sharer.kind': 1, 'sharer.id': 1 });
contentReaderSchema.index({ lastOpenedAt: 1 });

/** Who brought a customer new to the organisation (through a share): one per customer, the first wins. */
const contentReferralSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    referrerKind: { type: String, enum: ['staff', 'customer'], required: true },
    referrerId: { type: Schema.Types.ObjectId, required: true },
    contentId: { type: Schema.Types.ObjectId, required: true },
    token: { type: String, required: true },
    at: { type: Date, required: true },
    /** The read that recorded the referral (it records `referral.converted` for a customer's share, once). */
    readId: { type: Schema.Types.ObjectId, default: null },
  },
  { versionKey: false },
);
contentReferralSchema.index({ organisationId: 1, customerId: 1 }, { unique: true });
contentReferralSchema.index({ organisationId: 1, referrerKind: 1, referrerId: 1 });

/** The organisation's content settings. */
const contentSettingsSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true, unique: true },
    attributionWindowDays: { type: Number, required: true },
  },
  { timestamps: true },
);

export interface Sharer {
  kind: 'staff' | 'customer';
  id: Types.ObjectId;
  token: string;
  at: Date;
}

export interface VersionFields {
  title: string;
  summary: string;
  coverUrl: string | null;
  category: string;
  tags: string[];
  audience: 'public' | 'patient' | 'hcp';
  body: string;
  video: { url: string; durationSeconds: number | null } | null;
}

export interface WorkingVersion extends VersionFields {
  number: number;
  editedBy: Types.ObjectId;
  editedAt: Date;
}

export interface LiveVersion extends WorkingVersion {
  publishedAt: Date;
  publishedBy: Types.ObjectId;
}

export interface ContentDocument {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  kind: 'article' | 'video';
  authorId: Types.ObjectId;
  status: 'draft' | 'in_review' | 'approved' | 'published' | 'archived';
  working: WorkingVersion;
  live: LiveVersion | null;
  approvedVersion: number | null;
  submitted: { version: number; by: Types.ObjectId; at: Date } | null;
  reviews: { version: number; decision: 'approve' | 'reject'; comment: string; by: Types.ObjectId; at: Date }[];
  archivedAt: Date | null;
  archivedBy: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ContentReadDocument {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  contentId: Types.ObjectId;
  customerId: Types.ObjectId;
  requestKey: string;
  category: string;
  openedAt: Date;
  lastBeatAt: Date;
  dwellSeconds: number;
  maxScrollPercent: number;
  finishedAt: Date | null;
  sharer: Sharer | null;
}

export interface ContentReaderDocument {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  contentId: Types.ObjectId;
  customerId: Types.ObjectId;
  firstOpenedAt: Date;
  lastOpenedAt: Date;
  finished: boolean;
  sharer: Sharer | null;
  minBookingLagMs?: number;
}

export const ContentModel = mongoose.model('Content', contentSchema, 'contents');
export const ContentVersionModel = mongoose.model('ContentVersion', contentVersionSchema, 'content_versions');
export const ContentShareModel = mongoose.model('ContentShare', contentShareSchema, 'content_shares');
export const ContentReadModel = mongoose.model('ContentRead', contentReadSchema, 'content_reads');
export const ContentReaderModel = mongoose.model('ContentReader', contentReaderSchema, 'content_readers');
export const ContentReferralModel = mongoose.model('ContentReferral', contentReferralSchema, 'content_referrals');
export const ContentSettingsModel = mongoose.model('ContentSettings', contentSettingsSchema, 'content_settings');
