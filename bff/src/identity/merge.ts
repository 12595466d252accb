/**
 * Merging two profiles of one person. Without multi-document transactions a merge is a recorded operation:
 * the merge record is written first (its unique key on the merged profile makes racing merges meet), then the
 * merged profile points at the survivor, then every registered step moves its records, each marked done as it
 * finishes. Every step is idempotent, so a merge interrupted anywhere is finished by running it again
 * (`resumePendingMerges` at start-up).
 */
import { Types } from 'mongoose';
import { isDuplicateKey } from '../db/retry';
import { CustomerModel, IdentityModel, MergeModel } from './model';
import { mergeSteps, registerMergeStep } from './mergeSteps';
import { recordEvent } from '../events/service';

export interface MergeEvidence {
  /** The linking rule that found the two profiles to be one person. */
  rule: 'shared_unionid' | 'verified_phone' | 'staff_confirmed' | 'external_contact_unionid';
  details: Record<string, unknown>;
  actor?: { kind: 'staff' | 'customer' | 'system'; id: string } | null;
}

type MergeRecord = {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  survivorId: Types.ObjectId;
  mergedId: Types.ObjectId;
  stepsDone: string[];
  status: string;
};

// Identities follow their customer; so does the "merged into" pointer of profiles merged earlier into this one.
registerMergeStep({
  name: 'identities',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    await IdentityModel.updateMany(
      { organisationId, customerId: fromCustomerId },
      { $set: { customerId: intoCustomerId } },
    );
    await CustomerModel.updateMany(
      { organisationId, mergedInto: fromCustomerId },
      { $set: { mergedInto: new Types.ObjectId(intoCustomerId) } },
    );
  },
});

/** The profile an id stands for now: itself, or the survivor it was merged into (following chains). */
export async function resolveCustomerId(organisationId: string, customerId: string): Promise<string> {
  let current = customerId;
  for (let hops = 0; hops < 20; hops += 1) {
    const doc = await CustomerModel.findOne({ _id: current, organisationId }, { mergedInto: 1 }).lean();
    if (!doc?.mergedInto) return current;
    current = String(doc.mergedInto);
  }
  throw new Error(`merge chain of ${customerId} is too long`);
}

/** The older profile survives; equal creation times are broken by id, so every caller picks the same one. */
function pickSurvivor(a: { _id: Types.ObjectId; createdAt: Date }, b: { _id: Types.ObjectId; createdAt: Date }) {
  const byAge = a.createdAt.getTime() - b.createdAt.getTime();
  const aFirst = byAge !== 0 ? byAge < 0 : String(a._id) < String(b._id);
  return aFirst ? { survivor: a, merged: b } : { survivor: b, merged: a };
}

/** Merges two profiles found to be one person; returns the survivor's id. Safe to call concurrently. */
export async function mergeCustomers(
  organisationId: string,
  firstId: string,
  secondId: string,
  evidence: MergeEvidence,
): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const [a, b] = await Promise.all([
      resolveCustomerId(organisationId, firstId),
      resolveCustomerId(organisationId, secondId),
    ]);
    if (a === b) return a;
    const docs = await CustomerModel.find({ organisationId, _id: { $in: [a, b] } }, { createdAt: 1 }).lean();
    if (docs.length !== 2) throw new Error(`cannot merge ${a} and ${b}: profile missing`);
    const { survivor, merged } = pickSurvivor(docs[0]!, docs[1]!);
    let record: MergeRecord;
    try {
      record = (
        await MergeModel.create({
          organisationId,
          survivorId: survivor._id,
          mergedId: merged._id,
          evidence: { rule: evidence.rule, details: evidence.details, actor: evidence.actor ?? null },
          status: 'pending',
        })
      ).toObject() as MergeRecord;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Someone else is merging this profile away: help finish that merge, then look again.
      const existing = await MergeModel.findOne({ organisationId, mergedId: merged._id }).lean();
      if (existing) await carryOut(existing as MergeRecord);
      continue;
    }
    await carryOut(record);
    return resolveCustomerId(organisationId, String(survivor._id));
  }
  throw new Error(`merging ${firstId} and ${secondId} kept racing; try again`);
}

/** Carries a recorded merge out from wherever it stopped. */
async function carryOut(record: MergeRecord): Promise<void> {
  const organisationId = String(record.organisationId);
  const survivorId = String(record.survivorId);
  const mergedId = String(record.mergedId);
  const [survivor, merged] = await Promise.all([
    CustomerModel.findById(survivorId).lean(),
    CustomerModel.findById(mergedId).lean(),
  ]);
  if (!survivor || !merged) throw new Error(`merge ${record._id}: profile missing`);

  // Base data the survivor lacks comes from the merged profile; the survivor's own values win.
  const fill: Record<string, unknown> = {};
  for (const field of ['name', 'gender', 'birthday', 'clinicId', 'ownerStaffId', 'hcp', 'phone'] as const) {
    if (survivor[field] == null && merged[field] != null) fill[field] = merged[field];
  }
  if (merged.kind === 'hcp' && survivor.kind !== 'hcp') fill.kind = 'hcp';
  if (Object.keys(fill).length) await CustomerModel.updateOne({ _id: survivorId }, { $set: fill });
  await CustomerModel.updateOne(
    { _id: mergedId, mergedInto: null },
    { $set: { mergedInto: record.survivorId, mergedAt: new Date() } },
  );

  for (const step of mergeSteps()) {
    if (record.stepsDone.includes(step.name)) continue;
    await step.move({ organisationId, fromCustomerId: mergedId, intoCustomerId: survivorId });
    await MergeModel.updateOne({ _id: record._id }, { $addToSet: { stepsDone: step.name } });
  }
  // If the survivor was itself merged away meanwhile, records moved to it after its own merge's steps ran:
  // move them on to where it went (idempotent, like every step).
  for (let target = survivorId; ;) {
    const final = await resolveCustomerId(organisationId, target);
    if (final === target) break;
    for (const step of mergeSteps()) await step.move({ organisationId, fromCustomerId: target, intoCustomerId: final });
    target = final;
  }
  // On the timeline of the profile that now holds both histories; recorded once however often this runs.
  await recordEvent({
    organisationId,
    customerId: await resolveCustomerId(organisationId, survivorId),
    type: 'profile.merged',
    properties: { fromCustomerId: mergedId, intoCustomerId: survivorId },
    source: 'server',
    sourceEventId: `merge:${String(record._id)}`,
  });
  await MergeModel.updateOne(
    { _id: record._id, status: 'pending' },
    { $set: { status: 'done', completedAt: new Date() } },
  );
}

/** Finishes merges a crash left half-done. Run at start-up; safe while other instances run it too. */
export async function resumePendingMerges(): Promise<number> {
  const pending = await MergeModel.find({ status: 'pending' }).sort({ createdAt: 1 }).lean();
  for (const record of pending) await carryOut(record as MergeRecord);
  return pending.length;
}

/** The merges a profile took part in, as survivor or as the merged one, oldest first. */
export async function mergeHistory(organisationId: string, customerId: string) {
  const docs = await MergeModel.find({
    organisationId,
    $or: [{ survivorId: customerId }, { mergedId: customerId }],
  })
    .sort({ createdAt: 1 })
    .lean();
  return docs.map((doc) => ({
    id: String(doc._id),
    survivorId: String(doc.survivorId),
    mergedId: String(doc.mergedId),
    rule: doc.evidence?.rule ?? 'unknown',
    details: (doc.evidence?.details ?? {}) as Record<string, unknown>,
    status: doc.status,
    at: doc.createdAt.toISOString(),
  }));
}
