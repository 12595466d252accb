/**
 * The content centre's editorial side (drafts, versions, review, publication, archive) and the readers' side
 * (feed, categories, detail with HCP gating). The states and rules are described in shared/src/content.ts.
 */
import { Types } from 'mongoose';
import type {
  ContentAudience,
  ContentCard,
  ContentDetail,
  ContentFeed,
  ContentFeedQuery,
  ContentVersion,
  CreateContentRequest,
  StaffContent,
  StaffContentQuery,
  StaffRole,
  UpdateContentRequest,
} from '@careloop/shared';
import { AppError, notFound } from '../http/errors';
import { ignoringDuplicateKeys } from '../db/retry';
import { isVerifiedHcp } from '../identity/service';
import { staffNamesById } from '../staff/service';
import {
  ContentModel,
  ContentVersionModel,
  type ContentDocument,
  type LiveVersion,
  type VersionFields,
  type WorkingVersion,
} from './model';
import { plainText, readingMinutes, sanitizeRichText } from './sanitize';

const oid = (id: string) => new Types.ObjectId(id);

/** The staff member acting (from their access token). */
export interface Editor {
  id: string;
  organisationId: string;
  roles: readonly StaffRole[];
}

const isManager = (editor: Editor) => editor.roles.includes('admin') || editor.roles.includes('manager');
/** Editors of an item: managers, and the staff member who created it. */
const canEdit = (editor: Editor, doc: ContentDocument) => isManager(editor) || String(doc.authorId) === editor.id;
/** A reviewer may not decide on a version they edited last or submitted. */
const isOwnVersion = (editor: Editor, doc: ContentDocument) =>
  String(doc.working.editedBy) === editor.id || (doc.submitted !== null && String(doc.submitted.by) === editor.id);

function conflict(doc: ContentDocument, message: string): AppError {
  return new AppError('CONTENT_STATE_CONFLICT', message, { status: doc.status, version: doc.working.number });
}

function invalid(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', 'Invalid body', [{ in: 'body', path, code: 'custom', message }]);
}

/** Sanitises the body and checks what each kind needs. */
function prepareVersion(kind: ContentDocument['kind'], fields: VersionFields): VersionFields {
  const body = sanitizeRichText(fields.body);
  if (kind === 'article') {
    if (fields.video) throw invalid('video', 'an article has no video');
    if (!plainText(body) && !body.includes('<img')) throw invalid('body', 'an article needs a body');
  } else if (!fields.video) {
    throw invalid('video', 'a video needs its URL');
  }
  return { ...fields, body, tags: [...new Set(fields.tags)] };
}

const versionOf = (source: VersionFields): VersionFields => ({
  title: source.title,
  summary: source.summary,
  coverUrl: source.coverUrl ?? null,
  category: source.category,
  tags: [...source.tags],
  audience: source.audience,
  body: source.body,
  video: source.video ? { url: source.video.url, durationSeconds: source.video.durationSeconds ?? null } : null,
});

/** Keeps the version history: stores the working version (idempotent; also repairs a save a crash cut short). */
async function storeVersion(doc: Pick<ContentDocument, '_id' | 'organisationId' | 'working'>): Promise<void> {
  const { number, editedBy, editedAt } = doc.working;
  await ignoringDuplicateKeys(
    ContentVersionModel.updateOne(
      { contentId: doc._id, number },
      {
        $setOnInsert: {
          organisationId: doc.organisationId,
          ...versionOf(doc.working),
          editedBy,
          editedAt,
        },
      },
      { upsert: true },
    ),
  );
}

async function loadContent(organisationId: string, contentId: string): Promise<ContentDocument> {
  const doc = await ContentModel.findOne({ _id: contentId, organisationId }).lean<ContentDocument>();
  if (!doc) throw notFound('Content');
  return doc;
}

function requireEditor(editor: Editor, doc: ContentDocument): void {
  if (!canEdit(editor, doc)) {
    throw new AppError('FORBIDDEN', 'Only managers and the author can change this content');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Staff views

type Names = Map<string, string>;

function staffRef(names: Names, id: Types.ObjectId | string) {
  return { id: String(id), name: names.get(String(id)) ?? null };
}

function describeVersion(source: WorkingVersion, names: Names): ContentVersion {
  return {
    number: source.number,
    ...versionOf(source),
    editedBy: staffRef(names, source.editedBy),
    editedAt: source.editedAt.toISOString(),
  };
}

async function namesFor(organisationId: string, ids: (Types.ObjectId | string | null | undefined)[]) {
  const unique = [...new Set(ids.filter((id): id is Types.ObjectId | string => Boolean(id)).map(String))];
  return unique.length ? staffNamesById(organisationId, unique) : new Map<string, string>();
}

export async function describeStaffContent(editor: Editor, doc: ContentDocument): Promise<StaffContent> {
  const names = await namesFor(editor.organisationId, [
    doc.authorId,
    doc.working.editedBy,
    doc.live?.publishedBy,
    doc.submitted?.by,
    ...doc.reviews.map((review) => review.by),
  ]);
  const editable = canEdit(editor, doc);
  return {
    id: String(doc._id),
    kind: doc.kind,
    status: doc.status,
    author: staffRef(names, doc.authorId),
    working: describeVersion(doc.working, names),
    live: doc.live
      ? {
          number: doc.live.number,
          publishedAt: doc.live.publishedAt.toISOString(),
          publishedBy: staffRef(names, doc.live.publishedBy),
          title: doc.live.title,
        }
      : null,
    approvedVersion: doc.approvedVersion ?? null,
    submitted: doc.submitted
      ? { version: doc.submitted.version, by: staffRef(names, doc.submitted.by), at: doc.submitted.at.toISOString() }
      : null,
    reviews: doc.reviews.map((review) => ({
      version: review.version,
      decision: review.decision,
      comment: review.comment,
      by: staffRef(names, review.by),
      at: review.at.toISOString(),
    })),
    readingMinutes: readingMinutes(doc.working.body),
    can: {
      edit: editable && ['draft', 'approved', 'published'].includes(doc.status),
      submit: editable && doc.status === 'draft',
      review: isManager(editor) && doc.status === 'in_review' && !isOwnVersion(editor, doc),
      publish: editable && doc.status === 'approved' && doc.approvedVersion === doc.working.number,
      archive: editable && doc.status !== 'archived',
      share: doc.live !== null && doc.status !== 'archived',
    },
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    archivedAt: doc.archivedAt?.toISOString() ?? null,
  };
}

export async function getStaffContent(editor: Editor, contentId: string): Promise<StaffContent> {
  return describeStaffContent(editor, await loadContent(editor.organisationId, contentId));
}

/** `ms.id`, base64url: the position of the last item of a page sorted by a date, then _id, both descending. */
function encodeCursor(at: Date, id: Types.ObjectId): string {
  return Buffer.from(`${at.getTime()}.${String(id)}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: Types.ObjectId } {
  const match = /^(-?\d{1,15})\.([0-9a-f]{24})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw new AppError('VALIDATION_FAILED', 'Invalid query', [
      { in: 'query', path: 'cursor', code: 'invalid_cursor', message: 'must be a nextCursor from a previous page' },
    ]);
  }
  return { at: new Date(Number(match[1])), id: new Types.ObjectId(match[2]) };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The organisation's content for the workbench, most recently changed first. */
export async function listStaffContent(organisationId: string, query: StaffContentQuery) {
  const filter: Record<string, unknown> = { organisationId: oid(organisationId) };
  if (query.status) filter.status = query.status;
  if (query.kind) filter.kind = query.kind;
  if (query.category) filter['working.category'] = query.category;
  if (query.audience) filter['working.audience'] = query.audience;
  if (query.q) filter['working.title'] = { $regex: escapeRegExp(query.q), $options: 'i' };
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    filter.$or = [{ updatedAt: { $lt: after.at } }, { updatedAt: after.at, _id: { $lt: after.id } }];
  }
  const docs = await ContentModel.find(filter)
    .sort({ updatedAt: -1, _id: -1 })
    .limit(query.limit + 1)
    .lean<ContentDocument[]>();
  const page = docs.slice(0, query.limit);
  const names = await namesFor(
    organisationId,
    page.map((doc) => doc.authorId),
  );
  const last = page.at(-1);
  return {
    items: page.map((doc) => ({
      id: String(doc._id),
      kind: doc.kind,
      status: doc.status,
      title: doc.working.title,
      category: doc.working.category,
      audience: doc.working.audience,
      coverUrl: doc.working.coverUrl ?? null,
      author: staffRef(names, doc.authorId),
      version: doc.working.number,
      liveVersion: doc.live?.number ?? null,
      publishedAt: doc.live?.publishedAt.toISOString() ?? null,
      updatedAt: doc.updatedAt.toISOString(),
    })),
    nextCursor: docs.length > query.limit && last ? encodeCursor(last.updatedAt, last._id) : null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Editorial actions

/** Any staff member may start a draft; they become its author (an editor of it). */
export async function createContent(editor: Editor, input: CreateContentRequest): Promise<StaffContent> {
  const now = new Date();
  const working: WorkingVersion = {
    ...prepareVersion(input.kind, versionOf(input)),
    number: 1,
    editedBy: oid(editor.id),
    editedAt: now,
  };
  const created = await ContentModel.create({
    organisationId: oid(editor.organisationId),
    kind: input.kind,
    authorId: oid(editor.id),
    status: 'draft',
    working,
  });
  const doc = created.toObject() as unknown as ContentDocument;
  await storeVersion(doc);
  return describeStaffContent(editor, doc);
}

/**
 * Saves a new version on top of `baseVersion`. Allowed in draft, approved (the approval lapses) and published
 * (readers keep the published version until a newer one is published); under review or archived it conflicts.
 */
export async function updateContent(
  editor: Editor,
  contentId: string,
  changes: UpdateContentRequest,
): Promise<StaffContent> {
  const doc = await loadContent(editor.organisationId, contentId);
  requireEditor(editor, doc);
  if (!['draft', 'approved', 'published'].includes(doc.status)) {
    throw conflict(doc, doc.status === 'in_review' ? 'Content under review cannot be edited' : 'Archived content');
  }
  if (changes.baseVersion !== doc.working.number) {
    throw conflict(doc, `This content was saved meanwhile (version ${doc.working.number}); reload and edit again`);
  }
  const { baseVersion, ...fields } = changes;
  const merged = versionOf({ ...versionOf(doc.working), ...stripUndefined(fields) } as VersionFields);
  const working: WorkingVersion = {
    ...prepareVersion(doc.kind, merged),
    number: baseVersion + 1,
    editedBy: oid(editor.id),
    editedAt: new Date(),
  };
  const updated = await ContentModel.findOneAndUpdate(
    {
      _id: doc._id,
      organisationId: doc.organisationId,
      status: { $in: ['draft', 'approved', 'published'] },
      'working.number': baseVersion,
    },
    { $set: { working, status: 'draft', approvedVersion: null, submitted: null } },
    { returnDocument: 'after' },
  ).lean<ContentDocument>();
  if (!updated) throw conflict(await loadContent(editor.organisationId, contentId), 'This content changed meanwhile');
  await storeVersion(updated);
  return describeStaffContent(editor, updated);
}

function stripUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

/** Draft → in review (editors). */
export async function submitContent(editor: Editor, contentId: string): Promise<StaffContent> {
  const doc = await loadContent(editor.organisationId, contentId);
  requireEditor(editor, doc);
  const updated = await ContentModel.findOneAndUpdate(
    { _id: doc._id, organisationId: doc.organisationId, status: 'draft', 'working.number': doc.working.number },
    {
      $set: {
        status: 'in_review',
        submitted: { version: doc.working.number, by: oid(editor.id), at: new Date() },
      },
    },
    { returnDocument: 'after' },
  ).lean<ContentDocument>();
  if (!updated) throw conflict(doc, 'Only a draft can be submitted for review');
  return describeStaffContent(editor, updated);
}

/**
 * A manager's decision on the version under review, recorded with the comment: approve → approved (publishable),
 * reject → back to draft. A reviewer cannot decide on a version they edited or submitted.
 */
export async function reviewContent(
  editor: Editor,
  contentId: string,
  decision: { decision: 'approve' | 'reject'; comment: string },
): Promise<StaffContent> {
  const doc = await loadContent(editor.organisationId, contentId);
  if (doc.status !== 'in_review') throw conflict(doc, 'This content is not under review');
  if (isOwnVersion(editor, doc)) {
    throw new AppError('CONTENT_SELF_REVIEW', 'Another manager must review a version you edited or submitted');
  }
  const version = doc.working.number;
  const review = {
    version,
    decision: decision.decision,
    comment: decision.comment,
    by: oid(editor.id),
    at: new Date(),
  };
  const updated = await ContentModel.findOneAndUpdate(
    { _id: doc._id, organisationId: doc.organisationId, status: 'in_review', 'working.number': version },
    {
      $set:
        decision.decision === 'approve'
          ? { status: 'approved', approvedVersion: version }
          : { status: 'draft', approvedVersion: null },
      $push: { reviews: review },
    },
    { returnDocument: 'after' },
  ).lean<ContentDocument>();
  if (!updated) throw conflict(await loadContent(editor.organisationId, contentId), 'This content changed meanwhile');
  return describeStaffContent(editor, updated);
}

/** Approved → published: the approved version becomes what readers see (editors). */
export async function publishContent(editor: Editor, contentId: string): Promise<StaffContent> {
  const doc = await loadContent(editor.organisationId, contentId);
  requireEditor(editor, doc);
  if (doc.status !== 'approved' || doc.approvedVersion !== doc.working.number) {
    throw conflict(doc, 'Only an approved version can be published: submit it for review first');
  }
  const live: LiveVersion = { ...doc.working, publishedAt: new Date(), publishedBy: oid(editor.id) };
  const updated = await ContentModel.findOneAndUpdate(
    {
      _id: doc._id,
      organisationId: doc.organisationId,
      status: 'approved',
      approvedVersion: doc.working.number,
      'working.number': doc.working.number,
    },
    { $set: { status: 'published', live } },
    { returnDocument: 'after' },
  ).lean<ContentDocument>();
  if (!updated) throw conflict(await loadContent(editor.organisationId, contentId), 'This content changed meanwhile');
  return describeStaffContent(editor, updated);
}

/** Any state → archived: readers no longer see it (editors). */
export async function archiveContent(editor: Editor, contentId: string): Promise<StaffContent> {
  const doc = await loadContent(editor.organisationId, contentId);
  requireEditor(editor, doc);
  const updated = await ContentModel.findOneAndUpdate(
    { _id: doc._id, organisationId: doc.organisationId, status: { $ne: 'archived' } },
    { $set: { status: 'archived', archivedAt: new Date(), archivedBy: oid(editor.id) } },
    { returnDocument: 'after' },
  ).lean<ContentDocument>();
  if (!updated) throw conflict(doc, 'Already archived');
  return describeStaffContent(editor, updated);
}

export async function listVersions(organisationId: string, contentId: string) {
  const doc = await loadContent(organisationId, contentId);
  await storeVersion(doc);
  const versions = await ContentVersionModel.find({ contentId: doc._id, organisationId: doc.organisationId })
    .sort({ number: -1 })
    .select({ number: 1, title: 1, editedBy: 1, editedAt: 1 })
    .lean<{ number: number; title: string; editedBy: Types.ObjectId; editedAt: Date }[]>();
  const names = await namesFor(
    organisationId,
    versions.map((version) => version.editedBy),
  );
  return {
    items: versions.map((version) => ({
      number: version.number,
      title: version.title,
      editedBy: staffRef(names, version.editedBy),
      editedAt: version.editedAt.toISOString(),
      live: doc.live?.number === version.number && doc.status !== 'archived',
      approved: doc.status === 'approved' && doc.approvedVersion === version.number,
    })),
  };
}

export async function getVersion(organisationId: string, contentId: string, number: number): Promise<ContentVersion> {
  const doc = await loadContent(organisationId, contentId);
  if (number === doc.working.number) await storeVersion(doc);
  const version = await ContentVersionModel.findOne({
    contentId: doc._id,
    organisationId: doc.organisationId,
    number,
  }).lean<WorkingVersion>();
  if (!version) throw notFound('Version');
  return describeVersion(version, await namesFor(organisationId, [version.editedBy]));
}

// ---------------------------------------------------------------------------------------------------------------
// Readers (mini-program)

/** The audiences a customer may read: verified HCPs everything, everyone else public and patient content. */
export async function readerAudiences(organisationId: string, customerId: string): Promise<ContentAudience[]> {
  return (await isVerifiedHcp(organisationId, customerId)) ? ['public', 'patient', 'hcp'] : ['public', 'patient'];
}

const publishedFilter = (organisationId: string) => ({
  organisationId: oid(organisationId),
  status: { $ne: 'archived' as const },
  live: { $ne: null },
});

function toCard(doc: ContentDocument & { live: LiveVersion }): ContentCard {
  const live = doc.live;
  return {
    id: String(doc._id),
    kind: doc.kind,
    title: live.title,
    summary: live.summary,
    coverUrl: live.coverUrl ?? null,
    category: live.category,
    tags: [...live.tags],
    audience: live.audience,
    publishedAt: live.publishedAt.toISOString(),
    readingMinutes: readingMinutes(live.body),
    video: live.video ? { durationSeconds: live.video.durationSeconds ?? null } : null,
  };
}

/** Published content the customer may see, newest first; HCP-only items are left out for everyone else. */
export async function listFeed(
  organisationId: string,
  customerId: string,
  query: ContentFeedQuery,
): Promise<ContentFeed> {
  const filter: Record<string, unknown> = {
    ...publishedFilter(organisationId),
    'live.audience': { $in: await readerAudiences(organisationId, customerId) },
  };
  if (query.category) filter['live.category'] = query.category;
  if (query.kind) filter.kind = query.kind;
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    filter.$or = [{ 'live.publishedAt': { $lt: after.at } }, { 'live.publishedAt': after.at, _id: { $lt: after.id } }];
  }
  const docs = await ContentModel.find(filter)
    .sort({ 'live.publishedAt': -1, _id: -1 })
    .limit(query.limit + 1)
    .lean<(ContentDocument & { live: LiveVersion })[]>();
  const page = docs.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toCard),
    nextCursor: docs.length > query.limit && last ? encodeCursor(last.live.publishedAt, last._id) : null,
  };
}

/** The categories of what the customer may see, with how many items each. */
export async function listCategories(organisationId: string, customerId: string) {
  const rows = await ContentModel.aggregate<{ _id: string; count: number }>([
    {
      $match: {
        ...publishedFilter(organisationId),
        'live.audience': { $in: await readerAudiences(organisationId, customerId) },
      },
    },
    { $group: { _id: '$live.category', count: { $sum: 1 } } },
  ]);
  return {
    items: rows
      .map((row) => ({ category: row._id, count: row.count }))
      .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category)),
  };
}

/**
 * A published item the customer may read, or NOT_FOUND (never published, archived, another organisation's) or
 * HCP_ONLY (for verified HCPs; the answer carries no title).
 */
export async function readableContent(
  organisationId: string,
  customerId: string,
  contentId: string,
): Promise<ContentDocument & { live: LiveVersion }> {
  const doc = await ContentModel.findOne({ _id: contentId, ...publishedFilter(organisationId) }).lean<
    ContentDocument & { live: LiveVersion }
  >();
  if (!doc) throw notFound('Content');
  if (doc.live.audience === 'hcp' && !(await isVerifiedHcp(organisationId, customerId))) {
    throw new AppError('HCP_ONLY', 'This content is for verified healthcare professionals only');
  }
  return doc;
}

export function describeDetail(doc: ContentDocument & { live: LiveVersion }): ContentDetail {
  return {
    ...toCard(doc),
    version: doc.live.number,
    body: doc.live.body,
    video: doc.live.video ? { url: doc.live.video.url, durationSeconds: doc.live.video.durationSeconds ?? null } : null,
  };
}

/** A content item of the organisation in any state (tracking and results look it up). */
export async function findContent(organisationId: string, contentId: string): Promise<ContentDocument> {
  return loadContent(organisationId, contentId);
}
