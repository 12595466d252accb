/**
 * What managers see of a journey: for each step (and each way of a branch) how many customers entered, are
 * waiting, passed, skipped, exited and failed, and who (paged, each linking to the customer's 360°); the messages in
 * doubt; and the journeys one customer is in (the sidebar).
 */
import { Types } from 'mongoose';
import type {
  InDoubtExecution,
  JourneyAnalytics,
  JourneyEnrolment,
  JourneyStepStats,
  JourneyStepType,
  StepCustomerState,
} from '@careloop/shared';
import { customerNames } from '../identity/service';
import { resolveCustomerId } from '../identity/merge';
import {
  EnrolmentModel,
  ExecutionModel,
  JourneyModel,
  type EnrolmentDoc,
  type ExecutionDoc,
  type JourneyDoc,
} from './model';
import { journeyCounts, journeyNames, loadDefinition, loadJourney, stepOf } from './definitions';

const oid = (id: string | Types.ObjectId) => (typeof id === 'string' ? new Types.ObjectId(id) : id);

/** Exits at a step that are not the exit step's own passing. */
const EXITED_HERE = { status: 'exited' as const, exitReason: { $ne: 'exit_step' } };

export async function journeyAnalytics(
  organisationId: string,
  journeyId: string,
  version?: number,
): Promise<JourneyAnalytics> {
  const journey = await loadJourney(organisationId, journeyId);
  const versionFilter = version ? { version } : {};
  const executions = await ExecutionModel.aggregate<{
    _id: { stepId: string; stepType: string; status: string; outcome: string | null };
    n: number;
  }>([
    { $match: { journeyId: journey._id, ...versionFilter } },
    {
      $group: {
        _id: { stepId: '$stepId', stepType: '$stepType', status: '$status', outcome: '$outcome' },
        n: { $sum: 1 },
      },
    },
  ]);
  const enrolments = await EnrolmentModel.aggregate<{
    _id: { stepId: string; status: string; exitReason: string | null };
    n: number;
  }>([
    { $match: { journeyId: journey._id, ...versionFilter } },
    { $group: { _id: { stepId: '$stepId', status: '$status', exitReason: '$exitReason' }, n: { $sum: 1 } } },
  ]);

  const definition = await loadDefinition(journeyId, version ?? journey.version);
  const stats = new Map<string, JourneyStepStats>();
  const statsOf = (stepId: string, type: JourneyStepType, name: string | null) => {
    let entry = stats.get(stepId);
    if (!entry) {
      entry = {
        stepId,
        name,
        type,
        entered: 0,
        waiting: 0,
        passed: 0,
        skipped: 0,
        exited: 0,
        failed: 0,
        branches: type === 'branch' ? { yes: 0, no: 0 } : null,
      };
      stats.set(stepId, entry);
    }
    return entry;
  };
  for (const step of definition?.steps ?? []) statsOf(step.id, step.type, step.name ?? null);
  const typeOf = (stepId: string, fallback: string) =>
    (definition && stepOf(definition, stepId)?.type) ?? (fallback as JourneyStepType);

  for (const row of executions) {
    const entry = statsOf(row._id.stepId, typeOf(row._id.stepId, row._id.stepType), null);
    if (row._id.status === 'done') {
      entry.passed += row.n;
      if (entry.branches && (row._id.outcome === 'yes' || row._id.outcome === 'no'))
        entry.branches[row._id.outcome] += row.n;
    } else if (row._id.status === 'skipped' || row._id.status === 'not_sent') entry.skipped += row.n;
  }
  let entered = 0;
  for (const row of enrolments) {
    entered += row.n;
    const entry = stats.get(row._id.stepId) ?? statsOf(row._id.stepId, typeOf(row._id.stepId, 'wait'), null);
    if (row._id.status === 'active') entry.waiting += row.n;
    else if (row._id.status === 'parked') entry.failed += row.n;
    else if (row._id.status === 'exited' && row._id.exitReason !== 'exit_step') entry.exited += row.n;
  }
  for (const entry of stats.values())
    entry.entered = entry.waiting + entry.passed + entry.skipped + entry.exited + entry.failed;

  const counts = (await journeyCounts([journey._id])).get(journeyId)!;
  if (version) {
    const byStatus = Object.fromEntries(['active', 'completed', 'exited', 'parked'].map((status) => [status, 0]));
    for (const row of enrolments) byStatus[row._id.status] = (byStatus[row._id.status] ?? 0) + row.n;
    Object.assign(counts, byStatus, {
      inDoubt: await EnrolmentModel.countDocuments({ journeyId: journey._id, version, state: 'in_doubt' }),
    });
  }
  return { journeyId, version: version ?? null, counts, entered, steps: [...stats.values()] };
}

/** The customers at one step in one state, oldest first, a page at a time. */
export async function stepCustomers(
  organisationId: string,
  journeyId: string,
  stepId: string,
  query: { state: StepCustomerState; version?: number; cursor?: string; limit: number },
) {
  const journey = await loadJourney(organisationId, journeyId);
  const base: Record<string, unknown> = { journeyId: journey._id, ...(query.version && { version: query.version }) };
  if (query.cursor) base._id = { $gt: oid(query.cursor) };
  let rows: {
    id: Types.ObjectId;
    customerId: Types.ObjectId;
    enrolmentId: Types.ObjectId;
    version: number;
    at: Date;
    detail: string | null;
  }[];
  if (query.state === 'passed' || query.state === 'skipped') {
    const docs = await ExecutionModel.find({
      ...base,
      stepId,
      status: query.state === 'passed' ? 'done' : { $in: ['skipped', 'not_sent'] },
    })
      .sort({ _id: 1 })
      .limit(query.limit + 1)
      .lean<ExecutionDoc[]>();
    rows = docs.map((doc) => ({
      id: doc._id,
      customerId: doc.customerId,
      enrolmentId: doc.enrolmentId,
      version: doc.version,
      at: doc.finishedAt ?? doc.startedAt,
      detail: query.state === 'skipped' ? doc.outcome : null,
    }));
  } else {
    const status =
      query.state === 'waiting'
        ? { status: 'active' as const }
        : query.state === 'failed'
          ? { status: 'parked' as const }
          : EXITED_HERE;
    const docs = await EnrolmentModel.find({ ...base, stepId, ...status })
      .sort({ _id: 1 })
      .limit(query.limit + 1)
      .lean<EnrolmentDoc[]>();
    rows = docs.map((doc) => ({
      id: doc._id,
      customerId: doc.customerId,
      enrolmentId: doc._id,
      version: doc.version,
      at: doc.endedAt ?? doc.stepAt,
      detail: query.state === 'failed' ? doc.error : query.state === 'exited' ? doc.exitReason : doc.state,
    }));
  }
  const page = rows.slice(0, query.limit);
  const names = await customerNames(
    organisationId,
    page.map((row) => String(row.customerId)),
  );
  return {
    items: page.map((row) => ({
      customerId: String(row.customerId),
      name: names.get(String(row.customerId)) ?? null,
      enrolmentId: String(row.enrolmentId),
      version: row.version,
      at: row.at.toISOString(),
      detail: row.detail ?? null,
    })),
    nextCursor: rows.length > query.limit ? String(page.at(-1)!.id) : null,
  };
}

export async function listInDoubt(organisationId: string, journeyId?: string): Promise<InDoubtExecution[]> {
  const docs = await ExecutionModel.find({
    organisationId: oid(organisationId),
    status: 'in_doubt',
    ...(journeyId && { journeyId: oid(journeyId) }),
  })
    .sort({ _id: 1 })
    .limit(500)
    .lean<ExecutionDoc[]>();
  const names = await customerNames(
    organisationId,
    docs.map((doc) => String(doc.customerId)),
  );
  const journeys = await journeyNames([...new Set(docs.map((doc) => String(doc.journeyId)))].map(oid));
  return docs.map((doc) => ({
    id: String(doc._id),
    journeyId: String(doc.journeyId),
    journeyName: journeys.get(String(doc.journeyId)) ?? '',
    enrolmentId: String(doc.enrolmentId),
    customerId: String(doc.customerId),
    customerName: names.get(String(doc.customerId)) ?? null,
    stepId: doc.stepId,
    stepType: doc.stepType as JourneyStepType,
    sendingAt: doc.sendingAt?.toISOString() ?? null,
  }));
}

export async function describeEnrolments(docs: EnrolmentDoc[]): Promise<JourneyEnrolment[]> {
  const journeys = new Map(
    (
      await JourneyModel.find(
        { _id: { $in: [...new Set(docs.map((doc) => String(doc.journeyId)))].map(oid) } },
        { name: 1 },
      ).lean<Pick<JourneyDoc, '_id' | 'name'>[]>()
    ).map((doc) => [String(doc._id), doc.name]),
  );
  const items: JourneyEnrolment[] = [];
  for (const doc of docs) {
    const definition = await loadDefinition(String(doc.journeyId), doc.version);
    const step = definition && stepOf(definition, doc.stepId);
    items.push({
      id: String(doc._id),
      journeyId: String(doc.journeyId),
      journeyName: journeys.get(String(doc.journeyId)) ?? '',
      version: doc.version,
      customerId: String(doc.customerId),
      status: doc.status,
      state: doc.state,
      step: step ? { id: step.id, name: step.name ?? null, type: step.type } : null,
      enteredAt: doc.enteredAt.toISOString(),
      dueAt: doc.status === 'active' && doc.state === 'waiting' && doc.dueAt ? doc.dueAt.toISOString() : null,
      endedAt: doc.endedAt?.toISOString() ?? null,
      exitReason: doc.exitReason ?? null,
      error: doc.error ?? null,
    });
  }
  return items;
}

/** The journeys a customer is in or was in, the current ones first, then newest first. */
export async function customerJourneys(organisationId: string, customerId: string): Promise<JourneyEnrolment[]> {
  const current = await resolveCustomerId(organisationId, customerId);
  const docs = await EnrolmentModel.find({ organisationId: oid(organisationId), customerId: oid(current) })
    .sort({ enteredAt: -1, _id: -1 })
    .limit(100)
    .lean<EnrolmentDoc[]>();
  const rank = (doc: EnrolmentDoc) => (doc.status === 'active' || doc.status === 'parked' ? 0 : 1);
  return describeEnrolments([...docs].sort((a, b) => rank(a) - rank(b)));
}

export async function getEnrolment(organisationId: string, journeyId: string, enrolmentId: string) {
  const doc = await EnrolmentModel.findOne({
    _id: oid(enrolmentId),
    journeyId: oid(journeyId),
    organisationId: oid(organisationId),
  }).lean<EnrolmentDoc>();
  return doc ? (await describeEnrolments([doc]))[0]! : null;
}
