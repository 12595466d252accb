/**
 * Coupons: templates, claims (stock and per-person limits under concurrency, per OneID), redemption at a clinic,
 * undo, revocation, expiry and the expiring reminder. Importing this module plugs coupons into the merge and into
 * the customer's data export and erasure.
 *
 * A claim is three single-document steps, in this order:
 *   1. insert the coupon as `pending`: the unique (templateId, customerId, slot) index takes one of the person's
 *      places (slot 1 … perPersonLimit) and the unique (organisationId, templateId, requestId) index makes a
 *      retried request meet the first one;
 *   2. take stock: `$inc issued` only while `issued < totalStock` (and not paused), and in the same update list
 *      the coupon in the template's `inFlight`;
 *   3. flip the coupon to `claimed`, record its `coupon.claimed` event, then remove it from `inFlight`.
 * If step 2 finds no stock, the pending coupon is deleted (its place is free again). A crash between steps is
 * repaired by `repairCoupons` (a job) once the claim is stale: a pending coupon whose stock was taken (listed in
 * `inFlight`) is finished, one whose stock was not taken is deleted, and an `inFlight` entry whose coupon no longer
 * exists gives its stock back (`$inc issued -1` and `$pull`, one conditional update, so at most once). So stock is
 * never lost for good, and a coupon never exists without its unit of stock. A claim still in `inFlight` may lack
 * its event: the repair records it before removing the entry.
 *
 * Outbox: every transition appends its timeline event to the coupon's `history` in the same conditional update
 * that changes the state, and sets `eventsPending`. The events are then recorded (idempotent by their
 * deterministic sourceEventId, e.g. `coupon:<id>:redeemed:<n>`); the repair records those a crash left behind.
 */
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { z } from 'zod';
import {
  COUPON_EXPIRING_DAYS,
  REDEMPTION_UNDO_MINUTES,
  type Coupon,
  type CouponEligibility,
  type CouponState,
  type CouponTemplate,
  type CouponValidity,
  type CreateCouponTemplateRequest,
  type UpdateCouponTemplateRequest,
} from '@careloop/shared';
import { AppError, notFound } from '../http/errors';
import { isDuplicateKey } from '../db/retry';
import { registerMergeStep } from '../identity/mergeSteps';
import { resolveCustomerId } from '../identity/merge';
import { isVerifiedHcp } from '../identity/service';
import { registerPrivacyContributor } from '../privacy/contributors';
import { lastEventAt, recordEvent } from '../events/service';
import { hasTag } from '../tags/service';
import { listClinics } from '../organisations/service';
import { listServices } from '../appointments/catalog';
import { staffNamesById } from '../staff/service';
import {
  CouponModel,
  CouponTemplateModel,
  type CouponDoc,
  type CouponHistoryEntry,
  type CouponTemplateDoc,
} from './model';

const DAY_MS = 86_400_000;
/** A claim unfinished this long after it started has crashed (requests time out after 30 s). */
export const CLAIM_STALE_MS = 5 * 60_000;
/** Events of a transition not recorded this long after it are recorded by the repair. */
const EVENTS_STALE_MS = 60_000;
const BATCH = 200;

const oid = (id: string | Types.ObjectId) => new Types.ObjectId(String(id));

export type UpdateCouponTemplate = z.infer<typeof UpdateCouponTemplateRequest>;
type ClaimRefusal = 'OUT_OF_STOCK' | 'LIMIT_REACHED' | 'NOT_ELIGIBLE';

// ---------------------------------------------------------------------------------------------------------------
// Codes

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 16 characters of Crockford base32 from 10 random bytes (80 bits). */
export function newCouponCode(): string {
  let value = 0;
  let bits = 0;
  let code = '';
  for (const byte of randomBytes(10)) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      code += CROCKFORD[(value >>> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return code;
}

// ---------------------------------------------------------------------------------------------------------------
// Templates

function toValidity(doc: CouponTemplateDoc['validity']): CouponValidity {
  return doc.type === 'fixed'
    ? { type: 'fixed', startsAt: doc.startsAt!.toISOString(), endsAt: doc.endsAt!.toISOString() }
    : { type: 'days_after_claim', days: doc.days! };
}

function toEligibility(doc: CouponTemplateDoc['eligibility']): CouponEligibility {
  return doc.type === 'tagged' ? { type: 'tagged', tag: doc.tag ?? '' } : { type: doc.type };
}

function toTemplate(doc: CouponTemplateDoc, redeemed: number): CouponTemplate {
  return {
    id: String(doc._id),
    name: doc.name,
    description: doc.description ?? '',
    kind: doc.kind,
    amountOffFen: doc.amountOffFen ?? null,
    percentOff: doc.percentOff ?? null,
    giftDescription: doc.giftDescription ?? null,
    minSpendFen: doc.minSpendFen ?? 0,
    serviceIds: doc.serviceIds.map(String),
    clinicIds: doc.clinicIds.map(String),
    validity: toValidity(doc.validity),
    totalStock: doc.totalStock,
    perPersonLimit: doc.perPersonLimit,
    eligibility: toEligibility(doc.eligibility),
    stackable: doc.stackable ?? false,
    paused: doc.paused ?? false,
    issued: doc.issued ?? 0,
    redeemed,
    createdAt: doc.createdAt.toISOString(),
  };
}

/** Redeemed coupons per template, counted from the coupons (so never out of step with them). */
async function redeemedCounts(organisationId: string, templateIds: Types.ObjectId[]): Promise<Map<string, number>> {
  if (templateIds.length === 0) return new Map();
  const rows = await CouponModel.aggregate<{ _id: Types.ObjectId; count: number }>([
    { $match: { organisationId: oid(organisationId), templateId: { $in: templateIds }, state: 'redeemed' } },
    { $group: { _id: '$templateId', count: { $sum: 1 } } },
  ]);
  return new Map(rows.map((row) => [String(row._id), row.count]));
}

async function loadTemplate(organisationId: string, templateId: string): Promise<CouponTemplateDoc> {
  if (!Types.ObjectId.isValid(templateId)) throw notFound('Coupon template');
  const doc = await CouponTemplateModel.findOne({ _id: templateId, organisationId }).lean<CouponTemplateDoc>();
  if (!doc) throw notFound('Coupon template');
  return doc;
}

/** Clinics and services a template names must be the organisation's. */
async function checkReferences(organisationId: string, clinicIds: string[], serviceIds: string[]) {
  if (clinicIds.length) {
    const known = new Set((await listClinics(organisationId)).map((clinic) => clinic.id));
    if (!clinicIds.every((id) => known.has(id))) throw notFound('Clinic');
  }
  if (serviceIds.length) {
    const known = new Set((await listServices(organisationId)).map((service) => service.id));
    if (!serviceIds.every((id) => known.has(id))) throw notFound('Service');
  }
}

export async function createCouponTemplate(
  organisationId: string,
  input: CreateCouponTemplateRequest,
  actorStaffId: string,
): Promise<CouponTemplate> {
  await checkReferences(organisationId, input.clinicIds, input.serviceIds);
  const doc = await CouponTemplateModel.create({
    organisationId,
    name: input.name,
    description: input.description,
    kind: input.kind,
    amountOffFen: input.amountOffFen,
    percentOff: input.percentOff,
    giftDescription: input.giftDescription,
    minSpendFen: input.minSpendFen,
    serviceIds: [...new Set(input.serviceIds)],
    clinicIds: [...new Set(input.clinicIds)],
    validity:
      input.validity.type === 'fixed'
        ? { type: 'fixed', startsAt: new Date(input.validity.startsAt), endsAt: new Date(input.validity.endsAt) }
        : { type: 'days_after_claim', days: input.validity.days },
    totalStock: input.totalStock,
    perPersonLimit: input.perPersonLimit,
    eligibility: input.eligibility.type === 'tagged' ? input.eligibility : { type: input.eligibility.type },
    stackable: input.stackable,
    paused: false,
    issued: 0,
    inFlight: [],
    createdBy: Types.ObjectId.isValid(actorStaffId) ? actorStaffId : null,
  });
  return toTemplate(doc.toObject() as CouponTemplateDoc, 0);
}

export async function getCouponTemplate(organisationId: string, templateId: string): Promise<CouponTemplate> {
  const doc = await loadTemplate(organisationId, templateId);
  const redeemed = await redeemedCounts(organisationId, [doc._id]);
  return toTemplate(doc, redeemed.get(String(doc._id)) ?? 0);
}

/** The organisation's templates, newest first. */
export async function listCouponTemplates(organisationId: string): Promise<CouponTemplate[]> {
  const docs = await CouponTemplateModel.find({ organisationId })
    .sort({ createdAt: -1, _id: -1 })
    .limit(500)
    .lean<CouponTemplateDoc[]>();
  const redeemed = await redeemedCounts(
    organisationId,
    docs.map((doc) => doc._id),
  );
  return docs.map((doc) => toTemplate(doc, redeemed.get(String(doc._id)) ?? 0));
}

/** Wording, stock (never below what was issued: checked in the same update) and pausing. */
export async function updateCouponTemplate(
  organisationId: string,
  templateId: string,
  changes: UpdateCouponTemplate,
): Promise<CouponTemplate> {
  const current = await loadTemplate(organisationId, templateId);
  const set: Record<string, unknown> = {};
  for (const field of ['name', 'description', 'totalStock', 'paused'] as const) {
    if (changes[field] !== undefined) set[field] = changes[field];
  }
  const filter: Record<string, unknown> = { _id: current._id, organisationId: current.organisationId };
  if (changes.totalStock !== undefined) filter.issued = { $lte: changes.totalStock };
  const result = await CouponTemplateModel.updateOne(filter, { $set: set });
  if (result.matchedCount === 0) {
    const issued = (await loadTemplate(organisationId, templateId)).issued ?? 0;
    throw new AppError('VALIDATION_FAILED', `Stock cannot go below the ${issued} coupons already issued`, [
      { in: 'body', path: 'totalStock', code: 'too_small', message: `must be at least ${issued}` },
    ]);
  }
  return getCouponTemplate(organisationId, templateId);
}

// ---------------------------------------------------------------------------------------------------------------
// Describing coupons

type TemplateSummary = Coupon['template'];

function toSummary(doc: CouponTemplateDoc): TemplateSummary {
  return {
    id: String(doc._id),
    name: doc.name,
    description: doc.description ?? '',
    kind: doc.kind,
    amountOffFen: doc.amountOffFen ?? null,
    percentOff: doc.percentOff ?? null,
    giftDescription: doc.giftDescription ?? null,
    minSpendFen: doc.minSpendFen ?? 0,
    serviceIds: doc.serviceIds.map(String),
    clinicIds: doc.clinicIds.map(String),
    stackable: doc.stackable ?? false,
  };
}

/** A claimed coupon past its expiry shows as expired even before the expiry job has run. */
function effectiveState(doc: CouponDoc, now: Date): CouponState {
  if (doc.state === 'claimed' && doc.expiresAt.getTime() <= now.getTime()) return 'expired';
  return doc.state as CouponState;
}

function toCoupon(doc: CouponDoc, template: TemplateSummary, now = new Date()): Coupon {
  return {
    id: String(doc._id),
    code: doc.code,
    state: effectiveState(doc, now),
    customerId: String(doc.customerId),
    template,
    campaignId: doc.campaignId ? String(doc.campaignId) : null,
    claimedAt: doc.claimedAt.toISOString(),
    validFrom: doc.validFrom.toISOString(),
    expiresAt: doc.expiresAt.toISOString(),
    redemption: doc.redemption
      ? {
          at: doc.redemption.at.toISOString(),
          clinic: { id: String(doc.redemption.clinicId), name: doc.redemption.clinicName },
          staff: { id: String(doc.redemption.staffId), name: doc.redemption.staffName },
        }
      : null,
    revokedAt: doc.revokedAt?.toISOString() ?? null,
    overLimitAfterMerge: doc.overLimitAfterMerge ?? false,
  };
}

async function describeCoupons(docs: CouponDoc[]): Promise<Coupon[]> {
  const ids = [...new Set(docs.map((doc) => String(doc.templateId)))];
  const templates = ids.length ? await CouponTemplateModel.find({ _id: { $in: ids } }).lean<CouponTemplateDoc[]>() : [];
  const byId = new Map(templates.map((doc) => [String(doc._id), toSummary(doc)]));
  const now = new Date();
  return docs.map((doc) => {
    const template = byId.get(String(doc.templateId));
    if (!template) throw new Error(`coupon ${doc._id}: template ${doc.templateId} missing`);
    return toCoupon(doc, template, now);
  });
}

async function describeCoupon(doc: CouponDoc): Promise<Coupon> {
  return (await describeCoupons([doc]))[0]!;
}

// ---------------------------------------------------------------------------------------------------------------
// Outbox: the timeline events of transitions

function historyEntry(
  doc: Pick<CouponDoc, '_id' | 'templateId' | 'campaignId'>,
  type: string,
  suffix: string,
  at: Date,
  actor: string | null,
  properties: Record<string, unknown> = {},
): CouponHistoryEntry {
  return {
    type,
    sourceEventId: `coupon:${String(doc._id)}:${suffix}`,
    at,
    actor,
    // Every coupon event names its template and campaign, so campaign counters can follow undos and revocations.
    properties: {
      couponId: String(doc._id),
      templateId: String(doc.templateId),
      campaignId: doc.campaignId ? String(doc.campaignId) : null,
      ...properties,
    },
  };
}

async function recordHistoryEvent(organisationId: string, customerId: string, entry: CouponHistoryEntry) {
  await recordEvent({
    organisationId,
    customerId,
    type: entry.type,
    occurredAt: entry.at,
    properties: entry.properties ?? {},
    source: 'server',
    sourceEventId: entry.sourceEventId,
    actor: entry.actor ?? null,
  });
}

/**
 * Records the events of history entries not known to be recorded (idempotent; `all`: every entry), then marks
 * them recorded. The pending mark is cleared only if no newer entry was appended meanwhile (that one's
 * transition records it).
 */
async function flushEvents(couponId: Types.ObjectId, options: { all?: boolean } = {}): Promise<void> {
  const doc = await CouponModel.findById(couponId).lean<CouponDoc>();
  if (!doc || doc.state === 'pending') return;
  const organisationId = String(doc.organisationId);
  const customerId = await resolveCustomerId(organisationId, String(doc.customerId));
  for (const entry of doc.history.slice(options.all ? 0 : (doc.eventsRecorded ?? 0))) {
    await recordHistoryEvent(organisationId, customerId, entry);
  }
  const length = doc.history.length;
  const cleared = await CouponModel.updateOne(
    { _id: doc._id, [`history.${length}`]: { $exists: false } },
    { $set: { eventsPending: false }, $max: { eventsRecorded: length } },
  );
  if (cleared.matchedCount === 0) await CouponModel.updateOne({ _id: doc._id }, { $max: { eventsRecorded: length } });
}

// ---------------------------------------------------------------------------------------------------------------
// Claims

/** What the customer must be for the template, or why not (NOT_ELIGIBLE's details.reason). */
async function eligibilityProblem(
  organisationId: string,
  customerId: string,
  eligibility: CouponTemplateDoc['eligibility'],
): Promise<string | null> {
  switch (eligibility.type) {
    case 'all':
      return null;
    case 'new_customers':
      return (await lastEventAt(organisationId, customerId, ['appointment.arrived', 'payment.paid']))
        ? 'not_new_customer'
        : null;
    case 'tagged':
      return (await hasTag(organisationId, customerId, eligibility.tag ?? '')) ? null : 'missing_tag';
    case 'verified_hcp':
      return (await isVerifiedHcp(organisationId, customerId)) ? null : 'not_verified_hcp';
  }
}

/** The validity of a coupon claimed now. */
function validityFor(template: CouponTemplateDoc, claimedAt: Date): { validFrom: Date; expiresAt: Date } {
  const validity = template.validity;
  if (validity.type === 'fixed') return { validFrom: validity.startsAt!, expiresAt: validity.endsAt! };
  return { validFrom: claimedAt, expiresAt: new Date(claimedAt.getTime() + validity.days! * DAY_MS) };
}

/** The places (slots) the person's coupons of the template take, whatever their state. */
async function usedSlots(templateId: Types.ObjectId, customerId: string): Promise<Set<number>> {
  const docs = await CouponModel.find({ templateId, customerId: oid(customerId) }, { slot: 1 }).lean();
  return new Set(docs.map((doc) => doc.slot));
}

function firstFreeSlot(used: Set<number>, limit: number): number | null {
  for (let slot = 1; slot <= limit; slot += 1) if (!used.has(slot)) return slot;
  return null;
}

/** A free place chosen at random, so one person's concurrent claims rarely race for the same one. */
function anyFreeSlot(used: Set<number>, limit: number): number | null {
  const free: number[] = [];
  for (let slot = 1; slot <= limit; slot += 1) if (!used.has(slot)) free.push(slot);
  return free.length ? free[Math.floor(Math.random() * free.length)]! : null;
}

function refuse(code: ClaimRefusal, details?: Record<string, unknown>): never {
  const messages: Record<ClaimRefusal, string> = {
    OUT_OF_STOCK: 'No coupons of this kind are left',
    LIMIT_REACHED: 'You already hold as many of these coupons as one person may',
    NOT_ELIGIBLE: 'This coupon is not offered to you',
  };
  throw new AppError(code, messages[code], details);
}

/** Why the customer cannot claim the template now (reads only; the claim itself re-checks atomically). */
async function claimRefusal(
  template: CouponTemplateDoc,
  customerId: string,
  now: Date,
  used: Set<number>,
): Promise<{ code: ClaimRefusal; details?: Record<string, unknown> } | null> {
  if (firstFreeSlot(used, template.perPersonLimit) === null) return { code: 'LIMIT_REACHED' };
  const problem = await eligibilityProblem(String(template.organisationId), customerId, template.eligibility);
  if (problem) {
    const tag = template.eligibility.type === 'tagged' ? { tag: template.eligibility.tag } : {};
    return { code: 'NOT_ELIGIBLE', details: { reason: problem, ...tag } };
  }
  if (template.paused) return { code: 'OUT_OF_STOCK', details: { reason: 'paused' } };
  if (validityFor(template, now).expiresAt.getTime() <= now.getTime()) {
    return { code: 'OUT_OF_STOCK', details: { reason: 'validity_ended' } };
  }
  if ((template.issued ?? 0) >= template.totalStock) return { code: 'OUT_OF_STOCK' };
  return null;
}

async function findByRequest(organisationId: string, templateId: Types.ObjectId, requestId: string) {
  return CouponModel.findOne({ organisationId: oid(organisationId), templateId, requestId }).lean<CouponDoc>();
}

/** Gives back the stock a claim took, if it is still listed in flight (so at most once). */
async function releaseStock(templateId: Types.ObjectId, couponId: Types.ObjectId): Promise<boolean> {
  const result = await CouponTemplateModel.updateOne(
    { _id: templateId, 'inFlight.couponId': couponId },
    { $inc: { issued: -1 }, $pull: { inFlight: { couponId } } },
  );
  return result.modifiedCount === 1;
}

/**
 * Step 3: the pending coupon (whose stock was taken) becomes claimed, its `coupon.claimed` event is recorded, and
 * it leaves `inFlight`; false if it no longer exists. The event needs no outbox mark: until it is recorded the
 * claim is still listed in `inFlight`, and the repair records the events of every claim it finds there.
 */
async function finishClaim(coupon: CouponDoc, customerId?: string): Promise<boolean> {
  const flipped = await CouponModel.updateOne(
    { _id: coupon._id, state: 'pending' },
    { $set: { state: 'claimed', eventsRecorded: coupon.history.length } },
  );
  if (flipped.matchedCount === 0 && !(await CouponModel.exists({ _id: coupon._id, state: { $ne: 'pending' } }))) {
    return false;
  }
  const organisationId = String(coupon.organisationId);
  const holder = customerId ?? (await resolveCustomerId(organisationId, String(coupon.customerId)));
  for (const entry of coupon.history) await recordHistoryEvent(organisationId, holder, entry);
  await CouponTemplateModel.updateOne({ _id: coupon.templateId }, { $pull: { inFlight: { couponId: coupon._id } } });
  return true;
}

/** A retried claim answers the first one's coupon, once that one is done. */
async function answerRetry(existing: CouponDoc, customerId: string): Promise<Coupon> {
  const organisationId = String(existing.organisationId);
  let doc: CouponDoc | null = existing;
  for (let wait = 0; doc?.state === 'pending' && wait < 100; wait += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    doc = await CouponModel.findById(existing._id).lean<CouponDoc>();
  }
  if (!doc) throw new AppError('OUT_OF_STOCK', 'No coupons of this kind are left');
  if (doc.state === 'pending') throw new Error(`claim ${existing.requestId} is still in progress`);
  if ((await resolveCustomerId(organisationId, String(doc.customerId))) !== customerId) {
    throw new AppError('VALIDATION_FAILED', 'This requestId was already used for another claim', [
      { in: 'body', path: 'requestId', code: 'already_used', message: 'use a new requestId for a new claim' },
    ]);
  }
  return describeCoupon(doc);
}

/**
 * Issues one coupon of the template to the customer (per OneID: a merged-away id claims for its survivor).
 * Campaign-level checks are the caller's. Throws OUT_OF_STOCK | LIMIT_REACHED | NOT_ELIGIBLE (details.reason) |
 * NOT_FOUND. The same requestId answers the same coupon.
 */
export async function claimCoupon(input: {
  organisationId: string;
  templateId: string;
  customerId: string;
  campaignId: string | null;
  /** Idempotency: the same requestId answers the same coupon. */
  requestId: string;
  now?: Date;
}): Promise<Coupon> {
  const now = input.now ?? new Date();
  const { organisationId, requestId } = input;
  const customerId = await resolveCustomerId(organisationId, input.customerId);
  const template = await loadTemplate(organisationId, input.templateId);
  // A refusal may be wrong for a retry of a claim that succeeded (its coupon fills the place or took the last
  // unit): a retry answers its coupon instead. (A first attempt meets its earlier self at the insert below.)
  const refuseUnlessRetry = async (code: ClaimRefusal, details?: Record<string, unknown>): Promise<Coupon> => {
    const earlier = await findByRequest(organisationId, template._id, requestId);
    return earlier ? answerRetry(earlier, customerId) : refuse(code, details);
  };
  let used = await usedSlots(template._id, customerId);
  const refusal = await claimRefusal(template, customerId, now, used);
  if (refusal) return refuseUnlessRetry(refusal.code, refusal.details);

  // Step 1: a pending coupon on a free place of the person.
  const { validFrom, expiresAt } = validityFor(template, now);
  const attempts = 2 * template.perPersonLimit + 20;
  let coupon: CouponDoc | null = null;
  for (let attempt = 0; !coupon; attempt += 1) {
    if (attempt === attempts) throw new Error(`claim ${requestId}: no free place after ${attempts} attempts`);
    if (attempt > 0) used = await usedSlots(template._id, customerId);
    const slot = anyFreeSlot(used, template.perPersonLimit);
    if (slot === null) return refuseUnlessRetry('LIMIT_REACHED');
    const _id = new Types.ObjectId();
    const claimed = historyEntry(
      { _id, templateId: template._id, campaignId: input.campaignId ? oid(input.campaignId) : null },
      'coupon.claimed',
      'claimed',
      now,
      null,
    );
    const doc = {
      _id,
      organisationId: oid(organisationId),
      templateId: template._id,
      customerId: oid(customerId),
      campaignId: input.campaignId ? oid(input.campaignId) : null,
      code: newCouponCode(),
      state: 'pending' as const,
      requestId,
      slot,
      claimedAt: now,
      validFrom,
      expiresAt,
      history: [claimed],
    };
    try {
      coupon = (await CouponModel.create(doc)).toObject() as CouponDoc;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // The same request racing itself, another claim on the same place, or (astronomically rarely) the code.
      const same = await findByRequest(organisationId, template._id, requestId);
      if (same) return answerRetry(same, customerId);
    }
  }

  // Step 2: one unit of stock, listed as in flight in the same update.
  const took = await CouponTemplateModel.updateOne(
    {
      _id: template._id,
      organisationId: template.organisationId,
      paused: false,
      $expr: { $lt: ['$issued', '$totalStock'] },
      'inFlight.couponId': { $ne: coupon._id },
    },
    { $inc: { issued: 1 }, $push: { inFlight: { couponId: coupon._id, at: new Date() } } },
  );
  if (took.modifiedCount !== 1) {
    await CouponModel.deleteOne({ _id: coupon._id, state: 'pending' });
    const paused = Boolean(await CouponTemplateModel.exists({ _id: template._id, paused: true }));
    refuse('OUT_OF_STOCK', paused ? { reason: 'paused' } : undefined);
  }

  // Step 3.
  if (!(await finishClaim(coupon, customerId))) {
    // The repair took this claim for a crashed one and deleted it (only after CLAIM_STALE_MS): undo step 2.
    await releaseStock(template._id, coupon._id);
    throw new Error(`claim ${requestId} was abandoned half-way; try again`);
  }
  // A merge of the customer that ran meanwhile may have moved their coupons before this one existed.
  const current = await resolveCustomerId(organisationId, customerId);
  if (current !== customerId) {
    await moveCoupons(organisationId, customerId, current);
    return describeCoupon((await CouponModel.findById(coupon._id).lean<CouponDoc>())!);
  }
  return toCoupon({ ...coupon, state: 'claimed' }, toSummary(template), now);
}

/** Whether the customer could claim the template now, why not, how many they hold and how many are left. */
export async function claimability(
  organisationId: string,
  templateId: string,
  customerId: string,
): Promise<{
  possible: boolean;
  reason: 'OUT_OF_STOCK' | 'LIMIT_REACHED' | 'NOT_ELIGIBLE' | null;
  /** What the refusal says further (NOT_ELIGIBLE: the rule missed, `tag` for a tag rule); null when possible. */
  details: Record<string, unknown> | null;
  held: number;
  remaining: number;
}> {
  const resolved = await resolveCustomerId(organisationId, customerId);
  const template = await loadTemplate(organisationId, templateId);
  const [refusal, held] = await Promise.all([
    usedSlots(template._id, resolved).then((used) => claimRefusal(template, resolved, new Date(), used)),
    CouponModel.countDocuments({ templateId: template._id, customerId: oid(resolved), state: { $ne: 'pending' } }),
  ]);
  return {
    possible: refusal === null,
    reason: refusal?.code ?? null,
    details: refusal?.details ?? null,
    held,
    remaining: Math.max(0, template.totalStock - (template.issued ?? 0)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

function stateFilter(state: CouponState | undefined, now: Date): Record<string, unknown> {
  switch (state) {
    case undefined:
      return { state: { $ne: 'pending' } };
    case 'claimed':
      return { state: 'claimed', expiresAt: { $gt: now } };
    case 'expired':
      return { $or: [{ state: 'expired' }, { state: 'claimed', expiresAt: { $lte: now } }] };
    default:
      return { state };
  }
}

/** The customer's coupons, newest first (a claimed coupon past its expiry counts as expired). */
export async function listCustomerCoupons(
  organisationId: string,
  customerId: string,
  state?: CouponState,
): Promise<Coupon[]> {
  const resolved = await resolveCustomerId(organisationId, customerId);
  const docs = await CouponModel.find({
    organisationId: oid(organisationId),
    customerId: oid(resolved),
    ...stateFilter(state, new Date()),
  })
    .sort({ claimedAt: -1, _id: -1 })
    .limit(500)
    .lean<CouponDoc[]>();
  return describeCoupons(docs);
}

async function loadCoupon(organisationId: string, couponId: string): Promise<CouponDoc> {
  if (!Types.ObjectId.isValid(couponId)) throw notFound('Coupon');
  const doc = await CouponModel.findOne({
    _id: couponId,
    organisationId: oid(organisationId),
    state: { $ne: 'pending' },
  }).lean<CouponDoc>();
  if (!doc) throw notFound('Coupon');
  return doc;
}

/** One coupon of the customer's; another customer's answers NOT_FOUND. */
export async function getCustomerCoupon(organisationId: string, customerId: string, couponId: string) {
  const doc = await loadCoupon(organisationId, couponId);
  const resolved = await resolveCustomerId(organisationId, customerId);
  if (String(doc.customerId) !== resolved) throw notFound('Coupon');
  return describeCoupon(doc);
}

/**
 * The organisation's held coupons (claimed, or expired unused) expiring at or after `expiresFrom`, optionally of
 * one template, in (expiresAt, _id) order after the position `after`: for journeys' coupon-expiry key dates.
 */
export async function listCouponsForKeyDates(
  organisationId: string,
  options: {
    templateId?: string | null;
    expiresFrom: Date;
    after?: { expiresAt: Date; id: string } | null;
    limit: number;
  },
): Promise<{ id: string; customerId: string; templateId: string; expiresAt: Date }[]> {
  const filter: Record<string, unknown> = {
    organisationId: oid(organisationId),
    state: { $in: ['claimed', 'expired'] },
    expiresAt: { $gte: options.expiresFrom },
  };
  if (options.templateId) filter.templateId = oid(options.templateId);
  if (options.after) {
    filter.$or = [
      { expiresAt: { $gt: options.after.expiresAt } },
      { expiresAt: options.after.expiresAt, _id: { $gt: oid(options.after.id) } },
    ];
  }
  const docs = await CouponModel.find(filter, { customerId: 1, templateId: 1, expiresAt: 1 })
    .sort({ expiresAt: 1, _id: 1 })
    .limit(options.limit)
    .lean<Pick<CouponDoc, '_id' | 'customerId' | 'templateId' | 'expiresAt'>[]>();
  return docs.map((doc) => ({
    id: String(doc._id),
    customerId: String(doc.customerId),
    templateId: String(doc.templateId),
    expiresAt: doc.expiresAt,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Redemption, undo, revocation

function notRedeemable(reason: string, message: string): AppError {
  return new AppError('COUPON_NOT_REDEEMABLE', message, { reason });
}

/** Why the coupon cannot be redeemed now, or null. */
function redemptionProblem(doc: CouponDoc, now: Date): AppError | null {
  if (doc.state === 'redeemed') return notRedeemable('already_redeemed', 'This coupon has already been used');
  if (doc.state === 'revoked') return notRedeemable('revoked', 'This coupon was withdrawn');
  if (doc.state === 'expired' || doc.expiresAt.getTime() <= now.getTime()) {
    return notRedeemable('expired', 'This coupon has expired');
  }
  if (doc.validFrom.getTime() > now.getTime()) return notRedeemable('not_yet_valid', 'This coupon is not valid yet');
  return null;
}

/**
 * Redeems a coupon at a clinic, once: the update is conditional on the coupon being claimed (and its redemption
 * count unchanged), so of two staff redeeming at once exactly one succeeds; the other gets COUPON_NOT_REDEEMABLE
 * (reason already_redeemed).
 */
export async function redeemCoupon(input: {
  organisationId: string;
  /** The coupon, by id (from the customer's list, then `customerId` must hold it) or by the code shown. */
  coupon: { id: string; customerId?: string } | { code: string };
  clinicId: string;
  staffId: string;
  now?: Date;
}): Promise<Coupon> {
  const now = input.now ?? new Date();
  const { organisationId } = input;
  let doc: CouponDoc;
  if ('code' in input.coupon) {
    const found = await CouponModel.findOne({
      organisationId: oid(organisationId),
      code: input.coupon.code,
      state: { $ne: 'pending' },
    }).lean<CouponDoc>();
    if (!found) throw notFound('Coupon');
    doc = found;
  } else {
    doc = await loadCoupon(organisationId, input.coupon.id);
    if (input.coupon.customerId !== undefined) {
      const holder = await resolveCustomerId(organisationId, input.coupon.customerId);
      if (String(doc.customerId) !== holder) throw notFound('Coupon');
    }
  }
  const template = await loadTemplate(organisationId, String(doc.templateId));
  const clinic = (await listClinics(organisationId)).find((candidate) => candidate.id === input.clinicId);
  if (!clinic) throw notRedeemable('unknown_clinic', 'That clinic is not one of this organisation’s');
  if (template.clinicIds.length && !template.clinicIds.some((id) => String(id) === clinic.id)) {
    throw notRedeemable('clinic_not_allowed', 'This coupon cannot be used at this clinic');
  }
  const staffName = (await staffNamesById(organisationId, [input.staffId])).get(input.staffId) ?? '';

  for (let attempt = 0; attempt < 10; attempt += 1) {
    const problem = redemptionProblem(doc, now);
    if (problem) throw problem;
    const n = (doc.redemptions ?? 0) + 1;
    const redeemed = await CouponModel.updateOne(
      {
        _id: doc._id,
        state: 'claimed',
        redemptions: doc.redemptions ?? 0,
        validFrom: { $lte: now },
        expiresAt: { $gt: now },
      },
      {
        $set: {
          state: 'redeemed',
          redemptions: n,
          redemption: {
            at: now,
            clinicId: oid(clinic.id),
            clinicName: clinic.name,
            staffId: oid(input.staffId),
            staffName,
          },
          eventsPending: true,
        },
        $push: {
          history: historyEntry(doc, 'coupon.redeemed', `redeemed:${n}`, now, input.staffId, { clinicId: clinic.id }),
        },
      },
    );
    if (redeemed.modifiedCount === 1) {
      await flushEvents(doc._id);
      return describeCoupon((await CouponModel.findById(doc._id).lean<CouponDoc>())!);
    }
    doc = (await CouponModel.findById(doc._id).lean<CouponDoc>())!;
  }
  throw new Error(`coupon ${String(doc._id)}: redemption kept racing`);
}

/** A manager undoes a redemption within REDEMPTION_UNDO_MINUTES of it: the coupon is claimed (usable) again. */
export async function undoRedemption(
  organisationId: string,
  couponId: string,
  staffId: string,
  now = new Date(),
): Promise<Coupon> {
  let doc = await loadCoupon(organisationId, couponId);
  const windowStart = new Date(now.getTime() - REDEMPTION_UNDO_MINUTES * 60_000);
  for (let attempt = 0; attempt < 10; attempt += 1) {
    if (doc.state !== 'redeemed' || !doc.redemption) {
      throw new AppError('COUPON_NOT_REDEEMABLE', 'Only a redeemed coupon’s redemption can be undone', {
        reason: 'not_redeemed',
        state: doc.state,
      });
    }
    if (doc.redemption.at.getTime() < windowStart.getTime()) {
      throw new AppError(
        'COUPON_UNDO_WINDOW_PASSED',
        `A redemption can only be undone within ${REDEMPTION_UNDO_MINUTES} minutes`,
      );
    }
    const n = doc.redemptions ?? 0;
    const undone = await CouponModel.updateOne(
      { _id: doc._id, state: 'redeemed', redemptions: n, 'redemption.at': { $gte: windowStart } },
      {
        $set: { state: 'claimed', redemption: null, eventsPending: true },
        $push: { history: historyEntry(doc, 'coupon.redemption_undone', `redemption_undone:${n}`, now, staffId) },
      },
    );
    if (undone.modifiedCount === 1) {
      await flushEvents(doc._id);
      return describeCoupon((await CouponModel.findById(doc._id).lean<CouponDoc>())!);
    }
    doc = await loadCoupon(organisationId, couponId);
  }
  throw new Error(`coupon ${couponId}: undo kept racing`);
}

/** A manager withdraws a claimed coupon. It still counts against stock and the person's limit. */
export async function revokeCoupon(
  organisationId: string,
  couponId: string,
  staffId: string,
  reason: string,
  now = new Date(),
): Promise<Coupon> {
  const doc = await loadCoupon(organisationId, couponId);
  const revoked = await CouponModel.updateOne(
    { _id: doc._id, state: 'claimed' },
    {
      $set: { state: 'revoked', revokedAt: now, revokedReason: reason, revokedBy: oid(staffId), eventsPending: true },
      $push: { history: historyEntry(doc, 'coupon.revoked', 'revoked', now, staffId, { reason }) },
    },
  );
  if (revoked.modifiedCount !== 1) {
    const current = await loadCoupon(organisationId, couponId);
    throw new AppError('COUPON_NOT_REDEEMABLE', `A ${current.state} coupon cannot be revoked`, {
      reason: current.state === 'redeemed' ? 'already_redeemed' : current.state,
    });
  }
  await flushEvents(doc._id);
  return describeCoupon((await CouponModel.findById(doc._id).lean<CouponDoc>())!);
}

// ---------------------------------------------------------------------------------------------------------------
// Jobs: expiry, the expiring reminder, repair

/** Marks claimed coupons past their expiry `expired`, each with its `coupon.expired` event. Idempotent. */
export async function expireCoupons(now = new Date()): Promise<number> {
  let expired = 0;
  for (;;) {
    const batch = await CouponModel.find({ state: 'claimed', expiresAt: { $lte: now } })
      .select({ _id: 1, templateId: 1, campaignId: 1, expiresAt: 1 })
      .limit(BATCH)
      .lean<Pick<CouponDoc, '_id' | 'templateId' | 'campaignId' | 'expiresAt'>[]>();
    for (const doc of batch) {
      const result = await CouponModel.updateOne(
        { _id: doc._id, state: 'claimed', expiresAt: { $lte: now } },
        {
          $set: { state: 'expired', eventsPending: true },
          $push: { history: historyEntry(doc, 'coupon.expired', 'expired', doc.expiresAt, null) },
        },
      );
      if (result.modifiedCount === 1) {
        expired += 1;
        await flushEvents(doc._id);
      }
    }
    if (batch.length < BATCH) return expired;
  }
}

/**
 * Records `coupon.expiring` for claimed coupons expiring within COUPON_EXPIRING_DAYS, once per coupon (the flag
 * is set in the update that appends the event; the event's id is `coupon:<id>:expiring`).
 */
export async function recordExpiringCoupons(now = new Date()): Promise<number> {
  const horizon = new Date(now.getTime() + COUPON_EXPIRING_DAYS * DAY_MS);
  let recorded = 0;
  for (;;) {
    const batch = await CouponModel.find({
      state: 'claimed',
      expiringNotified: false,
      expiresAt: { $gt: now, $lte: horizon },
    })
      .select({ _id: 1, templateId: 1, campaignId: 1, claimedAt: 1, expiresAt: 1 })
      .limit(BATCH)
      .lean<Pick<CouponDoc, '_id' | 'templateId' | 'campaignId' | 'claimedAt' | 'expiresAt'>[]>();
    for (const doc of batch) {
      // When it became "expiring": COUPON_EXPIRING_DAYS before expiry, or its claim if that was later.
      const at = new Date(Math.max(doc.expiresAt.getTime() - COUPON_EXPIRING_DAYS * DAY_MS, doc.claimedAt.getTime()));
      const result = await CouponModel.updateOne(
        { _id: doc._id, state: 'claimed', expiringNotified: false },
        {
          $set: { expiringNotified: true, eventsPending: true },
          $push: {
            history: historyEntry(doc, 'coupon.expiring', 'expiring', at, null, {
              expiresAt: doc.expiresAt.toISOString(),
            }),
          },
        },
      );
      if (result.modifiedCount === 1) {
        recorded += 1;
        await flushEvents(doc._id);
      }
    }
    if (batch.length < BATCH) return recorded;
  }
}

/**
 * Repairs what crashes left half-done (see the top of this file): stale claims are finished or undone, stock
 * held by vanished claims is given back, unrecorded events are recorded. Idempotent; safe on several instances.
 */
export async function repairCoupons(now = new Date()): Promise<{ finished: number; released: number; events: number }> {
  const staleBefore = new Date(now.getTime() - CLAIM_STALE_MS);
  let finished = 0;
  let released = 0;

  const stale = await CouponModel.find({ state: 'pending', createdAt: { $lt: staleBefore } })
    .limit(BATCH)
    .lean<CouponDoc[]>();
  for (const coupon of stale) {
    if (await CouponTemplateModel.exists({ _id: coupon.templateId, 'inFlight.couponId': coupon._id })) {
      if (await finishClaim(coupon)) finished += 1;
    } else {
      await CouponModel.deleteOne({ _id: coupon._id, state: 'pending' });
      // Had the claim taken its stock after the look above, it would be listed now: give it back.
      if (await releaseStock(coupon.templateId, coupon._id)) released += 1;
    }
  }

  const templates = await CouponTemplateModel.find({ 'inFlight.at': { $lt: staleBefore } }, { inFlight: 1 }).lean<
    Pick<CouponTemplateDoc, '_id' | 'inFlight'>[]
  >();
  for (const template of templates) {
    for (const entry of template.inFlight.filter((item) => item.at.getTime() < staleBefore.getTime())) {
      const coupon = await CouponModel.findById(entry.couponId).lean<CouponDoc>();
      if (!coupon) {
        if (await releaseStock(template._id, entry.couponId)) released += 1;
      } else if (coupon.state === 'pending') {
        if (await finishClaim(coupon)) finished += 1;
      } else {
        // Finished but perhaps without its claimed event (step 3 records it before leaving inFlight).
        await flushEvents(coupon._id, { all: true });
        await CouponTemplateModel.updateOne({ _id: template._id }, { $pull: { inFlight: { couponId: coupon._id } } });
      }
    }
  }

  const unrecorded = await CouponModel.find(
    { eventsPending: true, updatedAt: { $lt: new Date(now.getTime() - EVENTS_STALE_MS) } },
    { _id: 1 },
  )
    .limit(BATCH)
    .lean();
  for (const doc of unrecorded) await flushEvents(doc._id);
  return { finished, released, events: unrecorded.length };
}

// ---------------------------------------------------------------------------------------------------------------
// Merge and privacy

/**
 * Moves the coupons of `fromCustomerId` to `intoCustomerId`. Each takes a free place of the survivor within the
 * template's per-person limit; with none left it keeps the coupon on a place above the limit, flagged
 * `overLimitAfterMerge`, and the survivor's places are all taken, so the person can claim no more. Idempotent.
 */
async function moveCoupons(organisationId: string, fromCustomerId: string, intoCustomerId: string): Promise<void> {
  const coupons = await CouponModel.find({ organisationId: oid(organisationId), customerId: oid(fromCustomerId) })
    .sort({ claimedAt: 1, _id: 1 })
    .lean<CouponDoc[]>();
  const limits = new Map<string, number>();
  for (const coupon of coupons) {
    const templateKey = String(coupon.templateId);
    if (!limits.has(templateKey)) {
      const template = await CouponTemplateModel.findById(coupon.templateId, { perPersonLimit: 1 }).lean();
      limits.set(templateKey, template?.perPersonLimit ?? 1);
    }
    const limit = limits.get(templateKey)!;
    for (let attempt = 0; ; attempt += 1) {
      const used = await usedSlots(coupon.templateId, intoCustomerId);
      const free = used.has(coupon.slot) || coupon.slot > limit ? firstFreeSlot(used, limit) : coupon.slot;
      const slot = free ?? Math.max(limit, ...used) + 1;
      try {
        await CouponModel.updateOne(
          { _id: coupon._id, customerId: oid(fromCustomerId) },
          { $set: { customerId: oid(intoCustomerId), slot, ...(free === null && { overLimitAfterMerge: true }) } },
        );
        break;
      } catch (error) {
        // A claim of the survivor took that place meanwhile: look again.
        if (!isDuplicateKey(error) || attempt >= 20) throw error;
      }
    }
  }
}

registerMergeStep({
  name: 'coupons',
  move: ({ organisationId, fromCustomerId, intoCustomerId }) =>
    moveCoupons(organisationId, fromCustomerId, intoCustomerId),
});

registerPrivacyContributor({
  name: 'coupons',
  async exportData({ organisationId, customerId }) {
    const docs = await CouponModel.find({
      organisationId: oid(organisationId),
      customerId: oid(customerId),
      state: { $ne: 'pending' },
    })
      .sort({ claimedAt: 1, _id: 1 })
      .lean<CouponDoc[]>();
    return (await describeCoupons(docs)).map((coupon) => ({
      code: coupon.code,
      name: coupon.template.name,
      state: coupon.state,
      claimedAt: coupon.claimedAt,
      validFrom: coupon.validFrom,
      expiresAt: coupon.expiresAt,
      redemption: coupon.redemption && { at: coupon.redemption.at, clinic: coupon.redemption.clinic.name },
      revokedAt: coupon.revokedAt,
    }));
  },
  // Coupons stay (they count against the template's stock and in the results); usable ones are withdrawn and
  // the free text staff wrote about them goes.
  async erase({ organisationId, customerId }) {
    const filter = { organisationId: oid(organisationId), customerId: oid(customerId) };
    const now = new Date();
    await CouponModel.updateMany(
      { ...filter, state: 'claimed' },
      { $set: { state: 'revoked', revokedAt: now, revokedReason: null, erasedAt: now } },
    );
    await CouponModel.updateMany(
      filter,
      { $set: { revokedReason: null, erasedAt: now, 'history.$[revoked].properties.reason': '' } },
      { arrayFilters: [{ 'revoked.type': 'coupon.revoked' }] },
    );
  },
});
