/**
 * The tag library: groups and tags per organisation. Tags are named uniquely in the organisation; adding a tag by
 * name finds it in the library or creates it there as a static tag, so every tag on a customer has a library id.
 * Dynamic tags carry a rule (shared/src/tags.ts) that may name other tags; a rule that would depend on itself
 * (directly or through other rules) is refused.
 */
import { Types } from 'mongoose';
import {
  TagRule,
  ruleConditions,
  type CreateTagRequest,
  type RuleCondition,
  type TagDefinition,
  type TagGroup,
  type UpdateTagRequest,
} from '@careloop/shared';
import { AppError, notFound } from '../http/errors';
import { isDuplicateKey } from '../db/retry';
import { CustomerTagModel, RecomputeModel, TagDefinitionModel, TagGroupModel, type TagDefinitionDoc } from './model';
import { ruleDependencies, ruleTagIds } from './specs';
import { toRecompute } from './views';

const oid = (id: string) => new Types.ObjectId(id);
const isId = (id: string) => /^[0-9a-f]{24}$/.test(id);

// ---------------------------------------------------------------------------------------------------------------
// The dynamic tags of an organisation, cached briefly (every event looks them up)

export interface DynamicTag {
  id: string;
  name: string;
  rule: RuleCondition;
  ruleVersion: number;
  /** The facts the rule reads are filled: events may evaluate it. */
  ready: boolean;
  deps: Set<string>;
}

const DYNAMIC_CACHE_MS = 5_000;
const dynamicCache = new Map<string, { tags: Promise<DynamicTag[]>; until: number }>();

export function invalidateDynamicTags(organisationId: string): void {
  dynamicCache.delete(organisationId);
}

export async function dynamicTags(organisationId: string): Promise<DynamicTag[]> {
  const cached = dynamicCache.get(organisationId);
  if (cached && cached.until > Date.now()) return cached.tags;
  // One read for every caller while it is in flight (a burst of events would each read the library otherwise).
  const tags = readDynamicTags(organisationId);
  dynamicCache.set(organisationId, { tags, until: Date.now() + DYNAMIC_CACHE_MS });
  tags.catch(() => {
    if (dynamicCache.get(organisationId)?.tags === tags) dynamicCache.delete(organisationId);
  });
  return tags;
}

async function readDynamicTags(organisationId: string): Promise<DynamicTag[]> {
  const docs = await TagDefinitionModel.find({ organisationId, kind: 'dynamic', archivedAt: null }).lean<
    TagDefinitionDoc[]
  >();
  const tags = docs.map((doc) => {
    const rule = doc.rule as RuleCondition;
    return {
      id: String(doc._id),
      name: doc.name,
      rule,
      ruleVersion: doc.ruleVersion,
      ready: doc.readyVersion === doc.ruleVersion,
      deps: ruleDependencies(rule),
    };
  });
  return tags;
}

export async function dynamicTag(organisationId: string, tagId: string): Promise<DynamicTag | null> {
  return (await dynamicTags(organisationId)).find((tag) => tag.id === tagId) ?? null;
}

/** Names of the organisation's tags by id (explanations). */
export async function tagNames(organisationId: string): Promise<Map<string, string>> {
  const docs = await TagDefinitionModel.find({ organisationId }, { name: 1 }).lean();
  return new Map(docs.map((doc) => [String(doc._id), doc.name]));
}

// ---------------------------------------------------------------------------------------------------------------
// Views

function toGroup(doc: {
  _id: unknown;
  name: string;
  colour?: string | null;
  description?: string | null;
  createdAt: Date;
}): TagGroup {
  return {
    id: String(doc._id),
    name: doc.name,
    colour: doc.colour ?? null,
    description: doc.description ?? '',
    createdAt: doc.createdAt.toISOString(),
  };
}

async function customerCounts(organisationId: string, tagIds: Types.ObjectId[]): Promise<Map<string, number>> {
  if (!tagIds.length) return new Map();
  const rows = await CustomerTagModel.aggregate<{ _id: Types.ObjectId; n: number }>([
    { $match: { organisationId: oid(organisationId), tagId: { $in: tagIds } } },
    { $group: { _id: '$tagId', n: { $sum: 1 } } },
  ]);
  return new Map(rows.map((row) => [String(row._id), row.n]));
}

async function latestRecomputes(tagIds: Types.ObjectId[]) {
  if (!tagIds.length) return new Map();
  const docs = await RecomputeModel.find({ tagId: { $in: tagIds } })
    .sort({ ruleVersion: -1 })
    .lean();
  const latest = new Map<string, (typeof docs)[number]>();
  for (const doc of docs) if (!latest.has(String(doc.tagId))) latest.set(String(doc.tagId), doc);
  return latest;
}

async function toDefinitions(organisationId: string, docs: TagDefinitionDoc[]): Promise<TagDefinition[]> {
  const ids = docs.map((doc) => doc._id);
  const [counts, recomputes] = await Promise.all([
    customerCounts(organisationId, ids),
    latestRecomputes(docs.filter((doc) => doc.kind === 'dynamic').map((doc) => doc._id)),
  ]);
  return docs.map((doc) => ({
    id: String(doc._id),
    groupId: doc.groupId ? String(doc.groupId) : null,
    name: doc.name,
    colour: doc.colour ?? null,
    description: doc.description ?? '',
    kind: doc.kind,
    applyBy: doc.applyBy ?? 'all_staff',
    rule: (doc.rule as RuleCondition | null) ?? null,
    ruleVersion: doc.ruleVersion ?? 0,
    keywords: doc.keywords ?? [],
    customers: counts.get(String(doc._id)) ?? 0,
    recompute: recomputes.has(String(doc._id)) ? toRecompute(recomputes.get(String(doc._id))) : null,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  }));
}

export async function getLibrary(organisationId: string) {
  const [groups, tags] = await Promise.all([
    TagGroupModel.find({ organisationId }).sort({ name: 1 }).lean(),
    TagDefinitionModel.find({ organisationId, archivedAt: null }).sort({ name: 1 }).lean<TagDefinitionDoc[]>(),
  ]);
  return { groups: groups.map(toGroup), tags: await toDefinitions(organisationId, tags) };
}

export async function loadTag(organisationId: string, tagId: string): Promise<TagDefinitionDoc> {
  const doc = isId(tagId)
    ? await TagDefinitionModel.findOne({ _id: tagId, organisationId, archivedAt: null }).lean<TagDefinitionDoc>()
    : null;
  if (!doc) throw notFound('Tag');
  return doc;
}

export async function getTagDefinition(organisationId: string, tagId: string): Promise<TagDefinition> {
  return (await toDefinitions(organisationId, [await loadTag(organisationId, tagId)]))[0]!;
}

export async function findTagByName(organisationId: string, name: string): Promise<TagDefinitionDoc | null> {
  return TagDefinitionModel.findOne({ organisationId, name }).lean<TagDefinitionDoc>();
}

/** The library tag of this name, created as a static tag if the library has none. */
export async function findOrCreateTag(organisationId: string, name: string): Promise<TagDefinitionDoc> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await findTagByName(organisationId, name);
    if (found) return found;
    try {
      return (
        await TagDefinitionModel.create({ organisationId, name, kind: 'static' })
      ).toObject() as unknown as TagDefinitionDoc;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // created concurrently: read it
    }
  }
  throw new Error(`tag ${name} could not be created`);
}

// ---------------------------------------------------------------------------------------------------------------
// Groups

async function checkGroup(organisationId: string, groupId: string | null | undefined) {
  if (groupId && !(await TagGroupModel.exists({ _id: groupId, organisationId }))) throw notFound('Tag group');
}

export async function createGroup(
  organisationId: string,
  input: { name: string; colour?: string | null; description?: string },
): Promise<TagGroup> {
  try {
    return toGroup((await TagGroupModel.create({ organisationId, ...input })).toObject());
  } catch (error) {
    if (isDuplicateKey(error)) throw new AppError('TAG_NAME_TAKEN', `There is already a tag group ${input.name}`);
    throw error;
  }
}

export async function updateGroup(
  organisationId: string,
  groupId: string,
  input: { name?: string; colour?: string | null; description?: string },
): Promise<TagGroup> {
  try {
    const doc = isId(groupId)
      ? await TagGroupModel.findOneAndUpdate(
          { _id: groupId, organisationId },
          { $set: input },
          { returnDocument: 'after' },
        ).lean()
      : null;
    if (!doc) throw notFound('Tag group');
    return toGroup(doc);
  } catch (error) {
    if (isDuplicateKey(error)) throw new AppError('TAG_NAME_TAKEN', `There is already a tag group ${input.name}`);
    throw error;
  }
}

/** Deletes a group; its tags stay in the library, ungrouped. */
export async function deleteGroup(organisationId: string, groupId: string): Promise<void> {
  const result = isId(groupId) ? await TagGroupModel.deleteOne({ _id: groupId, organisationId }) : null;
  if (!result?.deletedCount) throw notFound('Tag group');
  await TagDefinitionModel.updateMany({ organisationId, groupId }, { $set: { groupId: null } });
}

// ---------------------------------------------------------------------------------------------------------------
// Tags

/**
 * Checks a rule against the library: every tag it names exists; for a dynamic tag's rule (`tagId`), no chain of
 * has/lacks-tag conditions leads back to the tag itself, and no selector reads tag events.
 */
export async function checkRule(organisationId: string, rule: RuleCondition, tagId: string | null): Promise<void> {
  TagRule.parse(rule);
  const named = ruleTagIds(rule);
  if (named.length) {
    const found = await TagDefinitionModel.find({
      organisationId,
      _id: { $in: named.filter(isId) },
      archivedAt: null,
    }).lean();
    const missing = named.filter((id) => !found.some((doc) => String(doc._id) === id));
    if (missing.length) {
      throw new AppError('TAG_RULE_INVALID', 'The rule names tags the library does not have', { tagIds: missing });
    }
  }
  if (!tagId) return;
  // A dynamic tag's changes are tag.added / tag.removed events: a rule counting them could feed on itself.
  const selectors = ruleConditions(rule).flatMap((condition) =>
    condition.type === 'count' || condition.type === 'last'
      ? [condition.events]
      : condition.type === 'absence'
        ? [condition.after, condition.none]
        : [],
  );
  if (selectors.some((selector) => selector.types.some((type) => type === 'tag.added' || type === 'tag.removed'))) {
    throw new AppError(
      'TAG_RULE_INVALID',
      'A dynamic tag’s rule reads tags with has/lacks-tag conditions, not tag events',
    );
  }
  const rules = new Map((await dynamicTagsFresh(organisationId)).map((tag) => [tag.id, ruleTagIds(tag.rule)]));
  rules.set(tagId, named);
  const seen = new Set<string>();
  const stack = [...named];
  while (stack.length) {
    const next = stack.pop()!;
    if (next === tagId) {
      throw new AppError('TAG_RULE_INVALID', 'The rule depends on its own tag (through has/lacks-tag conditions)');
    }
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(rules.get(next) ?? []));
  }
}

async function dynamicTagsFresh(organisationId: string) {
  invalidateDynamicTags(organisationId);
  return dynamicTags(organisationId);
}

export async function insertTag(organisationId: string, input: CreateTagRequest): Promise<TagDefinitionDoc> {
  await checkGroup(organisationId, input.groupId);
  const _id = new Types.ObjectId();
  if (input.kind === 'dynamic') await checkRule(organisationId, input.rule!, String(_id));
  try {
    const doc = await TagDefinitionModel.create({
      _id,
      organisationId,
      name: input.name,
      groupId: input.groupId ?? null,
      colour: input.colour ?? null,
      description: input.description ?? '',
      kind: input.kind,
      applyBy: input.applyBy ?? 'all_staff',
      rule: input.kind === 'dynamic' ? input.rule : null,
      ruleVersion: input.kind === 'dynamic' ? 1 : 0,
      keywords: input.keywords ?? [],
    });
    invalidateDynamicTags(organisationId);
    return doc.toObject() as unknown as TagDefinitionDoc;
  } catch (error) {
    if (isDuplicateKey(error)) throw new AppError('TAG_NAME_TAKEN', `The library already has a tag ${input.name}`);
    throw error;
  }
}

/** Applies an edit; answers the tag and whether its rule changed (a new version to recompute). */
export async function editTag(
  organisationId: string,
  tagId: string,
  input: UpdateTagRequest,
): Promise<{ tag: TagDefinitionDoc; ruleChanged: boolean }> {
  const current = await loadTag(organisationId, tagId);
  await checkGroup(organisationId, input.groupId);
  if (input.rule && current.kind !== 'dynamic') {
    throw new AppError('VALIDATION_FAILED', 'Only dynamic tags have a rule', [
      { in: 'body', path: 'rule', code: 'custom', message: 'only dynamic tags have a rule' },
    ]);
  }
  if (input.keywords?.length && current.kind !== 'static') {
    throw new AppError('VALIDATION_FAILED', 'Keywords apply static tags', [
      { in: 'body', path: 'keywords', code: 'custom', message: 'keywords apply static tags' },
    ]);
  }
  const ruleChanged = Boolean(input.rule) && JSON.stringify(input.rule) !== JSON.stringify(current.rule);
  if (ruleChanged) await checkRule(organisationId, input.rule!, tagId);
  const set: Record<string, unknown> = {};
  for (const field of ['name', 'groupId', 'colour', 'description', 'applyBy', 'keywords'] as const) {
    if (input[field] !== undefined) set[field] = input[field];
  }
  if (ruleChanged) set.rule = input.rule;
  let doc: TagDefinitionDoc | null;
  try {
    doc = await TagDefinitionModel.findOneAndUpdate(
      { _id: tagId, organisationId, archivedAt: null },
      { $set: set, ...(ruleChanged && { $inc: { ruleVersion: 1 } }) },
      { returnDocument: 'after' },
    ).lean<TagDefinitionDoc>();
  } catch (error) {
    if (isDuplicateKey(error)) throw new AppError('TAG_NAME_TAKEN', `The library already has a tag ${input.name}`);
    throw error;
  }
  if (!doc) throw notFound('Tag');
  // The name on customers follows the library (idempotent: an interrupted rename is finished by repeating it).
  if (input.name && input.name !== current.name) {
    await CustomerTagModel.updateMany({ organisationId, tagId: doc._id }, { $set: { name: input.name } });
  }
  invalidateDynamicTags(organisationId);
  return { tag: doc, ruleChanged };
}

/** Tags whose rules name this tag (they would break if it went). */
export async function tagsNaming(organisationId: string, tagId: string): Promise<string[]> {
  return (await dynamicTagsFresh(organisationId))
    .filter((tag) => tag.id !== tagId && ruleTagIds(tag.rule).includes(tagId))
    .map((tag) => tag.name);
}

/** Archives a tag: out of the library, its name free again. The caller removes it from customers. */
export async function archiveTagDefinition(organisationId: string, tagId: string): Promise<TagDefinitionDoc> {
  const current = await loadTag(organisationId, tagId);
  const naming = await tagsNaming(organisationId, tagId);
  if (naming.length) {
    throw new AppError('TAG_RULE_INVALID', `Rules of other tags name this tag: ${naming.join(', ')}`, { tags: naming });
  }
  await TagDefinitionModel.updateOne(
    { _id: tagId, organisationId, archivedAt: null },
    { $set: { archivedAt: new Date(), name: `${current.name}\u0000archived\u0000${tagId}` } },
  );
  invalidateDynamicTags(organisationId);
  return current;
}

/** Records that a rule version's facts are filled (events may now evaluate it). */
export async function markRuleReady(organisationId: string, tagId: string, ruleVersion: number): Promise<void> {
  await TagDefinitionModel.updateOne(
    { _id: tagId, organisationId, readyVersion: { $lt: ruleVersion } },
    { $set: { readyVersion: ruleVersion } },
  );
  invalidateDynamicTags(organisationId);
}
