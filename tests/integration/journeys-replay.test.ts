/**
 * The replay of events the journeys' event subscriber lost (a crash between the store and the subscriber): the lost
 * entry and exit happen once the replay job runs, exactly once however often and on however many instances it runs;
 * its checkpoint advances; an event received before the journey went live, or while it was paused, never enters.
 * The journey clock is the real one here (the replay counts from when events were received).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventModel } from '../../bff/src/events/model';
import { eventsReceivedBetween } from '../../bff/src/events/service';
import { EnrolmentModel, JourneyEventMarkModel, JourneyReplayModel } from '../../bff/src/journeys/model';
import { REPLAY_SETTLE_MS, replayEvent, replayLostJourneyEvents } from '../../bff/src/journeys/replay';
import { SimulatedCrash, setJourneyClock, setJourneyFaultHook } from '../../bff/src/journeys/runtime';
import {
  archiveJourneys,
  enrolmentsOf,
  event,
  holdJob,
  journeyTestContext,
  liveJourney,
  newPatient,
} from './journeys-support';

const t = journeyTestContext('journeys-replay');

beforeAll(async () => {
  setJourneyClock(null);
  // The BFF's own replay job stays out of the way: these tests run the replay themselves.
  await holdJob('journey-event-replay');
});

afterEach(async () => {
  setJourneyFaultHook(null);
  await archiveJourneys(t);
});

/** The journeys' event subscriber crashes (the process dies after storing the event) until restored. */
function crashSubscriber() {
  setJourneyFaultHook((context) => {
    if (context.point === 'event_subscriber') throw new SimulatedCrash(context.point);
  });
}

/** A replay run as if a little later than the settle delay, so that the events just stored are read. */
const replay = (instanceId = 'test') =>
  replayLostJourneyEvents({ instanceId, now: new Date(Date.now() + REPLAY_SETTLE_MS + 1000) });

const noShowTrigger = { kind: 'triggered', event: 'appointment.no_show' };
const tagSteps = {
  start: 'wait',
  steps: [
    { id: 'wait', type: 'wait', duration: { days: 1 }, next: 'tag' },
    { id: 'tag', type: 'add_tag', tag: '补发' },
  ],
};

const storedEvent = async (customerId: string, type: string) =>
  EventModel.findOne({ customerId, type }).sort({ receivedAt: -1 }).lean();

describe('the replay of lost events', () => {
  it('an entry lost to a subscriber crash enters the customer when the replay runs, as of when the event came', async () => {
    const journey = await liveJourney(t, { entry: noShowTrigger, reEntry: { policy: 'always' }, ...tagSteps });
    const patient = await newPatient(t);
    crashSubscriber();
    await event(t, patient.customerId, 'appointment.no_show');
    setJourneyFaultHook(null);
    expect(await enrolmentsOf(journey.id, patient.customerId)).toHaveLength(0);

    const result = await replay();
    expect(result).toMatchObject({ taken: true, replayed: 1 });
    const enrolments = await enrolmentsOf(journey.id, patient.customerId);
    expect(enrolments).toHaveLength(1);
    const stored = await storedEvent(patient.customerId, 'appointment.no_show');
    expect(enrolments[0]).toMatchObject({
      status: 'active',
      entryKey: `event:server:${stored!.sourceEventId}`,
      enteredAt: stored!.receivedAt,
      // The first wait ends a day after the event came, as it would have with the subscriber.
      dueAt: new Date(stored!.receivedAt.getTime() + 86_400_000),
    });
  });

  it('a lost entry enters exactly once when the replay runs twice at once on two instances, again, and per event at once', async () => {
    const journey = await liveJourney(t, { entry: noShowTrigger, reEntry: { policy: 'always' }, ...tagSteps });
    const patient = await newPatient(t);
    crashSubscriber();
    await event(t, patient.customerId, 'appointment.no_show');
    setJourneyFaultHook(null);

    const both = await Promise.all([replay('instance-a'), replay('instance-b')]);
    expect(both.filter((result) => result.taken)).toHaveLength(1);
    await replay('instance-b');
    // Even with its handled mark gone, two passes of the same event at once enrol once.
    await JourneyEventMarkModel.deleteMany({});
    const stored = await storedEvent(patient.customerId, 'appointment.no_show');
    const at = stored!.receivedAt;
    const batch = await eventsReceivedBetween(at, new Date(at.getTime() + 1), null, 100);
    const received = batch.find((item) => item.sourceEventId === stored!.sourceEventId)!;
    await Promise.all([replayEvent(received), replayEvent(received)]);

    expect(await enrolmentsOf(journey.id, patient.customerId)).toHaveLength(1);
    const entered = await EventModel.countDocuments({ customerId: patient.customerId, type: 'journey.entered' });
    expect(entered).toBe(1);
  });

  it('an entry whose process died right after storing the enrolment gets its journey.entered once from the replay', async () => {
    const journey = await liveJourney(t, { entry: noShowTrigger, reEntry: { policy: 'always' }, ...tagSteps });
    const patient = await newPatient(t);
    setJourneyFaultHook((context) => {
      if (context.point === 'enrolled') throw new SimulatedCrash(context.point);
    });
    await event(t, patient.customerId, 'appointment.no_show');
    setJourneyFaultHook(null);
    expect(await enrolmentsOf(journey.id, patient.customerId)).toHaveLength(1);
    const entered = () => EventModel.countDocuments({ customerId: patient.customerId, type: 'journey.entered' });
    expect(await entered()).toBe(0);

    await replay();
    await replay('another');
    expect(await enrolmentsOf(journey.id, patient.customerId)).toHaveLength(1);
    expect(await entered()).toBe(1);
  });

  it('an exit event lost to a subscriber crash still ends the enrolment when the replay runs', async () => {
    const journey = await liveJourney(t, {
      entry: noShowTrigger,
      exitOn: [{ event: 'appointment.booked' }],
      ...tagSteps,
    });
    const patient = await newPatient(t);
    await event(t, patient.customerId, 'appointment.no_show');
    expect(await enrolmentsOf(journey.id, patient.customerId)).toMatchObject([{ status: 'active' }]);
    crashSubscriber();
    await event(t, patient.customerId, 'appointment.booked');
    setJourneyFaultHook(null);
    expect(await enrolmentsOf(journey.id, patient.customerId)).toMatchObject([{ status: 'active' }]);

    await replay();
    expect(await enrolmentsOf(journey.id, patient.customerId)).toMatchObject([
      { status: 'exited', exitReason: 'event:appointment.booked' },
    ]);
  });

  it('a replayed exit event does not end an enrolment that began after the event came', async () => {
    const journey = await liveJourney(t, {
      entry: noShowTrigger,
      exitOn: [{ event: 'appointment.booked' }],
      ...tagSteps,
    });
    const patient = await newPatient(t);
    crashSubscriber();
    await event(t, patient.customerId, 'appointment.booked');
    setJourneyFaultHook(null);
    await event(t, patient.customerId, 'appointment.no_show');

    await replay();
    expect(await enrolmentsOf(journey.id, patient.customerId)).toMatchObject([{ status: 'active' }]);
  });

  it('an event the subscriber handled is not replayed after the customer left the journey', async () => {
    const journey = await liveJourney(t, {
      entry: noShowTrigger,
      reEntry: { policy: 'always' },
      exitOn: [{ event: 'appointment.booked' }],
      ...tagSteps,
    });
    const patient = await newPatient(t);
    await event(t, patient.customerId, 'appointment.no_show');
    // Already inside: the subscriber enrols no one for the second one.
    await event(t, patient.customerId, 'appointment.no_show');
    await event(t, patient.customerId, 'appointment.booked');

    await replay();
    expect(await enrolmentsOf(journey.id, patient.customerId)).toMatchObject([{ status: 'exited' }]);
  });

  it('the checkpoint advances with each run, up to the settle delay before the run', async () => {
    const first = await replay();
    const row = await JourneyReplayModel.findById('events').lean();
    expect(row!.checkpoint).toEqual(first.checkpoint);
    expect(row!.leaseOwner).toBeNull();
    const later = new Date(Date.now() + 60_000);
    const second = await replayLostJourneyEvents({ instanceId: 'test', now: later });
    expect(second.taken).toBe(true);
    expect(second.checkpoint).toEqual(new Date(later.getTime() - REPLAY_SETTLE_MS));
    expect(second.checkpoint!.getTime()).toBeGreaterThan(first.checkpoint!.getTime());
    expect((await JourneyReplayModel.findById('events').lean())!.checkpoint).toEqual(second.checkpoint);
  });

  it('an event received before the journey went live never enters it', async () => {
    const patient = await newPatient(t);
    crashSubscriber();
    await event(t, patient.customerId, 'appointment.no_show');
    setJourneyFaultHook(null);
    const journey = await liveJourney(t, { entry: noShowTrigger, ...tagSteps });

    await replay();
    expect(await enrolmentsOf(journey.id, patient.customerId)).toHaveLength(0);
  });

  it('an event received while the journey was paused does not enter it after it resumes', async () => {
    const journey = await liveJourney(t, { entry: noShowTrigger, ...tagSteps });
    const pause = (action: string) =>
      t.bff.call('POST', `/api/staff/journeys/${journey.id}/${action}`, { token: t.manager.accessToken });
    expect((await pause('pause')).status).toBe(200);
    const patient = await newPatient(t);
    crashSubscriber();
    await event(t, patient.customerId, 'appointment.no_show');
    setJourneyFaultHook(null);
    expect((await pause('resume')).status).toBe(200);

    await replay();
    expect(await enrolmentsOf(journey.id, patient.customerId)).toHaveLength(0);
  });

  it('an event lost while the journey was live enters it even though the journey is paused when the replay runs', async () => {
    const journey = await liveJourney(t, { entry: noShowTrigger, ...tagSteps });
    const patient = await newPatient(t);
    crashSubscriber();
    await event(t, patient.customerId, 'appointment.no_show');
    setJourneyFaultHook(null);
    await t.bff.call('POST', `/api/staff/journeys/${journey.id}/pause`, { token: t.manager.accessToken });

    await replay();
    expect(await EnrolmentModel.countDocuments({ journeyId: journey.id, customerId: patient.customerId })).toBe(1);
  });
});
