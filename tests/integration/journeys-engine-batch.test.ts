/**
 * The engine's batched bookkeeping: a claim takes a row only as it was read (a window of due rows read once serves
 * several batches, so rows may change after the read), and an execution's final update still applies when its
 * status changed from the one the run saw to another status under way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ExecutionModel, EnrolmentModel } from '../../bff/src/journeys/model';
import { setJourneyFaultHook } from '../../bff/src/journeys/runtime';
import {
  DAY,
  MINUTE,
  engine,
  enrolmentsOf,
  event,
  failAt,
  journeyTestContext,
  liveJourney,
  newPatient,
  NO_SHOW_ENTRY,
  noShowJourneyWithPatient,
  resetJourneyEngine,
  tagsOf,
} from './journeys-support';

const t = journeyTestContext('journeys_engine_batch');

afterEach(() => resetJourneyEngine(t));

/** A patient in a one-step journey (add `tag`) whose first attempt failed: the execution waits to be retried. */
async function tagStepFailedOnce(tag: string) {
  const entered = await noShowJourneyWithPatient(t, [{ id: 'tag', type: 'add_tag', tag }]);
  failAt('before_effect', 'downstream unavailable');
  await engine(t.t0);
  return entered;
}

/**
 * While the retry runs, just before its effect, the execution is cancelled (as an exit racing with it would); then
 * the step fails with `error`, if given.
 */
function cancelWhileRetrying(journeyId: string, error?: string) {
  setJourneyFaultHook(async (context) => {
    if (context.point !== 'before_effect') return;
    await ExecutionModel.updateOne({ journeyId, status: 'retrying' }, { $set: { status: 'cancelled' } });
    if (error) throw new Error(error);
  });
}

describe('claims from a window read before', () => {
  it('a row moved on by someone else after the window was read is not claimed', async () => {
    const journey = await liveJourney(t, {
      entry: NO_SHOW_ENTRY,
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
    const { journey, patient } = await tagStepFailedOnce('取消后完成');
    expect(await ExecutionModel.findOne({ journeyId: journey.id }).lean()).toMatchObject({ status: 'retrying' });
    cancelWhileRetrying(journey.id);
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
    const { journey } = await tagStepFailedOnce('重试计数');
    // The second failure comes after the execution was cancelled meanwhile: still one more attempt, not two.
    cancelWhileRetrying(journey.id, 'downstream still unavailable');
    await engine(new Date(t.t0.getTime() + 2 * MINUTE));

    expect(await ExecutionModel.findOne({ journeyId: journey.id }).lean()).toMatchObject({
      status: 'retrying',
      attempts: 2,
      lastError: 'downstream still unavailable',
    });
    expect((await enrolmentsOf(journey.id))[0]).toMatchObject({ status: 'active', state: 'waiting' });
  });
});
