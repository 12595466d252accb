import mongoose, { Schema } from 'mongoose';

const customerSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: ['patient', 'hcp'], required: true, default: 'patient' },
    name: { type: String, default: null },
  },
  { timestamps: true },
);
customerSchema.index({ organisationId: 1, createdAt: -1 });
customerSchema.index({ organisationId: 1, name: 1 });

/**
 * One row per identity of a customer. The unique key (organisation, kind, app, value) is also what serialises
 * concurrent first sign-ins: they upsert the same row, so only one customer can own an identity.
 * `app` is the appid (openids differ per mini-program and official account) or corp id; '' where global.
 */
const identitySchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    kind: {
      type: String,
      enum: ['miniapp_openid', 'oa_openid', 'unionid', 'wecom_external_userid', 'phone'],
      required: true,
    },
    app: { type: String, default: '' },
    value: { type: String, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: true },
);
identitySchema.index({ organisationId: 1, kind: 1, app: 1, value: 1 }, { unique: true });
identitySchema.index({ customerId: 1 });

export const CustomerModel = mongoose.model('Customer', customerSchema, 'customers');
export const IdentityModel = mongoose.model('Identity', identitySchema, 'identities');
