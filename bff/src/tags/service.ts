/**
 * Tags on customers, the one service every surface and domain goes through. Tags are named: adding by name finds
 * the tag in the organisation's library or creates it there as a static tag (so `name` stays the key callers use,
 * and every tag also has a library id that rules name). Dynamic tags are set and removed only by their rule:
 * adding or removing one by name does nothing here (routes answer TAG_NOT_MANUAL). Every addition and removal
 * is written on the customer's timeline (tag.added / tag.removed, recorded once per addition), updates the
 * customer's facts and re-evaluates the rules that name the tag.
 */
import { Types } from 'mongoose';
import type { CustomerTag } from '@careloop/shared';
import { isDuplicateKey, ignoringDuplicateKeys } from '../db/retry';
import { recordEvent } from '../events/service';
import { registerMergeStep } from '../identity/mergeSteps';
import { registerPrivacyContributor } from '../privacy/contributors';
import { organisationTimeZone } from './clock';
import { deleteFacts, setFactsTag } from './facts';
import { findOrCreateTag, findTagByName } from './library';
import { CustomerTagModel, RuleStateModel, TagDefinitionModel, type TagDefinitionDoc } from './model';
import { onTagsChanged, rebuildCustomer } from './engine';
import { notifyCustomerTagChanged } from './changes';

export type TagSource = 'manual' | 'rule' | 'channel' | 'keyword';

const oid = (id: string) => new Types.ObjectId(id);

async function recordTagEvent(
  organisationId: string,
  customerId: string,
  tag: { _id: unknown; name: string },
  row: { source: string; setBy?: string | null; setAt: Date },
  type: 'tag.added' | 'tag.removed',
) {
  await recordEvent({
    organisationId,
    customerId,
    type,
    occurredAt: type === 'tag.added' ? row.setAt : new Date(),
    properties: { tagId: String(tag._id), name: tag.name, source: row.source },
    source: 'server',
    // One addition (known by when it was set) has one tag.added and at most one tag.removed.
    sourceEventId: `${type}:${String(tag._id)}:${customerId}:${row.setAt.getTime()}`,
    actor: row.source === 'manual' ? (row.setBy ?? null) : null,
  });
}

async function followTagChange(organisationId: string, customerId: string, tagId: string, present: boolean) {
  const timeZone = await organisationTimeZone(organisationId);
  await onTagsChanged(organisationId, await setFactsTag(organisationId, customerId, tagId, present, timeZone));
}

/**
 * Adds a tag by name (idempotent: an existing tag keeps who set it first). Answers whether this call added it;
 * false also for a dynamic tag, which only its rule sets.
 */
export async function addTag(
  organisationId: string,
  customerId: string,
  tag: { name: string; source: TagSource; setBy: string | null },
): Promise<boolean> {
  const definition = await findOrCreateTag(organisationId, tag.name);
  if (definition.kind === 'dynamic' || definition.archivedAt) return false;
  const setAt = new Date();
  let added = false;
  try {
    const result = await CustomerTagModel.updateOne(
      { organisationId, customerId, name: tag.name },
      { $setOnInsert: { tagId: definition._id, source: tag.source, setBy: tag.setBy, setAt } },
      { upsert: true },
    );
    added = result.upsertedCount === 1;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error; // a concurrent add of the same tag won
  }
  const row = await CustomerTagModel.findOne({ organisationId, customerId, name: tag.name }).lean();
  if (!row) return false; // removed meanwhile
  if (!row.tagId) await CustomerTagModel.updateOne({ _id: row._id }, { $set: { tagId: definition._id } });
  // Recorded again on a retry, where the first attempt may have stopped before it: the event is stored once.
  await recordTagEvent(organisationId, customerId, definition, row, 'tag.added');
  await followTagChange(organisationId, customerId, String(definition._id), true);
  if (added) {
    await notifyCustomerTagChanged({
      organisationId,
      customerId,
      tagId: String(definition._id),
      name: definition.name,
      source: tag.source,
      present: true,
      at: row.setAt,
    });
  }
  return added;
}

/** Removes a tag by name; false when the customer has no such tag, or it is a rule tag (its rule decides). */
export async function removeTag(organisationId: string, customerId: string, name: string): Promise<boolean> {
  const row = await CustomerTagModel.findOne({ organisationId, customerId, name }).lean();
  if (!row || row.source === 'rule') return false;
  const result = await CustomerTagModel.deleteOne({ _id: row._id });
  if (result.deletedCount !== 1) return false;
  const definition = row.tagId
    ? await TagDefinitionModel.findById(row.tagId).lean<TagDefinitionDoc>()
    : await findTagByName(organisationId, name);
  if (definition) {
    await recordTagEvent(organisationId, customerId, definition, row, 'tag.removed');
    await followTagChange(organisationId, customerId, String(definition._id), false);
    await notifyCustomerTagChanged({
      organisationId,
      customerId,
      tagId: String(definition._id),
      name: definition.name,
      source: row.source as TagSource,
      present: false,
      at: new Date(),
    });
  }
  return true;
}

/** Whether the customer carries the tag (any source). */
export async function hasTag(organisationId: string, customerId: string, name: string): Promise<boolean> {
  return Boolean(await CustomerTagModel.exists({ organisationId, customerId, name }));
}

export async function listTags(organisationId: string, customerId: string) {
  const docs = await CustomerTagModel.find({ organisationId, customerId }).sort({ setAt: 1, name: 1 }).lean();
  return docs.map((doc) => ({ name: doc.name, source: doc.source as TagSource, setBy: doc.setBy, setAt: doc.setAt }));
}

/** The customer's tags with their library details, oldest first. */
export async function customerTags(organisationId: string, customerId: string): Promise<CustomerTag[]> {
  const rows = await CustomerTagModel.find({ organisationId, customerId }).sort({ setAt: 1, name: 1 }).lean();
  const ids = rows.flatMap((row) => (row.tagId ? [row.tagId] : []));
  const definitions = new Map(
    (await TagDefinitionModel.find({ organisationId, _id: { $in: ids } }).lean<TagDefinitionDoc[]>()).map((doc) => [
      String(doc._id),
      doc,
    ]),
  );
  return rows.map((row) => {
    const definition = row.tagId ? definitions.get(String(row.tagId)) : undefined;
    return {
      tagId: row.tagId ? String(row.tagId) : null,
      name: row.name,
      kind: definition?.kind ?? 'static',
      colour: definition?.colour ?? null,
      groupId: definition?.groupId ? String(definition.groupId) : null,
      source: row.source as TagSource,
      setBy: row.setBy ?? null,
      setAt: row.setAt.toISOString(),
    };
  });
}

/** Removes an archived tag from every customer (no events: the tag itself is gone). */
export async function removeTagEverywhere(organisationId: string, tagId: string): Promise<void> {
  const rows = await CustomerTagModel.find({ organisationId, tagId }, { customerId: 1 }).lean();
  await CustomerTagModel.deleteMany({ organisationId, tagId });
  await RuleStateModel.deleteMany({ organisationId, tagId });
  for (const row of rows) await followTagChange(organisationId, String(row.customerId), tagId, false);
}

// A tag both profiles carry stays once (the earlier setting wins); then the merged profile's tags are gone.
registerMergeStep({
  name: 'tags',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    const tags = await CustomerTagModel.find({ organisationId, customerId: fromCustomerId }).lean();
    if (tags.length) {
      await ignoringDuplicateKeys(
        CustomerTagModel.bulkWrite(
          tags.map((tag) => ({
            updateOne: {
              filter: { organisationId: oid(organisationId), customerId: oid(intoCustomerId), name: tag.name },
              update: {
                $setOnInsert: { tagId: tag.tagId ?? null, source: tag.source, setBy: tag.setBy, setAt: tag.setAt },
              },
              upsert: true,
            },
          })),
          { ordered: false },
        ),
      );
    }
    await CustomerTagModel.deleteMany({ organisationId, customerId: fromCustomerId });
  },
});

// After events and tags moved: the merged profile's facts and rule results go; the survivor's facts are rebuilt
// from everything it now holds, its rule tags brought in line with its own rule results, and every rule
// re-evaluated (transitions from here on are recorded as usual).
registerMergeStep({
  name: 'tag-facts',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    await deleteFacts(organisationId, fromCustomerId);
    await RuleStateModel.deleteMany({ organisationId: oid(organisationId), customerId: oid(fromCustomerId) });
    const holding = await RuleStateModel.find(
      { organisationId: oid(organisationId), customerId: oid(intoCustomerId), holds: true },
      { tagId: 1 },
    ).lean();
    await CustomerTagModel.deleteMany({
      organisationId,
      customerId: intoCustomerId,
      source: 'rule',
      tagId: { $nin: holding.map((state) => state.tagId) },
    });
    await rebuildCustomer(organisationId, intoCustomerId);
  },
});

registerPrivacyContributor({
  name: 'tags',
  exportData: async ({ organisationId, customerId }) => listTags(organisationId, customerId),
  erase: async ({ organisationId, customerId }) => {
    await CustomerTagModel.deleteMany({ organisationId, customerId });
    await RuleStateModel.deleteMany({ organisationId: oid(organisationId), customerId: oid(customerId) });
    await deleteFacts(organisationId, customerId);
  },
});
