/**
 * Phone numbers of customers. A number WeChat verified (getPhoneNumber) links profiles that share it; a number
 * only typed in never merges anything on its own — anyone can type anyone's number — it raises a possible
 * duplicate for staff to confirm or dismiss.
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { Config } from '@careloop/config';
import { AppError, notFound } from '../http/errors';
import { isDuplicateKey } from '../db/retry';
import { createPhoneVault, isTestPhoneNumber, normalisePhone } from '../privacy/phone';
import type { WechatClient } from '../platform/wechat/client';
import { CustomerModel, DuplicateSuggestionModel, PhoneCodeModel } from './model';
import { mergeCustomers, resolveCustomerId } from './merge';
import { attachIdentity, getCustomer } from './service';
import { recordEvent } from '../events/service';

type PhoneSource = 'wechat_phone_code' | 'typed_by_customer' | 'typed_by_staff';

/** The number behind a getPhoneNumber code, asking WeChat at most once per code. */
const hashCode = (code: string) => createHash('sha256').update(code).digest('hex');

async function phoneFromCode(wechat: WechatClient, organisationId: string, customerId: string, code: string) {
  const codeHash = hashCode(code);
  try {
    await PhoneCodeModel.create({ codeHash, organisationId, customerId, status: 'pending' });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const claimed = await PhoneCodeModel.findOne({ codeHash }).lean();
    if (claimed?.status === 'done' && String(claimed.customerId) === customerId && claimed.ciphertext) {
      return { ciphertext: claimed.ciphertext };
    }
    if (claimed?.status === 'pending') {
      throw new AppError('PHONE_CODE_IN_PROGRESS', 'This phone code is being checked; try again in a moment');
    }
    throw new AppError('PHONE_CODE_INVALID', 'The phone code is invalid, expired or already used');
  }
  try {
    const { phoneNumber } = await wechat.phoneNumberFromCode(code);
    return { phoneNumber };
  } catch (error) {
    if (error instanceof AppError && error.code === 'PHONE_CODE_INVALID') {
      await PhoneCodeModel.updateOne({ codeHash }, { $set: { status: 'failed' } });
    } else {
      await PhoneCodeModel.deleteOne({ codeHash, status: 'pending' }); // not spent: a retry may ask again
    }
    throw error;
  }
}

async function storePhone(
  config: Pick<Config, 'privacy'>,
  organisationId: string,
  customerId: string,
  phone: string,
  source: PhoneSource,
) {
  const vault = createPhoneVault(config);
  const normalised = normalisePhone(phone);
  const stored = {
    ciphertext: vault.encrypt(normalised),
    lookupHash: vault.lookupHash(normalised),
    masked: vault.mask(normalised),
    verified: source === 'wechat_phone_code',
    source,
    updatedAt: new Date(),
  };
  await CustomerModel.updateOne({ _id: customerId, organisationId }, { $set: { phone: stored } });
  return stored;
}

/**
 * Verifies the signed-in customer's phone with a getPhoneNumber code. The verified number becomes an identity:
 * a profile that already has it is the same person, and the two are merged.
 */
export async function verifyPhoneWithCode(
  deps: { config: Pick<Config, 'privacy'>; wechat: WechatClient },
  organisationId: string,
  customerId: string,
  code: string,
) {
  let current = await resolveCustomerId(organisationId, customerId);
  const result = await phoneFromCode(deps.wechat, organisationId, current, code);
  const vault = createPhoneVault(deps.config);
  const phone = 'phoneNumber' in result ? normalisePhone(result.phoneNumber) : vault.decrypt(result.ciphertext);
  if ('phoneNumber' in result) {
    await PhoneCodeModel.updateOne(
      { codeHash: hashCode(code) },
      { $set: { status: 'done', ciphertext: vault.encrypt(phone) } },
    );
  }
  if (!isTestPhoneNumber(phone)) {
    current = await attachIdentity(
      organisationId,
      current,
      { kind: 'phone', app: '', value: vault.lookupHash(phone) },
      { rule: 'verified_phone', details: { phone: vault.mask(phone) }, actor: { kind: 'customer', id: customerId } },
    );
  }
  await storePhone(deps.config, organisationId, current, phone, 'wechat_phone_code');
  await raiseDuplicatesForPhone(organisationId, current, phone, vault.lookupHash(phone));
  await recordEvent({
    organisationId,
    customerId: current,
    type: 'phone.verified',
    properties: { via: 'wechat_phone_code' },
    source: 'wechat',
    sourceEventId: `phone.verified:${hashCode(code)}`,
  });
  return getCustomer(organisationId, current);
}

/** Records a typed-in phone; it never links or merges by itself, but raises possible duplicates. */
export async function setTypedPhone(
  config: Pick<Config, 'privacy'>,
  organisationId: string,
  customerId: string,
  phone: string,
  source: 'typed_by_customer' | 'typed_by_staff',
) {
  const current = await resolveCustomerId(organisationId, customerId);
  const existing = await CustomerModel.findOne({ _id: current, organisationId }, { phone: 1 }).lean();
  if (!existing) throw notFound('Customer');
  const vault = createPhoneVault(config);
  const normalised = normalisePhone(phone);
  // A verified number is not replaced by a typed one.
  if (existing.phone?.verified && existing.phone.lookupHash !== vault.lookupHash(normalised)) {
    throw new AppError('VALIDATION_FAILED', 'This customer has a phone number verified by WeChat');
  }
  if (!existing.phone?.verified) await storePhone(config, organisationId, current, normalised, source);
  await raiseDuplicatesForPhone(organisationId, current, normalised, vault.lookupHash(normalised));
  return getCustomer(organisationId, current);
}

async function raiseDuplicatesForPhone(organisationId: string, customerId: string, phone: string, lookupHash: string) {
  if (isTestPhoneNumber(phone)) return; // placeholders are shared by strangers: never a sign of one person
  const others = await CustomerModel.find(
    { organisationId, 'phone.lookupHash': lookupHash, _id: { $ne: customerId }, mergedInto: null },
    { _id: 1 },
  ).lean();
  for (const other of others) {
    const ids = [customerId, String(other._id)].sort();
    await DuplicateSuggestionModel.updateOne(
      { organisationId, pairKey: ids.join(':') },
      { $setOnInsert: { customerIds: ids.map((id) => new Types.ObjectId(id)), reason: 'same_phone', status: 'open' } },
      { upsert: true },
    ).catch((error: unknown) => {
      if (!isDuplicateKey(error)) throw error;
    });
  }
}

/** Open possible duplicates of a customer, with the other profile. */
export async function openDuplicates(organisationId: string, customerId: string) {
  const current = await resolveCustomerId(organisationId, customerId);
  const suggestions = await DuplicateSuggestionModel.find({
    organisationId,
    customerIds: current,
    status: 'open',
  }).lean();
  const result = [];
  for (const suggestion of suggestions) {
    const otherId = suggestion.customerIds.map(String).find((id) => id !== current);
    if (!otherId) continue;
    const other = await getCustomer(organisationId, otherId);
    if (other.id === current) continue; // merged meanwhile
    result.push({ id: String(suggestion._id), reason: suggestion.reason, other });
  }
  return result;
}

/** Staff decide on a possible duplicate: confirming merges the two profiles (staff-confirmed match). */
export async function decideDuplicate(
  organisationId: string,
  suggestionId: string,
  decision: 'confirm' | 'dismiss',
  staffId: string,
) {
  const suggestion = await DuplicateSuggestionModel.findOneAndUpdate(
    { _id: suggestionId, organisationId, status: 'open' },
    { $set: { status: decision === 'confirm' ? 'confirmed' : 'dismissed', decidedBy: staffId, decidedAt: new Date() } },
    { returnDocument: 'after' },
  ).lean();
  if (!suggestion) throw notFound('Open duplicate suggestion');
  const [first, second] = suggestion.customerIds.map(String) as [string, string];
  if (decision === 'dismiss') return { survivorId: null };
  const survivorId = await mergeCustomers(organisationId, first, second, {
    rule: 'staff_confirmed',
    details: { suggestionId, reason: suggestion.reason },
    actor: { kind: 'staff', id: staffId },
  });
  return { survivorId };
}

/** The full number, for roles allowed to reveal it (the caller audits the reveal). */
export async function revealPhone(config: Pick<Config, 'privacy'>, organisationId: string, customerId: string) {
  const current = await resolveCustomerId(organisationId, customerId);
  const doc = await CustomerModel.findOne({ _id: current, organisationId }, { phone: 1 }).lean();
  if (!doc) throw notFound('Customer');
  if (!doc.phone) throw notFound('Phone number');
  return { phone: createPhoneVault(config).decrypt(doc.phone.ciphertext), verified: doc.phone.verified };
}

/**
 * Names and full numbers of many customers at once (a batch of journey message steps; the caller audits). Answers
 * only the ids found in the organisation and not merged away (the caller resolves the others one by one, e.g. with
 * revealPhone); phone null when the customer has none. Read by `_id` alone, the organisation checked here, so the
 * read is one index lookup per id on every server.
 */
export async function revealContacts(
  config: Pick<Config, 'privacy'>,
  organisationId: string,
  customerIds: readonly string[],
): Promise<Map<string, { name: string | null; phone: string | null }>> {
  const contacts = new Map<string, { name: string | null; phone: string | null }>();
  if (!customerIds.length) return contacts;
  const docs = await CustomerModel.find(
    { _id: { $in: [...new Set(customerIds)].map((id) => new Types.ObjectId(id)) } },
    { organisationId: 1, name: 1, phone: 1, mergedInto: 1 },
  ).lean();
  const vault = createPhoneVault(config);
  for (const doc of docs) {
    if (String(doc.organisationId) !== organisationId || doc.mergedInto) continue;
    contacts.set(String(doc._id), {
      name: doc.name ?? null,
      phone: doc.phone?.ciphertext ? vault.decrypt(doc.phone.ciphertext) : null,
    });
  }
  return contacts;
}
