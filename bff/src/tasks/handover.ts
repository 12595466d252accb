/**
 * Handover when a staff member leaves (or changes role): a manager names a successor, and
 *   0. a member who left (`resigned`) is marked inactive: they can no longer sign in or be given work;
 *   1. the member's open tasks move to the successor (each with its `task.reassigned` event);
 *   2. the customers they own get the successor as owner (identity's `transferOwnership`);
 *   3. their WeCom external contacts are handed over through WeCom — `externalcontact/transfer_customer` while they
 *      are employed (在职继承, the customer is told with `transfer_success_msg`), `resigned/transfer_customer` once
 *      they left (离职继承) — in batches of at most 100 as WeCom requires, and each contact's takeover is followed
 *      with `transfer_result` until it succeeded (WeCom completes it 24 hours later), was refused, or failed.
 *
 * The handover is a record (one per member and successor) that any run resumes: the job runs unfinished ones again,
 * and a manager can run one again at any time. Every step is idempotent and nothing is handed over twice: a contact
 * is recorded once per departing member (unique index) and claimed (`pending → sending`) before WeCom is called.
 * WeCom's transfer takes no idempotency key, so a contact left `sending` by a crash or a timeout is never simply
 * sent again: it is settled from transfer_result (WeCom has it: its state from there; WeCom has no record of it: it
 * was never received, so it goes back to `pending`).
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { Handover, HandoverContactState, HandoverRequest } from '@careloop/shared';
import { AppError, notFound } from '../http/errors';
import { ignoringDuplicateKeys, upsertWithRetry } from '../db/retry';
import { PlatformError } from '../platform/http';
import { TRANSFER_BATCH_MAX, type CustomerTransferResult, type WecomClient } from '../platform/wecom/client';
import { transferOwnership, wecomContactsOfStaff } from '../identity/service';
import { recordExternalContact, removeWecomFollow, syncStaffContacts } from '../identity/wecomContacts';
import { deactivateStaff, getActiveStaff, getStaffMember, staffNamesById } from '../staff/service';
import { recordAudit } from '../audit/service';
import { findOrganisationByPlatform } from '../organisations/service';
import type { WecomCallbackHandler } from '../platform/wecom/callbacks';
import { countTasksMovedBy, moveOpenTasks } from './service';
import { HandoverContactModel, HandoverModel, type HandoverContactDoc, type HandoverDoc } from './model';

/** A contact still `sending` this long after it was claimed was interrupted: it is settled from transfer_result. */
export const SENDING_STALE_MS = 2 * 60_000;
const UNFINISHED_SHOWN = 500;
const JOB_BATCH = 20;

const oid = (id: string | Types.ObjectId) => new Types.ObjectId(String(id));
const UNSETTLED: HandoverContactState[] = ['pending', 'sending', 'waiting'];

/** What the customer reads when taken over by a colleague while the member still works here. */
const defaultSuccessMessage = (successor: string) =>
  `您好，为了更好地为您服务，后续将由我的同事${successor}继续跟进您的就诊与回访，有任何问题都可以随时联系TA。`;

// ---------------------------------------------------------------------------------------------------------------
// Views

export async function describeHandover(doc: HandoverDoc): Promise<Handover> {
  const organisationId = String(doc.organisationId);
  const [names, counts, unfinished, tasksMoved] = await Promise.all([
    staffNamesById(organisationId, [String(doc.fromStaffId), String(doc.toStaffId)]),
    HandoverContactModel.aggregate<{ _id: HandoverContactState; n: number }>([
      { $match: { handoverId: doc._id } },
      { $group: { _id: '$state', n: { $sum: 1 } } },
    ]),
    HandoverContactModel.find({ handoverId: doc._id, state: { $ne: 'success' } })
      .sort({ externalUserId: 1 })
      .limit(UNFINISHED_SHOWN)
      .lean<HandoverContactDoc[]>(),
    countTasksMovedBy(organisationId, doc._id),
  ]);
  const contacts = {
    total: 0,
    pending: 0,
    sending: 0,
    waiting: 0,
    success: 0,
    refused: 0,
    limit_exceeded: 0,
    failed: 0,
  };
  for (const row of counts) {
    contacts[row._id] = row.n;
    contacts.total += row.n;
  }
  return {
    id: String(doc._id),
    from: { id: String(doc.fromStaffId), name: names.get(String(doc.fromStaffId)) ?? null },
    to: { id: String(doc.toStaffId), name: names.get(String(doc.toStaffId)) ?? null },
    resigned: doc.resigned,
    status: doc.status,
    tasksMoved,
    customersMoved: doc.customersMoved ?? 0,
    contacts,
    unfinished: unfinished.map((contact) => ({
      externalUserId: contact.externalUserId,
      state: contact.state,
      errcode: contact.errcode ?? null,
      takeoverAt: contact.takeoverAt?.toISOString() ?? null,
    })),
    lastError: doc.lastError
      ? { errcode: doc.lastError.errcode, errmsg: doc.lastError.errmsg ?? '', at: doc.lastError.at.toISOString() }
      : null,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

async function loadHandover(organisationId: string, handoverId: string): Promise<HandoverDoc> {
  const doc = await HandoverModel.findOne({
    _id: oid(handoverId),
    organisationId: oid(organisationId),
  }).lean<HandoverDoc>();
  if (!doc) throw notFound('Handover');
  return doc;
}

export async function getHandover(organisationId: string, handoverId: string): Promise<Handover> {
  return describeHandover(await loadHandover(organisationId, handoverId));
}

// ---------------------------------------------------------------------------------------------------------------
// Contacts

/** Records the member's external contacts for the handover (each once per departing member, whatever the run). */
async function gatherContacts(wecom: WecomClient, handover: HandoverDoc): Promise<void> {
  const organisationId = String(handover.organisationId);
  // While employed WeCom still lists the member's contacts: sync them first, so none added lately is missed.
  if (!handover.resigned) await syncStaffContacts(wecom, organisationId, [handover.fromWecomUserId]);
  const externalUserIds = await wecomContactsOfStaff(organisationId, handover.fromWecomUserId);
  for (let i = 0; i < externalUserIds.length; i += 500) {
    await ignoringDuplicateKeys(
      HandoverContactModel.bulkWrite(
        externalUserIds.slice(i, i + 500).map((externalUserId) => ({
          updateOne: {
            filter: {
              organisationId: handover.organisationId,
              fromWecomUserId: handover.fromWecomUserId,
              externalUserId,
            },
            update: {
              $setOnInsert: { handoverId: handover._id, toWecomUserId: handover.toWecomUserId, state: 'pending' },
            },
            upsert: true,
          },
        })),
        { ordered: false },
      ),
    );
  }
}

const RESULT_STATE: Record<CustomerTransferResult['status'], HandoverContactState | null> = {
  success: 'success',
  waiting: 'waiting',
  refused: 'refused',
  limit_exceeded: 'limit_exceeded',
  no_record: null,
};

/**
 * Reads WeCom's transfer_result for the contacts that are waiting, or were left `sending` by an interrupted run, and
 * records where each stands. A waiting contact WeCom has no record of failed; an interrupted one it has no record of
 * never reached WeCom and goes back to `pending`.
 */
async function settleTransfers(wecom: WecomClient, handover: HandoverDoc, now: Date): Promise<void> {
  const unsettled = await HandoverContactModel.find({
    handoverId: handover._id,
    $or: [{ state: 'waiting' }, { state: 'sending', claimedAt: { $lte: new Date(now.getTime() - SENDING_STALE_MS) } }],
  }).lean<HandoverContactDoc[]>();
  if (unsettled.length === 0) return;
  const results = new Map<string, CustomerTransferResult>();
  for (const resigned of new Set(unsettled.map((contact) => contact.resigned ?? handover.resigned))) {
    for await (const page of wecom.customerTransferResults({
      handoverUserId: handover.fromWecomUserId,
      takeoverUserId: handover.toWecomUserId,
      resigned,
    })) {
      for (const result of page) results.set(result.externalUserId, result);
    }
  }
  for (const contact of unsettled) {
    const result = results.get(contact.externalUserId);
    const state = result ? RESULT_STATE[result.status] : null;
    const current = { _id: contact._id, state: contact.state, claimId: contact.claimId };
    if (state === null) {
      await HandoverContactModel.updateOne(
        current,
        contact.state === 'sending'
          ? { $set: { state: 'pending', claimId: null, claimedAt: null } }
          : { $set: { state: 'failed', errcode: null } },
      );
    } else if (state !== contact.state || result?.takeoverAt?.getTime() !== contact.takeoverAt?.getTime()) {
      await HandoverContactModel.updateOne(current, { $set: { state, takeoverAt: result?.takeoverAt ?? null } });
    }
  }
}

/**
 * Sends the pending contacts to WeCom, at most 100 per call. Each batch is claimed first (`pending → sending`, a
 * conditional update per contact), so concurrent runs never send a contact twice. When WeCom refuses a batch as a
 * whole (e.g. 40097: the member has not left yet) nothing was started: the batch goes back to pending and the error
 * is shown on the handover. When the call fails without an answer, the batch stays `sending` and is settled later.
 */
async function sendPending(wecom: WecomClient, handover: HandoverDoc, now: Date): Promise<void> {
  for (;;) {
    const ids = await HandoverContactModel.find({ handoverId: handover._id, state: 'pending' }, { _id: 1 })
      .sort({ externalUserId: 1 })
      .limit(TRANSFER_BATCH_MAX)
      .lean();
    if (ids.length === 0) return;
    const claimId = randomUUID();
    await HandoverContactModel.updateMany(
      { _id: { $in: ids.map((row) => row._id) }, state: 'pending' },
      { $set: { state: 'sending', claimId, claimedAt: now, resigned: handover.resigned } },
    );
    const batch = await HandoverContactModel.find({ claimId, state: 'sending' }).lean<HandoverContactDoc[]>();
    if (batch.length === 0) continue; // another run claimed them
    let answers: { externalUserId: string; errcode: number }[];
    try {
      answers = await wecom.transferCustomers({
        handoverUserId: handover.fromWecomUserId,
        takeoverUserId: handover.toWecomUserId,
        externalUserIds: batch.map((contact) => contact.externalUserId),
        resigned: handover.resigned,
        ...(!handover.resigned && { successMessage: handover.transferSuccessMessage ?? undefined }),
      });
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error;
      await HandoverContactModel.updateMany(
        { claimId, state: 'sending' },
        { $set: { state: 'pending', claimId: null, claimedAt: null } },
      );
      await HandoverModel.updateOne(
        { _id: handover._id },
        { $set: { lastError: { errcode: error.errcode, errmsg: error.errmsg, at: now } } },
      );
      return;
    }
    const byContact = new Map(answers.map((row) => [row.externalUserId, row.errcode]));
    await HandoverContactModel.bulkWrite(
      batch
        .filter((contact) => byContact.has(contact.externalUserId))
        .map((contact) => {
          const errcode = byContact.get(contact.externalUserId)!;
          return {
            updateOne: {
              filter: { _id: contact._id, claimId, state: 'sending' },
              update: { $set: errcode === 0 ? { state: 'waiting', errcode: null } : { state: 'failed', errcode } },
            },
          };
        }),
      { ordered: false },
    );
    await HandoverModel.updateOne({ _id: handover._id }, { $set: { lastError: null } });
  }
}

/**
 * Tells the identity domain who follows each contact now that WeCom took it over: the departing member's follow
 * goes, the successor's is read from WeCom. A failure is left for the next run.
 */
async function syncTakenOverFollows(wecom: WecomClient, handover: HandoverDoc): Promise<void> {
  const organisationId = String(handover.organisationId);
  const done = await HandoverContactModel.find({
    handoverId: handover._id,
    state: 'success',
    followsSynced: false,
  }).lean<HandoverContactDoc[]>();
  for (const contact of done) {
    const current = await wecom.externalContact(contact.externalUserId);
    if (current) await recordExternalContact(organisationId, wecom.corpId, current);
    await removeWecomFollow(organisationId, contact.externalUserId, contact.fromWecomUserId);
    await HandoverContactModel.updateOne({ _id: contact._id }, { $set: { followsSynced: true } });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Runs

/** One run of a handover: every step again, each idempotent; marks it done once nothing is left to settle. */
export async function runHandover(wecom: WecomClient, handover: HandoverDoc, now = new Date()): Promise<void> {
  const organisationId = String(handover.organisationId);
  const from = String(handover.fromStaffId);
  const to = String(handover.toStaffId);
  // A member who left is deactivated first (no sign-in, no session, no new work), so nothing lands on them once
  // their work has moved. Every run does it again: a run interrupted after it still ends their sessions.
  if (handover.resigned && (await deactivateStaff(organisationId, from))) {
    await recordAudit({
      organisationId,
      actor: handover.createdBy
        ? { kind: 'staff', id: String(handover.createdBy) }
        : { kind: 'system', id: 'handover' },
      action: 'staff.deactivated',
      subject: { kind: 'staff', id: from },
      details: { handoverId: String(handover._id) },
    });
  }
  await moveOpenTasks(
    organisationId,
    from,
    to,
    handover._id,
    handover.createdBy ? String(handover.createdBy) : null,
    now,
  );
  const owned = await transferOwnership(organisationId, from, to);
  if (owned) await HandoverModel.updateOne({ _id: handover._id }, { $inc: { customersMoved: owned } });
  await gatherContacts(wecom, handover);
  await settleTransfers(wecom, handover, now);
  await sendPending(wecom, handover, now);
  await syncTakenOverFollows(wecom, handover);
  await finishIfSettled(handover._id, now);
}

/** Marks the handover done once no contact is left to settle (each contact's takeover succeeded, or failed). */
async function finishIfSettled(handoverId: Types.ObjectId, now: Date): Promise<void> {
  const unsettled = await HandoverContactModel.exists({
    handoverId,
    $or: [{ state: { $in: UNSETTLED } }, { state: 'success', followsSynced: false }],
  });
  if (!unsettled) {
    await HandoverModel.updateOne(
      { _id: handoverId, status: 'in_progress' },
      { $set: { status: 'done', completedAt: now } },
    );
  }
}

const FAIL_REASON_STATE: Record<string, HandoverContactState> = {
  customer_refused: 'refused',
  customer_limit_exceed: 'limit_exceeded',
};

/**
 * WeCom's transfer_fail callback (客户接替失败事件): the customer refused the takeover, or the successor reached
 * their customer limit. It names the takeover member (UserID), not the handover member, so it settles the contact's
 * takeover to that member that is under way (WeCom lets one takeover of a customer wait at a time). Recorded at once
 * rather than at the next transfer_result poll, which then confirms it; a repeat finds nothing left to change.
 */
export const handoverWecomCallbackHandler: WecomCallbackHandler = {
  name: 'handovers',
  async handle(event, { wecom }) {
    if (event.event !== 'change_external_contact' || event.changeType !== 'transfer_fail') return;
    const state = FAIL_REASON_STATE[event.fields.FailReason ?? ''];
    if (!state || !event.userId || !event.externalUserId) return;
    const organisation = await findOrganisationByPlatform({ wecomCorpId: wecom.corpId });
    const underWay = await HandoverContactModel.find({
      organisationId: oid(organisation.id),
      toWecomUserId: event.userId,
      externalUserId: event.externalUserId,
      state: { $in: ['sending', 'waiting'] },
    }).lean<HandoverContactDoc[]>();
    for (const contact of underWay) {
      const failed = await HandoverContactModel.updateOne(
        { _id: contact._id, state: contact.state },
        { $set: { state, errcode: null, claimId: null } },
      );
      if (failed.modifiedCount === 1) await finishIfSettled(contact.handoverId, new Date());
    }
  },
};

/**
 * A manager hands a staff member's work to a successor (or runs an earlier handover to them again, to resume it).
 * The member may have left already (inactive); the successor must be an active staff member.
 */
export async function startHandover(
  wecom: WecomClient,
  organisationId: string,
  fromStaffId: string,
  request: HandoverRequest,
  actorId: string,
  now = new Date(),
): Promise<Handover> {
  const from = await getStaffMember(organisationId, fromStaffId);
  const to = await getActiveStaff(organisationId, request.successorStaffId);
  if (from.id === to.id) {
    throw new AppError('VALIDATION_FAILED', 'The successor must be someone else', [
      { in: 'body', path: 'successorStaffId', code: 'same_staff', message: 'must differ from the departing member' },
    ]);
  }
  const handover = await upsertWithRetry(() =>
    HandoverModel.findOneAndUpdate(
      { organisationId: oid(organisationId), fromStaffId: oid(from.id), toStaffId: oid(to.id) },
      {
        $setOnInsert: {
          fromWecomUserId: from.wecomUserId,
          toWecomUserId: to.wecomUserId,
          customersMoved: 0,
          lastError: null,
          createdBy: oid(actorId),
        },
        $set: {
          resigned: request.resigned,
          transferSuccessMessage: request.resigned
            ? null
            : (request.transferSuccessMessage ?? defaultSuccessMessage(to.name)),
          status: 'in_progress',
          completedAt: null,
        },
      },
      { upsert: true, returnDocument: 'after' },
    ).lean<HandoverDoc>(),
  );
  await recordAudit({
    organisationId,
    actor: { kind: 'staff', id: actorId },
    action: 'staff.handover_run',
    subject: { kind: 'staff', id: from.id },
    details: { handoverId: String(handover._id), successorStaffId: to.id, resigned: request.resigned },
  });
  await runHandover(wecom, handover, now);
  return getHandover(organisationId, String(handover._id));
}

/** Runs a handover again now (reads WeCom's transfer results, sends what is pending). */
export async function resumeHandover(
  wecom: WecomClient,
  organisationId: string,
  handoverId: string,
  now = new Date(),
): Promise<Handover> {
  await runHandover(wecom, await loadHandover(organisationId, handoverId), now);
  return getHandover(organisationId, handoverId);
}

/**
 * The job: unfinished handovers run again (transfer results, pending contacts), least recently run first; one that
 * fails is reported and does not stop the others.
 */
export async function resumeUnfinishedHandovers(
  wecom: WecomClient,
  now = new Date(),
): Promise<{ ran: number; failed: { handoverId: string; error: string }[] }> {
  const docs = await HandoverModel.find({ status: 'in_progress' })
    .sort({ updatedAt: 1 })
    .limit(JOB_BATCH)
    .lean<HandoverDoc[]>();
  const failed: { handoverId: string; error: string }[] = [];
  for (const doc of docs) {
    try {
      await runHandover(wecom, doc, now);
    } catch (error) {
      failed.push({ handoverId: String(doc._id), error: (error as Error).message });
    }
    // Touched either way, so the next run starts with the others.
    await HandoverModel.updateOne({ _id: doc._id }, { $currentDate: { updatedAt: true } });
  }
  return { ran: docs.length, failed };
}
