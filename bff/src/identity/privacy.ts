/** The identity domain's part of a customer's data export and erasure. */
import type { Config } from '@careloop/config';
import { createPhoneVault } from '../privacy/phone';
import { registerPrivacyContributor } from '../privacy/contributors';
import { CustomerModel, DuplicateSuggestionModel, IdentityModel, PhoneCodeModel, WecomFollowModel } from './model';
import { mergeHistory } from './merge';

export function registerIdentityPrivacy(config: Pick<Config, 'privacy'>): void {
  registerPrivacyContributor({
    name: 'profile',
    async exportData({ organisationId, customerId }) {
      const doc = await CustomerModel.findOne({ _id: customerId, organisationId }).lean();
      if (!doc) return null;
      const identities = await IdentityModel.find({ organisationId, customerId }).lean();
      return {
        kind: doc.kind,
        name: doc.name,
        gender: doc.gender,
        birthday: doc.birthday,
        hcp: doc.hcp,
        // The customer's own number, in full: it is their data.
        phone: doc.phone
          ? { number: createPhoneVault(config).decrypt(doc.phone.ciphertext), verified: doc.phone.verified }
          : null,
        identities: identities
          .filter((identity) => identity.kind !== 'phone')
          .map((identity) => ({ kind: identity.kind, app: identity.app, value: identity.value })),
        merges: await mergeHistory(organisationId, customerId),
        createdAt: doc.createdAt,
      };
    },
    // The profile stays as an anonymous row (aggregate counts keep their customer); everything that identifies
    // the person goes, so signing in again starts a new, unrelated profile.
    async erase({ organisationId, customerId }) {
      const identities = await IdentityModel.find({ organisationId, customerId }).lean();
      const externalIds = identities.filter((i) => i.kind === 'wecom_external_userid').map((i) => i.value);
      await CustomerModel.updateOne(
        { _id: customerId, organisationId },
        {
          $set: {
            name: null,
            gender: null,
            birthday: null,
            hcp: null,
            phone: null,
            ownerStaffId: null,
            erasedAt: new Date(),
          },
        },
      );
      await IdentityModel.deleteMany({ organisationId, customerId });
      if (externalIds.length)
        await WecomFollowModel.deleteMany({ organisationId, externalUserId: { $in: externalIds } });
      await PhoneCodeModel.deleteMany({ organisationId, customerId });
      await DuplicateSuggestionModel.deleteMany({ organisationId, customerIds: customerId });
    },
  });
}
