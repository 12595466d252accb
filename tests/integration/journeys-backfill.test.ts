/**
 * Key dates for what was stored before a key-date journey went live: events (a date property) and claimed coupons
 * get their key dates from the backfill job; dates already past, empty or epoch are not scheduled; running the
 * backfill again, or on two instances at once, schedules each date once.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { claimCoupon } from '../../bff/src/coupons/service';
import { JourneyBackfillModel, KeyDateModel } from '../../bff/src/journeys/model';
import { keyDateBackfillOf, runKeyDateBackfills } from '../../bff/src/journeys/backfill';
import {
  archiveJourneys,
  couponTemplate,
  DAY,
  engine,
  enrolmentsOf,
  event,
  holdJob,
  journeyTestContext,
  liveJourney,
  newPatient,
} from './journeys-support';

const t = journeyTestContext('journeys-backfill');

beforeAll(async () => {
  // The BFF's own backfill job stays out of the way: these tests run it themselves.
  await holdJob('journey-key-date-backfill');
});

afterEach(async () => {
  await archiveJourneys(t);
});

/** A local (Asia/Shanghai) date, YYYY-MM-DD. */
const local = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

const backfill = (instanceId = 'test') => runKeyDateBackfills({ now: t.t0, instanceId });

const keyDatesOf = (journeyId: string) => KeyDateModel.find({ journeyId }).lean();

/**
 * A patient with a visit on each day from `first` to `last` days after t0, stored before a journey went live that
 * enters on every visit day at 09:00 and tags the customer.
 */
async function visitsAndJourney(first: number, last: number, tag: string) {
  const patient = await newPatient(t);
  for (let days = first; days <= last; days++) {
    await event(t, patient.customerId, 'appointment.arrived', { visitDate: local(t.at(days)) });
  }
  const journey = await liveJourney(t, {
    entry: {
      kind: 'key_date',
      date: { kind: 'event', event: 'appointment.arrived', property: 'visitDate' },
      offsetDays: 0,
      at: '09:00',
    },
    reEntry: { policy: 'always' },
    start: 'x',
    steps: [{ id: 'x', type: 'add_tag', tag }],
  });
  return { patient, journey };
}

describe('key-date backfill', () => {
  it('events stored before the journey went live get their key dates; past, empty and epoch dates do not', async () => {
    const upcoming = await newPatient(t);
    const past = await newPatient(t);
    const placeholder = await newPatient(t);
    await event(t, upcoming.customerId, 'appointment.arrived', { visitDate: local(t.at(10)) });
    await event(t, past.customerId, 'appointment.arrived', { visitDate: local(t.at(-10)) });
    for (const visitDate of ['', '1970-01-01', 0]) {
      await event(t, placeholder.customerId, 'appointment.arrived', { visitDate });
    }
    const journey = await liveJourney(t, {
      entry: {
        kind: 'key_date',
        date: { kind: 'event', event: 'appointment.arrived', property: 'visitDate' },
        offsetDays: -1,
        at: '09:00',
      },
      start: 'x',
      steps: [{ id: 'x', type: 'add_tag', tag: '复诊前' }],
    });
    expect(await keyDatesOf(journey.id)).toHaveLength(0);

    const result = await backfill();
    expect(result).toMatchObject({ journeys: 1, finished: 1, scheduled: 1 });
    expect(await keyDatesOf(journey.id)).toMatchObject([
      { customerId: expect.anything(), date: local(t.at(10)), status: 'scheduled' },
    ]);
    expect(String((await keyDatesOf(journey.id))[0]!.customerId)).toBe(upcoming.customerId);
    // The eve of the visit at 09:00: the customer enters then, and only that one.
    await engine(t.at(8));
    expect(await enrolmentsOf(journey.id)).toHaveLength(0);
    await engine(t.at(9));
    expect((await enrolmentsOf(journey.id)).map((enrolment) => String(enrolment.customerId))).toEqual([
      upcoming.customerId,
    ]);
  });

  it('coupons claimed before a coupon-expiry journey went live get their key dates; expired and other templates do not', async () => {
    const template = await couponTemplate(t, '回填券');
    const other = await couponTemplate(t, '别的券');
    const holder = await newPatient(t);
    const lapsed = await newPatient(t);
    const claim = (templateId: string, customerId: string, now: Date) =>
      claimCoupon({
        organisationId: t.org,
        templateId,
        customerId,
        campaignId: null,
        requestId: `backfill-${customerId}-${templateId}`,
        now,
      });
    const coupon = await claim(template.id, holder.customerId, t.t0);
    await claim(other.id, holder.customerId, t.t0);
    // Claimed 100 days ago with 60 days' validity: expired 40 days ago.
    await claim(template.id, lapsed.customerId, new Date(t.t0.getTime() - 100 * DAY));
    const journey = await liveJourney(t, {
      entry: {
        kind: 'key_date',
        date: { kind: 'coupon_expiry', templateId: template.id },
        offsetDays: -30,
        at: '10:00',
      },
      start: 'x',
      steps: [{ id: 'x', type: 'add_tag', tag: '券快到期' }],
    });

    await backfill();
    const keyDates = await keyDatesOf(journey.id);
    expect(keyDates).toHaveLength(1);
    expect(keyDates[0]).toMatchObject({ key: `coupon:${coupon.id}`, date: local(new Date(coupon.expiresAt)) });
    expect(String(keyDates[0]!.customerId)).toBe(holder.customerId);
  });

  it('running the backfill again, and on two instances at once, schedules each date once', async () => {
    const { patient, journey } = await visitsAndJourney(5, 7, '复诊');

    const both = await Promise.all([
      runKeyDateBackfills({ now: t.t0, instanceId: 'a', batchSize: 2 }),
      runKeyDateBackfills({ now: t.t0, instanceId: 'b', batchSize: 2 }),
    ]);
    // Earlier tests' events of the type count too: every date stored is scheduled by one of the two.
    const scheduled = await keyDatesOf(journey.id);
    expect(both.reduce((sum, result) => sum + result.scheduled, 0)).toBe(scheduled.length);
    expect(scheduled.filter((keyDate) => String(keyDate.customerId) === patient.customerId)).toHaveLength(3);
    expect(await backfill()).toMatchObject({ journeys: 0, scheduled: 0 });
    // Even started over from nothing, it finds every date scheduled already.
    await JourneyBackfillModel.deleteMany({ journeyId: journey.id });
    expect(await backfill()).toMatchObject({ journeys: 1, scheduled: 0 });
    expect(await keyDatesOf(journey.id)).toHaveLength(scheduled.length);
    expect(await keyDateBackfillOf(journey.id, journey.version)).toMatchObject({ status: 'done', scheduled: 0 });
  });

  it('a backfill stopped by its budget goes on from its cursor in the next run', async () => {
    const { patient, journey } = await visitsAndJourney(3, 6, '分批');
    // Earlier tests' treatment events are read too (in time order): the budget stops the first run part-way.
    const first = await runKeyDateBackfills({ now: t.t0, instanceId: 'test', batchSize: 2, maxItems: 2 });
    expect(first).toMatchObject({ journeys: 1, finished: 0, read: 2 });
    expect(await keyDateBackfillOf(journey.id, journey.version)).toMatchObject({ status: 'running', read: 2 });
    for (let run = 0; run < 10; run++) {
      const next = await runKeyDateBackfills({ now: t.t0, instanceId: 'test', batchSize: 2, maxItems: 2 });
      if (next.finished) break;
    }
    const row = await keyDateBackfillOf(journey.id, journey.version);
    expect(row).toMatchObject({ status: 'done' });
    const mine = (await keyDatesOf(journey.id)).filter((keyDate) => String(keyDate.customerId) === patient.customerId);
    expect(mine.map((keyDate) => keyDate.date).sort()).toEqual([3, 4, 5, 6].map((days) => local(t.at(days))));
  });
});
