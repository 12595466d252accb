/** The 360° profile: one answer with everything the sidebar header needs, composed from each domain's service. */
import type { Config } from '@careloop/config';
import type { Customer360, UpdateCustomerRequest } from '@careloop/shared';
import { notFound } from '../http/errors';
import { getConsent } from '../consent/service';
import { countEventsByType, lastEventAt } from '../events/service';
import { listTags } from '../tags/service';
import { getClinicDetails } from '../organisations/service';
import { getActiveStaff, staffNamesById, staffNamesByWecomUserId } from '../staff/service';
import { CustomerModel } from './model';
import { mergeHistory, resolveCustomerId } from './merge';
import { customerChanged, getCustomer, listIdentities } from './service';
import { openDuplicates, setTypedPhone } from './phone';
import { followersOf } from './wecomContacts';

const DAY = 86_400_000;

/** new: created in the last 7 days with little behaviour; active: seen in 30 days; quiet: in a year; else dormant. */
export function activityLevel(createdAt: Date, last: Date | null, eventsLast30Days: number, now = new Date()) {
  if (now.getTime() - createdAt.getTime() < 7 * DAY && eventsLast30Days < 5) return 'new' as const;
  if (last && now.getTime() - last.getTime() <= 30 * DAY) return 'active' as const;
  if (last && now.getTime() - last.getTime() <= 365 * DAY) return 'quiet' as const;
  return 'dormant' as const;
}

function displayIdentity(kind: string, value: string, maskedPhone: string | null) {
  if (kind === 'phone') return maskedPhone ?? '***';
  return value.length > 10 ? `${value.slice(0, 4)}…${value.slice(-4)}` : value;
}

export async function customerProfile360(
  config: Pick<Config, 'privacy'>,
  organisationId: string,
  customerId: string,
): Promise<Customer360> {
  const id = await resolveCustomerId(organisationId, customerId);
  const doc = await CustomerModel.findOne({ _id: id, organisationId }).lean();
  if (!doc) throw notFound('Customer');
  const now = new Date();
  const [base, identities, tags, last, lastMonth, lastYear, consent, duplicates, merges, clinic, owner] =
    await Promise.all([
      getCustomer(organisationId, id),
      listIdentities(organisationId, id),
      listTags(organisationId, id),
      lastEventAt(organisationId, id),
      countEventsByType(organisationId, id, new Date(now.getTime() - 30 * DAY)),
      countEventsByType(organisationId, id, new Date(now.getTime() - 365 * DAY)),
      getConsent(organisationId, id, config.privacy.policyVersion),
      openDuplicates(organisationId, id),
      mergeHistory(organisationId, id),
      doc.clinicId
        ? getClinicDetails(organisationId, String(doc.clinicId)).then(
            (found) => ({ id: found.id, name: found.name }),
            () => null,
          )
        : null,
      doc.ownerStaffId ? getActiveStaff(organisationId, String(doc.ownerStaffId)).catch(() => null) : null,
    ]);
  const externalIds = identities.filter((i) => i.kind === 'wecom_external_userid').map((i) => i.value);
  const follows = externalIds.length ? await followersOf(organisationId, externalIds) : [];
  const followerNames = await staffNamesByWecomUserId(organisationId, [...new Set(follows.map((f) => f.staffUserId))]);
  const setterNames = await staffNamesById(
    organisationId,
    tags.flatMap((tag) => (tag.setBy ? [tag.setBy] : [])),
  );
  const eventsLast30Days = Object.values(lastMonth).reduce((sum, count) => sum + count, 0);
  return {
    customer: {
      ...base,
      gender: (doc.gender as 'female' | 'male' | 'other' | null) ?? null,
      birthday: doc.birthday ?? null,
      clinic,
      hcp: doc.hcp
        ? {
            hospital: doc.hcp.hospital ?? null,
            department: doc.hcp.department ?? null,
            title: doc.hcp.title ?? null,
            verification: doc.hcp.verification as 'unverified' | 'verified' | 'rejected',
            verifiedAt: doc.hcp.verifiedAt?.toISOString() ?? null,
            evidence: doc.hcp.evidence ?? null,
          }
        : null,
    },
    identities: identities.map((identity) => ({
      kind: identity.kind,
      app: identity.app,
      display: displayIdentity(identity.kind, identity.value, base.phone?.masked ?? null),
      linkedAt: identity.linkedAt.toISOString(),
    })),
    owner: owner ? { id: owner.id, name: owner.name } : null,
    followers: follows.map((follow) => ({
      wecomUserId: follow.staffUserId,
      name: followerNames.get(follow.staffUserId) ?? null,
      addedAt: follow.addedAt.toISOString(),
    })),
    tags: tags.map((tag) => ({
      name: tag.name,
      source: tag.source,
      setBy: tag.setBy ? { id: tag.setBy, name: setterNames.get(tag.setBy) ?? null } : null,
      setAt: tag.setAt.toISOString(),
    })),
    activity: {
      level: activityLevel(doc.createdAt, last, eventsLast30Days, now),
      lastEventAt: last?.toISOString() ?? null,
      eventsLast30Days,
    },
    counters: lastYear,
    consent,
    duplicates,
    merges,
  };
}

/** Staff edit base data; returns the names of the fields that changed (for the audit trail). */
export async function updateCustomerBaseData(
  config: Pick<Config, 'privacy'>,
  organisationId: string,
  customerId: string,
  changes: UpdateCustomerRequest,
): Promise<string[]> {
  const id = await resolveCustomerId(organisationId, customerId);
  const doc = await CustomerModel.findOne({ _id: id, organisationId }).lean();
  if (!doc) throw notFound('Customer');
  if (changes.clinicId) await getClinicDetails(organisationId, changes.clinicId);
  if (changes.ownerStaffId) await getActiveStaff(organisationId, changes.ownerStaffId);
  const set: Record<string, unknown> = {};
  for (const field of ['name', 'kind', 'gender', 'birthday', 'clinicId', 'ownerStaffId'] as const) {
    if (changes[field] !== undefined) set[field] = changes[field];
  }
  if (changes.hcp) {
    if (!doc.hcp) set.hcp = { ...changes.hcp, verification: 'unverified' };
    else for (const [field, value] of Object.entries(changes.hcp)) set[`hcp.${field}`] = value;
  }
  if (Object.keys(set).length) await CustomerModel.updateOne({ _id: id, organisationId }, { $set: set });
  if (changes.phone !== undefined) await setTypedPhone(config, organisationId, id, changes.phone, 'typed_by_staff');
  if (Object.keys(set).length) await customerChanged(organisationId, id);
  return [...Object.keys(changes)];
}

/** An admin records whether a customer is a verified HCP, with the evidence seen. */
export async function decideHcpVerification(
  organisationId: string,
  customerId: string,
  decision: { decision: 'verified' | 'rejected'; evidence: string },
  staffId: string,
) {
  const id = await resolveCustomerId(organisationId, customerId);
  const doc = await CustomerModel.findOne({ _id: id, organisationId }).lean();
  if (!doc) throw notFound('Customer');
  const verification = {
    'hcp.verification': decision.decision,
    'hcp.evidence': decision.evidence,
    'hcp.verifiedBy': staffId,
    'hcp.verifiedAt': new Date(),
  };
  await CustomerModel.updateOne(
    { _id: id, organisationId },
    doc.hcp
      ? { $set: { kind: 'hcp', ...verification } }
      : {
          $set: {
            kind: 'hcp',
            hcp: {
              hospital: null,
              department: null,
              title: null,
              verification: decision.decision,
              evidence: decision.evidence,
              verifiedBy: staffId,
              verifiedAt: new Date(),
            },
          },
        },
  );
  await customerChanged(organisationId, id);
}
