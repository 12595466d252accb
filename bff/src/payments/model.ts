/**
 * Payment orders (one per thing to pay: an appointment's deposit, a fee) and their refunds, embedded so that every
 * change of an order — paid, a refund reserved, a refund's outcome — is one atomic conditional update of one
 * document. No transactions, no TTL, no partial indexes are needed.
 */
import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

export const PAYMENT_STATUSES = ['created', 'paid', 'refunding', 'refunded', 'partially_refunded', 'closed'] as const;
/** The states of an order that has been paid (whatever its refunds). */
export const PAID_STATUSES = ['paid', 'refunding', 'refunded', 'partially_refunded'] as const;

const refundSchema = new Schema(
  {
    /** Our refund number at WeChat Pay (unguessable; WeChat Pay refunds one out_refund_no once). */
    outRefundNo: { type: String, required: true },
    /** The caller's key: the same key never refunds twice. */
    idempotencyKey: { type: String, required: true },
    amountFen: { type: Number, required: true },
    reason: { type: String, required: true },
    /**
     * pending: reserved, WeChat Pay's acceptance not known yet (the reconciler asks again); processing: accepted;
     * succeeded; closed / failed: did not happen (the amount is refundable again); abnormal: needs a person.
     */
    status: {
      type: String,
      enum: ['pending', 'processing', 'succeeded', 'closed', 'abnormal', 'failed'],
      required: true,
    },
    refundId: { type: String, default: null },
    failure: { type: String, default: null },
    /** True for the refund made because the order's purpose rejected a payment (or it came after closing). */
    automatic: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
    /** When WeChat Pay was last asked to make it. */
    requestedAt: { type: Date, required: true },
    succeededAt: { type: Date, default: null },
    /** When the purpose's onRefunded ran (null: still to do; the reconciler retries). */
    handledAt: { type: Date, default: null },
  },
  { _id: false },
);

const paymentOrderSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    /** What is paid for (e.g. appointment_deposit) and which record of that domain. */
    purpose: { type: String, required: true },
    referenceId: { type: String, required: true },
    /** Our order number at WeChat Pay: unique, unguessable, 32 characters. */
    outTradeNo: { type: String, required: true, unique: true },
    /** From the server's price, never from a client. */
    amountFen: { type: Number, required: true },
    description: { type: String, required: true },
    status: { type: String, enum: PAYMENT_STATUSES, required: true },
    expiresAt: { type: Date, required: true },
    /** The prepay order at WeChat Pay (valid two hours), for the openid it was made for. */
    prepayId: { type: String, default: null },
    prepayCreatedAt: { type: Date, default: null },
    payerOpenid: { type: String, default: null },
    transactionId: { type: String, default: null },
    paidAt: { type: Date, default: null },
    /** How the payment became known: its notification, or an order query (reconciliation). */
    paidVia: { type: String, enum: ['notification', 'query', null], default: null },
    /** Paid although already closed here: refunded automatically, the purpose is not asked. */
    paidAfterClose: { type: Boolean, default: false },
    closedAt: { type: Date, default: null },
    /** After payment: when the purpose's onPaid ran to the end, and what it answered. */
    handledAt: { type: Date, default: null },
    handleOutcome: { type: String, enum: ['accepted', 'rejected', null], default: null },
    /** Whoever runs onPaid holds this lease; an expired lease (a crash) lets the reconciler run it again. */
    handleLeaseUntil: { type: Date, default: null },
    handleAttempts: { type: Number, default: 0 },
    /** What may still be refunded: the paid amount less every refund not closed or failed. */
    refundableFen: { type: Number, default: 0 },
    refundedFen: { type: Number, default: 0 },
    refunds: { type: [refundSchema], default: [] },
    /** Bumped by every change of status, refunds or amounts: settling the status is conditional on it. */
    rev: { type: Number, default: 0 },
  },
  { timestamps: true },
);
paymentOrderSchema.index({ organisationId: 1, purpose: 1, referenceId: 1, createdAt: -1 });
paymentOrderSchema.index({ organisationId: 1, customerId: 1, createdAt: -1 });
// The reconciler's queries.
paymentOrderSchema.index({ status: 1, createdAt: 1 });
paymentOrderSchema.index({ status: 1, expiresAt: 1 });
paymentOrderSchema.index({ handledAt: 1, paidAt: 1 });
paymentOrderSchema.index({ 'refunds.status': 1 });

export type PaymentOrderDocument = InferSchemaType<typeof paymentOrderSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};
export type PaymentRefundDocument = PaymentOrderDocument['refunds'][number];

export const PaymentOrderModel = mongoose.model('PaymentOrder', paymentOrderSchema, 'payment_orders');
