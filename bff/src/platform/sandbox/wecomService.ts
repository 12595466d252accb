/**
 * The emulated WeCom's customer-contact features: contact-me codes, the add_external_contact callback it sends to
 * CareLoop (encrypted and signed like WeCom's, retried when not answered `success` within 5 s), welcome codes and
 * welcome messages, and temporary media.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '@careloop/config';
import { encryptAndSign } from '../wecom/callbackCrypto';
import { buildWecomXml } from '../wecom/xml';
import { addExternalContact, findWecomMember } from './service';
import {
  SandboxCallbackDeliveryModel,
  SandboxContactWayModel,
  SandboxCustomerTransferModel,
  SandboxMediaModel,
  SandboxResignedMemberModel,
  SandboxWelcomeCodeModel,
  SandboxWelcomeMessageModel,
} from './wecomModel';
import { SandboxExternalContactModel, SandboxWecomMemberModel } from './model';

export type SandboxWecomConfig = Pick<Config, 'wecom' | 'publicUrl'>;

const WELCOME_CODE_TTL_MS = 20_000;
const MEDIA_TTL_MS = 3 * 24 * 3600_000;
/** WeCom waits this long for `success`, then delivers again, at most this many more times. */
const ANSWER_TIMEOUT_MS = 5_000;
const RETRIES = 3;
const RETRY_PAUSE_MS = 300;

const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');

// ---- Contact-me codes ----

export interface ContactWayFields {
  type: number;
  scene: number;
  state: string;
  userIds: string[];
  skipVerify: boolean;
  remark: string;
}

export async function createContactWay(corpId: string, fields: ContactWayFields) {
  const doc = await SandboxContactWayModel.create({ corpId, configId: randomHex(16), ...fields });
  return doc.toObject();
}

export async function findContactWay(corpId: string, configId: string) {
  return SandboxContactWayModel.findOne({ corpId, configId }).lean();
}

export async function updateContactWay(corpId: string, configId: string, changes: Partial<ContactWayFields>) {
  const result = await SandboxContactWayModel.updateOne({ corpId, configId }, { $set: changes });
  return result.matchedCount === 1;
}

export async function deleteContactWay(corpId: string, configId: string) {
  const result = await SandboxContactWayModel.deleteOne({ corpId, configId });
  return result.deletedCount === 1;
}

export const contactWayQrUrl = (publicUrl: string, configId: string) =>
  `${publicUrl}/sandbox/wecom/contact-way/${configId}.png`;

// ---- Members ----

export async function setConsoleWelcome(corpId: string, userid: string, enabled: boolean) {
  const result = await SandboxWecomMemberModel.updateOne({ corpId, userid }, { $set: { consoleWelcome: enabled } });
  return result.matchedCount === 1;
}

// ---- Callbacks ----

/**
 * A customer adds a member (directly or through a contact-me code with its state). When the member did not have
 * them yet, WeCom's add_external_contact callback goes to CareLoop after this returns, `copies` times.
 */
export async function addContactAndNotify(
  config: SandboxWecomConfig,
  input: { userid: string; name: string; unionid?: string; state?: string; copies?: number },
): Promise<{ externalUserId: string; callbackId: string | null }> {
  const { corpId } = config.wecom;
  const { externalUserId, added } = await addExternalContact(corpId, input);
  if (!added) return { externalUserId, callbackId: null };

  const member = await findWecomMember(corpId, input.userid);
  const now = new Date();
  // No WelcomeCode when the admin console has a welcome message for the member (WeCom sends that one itself).
  const welcomeCode = member?.consoleWelcome ? null : randomBytes(24).toString('base64url');
  if (welcomeCode) {
    await SandboxWelcomeCodeModel.create({
      corpId,
      code: welcomeCode,
      userid: input.userid,
      externalUserId,
      issuedAt: now,
    });
  }
  const message = buildWecomXml({
    ToUserName: corpId,
    FromUserName: 'sys',
    CreateTime: Math.floor(now.getTime() / 1000),
    MsgType: 'event',
    Event: 'change_external_contact',
    ChangeType: 'add_external_contact',
    UserID: input.userid,
    ExternalUserID: externalUserId,
    ...(input.state && { State: input.state }),
    ...(welcomeCode && { WelcomeCode: welcomeCode }),
  });
  const copies = input.copies ?? 1;
  const delivery = await SandboxCallbackDeliveryModel.create({
    corpId,
    changeType: 'add_external_contact',
    userid: input.userid,
    externalUserId,
    state: input.state ?? null,
    welcomeCode,
    message,
    copies,
  });
  const callbackId = String(delivery._id);
  // After the control call has been answered, as WeCom calls back on its own schedule.
  setImmediate(() => void deliverCopies(config, callbackId, message, copies));
  return { externalUserId, callbackId };
}

/** Where the emulator reaches CareLoop's callback URL: this server, at the address the sandbox itself is reached. */
function callbackUrl(config: SandboxWecomConfig) {
  return `${new URL(config.wecom.apiBase).origin}/api/wecom/callback`;
}

async function deliverCopies(config: SandboxWecomConfig, id: string, message: string, copies: number) {
  try {
    await Promise.all(Array.from({ length: copies }, (_, copy) => deliverCopy(config, id, message, copy + 1)));
  } catch {
    // The server is shutting down (database gone): nothing to record.
  }
}

/** One delivery as WeCom makes it: freshly encrypted and signed, retried until `success` or RETRIES more tries. */
async function deliverCopy(config: SandboxWecomConfig, id: string, message: string, copy: number) {
  const { corpId, agentId, callback } = config.wecom;
  for (let attempt = 1; attempt <= RETRIES + 1; attempt++) {
    const signed = encryptAndSign({ ...callback, corpId }, message);
    const url = new URL(callbackUrl(config));
    url.search = new URLSearchParams({
      msg_signature: signed.msgSignature,
      timestamp: signed.timestamp,
      nonce: signed.nonce,
    }).toString();
    let status: number | null = null;
    let answer = '';
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: buildWecomXml({ ToUserName: corpId, Encrypt: signed.encrypted, AgentID: agentId }),
        signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
      });
      status = response.status;
      answer = (await response.text()).slice(0, 500);
    } catch (error) {
      answer = `no answer: ${(error as Error).message}`;
    }
    const ok = status === 200 && answer.trim() === 'success';
    const last = ok || attempt === RETRIES + 1;
    await SandboxCallbackDeliveryModel.updateOne(
      { _id: id },
      {
        $push: { attempts: { copy, attempt, status, answer, ok, at: new Date() } },
        ...(last && { $inc: { copiesFinished: 1 } }),
      },
    );
    if (ok) return;
    if (!last) await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS).unref());
  }
}

export async function listCallbackDeliveries(corpId: string, externalUserId?: string) {
  const docs = await SandboxCallbackDeliveryModel.find({ corpId, ...(externalUserId && { externalUserId }) })
    .sort({ createdAt: 1, _id: 1 })
    .lean();
  return docs.map((doc) => ({
    id: String(doc._id),
    changeType: doc.changeType,
    userid: doc.userid,
    externalUserId: doc.externalUserId,
    state: doc.state ?? null,
    welcomeCode: doc.welcomeCode ?? null,
    copies: doc.copies,
    finished: doc.copiesFinished >= doc.copies,
    attempts: doc.attempts.map((attempt) => ({
      copy: attempt.copy ?? 1,
      attempt: attempt.attempt ?? 1,
      status: attempt.status ?? null,
      answer: attempt.answer ?? '',
      ok: attempt.ok ?? false,
      at: (attempt.at ?? doc.createdAt).toISOString(),
    })),
  }));
}

// ---- Welcome codes and messages ----

/** Why a welcome code cannot be used, as WeCom answers: 41050 invalid or expired, 41051 already used. */
export async function checkWelcomeCode(corpId: string, code: string, now = new Date()) {
  const doc = await SandboxWelcomeCodeModel.findOne({ corpId, code }).lean();
  if (!doc || doc.issuedAt.getTime() + WELCOME_CODE_TTL_MS < now.getTime()) return { error: 41050 as const };
  if (doc.usedAt) return { error: 41051 as const };
  return { doc };
}

/** Spends a welcome code and records the message; false when another call spent it first. */
export async function sendWelcomeMessage(
  corpId: string,
  code: string,
  message: { text: string | null; attachments: Record<string, unknown>[] },
  now = new Date(),
): Promise<boolean> {
  const spent = await SandboxWelcomeCodeModel.findOneAndUpdate(
    { corpId, code, usedAt: null, issuedAt: { $gte: new Date(now.getTime() - WELCOME_CODE_TTL_MS) } },
    { $set: { usedAt: now } },
  ).lean();
  if (!spent) return false;
  await SandboxWelcomeMessageModel.create({
    corpId,
    welcomeCode: code,
    userid: spent.userid,
    externalUserId: spent.externalUserId,
    text: message.text,
    attachments: message.attachments,
  });
  return true;
}

/** Control: makes a welcome code older (its 20 seconds run out without waiting). */
export async function ageWelcomeCode(corpId: string, code: string, seconds: number) {
  const doc = await SandboxWelcomeCodeModel.findOne({ corpId, code }).lean();
  if (!doc) return false;
  await SandboxWelcomeCodeModel.updateOne(
    { _id: doc._id },
    { $set: { issuedAt: new Date(doc.issuedAt.getTime() - seconds * 1000) } },
  );
  return true;
}

export async function listWelcomeMessages(corpId: string, externalUserId?: string) {
  const docs = await SandboxWelcomeMessageModel.find({ corpId, ...(externalUserId && { externalUserId }) })
    .sort({ createdAt: 1, _id: 1 })
    .lean();
  return docs.map((doc) => ({
    welcomeCode: doc.welcomeCode,
    userid: doc.userid,
    externalUserId: doc.externalUserId,
    text: doc.text ?? null,
    attachments: doc.attachments as Record<string, unknown>[],
    sentAt: doc.createdAt.toISOString(),
  }));
}

// ---- Temporary media ----

export async function storeMedia(corpId: string, input: { type: string; filename: string; bytes: number }) {
  const now = new Date();
  const mediaId = '3' + randomBytes(30).toString('base64url');
  await SandboxMediaModel.create({
    corpId,
    mediaId,
    ...input,
    createdAt: now,
    expiresAt: new Date(+now + MEDIA_TTL_MS),
  });
  return { mediaId, createdAt: now };
}

/** A media id that exists and has not expired. */
export async function findLiveMedia(corpId: string, mediaId: string, now = new Date()) {
  return SandboxMediaModel.findOne({ corpId, mediaId, expiresAt: { $gt: now } }).lean();
}

// ---- Customer handover (在职继承 / 离职继承) ----

/** WeCom takes a waiting contact over this long after the transfer started, unless the customer refuses. */
const TAKEOVER_DELAY_MS = 24 * 3600_000;
export type TransferKind = 'onjob' | 'resigned';

/** Control: the member leaves the corp (their contacts can then be handed over with resigned/transfer_customer). */
export async function markMemberResigned(corpId: string, userid: string) {
  try {
    await SandboxResignedMemberModel.updateOne(
      { corpId, userid },
      { $setOnInsert: { resignedAt: new Date() } },
      { upsert: true },
    );
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error; // a concurrent call marked them first
  }
}

export async function isMemberResigned(corpId: string, userid: string) {
  return Boolean(await SandboxResignedMemberModel.exists({ corpId, userid }));
}

/**
 * Starts the takeover of one contact, answering that contact's errcode as WeCom does: 40096 unknown contact, 40131 the
 * handover member does not have them, 40130 the same member on both sides, 40129 a takeover of them is already
 * waiting; 0 started (it completes 24 hours later).
 */
export async function startCustomerTransfer(
  corpId: string,
  input: {
    kind: TransferKind;
    handoverUserId: string;
    takeoverUserId: string;
    externalUserId: string;
    successMessage: string | null;
  },
  now = new Date(),
): Promise<number> {
  const contact = await SandboxExternalContactModel.findOne({ corpId, externalUserId: input.externalUserId }).lean();
  if (!contact) return 40096;
  if (input.handoverUserId === input.takeoverUserId) return 40130;
  if (!contact.follows.some((follow) => follow.userid === input.handoverUserId)) return 40131;
  try {
    await SandboxCustomerTransferModel.create({
      corpId,
      ...input,
      status: 2,
      takeoverAt: new Date(now.getTime() + TAKEOVER_DELAY_MS),
      waitingKey: `${corpId}:${input.externalUserId}`,
    });
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return 40129;
    throw error;
  }
  return 0;
}

/** Takeovers whose time has come complete: the contact leaves the handover member and joins the successor. */
export async function settleDueTransfers(corpId: string, now = new Date()): Promise<number> {
  const due = await SandboxCustomerTransferModel.find({ corpId, status: 2, takeoverAt: { $lte: now } }).lean();
  let settled = 0;
  for (const transfer of due) {
    const taken = await SandboxCustomerTransferModel.updateOne(
      { _id: transfer._id, status: 2 },
      { $set: { status: 1 }, $unset: { waitingKey: 1 } },
    );
    if (taken.modifiedCount !== 1) continue;
    await SandboxExternalContactModel.updateOne(
      { corpId, externalUserId: transfer.externalUserId },
      { $pull: { follows: { userid: transfer.handoverUserId } } },
    );
    await SandboxExternalContactModel.updateOne(
      { corpId, externalUserId: transfer.externalUserId, 'follows.userid': { $ne: transfer.takeoverUserId } },
      {
        $push: {
          follows: { userid: transfer.takeoverUserId, createtime: Math.floor(now.getTime() / 1000), state: null },
        },
      },
    );
    settled += 1;
  }
  return settled;
}

/** transfer_result: the takeovers from one member to another, oldest first, a page after `cursor` (an id). */
export async function listCustomerTransfers(
  corpId: string,
  filter: { kind: TransferKind; handoverUserId: string; takeoverUserId: string },
  cursor: string,
  limit: number,
) {
  await settleDueTransfers(corpId);
  return SandboxCustomerTransferModel.find({
    corpId,
    ...filter,
    ...(/^[0-9a-f]{24}$/.test(cursor) && { _id: { $gt: cursor } }),
  })
    .sort({ _id: 1 })
    .limit(limit)
    .lean();
}

/** Control: the customer refuses the takeover of them that is waiting; false when none is. */
export async function refuseCustomerTransfer(corpId: string, externalUserId: string): Promise<boolean> {
  const refused = await SandboxCustomerTransferModel.updateOne(
    { corpId, externalUserId, status: 2 },
    { $set: { status: 3, takeoverAt: null }, $unset: { waitingKey: 1 } },
  );
  return refused.modifiedCount === 1;
}

/** Control: every waiting takeover's 24 hours pass now, so each completes. */
export async function completeWaitingTransfers(corpId: string, now = new Date()): Promise<number> {
  await SandboxCustomerTransferModel.updateMany({ corpId, status: 2 }, { $set: { takeoverAt: now } });
  return settleDueTransfers(corpId, now);
}

export async function listAllCustomerTransfers(corpId: string, externalUserId?: string) {
  const docs = await SandboxCustomerTransferModel.find({ corpId, ...(externalUserId && { externalUserId }) })
    .sort({ _id: 1 })
    .lean();
  return docs.map((doc) => ({
    kind: doc.kind as TransferKind,
    handoverUserId: doc.handoverUserId,
    takeoverUserId: doc.takeoverUserId,
    externalUserId: doc.externalUserId,
    status: doc.status,
    takeoverAt: doc.takeoverAt?.toISOString() ?? null,
    successMessage: doc.successMessage ?? null,
    createdAt: doc.createdAt.toISOString(),
  }));
}
