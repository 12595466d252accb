import mongoose, { Schema, type Types } from 'mongoose';

/**
 * A customer's erasure request, one per customer: recorded first, then carried out contributor by contributor
 * (`erased` lists those done), so a run that died half-way is finished by the next request or by
 * `resumePendingErasures`. Kept after completion as the record that the erasure happened.
 */
const erasureRequestSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: ['in_progress', 'completed'], required: true },
    requestedAt: { type: Date, required: true },
    requestedBy: { kind: { type: String, required: true }, id: { type: String, default: null } },
    erased: { type: [String], default: [] },
    completedAt: { type: Date, default: null },
    lastError: { type: String, default: null },
  },
  { versionKey: false },
);
erasureRequestSchema.index({ organisationId: 1, customerId: 1 }, { unique: true });
erasureRequestSchema.index({ status: 1 });

export interface ErasureRequestDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  customerId: Types.ObjectId;
  status: 'in_progress' | 'completed';
  requestedAt: Date;
  requestedBy: { kind: string; id: string | null };
  erased: string[];
  completedAt: Date | null;
  lastError: string | null;
}

export const ErasureRequestModel = mongoose.model('ErasureRequest', erasureRequestSchema, 'erasure_requests');
