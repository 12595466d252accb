/**
 * How enrolments end (exit events, by hand, archive, erasure), the timeline events journeys record, and how
 * enrolments follow a customer into a merge (never leaving the survivor twice in one journey) and into the data
 * export and erasure. Importing this module registers the merge step and the privacy contributor.
 */
import { Types } from 'mongoose';
import { recordEvent } from '../events/service';
import { registerMergeStep } from '../identity/mergeSteps';
import { registerPrivacyContributor } from '../privacy/contributors';
import { isDuplicateKey } from '../db/retry';
import {
  ContactLogModel,
  EnrolmentModel,
  ExecutionModel,
  JourneyModel,
  KeyDateModel,
  type ContactLogDoc,
  type EnrolmentDoc,
  type ExecutionDoc,
} from './model';

const oid = (id: string | Types.ObjectId) => (typeof id === 'string' ? new Types.ObjectId(id) : id);

export const activeKeyOf = (journeyId: string | Types.ObjectId, customerId: string | Types.ObjectId) =>
  `${String(journeyId)}:${String(customerId)}`;

/** Records a journey event on the customer's timeline (idempotent by its source id). */
export async function recordJourneyEvent(input: {
  organisationId: string;
  customerId: string;
  type: 'journey.entered' | 'journey.exited' | 'journey.message_sent';
  properties: Record<string, unknown>;
  sourceEventId: string;
  occurredAt: Date;
}): Promise<void> {
  await recordEvent({ ...input, source: 'server' });
}

const journeyNameCache = new Map<string, { name: string; until: number }>();
/** A journey's name (cached a minute), for timeline events. */
export async function journeyName(journeyId: string): Promise<string> {
  const cached = journeyNameCache.get(journeyId);
  if (cached && cached.until > Date.now()) return cached.name;
  const doc = await JourneyModel.findById(journeyId, { name: 1 }).lean<{ name: string }>();
  const name = doc?.name ?? '';
  journeyNameCache.set(journeyId, { name, until: Date.now() + 60_000 });
  return name;
}

export async function recordEnded(
  enrolment: Pick<EnrolmentDoc, '_id' | 'organisationId' | 'journeyId' | 'customerId'>,
  reason: string,
  at: Date,
): Promise<void> {
  await recordJourneyEvent({
    organisationId: String(enrolment.organisationId),
    customerId: String(enrolment.customerId),
    type: 'journey.exited',
    properties: {
      journeyId: String(enrolment.journeyId),
      name: (await journeyName(String(enrolment.journeyId))).slice(0, 100),
      reason,
    },
    sourceEventId: `journey:${String(enrolment._id)}:ended`,
    occurredAt: at,
  });
}

/** The update that ends an enrolment (it frees the customer's place in the journey). */
export function endUpdate(status: 'completed' | 'exited', reason: string, at: Date) {
  return {
    $set: {
      status,
      state: 'ended',
      endedAt: at,
      exitReason: reason,
      dueAt: null,
      leaseOwner: null,
      leaseToken: null,
    },
    $unset: { activeKey: 1 },
  };
}

/** Ends an active (or parked) enrolment; false when it had ended already. Steps under way are not undone. */
export async function exitEnrolment(
  enrolment: Pick<EnrolmentDoc, '_id' | 'organisationId' | 'journeyId' | 'customerId'>,
  reason: string,
  at: Date,
): Promise<boolean> {
  const result = await EnrolmentModel.updateOne(
    { _id: enrolment._id, status: { $in: ['active', 'parked'] } },
    endUpdate('exited', reason, at),
  );
  if (result.modifiedCount !== 1) return false;
  await ExecutionModel.updateMany(
    { enrolmentId: enrolment._id, status: 'retrying' },
    { $set: { status: 'cancelled', finishedAt: at } },
  );
  await recordEnded(enrolment, reason, at);
  return true;
}

/** Ends every enrolment of a journey (archive). */
export async function exitAllOfJourney(journeyId: Types.ObjectId, reason: string): Promise<void> {
  const at = new Date();
  for (;;) {
    const batch = await EnrolmentModel.find({ journeyId, status: { $in: ['active', 'parked'] } })
      .select({ _id: 1, organisationId: 1, journeyId: 1, customerId: 1 })
      .limit(500)
      .lean<EnrolmentDoc[]>();
    if (!batch.length) return;
    for (const enrolment of batch) await exitEnrolment(enrolment, reason, at);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Merge

async function moveEnrolment(enrolment: EnrolmentDoc, intoCustomerId: string): Promise<void> {
  const into = oid(intoCustomerId);
  const active = enrolment.status === 'active' || enrolment.status === 'parked';
  for (let attempt = 0; attempt < 4; attempt++) {
    const entryKey = attempt === 0 ? enrolment.entryKey : `${enrolment.entryKey}~${String(enrolment.customerId)}`;
    const set: Record<string, unknown> = { customerId: into, entryKey };
    if (active) set.activeKey = activeKeyOf(enrolment.journeyId, into);
    try {
      await EnrolmentModel.updateOne({ _id: enrolment._id }, { $set: set });
      return;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      if (active && (await EnrolmentModel.exists({ activeKey: activeKeyOf(enrolment.journeyId, into) }))) {
        // The survivor is in this journey already: this enrolment ends, the survivor's goes on.
        const ended = await EnrolmentModel.updateOne(
          { _id: enrolment._id, status: { $in: ['active', 'parked'] } },
          endUpdate('exited', 'merged', new Date()),
        );
        if (ended.modifiedCount === 1) await recordEnded(enrolment, 'merged', new Date());
        return moveEnrolment({ ...enrolment, status: 'exited' }, intoCustomerId);
      }
    }
  }
  throw new Error(`journeys merge: cannot move enrolment ${String(enrolment._id)}`);
}

async function mergeContactLogs(organisationId: string, fromCustomerId: string, intoCustomerId: string) {
  for (let attempt = 0; attempt < 8; attempt++) {
    const from = await ContactLogModel.findOne({
      organisationId: oid(organisationId),
      customerId: oid(fromCustomerId),
    }).lean<ContactLogDoc>();
    if (!from) return;
    const into = await ContactLogModel.findOne({
      organisationId: oid(organisationId),
      customerId: oid(intoCustomerId),
    }).lean<ContactLogDoc>();
    const keys = new Set((into?.recent ?? []).map((entry) => entry.key));
    const recent = [...(into?.recent ?? []), ...from.recent.filter((entry) => !keys.has(entry.key))];
    if (into) {
      const result = await ContactLogModel.updateOne(
        { _id: into._id, v: into.v },
        { $set: { recent }, $inc: { v: 1 } },
      );
      if (result.matchedCount === 0) continue;
    } else {
      try {
        await ContactLogModel.create({
          organisationId: oid(organisationId),
          customerId: oid(intoCustomerId),
          recent,
          v: 1,
        });
      } catch (error) {
        if (isDuplicateKey(error)) continue;
        throw error;
      }
    }
    await ContactLogModel.deleteOne({ _id: from._id });
    return;
  }
  throw new Error('journeys merge: contact log kept changing');
}

registerMergeStep({
  name: 'journeys',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    const enrolments = await EnrolmentModel.find({
      organisationId: oid(organisationId),
      customerId: oid(fromCustomerId),
    }).lean<EnrolmentDoc[]>();
    for (const enrolment of enrolments) await moveEnrolment(enrolment, intoCustomerId);
    await ExecutionModel.updateMany(
      { organisationId: oid(organisationId), customerId: oid(fromCustomerId) },
      { $set: { customerId: oid(intoCustomerId) } },
    );
    const keyDates = await KeyDateModel.find({
      organisationId: oid(organisationId),
      customerId: oid(fromCustomerId),
    }).lean();
    for (const keyDate of keyDates) {
      try {
        await KeyDateModel.updateOne({ _id: keyDate._id }, { $set: { customerId: oid(intoCustomerId) } });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        await KeyDateModel.deleteOne({ _id: keyDate._id }); // the survivor has the same date scheduled
      }
    }
    await mergeContactLogs(organisationId, fromCustomerId, intoCustomerId);
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Privacy

registerPrivacyContributor({
  name: 'journeys',
  async exportData({ organisationId, customerId }) {
    const filter = { organisationId: oid(organisationId), customerId: oid(customerId) };
    const enrolments = await EnrolmentModel.find(filter).sort({ enteredAt: 1 }).lean<EnrolmentDoc[]>();
    const executions = await ExecutionModel.find(filter).sort({ startedAt: 1 }).lean<ExecutionDoc[]>();
    const names = new Map<string, string>();
    for (const enrolment of enrolments)
      names.set(String(enrolment.journeyId), await journeyName(String(enrolment.journeyId)));
    return enrolments.map((enrolment) => ({
      journey: names.get(String(enrolment.journeyId)) ?? '',
      version: enrolment.version,
      status: enrolment.status,
      enteredAt: enrolment.enteredAt.toISOString(),
      endedAt: enrolment.endedAt?.toISOString() ?? null,
      exitReason: enrolment.exitReason ?? null,
      steps: executions
        .filter((execution) => String(execution.enrolmentId) === String(enrolment._id))
        .map((execution) => ({
          step: execution.stepId,
          type: execution.stepType,
          status: execution.status,
          outcome: execution.outcome ?? null,
          at: (execution.finishedAt ?? execution.startedAt).toISOString(),
        })),
    }));
  },
  // Ends every enrolment (no further step reaches the customer), cancels their key dates and keeps of the step
  // records only what the journey analytics count (step, status, outcome, times).
  async erase({ organisationId, customerId }) {
    const filter = { organisationId: oid(organisationId), customerId: oid(customerId) };
    const now = new Date();
    await EnrolmentModel.updateMany(
      { ...filter, status: { $in: ['active', 'parked'] } },
      { ...endUpdate('exited', 'erased', now), $set: { ...endUpdate('exited', 'erased', now).$set, error: null } },
    );
    await KeyDateModel.updateMany({ ...filter, status: 'scheduled' }, { $set: { status: 'cancelled' } });
    await ExecutionModel.updateMany(filter, { $set: { result: null, lastError: null } });
    await ContactLogModel.deleteMany(filter);
  },
});
