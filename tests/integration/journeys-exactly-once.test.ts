/**
 * Each step's side effect happens once (internal effects: tags, coupons, tasks) or at most once (WeChat and SMS
 * messages) when the engine crashes before or after any effect and restarts, when three engine instances share the
 * database (also with leases running out mid-step), and when a downstream call times out after taking effect and is
 * retried. Also: a duplicate key never aborts a batch, failing actions retry then park, and a segment rebuild keeps
 * members' scheduled steps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX } from '@careloop/config';
import { findTagByName } from '../../bff/src/tags/library';
import { addTag, removeTag } from '../../bff/src/tags/service';
import { EnrolmentModel, ExecutionModel } from '../../bff/src/journeys/model';
import { JOURNEY_LEASE_MS, JOURNEY_MAX_ATTEMPTS, executionKey } from '../../bff/src/journeys/engine';
import { SimulatedCrash, setJourneySmsProvider, type FaultPoint } from '../../bff/src/journeys/runtime';
import { useTaskService } from '../../bff/src/journeys/tasks';
import { createTask } from '../../bff/src/tasks/service';
import { SandboxSmsModel } from '../../bff/src/platform/sms/sandbox';
import {
  MINUTE,
  NO_SHOW_ENTRY,
  couponTemplate,
  couponsOf,
  crashOnceAt,
  engine,
  enrolmentsOf,
  event,
  failAt,
  journeyTestContext,
  liveJourney,
  newPatient,
  noShowJourneyWithPatient,
  resetJourneyEngine,
  smsTo,
  subscribeMessages,
  tagsOf,
  tasksOf,
} from './journeys-support';

const t = journeyTestContext('journeys_exactly_once');
const afterLease = (from: Date) => new Date(from.getTime() + JOURNEY_LEASE_MS + MINUTE);
const TEMPLATE = SANDBOX.careNoticeTemplateId;

afterEach(() => resetJourneyEngine(t));

/**
 * The engine crashes at `point` (for the given step type) during its first run; two restarts, each once the leases
 * the crashed run took have run out, finish what it left.
 */
async function crashAndRestart(point: FaultPoint, stepType: string) {
  crashOnceAt(point, stepType);
  await expect(engine(t.t0)).rejects.toBeInstanceOf(SimulatedCrash);
  await engine(afterLease(t.t0));
  await engine(afterLease(afterLease(t.t0)));
}

describe('a crash before or after each side effect, then a restart', () => {
  const internal = [
    { type: 'add_tag', step: { type: 'add_tag', tag: '崩溃标签' } },
    { type: 'issue_coupon', step: null },
    { type: 'create_task', step: { type: 'create_task', title: '崩溃任务' } },
    { type: 'send_wecom_message', step: { type: 'send_wecom_message', text: '请转发', marketing: false } },
  ] as const;
  const points: FaultPoint[] = ['claimed', 'before_effect', 'after_effect', 'before_commit', 'after_executions'];

  for (const { type, step } of internal) {
    for (const point of points) {
      it(`${type}: a crash at ${point} still gives exactly one effect`, async () => {
        const template = type === 'issue_coupon' ? await couponTemplate(t, `崩溃券${point}`) : null;
        const { journey, patient } = await noShowJourneyWithPatient(t, [
          { id: 'act', ...(step ?? { type: 'issue_coupon', couponTemplateId: template!.id }), next: 'after' },
          { id: 'after', type: 'add_tag', tag: '之后' },
        ]);
        await crashAndRestart(point, type);

        if (type === 'add_tag') expect(await tagsOf(t, patient.customerId)).toEqual(['崩溃标签', '之后']);
        if (type === 'issue_coupon') expect(await couponsOf(t, patient.customerId)).toHaveLength(1);
        if (type === 'create_task' || type === 'send_wecom_message') {
          const tasks = await tasksOf(t, patient.customerId);
          expect(tasks).toHaveLength(1);
          expect(tasks[0]!.type).toBe(type === 'create_task' ? 'follow_up_call' : 'forward_message');
        }
        const executions = await ExecutionModel.find({ journeyId: journey.id }).lean();
        expect(executions.map((e) => [e.stepId, e.status])).toEqual([
          ['act', 'done'],
          ['after', 'done'],
        ]);
        expect((await enrolmentsOf(journey.id))[0]).toMatchObject({ status: 'completed' });
      });
    }
  }

  const external = [
    { type: 'send_sms', step: { type: 'send_sms', templateCode: 'SMS_CRASH' } },
    {
      type: 'send_subscribe_message',
      step: {
        type: 'send_subscribe_message',
        template: 'care_notice',
        data: { thing1: '复诊提醒', thing2: '{{name}}，该复诊了' },
      },
    },
  ] as const;
  const sentCount = async (type: string, patient: Awaited<ReturnType<typeof newPatient>>) =>
    type === 'send_sms' ? (await smsTo(t, patient.phone!)).length : (await subscribeMessages(t, patient.openid)).length;

  for (const { type, step } of external) {
    for (const point of ['claimed', 'before_effect', 'before_commit', 'after_executions'] as FaultPoint[]) {
      it(`${type}: a crash at ${point} sends the message once`, async () => {
        const { journey, patient } = await noShowJourneyWithPatient(t, [{ id: 'msg', ...step }], {
          phone: true,
          credits: [TEMPLATE, TEMPLATE],
        });
        await crashAndRestart(point, type);
        expect(await sentCount(type, patient)).toBe(1);
        expect((await enrolmentsOf(journey.id))[0]).toMatchObject({ status: 'completed' });
      });
    }

    for (const point of ['before_send', 'after_send'] as FaultPoint[]) {
      it(`${type}: a crash at ${point} leaves the message in doubt, never sent twice, until a manager reviews it`, async () => {
        const { journey, patient } = await noShowJourneyWithPatient(
          t,
          [
            { id: 'msg', ...step, next: 'after' },
            { id: 'after', type: 'add_tag', tag: '审核后' },
          ],
          { phone: true, credits: [TEMPLATE, TEMPLATE] },
        );
        await crashAndRestart(point, type);
        expect(await sentCount(type, patient)).toBe(point === 'after_send' ? 1 : 0);
        expect((await enrolmentsOf(journey.id))[0]).toMatchObject({ status: 'active', state: 'in_doubt' });

        const inDoubt = await t.bff.call('GET', `/api/staff/journey-executions/in-doubt?journeyId=${journey.id}`, {
          token: t.manager.accessToken,
        });
        expect(inDoubt.body.items).toEqual([
          expect.objectContaining({ customerId: patient.customerId, stepId: 'msg', stepType: type }),
        ]);
        const outcome = point === 'after_send' ? 'sent' : 'not_sent';
        const reviewed = await t.bff.call('POST', `/api/staff/journey-executions/${inDoubt.body.items[0].id}/review`, {
          token: t.manager.accessToken,
          body: { outcome },
        });
        expect(reviewed.status).toBe(204);
        const again = await t.bff.call('POST', `/api/staff/journey-executions/${inDoubt.body.items[0].id}/review`, {
          token: t.manager.accessToken,
          body: { outcome },
        });
        expect(again.status).toBe(409);
        await engine(afterLease(afterLease(t.t0)));
        expect(await sentCount(type, patient)).toBe(point === 'after_send' ? 1 : 0);
        expect(await tagsOf(t, patient.customerId)).toEqual(['审核后']);
        expect((await enrolmentsOf(journey.id))[0]).toMatchObject({ status: 'completed' });
      });
    }
  }
});

describe('several engine instances on one database', () => {
  it('three instances running at once: one tag, coupon, SMS and task per customer', async () => {
    const template = await couponTemplate(t, '并发券');
    const journey = await liveJourney(t, {
      entry: NO_SHOW_ENTRY,
      start: 'tag',
      steps: [
        { id: 'tag', type: 'add_tag', tag: '并发', next: 'coupon' },
        { id: 'coupon', type: 'issue_coupon', couponTemplateId: template.id, next: 'sms' },
        { id: 'sms', type: 'send_sms', templateCode: 'SMS_MANY', next: 'task' },
        { id: 'task', type: 'create_task', title: '并发回访' },
      ],
    });
    const patients = [];
    for (let i = 0; i < 40; i++) patients.push(await newPatient(t, { phone: true }));
    for (const patient of patients) await event(t, patient.customerId, 'appointment.no_show');
    for (let round = 0; round < 6; round++) {
      await Promise.all(
        ['a', 'b', 'c'].map((instanceId) => engine(t.t0, { instanceId, batchSize: 7, concurrency: 4 })),
      );
    }
    for (const patient of patients) {
      expect(await tagsOf(t, patient.customerId)).toEqual(['并发']);
      expect(await couponsOf(t, patient.customerId)).toHaveLength(1);
      expect(await smsTo(t, patient.phone!)).toHaveLength(1);
      expect(await tasksOf(t, patient.customerId)).toHaveLength(1);
    }
    expect(await ExecutionModel.countDocuments({ journeyId: journey.id })).toBe(4 * patients.length);
    expect(await EnrolmentModel.countDocuments({ journeyId: journey.id, status: 'completed' })).toBe(patients.length);
    const owners = new Set((await ExecutionModel.find({ journeyId: journey.id }).lean()).map((e) => e.owner));
    expect(owners.size).toBeGreaterThan(1);
  }, 60_000); // three engines on two cores: slow when the machine is busy, not wrong

  it('even when leases run out mid-step, no message goes out twice and no effect happens twice', async () => {
    const journey = await liveJourney(t, {
      entry: NO_SHOW_ENTRY,
      start: 'sms',
      steps: [
        { id: 'sms', type: 'send_sms', templateCode: 'SMS_LEASE', next: 'task' },
        { id: 'task', type: 'create_task', title: '租约回访' },
      ],
    });
    const patients = [];
    for (let i = 0; i < 20; i++) patients.push(await newPatient(t, { phone: true }));
    for (const patient of patients) await event(t, patient.customerId, 'appointment.no_show');
    // Leases of 1 ms and instances whose clocks are seconds apart, running at once: any instance may take over a
    // row another one is in the middle of.
    for (let round = 0; round < 30; round++) {
      await Promise.all(
        ['a', 'b', 'c'].map((instanceId, index) =>
          engine(new Date(t.t0.getTime() + (round * 3 + index) * 1000), {
            instanceId,
            batchSize: 5,
            leaseMs: 1,
            concurrency: 3,
          }),
        ),
      );
      if (
        !(await EnrolmentModel.exists({
          journeyId: journey.id,
          status: 'active',
          state: { $in: ['waiting', 'running'] },
        }))
      )
        break;
    }
    for (const patient of patients) expect((await tasksOf(t, patient.customerId)).length).toBeLessThanOrEqual(1);
    const sms = await ExecutionModel.find({ journeyId: journey.id, stepId: 'sms' }).lean();
    expect(sms).toHaveLength(patients.length);
    const messages = await SandboxSmsModel.find({ outId: { $in: sms.map((e) => e.key) } }).lean();
    expect(new Set(messages.map((m) => m.outId)).size).toBe(messages.length);
    const done = sms.filter((e) => e.status === 'done').length;
    const doubtful = sms.filter((e) => e.status === 'in_doubt').length;
    expect(done + doubtful).toBe(patients.length);
    expect(messages.length).toBeGreaterThanOrEqual(done);
    expect(messages.length).toBeLessThanOrEqual(done + doubtful);
  }, 60_000);
});

describe('a downstream call that times out after taking effect is retried with the same key', () => {
  for (const type of ['add_tag', 'issue_coupon', 'create_task'] as const) {
    it(`${type}: the retry finds the first call's effect (one tag / coupon / task)`, async () => {
      const template = await couponTemplate(t, `超时券${type}`);
      const step =
        type === 'add_tag'
          ? { type, tag: '超时标签' }
          : type === 'issue_coupon'
            ? { type, couponTemplateId: template.id }
            : { type, title: '超时任务' };
      const { journey, patient } = await noShowJourneyWithPatient(t, [{ id: 'act', ...step }]);
      failAt('after_effect', 'ETIMEDOUT: the downstream call timed out', 1);
      const first = await engine(t.t0);
      expect(first.retried).toBe(1);
      const execution = await ExecutionModel.findOne({ journeyId: journey.id }).lean();
      expect(execution).toMatchObject({
        status: 'retrying',
        attempts: 1,
        lastError: expect.stringContaining('ETIMEDOUT'),
      });
      await engine(new Date(t.t0.getTime() + 2 * MINUTE));
      if (type === 'add_tag') expect(await tagsOf(t, patient.customerId)).toEqual(['超时标签']);
      if (type === 'issue_coupon') expect(await couponsOf(t, patient.customerId)).toHaveLength(1);
      if (type === 'create_task') expect(await tasksOf(t, patient.customerId)).toHaveLength(1);
      expect(await ExecutionModel.findOne({ journeyId: journey.id }).lean()).toMatchObject({
        status: 'done',
        attempts: 1,
      });
    });
  }

  it('the tasks service answers a repeated key with the first task', async () => {
    const { patient } = await noShowJourneyWithPatient(t, [{ id: 'act', type: 'create_task', title: '重复调用' }]);
    let calls = 0;
    useTaskService(async (input) => {
      calls += 1;
      const task = await createTask(input);
      if (calls === 1) throw new Error('socket hang up');
      return task;
    });
    await engine(t.t0);
    await engine(new Date(t.t0.getTime() + 2 * MINUTE));
    expect(calls).toBe(2);
    expect(await tasksOf(t, patient.customerId)).toHaveLength(1);
  });
});

describe('failures', () => {
  it('a duplicate key in a batch is a step done before: the other rows of the batch go on', async () => {
    const journey = await liveJourney(t, {
      entry: NO_SHOW_ENTRY,
      start: 'tag',
      steps: [{ id: 'tag', type: 'add_tag', tag: '批次' }],
    });
    const patients = [];
    for (let i = 0; i < 5; i++) patients.push(await newPatient(t));
    for (const patient of patients) await event(t, patient.customerId, 'appointment.no_show');
    const [done] = await enrolmentsOf(journey.id, patients[2]!.customerId);
    await ExecutionModel.create({
      key: executionKey(done!),
      organisationId: done!.organisationId,
      journeyId: done!.journeyId,
      version: done!.version,
      enrolmentId: done!._id,
      customerId: done!.customerId,
      stepId: 'tag',
      stepType: 'add_tag',
      seq: 1,
      status: 'done',
      outcome: 'tagged',
      startedAt: t.t0,
    });
    const result = await engine(t.t0, { batchSize: 10 });
    expect(result).toMatchObject({ claimed: 5, completed: 5 });
    for (const [index, patient] of patients.entries()) {
      expect(await tagsOf(t, patient.customerId)).toEqual(index === 2 ? [] : ['批次']);
    }
  });

  it('a failing action retries with backoff, then parks the enrolment with the error visible; a retry resumes it', async () => {
    const { journey, patient } = await noShowJourneyWithPatient(t, [
      { id: 'act', type: 'create_task', title: '总失败' },
    ]);
    useTaskService(async () => {
      throw new Error('tasks service unavailable');
    });
    let now = t.t0;
    const dueTimes: number[] = [];
    for (let attempt = 0; attempt < JOURNEY_MAX_ATTEMPTS; attempt++) {
      await engine(now);
      const [enrolment] = await enrolmentsOf(journey.id);
      if (enrolment!.status === 'parked') break;
      dueTimes.push(enrolment!.dueAt!.getTime() - now.getTime());
      now = new Date(enrolment!.dueAt!.getTime() + 1000);
    }
    expect(dueTimes).toEqual([MINUTE, 4 * MINUTE, 16 * MINUTE, 64 * MINUTE]);
    const [parked] = await enrolmentsOf(journey.id);
    expect(parked).toMatchObject({ status: 'parked', error: 'tasks service unavailable' });
    const analytics = await t.bff.call('GET', `/api/staff/journeys/${journey.id}/analytics`, {
      token: t.manager.accessToken,
    });
    expect(analytics.body.steps[0]).toMatchObject({ stepId: 'act', failed: 1 });
    useTaskService(null);
    const retried = await t.bff.call('POST', `/api/staff/journeys/${journey.id}/enrolments/${parked!._id}/retry`, {
      token: t.manager.accessToken,
    });
    expect(retried.status).toBe(204);
    t.setNow(now);
    await engine(now);
    expect(await tasksOf(t, patient.customerId)).toHaveLength(1);
    expect((await enrolmentsOf(journey.id))[0]).toMatchObject({ status: 'completed' });
  });

  it('a provider that refuses the message is retried, never re-sent forever; one that times out leaves it in doubt', async () => {
    await liveJourney(t, {
      entry: NO_SHOW_ENTRY,
      start: 'sms',
      steps: [{ id: 'sms', type: 'send_sms', templateCode: 'SMS_X' }],
    });
    const refused = await newPatient(t, { phone: true });
    const timedOut = await newPatient(t, { phone: true });
    let calls = 0;
    setJourneySmsProvider({
      name: 'flaky',
      async send(message) {
        calls += 1;
        if (message.phone === timedOut.phone) throw new Error('ETIMEDOUT');
        return { ok: false, code: 'isp.SYSTEM_ERROR', message: 'busy' };
      },
    });
    await event(t, refused.customerId, 'appointment.no_show');
    await event(t, timedOut.customerId, 'appointment.no_show');
    let now = t.t0;
    for (let i = 0; i < 8; i++) {
      await engine(now);
      now = new Date(now.getTime() + 7 * 3_600_000);
    }
    expect(calls).toBe(JOURNEY_MAX_ATTEMPTS + 1);
    const executions = await ExecutionModel.find({
      customerId: { $in: [refused.customerId, timedOut.customerId] },
    }).lean();
    const byCustomer = Object.fromEntries(executions.map((e) => [String(e.customerId), e]));
    expect(byCustomer[refused.customerId]).toMatchObject({ status: 'failed', attempts: JOURNEY_MAX_ATTEMPTS });
    expect(byCustomer[timedOut.customerId]).toMatchObject({ status: 'in_doubt', lastError: 'ETIMEDOUT' });
  });

  it('a segment rebuild that drops a member keeps their scheduled step', async () => {
    const patient = await newPatient(t);
    await addTag(t.org, patient.customerId, { name: '重建人群', source: 'manual', setBy: null });
    const tag = await findTagByName(t.org, '重建人群');
    const journey = await liveJourney(t, {
      entry: {
        kind: 'periodic',
        cron: '0 10 * * *',
        audience: { rule: { type: 'tag', tagId: String(tag!._id), has: true } },
      },
      reEntry: { policy: 'always' },
      start: 'wait',
      steps: [
        { id: 'wait', type: 'wait', duration: { days: 10 }, next: 'call' },
        { id: 'call', type: 'create_task', title: '十天后回访' },
      ],
    });
    await engine(t.at(1, 0.01));
    expect(await enrolmentsOf(journey.id, patient.customerId)).toHaveLength(1);
    await removeTag(t.org, patient.customerId, '重建人群');
    await engine(t.at(2, 0.01)); // the next run: the audience no longer has them
    await engine(t.at(11, 0.1));
    expect(await tasksOf(t, patient.customerId)).toHaveLength(1);
    expect(await enrolmentsOf(journey.id, patient.customerId)).toHaveLength(1);
  });
});
