import { Types } from 'mongoose';
import type { CustomerKind, CustomerProfile } from '@careloop/shared';
import { AppError, notFound } from '../http/errors';
import { upsertWithRetry } from '../db/retry';
import { CustomerModel, IdentityModel, WecomFollowModel } from './model';
import { mergeCustomers, resolveCustomerId, type MergeEvidence } from './merge';
import { recordEvent } from '../events/service';

export type IdentityKind = 'miniapp_openid' | 'oa_openid' | 'unionid' | 'wecom_external_userid' | 'phone';

interface CustomerDoc {
  _id: unknown;
  organisationId: unknown;
  kind: string;
  name?: string | null;
  phone?: { masked?: string | null; verified: boolean } | null;
  createdAt: Date;
}

function toProfile(doc: CustomerDoc): CustomerProfile {
  return {
    id: String(doc._id),
    organisationId: String(doc.organisationId),
    kind: doc.kind as CustomerKind,
    name: doc.name ?? null,
    phone: doc.phone?.masked ? { masked: doc.phone.masked, verified: doc.phone.verified } : null,
    createdAt: doc.createdAt.toISOString(),
  };
}

/**
 * Listeners to changes of a customer's base data (kind, gender, birthday, clinic, owner, HCP fields), e.g. the tag
 * engine, whose rules read them. Called after the change is stored; a listener's failure is reported and never
 * fails the change.
 */
type CustomerChangeListener = (organisationId: string, customerId: string) => Promise<void>;
const customerChangeListeners = new Map<string, CustomerChangeListener>();

export function onCustomerChanged(name: string, listener: CustomerChangeListener): void {
  customerChangeListeners.set(name, listener);
}

export async function customerChanged(organisationId: string, customerId: string): Promise<void> {
  for (const [name, listener] of customerChangeListeners) {
    try {
      await listener(organisationId, customerId);
    } catch (error) {
      console.error(`customer change listener ${name} failed`, error);
    }
  }
}

/** Values that must never link anyone: empty, placeholder and all-zero ids. */
export function isPlaceholderIdentity(value: string | null | undefined): boolean {
  if (value === null || value === undefined) return true;
  const trimmed = value.trim();
  return trimmed === '' || ['null', 'undefined', '-1'].includes(trimmed.toLowerCase()) || /^0+$/.test(trimmed);
}

export type IdentityRef = { kind: IdentityKind; app: string; value: string };

/** Claims an identity for a customer, or returns the customer that already owns it. */
async function claimIdentity(organisationId: string, identity: IdentityRef, customerId: Types.ObjectId) {
  const row = await upsertWithRetry(() =>
    IdentityModel.findOneAndUpdate(
      { organisationId, ...identity },
      { $setOnInsert: { customerId } },
      { upsert: true, returnDocument: 'after' },
    ).lean(),
  );
  return String(row.customerId);
}

async function ownerOf(organisationId: string, identity: IdentityRef): Promise<string | null> {
  const row = await IdentityModel.findOne({ organisationId, ...identity }).lean();
  return row ? resolveCustomerId(organisationId, String(row.customerId)) : null;
}

/**
 * Makes sure the customer row behind a claimed identity exists. The identity may have been claimed by a
 * concurrent request that has not written its customer yet; creating it by id with $setOnInsert is
 * idempotent, so whichever request gets here first creates it.
 */
async function ensureCustomer(organisationId: string, customerId: string, initial: NewCustomer, via: string) {
  const result = await upsertWithRetry(() =>
    CustomerModel.updateOne(
      { _id: customerId },
      { $setOnInsert: { organisationId: new Types.ObjectId(organisationId), kind: initial.kind, name: initial.name } },
      { upsert: true },
    ),
  );
  if (result.upsertedCount === 1) {
    await recordEvent({
      organisationId,
      customerId,
      type: 'profile.created',
      properties: { via },
      source: 'server',
      sourceEventId: `profile.created:${customerId}`,
    });
  }
}

interface NewCustomer {
  kind: CustomerKind;
  name: string | null;
}

/**
 * Records the fact that these identities belong to one person, and returns that person's profile id.
 * Identities nobody owns yet join the profile; if they already belong to different profiles, those are merged
 * (older survives). Placeholder values are ignored. The outcome depends only on the facts, not their order.
 */
export async function linkIdentities(
  organisationId: string,
  identities: IdentityRef[],
  options: { evidence: MergeEvidence['rule']; newCustomer: NewCustomer },
): Promise<string> {
  const real = identities.filter((identity) => !isPlaceholderIdentity(identity.value));
  if (real.length === 0) throw new AppError('VALIDATION_FAILED', 'No usable identity to link');
  const known = (await Promise.all(real.map((identity) => ownerOf(organisationId, identity)))).filter(
    (owner): owner is string => owner !== null,
  );
  const candidate = new Types.ObjectId(known[0] ?? undefined);
  const owners = new Set<string>();
  for (const identity of real) owners.add(await claimIdentity(organisationId, identity, candidate));
  for (const owner of owners) await ensureCustomer(organisationId, owner, options.newCustomer, real[0]!.kind);

  let survivor = [...owners][0]!;
  for (const owner of [...owners].slice(1)) {
    survivor = await mergeCustomers(organisationId, survivor, owner, {
      rule: options.evidence,
      details: {
        identities: real.map(({ kind, app, value }) => ({ kind, app, value: describeIdentityValue(kind, value) })),
      },
    });
  }
  return resolveCustomerId(organisationId, survivor);
}

/** Attaches one identity to an existing profile; if another profile owns it, the two are merged. */
export async function attachIdentity(
  organisationId: string,
  customerId: string,
  identity: IdentityRef,
  evidence: MergeEvidence,
): Promise<string> {
  if (isPlaceholderIdentity(identity.value)) return resolveCustomerId(organisationId, customerId);
  const current = await resolveCustomerId(organisationId, customerId);
  const owner = await claimIdentity(organisationId, identity, new Types.ObjectId(current));
  const resolvedOwner = await resolveCustomerId(organisationId, owner);
  if (resolvedOwner === current) return current;
  return mergeCustomers(organisationId, current, resolvedOwner, evidence);
}

// Phone identities hold a keyed hash; everything else is an id that may be shown in evidence.
function describeIdentityValue(kind: IdentityKind, value: string) {
  return kind === 'phone' ? 'phone#' + value.slice(0, 8) : value;
}

/**
 * Finds or creates the customer a mini-program user signs in as: the openid, and the unionid when WeChat
 * gives one (a unionid links every openid and external contact that carries it).
 */
export async function signInMiniappUser(input: {
  organisationId: string;
  appId: string;
  openid: string;
  unionid?: string | null;
}): Promise<CustomerProfile> {
  const identities: IdentityRef[] = [{ kind: 'miniapp_openid', app: input.appId, value: input.openid }];
  if (input.unionid) identities.push({ kind: 'unionid', app: '', value: input.unionid });
  const customerId = await linkIdentities(input.organisationId, identities, {
    evidence: 'shared_unionid',
    newCustomer: { kind: 'patient', name: null },
  });
  return getCustomer(input.organisationId, customerId);
}

/** A customer of the organisation; a merged-away id answers with the profile it was merged into. */
export async function getCustomer(organisationId: string, customerId: string): Promise<CustomerProfile> {
  const doc = await CustomerModel.findOne({
    _id: await resolveCustomerId(organisationId, customerId),
    organisationId,
  }).lean();
  if (!doc) throw notFound('Customer');
  return toProfile(doc);
}

export async function renameCustomer(organisationId: string, customerId: string, name: string) {
  const doc = await CustomerModel.findOneAndUpdate(
    { _id: await resolveCustomerId(organisationId, customerId), organisationId },
    { $set: { name } },
    { returnDocument: 'after' },
  ).lean();
  if (!doc) throw notFound('Customer');
  return toProfile(doc);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Customers of the organisation, newest first, optionally whose name starts with or contains `q`. */
export async function searchCustomers(
  organisationId: string,
  query: { q?: string; limit: number },
): Promise<CustomerProfile[]> {
  const filter: Record<string, unknown> = { organisationId, mergedInto: null, erasedAt: null };
  if (query.q) filter.name = { $regex: escapeRegExp(query.q), $options: 'i' };
  const docs = await CustomerModel.find(filter).sort({ createdAt: -1, _id: -1 }).limit(query.limit).lean();
  return docs.map(toProfile);
}

/** The customer a WeCom external contact (as seen in the sidebar) is linked to. */
export async function findCustomerByExternalUserId(
  organisationId: string,
  corpId: string,
  externalUserId: string,
): Promise<CustomerProfile> {
  const customerId = await ownerOf(organisationId, {
    kind: 'wecom_external_userid',
    app: corpId,
    value: externalUserId,
  });
  if (!customerId) throw notFound('Customer');
  return getCustomer(organisationId, customerId);
}

/** Creates a customer with the given identities (demo seed, imports); identities already owned are merged. */
export async function createCustomer(input: {
  organisationId: string;
  kind: CustomerKind;
  name: string | null;
  identities: IdentityRef[];
}): Promise<CustomerProfile> {
  const doc = await CustomerModel.create({ organisationId: input.organisationId, kind: input.kind, name: input.name });
  let customerId = String(doc._id);
  await customerChanged(input.organisationId, customerId);
  for (const identity of input.identities) {
    customerId = await attachIdentity(input.organisationId, customerId, identity, {
      rule: 'staff_confirmed',
      details: { import: true },
    });
  }
  return getCustomer(input.organisationId, customerId);
}

/** Every identity of a profile, oldest first. */
export async function listIdentities(organisationId: string, customerId: string) {
  const docs = await IdentityModel.find({
    organisationId,
    customerId: await resolveCustomerId(organisationId, customerId),
  })
    .sort({ createdAt: 1, _id: 1 })
    .lean();
  return docs.map((doc) => ({
    kind: doc.kind as IdentityKind,
    app: doc.app,
    value: doc.value,
    linkedAt: doc.createdAt,
  }));
}

export async function hasIdentityOfKind(organisationId: string, customerId: string, kind: IdentityKind) {
  return Boolean(await IdentityModel.exists({ organisationId, customerId, kind }));
}

/** Sets the name only where the profile has none (a name staff or the customer gave is never overwritten). */
export async function fillMissingName(organisationId: string, customerId: string, name: string) {
  await CustomerModel.updateOne({ _id: customerId, organisationId, name: null }, { $set: { name } });
}

/** Display names of customers by id (for schedules and lists). */
export async function customerNames(organisationId: string, customerIds: string[]) {
  const docs = await CustomerModel.find({ organisationId, _id: { $in: customerIds } }, { name: 1 }).lean();
  return new Map(docs.map((doc) => [String(doc._id), doc.name ?? null]));
}

/** Whether the customer is an HCP an admin recorded as verified (coupons and content restricted to HCPs). */
export async function isVerifiedHcp(organisationId: string, customerId: string): Promise<boolean> {
  const doc = await CustomerModel.findOne(
    { _id: await resolveCustomerId(organisationId, customerId), organisationId },
    { kind: 1, hcp: 1 },
  ).lean();
  return doc?.kind === 'hcp' && doc.hcp?.verification === 'verified';
}

/** Name, kind, masked phone and HCP details of customers by id (meeting attendee lists and exports). */
export async function customerSummaries(organisationId: string, customerIds: string[]) {
  const docs = await CustomerModel.find(
    { organisationId, _id: { $in: customerIds } },
    { name: 1, kind: 1, phone: 1, hcp: 1 },
  ).lean();
  return new Map(
    docs.map((doc) => [
      String(doc._id),
      {
        name: doc.name ?? null,
        kind: doc.kind as CustomerKind,
        phone: doc.phone?.masked ?? null,
        hcp: doc.hcp
          ? {
              hospital: doc.hcp.hospital ?? null,
              department: doc.hcp.department ?? null,
              title: doc.hcp.title ?? null,
              verification: doc.hcp.verification as 'unverified' | 'verified' | 'rejected',
            }
          : null,
      },
    ]),
  );
}

/**
 * Who is responsible for a customer (follow-up tasks' default assignee): the owner staff member, the clinic, and the
 * WeCom member (userid) who most recently added them. A merged-away id answers for its survivor.
 */
export async function customerResponsibility(
  organisationId: string,
  customerId: string,
): Promise<{
  customerId: string;
  ownerStaffId: string | null;
  clinicId: string | null;
  latestFollowerWecomUserId: string | null;
}> {
  const id = await resolveCustomerId(organisationId, customerId);
  const doc = await CustomerModel.findOne({ _id: id, organisationId }, { ownerStaffId: 1, clinicId: 1 }).lean();
  if (!doc) throw notFound('Customer');
  const contacts = await IdentityModel.find(
    { organisationId, customerId: id, kind: 'wecom_external_userid' },
    { value: 1 },
  ).lean();
  const latest = contacts.length
    ? await WecomFollowModel.findOne({ organisationId, externalUserId: { $in: contacts.map((c) => c.value) } })
        .sort({ addedAt: -1, _id: -1 })
        .lean()
    : null;
  return {
    customerId: id,
    ownerStaffId: doc.ownerStaffId ? String(doc.ownerStaffId) : null,
    clinicId: doc.clinicId ? String(doc.clinicId) : null,
    latestFollowerWecomUserId: latest?.staffUserId ?? null,
  };
}

/**
 * Makes `toStaffId` the owner of every customer `fromStaffId` owns (a staff handover); returns how many moved.
 * Idempotent: each customer moves with a conditional update, so a rerun moves only what is left.
 */
export async function transferOwnership(
  organisationId: string,
  fromStaffId: string,
  toStaffId: string,
): Promise<number> {
  const from = new Types.ObjectId(fromStaffId);
  let moved = 0;
  for (;;) {
    const docs = await CustomerModel.find({ organisationId, ownerStaffId: from }, { _id: 1 }).limit(500).lean();
    if (docs.length === 0) return moved;
    let movedNow = 0;
    for (const doc of docs) {
      const result = await CustomerModel.updateOne(
        { _id: doc._id, organisationId, ownerStaffId: from },
        { $set: { ownerStaffId: new Types.ObjectId(toStaffId) } },
      );
      if (result.modifiedCount !== 1) continue;
      movedNow += 1;
      await customerChanged(organisationId, String(doc._id));
    }
    moved += movedNow;
    if (movedNow === 0) return moved;
  }
}

/** The ids of the customers a staff member owns (e.g. for what they may see of the organisation's tasks). */
export async function customerIdsOwnedBy(organisationId: string, staffId: string): Promise<Types.ObjectId[]> {
  const docs = await CustomerModel.find(
    { organisationId, ownerStaffId: new Types.ObjectId(staffId) },
    { _id: 1 },
  ).lean();
  return docs.map((doc) => doc._id);
}

/** The external contacts (external_userid) a WeCom member has, as last synced from WeCom. */
export async function wecomContactsOfStaff(organisationId: string, staffUserId: string): Promise<string[]> {
  const docs = await WecomFollowModel.find({ organisationId, staffUserId }, { externalUserId: 1 })
    .sort({ externalUserId: 1 })
    .lean();
  return docs.map((doc) => doc.externalUserId);
}
