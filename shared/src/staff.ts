import { z } from 'zod';
import { ObjectId, StaffRole } from './common';

export const OrganisationSummary = z.object({ id: ObjectId, name: z.string() }).meta({ id: 'OrganisationSummary' });

export const StaffProfile = z
  .object({
    id: ObjectId,
    wecomUserId: z.string(),
    name: z.string(),
    /** What the staff member does (consultant, front desk, doctor, manager…); roles decide what they may do. */
    position: z.string(),
    roles: z.array(StaffRole),
    organisation: OrganisationSummary,
  })
  .meta({ id: 'StaffProfile' });
export type StaffProfile = z.infer<typeof StaffProfile>;

/** A colleague as staff pickers show them (a campaign's staff member, a coupon's default clinic). */
export const StaffMemberSummary = z
  .object({
    id: ObjectId,
    name: z.string(),
    wecomUserId: z.string(),
    roles: z.array(StaffRole),
    /** The clinics they work at (the first is where they usually redeem coupons). */
    clinicIds: z.array(ObjectId),
  })
  .meta({ id: 'StaffMemberSummary' });
export type StaffMemberSummary = z.infer<typeof StaffMemberSummary>;
export const StaffMemberList = z.object({ items: z.array(StaffMemberSummary) });
