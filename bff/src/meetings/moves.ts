/**
 * Moving one registration attempt between statuses: a conditional update of the registration (its ticket and the
 * status it is expected to be in), and the move's timeline event, recorded by the call that made the move. Event ids
 * are `<type>:<registrationId>:<attempt>`, so a retried step never records one twice.
 */
import { MeetingRegistrationModel } from './model';
import { recordMeetingEvent, type MeetingDoc, type MeetingEventType, type RegistrationDoc } from './store';

type MeetingRef = Pick<MeetingDoc, '_id' | 'organisationId' | 'title'>;
type RegistrationRef = Pick<RegistrationDoc, '_id' | 'ticket' | 'attempt' | 'customerId'>;

export const eventKey = (reg: Pick<RegistrationDoc, '_id' | 'attempt'>) => `${String(reg._id)}:${reg.attempt}`;

/** Records an event of this registration attempt (idempotent). */
export async function recordRegistrationEvent(
  meeting: MeetingRef,
  reg: Pick<RegistrationDoc, '_id' | 'attempt' | 'customerId'>,
  type: MeetingEventType,
  extra: { properties?: Record<string, unknown>; actor?: string | null } = {},
) {
  await recordMeetingEvent({
    meeting,
    customerId: reg.customerId,
    type,
    key: eventKey(reg),
    registrationId: reg._id,
    ...extra,
  });
}

/**
 * Sets `set` on the attempt if it still matches `from` (e.g. `{ status: 'pending' }`); true when this call made the
 * move, and then records `event`. Concurrent callers: one wins, the others answer false.
 */
export async function moveRegistration(
  meeting: MeetingRef,
  reg: RegistrationRef,
  from: Record<string, unknown>,
  set: Record<string, unknown>,
  event?: { type: MeetingEventType; properties?: Record<string, unknown> },
): Promise<boolean> {
  const moved = await MeetingRegistrationModel.updateOne({ _id: reg._id, ticket: reg.ticket, ...from }, { $set: set });
  if (moved.modifiedCount !== 1) return false;
  if (event) await recordRegistrationEvent(meeting, reg, event.type, { properties: event.properties });
  return true;
}
