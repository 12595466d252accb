/**
 * Bulk readers of customers' base data, for domains that derive their own data from it (dynamic-tag facts,
 * key-date journeys): read-only, projected to the base fields, raw stored values (no hydration). Merged-away and
 * erased profiles are included, with `mergedInto` / `erasedAt` set, so a caller decides what they count for.
 */
import { Types } from 'mongoose';
import { CustomerModel } from './model';

const oid = (id: string | Types.ObjectId) => (typeof id === 'string' ? new Types.ObjectId(id) : id);

/** A customer's base data as stored. */
export interface CustomerBaseData {
  _id: Types.ObjectId;
  kind: string;
  gender: string | null;
  birthday: string | null;
  clinicId: Types.ObjectId | null;
  ownerStaffId: Types.ObjectId | null;
  hcp: { hospital?: string | null; department?: string | null; title?: string | null; verification?: string } | null;
  mergedInto: Types.ObjectId | null;
  erasedAt: Date | null;
  updatedAt: Date;
}

const BASE_FIELDS = {
  kind: 1,
  gender: 1,
  birthday: 1,
  clinicId: 1,
  ownerStaffId: 1,
  hcp: 1,
  mergedInto: 1,
  erasedAt: 1,
  updatedAt: 1,
};

/** One customer's base data, or null when the organisation has no such customer. */
export async function customerBaseData(organisationId: string, customerId: string): Promise<CustomerBaseData | null> {
  const doc = await CustomerModel.collection.findOne(
    { _id: oid(customerId), organisationId: oid(organisationId) },
    { projection: BASE_FIELDS },
  );
  return doc as unknown as CustomerBaseData | null;
}

/** Streams the organisation's customers' base data in no particular order, one driver cursor in batches of 5000. */
export async function* scanCustomers(organisationId: string): AsyncGenerator<CustomerBaseData> {
  const cursor = CustomerModel.collection.find(
    { organisationId: oid(organisationId) },
    { projection: BASE_FIELDS, batchSize: 5000 },
  );
  for await (const doc of cursor) yield doc as unknown as CustomerBaseData;
}
