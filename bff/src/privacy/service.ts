/**
 * A customer's rights over their data: export (every registered contributor's section) and erasure (every
 * contributor anonymises what it holds). Both are audited. Erasure is a recorded, idempotent, resumable
 * operation: the request is stored first, each contributor is marked done after it ran, and sessions end.
 */
import { Types } from 'mongoose';
import type { AuditSurface, DataExport, ErasureResult } from '@careloop/shared';
import { AppError } from '../http/errors';
import { isDuplicateKey } from '../db/retry';
import { recordAudit } from '../audit/service';
import { deleteRefreshTokensOfSubject } from '../auth/refreshTokens';
import { privacyContributors } from './contributors';
import { ErasureRequestModel, type ErasureRequestDoc } from './model';

const oid = (id: string) => new Types.ObjectId(id);

interface RequestContext {
  requestId?: string;
  surface?: AuditSurface;
}

/** Everything held about the customer, one section per contributor; the export is audited. */
export async function exportCustomerData(
  input: {
    organisationId: string;
    customerId: string;
    actor: { kind: 'customer' | 'staff'; id: string };
  } & RequestContext,
): Promise<DataExport> {
  const { organisationId, customerId } = input;
  const contributors = privacyContributors();
  const sections = await Promise.all(
    contributors.map(async (contributor) => [
      contributor.name,
      await contributor.exportData({ organisationId, customerId }),
    ]),
  );
  // Recorded before anything leaves: an export that cannot be audited does not happen.
  await recordAudit({
    organisationId,
    actor: input.actor,
    action: 'customer.data_exported',
    subject: { kind: 'customer', id: customerId },
    requestId: input.requestId,
    surface: input.surface,
    details: { sections: contributors.map((contributor) => contributor.name) },
  });
  return {
    generatedAt: new Date().toISOString(),
    customerId,
    organisationId,
    sections: Object.fromEntries(sections),
  };
}

function toResult(doc: ErasureRequestDoc): ErasureResult {
  return {
    status: doc.status,
    requestedAt: doc.requestedAt.toISOString(),
    completedAt: doc.completedAt?.toISOString() ?? null,
    erased: doc.erased,
  };
}

async function findErasure(organisationId: string, customerId: string) {
  return ErasureRequestModel.findOne({
    organisationId: oid(organisationId),
    customerId: oid(customerId),
  }).lean<ErasureRequestDoc>();
}

/** True once the customer asked for erasure (in progress or done): nothing personal may be written for them again. */
export async function isCustomerErased(organisationId: string, customerId: string): Promise<boolean> {
  return Boolean(
    await ErasureRequestModel.exists({ organisationId: oid(organisationId), customerId: oid(customerId) }),
  );
}

/** Refuses a customer's request once they were erased: their sessions ended with the erasure. */
export async function assertNotErased(organisationId: string, customerId: string): Promise<void> {
  if (await isCustomerErased(organisationId, customerId)) {
    throw new AppError('TOKEN_INVALID', 'This account was erased and its sessions have ended');
  }
}

const endSessions = (organisationId: string, customerId: string) =>
  deleteRefreshTokensOfSubject({ kind: 'customer', id: customerId, organisationId });

/** Runs the contributors not yet done, then marks the erasure completed (once, audited). */
async function carryOut(request: ErasureRequestDoc, context: RequestContext): Promise<ErasureRequestDoc> {
  const organisationId = String(request.organisationId);
  const customerId = String(request.customerId);
  await endSessions(organisationId, customerId);
  for (const contributor of privacyContributors()) {
    if (request.erased.includes(contributor.name)) continue;
    try {
      await contributor.erase({ organisationId, customerId });
    } catch (error) {
      await ErasureRequestModel.updateOne(
        { _id: request._id },
        { $set: { lastError: `${contributor.name}: ${(error as Error).message}`.slice(0, 500) } },
      );
      throw error;
    }
    await ErasureRequestModel.updateOne({ _id: request._id }, { $addToSet: { erased: contributor.name } });
  }
  const completed = await ErasureRequestModel.findOneAndUpdate(
    { _id: request._id, status: 'in_progress' },
    { $set: { status: 'completed', completedAt: new Date(), lastError: null } },
    { returnDocument: 'after' },
  ).lean<ErasureRequestDoc>();
  if (completed) {
    await recordAudit({
      organisationId,
      actor: { kind: 'system', id: 'erasure' },
      action: 'customer.erased',
      subject: { kind: 'customer', id: customerId },
      requestId: context.requestId,
      surface: context.surface,
      details: { erased: completed.erased },
    });
  }
  // Again at the end: a refresh that raced with the erasure may have issued a token after the first deletion.
  await endSessions(organisationId, customerId);
  return (await findErasure(organisationId, customerId))!;
}

/**
 * The customer's erasure: recorded (and audited) on the first request, carried out by every registered
 * contributor, the customer's sessions ended. Asking again answers the same record, finishing the work if an
 * earlier run stopped half-way or a contributor was registered since.
 */
export async function requestErasure(
  input: {
    organisationId: string;
    customerId: string;
    actor: { kind: 'customer' | 'staff'; id: string };
  } & RequestContext,
): Promise<ErasureResult> {
  const { organisationId, customerId } = input;
  let request: ErasureRequestDoc | null = null;
  try {
    request = (
      await ErasureRequestModel.create({
        organisationId: oid(organisationId),
        customerId: oid(customerId),
        status: 'in_progress',
        requestedAt: new Date(),
        requestedBy: { kind: input.actor.kind, id: input.actor.id },
        erased: [],
      })
    ).toObject() as ErasureRequestDoc;
    await recordAudit({
      organisationId,
      actor: input.actor,
      action: 'customer.erasure_requested',
      subject: { kind: 'customer', id: customerId },
      requestId: input.requestId,
      surface: input.surface,
    });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    request = await findErasure(organisationId, customerId);
  }
  if (!request) throw new AppError('INTERNAL', 'The erasure request could not be recorded');
  const pending = privacyContributors().some((contributor) => !request.erased.includes(contributor.name));
  if (request.status === 'completed' && !pending) return toResult(request);
  return toResult(await carryOut(request, input));
}

/** Finishes erasures a crash left half-way (run at start-up or periodically). Returns how many were finished. */
export async function resumePendingErasures(): Promise<number> {
  const pending = await ErasureRequestModel.find({ status: 'in_progress' }).lean<ErasureRequestDoc[]>();
  let finished = 0;
  for (const request of pending) {
    await carryOut(request, {});
    finished++;
  }
  return finished;
}
