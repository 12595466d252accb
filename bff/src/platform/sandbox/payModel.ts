/** State of the emulated WeChat Pay: its transactions and refunds, kept in the database like the rest of the sandbox. */
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/** The last notification sent for a transaction or refund: notify-again resends it. */
const notificationSchema = new Schema(
  {
    url: { type: String, required: true },
    body: { type: String, required: true },
    headers: { type: Schema.Types.Mixed, required: true },
    sentAt: { type: Date, required: true },
  },
  { _id: false },
);

const transactionSchema = new Schema({
  mchid: { type: String, required: true },
  appid: { type: String, required: true },
  outTradeNo: { type: String, required: true },
  prepayId: { type: String, required: true, unique: true },
  /** The order's parameters: re-ordering the same out_trade_no must repeat them exactly. */
  fingerprint: { type: String, required: true },
  description: { type: String, required: true },
  amountTotal: { type: Number, required: true },
  notifyUrl: { type: String, required: true },
  payerOpenid: { type: String, required: true },
  attach: { type: String, default: null },
  timeExpire: { type: Date, default: null },
  state: { type: String, enum: ['NOTPAY', 'SUCCESS', 'CLOSED', 'REFUND'], required: true },
  transactionId: { type: String, default: null },
  successTime: { type: Date, default: null },
  /** Sum of the refunds accepted (not closed), taken with a conditional update so refunds never exceed the total. */
  refundReserved: { type: Number, default: 0 },
  lastNotification: { type: notificationSchema, default: null },
  createdAt: { type: Date, required: true },
});
transactionSchema.index({ mchid: 1, outTradeNo: 1 }, { unique: true });
transactionSchema.index({ transactionId: 1 });

const refundSchema = new Schema({
  mchid: { type: String, required: true },
  outRefundNo: { type: String, required: true },
  refundId: { type: String, required: true },
  outTradeNo: { type: String, required: true },
  transactionId: { type: String, required: true },
  fingerprint: { type: String, required: true },
  amountRefund: { type: Number, required: true },
  amountTotal: { type: Number, required: true },
  reason: { type: String, default: null },
  notifyUrl: { type: String, default: null },
  status: { type: String, enum: ['PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL'], required: true },
  createTime: { type: Date, required: true },
  /** When the emulated refund completes (a timer does it; any query after this time completes it too). */
  completeAt: { type: Date, required: true },
  successTime: { type: Date, default: null },
  lastNotification: { type: notificationSchema, default: null },
});
refundSchema.index({ mchid: 1, outRefundNo: 1 }, { unique: true });

export const SandboxPayTransactionModel = mongoose.model(
  'SandboxPayTransaction',
  transactionSchema,
  'sandbox_pay_transactions',
);
export const SandboxPayRefundModel = mongoose.model('SandboxPayRefund', refundSchema, 'sandbox_pay_refunds');

export type SandboxPayTransaction = InferSchemaType<typeof transactionSchema> & { _id: mongoose.Types.ObjectId };
export type SandboxPayRefund = InferSchemaType<typeof refundSchema> & { _id: mongoose.Types.ObjectId };
