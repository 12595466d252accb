import { z } from 'zod';

export const ObjectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id');

/** Roles a staff member can hold; a route names the roles it admits. */
export const StaffRole = z.enum(['admin', 'manager', 'staff']);
export type StaffRole = z.infer<typeof StaffRole>;

export const CustomerKind = z.enum(['patient', 'hcp']);
export type CustomerKind = z.infer<typeof CustomerKind>;
