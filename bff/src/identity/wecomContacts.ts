/**
 * WeCom external contacts: which customer each one is, and which staff members have them. Synced from WeCom
 * (never taken from the client): per staff member on demand and periodically, and for one contact when the
 * sidebar meets a contact it does not know yet.
 */
import type { ExternalContact, WecomClient } from '../platform/wecom/client';
import type { WecomCallbackHandler } from '../platform/wecom/callbacks';
import { AppError, notFound } from '../http/errors';
import { ignoringDuplicateKeys } from '../db/retry';
import { recordEvent } from '../events/service';
import { findOrganisationByPlatform } from '../organisations/service';
import { WecomFollowModel } from './model';
import { fillMissingName, findCustomerByExternalUserId, linkIdentities, type IdentityRef } from './service';

/** Links an external contact to its customer (by unionid when WeCom gives one) and records who follows them. */
export async function recordExternalContact(organisationId: string, corpId: string, contact: ExternalContact) {
  const identities: IdentityRef[] = [{ kind: 'wecom_external_userid', app: corpId, value: contact.externalUserId }];
  if (contact.unionid) identities.push({ kind: 'unionid', app: '', value: contact.unionid });
  const customerId = await linkIdentities(organisationId, identities, {
    evidence: 'external_contact_unionid',
    newCustomer: { kind: 'patient', name: contact.name || null },
  });
  // A profile without a name takes the one the customer has on WeChat.
  if (contact.name) await fillMissingName(organisationId, customerId, contact.name);
  if (contact.follows.length) {
    await ignoringDuplicateKeys(
      WecomFollowModel.bulkWrite(
        contact.follows.map((follow) => ({
          updateOne: {
            filter: { organisationId, externalUserId: contact.externalUserId, staffUserId: follow.userid },
            update: { $setOnInsert: { addedAt: follow.addedAt, state: follow.state } },
            upsert: true,
          },
        })),
        { ordered: false },
      ),
    );
  }
  return customerId;
}

/** Syncs every external contact of the given staff members; returns how many contact-follows were seen. */
export async function syncStaffContacts(
  wecom: WecomClient,
  organisationId: string,
  staffUserIds: string[],
): Promise<number> {
  let seen = 0;
  for (let i = 0; i < staffUserIds.length; i += 100) {
    for await (const page of wecom.externalContactsOfMembers(staffUserIds.slice(i, i + 100))) {
      for (const contact of page) await recordExternalContact(organisationId, wecom.corpId, contact);
      seen += page.length;
    }
  }
  return seen;
}

/**
 * The customer behind the sidebar's current external contact, for a staff member who has that contact —
 * checked against WeCom when the relationship is not known yet. Managers and admins may open any contact
 * of the organisation.
 */
export async function customerForStaffContact(
  wecom: WecomClient,
  organisationId: string,
  staff: { wecomUserId: string; roles: string[] },
  externalUserId: string,
) {
  const mayOpenAny = staff.roles.includes('admin') || staff.roles.includes('manager');
  const follows = await WecomFollowModel.exists({ organisationId, externalUserId, staffUserId: staff.wecomUserId });
  if (!follows) {
    const contact = await wecom.externalContact(externalUserId);
    if (contact) await recordExternalContact(organisationId, wecom.corpId, contact);
    const followsNow = contact?.follows.some((follow) => follow.userid === staff.wecomUserId) ?? false;
    if (!followsNow && !mayOpenAny) throw notFound('Customer');
  }
  return findCustomerByExternalUserId(organisationId, wecom.corpId, externalUserId);
}

/** The staff members (WeCom user ids) who have any of these external contacts. */
export async function followersOf(organisationId: string, externalUserIds: string[]) {
  const docs = await WecomFollowModel.find({ organisationId, externalUserId: { $in: externalUserIds } }).lean();
  return docs.map((doc) => ({
    externalUserId: doc.externalUserId,
    staffUserId: doc.staffUserId,
    addedAt: doc.addedAt,
  }));
}

/**
 * When a mini-program user with a unionid signs in, asks WeCom whether they are already an external contact
 * of the corp and, if so, links that contact to them now rather than at the next sync.
 */
export async function linkWecomContactOfUnionid(
  wecom: WecomClient,
  organisationId: string,
  person: { unionid: string; openid: string },
): Promise<boolean> {
  const externalUserId = await wecom.externalUserIdForUnionid(person.unionid, person.openid);
  if (!externalUserId) return false;
  const contact = await wecom.externalContact(externalUserId);
  if (!contact) return false;
  // WeCom may omit the unionid from the contact itself; we know it from the conversion.
  await recordExternalContact(organisationId, wecom.corpId, { ...contact, unionid: contact.unionid ?? person.unionid });
  return true;
}

/** A staff member no longer has this external contact (they deleted the customer, or the customer deleted them). */
export async function removeWecomFollow(organisationId: string, externalUserId: string, staffUserId: string) {
  const result = await WecomFollowModel.deleteOne({ organisationId, externalUserId, staffUserId });
  return result.deletedCount === 1;
}

const ADDED = new Set(['add_external_contact', 'add_half_external_contact']);
const REMOVED = new Set(['del_external_contact', 'del_follow_user']);

/**
 * The identity domain's part of WeCom's change_external_contact callbacks (first in wecomCallbackHandlers, so later
 * handlers find the customer linked). Added (or edited): the contact is fetched from WeCom and linked to OneID;
 * an addition also goes on the timeline as `wecom.contact_added` (staffId = the member's WeCom userid, state = the
 * contact-me code's state). Removed: the follow is dropped and `wecom.contact_removed` recorded. Idempotent: the
 * events are keyed by the queue item.
 */
export const identityWecomCallbackHandler: WecomCallbackHandler = {
  name: 'identity',
  async handle(event, { wecom }) {
    if (event.event !== 'change_external_contact' || !event.externalUserId || !event.changeType) return;
    const organisation = await findOrganisationByPlatform({ wecomCorpId: wecom.corpId });
    const sourceEventId = `wecom-callback:${event.id}`;

    if (ADDED.has(event.changeType) || event.changeType === 'edit_external_contact') {
      const contact = await wecom.externalContact(event.externalUserId);
      // Deleted again since: the del_* callback that follows says so.
      if (!contact) return;
      const customerId = await recordExternalContact(organisation.id, wecom.corpId, contact);
      if (!ADDED.has(event.changeType)) return;
      await recordEvent({
        organisationId: organisation.id,
        customerId,
        type: 'wecom.contact_added',
        occurredAt: event.createdAt,
        properties: {
          ...(event.userId && { staffId: event.userId }),
          ...(event.state && { state: event.state }),
        },
        source: 'wecom',
        sourceEventId,
      });
      return;
    }

    if (REMOVED.has(event.changeType)) {
      let customerId: string;
      try {
        customerId = (await findCustomerByExternalUserId(organisation.id, wecom.corpId, event.externalUserId)).id;
      } catch (error) {
        if (error instanceof AppError && error.code === 'NOT_FOUND') return; // never linked: nothing to undo
        throw error;
      }
      if (event.userId) await removeWecomFollow(organisation.id, event.externalUserId, event.userId);
      await recordEvent({
        organisationId: organisation.id,
        customerId,
        type: 'wecom.contact_removed',
        occurredAt: event.createdAt,
        properties: { ...(event.userId && { staffId: event.userId }) },
        source: 'wecom',
        sourceEventId,
      });
    }
  },
};
