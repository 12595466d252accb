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
