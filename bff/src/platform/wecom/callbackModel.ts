/**
 * The durable queue of WeCom callbacks (`wecom_callbacks`): one item per distinct decrypted message, however many
 * times WeCom delivers it (the unique `hash`). Items are claimed with a lease and processed handler by handler.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const wecomCallbackSchema = new Schema(
  {
    /** sha256 of the decrypted message: WeCom's retries deliver the identical message. */
    hash: { type: String, required: true, unique: true },
    corpId: { type: String, required: true },
    /** The decrypted XML and its elements; cleared once processed (only the hash is needed after that). */
    message: { type: String, default: null },
    fields: { type: Schema.Types.Mixed, default: null },
    /** Event, ChangeType and ExternalUserID, kept after processing for inspection. */
    event: { type: String, default: '' },
    changeType: { type: String, default: null },
    externalUserId: { type: String, default: null },
    /** pending: to process (when nextAttemptAt is due and no live lease); done; failed: gave up after many tries. */
    status: { type: String, enum: ['pending', 'done', 'failed'], default: 'pending' },
    /** Handlers that finished; a retry runs only the others. */
    handlersDone: { type: [String], default: [] },
    /** Processing attempts (claims) so far. */
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    nextAttemptAt: { type: Date, required: true },
    leaseOwner: { type: String, default: null },
    leaseUntil: { type: Date, default: null },
    /** How many times WeCom delivered this message. */
    deliveries: { type: Number, default: 0 },
    receivedAt: { type: Date, required: true },
    doneAt: { type: Date, default: null },
  },
  { timestamps: true, versionKey: false },
);
wecomCallbackSchema.index({ status: 1, nextAttemptAt: 1 });

export type WecomCallbackDocument = InferSchemaType<typeof wecomCallbackSchema> & { _id: mongoose.Types.ObjectId };

export const WecomCallbackModel = mongoose.model('WecomCallback', wecomCallbackSchema, 'wecom_callbacks');
