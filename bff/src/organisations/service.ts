import { AppError } from '../http/errors';
import { ClinicModel, OrganisationModel } from './model';

export interface Organisation {
  id: string;
  name: string;
  miniappAppId: string;
  wecomCorpId: string;
  timeZone: string;
}

function toOrganisation(doc: {
  _id: unknown;
  name: string;
  miniappAppId: string;
  wecomCorpId: string;
  timeZone?: string | null;
}): Organisation {
  return {
    id: String(doc._id),
    name: doc.name,
    miniappAppId: doc.miniappAppId,
    wecomCorpId: doc.wecomCorpId,
    timeZone: doc.timeZone ?? 'Asia/Shanghai',
  };
}

export async function getOrganisation(organisationId: string): Promise<Organisation> {
  const doc = await OrganisationModel.findById(organisationId).lean();
  if (!doc) throw new AppError('NOT_FOUND', 'Organisation not found');
  return toOrganisation(doc);
}

/** The organisation a mini-program or WeCom corp signs users into; a platform with none configured cannot sign in. */
export async function findOrganisationByPlatform(
  platform: { miniappAppId: string } | { wecomCorpId: string },
): Promise<Organisation> {
  const doc = await OrganisationModel.findOne(platform).lean();
  if (!doc) {
    throw new AppError('NOT_FOUND', 'No organisation is set up for this mini-program or WeCom corp', platform);
  }
  return toOrganisation(doc);
}

export async function createOrganisation(input: Omit<Organisation, 'id'>): Promise<Organisation> {
  return toOrganisation((await OrganisationModel.create(input)).toObject());
}

export async function createClinic(organisationId: string, input: { name: string; address: string }) {
  const doc = await ClinicModel.create({ organisationId, ...input });
  return { id: String(doc._id), name: doc.name };
}

/** A clinic with what scheduling needs (its time zone). */
export async function getClinicDetails(organisationId: string, clinicId: string) {
  const doc = await ClinicModel.findOne({ _id: clinicId, organisationId }).lean();
  if (!doc) throw new AppError('NOT_FOUND', 'Clinic not found');
  return { id: String(doc._id), name: doc.name, address: doc.address ?? '', timeZone: doc.timeZone ?? 'Asia/Shanghai' };
}

export async function listClinics(organisationId: string) {
  const docs = await ClinicModel.find({ organisationId }).sort({ name: 1 }).lean();
  return docs.map((doc) => ({
    id: String(doc._id),
    name: doc.name,
    address: doc.address ?? '',
    timeZone: doc.timeZone ?? 'Asia/Shanghai',
  }));
}
