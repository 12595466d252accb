import { randomBytes } from 'node:crypto';
import {
  SandboxCodeModel,
  SandboxCredentialModel,
  SandboxExternalContactModel,
  SandboxSubscribeCreditModel,
  SandboxSubscribeMessageModel,
  SandboxWechatUserModel,
  SandboxWecomMemberModel,
} from './model';

const CODE_TTL_MS = 5 * 60_000;
type CodeKind = 'wechat_login' | 'wechat_phone' | 'wecom_oauth';
export const CREDENTIAL_TTL_SECONDS = 7200;

const randomId = (bytes: number) => randomBytes(bytes).toString('base64url');

export async function createWechatUser(appId: string, input: { nickname?: string; unionid?: string }) {
  const doc = await SandboxWechatUserModel.create({
    appId,
    // Real openids are 28 characters starting with 'o'.
    openid: 'o' + randomId(20).slice(0, 27),
    unionid: input.unionid ?? null,
    nickname: input.nickname ?? null,
  });
  return { openid: doc.openid, unionid: doc.unionid ?? null };
}

export async function findWechatUser(openid: string) {
  return SandboxWechatUserModel.findOne({ openid }).lean();
}

export async function addWecomMember(corpId: string, member: { userid: string; name: string }) {
  await SandboxWecomMemberModel.updateOne(
    { corpId, userid: member.userid },
    { $set: { name: member.name } },
    { upsert: true },
  );
}

export async function listWecomMembers(corpId: string) {
  const docs = await SandboxWecomMemberModel.find({ corpId }).sort({ userid: 1 }).lean();
  return docs.map((doc) => ({ userid: doc.userid, name: doc.name }));
}

export async function findWecomMember(corpId: string, userid: string) {
  return SandboxWecomMemberModel.findOne({ corpId, userid }).lean();
}

export async function issueCode(kind: CodeKind, app: string, subject: string) {
  const code = randomId(24);
  await SandboxCodeModel.create({ code, kind, app, subject, expiresAt: new Date(Date.now() + CODE_TTL_MS) });
  return code;
}

/** Spends a code; answers why it cannot be used, as the real service would. */
export async function spendCode(
  kind: CodeKind,
  app: string,
  code: string,
): Promise<{ subject: string } | { error: 'invalid' | 'used' }> {
  const now = new Date();
  const spent = await SandboxCodeModel.findOneAndUpdate(
    { code, kind, app, usedAt: null, expiresAt: { $gt: now } },
    { $set: { usedAt: now } },
  ).lean();
  if (spent) return { subject: spent.subject };
  const existing = await SandboxCodeModel.findOne({ code, kind, app }).lean();
  return { error: existing?.usedAt ? 'used' : 'invalid' };
}

type CredentialKind = 'wechat_token' | 'wecom_token' | 'wecom_jsapi_ticket' | 'wecom_agent_ticket';

/** The current credential of a kind, or a new one (stable_token semantics: the same one until it expires). */
export async function currentCredential(kind: CredentialKind, app: string, forceNew = false) {
  const now = new Date();
  if (!forceNew) {
    const current = await SandboxCredentialModel.findOne({ kind, app, expiresAt: { $gt: now } })
      .sort({ expiresAt: -1 })
      .lean();
    if (current) {
      return { value: current.value, expiresIn: Math.floor((current.expiresAt.getTime() - now.getTime()) / 1000) };
    }
  }
  const value = randomId(48);
  await SandboxCredentialModel.create({
    value,
    kind,
    app,
    expiresAt: new Date(now.getTime() + CREDENTIAL_TTL_SECONDS * 1000),
  });
  // A forced refresh invalidates the previous credential, as WeChat's force_refresh does.
  if (forceNew) {
    await SandboxCredentialModel.updateMany({ kind, app, value: { $ne: value } }, { $set: { expiresAt: now } });
  }
  return { value, expiresIn: CREDENTIAL_TTL_SECONDS };
}

export async function checkCredential(kind: CredentialKind, app: string, value: string) {
  const doc = await SandboxCredentialModel.findOne({ kind, app, value }).lean();
  if (!doc) return 'invalid' as const;
  return doc.expiresAt > new Date() ? ('valid' as const) : ('expired' as const);
}

/** Control: expires every credential now, so clients must notice (42001) and fetch new ones. */
export async function expireAllCredentials() {
  await SandboxCredentialModel.updateMany({}, { $set: { expiresAt: new Date() } });
}

/**
 * A customer adds a corp member on WeCom (scanning a contact-me code, say). The same person (same unionid)
 * keeps one external_userid in the corp however many members they add, as in WeCom.
 */
export async function addExternalContact(
  corpId: string,
  input: { userid: string; name: string; unionid?: string; state?: string; externalUserId?: string },
): Promise<{ externalUserId: string; added: boolean }> {
  const existing = input.unionid
    ? await SandboxExternalContactModel.findOne({ corpId, unionid: input.unionid }).lean()
    : null;
  const externalUserId = existing?.externalUserId ?? input.externalUserId ?? 'wm' + randomId(24).slice(0, 30);
  const follow = { userid: input.userid, createtime: Math.floor(Date.now() / 1000), state: input.state ?? null };
  await SandboxExternalContactModel.updateOne(
    { corpId, externalUserId },
    { $setOnInsert: { name: input.name, unionid: input.unionid ?? null } },
    { upsert: true },
  );
  const pushed = await SandboxExternalContactModel.updateOne(
    { corpId, externalUserId, 'follows.userid': { $ne: input.userid } },
    { $push: { follows: follow } },
  );
  // `added`: the member did not have this contact yet (WeCom sends add_external_contact only then).
  return { externalUserId, added: pushed.modifiedCount === 1 };
}

export async function findExternalContact(corpId: string, externalUserId: string) {
  return SandboxExternalContactModel.findOne({ corpId, externalUserId }).lean();
}

/** Contacts followed by any of the members, in a stable order, one page after `cursor` (an external_userid). */
export async function externalContactsOfMembers(corpId: string, userids: string[], cursor: string, limit: number) {
  return SandboxExternalContactModel.find({
    corpId,
    'follows.userid': { $in: userids },
    ...(cursor && { externalUserId: { $gt: cursor } }),
  })
    .sort({ externalUserId: 1 })
    .limit(limit)
    .lean();
}

export async function externalContactByUnionid(corpId: string, unionid: string) {
  return SandboxExternalContactModel.findOne({ corpId, unionid }).lean();
}

/** The user taps "allow" for these templates in requestSubscribeMessage: one credit each. */
export async function grantSubscribeCredits(appId: string, openid: string, templateIds: string[]) {
  for (const templateId of new Set(templateIds)) {
    await SandboxSubscribeCreditModel.updateOne(
      { appId, openid, templateId },
      { $inc: { credits: 1 } },
      { upsert: true },
    );
  }
}

/** Delivers a subscribe message if the user holds a credit for the template (spending it); false otherwise. */
export async function deliverSubscribeMessage(
  appId: string,
  message: { openid: string; templateId: string; page: string; data: unknown; miniprogramState: string },
) {
  const spent = await SandboxSubscribeCreditModel.updateOne(
    { appId, openid: message.openid, templateId: message.templateId, credits: { $gt: 0 } },
    { $inc: { credits: -1 } },
  );
  if (spent.modifiedCount !== 1) return false;
  await SandboxSubscribeMessageModel.create({ appId, ...message });
  return true;
}

export async function listSubscribeMessages(appId: string, openid: string) {
  const docs = await SandboxSubscribeMessageModel.find({ appId, openid }).sort({ createdAt: 1 }).lean();
  return docs.map((doc) => ({
    templateId: doc.templateId,
    page: doc.page ?? '',
    data: doc.data as Record<string, { value: string }>,
    sentAt: doc.createdAt.toISOString(),
  }));
}
