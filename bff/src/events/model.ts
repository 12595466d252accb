import mongoose, { Schema, type Types } from 'mongoose';

/**
 * One behaviour event of a customer: from the mini-program (`source: 'miniapp'`), or recorded by a domain of the
 * backend through `recordEvent`. Append-only, except that a merge moves events to the surviving customer and an
 * erasure clears `properties` and replaces `sourceEventId` with `erased:<_id>` (source ids name other records).
 *
 * `sourceEventId` is the event's id at its source; (organisationId, source, sourceEventId) is unique, which is
 * what makes a resend or a repeated `recordEvent` store the event once.
 */
const eventSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    receivedAt: { type: Date, required: true },
    source: { type: String, required: true },
    sourceEventId: { type: String, required: true },
    properties: { type: Schema.Types.Mixed, default: {} },
    /** The staff member who caused the event, for staff-caused events. */
    actor: { type: String },
  },
  { minimize: false, versionKey: false },
);
// The dedupe guard.
eventSchema.index({ organisationId: 1, source: 1, sourceEventId: 1 }, { unique: true });
// A customer's timeline, newest first (and the merge and privacy steps, by its prefix).
eventSchema.index({ organisationId: 1, customerId: 1, occurredAt: -1, _id: -1 });
// Customers with event X in window W (segments, dynamic tags); customerId last so such a query is covered.
eventSchema.index({ organisationId: 1, type: 1, occurredAt: 1, customerId: 1 });
// Events in the order they were stored, across organisations (subscribers' repair passes, e.g. journeys' replay).
eventSchema.index({ receivedAt: 1, _id: 1 });

export interface EventDocument {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  customerId: Types.ObjectId;
  type: string;
  occurredAt: Date;
  receivedAt: Date;
  source: string;
  sourceEventId: string;
  properties: Record<string, unknown>;
  actor?: string;
}

export const EventModel = mongoose.model('Event', eventSchema, 'events');
