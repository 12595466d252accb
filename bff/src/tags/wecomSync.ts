/**
 * WeCom corp-tag sync: library tags chosen for mirroring (a per-tag switch, `setWecomMirror`) become WeCom corp tags,
 * and a customer's mirrored tags are marked on their WeCom external contact for every staff member who has them
 * (`externalcontact/mark_tag`).
 *
 * - The WeCom tag is created lazily, on the first mark it is needed for: looked up by group and name first
 *   (get_corp_tag_list), else created with add_corp_tag, under a lease on the mirror row so concurrent changes create
 *   it once. It goes into the WeCom group named like the tag's library group (`CareLoop` for ungrouped tags).
 *   CareLoop records what it created; WeCom does not say who created a tag. A tag found on WeCom (made in the admin
 *   console, or by CareLoop before a crash) is adopted for marking, which WeCom allows for any corp tag, and is never
 *   edited or deleted: an app may change only corp tags it created. A library rename renames the WeCom tag only when
 *   CareLoop created it.
 * - Every addition or removal of a mirrored tag (changes.ts) writes outbox rows, one per (staff member, external
 *   contact) of the customer, unique, so a change told twice is one row; each change makes its row pending again.
 *   The worker — in process right away (the fast path) and the `tags-wecom-sync` job every minute — sends what the
 *   customer's tag is *when it sends*, so a later change supersedes an earlier unsent one (add then remove never ends
 *   added). Failures are retried with backoff and parked as `failed` after `maxAttempts`, with the error visible in
 *   the status; a manager can send them again. None of this ever blocks or undoes the tag change.
 * - Turning mirroring on also queues the customers who carry the tag already (in batches, resumable); turning it off
 *   leaves what WeCom has as it is. A staff member who adds the customer later, and a merge, re-sync the customer.
 *
 * Not mirrored: a library group renamed after its WeCom group was created (tags stay in the first group), and an
 * archived tag (changes.ts is not told; its WeCom tag and marks stay).
 */
import { randomUUID } from 'node:crypto';
import mongoose, { type Types } from 'mongoose';
import type { Logger } from 'pino';
import type { WecomCorpTagList, WecomSyncStatus, WecomTagMirror } from '@careloop/shared';
import { AppError } from '../http/errors';
import { isDuplicateKey, upsertWithRetry } from '../db/retry';
import { PlatformError } from '../platform/http';
import { CORP_TAG_ERRCODES, type CorpTag, type CorpTagGroup, type WecomClient } from '../platform/wecom/client';
import { subscribeToEvents } from '../events/service';
import { listIdentities } from '../identity/service';
import { resolveCustomerId } from '../identity/merge';
import { followersOf } from '../identity/wecomContacts';
import { registerMergeStep } from '../identity/mergeSteps';
import { registerPrivacyContributor } from '../privacy/contributors';
import { getOrganisation } from '../organisations/service';
import { onCustomerTagChanged, type CustomerTagChange } from './changes';
import { loadTag } from './library';
import { CustomerTagModel, TagDefinitionModel, TagGroupModel, type TagDefinitionDoc } from './model';
import {
  WecomTagMirrorModel,
  WecomTagOutboxModel,
  type WecomTagMirrorDoc,
  type WecomTagOutboxDoc,
} from './wecomSyncModel';

/** The WeCom group of library tags that have no library group. */
export const UNGROUPED_WECOM_GROUP = 'CareLoop';
const BACKFILL_BATCH = 200;
/** How long a row waits while another worker creates its WeCom tag. */
const DEFER_MS = 250;

// ---------------------------------------------------------------------------------------------------------------
// Run time: the WeCom client, set when the BFF builds its routes; tunable retry policy (tests shorten it)

interface SyncRuntime {
  wecom: Pick<WecomClient, 'corpId' | 'corpTagList' | 'addCorpTag' | 'editCorpTag' | 'markTag'>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}
let runtime: SyncRuntime | null = null;

export function startWecomTagSync(deps: { wecom: WecomClient; logger: Logger }): void {
  runtime = { wecom: deps.wecom, logger: deps.logger };
}

export interface WecomTagSyncOptions {
  /** Sending attempts before a row is parked as failed. */
  maxAttempts: number;
  /** Backoff: base × 4^(attempts − 1), capped. */
  retryBaseMs: number;
  retryCapMs: number;
  /** How long a worker holds a row (or a mirror it creates the WeCom tag of). */
  leaseMs: number;
}
const DEFAULT_OPTIONS: WecomTagSyncOptions = {
  maxAttempts: 8,
  retryBaseMs: 2_000,
  retryCapMs: 30 * 60_000,
  leaseMs: 60_000,
};
let options = { ...DEFAULT_OPTIONS };

/** Changes the retry policy (tests); null restores the defaults. */
export function configureWecomTagSync(next: Partial<WecomTagSyncOptions> | null): void {
  options = next ? { ...options, ...next } : { ...DEFAULT_OPTIONS };
}

/** 2 s, 8 s, 32 s … capped at 30 minutes (by default). */
export function wecomSyncRetryDelayMs(attempts: number): number {
  return Math.min(options.retryBaseMs * 4 ** Math.max(0, attempts - 1), options.retryCapMs);
}

const errorMessage = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, 500) || 'unknown error';
const isPlatformError = (error: unknown, errcode: number) =>
  error instanceof PlatformError && error.errcode === errcode;

const corpOfOrganisation = new Map<string, string>();

/** Only the organisation of the WeCom corp this server is connected to can mirror its tags there. */
async function assertWecomOrganisation(organisationId: string): Promise<SyncRuntime> {
  if (!runtime) throw new AppError('WECOM_SYNC_UNAVAILABLE', 'WeCom tag sync is not running');
  let corpId = corpOfOrganisation.get(organisationId);
  if (corpId === undefined) {
    corpId = (await getOrganisation(organisationId)).wecomCorpId;
    corpOfOrganisation.set(organisationId, corpId);
  }
  if (corpId !== runtime.wecom.corpId) {
    throw new AppError('WECOM_SYNC_UNAVAILABLE', 'This organisation is not the WeCom corp this server is connected to');
  }
  return runtime;
}

// ---------------------------------------------------------------------------------------------------------------
// The outbox: who is to be told what

interface ContactPair {
  staffUserId: string;
  externalUserId: string;
}

/** The (staff member, external_userid) pairs of a customer: every staff member who has them on WeCom. */
async function contactPairs(organisationId: string, customerId: string): Promise<ContactPair[]> {
  if (!runtime) return [];
  const corpId = runtime.wecom.corpId;
  const externalUserIds = (await listIdentities(organisationId, customerId))
    .filter((identity) => identity.kind === 'wecom_external_userid' && identity.app === corpId)
    .map((identity) => identity.value);
  if (!externalUserIds.length) return [];
  return (await followersOf(organisationId, externalUserIds)).map((follow) => ({
    staffUserId: follow.staffUserId,
    externalUserId: follow.externalUserId,
  }));
}

/** Makes the rows of a customer's tag pending again (creating them), one per pair: the worker sends the truth. */
async function markDirty(organisationId: string, customerId: string, tagId: string, pairs: ContactPair[], at: Date) {
  const now = new Date();
  for (const pair of pairs) {
    await upsertWithRetry(() =>
      WecomTagOutboxModel.updateOne(
        { organisationId, customerId, tagId, staffUserId: pair.staffUserId, externalUserId: pair.externalUserId },
        {
          $set: { status: 'pending', attempts: 0, nextAttemptAt: now, note: null },
          $inc: { rev: 1 },
          $max: { changedAt: at },
        },
        { upsert: true },
      ),
    );
  }
  return pairs.length;
}

/** The tags domain tells every change here (changes.ts): quick, durable, never throws at the tag change. */
export async function queueTagChange(change: CustomerTagChange): Promise<number> {
  if (!runtime) return 0;
  // Exactly the unique index's fields (mongo-java-server uses an index only for those): `mirror` is checked here.
  const mirror = await WecomTagMirrorModel.findOne(
    { organisationId: change.organisationId, tagId: change.tagId },
    { mirror: 1 },
  ).lean();
  if (mirror?.mirror !== true) return 0;
  const pairs = await contactPairs(change.organisationId, change.customerId);
  const queued = await markDirty(change.organisationId, change.customerId, change.tagId, pairs, change.at);
  if (queued) kick();
  return queued;
}

/**
 * Queues a customer's mirrored tags (and any they had queued before) for every staff member who has them now: after
 * a merge, and when a staff member adds them on WeCom.
 */
export async function resyncCustomer(organisationId: string, customerId: string): Promise<number> {
  const mirrored = await WecomTagMirrorModel.find({ organisationId, mirror: true }, { tagId: 1 }).lean();
  if (!mirrored.length) return 0;
  const id = await resolveCustomerId(organisationId, customerId);
  const held = await CustomerTagModel.find(
    { organisationId, customerId: id, tagId: { $in: mirrored.map((mirror) => mirror.tagId) } },
    { tagId: 1 },
  ).lean();
  const queuedBefore = await WecomTagOutboxModel.find({ organisationId, customerId: id }, { tagId: 1 }).lean();
  const tagIds = new Set([...held, ...queuedBefore].map((row) => String(row.tagId)));
  if (!tagIds.size) return 0;
  const pairs = await contactPairs(organisationId, id);
  let queued = 0;
  for (const tagId of tagIds) queued += await markDirty(organisationId, id, tagId, pairs, new Date());
  if (queued) kick();
  return queued;
}

// ---------------------------------------------------------------------------------------------------------------
// The worker

let draining = false;
let again = false;

/** Runs the worker in this process soon (coalesced: one run at a time, run again if asked meanwhile). */
function kick(): void {
  if (!runtime) return;
  if (draining) {
    again = true;
    return;
  }
  draining = true;
  setImmediate(() => {
    void (async () => {
      try {
        do {
          again = false;
          if (mongoose.connection.readyState !== 1) break; // shutting down: the job picks it up after a restart
          await processDueTagMarks();
        } while (again);
      } catch (error) {
        runtime?.logger.warn({ err: error }, 'WeCom tag sync run failed; the job runs it again');
      } finally {
        draining = false;
      }
    })();
  });
}

function kickAt(when: Date): void {
  setTimeout(kick, Math.max(0, when.getTime() - Date.now()) + 10).unref();
}

type Outcome = 'sent' | 'unchanged' | 'skipped' | 'retrying' | 'failed' | 'deferred';

/** Sends every due row (pending, retry time reached, not leased), up to `limit`; what happened, by outcome. */
export async function processDueTagMarks(limit = 500): Promise<Record<Outcome, number>> {
  const counts: Record<Outcome, number> = { sent: 0, unchanged: 0, skipped: 0, retrying: 0, failed: 0, deferred: 0 };
  if (!runtime) return counts;
  for (let done = 0; done < limit; done++) {
    const claimed = await claimDue();
    if (!claimed) break;
    counts[await carryOut(claimed.row, claimed.token)] += 1;
  }
  return counts;
}

async function claimDue(): Promise<{ row: WecomTagOutboxDoc; token: string } | null> {
  const token = randomUUID();
  const now = new Date();
  const row = await WecomTagOutboxModel.findOneAndUpdate(
    { status: 'pending', nextAttemptAt: { $lte: now }, $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }] },
    { $set: { leaseOwner: token, leaseUntil: new Date(now.getTime() + options.leaseMs) } },
    { returnDocument: 'after', sort: { nextAttemptAt: 1 } },
  ).lean<WecomTagOutboxDoc>();
  // The returned document must show our own lease (a server may return a post-image another writer changed).
  if (!row || row.leaseOwner !== token) return null;
  return { row, token };
}

const releaseLease = { leaseOwner: null, leaseUntil: null };

async function carryOut(row: WecomTagOutboxDoc, token: string): Promise<Outcome> {
  const { wecom } = runtime!;
  const organisationId = String(row.organisationId);
  const tagId = String(row.tagId);
  let mirror: WecomTagMirrorDoc | null = null;
  let wecomTagId: string | null = null;
  try {
    mirror = await WecomTagMirrorModel.findOne({ organisationId, tagId }).lean<WecomTagMirrorDoc>();
    if (!mirror?.mirror) return await settle(row, token, 'skipped', 'the tag is not mirrored to WeCom');
    let tag: TagDefinitionDoc;
    try {
      tag = await loadTag(organisationId, tagId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') {
        return await settle(row, token, 'skipped', 'the tag left the library');
      }
      throw error;
    }
    wecomTagId = await ensureCorpTag(mirror, tag);
    if (!wecomTagId) {
      // Another worker is creating the WeCom tag: come back when it is there.
      const at = new Date(Date.now() + DEFER_MS);
      await WecomTagOutboxModel.updateOne(
        { _id: row._id, leaseOwner: token },
        { $set: { nextAttemptAt: at, ...releaseLease } },
      );
      kickAt(at);
      return 'deferred';
    }
    const customerId = await resolveCustomerId(organisationId, String(row.customerId));
    const present = Boolean(await CustomerTagModel.exists({ organisationId, customerId, tagId }));
    const want = present ? 'add' : 'remove';
    if (row.lastSent === want) return await sent(row, token, want, false);
    await wecom.markTag({
      userid: row.staffUserId,
      externalUserId: row.externalUserId,
      addTag: present ? [wecomTagId] : [],
      removeTag: present ? [] : [wecomTagId],
    });
    return await sent(row, token, want, true);
  } catch (error) {
    if (isPlatformError(error, CORP_TAG_ERRCODES.notExternalContact)) {
      return settle(row, token, 'skipped', 'the customer is not (any more) this staff member’s WeCom contact');
    }
    if (isPlatformError(error, CORP_TAG_ERRCODES.invalidUserId)) {
      return settle(row, token, 'skipped', 'the staff member is not (any more) a member of the WeCom corp');
    }
    // The WeCom tag was deleted (e.g. in the admin console): it is created again and every customer re-marked.
    if (isPlatformError(error, CORP_TAG_ERRCODES.invalidTag) && mirror && wecomTagId) {
      await forgetCorpTag(mirror, wecomTagId);
    }
    return fail(row, token, error);
  }
}

/** Done: WeCom has what the customer has. A newer change meanwhile leaves the row pending (sent again). */
async function sent(row: WecomTagOutboxDoc, token: string, want: 'add' | 'remove', called: boolean): Promise<Outcome> {
  const now = new Date();
  const kept = await WecomTagOutboxModel.updateOne(
    { _id: row._id, leaseOwner: token, rev: row.rev },
    {
      $set: {
        status: 'sent',
        lastSent: want,
        ...(called && { sentAt: now }),
        attempts: 0,
        lastError: null,
        lastErrorAt: null,
        note: null,
        ...releaseLease,
      },
    },
  );
  if (kept.matchedCount === 0) {
    await WecomTagOutboxModel.updateOne(
      { _id: row._id, leaseOwner: token },
      { $set: { lastSent: want, ...(called && { sentAt: now }), ...releaseLease } },
    );
    again = true;
  }
  return called ? 'sent' : 'unchanged';
}

/** Nothing to send (and nothing to retry), unless a newer change came meanwhile. */
async function settle(row: WecomTagOutboxDoc, token: string, status: 'skipped', note: string): Promise<Outcome> {
  const kept = await WecomTagOutboxModel.updateOne(
    { _id: row._id, leaseOwner: token, rev: row.rev },
    { $set: { status, note, ...releaseLease } },
  );
  if (kept.matchedCount === 0)
    await WecomTagOutboxModel.updateOne({ _id: row._id, leaseOwner: token }, { $set: releaseLease });
  return status;
}

async function fail(row: WecomTagOutboxDoc, token: string, error: unknown): Promise<Outcome> {
  const now = new Date();
  const message = errorMessage(error);
  const attempts = row.attempts + 1;
  const parked = attempts >= options.maxAttempts;
  const nextAttemptAt = new Date(now.getTime() + wecomSyncRetryDelayMs(attempts));
  const kept = await WecomTagOutboxModel.updateOne(
    { _id: row._id, leaseOwner: token, rev: row.rev },
    {
      $set: {
        status: parked ? 'failed' : 'pending',
        attempts,
        lastError: message,
        lastErrorAt: now,
        nextAttemptAt,
        ...releaseLease,
      },
    },
  );
  let retryAt: Date | null = parked ? null : nextAttemptAt;
  if (kept.matchedCount === 0) {
    // A newer change came while sending: it starts its own attempts, after a pause (WeCom is failing).
    retryAt = new Date(now.getTime() + wecomSyncRetryDelayMs(1));
    await WecomTagOutboxModel.updateOne(
      { _id: row._id, leaseOwner: token },
      { $set: { lastError: message, lastErrorAt: now, nextAttemptAt: retryAt, ...releaseLease } },
    );
  }
  if (retryAt) kickAt(retryAt);
  runtime?.logger.warn(
    { err: error, outboxId: String(row._id), attempts, parked },
    parked ? 'WeCom mark_tag failed for good' : 'WeCom mark_tag failed; it will be retried',
  );
  return parked && kept.matchedCount === 1 ? 'failed' : 'retrying';
}

// ---------------------------------------------------------------------------------------------------------------
// The WeCom corp tag of a mirrored library tag

async function wecomGroupNameFor(tag: TagDefinitionDoc): Promise<string> {
  if (!tag.groupId) return UNGROUPED_WECOM_GROUP;
  const group = await TagGroupModel.findOne({ _id: tag.groupId, organisationId: tag.organisationId }).lean();
  return group?.name ?? UNGROUPED_WECOM_GROUP;
}

/**
 * The WeCom tag id of a mirror, created (or found) on WeCom first if it has none; null while another worker holds the
 * creation. A tag CareLoop created follows a library rename.
 */
async function ensureCorpTag(mirror: WecomTagMirrorDoc, tag: TagDefinitionDoc): Promise<string | null> {
  if (mirror.wecomTagId) {
    if (mirror.tagCreatedByCareLoop && mirror.wecomTagName !== tag.name) await renameCorpTag(mirror, tag.name);
    return mirror.wecomTagId;
  }
  const token = randomUUID();
  const now = new Date();
  const claimed = await WecomTagMirrorModel.findOneAndUpdate(
    { _id: mirror._id, wecomTagId: null, $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }] },
    { $set: { leaseOwner: token, leaseUntil: new Date(now.getTime() + options.leaseMs) } },
    { returnDocument: 'after' },
  ).lean<WecomTagMirrorDoc>();
  if (!claimed || claimed.leaseOwner !== token) {
    const current = await WecomTagMirrorModel.findById(mirror._id).lean<WecomTagMirrorDoc>();
    return current?.wecomTagId ?? null;
  }
  try {
    const found = await createOrFindCorpTag(claimed, tag);
    await WecomTagMirrorModel.updateOne(
      { _id: claimed._id, leaseOwner: token },
      { $set: { ...found, lastError: null, lastErrorAt: null, ...releaseLease } },
    );
    return found.wecomTagId;
  } catch (error) {
    await WecomTagMirrorModel.updateOne(
      { _id: claimed._id, leaseOwner: token },
      { $set: { lastError: errorMessage(error), lastErrorAt: new Date(), ...releaseLease } },
    );
    throw error;
  }
}

async function createOrFindCorpTag(mirror: WecomTagMirrorDoc, tag: TagDefinitionDoc) {
  const { wecom } = runtime!;
  const groupName = mirror.groupName ?? (await wecomGroupNameFor(tag));
  const lookUp = async () => {
    const group = (await wecom.corpTagList()).find((entry) => !entry.deleted && entry.groupName === groupName);
    return { group, existing: group?.tags.find((entry) => !entry.deleted && entry.name === tag.name) };
  };
  const groupOwned = async (groupId: string) =>
    Boolean(
      await WecomTagMirrorModel.exists({
        organisationId: mirror.organisationId,
        wecomGroupId: groupId,
        groupCreatedByCareLoop: true,
      }),
    );
  const adopt = async (group: CorpTagGroup, existing: CorpTag) => {
    const other = await WecomTagMirrorModel.findOne({
      organisationId: mirror.organisationId,
      wecomTagId: existing.id,
      _id: { $ne: mirror._id },
    }).lean();
    if (other) {
      // The name is still that of another mirrored tag renamed since (the job renames it, then this is retried).
      throw new AppError('UPSTREAM_ERROR', `WeCom's tag ${groupName}/${tag.name} is mirrored from another library tag`);
    }
    return {
      groupName,
      wecomGroupId: group.groupId,
      wecomTagId: existing.id,
      wecomTagName: existing.name,
      groupCreatedByCareLoop: await groupOwned(group.groupId),
      // Found, not created here: for all CareLoop knows, the admin console (or another app) made it.
      tagCreatedByCareLoop: false,
    };
  };

  const { group, existing } = await lookUp();
  if (group && existing) return adopt(group, existing);
  try {
    const created = await wecom.addCorpTag(
      group ? { groupId: group.groupId, tags: [{ name: tag.name }] } : { groupName, tags: [{ name: tag.name }] },
    );
    const createdTag = created.tags.find((entry) => entry.name === tag.name) ?? created.tags[0];
    if (!createdTag) throw new AppError('UPSTREAM_ERROR', 'WeCom created no tag');
    return {
      groupName,
      wecomGroupId: created.groupId,
      wecomTagId: createdTag.id,
      wecomTagName: createdTag.name,
      groupCreatedByCareLoop: group ? await groupOwned(group.groupId) : true,
      tagCreatedByCareLoop: true,
    };
  } catch (error) {
    if (!isPlatformError(error, CORP_TAG_ERRCODES.nameTaken)) throw error;
    // Made meanwhile by someone else: use it.
    const again = await lookUp();
    if (again.group && again.existing) return adopt(again.group, again.existing);
    throw error;
  }
}

/** Renames a WeCom tag CareLoop created; a refusal is recorded on the mirror and marking goes on. */
async function renameCorpTag(mirror: WecomTagMirrorDoc, name: string): Promise<boolean> {
  try {
    await runtime!.wecom.editCorpTag({ id: mirror.wecomTagId!, name });
    await WecomTagMirrorModel.updateOne(
      { _id: mirror._id, wecomTagId: mirror.wecomTagId },
      { $set: { wecomTagName: name, lastError: null, lastErrorAt: null } },
    );
    return true;
  } catch (error) {
    if (isPlatformError(error, CORP_TAG_ERRCODES.invalidTag)) throw error;
    await WecomTagMirrorModel.updateOne(
      { _id: mirror._id },
      { $set: { lastError: `rename: ${errorMessage(error)}`, lastErrorAt: new Date() } },
    );
    return false;
  }
}

/** The WeCom tag is gone: create it again on the next mark, and mark every carrier again (backfill). */
async function forgetCorpTag(mirror: WecomTagMirrorDoc, wecomTagId: string): Promise<void> {
  const forgot = await WecomTagMirrorModel.updateOne(
    { _id: mirror._id, wecomTagId },
    {
      $set: {
        wecomTagId: null,
        wecomTagName: null,
        tagCreatedByCareLoop: null,
        backfillCursor: null,
        backfilledAt: null,
      },
    },
  );
  if (forgot.modifiedCount) {
    await WecomTagOutboxModel.updateMany(
      { organisationId: mirror.organisationId, tagId: mirror.tagId },
      { $set: { lastSent: null } },
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Choosing what is mirrored; backfill

/** Turns mirroring of a library tag on or off (on: the customers who carry it already are queued too). */
export async function setWecomMirror(organisationId: string, tagId: string, mirror: boolean): Promise<WecomTagMirror> {
  await assertWecomOrganisation(organisationId);
  await loadTag(organisationId, tagId); // another organisation's or an archived tag: not found
  if (mirror) {
    try {
      await WecomTagMirrorModel.updateOne(
        { organisationId, tagId, mirror: { $ne: true } },
        { $set: { mirror: true, backfillCursor: null, backfilledAt: null } },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // mirrored already
    }
    void backfillMirror(organisationId, tagId).catch((error: unknown) =>
      runtime?.logger.warn({ err: error, tagId }, 'WeCom tag backfill failed; the job resumes it'),
    );
  } else {
    await WecomTagMirrorModel.updateOne({ organisationId, tagId }, { $set: { mirror: false } });
  }
  const doc = await WecomTagMirrorModel.findOne({ organisationId, tagId }).lean<WecomTagMirrorDoc>();
  if (!doc) return toMirrors(organisationId, [unmirrored(organisationId, tagId)]).then((views) => views[0]!);
  return (await toMirrors(organisationId, [doc]))[0]!;
}

const unmirrored = (organisationId: string, tagId: string) =>
  ({
    organisationId,
    tagId,
    mirror: false,
    groupName: null,
    wecomGroupId: null,
    wecomTagId: null,
    wecomTagName: null,
    tagCreatedByCareLoop: null,
    lastError: null,
    backfilledAt: null,
  }) as unknown as WecomTagMirrorDoc;

/** Queues every customer who carries a mirrored tag, in batches from where the last run stopped. */
export async function backfillMirror(organisationId: string, tagId: string): Promise<number> {
  let queued = 0;
  for (;;) {
    const mirror = await WecomTagMirrorModel.findOne({ organisationId, tagId }).lean<WecomTagMirrorDoc>();
    if (!mirror?.mirror || mirror.backfilledAt) break;
    const rows = await CustomerTagModel.find(
      { organisationId, tagId, ...(mirror.backfillCursor && { _id: { $gt: mirror.backfillCursor } }) },
      { customerId: 1, setAt: 1 },
    )
      .sort({ _id: 1 })
      .limit(BACKFILL_BATCH)
      .lean();
    for (const row of rows) {
      const customerId = String(row.customerId);
      queued += await markDirty(
        organisationId,
        customerId,
        tagId,
        await contactPairs(organisationId, customerId),
        row.setAt,
      );
    }
    const finished = rows.length < BACKFILL_BATCH;
    const advanced = await WecomTagMirrorModel.updateOne(
      { _id: mirror._id, backfillCursor: mirror.backfillCursor, backfilledAt: null },
      {
        $set: {
          backfillCursor: (rows.at(-1)?._id as Types.ObjectId | undefined) ?? mirror.backfillCursor,
          ...(finished && { backfilledAt: new Date() }),
        },
      },
    );
    if (finished || advanced.matchedCount === 0) break; // done, or another run moved on
  }
  if (queued) kick();
  return queued;
}

// ---------------------------------------------------------------------------------------------------------------
// The periodic job

/** Resumes backfills, renames WeCom tags of renamed library tags, and sends what is due. Idempotent. */
export async function runWecomTagSync() {
  if (!runtime) return { backfilled: 0, renamed: 0 };
  let backfilled = 0;
  for (const mirror of await WecomTagMirrorModel.find({ mirror: true, backfilledAt: null }).lean()) {
    backfilled += await backfillMirror(String(mirror.organisationId), String(mirror.tagId));
  }
  let renamed = 0;
  const owned = await WecomTagMirrorModel.find({
    mirror: true,
    wecomTagId: { $ne: null },
    tagCreatedByCareLoop: true,
  }).lean<WecomTagMirrorDoc[]>();
  for (const mirror of owned) {
    const tag = await TagDefinitionModel.findOne({ _id: mirror.tagId, archivedAt: null }, { name: 1 }).lean();
    if (tag && tag.name !== mirror.wecomTagName && (await renameCorpTag(mirror, tag.name).catch(() => false))) {
      renamed += 1;
    }
  }
  return { backfilled, renamed, ...(await processDueTagMarks()) };
}

// ---------------------------------------------------------------------------------------------------------------
// Views

async function toMirrors(organisationId: string, docs: WecomTagMirrorDoc[]): Promise<WecomTagMirror[]> {
  const tags = await TagDefinitionModel.find(
    { organisationId, _id: { $in: docs.map((doc) => doc.tagId) } },
    { name: 1, groupId: 1, archivedAt: 1 },
  ).lean();
  const groups = await TagGroupModel.find({ organisationId }, { name: 1 }).lean();
  return docs.map((doc) => {
    const tag = tags.find((entry) => String(entry._id) === String(doc.tagId));
    const group = tag?.groupId ? groups.find((entry) => String(entry._id) === String(tag.groupId)) : undefined;
    return {
      tagId: String(doc.tagId),
      tagName: tag && !tag.archivedAt ? tag.name : '',
      mirror: doc.mirror,
      groupName: doc.groupName ?? group?.name ?? UNGROUPED_WECOM_GROUP,
      wecomGroupId: doc.wecomGroupId ?? null,
      wecomTagId: doc.wecomTagId ?? null,
      wecomTagName: doc.wecomTagName ?? null,
      createdByCareLoop: doc.wecomTagId ? Boolean(doc.tagCreatedByCareLoop) : null,
      backfilled: Boolean(doc.backfilledAt),
      lastError: doc.lastError ?? null,
    };
  });
}

export async function wecomSyncStatus(organisationId: string): Promise<WecomSyncStatus> {
  await assertWecomOrganisation(organisationId);
  const mirrors = await WecomTagMirrorModel.find({ organisationId })
    .sort({ createdAt: 1, _id: 1 })
    .lean<WecomTagMirrorDoc[]>();
  const count = (status: WecomTagOutboxDoc['status']) => WecomTagOutboxModel.countDocuments({ organisationId, status });
  const [pending, failed, sentCount, skipped] = await Promise.all([
    count('pending'),
    count('failed'),
    count('sent'),
    count('skipped'),
  ]);
  const errors = await WecomTagOutboxModel.find({
    organisationId,
    status: { $in: ['pending', 'failed'] },
    lastError: { $ne: null },
  })
    .sort({ lastErrorAt: -1, _id: -1 })
    .limit(20)
    .lean<WecomTagOutboxDoc[]>();
  const views = await toMirrors(organisationId, mirrors);
  const names = new Map(views.map((view) => [view.tagId, view.tagName]));
  return {
    mirrors: views,
    outbox: { pending, failed, sent: sentCount, skipped },
    lastErrors: errors.map((row) => ({
      customerId: String(row.customerId),
      tagId: String(row.tagId),
      tagName: names.get(String(row.tagId)) || null,
      staffUserId: row.staffUserId,
      externalUserId: row.externalUserId,
      status: row.status as 'pending' | 'failed',
      attempts: row.attempts,
      error: row.lastError!,
      at: (row.lastErrorAt ?? row.changedAt).toISOString(),
    })),
  };
}

/** Sends parked (failed) work again, from a fresh count of attempts. */
export async function retryFailedTagMarks(organisationId: string): Promise<number> {
  await assertWecomOrganisation(organisationId);
  const result = await WecomTagOutboxModel.updateMany(
    { organisationId, status: 'failed' },
    { $set: { status: 'pending', attempts: 0, nextAttemptAt: new Date() } },
  );
  if (result.modifiedCount) kick();
  return result.modifiedCount;
}

/** What WeCom's tag library holds now, with what CareLoop created and which library tag each one mirrors. */
export async function wecomCorpTags(organisationId: string): Promise<WecomCorpTagList> {
  const { wecom } = await assertWecomOrganisation(organisationId);
  const groups = await wecom.corpTagList();
  const mirrors = await WecomTagMirrorModel.find({ organisationId, wecomGroupId: { $ne: null } }).lean<
    WecomTagMirrorDoc[]
  >();
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    groups: groups.map((group) => ({
      groupId: group.groupId,
      groupName: group.groupName,
      order: group.order,
      createdAt: iso(group.createdAt),
      createdByCareLoop: mirrors.some((m) => m.wecomGroupId === group.groupId && m.groupCreatedByCareLoop === true),
      tags: group.tags.map((tag) => {
        const mirror = mirrors.find((m) => m.wecomTagId === tag.id);
        return {
          id: tag.id,
          name: tag.name,
          order: tag.order,
          createdAt: iso(tag.createdAt),
          createdByCareLoop: mirror?.tagCreatedByCareLoop === true,
          libraryTagId: mirror ? String(mirror.tagId) : null,
        };
      }),
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Wiring: tag changes, events, merges, privacy

onCustomerTagChanged('wecom-corp-tags', async (change) => {
  await queueTagChange(change);
});

// A staff member who adds the customer on WeCom gets their mirrored tags; a merged profile's contacts get the
// survivor's (the merge step below has moved the merged profile's rows already).
subscribeToEvents({
  name: 'tags-wecom-sync',
  async handle(event) {
    if (!runtime || (event.type !== 'wecom.contact_added' && event.type !== 'profile.merged')) return;
    await resyncCustomer(event.organisationId, event.customerId);
  },
});

// The merged profile's rows become the survivor's (pending: the worker sends what the survivor carries).
registerMergeStep({
  name: 'tags-wecom-sync',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    const rows = await WecomTagOutboxModel.find({ organisationId, customerId: fromCustomerId }).lean<
      WecomTagOutboxDoc[]
    >();
    for (const row of rows) {
      await markDirty(organisationId, intoCustomerId, String(row.tagId), [row], row.changedAt);
    }
    await WecomTagOutboxModel.deleteMany({ organisationId, customerId: fromCustomerId });
  },
});

registerPrivacyContributor({
  name: 'tags-wecom-sync',
  exportData: async ({ organisationId, customerId }) => {
    const rows = await WecomTagOutboxModel.find({ organisationId, customerId }).lean<WecomTagOutboxDoc[]>();
    return rows.map((row) => ({
      tagId: String(row.tagId),
      staffUserId: row.staffUserId,
      externalUserId: row.externalUserId,
      status: row.status,
      lastSent: row.lastSent,
      sentAt: row.sentAt?.toISOString() ?? null,
    }));
  },
  erase: async ({ organisationId, customerId }) => {
    await WecomTagOutboxModel.deleteMany({ organisationId, customerId });
  },
});
