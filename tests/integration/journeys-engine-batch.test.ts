/**
 * The engine's batched bookkeeping: a claim takes a row only as it was read (a window of due rows read once serves
 * several batches, so rows may change after the read), and an execution's final update still applies when its
 * status changed from the one the run saw to another status under way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ExecutionModel, EnrolmentModel } from '../../bff/src/journeys/model';
import { setJourneyFaultHook } from '../../bff/src/journeys/runtime';
import {
  archiveJourneys,
  DAY,
  MINUTE,
  engine,
  enrolmentsOf,
  event,
  journeyTestContext,
  liveJourney,
  newPatient,
  tagsOf,
} from './journeys-support';

const t = journeyTestContext('journeys_engine_batch');
const trigger = { kind: 'triggered', event: 'appointment.no_show' };

afterEach(async () => {
  setJourneyFaultHook(null);
  t.setNow(t.t0);
  await archiveJourneys(t);
});

describe('claims from a window read before', () => {
  it('a row moved on by someone else after the window was read is not claimed', async () => {
    const journey = await liveJourney(t, {
      entry: trigger,
      start: 'tag',
      steps: [{ id: 'tag', type: 'add_tag', tag: '窗口' }],
    });
    const first = await newPatient(t);
    const second = await newPatient(t);
    await event(t, first.customerId, 'appointment.no_show');
    await event(t, second.customerId, 'appointment.no_show');
    const later = new Date(t.t0.getTime() + DAY);
    let moved: string | null = null;
    // Batches of one: the run reads both due rows at once, claims one, and (here) the other is moved on meanwhile.
    setJourneyFaultHook(async (context) => {
      if (context.point !== 'claimed' || moved) return;
      const [other] = await EnrolmentModel.find({ journeyId: journey.id, state: 'waiting' }).lean();
      moved = String(other!.customerId);
      await EnrolmentModel.updateOne({ _id: other!._id }, { $set: { dueAt: later } });
    });
    const result = await engine(t.t0, { batchSize: 1 });

    expect(result.claimed).toBe(1);
    const untouched = (await enrolmentsOf(journey.id, moved!))[0]!;
    expect(untouched).toMatchObject({ state: 'waiting', seq: 1, leaseToken: null });
    expect(untouched.dueAt).toEqual(later);
    expect(await tagsOf(t, moved!)).toEqual([]);
    expect(await ExecutionModel.countDocuments({ journeyId: journey.id, customerId: moved })).toBe(0);
  });
});

describe('final updates of executions', () => {
  it('a step whose execution was cancelled while it ran still records its result, and the customer goes on', async () => {
    const journey = await liveJourney(t, {
      entry: trigger,
      start: 'tag',
      steps: [{ id: 'tag', type: 'add_tag', tag: '取消后完成' }],
    });
    const patient = await newPatient(t);
    await event(t, patient.customerId, 'appointment.no_show');
    // First attempt fails (the execution waits to be retried) …
    setJourneyFaultHook((context) => {
      if (context.point === 'before_effect') throw new Error('downstream unavailable');
    });
    await engine(t.t0);
    expect(await ExecutionModel.findOne({ journeyId: journey.id }).lean()).toMatchObject({ status: 'retrying' });
    // … and while the retry runs, the execution is cancelled (as an exit racing with it would).
    setJourneyFaultHook(async (context) => {
      if (context.point !== 'before_effect') return;
      await ExecutionModel.updateOne({ journeyId: journey.id, status: 'retrying' }, { $set: { status: 'cancelled' } });
    });
    await engine(new Date(t.t0.getTime() + 2 * MINUTE));

    expect(await tagsOf(t, patient.customerId)).toEqual(['取消后完成']);
    expect(await ExecutionModel.findOne({ journeyId: journey.id }).lean()).toMatchObject({
      status: 'done',
      outcome: 'tagged',
      attempts: 1,
    });
    expect((await enrolmentsOf(journey.id))[0]).toMatchObject({ status: 'completed' });
  });

  it('a retry counts one attempt per failure, whatever status the run saw', async () => {
    const journey = await liveJourney(t, {
      entry: trigger,
      start: 'tag',
      steps: [{ id: 'tag', type: 'add_tag', tag: '重试计数' }],
    });
    const patient = await newPatient(t);
    await event(t, patient.customerId, 'appointment.no_show');
    setJourneyFaultHook((context) => {
      if (context.point === 'before_effect') throw new Error('downstream unavailable');
    });
    await engine(t.t0);
    // The second failure comes after the execution was cancelled meanwhile: still one more attempt, not two.
    setJourneyFaultHook(async (context) => {
      if (context.point !== 'before_effect') return;
      await ExecutionModel.updateOne({ journeyId: journey.id, status: 'retrying' }, { $set: { status: 'cancelled' } });
      throw new Error('downstream still unavailable');
    });
    await engine(new Date(t.t0.getTime() + 2 * MINUTE));

    expect(await ExecutionModel.findOne({ journeyId: journey.id }).lean()).toMatchObject({
      status: 'retrying',
      attempts: 2,
      lastError: 'downstream still unavailable',
    });
    expect((await enrolmentsOf(journey.id))[0]).toMatchObject({ status: 'active', state: 'waiting' });
  });
});
