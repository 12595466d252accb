import mongoose, { Schema } from 'mongoose';

const organisationSchema = new Schema(
  {
    name: { type: String, required: true },
    /** The mini-program whose users belong to this organisation. */
    miniappAppId: { type: String, required: true, unique: true },
    /** The WeCom corp whose members are this organisation's staff. */
    wecomCorpId: { type: String, required: true, unique: true },
    timeZone: { type: String, default: 'Asia/Shanghai' },
  },
  { timestamps: true },
);

const clinicSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    address: { type: String, default: '' },
    timeZone: { type: String, default: 'Asia/Shanghai' },
  },
  { timestamps: true },
);
clinicSchema.index({ organisationId: 1, name: 1 }, { unique: true });

export const OrganisationModel = mongoose.model('Organisation', organisationSchema, 'organisations');
export const ClinicModel = mongoose.model('Clinic', clinicSchema, 'clinics');
