import { upsertWithRetry } from '../db/retry';
import { registerMergeStep } from '../identity/mergeSteps';
import { registerPrivacyContributor } from '../privacy/contributors';
import { SubscriptionCreditModel } from './model';

/** Records the templates the customer accepted in one requestSubscribeMessage: one credit each. */
export async function addSubscriptionCredits(organisationId: string, customerId: string, templateIds: string[]) {
  for (const templateId of new Set(templateIds)) {
    await upsertWithRetry(() =>
      SubscriptionCreditModel.updateOne(
        { organisationId, customerId, templateId },
        { $inc: { credits: 1 } },
        { upsert: true },
      ),
    );
  }
}

/** Spends one credit if the customer has one; false when they have none (the message must not be sent). */
export async function spendSubscriptionCredit(organisationId: string, customerId: string, templateId: string) {
  const result = await SubscriptionCreditModel.updateOne(
    { organisationId, customerId, templateId, credits: { $gt: 0 } },
    { $inc: { credits: -1 } },
  );
  return result.modifiedCount === 1;
}

export async function subscriptionCredits(organisationId: string, customerId: string) {
  const docs = await SubscriptionCreditModel.find({ organisationId, customerId }).lean();
  return Object.fromEntries(docs.map((doc) => [doc.templateId, doc.credits]));
}

// Credits add up on the survivor (each was a separate acceptance).
registerMergeStep({
  name: 'subscription-credits',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    const docs = await SubscriptionCreditModel.find({ organisationId, customerId: fromCustomerId }).lean();
    for (const doc of docs) {
      // Delete first, then add: re-running after a crash between the two cannot add the same credits twice,
      // at worst it loses them (a reminder not sent, never one sent without consent).
      const removed = await SubscriptionCreditModel.findOneAndDelete({ _id: doc._id }).lean();
      if (!removed) continue;
      await upsertWithRetry(() =>
        SubscriptionCreditModel.updateOne(
          { organisationId, customerId: intoCustomerId, templateId: doc.templateId },
          { $inc: { credits: removed.credits } },
          { upsert: true },
        ),
      );
    }
  },
});

// The messages the customer allowed: exported; erased with the account (an erased customer is never messaged).
registerPrivacyContributor({
  name: 'subscriptions',
  async exportData({ organisationId, customerId }) {
    const docs = await SubscriptionCreditModel.find({ organisationId, customerId }).lean();
    return docs.map((doc) => ({ templateId: doc.templateId, credits: doc.credits }));
  },
  async erase({ organisationId, customerId }) {
    await SubscriptionCreditModel.deleteMany({ organisationId, customerId });
  },
});
