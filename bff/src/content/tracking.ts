/**
 * Reading and sharing: a read is opened (HCP gating applies), credited with dwell by heartbeats (bounded per beat,
 * nothing after a long gap, never more than the time that passed), its deepest scroll kept, finished once. Opens
 * and finishes go on the customer's timeline as content.opened / content.finished with the content's category.
 *
 * Shares carry a share token standing for (content, sharer). A reader who opens through one is attributed to that
 * sharer for that content (the first sharer wins); a reader new to the organisation (profile created at most
 * NEW_CUSTOMER_WINDOW_MS before, the one window campaigns count new customers by, for a staff member's share and a
 * customer's alike) is recorded as brought by the sharer (one referral per customer, the first wins). A customer who
 * brought a new customer gets `referral.converted` on their profile, once per customer brought; a staff member's
 * referrals count on the sharing leaderboard instead.
 *
 * Importing this module plugs the content records into the merge and into the customer's data export and erasure.
 */
import { randomInt } from 'node:crypto';
import { Types } from 'mongoose';
import {
  CONTENT_DETAIL_PAGE,
  HEARTBEAT_GAP_SECONDS,
  HEARTBEAT_MAX_SECONDS,
  type CustomerReading,
  type CustomerShare,
  type ReadProgress,
  type StaffShare,
} from '@careloop/shared';
import { AppError, notFound } from '../http/errors';
import { ignoringDuplicateKeys, isDuplicateKey, upsertWithRetry } from '../db/retry';
import { NEW_CUSTOMER_WINDOW_MS } from '../campaigns/attribution';
import { clearEventProperties, deleteEvent, recordEvent } from '../events/service';
import { customerNames, getCustomer, isVerifiedHcp } from '../identity/service';
import { resolveCustomerId } from '../identity/merge';
import { registerMergeStep } from '../identity/mergeSteps';
import { registerPrivacyContributor } from '../privacy/contributors';
import { staffNamesById } from '../staff/service';
import { rebuildCustomer } from '../tags/engine';
import {
  ContentModel,
  ContentReadModel,
  ContentReaderModel,
  ContentReferralModel,
  ContentShareModel,
  type ContentReadDocument,
  type ContentReaderDocument,
  type Sharer,
} from './model';
import { findContent, readableContent } from './service';

const oid = (id: string) => new Types.ObjectId(id);

type TitleOnly = {
  _id: Types.ObjectId;
  kind: 'article' | 'video';
  live: { title: string } | null;
  working: { title: string };
};

/** No single read is credited more than this (a page left open all night is not four hours of reading). */
export const MAX_READ_DWELL_SECONDS = 4 * 3600;

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function newShareToken(): string {
  let token = '';
  for (let index = 0; index < 10; index += 1) token += TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)];
  return token;
}

const pageQuery = (contentId: string, token: string) => `id=${contentId}&st=${token}`;

// ---------------------------------------------------------------------------------------------------------------
// Share tokens

/** The sharer's token for the content (created on first share), counting this share. */
async function recordShare(
  organisationId: string,
  contentId: string,
  sharer: { kind: 'staff' | 'customer'; id: string },
): Promise<string> {
  const filter = {
    organisationId: oid(organisationId),
    contentId: oid(contentId),
    sharerKind: sharer.kind,
    sharerId: oid(sharer.id),
  };
  const now = new Date();
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const existing = await ContentShareModel.findOne(filter).sort({ createdAt: 1, _id: 1 }).lean();
    if (existing) {
      await ContentShareModel.updateOne(
        { _id: existing._id },
        { $inc: { shareCount: 1 }, $set: { lastSharedAt: now } },
      );
      return existing.token;
    }
    const token = newShareToken();
    try {
      await ContentShareModel.create({ ...filter, token, shareCount: 1, lastSharedAt: now });
      return token;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // a token collision: draw another
    }
  }
  throw new Error('could not draw a free share token');
}

/** The share an open came through, if the token is this organisation's, for this content, and not the reader's own. */
async function resolveSharer(
  organisationId: string,
  contentId: string,
  customerId: string,
  token: string,
  at: Date,
): Promise<Sharer | null> {
  const share = await ContentShareModel.findOne({ organisationId: oid(organisationId), token }).lean();
  if (!share || String(share.contentId) !== contentId) return null;
  if (share.sharerKind === 'customer') {
    const sharerNow = await resolveCustomerId(organisationId, String(share.sharerId));
    if (sharerNow === customerId) return null;
    return { kind: 'customer', id: oid(sharerNow), token, at };
  }
  return { kind: 'staff', id: share.sharerId, token, at };
}

/** A customer shares content from the mini-program: what onShareAppMessage returns, with their token. */
export async function shareByCustomer(input: {
  organisationId: string;
  customerId: string;
  contentId: string;
  target: string;
}): Promise<CustomerShare> {
  const doc = await readableContent(input.organisationId, input.customerId, input.contentId);
  const token = await recordShare(input.organisationId, input.contentId, { kind: 'customer', id: input.customerId });
  await recordEvent({
    organisationId: input.organisationId,
    customerId: input.customerId,
    type: 'content.shared',
    properties: {
      contentId: input.contentId,
      category: doc.live.category,
      title: doc.live.title,
      target: input.target,
    },
    source: 'server',
    sourceEventId: `content-share:${new Types.ObjectId().toHexString()}`,
  });
  return {
    shareToken: token,
    path: `${CONTENT_DETAIL_PAGE}?${pageQuery(input.contentId, token)}`,
    title: doc.live.title,
    imageUrl: doc.live.coverUrl ?? null,
  };
}

/**
 * A staff member shares published content (into a chat, as a link or a poster): their token and the payloads of
 * the JS-SDK's sendChatMessage. With a customer (the chat's), HCP-only content goes only to a verified HCP, and
 * the send is recorded on the customer's timeline (the caller audits it).
 */
export async function shareByStaff(input: {
  organisationId: string;
  staffId: string;
  contentId: string;
  customerId?: string;
  publicUrl: string;
  miniappAppId: string;
}): Promise<StaffShare> {
  const doc = await findContent(input.organisationId, input.contentId);
  if (!doc.live || doc.status === 'archived') {
    throw new AppError('CONTENT_STATE_CONFLICT', 'Only published content can be shared', { status: doc.status });
  }
  const live = doc.live;
  if (input.customerId && live.audience === 'hcp' && !(await isVerifiedHcp(input.organisationId, input.customerId))) {
    throw new AppError('HCP_ONLY', 'This content may only be sent to verified healthcare professionals');
  }
  const token = await recordShare(input.organisationId, input.contentId, { kind: 'staff', id: input.staffId });
  if (input.customerId) {
    await recordEvent({
      organisationId: input.organisationId,
      customerId: input.customerId,
      type: 'content.sent',
      properties: { contentId: input.contentId, category: live.category, title: live.title },
      source: 'server',
      sourceEventId: `content-send:${new Types.ObjectId().toHexString()}`,
      actor: input.staffId,
    });
  }
  const query = pageQuery(input.contentId, token);
  const h5Url = `${input.publicUrl}/m/#/${CONTENT_DETAIL_PAGE}?${query}`;
  return {
    shareToken: token,
    path: `${CONTENT_DETAIL_PAGE}?${query}`,
    h5Url,
    news: { link: h5Url, title: live.title, desc: live.summary, imgUrl: live.coverUrl ?? '' },
    // WeCom opens a mini-program card's page by its path with a .html suffix; the card needs an image.
    miniprogram: live.coverUrl
      ? {
          appid: input.miniappAppId,
          title: live.title,
          imgUrl: live.coverUrl,
          page: `${CONTENT_DETAIL_PAGE}.html?${query}`,
        }
      : null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Reads

function progress(read: ContentReadDocument, credited: number): ReadProgress {
  return {
    readId: String(read._id),
    dwellSeconds: read.dwellSeconds,
    maxScrollPercent: read.maxScrollPercent,
    finished: read.finishedAt !== null,
    credited,
    attributed: read.sharer !== null,
  };
}

/** Whether the customer's profile was created at most NEW_CUSTOMER_WINDOW_MS before `at` (whoever shared). */
async function isNewCustomer(organisationId: string, customerId: string, at: Date): Promise<boolean> {
  const customer = await getCustomer(organisationId, customerId);
  return new Date(customer.createdAt).getTime() >= at.getTime() - NEW_CUSTOMER_WINDOW_MS;
}

/** The sourceEventId of the `referral.converted` a read that brought a new customer records on the sharer. */
const conversionEventId = (readId: Types.ObjectId) => `content-referral:${String(readId)}`;

/**
 * Records `referral.converted` on the sharing customer's profile when this read is the one that recorded the
 * reader's referral (so once per customer brought; a retried open records the same event, which stores once).
 */
async function recordReferralConversion(organisationId: string, customerId: string, read: ContentReadDocument) {
  const referral = await ContentReferralModel.findOne({
    organisationId: oid(organisationId),
    customerId: oid(customerId),
  }).lean();
  if (!referral || referral.referrerKind !== 'customer' || !referral.readId?.equals(read._id)) return;
  await recordEvent({
    organisationId,
    customerId: await resolveCustomerId(organisationId, String(referral.referrerId)),
    type: 'referral.converted',
    occurredAt: referral.at,
    properties: { referredCustomerId: customerId, contentId: String(referral.contentId) },
    source: 'server',
    sourceEventId: conversionEventId(read._id),
  });
}

/**
 * Opens a read of published content the customer may see (HCP_ONLY / NOT_FOUND otherwise). A retried open with
 * the same requestId answers the same read and finishes what a failed attempt left undone.
 */
export async function openRead(input: {
  organisationId: string;
  customerId: string;
  /** The profile the session was opened for: it scopes request ids, as for events. */
  sessionCustomerId: string;
  contentId: string;
  requestId: string;
  shareToken?: string;
  now?: Date;
}): Promise<ReadProgress> {
  const { organisationId, customerId, contentId } = input;
  const content = await readableContent(organisationId, customerId, contentId);
  const requestKey = `${input.sessionCustomerId}:${input.requestId}`;
  const organisation = oid(organisationId);
  let read = await ContentReadModel.findOne({ organisationId: organisation, requestKey }).lean<ContentReadDocument>();
  if (!read) {
    const openedAt = input.now ?? new Date();
    const doc: ContentReadDocument = {
      _id: new Types.ObjectId(),
      organisationId: organisation,
      contentId: oid(contentId),
      customerId: oid(customerId),
      requestKey,
      category: content.live.category,
      openedAt,
      lastBeatAt: openedAt,
      dwellSeconds: 0,
      maxScrollPercent: 0,
      finishedAt: null,
      sharer: input.shareToken
        ? await resolveSharer(organisationId, contentId, customerId, input.shareToken, openedAt)
        : null,
    };
    try {
      await ContentReadModel.create(doc);
      read = doc;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      read = await ContentReadModel.findOne({ organisationId: organisation, requestKey }).lean<ContentReadDocument>();
      if (!read) throw error;
    }
  }
  if (String(read.contentId) !== contentId) {
    throw new AppError('VALIDATION_FAILED', 'Invalid body', [
      { in: 'body', path: 'requestId', code: 'custom', message: 'this requestId opened another content item' },
    ]);
  }

  const readerKey = { organisationId: organisation, contentId: read.contentId, customerId: oid(customerId) };
  await upsertWithRetry(() =>
    ContentReaderModel.updateOne(
      readerKey,
      { $min: { firstOpenedAt: read.openedAt }, $max: { lastOpenedAt: read.openedAt } },
      { upsert: true },
    ),
  );
  if (read.sharer) {
    // The first sharer who brought this reader to this content keeps the attribution.
    await ContentReaderModel.updateOne({ ...readerKey, sharer: null }, { $set: { sharer: read.sharer } });
    if (await isNewCustomer(organisationId, customerId, read.openedAt)) {
      await ignoringDuplicateKeys(
        ContentReferralModel.updateOne(
          { organisationId: organisation, customerId: oid(customerId) },
          {
            $setOnInsert: {
              referrerKind: read.sharer.kind,
              referrerId: read.sharer.id,
              contentId: read.contentId,
              token: read.sharer.token,
              at: read.openedAt,
              readId: read._id,
            },
          },
          { upsert: true },
        ),
      );
    }
  }
  await recordEvent({
    organisationId,
    customerId,
    type: 'content.opened',
    occurredAt: read.openedAt,
    properties: { contentId, category: content.live.category, title: content.live.title },
    source: 'server',
    sourceEventId: `content-read:${String(read._id)}:opened`,
  });
  if (read.sharer?.kind === 'customer') await recordReferralConversion(organisationId, customerId, read);
  return progress(read, 0);
}

async function loadRead(organisationId: string, customerId: string, contentId: string, readId: string) {
  const read = await ContentReadModel.findOne({
    _id: readId,
    organisationId: oid(organisationId),
    customerId: oid(customerId),
    contentId: oid(contentId),
  }).lean<ContentReadDocument>();
  if (!read) throw notFound('Read');
  return read;
}

/**
 * Credits visible seconds to a read: at most the seconds claimed, at most HEARTBEAT_MAX_SECONDS, at most the whole
 * seconds that passed since the previous beat (the remainder carries over), and nothing when the previous beat is
 * more than HEARTBEAT_GAP_SECONDS ago. One conditional update on the previous beat's time, so two beats sent at
 * once credit the time once.
 */
export async function heartbeat(input: {
  organisationId: string;
  customerId: string;
  contentId: string;
  readId: string;
  seconds: number;
  scrollPercent?: number;
  now?: Date;
}): Promise<ReadProgress> {
  const now = input.now ?? new Date();
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const read = await loadRead(input.organisationId, input.customerId, input.contentId, input.readId);
    const elapsedMs = now.getTime() - read.lastBeatAt.getTime();
    let credit = 0;
    let nextBeatAt = now.getTime() < read.lastBeatAt.getTime() ? read.lastBeatAt : now;
    if (elapsedMs > 0 && elapsedMs <= HEARTBEAT_GAP_SECONDS * 1000) {
      const passed = Math.floor(elapsedMs / 1000);
      credit = Math.min(input.seconds, HEARTBEAT_MAX_SECONDS, passed);
      // Limited by the time that passed: keep the fraction of a second for the next beat.
      if (credit === passed && credit < input.seconds) nextBeatAt = new Date(read.lastBeatAt.getTime() + credit * 1000);
    }
    credit = Math.max(0, Math.min(credit, MAX_READ_DWELL_SECONDS - read.dwellSeconds));
    const update: Record<string, unknown> = { $set: { lastBeatAt: nextBeatAt }, $inc: { dwellSeconds: credit } };
    if (input.scrollPercent !== undefined) update.$max = { maxScrollPercent: input.scrollPercent };
    const updated = await ContentReadModel.findOneAndUpdate({ _id: read._id, lastBeatAt: read.lastBeatAt }, update, {
      returnDocument: 'after',
    }).lean<ContentReadDocument>();
    if (updated) return progress(updated, credit);
  }
  // Other beats of this read kept winning: this one credits nothing.
  return progress(await loadRead(input.organisationId, input.customerId, input.contentId, input.readId), 0);
}

/** The reader reached the end: a last beat (if any), then finished once (a repeat changes nothing). */
export async function finishRead(input: {
  organisationId: string;
  customerId: string;
  contentId: string;
  readId: string;
  seconds?: number;
  scrollPercent?: number;
  now?: Date;
}): Promise<ReadProgress> {
  const now = input.now ?? new Date();
  let credited = 0;
  if (input.seconds) credited = (await heartbeat({ ...input, seconds: input.seconds, now })).credited;
  const read = await loadRead(input.organisationId, input.customerId, input.contentId, input.readId);
  const finished =
    (await ContentReadModel.findOneAndUpdate(
      { _id: read._id, finishedAt: null },
      { $set: { finishedAt: now }, $max: { maxScrollPercent: input.scrollPercent ?? 100 } },
      { returnDocument: 'after' },
    ).lean<ContentReadDocument>()) ?? read;
  await ContentReaderModel.updateOne(
    { organisationId: read.organisationId, contentId: read.contentId, customerId: read.customerId },
    { $set: { finished: true } },
  );
  const content = await ContentModel.findOne(
    { _id: read.contentId },
    { 'live.title': 1, 'working.title': 1 },
  ).lean<TitleOnly>();
  await recordEvent({
    organisationId: input.organisationId,
    customerId: input.customerId,
    type: 'content.finished',
    occurredAt: finished.finishedAt ?? now,
    properties: {
      contentId: input.contentId,
      category: read.category,
      title: content?.live?.title ?? content?.working.title,
    },
    source: 'server',
    sourceEventId: `content-read:${String(read._id)}:finished`,
  });
  return progress(finished, credited);
}

// ---------------------------------------------------------------------------------------------------------------
// A customer's reading (sidebar)

export async function customerReading(organisationId: string, customerId: string): Promise<CustomerReading> {
  const organisation = oid(organisationId);
  const [reads, referral] = await Promise.all([
    ContentReadModel.find({ organisationId: organisation, customerId: oid(customerId) })
      .sort({ openedAt: -1, _id: -1 })
      .limit(50)
      .lean<ContentReadDocument[]>(),
    ContentReferralModel.findOne({ organisationId: organisation, customerId: oid(customerId) }).lean(),
  ]);
  const contents = await ContentModel.find(
    { organisationId: organisation, _id: { $in: [...new Set(reads.map((read) => String(read.contentId)))] } },
    { kind: 1, 'live.title': 1, 'working.title': 1 },
  ).lean<TitleOnly[]>();
  const byId = new Map(contents.map((doc) => [String(doc._id), doc]));
  let referrerName: string | null = null;
  if (referral) {
    const id = String(referral.referrerId);
    referrerName =
      referral.referrerKind === 'staff'
        ? ((await staffNamesById(organisationId, [id])).get(id) ?? null)
        : ((await customerNames(organisationId, [id])).get(id) ?? null);
  }
  return {
    referral: referral
      ? {
          by: { kind: referral.referrerKind, id: String(referral.referrerId), name: referrerName },
          contentId: String(referral.contentId),
          at: referral.at.toISOString(),
        }
      : null,
    reads: reads.map((read) => {
      const content = byId.get(String(read.contentId));
      return {
        readId: String(read._id),
        content: {
          id: String(read.contentId),
          title: content?.live?.title ?? content?.working.title ?? '',
          category: read.category,
          kind: content?.kind ?? 'article',
        },
        openedAt: read.openedAt.toISOString(),
        dwellSeconds: read.dwellSeconds,
        maxScrollPercent: read.maxScrollPercent,
        finishedAt: read.finishedAt?.toISOString() ?? null,
        sharedBy: read.sharer ? { kind: read.sharer.kind, id: String(read.sharer.id) } : null,
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Merge and privacy

/** Moves one reader row into the surviving profile's row for the same content (earliest sharer wins). */
async function combineReaderRow(row: ContentReaderDocument, into: Types.ObjectId): Promise<void> {
  const key = { organisationId: row.organisationId, contentId: row.contentId, customerId: into };
  await upsertWithRetry(() =>
    ContentReaderModel.updateOne(
      key,
      {
        $min: {
          firstOpenedAt: row.firstOpenedAt,
          ...(row.minBookingLagMs !== undefined && { minBookingLagMs: row.minBookingLagMs }),
        },
        $max: { lastOpenedAt: row.lastOpenedAt, finished: row.finished },
      },
      { upsert: true },
    ),
  );
  if (row.sharer) {
    await ContentReaderModel.updateOne(
      { ...key, $or: [{ sharer: null }, { 'sharer.at': { $gt: row.sharer.at } }] },
      { $set: { sharer: row.sharer } },
    );
  }
  await ContentReaderModel.deleteOne({ _id: row._id });
}

/**
 * Takes back the `referral.converted` a customer's referral recorded, when a merge drops that referral (unless the
 * referral kept is the same one, copied), and rebuilds the sharer's tag facts, which counted it.
 */
async function retractConversion(
  organisationId: string,
  dropped: { referrerKind: string; referrerId: Types.ObjectId; readId?: Types.ObjectId | null },
  kept?: { readId?: Types.ObjectId | null },
): Promise<void> {
  if (dropped.referrerKind !== 'customer' || !dropped.readId || kept?.readId?.equals(dropped.readId)) return;
  const holder = await deleteEvent(organisationId, {
    source: 'server',
    sourceEventId: conversionEventId(dropped.readId),
  });
  await rebuildCustomer(
    organisationId,
    holder ?? (await resolveCustomerId(organisationId, String(dropped.referrerId))),
  );
}

registerMergeStep({
  name: 'content',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    const organisation = oid(organisationId);
    const from = oid(fromCustomerId);
    const into = oid(intoCustomerId);
    await ContentReadModel.updateMany(
      { organisationId: organisation, customerId: from },
      { $set: { customerId: into } },
    );
    // What the merged profile shared stays theirs: tokens already sent keep working and count for the survivor.
    await ContentShareModel.updateMany(
      { organisationId: organisation, sharerKind: 'customer', sharerId: from },
      { $set: { sharerId: into } },
    );
    for (const model of [ContentReadModel, ContentReaderModel]) {
      await (model as typeof ContentReadModel).updateMany(
        { organisationId: organisation, 'sharer.kind': 'customer', 'sharer.id': from },
        { $set: { 'sharer.id': into } },
      );
    }
    await ContentReferralModel.updateMany(
      { organisationId: organisation, referrerKind: 'customer', referrerId: from },
      { $set: { referrerId: into } },
    );
    const rows = await ContentReaderModel.find({
      organisationId: organisation,
      customerId: from,
    }).lean<ContentReaderDocument[]>();
    for (const row of rows) await combineReaderRow(row, into);

    // One referral per person: the earlier one stays; and a survivor that existed well before it was not new, nor
    // brought by themselves. A referral that goes takes back its `referral.converted` first (a rerun decides alike).
    const fromReferral = await ContentReferralModel.findOne({ organisationId: organisation, customerId: from }).lean();
    if (fromReferral) {
      const intoReferral = await ContentReferralModel.findOne({
        organisationId: organisation,
        customerId: into,
      }).lean();
      if (!intoReferral || fromReferral.at < intoReferral.at) {
        if (intoReferral) await retractConversion(organisationId, intoReferral, fromReferral);
        const { _id: _ignored, ...fields } = fromReferral;
        await ContentReferralModel.updateOne(
          { organisationId: organisation, customerId: into },
          { $set: { ...fields, customerId: into } },
          { upsert: true },
        ).catch((error: unknown) => {
          if (!isDuplicateKey(error)) throw error;
        });
      } else {
        await retractConversion(organisationId, fromReferral, intoReferral);
      }
      await ContentReferralModel.deleteOne({ _id: fromReferral._id });
    }
    const referral = await ContentReferralModel.findOne({ organisationId: organisation, customerId: into }).lean();
    if (
      referral &&
      ((referral.referrerKind === 'customer' && referral.referrerId.equals(into)) ||
        !(await isNewCustomer(organisationId, intoCustomerId, referral.at)))
    ) {
      await retractConversion(organisationId, referral);
      await ContentReferralModel.deleteOne({ _id: referral._id });
    }
  },
});

/** Stands for a customer's share token on other people's records once the customer is erased (never a token). */
const ERASED_TOKEN = 'erased';

/** What a customer's data export holds of content: their reading, their shares, and who/what brought them. */
async function exportContentData(organisationId: string, customerId: string) {
  const organisation = oid(organisationId);
  const customer = oid(customerId);
  const [reads, shares, referral, referred] = await Promise.all([
    ContentReadModel.find({ organisationId: organisation, customerId: customer })
      .sort({ openedAt: 1, _id: 1 })
      .lean<ContentReadDocument[]>(),
    ContentShareModel.find({ organisationId: organisation, sharerKind: 'customer', sharerId: customer })
      .sort({ createdAt: 1, _id: 1 })
      .lean(),
    ContentReferralModel.findOne({ organisationId: organisation, customerId: customer }).lean(),
    // The customers they brought are other people: only when and through what, never who.
    ContentReferralModel.find({ organisationId: organisation, referrerKind: 'customer', referrerId: customer })
      .sort({ at: 1, _id: 1 })
      .lean(),
  ]);
  const contentIds = new Set([...reads, ...shares, ...referred].map((doc) => String(doc.contentId)));
  const titles = new Map(
    (
      await ContentModel.find(
        { organisationId: organisation, _id: { $in: [...contentIds] } },
        { kind: 1, 'live.title': 1, 'working.title': 1 },
      ).lean<TitleOnly[]>()
    ).map((doc) => [String(doc._id), doc.live?.title ?? doc.working.title]),
  );
  const title = (id: Types.ObjectId) => titles.get(String(id)) ?? null;
  return {
    reads: reads.map((read) => ({
      contentId: String(read.contentId),
      title: title(read.contentId),
      category: read.category,
      openedAt: read.openedAt.toISOString(),
      dwellSeconds: read.dwellSeconds,
      maxScrollPercent: read.maxScrollPercent,
      finishedAt: read.finishedAt?.toISOString() ?? null,
      cameThroughShare: read.sharer !== null,
    })),
    shares: shares.map((share) => ({
      contentId: String(share.contentId),
      title: title(share.contentId),
      times: share.shareCount,
      firstSharedAt: share.createdAt.toISOString(),
      lastSharedAt: share.lastSharedAt?.toISOString() ?? null,
    })),
    broughtBy: referral
      ? { kind: referral.referrerKind, contentId: String(referral.contentId), at: referral.at.toISOString() }
      : null,
    customersBrought: referred.map((row) => ({
      contentId: String(row.contentId),
      title: title(row.contentId),
      at: row.at.toISOString(),
    })),
  };
}

/**
 * Erases what content holds about a customer while every per-content total (opens, unique readers, dwell,
 * finishes, shares, booked readers) and the staff leaderboard stay as they were:
 * - their share tokens are redrawn and no longer theirs (the links they sent stop resolving; share counts stay),
 *   and on other people's reads, reader rows and referrals they become an anonymous customer sharer;
 * - their reads, reader rows and the record of who brought them are kept under an anonymous id drawn now (one for
 *   all of them, so distinct-reader counts do not change), and the read keys lose the session id;
 * - the `referral.converted` on the customer who brought them stops naming them.
 * Nothing then matches the customer's id, so erasing again changes nothing. A rerun after a crash finishes the
 * rest under fresh anonymous ids.
 */
async function eraseContentData(organisationId: string, customerId: string): Promise<void> {
  const organisation = oid(organisationId);
  const customer = oid(customerId);
  const asReader = new Types.ObjectId();
  const asSharer = new Types.ObjectId();

  // First the tokens, so that no new read is attributed to them meanwhile.
  const shares = await ContentShareModel.find(
    { organisationId: organisation, sharerKind: 'customer', sharerId: customer },
    { _id: 1 },
  ).lean();
  for (const share of shares) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await ContentShareModel.updateOne({ _id: share._id }, { $set: { sharerId: asSharer, token: newShareToken() } });
        break;
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= 5) throw error; // a token collision: draw another
      }
    }
  }
  for (const model of [ContentReadModel, ContentReaderModel]) {
    await (model as typeof ContentReadModel).updateMany(
      { organisationId: organisation, 'sharer.kind': 'customer', 'sharer.id': customer },
      { $set: { 'sharer.id': asSharer, 'sharer.token': ERASED_TOKEN } },
    );
  }
  await ContentReferralModel.updateMany(
    { organisationId: organisation, referrerKind: 'customer', referrerId: customer },
    { $set: { referrerId: asSharer, token: ERASED_TOKEN } },
  );

  const referral = await ContentReferralModel.findOne({ organisationId: organisation, customerId: customer }).lean();
  if (referral) {
    if (referral.readId) {
      await clearEventProperties(
        organisationId,
        { source: 'server', sourceEventId: conversionEventId(referral.readId) },
        ['referredCustomerId'],
      );
    }
    await ContentReferralModel.updateOne({ _id: referral._id }, { $set: { customerId: asReader } });
  }
  const reads = await ContentReadModel.find({ organisationId: organisation, customerId: customer }, { _id: 1 }).lean();
  if (reads.length) {
    await ContentReadModel.bulkWrite(
      reads.map((read) => ({
        updateOne: {
          filter: { _id: read._id },
          update: { $set: { customerId: asReader, requestKey: `erased:${String(read._id)}` } },
        },
      })),
      { ordered: false },
    );
  }
  await ContentReaderModel.updateMany(
    { organisationId: organisation, customerId: customer },
    { $set: { customerId: asReader } },
  );
}

registerPrivacyContributor({
  name: 'content',
  exportData: ({ organisationId, customerId }) => exportContentData(organisationId, customerId),
  erase: ({ organisationId, customerId }) => eraseContentData(organisationId, customerId),
});
