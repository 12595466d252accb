import { Types } from 'mongoose';
import type { CustomerKind, CustomerProfile } from '@careloop/shared';
import { notFound } from '../http/errors';
import { upsertWithRetry } from '../db/retry';
import { CustomerModel, IdentityModel } from './model';

type IdentityKind = 'miniapp_openid' | 'oa_openid' | 'unionid' | 'wecom_external_userid' | 'phone';

interface CustomerDoc {
  _id: unknown;
  organisationId: unknown;
  kind: string;
  name?: string | null;
  createdAt: Date;
}

function toProfile(doc: CustomerDoc): CustomerProfile {
  return {
    id: String(doc._id),
    organisationId: String(doc.organisationId),
    kind: doc.kind as CustomerKind,
    name: doc.name ?? null,
    createdAt: doc.createdAt.toISOString(),
  };
}

/** Values that must never link anyone: empty, placeholder and all-zero ids. */
export function isPlaceholderIdentity(value: string | null | undefined): boolean {
  if (value === null || value === undefined) return true;
  const trimmed = value.trim();
  return trimmed === '' || ['null', 'undefined', '-1'].includes(trimmed.toLowerCase()) || /^0+$/.test(trimmed);
}

/** Claims an identity for a customer, or returns the customer that already owns it. */
async function claimIdentity(
  organisationId: string,
  identity: { kind: IdentityKind; app: string; value: string },
  customerId: Types.ObjectId,
): Promise<Types.ObjectId> {
  const row = await upsertWithRetry(() =>
    IdentityModel.findOneAndUpdate(
      { organisationId, ...identity },
      { $setOnInsert: { customerId } },
      { upsert: true, returnDocument: 'after' },
    ).lean(),
  );
  return row.customerId;
}

async function ownerOf(organisationId: string, identity: { kind: IdentityKind; app: string; value: string }) {
  const row = await IdentityModel.findOne({ organisationId, ...identity }).lean();
  return row?.customerId ?? null;
}

/**
 * Finds or creates the customer a mini-program user signs in as. The openid row decides; a known unionid
 * makes a new openid join the customer who already has that unionid. (Merging two existing customers is
 * the identity issue's OneID merge.)
 */
export async function signInMiniappUser(input: {
  organisationId: string;
  appId: string;
  openid: string;
  unionid?: string | null;
}): Promise<CustomerProfile> {
  const { organisationId, appId, openid } = input;
  const unionid = isPlaceholderIdentity(input.unionid) ? null : input.unionid!;
  const openidIdentity = { kind: 'miniapp_openid' as const, app: appId, value: openid };
  const unionIdentity = unionid ? { kind: 'unionid' as const, app: '', value: unionid } : null;

  const candidate =
    (await ownerOf(organisationId, openidIdentity)) ??
    (unionIdentity && (await ownerOf(organisationId, unionIdentity))) ??
    new Types.ObjectId();
  const customerId = await claimIdentity(organisationId, openidIdentity, candidate);
  if (unionIdentity) await claimIdentity(organisationId, unionIdentity, customerId);

  // The identity row may have been claimed by a concurrent sign-in whose customer row is not written yet:
  // creating it by id with $setOnInsert is idempotent, so whichever request gets here first creates it.
  const customer = await upsertWithRetry(() =>
    CustomerModel.findOneAndUpdate(
      { _id: customerId },
      { $setOnInsert: { organisationId: new Types.ObjectId(organisationId), kind: 'patient', name: null } },
      { upsert: true, returnDocument: 'after' },
    ).lean(),
  );
  return toProfile(customer);
}

export async function getCustomer(organisationId: string, customerId: string): Promise<CustomerProfile> {
  const doc = await CustomerModel.findOne({ _id: customerId, organisationId }).lean();
  if (!doc) throw notFound('Customer');
  return toProfile(doc);
}

export async function renameCustomer(organisationId: string, customerId: string, name: string) {
  const doc = await CustomerModel.findOneAndUpdate(
    { _id: customerId, organisationId },
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
  const filter: Record<string, unknown> = { organisationId };
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
  return getCustomer(organisationId, String(customerId));
}

/** Creates a customer with the given identities (demo seed, imports). */
export async function createCustomer(input: {
  organisationId: string;
  kind: CustomerKind;
  name: string | null;
  identities: { kind: IdentityKind; app: string; value: string }[];
}): Promise<CustomerProfile> {
  const doc = await CustomerModel.create({
    organisationId: input.organisationId,
    kind: input.kind,
    name: input.name,
  });
  for (const identity of input.identities) {
    await claimIdentity(input.organisationId, identity, doc._id);
  }
  return toProfile(doc.toObject());
}
