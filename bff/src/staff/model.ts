import mongoose, { Schema } from 'mongoose';

const staffSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    wecomUserId: { type: String, required: true },
    name: { type: String, required: true },
    position: { type: String, required: true },
    roles: { type: [String], enum: ['admin', 'manager', 'staff'], required: true },
    clinicIds: { type: [Schema.Types.ObjectId], default: [] },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);
staffSchema.index({ organisationId: 1, wecomUserId: 1 }, { unique: true });

export const StaffModel = mongoose.model('Staff', staffSchema, 'staff');
