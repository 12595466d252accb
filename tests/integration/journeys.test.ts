/**
 * Journeys on the real database and HTTP, with the journey clock under the test's control: definitions and their
 * validation, each entry kind, re-entry policies, exit events, quiet hours, the frequency cap, consent withdrawal at
 * execution time, versions and migration, pause and archive, analytics, the sidebar's view, merge and erasure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findTagByName } from '../../bff/src/tags/library';
import { addTag } from '../../bff/src/tags/service';
import { claimCoupon } from '../../bff/src/coupons/service';
import { mergeCustomers } from '../../bff/src/identity/merge';
import { EnrolmentModel, ExecutionModel } from '../../bff/src/journeys/model';
import { CustomerModel } from '../../bff/src/identity/model';
import {
  archiveJourneys,
  couponTemplate,
  couponsOf,
  engine,
  enrolmentsOf,
  event,
  journeyTestContext,
  liveJourney,
  newPatient,
  smsTo,
  tagsOf,
  tasksOf,
} from './journeys-support';

const t = journeyTestContext('journeys');

afterEach(async () => {
  t.setNow(t.t0);
  await archiveJourneys(t);
});

const noShowTrigger = { kind: 'triggered', event: 'appointment.no_show' };

describe('definitions', () => {
  it('a broken graph is refused, each problem pointing at its step', async () => {
    const response = await t.bff.call('POST', '/api/staff/journey-definitions/validate', {
      token: t.manager.accessToken,
      body: {
        definition: {
          entry: noShowTrigger,
          start: 'a',
          steps: [
            { id: 'a', type: 'add_tag', tag: '失约', next: 'missing' },
            { id: 'b', type: 'wait', duration: { days: 1 }, next: null },
          ],
        },
      },
    });
    expect(response.status).toBe(200);
    expect(response.body.valid).toBe(false);
    expect(response.body.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stepId: 'a', path: 'steps.0.next', message: expect.stringContaining('missing') }),
        expect.objectContaining({ stepId: 'b', message: 'cannot be reached from the start' }),
      ]),
    );
    const created = await t.bff.call('POST', '/api/staff/journeys', {
      token: t.manager.accessToken,
      body: {
        name: '坏旅程',
        definition: { entry: noShowTrigger, start: 'a', steps: [{ id: 'a', type: 'wait', next: null }] },
      },
    });
    expect(created.status).toBe(400);
    expect(created.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'definition.steps.0' })]),
    );
  });

  it('a step naming a coupon template that does not exist is refused on that step', async () => {
    const response = await t.bff.call('POST', '/api/staff/journeys', {
      token: t.manager.accessToken,
      body: {
        name: '发券',
        definition: {
          entry: noShowTrigger,
          start: 'coupon',
          steps: [{ id: 'coupon', type: 'issue_coupon', couponTemplateId: '0123456789abcdef01234567' }],
        },
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('JOURNEY_INVALID');
    expect(response.body.error.details).toEqual([
      { stepId: 'coupon', path: 'steps.0.couponTemplateId', message: 'no such coupon template' },
    ]);
  });

  it('consultants read journeys; only managers change them', async () => {
    const journey = await liveJourney(t, {
      entry: noShowTrigger,
      start: 'a',
      steps: [{ id: 'a', type: 'add_tag', tag: 'x' }],
    });
    const read = await t.bff.call('GET', `/api/staff/journeys/${journey.id}`, { token: t.consultant.accessToken });
    expect(read.status).toBe(200);
    const pause = await t.bff.call('POST', `/api/staff/journeys/${journey.id}/pause`, {
      token: t.consultant.accessToken,
    });
    expect(pause.status).toBe(403);
  });
});

describe('entries', () => {
  it('a triggered journey enrols on its event and runs its steps in order as the clock moves', async () => {
    const journey = await liveJourney(t, {
      entry: noShowTrigger,
      start: 'tag',
      steps: [
        { id: 'tag', type: 'add_tag', tag: '失约', next: 'wait' },
        { id: 'wait', type: 'wait', duration: { days: 1 }, next: 'call' },
        { id: 'call', type: 'create_task', title: '失约回访', script: '{{name}}您好' },
      ],
    });
    const patient = await newPatient(t);
    await event(t, patient.customerId, 'appointment.no_show', { appointmentId: 'a1' });
    expect(await enrolmentsOf(journey.id, patient.customerId)).toHaveLength(1);

    await engine(t.t0);
    expect(await tagsOf(t, patient.customerId)).toContain('失约');
    await engine(t.at(0, 12));
    expect(await tasksOf(t, patient.customerId)).toHaveLength(0);
    await engine(t.at(1, 0.1));
    const tasks = await tasksOf(t, patient.customerId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ title: '失约回访', type: 'follow_up_call' });
    expect(tasks[0]!.script).toContain('患者');
    const [enrolment] = await enrolmentsOf(journey.id, patient.customerId);
    expect(enrolment).toMatchObject({ status: 'completed', exitReason: 'completed' });
  });

  it('a triggered journey with a property filter ignores events that do not match', async () => {
    const journey = await liveJourney(t, {
      entry: { kind: 'triggered', event: 'tag.added', where: [{ property: 'name', op: 'eq', value: '种植意向' }] },
      start: 'a',
      steps: [{ id: 'a', type: 'add_tag', tag: '跟进中' }],
    });
    const other = await newPatient(t);
    const lead = await newPatient(t);
    await addTag(t.org, other.customerId, { name: '正畸意向', source: 'manual', setBy: t.manager.staff.id });
    await addTag(t.org, lead.customerId, { name: '种植意向', source: 'manual', setBy: t.manager.staff.id });
    expect(await enrolmentsOf(journey.id, other.customerId)).toHaveLength(0);
    expect(await enrolmentsOf(journey.id, lead.customerId)).toHaveLength(1);
  });

  it('an exit event ends the enrolment at once and its waiting step never runs', async () => {
    const journey = await liveJourney(t, {
      entry: noShowTrigger,
      exitOn: [{ event: 'appointment.booked' }],
      start: 'wait',
      steps: [
        { id: 'wait', type: 'wait', duration: { days: 1 }, next: 'tag' },
        { id: 'tag', type: 'add_tag', tag: '未回' },
      ],
    });
    const patient = await newPatient(t);
    await event(t, patient.customerId, 'appointment.no_show');
    await event(t, patient.customerId, 'appointment.booked', {}, t.at(0, 1));
    const [enrolment] = await enrolmentsOf(journey.id, patient.customerId);
    expect(enrolment).toMatchObject({ status: 'exited', exitReason: 'event:appointment.booked' });
    await engine(t.at(2));
    expect(await tagsOf(t, patient.customerId)).not.toContain('未回');
  });

  it('a one-off journey enrols its segment when enabled, another at its time', async () => {
    const [a, b, outsider] = [await newPatient(t), await newPatient(t), await newPatient(t)];
    for (const patient of [a, b])
      await addTag(t.org, patient.customerId, { name: '活动人群', source: 'manual', setBy: null });
    const tag = await findTagByName(t.org, '活动人群');
    const audience = { rule: { type: 'tag', tagId: String(tag!._id), has: true } };
    const now = await liveJourney(t, {
      entry: { kind: 'one_off', audience },
      start: 'x',
      steps: [{ id: 'x', type: 'add_tag', tag: '已触达' }],
    });
    const later = await liveJourney(t, {
      entry: { kind: 'one_off', audience, at: t.at(2).toISOString() },
      start: 'x',
      steps: [{ id: 'x', type: 'add_tag', tag: '已触达2' }],
    });
    await engine(t.t0);
    expect((await enrolmentsOf(now.id)).map((e) => String(e.customerId)).sort()).toEqual(
      [a.customerId, b.customerId].sort(),
    );
    expect(await enrolmentsOf(later.id)).toHaveLength(0);
    expect(await tagsOf(t, a.customerId)).toContain('已触达');
    expect(await tagsOf(t, outsider.customerId)).not.toContain('已触达');
    await engine(t.at(2, 0.1));
    expect(await enrolmentsOf(later.id)).toHaveLength(2);
    // Runs once: a later pass enrols nobody again.
    await engine(t.at(3));
    expect(await enrolmentsOf(now.id)).toHaveLength(2);
  });

  it('a periodic journey enrols at each occurrence of its schedule, as its re-entry policy allows', async () => {
    const patient = await newPatient(t);
    await addTag(t.org, patient.customerId, { name: '周期人群', source: 'manual', setBy: null });
    const tag = await findTagByName(t.org, '周期人群');
    const journey = await liveJourney(t, {
      entry: {
        kind: 'periodic',
        cron: '0 10 * * *',
        audience: { rule: { type: 'tag', tagId: String(tag!._id), has: true } },
      },
      reEntry: { policy: 'after_days', days: 2 },
      start: 'x',
      steps: [{ id: 'x', type: 'add_tag', tag: '周期触达' }],
    });
    await engine(t.t0); // 10:00 today is the enabling moment: the first occurrence is tomorrow 10:00
    expect(await enrolmentsOf(journey.id)).toHaveLength(0);
    await engine(t.at(1, 0.01));
    expect(await enrolmentsOf(journey.id)).toHaveLength(1);
    await engine(t.at(2, 0.01)); // within 2 days of entering: kept out
    expect(await enrolmentsOf(journey.id)).toHaveLength(1);
    await engine(t.at(3, 0.01));
    expect(await enrolmentsOf(journey.id)).toHaveLength(2);
  });

  /** Days from t0's local date to the next 1 January (epoch 0 falls on 1 January, as 1970-01-01 does). */
  const local = (date: Date) => date.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const daysToNewYear = () => {
    for (let days = 1; days <= 366; days++) if (local(t.at(days)).endsWith('-01-01')) return days;
    throw new Error('no new year');
  };

  it('a birthday journey enters customers on the day, and never those with no, empty or epoch birthdays', async () => {
    const days = daysToNewYear();
    const celebrant = await newPatient(t, { birthday: '1990-01-01' });
    const epoch = await newPatient(t, { birthday: '1970-01-01' });
    const none = await newPatient(t);
    const empty = await newPatient(t);
    await CustomerModel.updateOne({ _id: empty.customerId }, { $set: { birthday: '' } });
    // Greets `days` days before the birthday: today for every 1 January birthday.
    const journey = await liveJourney(t, {
      entry: { kind: 'key_date', date: { kind: 'birthday' }, offsetDays: -days, at: '09:00' },
      start: 'x',
      steps: [{ id: 'x', type: 'add_tag', tag: '生日关怀' }],
    });
    await engine(t.t0);
    await engine(t.at(1));
    const entered = (await enrolmentsOf(journey.id)).map((e) => String(e.customerId));
    expect(entered).toEqual([celebrant.customerId]);
    for (const other of [epoch, none, empty]) expect(await tagsOf(t, other.customerId)).not.toContain('生日关怀');
    expect(await tagsOf(t, celebrant.customerId)).toContain('生日关怀');
  });

  it('a yearly key date from an event property fires at its offset and time; empty, zero and epoch dates never fire', async () => {
    const days = daysToNewYear();
    const journey = await liveJourney(t, {
      entry: {
        kind: 'key_date',
        date: { kind: 'event', event: 'appointment.booked', property: 'visitDate' },
        offsetDays: -1,
        at: '18:00',
        yearly: true,
      },
      reEntry: { policy: 'always' },
      start: 'x',
      steps: [{ id: 'x', type: 'add_tag', tag: '纪念日前' }],
    });
    const good = await newPatient(t);
    const bad = await newPatient(t);
    // A visit on the next 1 January (local noon): the eve, 18:00, is the key moment, as it would be for epoch 0.
    await event(t, good.customerId, 'appointment.booked', { visitDate: `${local(t.at(days))}T12:00:00+08:00` });
    for (const visitDate of ['', 0, '1970-01-01T00:00:00.000Z', '1970-01-01', null, 'not a date']) {
      await event(t, bad.customerId, 'appointment.booked', { visitDate });
    }
    await event(t, bad.customerId, 'appointment.booked', {});
    await engine(t.at(days - 1)); // 10:00 on the eve: not yet
    expect(await enrolmentsOf(journey.id)).toHaveLength(0);
    await engine(t.at(days - 1, 8.1)); // 18:06
    expect((await enrolmentsOf(journey.id)).map((e) => String(e.customerId))).toEqual([good.customerId]);
    expect(await tagsOf(t, bad.customerId)).not.toContain('纪念日前');
  });

  it('a coupon-expiry journey enters 30 days before the coupon expires', async () => {
    const template = await couponTemplate(t, '四十天券');
    const journey = await liveJourney(t, {
      entry: {
        kind: 'key_date',
        date: { kind: 'coupon_expiry', templateId: template.id },
        offsetDays: -30,
        at: '10:00',
      },
      reEntry: { policy: 'always' },
      start: 'x',
      steps: [{ id: 'x', type: 'add_tag', tag: '券快到期' }],
    });
    const patient = await newPatient(t);
    await claimCoupon({
      organisationId: t.org,
      templateId: template.id,
      customerId: patient.customerId,
      campaignId: null,
      requestId: `r${Date.now()}`,
      now: t.t0,
    });
    // 60-day validity from t0: the entry is 30 days later.
    await engine(t.at(29, 23));
    expect(await enrolmentsOf(journey.id)).toHaveLength(0);
    await engine(t.at(30, 0.5));
    expect(await enrolmentsOf(journey.id, patient.customerId)).toHaveLength(1);
    expect(await tagsOf(t, patient.customerId)).toContain('券快到期');
  });
});

describe('re-entry', () => {
  it('never: a second trigger does not enrol again, and the start step ran once', async () => {
    const journey = await liveJourney(t, {
      entry: noShowTrigger,
      reEntry: { policy: 'never' },
      start: 'call',
      steps: [{ id: 'call', type: 'create_task', title: '回访' }],
    });
    const patient = await newPatient(t);
    await event(t, patient.customerId, 'appointment.no_show');
    await engine(t.t0);
    await event(t, patient.customerId, 'appointment.no_show');
    await engine(t.at(1));
    expect(await enrolmentsOf(journey.id, patient.customerId)).toHaveLength(1);
    expect(await tasksOf(t, patient.customerId)).toHaveLength(1);
  });

  it('always: triggers while inside do not schedule the start again; after the end, a trigger enters anew', async () => {
    const journey = await liveJourney(t, {
      entry: noShowTrigger,
      reEntry: { policy: 'always' },
      start: 'wait',
      steps: [
        { id: 'wait', type: 'wait', duration: { hours: 1 }, next: 'call' },
        { id: 'call', type: 'create_task', title: '回访' },
      ],
    });
    const patient = await newPatient(t);
    await Promise.all([1, 2, 3].map(() => event(t, patient.customerId, 'appointment.no_show')));
    expect(await enrolmentsOf(journey.id, patient.customerId)).toHaveLength(1);
    await engine(t.at(0, 2));
    expect(await tasksOf(t, patient.customerId)).toHaveLength(1);
    expect(await ExecutionModel.countDocuments({ journeyId: journey.id, stepId: 'call' })).toBe(1);
    await event(t, patient.customerId, 'appointment.no_show');
    await engine(t.at(0, 4));
    expect(await enrolmentsOf(journey.id, patient.customerId)).toHaveLength(2);
    expect(await tasksOf(t, patient.customerId)).toHaveLength(2);
  });

  it('after N days: a trigger within N days of entering is refused, a later one enters', async () => {
    const journey = await liveJourney(t, {
      entry: noShowTrigger,
      reEntry: { policy: 'after_days', days: 7 },
      start: 'x',
      steps: [{ id: 'x', type: 'add_tag', tag: 'n天' }],
    });
    const patient = await newPatient(t);
    await event(t, patient.customerId, 'appointment.no_show');
    await engine(t.t0);
    t.setNow(t.at(3));
    await event(t, patient.customerId, 'appointment.no_show');
    expect(await enrolmentsOf(journey.id, patient.customerId)).toHaveLength(1);
    t.setNow(t.at(8));
    await event(t, patient.customerId, 'appointment.no_show');
    expect(await enrolmentsOf(journey.id, patient.customerId)).toHaveLength(2);
  });
});

describe('messages: quiet hours, frequency cap, consent', () => {
  const smsJourney = (extra: Record<string, unknown> = {}) => ({
    entry: noShowTrigger,
    start: 'sms',
    steps: [{ id: 'sms', type: 'send_sms', templateCode: 'SMS_100', params: { name: '{{name}}' } }],
    ...extra,
  });

  it('a message due in quiet hours waits for their end', async () => {
    await liveJourney(t, smsJourney({ quietHours: { start: '21:00', end: '08:00' } }));
    const patient = await newPatient(t, { phone: true });
    await event(t, patient.customerId, 'appointment.no_show');
    const result = await engine(t.at(0, 13)); // 23:00 local
    expect(result.deferred).toBe(1);
    expect(await smsTo(t, patient.phone!)).toHaveLength(0);
    await engine(t.at(0, 21.9)); // 07:54
    expect(await smsTo(t, patient.phone!)).toHaveLength(0);
    await engine(t.at(0, 22.1)); // 08:06
    const sent = await smsTo(t, patient.phone!);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.params.name).toMatch(/^患者/);
  });

  it('the frequency cap counts every journey’s messages: the one over the cap is skipped', async () => {
    const first = await liveJourney(t, smsJourney({ frequencyCap: { max: 1, days: 7 } }));
    const second = await liveJourney(t, smsJourney({ frequencyCap: { max: 1, days: 7 } }));
    const patient = await newPatient(t, { phone: true });
    await event(t, patient.customerId, 'appointment.no_show');
    await engine(t.t0);
    expect(await smsTo(t, patient.phone!)).toHaveLength(1);
    const outcomes = await ExecutionModel.find({ journeyId: { $in: [first.id, second.id] } }).lean();
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['capped', 'sent']);
  });

  it('consent withdrawn after a marketing step fell due stops it at once', async () => {
    await liveJourney(t, {
      entry: noShowTrigger,
      start: 'wait',
      steps: [
        { id: 'wait', type: 'wait', duration: { days: 1 }, next: 'sms' },
        { id: 'sms', type: 'send_sms', templateCode: 'SMS_200', next: 'call' },
        { id: 'call', type: 'create_task', title: '不是营销：照常' },
      ],
    });
    const patient = await newPatient(t, { phone: true });
    await event(t, patient.customerId, 'appointment.no_show');
    await engine(t.t0);
    // The SMS is due from t0 + 1 day; the customer withdraws before the engine's next pass.
    const withdrawn = await t.bff.call('POST', '/api/mp/me/consent/withdraw-marketing', { token: patient.token });
    expect(withdrawn.status).toBe(200);
    await engine(t.at(1, 1));
    expect(await smsTo(t, patient.phone!)).toHaveLength(0);
    const sms = await ExecutionModel.findOne({ customerId: patient.customerId, stepId: 'sms' }).lean();
    expect(sms).toMatchObject({ status: 'skipped', outcome: 'no_consent' });
    expect(await tasksOf(t, patient.customerId)).toHaveLength(1);
  });
});

describe('versions', () => {
  const v1 = {
    entry: noShowTrigger,
    start: 'wait',
    steps: [
      { id: 'wait', type: 'wait', duration: { days: 2 }, next: 'tag' },
      { id: 'tag', type: 'add_tag', tag: '版本一' },
    ],
  };
  const v2 = {
    entry: noShowTrigger,
    start: 'wait',
    steps: [
      { id: 'wait', type: 'wait', duration: { days: 2 }, next: 'tagB' },
      { id: 'tagB', type: 'add_tag', tag: '版本二' },
    ],
  };

  it('customers finish on the version they entered; an edit makes a new version for new customers', async () => {
    const journey = await liveJourney(t, v1);
    const early = await newPatient(t);
    await event(t, early.customerId, 'appointment.no_show');
    const edited = await t.bff.call('PATCH', `/api/staff/journeys/${journey.id}`, {
      token: t.manager.accessToken,
      body: { definition: v2, expectedVersion: 1 },
    });
    expect(edited.body).toMatchObject({ version: 2, liveVersion: 2 });
    const late = await newPatient(t);
    await event(t, late.customerId, 'appointment.no_show');
    await engine(t.at(3));
    expect(await tagsOf(t, early.customerId)).toEqual(['版本一']);
    expect(await tagsOf(t, late.customerId)).toEqual(['版本二']);
    const versions = await t.bff.call('GET', `/api/staff/journeys/${journey.id}/versions`, {
      token: t.consultant.accessToken,
    });
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const stale = await t.bff.call('PATCH', `/api/staff/journeys/${journey.id}`, {
      token: t.manager.accessToken,
      body: { definition: v1, expectedVersion: 1 },
    });
    expect(stale.status).toBe(409);
  });

  it('a migration moves waiting customers to the new version by step id', async () => {
    const journey = await liveJourney(t, v1);
    const waiting = await newPatient(t);
    await event(t, waiting.customerId, 'appointment.no_show');
    await t.bff.call('PATCH', `/api/staff/journeys/${journey.id}`, {
      token: t.manager.accessToken,
      body: { definition: v2 },
    });
    const migrated = await t.bff.call('POST', `/api/staff/journeys/${journey.id}/migrate`, {
      token: t.manager.accessToken,
      body: { fromVersion: 1, stepMap: { tag: 'tagB' } },
    });
    expect(migrated.body).toEqual({ migrated: 1, skipped: 0, unmappedSteps: [] });
    const [enrolment] = await enrolmentsOf(journey.id, waiting.customerId);
    expect(enrolment).toMatchObject({ version: 2, stepId: 'wait' });
    // It keeps its wait: nothing before the two days are over.
    await engine(t.at(1));
    expect(await tagsOf(t, waiting.customerId)).toEqual([]);
    await engine(t.at(2, 1));
    expect(await tagsOf(t, waiting.customerId)).toEqual(['版本二']);
    const bad = await t.bff.call('POST', `/api/staff/journeys/${journey.id}/migrate`, {
      token: t.manager.accessToken,
      body: { fromVersion: 1, stepMap: { tag: 'nope' } },
    });
    expect(bad.body.error.code).toBe('JOURNEY_INVALID');
  });
});

describe('status', () => {
  it('a paused journey neither enrols nor runs steps; resumed, the due steps run', async () => {
    const journey = await liveJourney(t, {
      entry: noShowTrigger,
      start: 'wait',
      steps: [
        { id: 'wait', type: 'wait', duration: { hours: 1 }, next: 'tag' },
        { id: 'tag', type: 'add_tag', tag: '暂停后' },
      ],
    });
    const inside = await newPatient(t);
    await event(t, inside.customerId, 'appointment.no_show');
    await t.bff.call('POST', `/api/staff/journeys/${journey.id}/pause`, { token: t.manager.accessToken });
    const outside = await newPatient(t);
    await event(t, outside.customerId, 'appointment.no_show');
    await engine(t.at(1));
    expect(await tagsOf(t, inside.customerId)).toEqual([]);
    expect(await enrolmentsOf(journey.id, outside.customerId)).toHaveLength(0);
    const resumed = await t.bff.call('POST', `/api/staff/journeys/${journey.id}/resume`, {
      token: t.manager.accessToken,
    });
    expect(resumed.body.status).toBe('live');
    await engine(t.at(1));
    expect(await tagsOf(t, inside.customerId)).toEqual(['暂停后']);
  });

  it('archiving ends every enrolment and a second archive is a conflict', async () => {
    const journey = await liveJourney(t, {
      entry: noShowTrigger,
      start: 'wait',
      steps: [{ id: 'wait', type: 'wait', duration: { days: 5 }, next: null }],
    });
    const patient = await newPatient(t);
    await event(t, patient.customerId, 'appointment.no_show');
    const archived = await t.bff.call('POST', `/api/staff/journeys/${journey.id}/archive`, {
      token: t.manager.accessToken,
    });
    expect(archived.body).toMatchObject({ status: 'archived', counts: { active: 0, exited: 1 } });
    const again = await t.bff.call('POST', `/api/staff/journeys/${journey.id}/archive`, {
      token: t.manager.accessToken,
    });
    expect(again.body.error.code).toBe('JOURNEY_STATE_CONFLICT');
  });
});

describe('analytics and views', () => {
  it('per step and branch: who entered, waits, passed and exited, with the customers at each', async () => {
    const journey = await liveJourney(t, {
      entry: noShowTrigger,
      exitOn: [{ event: 'appointment.cancelled' }],
      start: 'booked',
      steps: [
        {
          id: 'booked',
          type: 'branch',
          condition: { kind: 'rule', rule: { type: 'attribute', field: 'gender', op: 'eq', value: 'female' } },
          yes: 'her',
          no: 'wait',
        },
        { id: 'her', type: 'add_tag', tag: '女性', next: null },
        { id: 'wait', type: 'wait', duration: { days: 3 }, next: null },
      ],
    });
    const [woman, man, leaver] = [await newPatient(t), await newPatient(t), await newPatient(t)];
    await t.bff.call('PATCH', `/api/staff/customers/${woman.customerId}`, {
      token: t.manager.accessToken,
      body: { gender: 'female' },
    });
    for (const p of [woman, man, leaver]) await event(t, p.customerId, 'appointment.no_show');
    await engine(t.t0);
    await event(t, leaver.customerId, 'appointment.cancelled', {}, t.at(0, 1));
    const analytics = await t.bff.call('GET', `/api/staff/journeys/${journey.id}/analytics`, {
      token: t.consultant.accessToken,
    });
    const steps = Object.fromEntries(analytics.body.steps.map((s: { stepId: string }) => [s.stepId, s]));
    expect(steps.booked).toMatchObject({ entered: 3, passed: 3, branches: { yes: 1, no: 2 } });
    expect(steps.her).toMatchObject({ entered: 1, passed: 1 });
    expect(steps.wait).toMatchObject({ entered: 2, waiting: 1, exited: 1 });
    expect(analytics.body.counts).toMatchObject({ active: 1, completed: 1, exited: 1 });
    const waiting = await t.bff.call('GET', `/api/staff/journeys/${journey.id}/steps/wait/customers?state=waiting`, {
      token: t.consultant.accessToken,
    });
    expect(waiting.body.items).toEqual([
      expect.objectContaining({ customerId: man.customerId, name: expect.stringMatching(/^患者/) }),
    ]);
    const sidebar = await t.bff.call('GET', `/api/staff/customers/${man.customerId}/journeys`, {
      token: t.consultant.accessToken,
    });
    expect(sidebar.body.items[0]).toMatchObject({
      journeyId: journey.id,
      status: 'active',
      state: 'waiting',
      step: { id: 'wait', type: 'wait' },
      dueAt: t.at(3).toISOString(),
    });
  });

  it('a manager enrols and takes out a customer by hand, and both are audited', async () => {
    const journey = await liveJourney(t, {
      entry: noShowTrigger,
      start: 'w',
      steps: [{ id: 'w', type: 'wait', duration: { days: 1 } }],
    });
    const patient = await newPatient(t);
    const enrolled = await t.bff.call('POST', `/api/staff/journeys/${journey.id}/enrolments`, {
      token: t.manager.accessToken,
      body: { customerId: patient.customerId },
    });
    expect(enrolled.body).toMatchObject({ outcome: 'enrolled', enrolment: { status: 'active', step: { id: 'w' } } });
    const twice = await t.bff.call('POST', `/api/staff/journeys/${journey.id}/enrolments`, {
      token: t.manager.accessToken,
      body: { customerId: patient.customerId },
    });
    expect(twice.body.outcome).toBe('already_in_journey');
    const exited = await t.bff.call(
      'POST',
      `/api/staff/journeys/${journey.id}/enrolments/${enrolled.body.enrolment.id}/exit`,
      {
        token: t.manager.accessToken,
      },
    );
    expect(exited.status).toBe(204);
    const audit = await t.bff.call('GET', `/api/staff/audit?customerId=${patient.customerId}`, {
      token: t.manager.accessToken,
    });
    expect(audit.body.items.map((entry: { action: string }) => entry.action)).toEqual(
      expect.arrayContaining(['customer.journey_enrolled', 'customer.journey_exited']),
    );
  });
});

describe('merge and erasure', () => {
  it('a merge leaves the survivor once in a journey both profiles were in', async () => {
    const journey = await liveJourney(t, {
      entry: noShowTrigger,
      start: 'w',
      steps: [
        { id: 'w', type: 'wait', duration: { days: 1 }, next: 'call' },
        { id: 'call', type: 'create_task', title: '合并后回访' },
      ],
    });
    const first = await newPatient(t);
    const second = await newPatient(t);
    await event(t, first.customerId, 'appointment.no_show');
    await event(t, second.customerId, 'appointment.no_show');
    const survivor = await mergeCustomers(t.org, first.customerId, second.customerId, {
      rule: 'staff_confirmed',
      details: {},
    });
    const enrolments = await EnrolmentModel.find({ journeyId: journey.id }).lean();
    expect(enrolments.every((e) => String(e.customerId) === survivor)).toBe(true);
    expect(enrolments.map((e) => e.status).sort()).toEqual(['active', 'exited']);
    await engine(t.at(1, 1));
    expect(await tasksOf(t, survivor)).toHaveLength(1);
  });

  it('erasure ends the customer’s journeys: no later step reaches them', async () => {
    const journey = await liveJourney(t, {
      entry: noShowTrigger,
      start: 'w',
      steps: [
        { id: 'w', type: 'wait', duration: { days: 1 }, next: 'sms' },
        { id: 'sms', type: 'send_sms', templateCode: 'SMS_9' },
      ],
    });
    const patient = await newPatient(t, { phone: true });
    await event(t, patient.customerId, 'appointment.no_show');
    const exported = await t.bff.call('GET', '/api/mp/me/export', { token: patient.token });
    expect(exported.body.sections.journeys).toEqual([
      expect.objectContaining({ journey: expect.any(String), status: 'active', steps: [] }),
    ]);
    const erased = await t.bff.call('POST', '/api/mp/me/erasure', { token: patient.token, body: { confirm: true } });
    expect(erased.status).toBe(200);
    expect((await enrolmentsOf(journey.id, patient.customerId))[0]).toMatchObject({
      status: 'exited',
      exitReason: 'erased',
    });
    await engine(t.at(2));
    expect(await smsTo(t, patient.phone!)).toHaveLength(0);
  });
});

describe('coupons from a journey', () => {
  it('issue_coupon gives the customer one coupon of the template', async () => {
    const template = await couponTemplate(t);
    await liveJourney(t, {
      entry: noShowTrigger,
      start: 'coupon',
      steps: [{ id: 'coupon', type: 'issue_coupon', couponTemplateId: template.id }],
    });
    const patient = await newPatient(t);
    await event(t, patient.customerId, 'appointment.no_show');
    await engine(t.t0);
    await engine(t.at(0, 1));
    const coupons = await couponsOf(t, patient.customerId);
    expect(coupons).toHaveLength(1);
    expect(coupons[0]!.template.id).toBe(template.id);
  });
});
