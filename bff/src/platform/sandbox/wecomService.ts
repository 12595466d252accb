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
  SandboxApiFaultModel,
  SandboxCallbackDeliveryModel,
  SandboxContactTagsModel,
  SandboxContactWayModel,
  SandboxCorpTagCallModel,
  SandboxCorpTagGroupModel,
  SandboxCorpTagModel,
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
  const callbackId = await notifyContactChange(
    config,
    now,
    {
      ChangeType: 'add_external_contact',
      UserID: input.userid,
      ExternalUserID: externalUserId,
      ...(input.state && { State: input.state }),
      ...(welcomeCode && { WelcomeCode: welcomeCode }),
    },
    { state: input.state ?? null, welcomeCode },
    input.copies ?? 1,
  );
  return { externalUserId, callbackId };
}

/**
 * Queues WeCom's change_external_contact callback (`fields` after its envelope) to CareLoop: recorded as a delivery,
 * then delivered `copies` times after the control call has been answered, as WeCom calls back on its own schedule.
 */
async function notifyContactChange(
  config: SandboxWecomConfig,
  now: Date,
  fields: { ChangeType: string; UserID: string; ExternalUserID: string } & Record<string, string>,
  record: { state?: string | null; welcomeCode?: string | null } = {},
  copies = 1,
): Promise<string> {
  const { corpId } = config.wecom;
  const message = buildWecomXml({
    ToUserName: corpId,
    FromUserName: 'sys',
    CreateTime: Math.floor(now.getTime() / 1000),
    MsgType: 'event',
    Event: 'change_external_contact',
    ...fields,
  });
  const delivery = await SandboxCallbackDeliveryModel.create({
    corpId,
    changeType: fields.ChangeType,
    userid: fields.UserID,
    externalUserId: fields.ExternalUserID,
    ...record,
    message,
    copies,
  });
  const callbackId = String(delivery._id);
  setImmediate(() => void deliverCopies(config, callbackId, message, copies));
  return callbackId;
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

export type TransferFailReason = 'customer_refused' | 'customer_limit_exceed';

/**
 * Control: the waiting takeover of the contact fails — the customer refuses it (transfer_result then says 3) or the
 * successor has reached their customer limit (4) — and WeCom's transfer_fail callback (客户接替失败事件: FailReason,
 * UserID = the takeover member, ExternalUserID) goes to CareLoop after this returns. False when none is waiting.
 */
export async function failCustomerTransfer(
  config: SandboxWecomConfig,
  externalUserId: string,
  reason: TransferFailReason,
): Promise<boolean> {
  const { corpId } = config.wecom;
  const failed = await SandboxCustomerTransferModel.findOneAndUpdate(
    { corpId, externalUserId, status: 2 },
    { $set: { status: reason === 'customer_refused' ? 3 : 4, takeoverAt: null }, $unset: { waitingKey: 1 } },
    { returnDocument: 'after' },
  ).lean();
  if (!failed) return false;
  await notifyContactChange(config, new Date(), {
    ChangeType: 'transfer_fail',
    FailReason: reason,
    UserID: failed.takeoverUserId,
    ExternalUserID: externalUserId,
  });
  return true;
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

// ---- Customer tags (企业客户标签) ----

/** The corp tag APIs the sandbox emulates (and can be told to fail). */
export const CORP_TAG_APIS = [
  'get_corp_tag_list',
  'add_corp_tag',
  'edit_corp_tag',
  'del_corp_tag',
  'mark_tag',
] as const;
export type CorpTagApi = (typeof CORP_TAG_APIS)[number];
type CorpTagCreator = 'app' | 'console';
/** WeCom's answer when something went wrong, as the routes pass it on. */
export type WecomRefusal = { errcode: number; errmsg: string };

const CORP_TAG_NAME_MAX = 30;
const corpTagId = () => 'et' + randomBytes(16).toString('base64url');
const groupKey = (corpId: string, name: string) => `${corpId}\u0000${name}`;
const tagKey = (groupId: string, name: string) => `${groupId}\u0000${name}`;
const isDuplicate = (error: unknown) => (error as { code?: number }).code === 11000;
const refuse = (errcode: number, errmsg: string): WecomRefusal => ({ errcode, errmsg });
const validName = (name: unknown): name is string =>
  typeof name === 'string' && name.trim().length > 0 && [...name].length <= CORP_TAG_NAME_MAX;
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Control: the next `times` calls of `api` answer `errcode` (then it works again). */
export async function injectApiFailures(
  corpId: string,
  fault: { api: CorpTagApi; times: number; errcode: number; errmsg: string },
) {
  await SandboxApiFaultModel.updateOne(
    { corpId, api: fault.api },
    { $set: { remaining: fault.times, errcode: fault.errcode, errmsg: fault.errmsg } },
    { upsert: true },
  ).catch((error: unknown) => {
    if (!isDuplicate(error)) throw error;
    return SandboxApiFaultModel.updateOne(
      { corpId, api: fault.api },
      { $set: { remaining: fault.times, errcode: fault.errcode, errmsg: fault.errmsg } },
    );
  });
}

/** Control: every call of `api` waits this long before it is handled (0: answers at once again). */
export async function setApiLatency(corpId: string, api: CorpTagApi, latencyMs: number) {
  await SandboxApiFaultModel.updateOne({ corpId, api }, { $set: { latencyMs } }, { upsert: true }).catch(
    (error: unknown) => {
      if (!isDuplicate(error)) throw error;
      return SandboxApiFaultModel.updateOne({ corpId, api }, { $set: { latencyMs } });
    },
  );
}

export async function apiLatency(corpId: string, api: CorpTagApi): Promise<number> {
  return (await SandboxApiFaultModel.findOne({ corpId, api }, { latencyMs: 1 }).lean())?.latencyMs ?? 0;
}

/** Spends one injected failure of the API, if any is left. */
export async function takeApiFault(corpId: string, api: CorpTagApi): Promise<WecomRefusal | null> {
  const fault = await SandboxApiFaultModel.findOneAndUpdate(
    { corpId, api, remaining: { $gt: 0 } },
    { $inc: { remaining: -1 } },
  ).lean();
  return fault ? refuse(fault.errcode, fault.errmsg) : null;
}

export async function logCorpTagCall(corpId: string, api: CorpTagApi, request: unknown, answer: WecomRefusal) {
  await SandboxCorpTagCallModel.create({ corpId, api, request: request ?? {}, ...answer });
}

export async function listCorpTagCalls(corpId: string) {
  const docs = await SandboxCorpTagCallModel.find({ corpId }).sort({ createdAt: 1, _id: 1 }).lean();
  return docs.map((doc) => ({
    api: doc.api,
    request: (doc.request ?? {}) as Record<string, unknown>,
    errcode: doc.errcode,
    errmsg: doc.errmsg ?? '',
    at: doc.createdAt.toISOString(),
  }));
}

type GroupDoc = { groupId: string; name: string; order: number; createdBy: string; deleted: boolean; createdAt: Date };
type TagDoc = GroupDoc & { tagId: string };

function groupJson(group: GroupDoc, tags: TagDoc[], withDeleted: boolean) {
  return {
    group_id: group.groupId,
    group_name: group.name,
    create_time: seconds(group.createdAt),
    order: group.order,
    ...(withDeleted && { deleted: group.deleted }),
    tag: tags.map((tag) => ({
      id: tag.tagId,
      name: tag.name,
      create_time: seconds(tag.createdAt),
      order: tag.order,
      ...(withDeleted && { deleted: tag.deleted }),
    })),
  };
}

/**
 * get_corp_tag_list: every live group with its live tags; or, filtered, the groups asked for (with all their tags)
 * or else the groups of the tags asked for (with just those tags), deleted ones included and marked.
 */
export async function corpTagLibrary(corpId: string, filter: { tagIds: string[]; groupIds: string[] }) {
  if (filter.groupIds.length) {
    const groups = await SandboxCorpTagGroupModel.find({ corpId, groupId: { $in: filter.groupIds } }).lean();
    const tags = await SandboxCorpTagModel.find({ corpId, groupId: { $in: groups.map((g) => g.groupId) } }).lean();
    return groups.map((group) =>
      groupJson(
        group,
        tags.filter((tag) => tag.groupId === group.groupId),
        true,
      ),
    );
  }
  if (filter.tagIds.length) {
    const tags = await SandboxCorpTagModel.find({ corpId, tagId: { $in: filter.tagIds } }).lean();
    const groups = await SandboxCorpTagGroupModel.find({ corpId, groupId: { $in: tags.map((t) => t.groupId) } }).lean();
    return groups.map((group) =>
      groupJson(
        group,
        tags.filter((tag) => tag.groupId === group.groupId),
        true,
      ),
    );
  }
  const groups = await SandboxCorpTagGroupModel.find({ corpId, deleted: false }).sort({ createdAt: 1, _id: 1 }).lean();
  const tags = await SandboxCorpTagModel.find({ corpId, deleted: false }).sort({ createdAt: 1, _id: 1 }).lean();
  return groups.map((group) =>
    groupJson(
      group,
      tags.filter((tag) => tag.groupId === group.groupId),
      false,
    ),
  );
}

/** The live group of this name, created (by `createdBy`) if there is none. */
async function groupNamed(corpId: string, name: string, order: number, createdBy: CorpTagCreator) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await SandboxCorpTagGroupModel.findOne({ liveKey: groupKey(corpId, name) }).lean();
    if (found) return found;
    try {
      const created = await SandboxCorpTagGroupModel.create({
        corpId,
        groupId: corpTagId(),
        name,
        order,
        createdBy,
        liveKey: groupKey(corpId, name),
      });
      return created.toObject();
    } catch (error) {
      if (!isDuplicate(error)) throw error; // created concurrently: read it
    }
  }
  throw new Error(`sandbox: tag group ${name} could not be created`);
}

/**
 * add_corp_tag (or the admin console): tags into the group `groupId`, or the live group named `groupName` (created
 * when there is none). WeCom creates no empty group; the same name twice in one request is created once; a name the
 * group already has is refused with 40071.
 */
export async function addCorpTags(
  corpId: string,
  input: { groupId?: unknown; groupName?: unknown; order?: unknown; tags?: unknown },
  createdBy: CorpTagCreator,
): Promise<WecomRefusal | { tag_group: ReturnType<typeof groupJson> }> {
  const requested = input.tags;
  if (!Array.isArray(requested) || requested.length === 0) return refuse(40058, 'tag is empty');
  if (requested.length > 100) return refuse(40058, 'tag exceeds the limit of 100');
  const wanted: { name: string; order: number }[] = [];
  for (const tag of requested as { name?: unknown; order?: unknown }[]) {
    if (!validName(tag?.name)) return refuse(40058, `invalid tag name (1–${CORP_TAG_NAME_MAX} characters)`);
    if (!wanted.some((w) => w.name === tag.name)) {
      wanted.push({ name: tag.name, order: typeof tag.order === 'number' ? tag.order : 0 });
    }
  }
  let group: GroupDoc | null;
  if (typeof input.groupId === 'string' && input.groupId) {
    group = await SandboxCorpTagGroupModel.findOne({ corpId, groupId: input.groupId, deleted: false }).lean();
    if (!group) return refuse(40068, 'invalid tag group id');
  } else {
    if (!validName(input.groupName)) return refuse(40058, `invalid group_name (1–${CORP_TAG_NAME_MAX} characters)`);
    group = await groupNamed(corpId, input.groupName, typeof input.order === 'number' ? input.order : 0, createdBy);
  }
  const taken = await SandboxCorpTagModel.exists({
    liveKey: { $in: wanted.map((tag) => tagKey(group.groupId, tag.name)) },
  });
  if (taken) return refuse(40071, 'tag name already exists in this group');
  const created: TagDoc[] = [];
  for (const tag of wanted) {
    try {
      const doc = await SandboxCorpTagModel.create({
        corpId,
        tagId: corpTagId(),
        groupId: group.groupId,
        name: tag.name,
        order: tag.order,
        createdBy,
        liveKey: tagKey(group.groupId, tag.name),
      });
      created.push(doc.toObject());
    } catch (error) {
      if (isDuplicate(error)) return refuse(40071, 'tag name already exists in this group');
      throw error;
    }
  }
  return { tag_group: groupJson(group, created, false) };
}

/** edit_corp_tag: renames or reorders a live tag or group this app created. */
export async function editCorpTag(
  corpId: string,
  input: { id?: unknown; name?: unknown; order?: unknown },
): Promise<WecomRefusal | null> {
  if (typeof input.id !== 'string' || !input.id) return refuse(40068, 'invalid tag id');
  if (input.name !== undefined && !validName(input.name)) {
    return refuse(40058, `invalid name (1–${CORP_TAG_NAME_MAX} characters)`);
  }
  const set: Record<string, unknown> = {};
  if (typeof input.order === 'number') set.order = input.order;
  const tag = await SandboxCorpTagModel.findOne({ corpId, tagId: input.id, deleted: false }).lean();
  const group = tag
    ? null
    : await SandboxCorpTagGroupModel.findOne({ corpId, groupId: input.id, deleted: false }).lean();
  const target = tag ?? group;
  if (!target) return refuse(40068, 'invalid tag id');
  if (target.createdBy !== 'app')
    return refuse(301002, 'no privilege to edit a tag another app or the admin console created');
  if (typeof input.name === 'string') {
    set.name = input.name;
    set.liveKey = tag ? tagKey(tag.groupId, input.name) : groupKey(corpId, input.name);
  }
  try {
    if (tag) await SandboxCorpTagModel.updateOne({ _id: tag._id }, { $set: set });
    else await SandboxCorpTagGroupModel.updateOne({ _id: group!._id }, { $set: set });
  } catch (error) {
    if (isDuplicate(error)) return refuse(40071, 'name already exists');
    throw error;
  }
  return null;
}

/** del_corp_tag: deletes live tags and whole groups this app created; they leave every contact. */
export async function deleteCorpTags(
  corpId: string,
  input: { tag_id?: unknown; group_id?: unknown },
): Promise<WecomRefusal | null> {
  const ids = (value: unknown) =>
    Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  const tagIds = ids(input.tag_id);
  const groupIds = ids(input.group_id);
  if (!tagIds.length && !groupIds.length) return refuse(40058, 'tag_id and group_id are both empty');
  const tags = await SandboxCorpTagModel.find({ corpId, tagId: { $in: tagIds }, deleted: false }).lean();
  const groups = await SandboxCorpTagGroupModel.find({ corpId, groupId: { $in: groupIds }, deleted: false }).lean();
  if (tags.length !== new Set(tagIds).size || groups.length !== new Set(groupIds).size) {
    return refuse(40068, 'invalid tag id');
  }
  const inGroups = await SandboxCorpTagModel.find({ corpId, groupId: { $in: groupIds }, deleted: false }).lean();
  if ([...tags, ...groups, ...inGroups].some((doc) => doc.createdBy !== 'app')) {
    return refuse(301002, 'no privilege to delete a tag another app or the admin console created');
  }
  const gone = [...new Set([...tagIds, ...inGroups.map((tag) => tag.tagId)])];
  await SandboxCorpTagModel.updateMany(
    { corpId, tagId: { $in: gone } },
    { $set: { deleted: true }, $unset: { liveKey: 1 } },
  );
  await SandboxContactTagsModel.updateMany({ corpId }, { $pull: { tagIds: { $in: gone } } });
  // A group goes with its last tag (WeCom has no empty groups).
  const touched = [...new Set([...groupIds, ...tags.map((tag) => tag.groupId)])];
  for (const groupId of touched) {
    const left = await SandboxCorpTagModel.exists({ corpId, groupId, deleted: false });
    if (!left || groupIds.includes(groupId)) {
      await SandboxCorpTagGroupModel.updateOne(
        { corpId, groupId },
        { $set: { deleted: true }, $unset: { liveKey: 1 } },
      );
    }
  }
  return null;
}

/**
 * mark_tag: one member marks and unmarks corp tags (any live ones, whoever created them) on their external contact.
 * 60111 an unknown member, 84061 a customer who is not the member's contact, 40068 an unknown or deleted tag.
 */
export async function markContactTags(
  corpId: string,
  input: { userid?: unknown; external_userid?: unknown; add_tag?: unknown; remove_tag?: unknown },
): Promise<WecomRefusal | null> {
  const list = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : null);
  const add = list(input.add_tag);
  const remove = list(input.remove_tag);
  if (!add || !remove || [...add, ...remove].some((id) => typeof id !== 'string')) {
    return refuse(40058, 'invalid add_tag or remove_tag');
  }
  if (!add.length && !remove.length) return refuse(40058, 'add_tag and remove_tag are both empty');
  if (typeof input.userid !== 'string' || !(await findWecomMember(corpId, input.userid))) {
    return refuse(60111, 'invalid userid');
  }
  const externalUserId = input.external_userid;
  if (typeof externalUserId !== 'string') return refuse(40096, 'invalid external userid');
  const contact = await SandboxExternalContactModel.findOne({ corpId, externalUserId }).lean();
  if (!contact) return refuse(40096, 'invalid external userid');
  if (!contact.follows.some((follow) => follow.userid === input.userid)) return refuse(84061, 'not external contact');
  const named = [...new Set([...add, ...remove] as string[])];
  const live = await SandboxCorpTagModel.countDocuments({ corpId, tagId: { $in: named }, deleted: false });
  if (live !== named.length) return refuse(40068, 'invalid tagid');
  const key = { corpId, externalUserId, userid: input.userid };
  await SandboxContactTagsModel.updateOne(key, { $setOnInsert: { tagIds: [] } }, { upsert: true }).catch(
    (error: unknown) => {
      if (!isDuplicate(error)) throw error; // marked concurrently: the row exists now
    },
  );
  if (remove.length) await SandboxContactTagsModel.updateOne(key, { $pull: { tagIds: { $in: remove } } });
  if (add.length) await SandboxContactTagsModel.updateOne(key, { $addToSet: { tagIds: { $each: add } } });
  return null;
}

/** Control: the corp tags each member has marked on external contacts (all, or one contact's). */
export async function listContactTags(corpId: string, externalUserId?: string) {
  const rows = await SandboxContactTagsModel.find({ corpId, ...(externalUserId && { externalUserId }) })
    .sort({ externalUserId: 1, userid: 1 })
    .lean();
  const tags = await SandboxCorpTagModel.find({ corpId, tagId: { $in: rows.flatMap((row) => row.tagIds) } }).lean();
  const groups = await SandboxCorpTagGroupModel.find({
    corpId,
    groupId: { $in: tags.map((tag) => tag.groupId) },
  }).lean();
  return rows.map((row) => ({
    userid: row.userid,
    externalUserId: row.externalUserId,
    tags: row.tagIds.flatMap((tagId) => {
      const tag = tags.find((t) => t.tagId === tagId);
      if (!tag) return [];
      return [{ id: tag.tagId, name: tag.name, groupName: groups.find((g) => g.groupId === tag.groupId)?.name ?? '' }];
    }),
  }));
}

/** Control: the whole tag library, deleted groups and tags included, with who created each. */
export async function listCorpTagLibrary(corpId: string) {
  const groups = await SandboxCorpTagGroupModel.find({ corpId }).sort({ createdAt: 1, _id: 1 }).lean();
  const tags = await SandboxCorpTagModel.find({ corpId }).sort({ createdAt: 1, _id: 1 }).lean();
  return groups.map((group) => ({
    groupId: group.groupId,
    groupName: group.name,
    createdBy: group.createdBy as CorpTagCreator,
    deleted: group.deleted,
    tags: tags
      .filter((tag) => tag.groupId === group.groupId)
      .map((tag) => ({
        id: tag.tagId,
        name: tag.name,
        createdBy: tag.createdBy as CorpTagCreator,
        deleted: tag.deleted,
      })),
  }));
}
