import mongoose, { Schema } from 'mongoose';

/** A tag on a customer, with where it came from. (The tag library and dynamic rules come with the tags issue.) */
const customerTagSchema = new Schema({
  organisationId: { type: Schema.Types.ObjectId, required: true },
  customerId: { type: Schema.Types.ObjectId, required: true },
  name: { type: String, required: true },
  source: { type: String, enum: ['manual', 'rule', 'channel', 'keyword'], required: true },
  setBy: { type: String, default: null }, // staff id for manual tags
  setAt: { type: Date, required: true },
});
customerTagSchema.index({ organisationId: 1, customerId: 1, name: 1 }, { unique: true });
customerTagSchema.index({ organisationId: 1, name: 1 });

export const CustomerTagModel = mongoose.model('CustomerTag', customerTagSchema, 'customer_tags');
