import { AuditEntryModel } from './model';

export interface AuditRecord {
  organisationId: string;
  actor: { kind: 'staff' | 'customer' | 'system'; id: string };
  action: string;
  subject: { kind: string; id: string };
  requestId?: string;
}

export async function recordAudit(record: AuditRecord): Promise<void> {
  await AuditEntryModel.create({
    organisationId: record.organisationId,
    actorKind: record.actor.kind,
    actorId: record.actor.id,
    action: record.action,
    subjectKind: record.subject.kind,
    subjectId: record.subject.id,
    requestId: record.requestId ?? null,
    at: new Date(),
  });
}

export async function listAuditForSubject(organisationId: string, subject: { kind: string; id: string }) {
  const docs = await AuditEntryModel.find({ organisationId, subjectKind: subject.kind, subjectId: subject.id })
    .sort({ at: -1 })
    .limit(100)
    .lean();
  return docs.map((doc) => ({
    actor: { kind: doc.actorKind, id: doc.actorId },
    action: doc.action,
    requestId: doc.requestId,
    at: doc.at,
  }));
}
