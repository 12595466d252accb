/**
 * Journeys and their versions: create, edit (a new version once the journey was ever enabled, so customers inside
 * finish on the version they entered), enable, pause, resume, archive; the checks a definition needs beyond its
 * schema (the segment, coupon template, staff and tags it names exist; the cron schedule parses); and the caches
 * the engine reads definitions through.
 */
import { Types } from 'mongoose';
import {
  journeyGraphIssues,
  JourneyDefinition,
  type CreateJourneyRequest,
  type Journey,
  type JourneyCounts,
  type JourneyStep,
  type JourneySummary,
  type JourneyValidation,
  type JourneyVersion,
  type RuleCondition,
  type UpdateJourneyRequest,
} from '@careloop/shared';
import { AppError, notFound } from '../http/errors';
import { isDuplicateKey } from '../db/retry';
import { getCouponTemplate } from '../coupons/service';
import { getActiveStaff } from '../staff/service';
import { checkRule } from '../tags/library';
import { segmentRule } from '../tags/forJourneys';
import { selectorMatcher } from '../tags/specs';
import {
  EnrolmentModel,
  JourneyModel,
  JourneyVersionModel,
  KeyDateModel,
  type JourneyDoc,
  statusLogPush,
  type JourneyVersionDoc,
} from './model';
import { cronProblem, nextCronRun } from './schedule';
import { journeyNow, journeyTimeZone } from './runtime';

const oid = (id: string | Types.ObjectId) => (typeof id === 'string' ? new Types.ObjectId(id) : id);

type Issue = { stepId: string | null; path: string; message: string };

function invalid(issues: Issue[]): never {
  throw new AppError('JOURNEY_INVALID', issues.map((issue) => issue.message).join('; '), issues);
}

// ---------------------------------------------------------------------------------------------------------------
// Checks beyond the schema

async function ruleIssue(organisationId: string, rule: RuleCondition, stepId: string | null, path: string) {
  try {
    await checkRule(organisationId, rule, null);
    return null;
  } catch (error) {
    if (error instanceof AppError) return { stepId, path, message: error.message };
    throw error;
  }
}

/** What in a (schema-valid) definition does not hold in the organisation: each problem points at its step. */
export async function definitionIssues(organisationId: string, definition: JourneyDefinition): Promise<Issue[]> {
  const issues: Issue[] = [];
  const timeZone = await journeyTimeZone(organisationId);
  const { entry } = definition;
  if (entry.kind === 'one_off' || entry.kind === 'periodic') {
    if ('segmentId' in entry.audience) {
      if (!(await segmentRule(organisationId, entry.audience.segmentId))) {
        issues.push({ stepId: null, path: 'entry.audience.segmentId', message: 'no such segment' });
      }
    } else {
      const issue = await ruleIssue(organisationId, entry.audience.rule, null, 'entry.audience.rule');
      if (issue) issues.push(issue);
    }
  }
  if (entry.kind === 'periodic') {
    const problem = cronProblem(entry.cron, timeZone);
    if (problem) issues.push({ stepId: null, path: 'entry.cron', message: `the schedule: ${problem}` });
  }
  if (entry.kind === 'key_date' && entry.date.kind === 'coupon_expiry' && entry.date.templateId) {
    await getCouponTemplate(organisationId, entry.date.templateId).catch(() =>
      issues.push({ stepId: null, path: 'entry.date.templateId', message: 'no such coupon template' }),
    );
  }
  for (const [index, step] of definition.steps.entries()) {
    const at = (field: string) => `steps.${index}.${field}`;
    if (step.type === 'issue_coupon') {
      await getCouponTemplate(organisationId, step.couponTemplateId).catch(() =>
        issues.push({ stepId: step.id, path: at('couponTemplateId'), message: 'no such coupon template' }),
      );
    }
    const staffId =
      step.type === 'create_task' ? step.assigneeStaffId : step.type === 'notify_staff' ? step.staffId : null;
    if (staffId) {
      await getActiveStaff(organisationId, staffId).catch(() =>
        issues.push({
          stepId: step.id,
          path: at(step.type === 'create_task' ? 'assigneeStaffId' : 'staffId'),
          message: 'no such staff member',
        }),
      );
    }
    if (step.type === 'branch' && step.condition.kind === 'rule') {
      const issue = await ruleIssue(organisationId, step.condition.rule, step.id, at('condition.rule'));
      if (issue) issues.push(issue);
    }
  }
  return issues;
}

/** Checks a definition the builder has not saved yet: the schema, the graph, and what it names. */
export async function validateDefinition(organisationId: string, raw: unknown): Promise<JourneyValidation> {
  const parsed = JourneyDefinition.safeParse(raw);
  if (!parsed.success) {
    const steps = Array.isArray((raw as { steps?: unknown } | null)?.steps) ? (raw as { steps: unknown[] }).steps : [];
    return {
      valid: false,
      issues: parsed.error.issues.map((issue) => {
        const index = issue.path[0] === 'steps' && typeof issue.path[1] === 'number' ? issue.path[1] : null;
        const stepId = index !== null ? ((steps[index] as { id?: unknown } | undefined)?.id ?? null) : null;
        return {
          stepId: typeof stepId === 'string' ? stepId : null,
          path: issue.path.map(String).join('.'),
          message: issue.message,
        };
      }),
    };
  }
  const issues = await definitionIssues(organisationId, parsed.data);
  return { valid: issues.length === 0, issues };
}

async function requireValid(organisationId: string, definition: JourneyDefinition): Promise<void> {
  // The schema already checked the graph; checked again here for definitions built in code (templates).
  const graph = journeyGraphIssues(definition).map((issue) => ({ ...issue, path: issue.path.join('.') }));
  const issues = [...graph, ...(await definitionIssues(organisationId, definition))];
  if (issues.length) invalid(issues);
}

// ---------------------------------------------------------------------------------------------------------------
// Caches for the engine

const versionCache = new Map<string, JourneyDefinition>();

/** A version's definition (published versions never change, so they are kept; a draft's is read each time). */
export async function loadDefinition(journeyId: string, version: number): Promise<JourneyDefinition | null> {
  const key = `${journeyId}:${version}`;
  const cached = versionCache.get(key);
  if (cached) return cached;
  const doc = await JourneyVersionModel.findOne({ journeyId: oid(journeyId), version }).lean<JourneyVersionDoc>();
  if (!doc) return null;
  const definition = JourneyDefinition.parse(doc.definition);
  if (doc.publishedAt) versionCache.set(key, definition);
  return definition;
}

export function stepOf(definition: JourneyDefinition, stepId: string): JourneyStep | undefined {
  return definition.steps.find((step) => step.id === stepId);
}

type Matcher = (type: string, properties: Record<string, unknown>) => boolean;

/** A journey as the event subscriber sees it: live or paused, with its live definition and matchers. */
export interface ActiveJourney {
  id: string;
  organisationId: string;
  name: string;
  status: 'live' | 'paused';
  liveVersion: number;
  definition: JourneyDefinition;
  entryMatcher: Matcher | null;
  /** Event types that end an enrolment in any of the journey's versions. */
  exitTypes: Set<string>;
}

const activeCache = new Map<string, { until: number; journeys: Promise<ActiveJourney[]> }>();
const ACTIVE_TTL_MS = 5_000;

export function invalidateJourneyCaches(organisationId: string): void {
  activeCache.delete(organisationId);
}

/** Which events enter a version (triggered entries) or carry its key date (event dates); null for the others. */
export function entryMatcher(definition: JourneyDefinition): ActiveJourney['entryMatcher'] {
  const { entry } = definition;
  if (entry.kind === 'triggered') return selectorMatcher({ types: [entry.event], where: entry.where });
  if (entry.kind === 'key_date' && entry.date.kind === 'event') {
    return selectorMatcher({ types: [entry.date.event], where: entry.date.where });
  }
  return null;
}

async function loadActiveJourneys(organisationId: string): Promise<ActiveJourney[]> {
  const docs = await JourneyModel.find({
    organisationId: oid(organisationId),
    status: { $in: ['live', 'paused'] },
  }).lean<JourneyDoc[]>();
  const journeys: ActiveJourney[] = [];
  for (const doc of docs) {
    if (doc.liveVersion === null) continue;
    const definition = await loadDefinition(String(doc._id), doc.liveVersion);
    if (!definition) continue;
    const exitTypes = new Set<string>();
    for (let version = 1; version <= doc.version; version++) {
      const old = version === doc.liveVersion ? definition : await loadDefinition(String(doc._id), version);
      for (const filter of old?.exitOn ?? []) exitTypes.add(filter.event);
    }
    journeys.push({
      id: String(doc._id),
      organisationId,
      name: doc.name,
      status: doc.status as 'live' | 'paused',
      liveVersion: doc.liveVersion,
      definition,
      entryMatcher: entryMatcher(definition),
      exitTypes,
    });
  }
  return journeys;
}

/** The organisation's live and paused journeys (cached a few seconds; this instance's changes clear it). */
export async function activeJourneys(organisationId: string): Promise<ActiveJourney[]> {
  const cached = activeCache.get(organisationId);
  if (cached && cached.until > Date.now()) return cached.journeys;
  const journeys = loadActiveJourneys(organisationId);
  activeCache.set(organisationId, { until: Date.now() + ACTIVE_TTL_MS, journeys });
  journeys.catch(() => activeCache.delete(organisationId));
  return journeys;
}

// ---------------------------------------------------------------------------------------------------------------
// Views

export async function journeyCounts(journeyIds: Types.ObjectId[]): Promise<Map<string, JourneyCounts>> {
  const rows = await EnrolmentModel.aggregate<{
    _id: { journeyId: Types.ObjectId; status: string; state: string };
    n: number;
  }>([
    { $match: { journeyId: { $in: journeyIds } } },
    { $group: { _id: { journeyId: '$journeyId', status: '$status', state: '$state' }, n: { $sum: 1 } } },
  ]);
  const counts = new Map<string, JourneyCounts>();
  for (const id of journeyIds) counts.set(String(id), { active: 0, completed: 0, exited: 0, parked: 0, inDoubt: 0 });
  for (const row of rows) {
    const entry = counts.get(String(row._id.journeyId));
    if (!entry) continue;
    const status = row._id.status as keyof JourneyCounts;
    if (status in entry) entry[status] += row.n;
    if (row._id.state === 'in_doubt') entry.inDoubt += row.n;
  }
  return counts;
}

const emptyCounts: JourneyCounts = { active: 0, completed: 0, exited: 0, parked: 0, inDoubt: 0 };

function toSummary(doc: JourneyDoc, counts: JourneyCounts): JourneySummary {
  return {
    id: String(doc._id),
    name: doc.name,
    description: doc.description ?? '',
    status: doc.status,
    entryKind: doc.entryKind,
    version: doc.version,
    liveVersion: doc.liveVersion ?? null,
    templateKey: doc.templateKey ?? null,
    counts,
    createdBy: doc.createdBy ?? null,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

export async function loadJourney(organisationId: string, journeyId: string): Promise<JourneyDoc> {
  const doc = await JourneyModel.findOne({
    _id: oid(journeyId),
    organisationId: oid(organisationId),
  }).lean<JourneyDoc>();
  if (!doc) throw notFound('Journey');
  return doc;
}

export async function describeJourney(doc: JourneyDoc): Promise<Journey> {
  const definition = await JourneyVersionModel.findOne({
    journeyId: doc._id,
    version: doc.version,
  }).lean<JourneyVersionDoc>();
  if (!definition) throw new AppError('INTERNAL', 'The journey’s latest version is missing');
  const counts = (await journeyCounts([doc._id])).get(String(doc._id)) ?? emptyCounts;
  return {
    ...toSummary(doc, counts),
    definition: JourneyDefinition.parse(definition.definition),
    nextRunAt: doc.nextRunAt?.toISOString() ?? null,
  };
}

export async function getJourney(organisationId: string, journeyId: string): Promise<Journey> {
  return describeJourney(await loadJourney(organisationId, journeyId));
}

export async function listJourneys(organisationId: string): Promise<JourneySummary[]> {
  const docs = await JourneyModel.find({ organisationId: oid(organisationId) })
    .sort({ createdAt: -1, _id: -1 })
    .limit(500)
    .lean<JourneyDoc[]>();
  const counts = await journeyCounts(docs.map((doc) => doc._id));
  return docs.map((doc) => toSummary(doc, counts.get(String(doc._id)) ?? emptyCounts));
}

export async function listVersions(organisationId: string, journeyId: string): Promise<JourneyVersion[]> {
  const journey = await loadJourney(organisationId, journeyId);
  const docs = await JourneyVersionModel.find({ journeyId: journey._id })
    .sort({ version: -1 })
    .lean<JourneyVersionDoc[]>();
  const active = await EnrolmentModel.aggregate<{ _id: number; n: number }>([
    { $match: { journeyId: journey._id, status: 'active' } },
    { $group: { _id: '$version', n: { $sum: 1 } } },
  ]);
  const byVersion = new Map(active.map((row) => [row._id, row.n]));
  return docs
    .filter((doc) => doc.version <= journey.version)
    .map((doc) => ({
      journeyId: String(doc.journeyId),
      version: doc.version,
      definition: JourneyDefinition.parse(doc.definition),
      createdBy: doc.createdBy ?? null,
      createdAt: doc.createdAt.toISOString(),
      active: byVersion.get(doc.version) ?? 0,
    }));
}

export async function getVersion(organisationId: string, journeyId: string, version: number): Promise<JourneyVersion> {
  const found = (await listVersions(organisationId, journeyId)).find((item) => item.version === version);
  if (!found) throw notFound('Journey version');
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// Schedules

/** When a journey's entry schedule first runs after it is enabled at `now` (null: entries come from events). */
export async function firstRunAt(
  organisationId: string,
  definition: JourneyDefinition,
  now: Date,
): Promise<Date | null> {
  const { entry } = definition;
  if (entry.kind === 'one_off') return entry.at ? new Date(entry.at) : now;
  if (entry.kind === 'periodic') return nextCronRun(entry.cron, await journeyTimeZone(organisationId), now);
  if (entry.kind === 'key_date' && entry.date.kind === 'birthday') return now;
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Changes

export async function createJourney(
  organisationId: string,
  input: CreateJourneyRequest & { templateKey?: string | null },
  staffId: string | null,
): Promise<Journey> {
  await requireValid(organisationId, input.definition);
  const journeyId = new Types.ObjectId();
  // The version first: a crash before the journey leaves only an unreachable version row.
  await JourneyVersionModel.create({
    organisationId: oid(organisationId),
    journeyId,
    version: 1,
    definition: input.definition,
    createdBy: staffId,
  });
  const doc = await JourneyModel.create({
    _id: journeyId,
    organisationId: oid(organisationId),
    name: input.name,
    description: input.description ?? '',
    status: 'draft',
    version: 1,
    liveVersion: null,
    versionPublished: false,
    entryKind: input.definition.entry.kind,
    templateKey: input.templateKey ?? null,
    createdBy: staffId,
  });
  return describeJourney(doc.toObject() as JourneyDoc);
}

const conflict = (message: string) => new AppError('JOURNEY_STATE_CONFLICT', message);

export async function updateJourney(
  organisationId: string,
  journeyId: string,
  input: UpdateJourneyRequest,
  staffId: string,
): Promise<Journey> {
  const journey = await loadJourney(organisationId, journeyId);
  if (journey.status === 'archived') throw conflict('An archived journey cannot be edited');
  if (input.expectedVersion !== undefined && input.expectedVersion !== journey.version) {
    throw conflict(`The journey is at version ${journey.version} now; reload it and edit again`);
  }
  const set: Record<string, unknown> = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.description !== undefined) set.description = input.description;
  const filter = { _id: journey._id, version: journey.version };
  if (input.definition) {
    const definition = input.definition;
    await requireValid(organisationId, definition);
    set.entryKind = definition.entry.kind;
    if (!journey.versionPublished) {
      const replaced = await JourneyVersionModel.updateOne(
        { journeyId: journey._id, version: journey.version, publishedAt: null },
        { $set: { definition, createdBy: staffId } },
      );
      if (replaced.matchedCount !== 1) throw new AppError('INTERNAL', 'The journey’s version is missing');
      versionCache.delete(`${journeyId}:${journey.version}`);
    } else {
      const version = journey.version + 1;
      try {
        await JourneyVersionModel.create({
          organisationId: journey.organisationId,
          journeyId: journey._id,
          version,
          definition,
          createdBy: staffId,
          publishedAt: new Date(),
        });
      } catch (error) {
        if (isDuplicateKey(error)) throw conflict('Someone saved a new version meanwhile; reload it and edit again');
        throw error;
      }
      set.version = version;
      // New customers enter the new version at once (a paused journey's, when it resumes).
      set.liveVersion = version;
      set.versionPublished = true;
      const now = journeyNow();
      const previous = await loadDefinition(journeyId, journey.version);
      const scheduleChanged = JSON.stringify(previous?.entry) !== JSON.stringify(definition.entry);
      if (scheduleChanged && !(definition.entry.kind === 'one_off' && journey.lastRunKey === 'oneoff')) {
        set.nextRunAt = await firstRunAt(organisationId, definition, now);
      }
    }
  }
  const result = await JourneyModel.updateOne(filter, { $set: set, ...statusLogPush(set) });
  if (result.matchedCount !== 1) throw conflict('Someone changed the journey meanwhile; reload it and edit again');
  invalidateJourneyCaches(organisationId);
  return getJourney(organisationId, journeyId);
}

async function transition(
  organisationId: string,
  journeyId: string,
  from: JourneyDoc['status'][],
  to: JourneyDoc['status'],
  extra: (journey: JourneyDoc) => Promise<Record<string, unknown>> = async () => ({}),
): Promise<JourneyDoc> {
  const journey = await loadJourney(organisationId, journeyId);
  if (!from.includes(journey.status)) {
    throw conflict(`A ${journey.status} journey cannot become ${to}`);
  }
  const set = { status: to, ...(await extra(journey)) };
  const result = await JourneyModel.updateOne(
    { _id: journey._id, status: journey.status, version: journey.version },
    { $set: set, ...statusLogPush(set) },
  );
  if (result.matchedCount !== 1) throw conflict('Someone changed the journey meanwhile; try again');
  invalidateJourneyCaches(organisationId);
  return loadJourney(organisationId, journeyId);
}

/** A draft goes live: its latest version is the one customers enter from now on. */
export async function enableJourney(organisationId: string, journeyId: string): Promise<Journey> {
  const doc = await transition(organisationId, journeyId, ['draft'], 'live', async (journey) => {
    const definition = await loadDefinition(journeyId, journey.version);
    if (!definition) throw new AppError('INTERNAL', 'The journey’s version is missing');
    await requireValid(organisationId, definition);
    const now = journeyNow();
    // Published first: a crash before the journey goes live leaves a draft whose version can no longer change.
    await JourneyVersionModel.updateOne(
      { journeyId: journey._id, version: journey.version, publishedAt: null },
      { $set: { publishedAt: now } },
    );
    return {
      liveVersion: journey.version,
      versionPublished: true,
      enabledAt: now,
      nextRunAt: await firstRunAt(organisationId, definition, now),
    };
  });
  return describeJourney(doc);
}

/** No one enters and no step runs while paused; due steps run when it resumes. */
export async function pauseJourney(organisationId: string, journeyId: string): Promise<Journey> {
  const doc = await transition(organisationId, journeyId, ['live'], 'paused');
  await EnrolmentModel.updateMany(
    { journeyId: doc._id, status: 'active', state: 'waiting' },
    { $set: { state: 'held' } },
  );
  return describeJourney(doc);
}

export async function resumeJourney(organisationId: string, journeyId: string): Promise<Journey> {
  const doc = await transition(organisationId, journeyId, ['paused'], 'live');
  await EnrolmentModel.updateMany(
    { journeyId: doc._id, status: 'active', state: 'held' },
    { $set: { state: 'waiting' } },
  );
  return describeJourney(doc);
}

/** Ends the journey for good: everyone inside exits, scheduled key dates are cancelled. */
export async function archiveJourney(
  organisationId: string,
  journeyId: string,
  exitAll: (journeyId: Types.ObjectId, reason: string) => Promise<void>,
): Promise<Journey> {
  const doc = await transition(organisationId, journeyId, ['draft', 'live', 'paused'], 'archived', async () => ({
    nextRunAt: null,
  }));
  await KeyDateModel.updateMany({ journeyId: doc._id, status: 'scheduled' }, { $set: { status: 'cancelled' } });
  await exitAll(doc._id, 'archived');
  return describeJourney(doc);
}

/** Journey names by id. */
export async function journeyNames(ids: Types.ObjectId[]): Promise<Map<string, string>> {
  const docs = await JourneyModel.find({ _id: { $in: ids } }, { name: 1 }).lean<Pick<JourneyDoc, '_id' | 'name'>[]>();
  return new Map(docs.map((doc) => [String(doc._id), doc.name]));
}
