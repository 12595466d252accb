import mongoose, { Schema } from 'mongoose';

/** Who viewed or changed which record, when, through which request. Append-only. */
const auditEntrySchema = new Schema({
  organisationId: { type: Schema.Types.ObjectId, required: true },
  actorKind: { type: String, enum: ['staff', 'customer', 'system'], required: true },
  actorId: { type: String, required: true },
  action: { type: String, required: true },
  subjectKind: { type: String, required: true },
  subjectId: { type: String, required: true },
  requestId: { type: String, default: null },
  at: { type: Date, required: true },
});
auditEntrySchema.index({ organisationId: 1, subjectKind: 1, subjectId: 1, at: -1 });

export const AuditEntryModel = mongoose.model('AuditEntry', auditEntrySchema, 'audit_entries');
