/**
 * The audit trail: who viewed or changed which record, when, and from which surface. Entries are append-only;
 * admins read them through `GET /api/staff/audit`, and no route changes or deletes them.
 */
import { z } from 'zod';
import { ObjectId } from './common';

/** Where a request came from. The front ends name themselves in the `x-careloop-surface` header. */
export const AuditSurface = z.enum(['sidebar', 'workbench', 'miniapp', 'api']);
export type AuditSurface = z.infer<typeof AuditSurface>;

/** The request header a front end sends to name its surface; anything not in `AuditSurface` counts as `api`. */
export const SURFACE_HEADER = 'x-careloop-surface';

export const AuditActorKind = z.enum(['staff', 'customer', 'system']);
export type AuditActorKind = z.infer<typeof AuditActorKind>;

/** Small, flat facts about the action (e.g. which field changed); never personal data such as a phone number. */
export const AuditDetails = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]),
);
export type AuditDetails = z.infer<typeof AuditDetails>;

export const AuditEntry = z
  .object({
    id: ObjectId,
    /** `name` is the staff member's name for staff actors, else null. */
    actor: z.object({ kind: AuditActorKind, id: z.string(), name: z.string().nullable() }),
    /** Dotted verb, e.g. `customer.viewed`, `customer.phone_revealed`, `customer.data_exported`. */
    action: z.string(),
    subject: z.object({ kind: z.string(), id: z.string() }),
    surface: AuditSurface,
    details: AuditDetails.nullable(),
    requestId: z.string().nullable(),
    at: z.iso.datetime(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;

const AuditCursor = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a nextCursor from a previous page');

export const AuditQuery = z
  .strictObject({
    /** Entries about this customer. */
    customerId: ObjectId.optional(),
    /** Entries by this actor (a staff member's or customer's id). */
    actorId: z.string().trim().min(1).max(64).optional(),
    actorKind: AuditActorKind.optional(),
    /** Exact action, e.g. `customer.phone_revealed`. */
    action: z
      .string()
      .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, 'must be a dotted lower-case action name')
      .max(64)
      .optional(),
    surface: AuditSurface.optional(),
    /** Inclusive lower bound. */
    from: z.iso.datetime({ offset: true }).optional(),
    /** Exclusive upper bound. */
    to: z.iso.datetime({ offset: true }).optional(),
    cursor: AuditCursor.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .refine((query) => !query.from || !query.to || Date.parse(query.from) < Date.parse(query.to), {
    message: 'from must be before to',
    path: ['from'],
  });
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditPage = z
  .object({
    /** Newest first. */
    items: z.array(AuditEntry),
    /** Pass as `cursor` for the next (older) page; null on the last page. */
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'AuditPage' });
export type AuditPage = z.infer<typeof AuditPage>;
