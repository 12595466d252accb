import type { StaffMemberSummary, StaffProfile, StaffRole } from '@careloop/shared';
import { AppError, notFound } from '../http/errors';
import { getOrganisation } from '../organisations/service';
import { deleteRefreshTokensOfSubject } from '../auth/refreshTokens';
import { StaffModel } from './model';

export interface StaffMember {
  id: string;
  organisationId: string;
  wecomUserId: string;
  name: string;
  position: string;
  roles: StaffRole[];
}

function toStaffMember(doc: {
  _id: unknown;
  organisationId: unknown;
  wecomUserId: string;
  name: string;
  position: string;
  roles: string[];
}): StaffMember {
  return {
    id: String(doc._id),
    organisationId: String(doc.organisationId),
    wecomUserId: doc.wecomUserId,
    name: doc.name,
    position: doc.position,
    roles: doc.roles as StaffRole[],
  };
}

/** The active staff member a WeCom user id belongs to; unknown or departed members cannot sign in. */
export async function findActiveStaffByWecomUserId(organisationId: string, wecomUserId: string): Promise<StaffMember> {
  const doc = await StaffModel.findOne({ organisationId, wecomUserId, active: true }).lean();
  if (!doc) {
    throw new AppError('STAFF_NOT_REGISTERED', 'This WeCom member is not registered as CareLoop staff', {
      wecomUserId,
    });
  }
  return toStaffMember(doc);
}

export async function getActiveStaff(organisationId: string, staffId: string): Promise<StaffMember> {
  const doc = await StaffModel.findOne({ _id: staffId, organisationId, active: true }).lean();
  if (!doc) throw notFound('Staff member');
  return toStaffMember(doc);
}

export async function staffProfile(staff: StaffMember): Promise<StaffProfile> {
  const organisation = await getOrganisation(staff.organisationId);
  return {
    id: staff.id,
    wecomUserId: staff.wecomUserId,
    name: staff.name,
    position: staff.position,
    roles: staff.roles,
    organisation: { id: organisation.id, name: organisation.name },
  };
}

export async function createStaff(input: Omit<StaffMember, 'id'> & { clinicIds?: string[] }): Promise<StaffMember> {
  return toStaffMember((await StaffModel.create(input)).toObject());
}

/** Names of staff members by WeCom user id (for showing who follows a customer). */
export async function staffNamesByWecomUserId(organisationId: string, wecomUserIds: string[]) {
  const docs = await StaffModel.find(
    { organisationId, wecomUserId: { $in: wecomUserIds } },
    { wecomUserId: 1, name: 1 },
  ).lean();
  return new Map(docs.map((doc) => [doc.wecomUserId, doc.name]));
}

/** Names of staff members by id. */
export async function staffNamesById(organisationId: string, ids: string[]) {
  const docs = await StaffModel.find({ organisationId, _id: { $in: ids } }, { name: 1 }).lean();
  return new Map(docs.map((doc) => [String(doc._id), doc.name]));
}

export async function listActiveStaff(organisationId: string): Promise<StaffMember[]> {
  const docs = await StaffModel.find({ organisationId, active: true }).sort({ name: 1 }).lean();
  return docs.map(toStaffMember);
}

/** The organisation's active staff members with their clinics, for the staff apps' pickers. */
export async function listStaffMemberSummaries(organisationId: string): Promise<StaffMemberSummary[]> {
  const docs = await StaffModel.find({ organisationId, active: true }).sort({ name: 1 }).lean();
  return docs.map((doc) => ({
    ...toStaffMember(doc),
    clinicIds: (doc.clinicIds ?? []).map(String),
  }));
}

/** A staff member of the organisation, whether still active or not (e.g. one who left, for a handover). */
export async function getStaffMember(
  organisationId: string,
  staffId: string,
): Promise<StaffMember & { active: boolean; clinicIds: string[] }> {
  const doc = await StaffModel.findOne({ _id: staffId, organisationId }).lean();
  if (!doc) throw notFound('Staff member');
  return { ...toStaffMember(doc), active: doc.active ?? true, clinicIds: (doc.clinicIds ?? []).map(String) };
}

/**
 * Marks a member who left inactive: they can no longer sign in, continue a session (their refresh tokens are
 * deleted, so a refresh answers REFRESH_TOKEN_INVALID) or be given work, and they leave the staff pickers. Access
 * tokens already issued run out on their own (minutes). Idempotent; answers whether this call deactivated them.
 */
export async function deactivateStaff(organisationId: string, staffId: string): Promise<boolean> {
  const changed = await StaffModel.updateOne(
    { _id: staffId, organisationId, active: { $ne: false } },
    { $set: { active: false } },
  );
  await deleteRefreshTokensOfSubject({ kind: 'staff', id: staffId, organisationId });
  return changed.modifiedCount === 1;
}
