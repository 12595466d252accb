import { Types } from 'mongoose';
import {
  AuditSurface,
  SURFACE_HEADER,
  type AuditDetails,
  type AuditEntry,
  type AuditPage,
  type AuditQuery,
} from '@careloop/shared';
import { AppError } from '../http/errors';
import { staffNamesById } from '../staff/service';
import { AuditEntryModel } from './model';

export interface AuditRecord {
  organisationId: string;
  actor: { kind: 'staff' | 'customer' | 'system'; id: string };
  action: string;
  subject: { kind: string; id: string };
  requestId?: string;
  /** Where the request came from; default `api`. Pass `...auditContext(ctx)` to take it from the request. */
  surface?: AuditSurface;
  /** Small flat facts, e.g. `{ field: 'name' }`; never personal data. Oversized details are cut. */
  details?: AuditDetails;
}

/** The surface a request names in its `x-careloop-surface` header; `api` when absent or not a known surface. */
export function requestSurface(ctx: { get(field: string): string }): AuditSurface {
  const parsed = AuditSurface.safeParse(ctx.get(SURFACE_HEADER).trim().toLowerCase());
  return parsed.success ? parsed.data : 'api';
}

/** The request's id and surface, to spread into an audit record: `recordAudit({ …, ...auditContext(ctx) })`. */
export function auditContext(ctx: { get(field: string): string; state: { requestId?: string } }): {
  requestId?: string;
  surface: AuditSurface;
} {
  return { requestId: ctx.state.requestId, surface: requestSurface(ctx) };
}

const MAX_DETAIL_KEYS = 20;
const MAX_DETAIL_STRING = 200;

/** Keeps details small: at most 20 keys, strings cut to 200 characters, lists to 20 items. */
function boundedDetails(details: AuditDetails | undefined): AuditDetails | null {
  if (!details) return null;
  const entries = Object.entries(details);
  const bounded: AuditDetails = {};
  for (const [key, value] of entries.slice(0, MAX_DETAIL_KEYS)) {
    bounded[key.slice(0, 64)] =
      typeof value === 'string'
        ? value.slice(0, MAX_DETAIL_STRING)
        : Array.isArray(value)
          ? value.slice(0, MAX_DETAIL_KEYS).map((item) => String(item).slice(0, MAX_DETAIL_STRING))
          : value;
  }
  if (entries.length > MAX_DETAIL_KEYS) bounded.truncated = true;
  return bounded;
}

/** Appends an entry to the audit trail. */
export async function recordAudit(record: AuditRecord): Promise<void> {
  await AuditEntryModel.create({
    organisationId: record.organisationId,
    actorKind: record.actor.kind,
    actorId: record.actor.id,
    action: record.action,
    subjectKind: record.subject.kind,
    subjectId: record.subject.id,
    surface: record.surface ?? 'api',
    details: boundedDetails(record.details),
    requestId: record.requestId ?? null,
    at: new Date(),
  });
}

/**
 * Records that a staff member saw a customer's full phone number (`customer.phone_revealed`). Call it before
 * answering the reveal: a reveal that cannot be recorded must not happen.
 */
export function recordPhoneReveal(input: {
  organisationId: string;
  staffId: string;
  customerId: string;
  requestId?: string;
  surface?: AuditSurface;
  /** E.g. `{ reason: 'call back about the booking' }`; never the number itself. */
  details?: AuditDetails;
}): Promise<void> {
  return recordAudit({
    organisationId: input.organisationId,
    actor: { kind: 'staff', id: input.staffId },
    action: 'customer.phone_revealed',
    subject: { kind: 'customer', id: input.customerId },
    requestId: input.requestId,
    surface: input.surface,
    details: input.details,
  });
}

export async function listAuditForSubject(organisationId: string, subject: { kind: string; id: string }) {
  const docs = await AuditEntryModel.find({ organisationId, subjectKind: subject.kind, subjectId: subject.id })
    .sort({ at: -1, _id: -1 })
    .limit(100)
    .lean();
  return docs.map((doc) => ({
    actor: { kind: doc.actorKind, id: doc.actorId },
    action: doc.action,
    surface: doc.surface,
    details: (doc.details as AuditDetails | null) ?? null,
    requestId: doc.requestId,
    at: doc.at,
  }));
}

function encodeCursor(doc: { at: Date; _id: Types.ObjectId }): string {
  return Buffer.from(`${doc.at.getTime()}.${String(doc._id)}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: Types.ObjectId } {
  const match = /^(\d{1,15})\.([0-9a-f]{24})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw new AppError('VALIDATION_FAILED', 'Invalid query', [
      { in: 'query', path: 'cursor', code: 'invalid_cursor', message: 'must be a nextCursor from a previous page' },
    ]);
  }
  return { at: new Date(Number(match[1])), id: new Types.ObjectId(match[2]) };
}

/** The organisation's audit trail, newest first, filtered; only ever the caller's organisation. */
export async function queryAudit(organisationId: string, query: AuditQuery): Promise<AuditPage> {
  const filter: Record<string, unknown> = { organisationId: new Types.ObjectId(organisationId) };
  if (query.customerId) Object.assign(filter, { subjectKind: 'customer', subjectId: query.customerId });
  if (query.actorId) filter.actorId = query.actorId;
  if (query.actorKind) filter.actorKind = query.actorKind;
  if (query.action) filter.action = query.action;
  if (query.surface) filter.surface = query.surface;
  const at: Record<string, Date> = {};
  if (query.from) at.$gte = new Date(query.from);
  if (query.to) at.$lt = new Date(query.to);
  if (Object.keys(at).length) filter.at = at;
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    filter.$or = [{ at: { $lt: after.at } }, { at: after.at, _id: { $lt: after.id } }];
  }

  const docs = await AuditEntryModel.find(filter)
    .sort({ at: -1, _id: -1 })
    .limit(query.limit + 1)
    .lean();
  const page = docs.slice(0, query.limit);
  const staffIds = [
    ...new Set(
      page.filter((doc) => doc.actorKind === 'staff' && Types.ObjectId.isValid(doc.actorId)).map((doc) => doc.actorId),
    ),
  ];
  const names = staffIds.length ? await staffNamesById(organisationId, staffIds) : new Map<string, string>();

  const items: AuditEntry[] = page.map((doc) => ({
    id: String(doc._id),
    actor: {
      kind: doc.actorKind,
      id: doc.actorId,
      name: doc.actorKind === 'staff' ? (names.get(doc.actorId) ?? null) : null,
    },
    action: doc.action,
    subject: { kind: doc.subjectKind, id: doc.subjectId },
    surface: doc.surface,
    details: (doc.details as AuditDetails | null) ?? null,
    requestId: doc.requestId ?? null,
    at: doc.at.toISOString(),
  }));
  const last = page.at(-1);
  return { items, nextCursor: docs.length > query.limit && last ? encodeCursor(last) : null };
}

/** Audits a staff member's read or change of a customer's record, with the request's id and surface. */
export function auditStaffAccess(
  ctx: Parameters<typeof auditContext>[0],
  staff: { id: string; organisationId: string },
  action: string,
  customerId: string,
  details?: AuditDetails,
): Promise<void> {
  return recordAudit({
    organisationId: staff.organisationId,
    actor: { kind: 'staff', id: staff.id },
    action,
    subject: { kind: 'customer', id: customerId },
    details,
    ...auditContext(ctx),
  });
}
