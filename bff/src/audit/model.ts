import mongoose, { Schema } from 'mongoose';

/**
 * Who viewed or changed which record, when, from which surface, through which request. Append-only: the model
 * refuses updates and deletes (below), and no route changes an entry. Entries outlive a customer's erasure: they
 * hold ids and small facts, never personal data.
 */
const auditEntrySchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    actorKind: { type: String, enum: ['staff', 'customer', 'system'], required: true },
    actorId: { type: String, required: true },
    action: { type: String, required: true },
    subjectKind: { type: String, required: true },
    subjectId: { type: String, required: true },
    surface: { type: String, enum: ['sidebar', 'workbench', 'miniapp', 'api'], required: true, default: 'api' },
    details: { type: Schema.Types.Mixed, default: null },
    requestId: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
// The admins' query, newest first, unfiltered and by customer, actor or action; `_id` breaks ties in the cursor.
auditEntrySchema.index({ organisationId: 1, at: -1, _id: -1 });
auditEntrySchema.index({ organisationId: 1, subjectKind: 1, subjectId: 1, at: -1 });
auditEntrySchema.index({ organisationId: 1, actorId: 1, at: -1 });
auditEntrySchema.index({ organisationId: 1, action: 1, at: -1 });

function appendOnly(): never {
  throw new Error('Audit entries are append-only: they cannot be updated or deleted');
}
auditEntrySchema.pre(
  ['updateOne', 'deleteOne', 'updateMany', 'deleteMany', 'replaceOne', 'findOneAndUpdate', 'findOneAndReplace'],
  { document: true, query: true },
  appendOnly,
);
auditEntrySchema.pre('findOneAndDelete', appendOnly);
auditEntrySchema.pre('bulkWrite', appendOnly);
auditEntrySchema.pre('save', function () {
  if (!this.isNew) appendOnly();
});

export const AuditEntryModel = mongoose.model('AuditEntry', auditEntrySchema, 'audit_entries');
