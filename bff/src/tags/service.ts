import { Types } from 'mongoose';
import { ignoringDuplicateKeys } from '../db/retry';
import { registerMergeStep } from '../identity/mergeSteps';
import { registerPrivacyContributor } from '../privacy/contributors';
import { CustomerTagModel } from './model';

export type TagSource = 'manual' | 'rule' | 'channel' | 'keyword';

/** Adds a tag (idempotent: an existing tag keeps who set it first). */
export async function addTag(
  organisationId: string,
  customerId: string,
  tag: { name: string; source: TagSource; setBy: string | null },
): Promise<void> {
  await CustomerTagModel.updateOne(
    { organisationId, customerId, name: tag.name },
    { $setOnInsert: { source: tag.source, setBy: tag.setBy, setAt: new Date() } },
    { upsert: true },
  ).catch((error: { code?: number }) => {
    if (error.code !== 11000) throw error; // a concurrent add of the same tag won
  });
}

export async function removeTag(organisationId: string, customerId: string, name: string): Promise<boolean> {
  const result = await CustomerTagModel.deleteOne({ organisationId, customerId, name });
  return result.deletedCount === 1;
}

export async function listTags(organisationId: string, customerId: string) {
  const docs = await CustomerTagModel.find({ organisationId, customerId }).sort({ setAt: 1, name: 1 }).lean();
  return docs.map((doc) => ({ name: doc.name, source: doc.source as TagSource, setBy: doc.setBy, setAt: doc.setAt }));
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
              filter: {
                organisationId: new Types.ObjectId(organisationId),
                customerId: new Types.ObjectId(intoCustomerId),
                name: tag.name,
              },
              update: { $setOnInsert: { source: tag.source, setBy: tag.setBy, setAt: tag.setAt } },
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

registerPrivacyContributor({
  name: 'tags',
  exportData: async ({ organisationId, customerId }) => listTags(organisationId, customerId),
  erase: async ({ organisationId, customerId }) => {
    await CustomerTagModel.deleteMany({ organisationId, customerId });
  },
});
