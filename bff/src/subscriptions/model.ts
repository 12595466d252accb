import mongoose, { Schema } from 'mongoose';

/**
 * WeChat subscribe-message credits: each time a customer accepts a template in requestSubscribeMessage they
 * grant one message. Counted here so a message is only sent against a credit, and each credit is spent once.
 */
const subscriptionCreditSchema = new Schema({
  organisationId: { type: Schema.Types.ObjectId, required: true },
  customerId: { type: Schema.Types.ObjectId, required: true },
  templateId: { type: String, required: true },
  credits: { type: Number, required: true, default: 0 },
});
subscriptionCreditSchema.index({ organisationId: 1, customerId: 1, templateId: 1 }, { unique: true });

export const SubscriptionCreditModel = mongoose.model(
  'SubscriptionCredit',
  subscriptionCreditSchema,
  'subscription_credits',
);
