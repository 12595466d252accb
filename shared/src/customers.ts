import { z } from 'zod';
import { CustomerKind, ObjectId } from './common';

export const CustomerProfile = z
  .object({
    id: ObjectId,
    organisationId: ObjectId,
    kind: CustomerKind,
    /** Display name; a customer signed in by WeChat starts without one. */
    name: z.string().nullable(),
    /** Masked (138****5678); `verified` when WeChat confirmed it belongs to this user. */
    phone: z.object({ masked: z.string(), verified: z.boolean() }).nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'CustomerProfile' });
export type CustomerProfile = z.infer<typeof CustomerProfile>;

export const UpdateMyProfileRequest = z.strictObject({
  name: z.string().trim().min(1).max(40),
});
export type UpdateMyProfileRequest = z.infer<typeof UpdateMyProfileRequest>;

export const CustomerSearchQuery = z.strictObject({
  q: z.string().trim().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export type CustomerSearchQuery = z.infer<typeof CustomerSearchQuery>;

export const CustomerList = z.object({ items: z.array(CustomerProfile) }).meta({ id: 'CustomerList' });
export type CustomerList = z.infer<typeof CustomerList>;

export const CustomerIdParams = z.strictObject({ id: ObjectId });
