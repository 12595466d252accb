/**
 * Full recompute of a rule: in batches with progress; interrupted (as if the process died) and resumed after its
 * lease ran out, it ends where an uninterrupted run ends; two runs at once (leases so short that both work)
 * add no tag and no tag.added event twice; a new rule version supersedes the run of the old one.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { createOrganisation } from '../../bff/src/organisations/service';
import { createCustomer } from '../../bff/src/identity/service';
import { recordEvent } from '../../bff/src/events/service';
import { EventModel } from '../../bff/src/events/model';
import { setTagClock } from '../../bff/src/tags/clock';
import { setFactsRegistryTtl } from '../../bff/src/tags/facts';
import { editTag, insertTag } from '../../bff/src/tags/library';
import { CustomerTagModel, RecomputeModel, RuleStateModel } from '../../bff/src/tags/model';
import { latestRecompute, requestRecompute, resumeRecomputes, runRecompute } from '../../bff/src/tags/recompute';
import { EXAMPLE_RULES } from '../../bff/src/tags/examples';
import { startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff('tags_recompute');
  setFactsRegistryTtl(0);
});
afterEach(() => setTagClock(null));
afterAll(() => bff?.close());

const DAY = 86_400_000;
const T0 = new Date('2026-04-20T04:00:00Z');
const NO_SHOW = EXAMPLE_RULES.find((rule) => rule.key === 'no_show_6_months')!.rule;

/** An organisation of 30 customers, every other one booked without arriving: 15 match the rule. */
async function organisationWithHistory() {
  const suffix = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  const org = await createOrganisation({
    name: `Recompute ${suffix}`,
    miniappAppId: `wxRecompute${suffix}`,
    wecomCorpId: `wwRecompute${suffix}`,
    timeZone: 'Asia/Shanghai',
  });
  setTagClock(() => T0);
  const matching: string[] = [];
  for (let i = 0; i < 30; i++) {
    const customerId = (
      await createCustomer({ organisationId: org.id, kind: 'patient', name: `c${i}`, identities: [] })
    ).id;
    const record = (type: string, daysAgo: number) =>
      recordEvent({
        organisationId: org.id,
        customerId,
        type,
        occurredAt: new Date(T0.getTime() - daysAgo * DAY),
        source: 'server',
        sourceEventId: randomUUID(),
      });
    await record('appointment.booked', 10 + i);
    if (i % 2) await record('appointment.arrived', 5 + i);
    else matching.push(customerId);
  }
  return { organisationId: org.id, matching: matching.sort() };
}

async function dynamicTag(organisationId: string, name: string) {
  const tag = await insertTag(organisationId, { name, kind: 'dynamic', rule: NO_SHOW });
  return String(tag._id);
}

async function tagged(organisationId: string, tagId: string) {
  const rows = await CustomerTagModel.find({ organisationId, tagId }, { customerId: 1 }).lean();
  return rows.map((row) => String(row.customerId)).sort();
}

async function tagAddedEvents(organisationId: string, tagId: string) {
  return EventModel.countDocuments({
    organisationId: new Types.ObjectId(organisationId),
    type: 'tag.added',
    'properties.tagId': tagId,
  });
}

describe('full recompute', () => {
  it('shows its progress, and resumed after an interruption ends where an uninterrupted run ends', async () => {
    const { organisationId, matching } = await organisationWithHistory();
    const interrupted = await dynamicTag(organisationId, '中断');
    const job = await requestRecompute(organisationId, interrupted, T0);
    expect(job).toMatchObject({ status: 'pending', processed: 0 });

    await expect(runRecompute(job.id, { batchSize: 4, crashAfterBatches: 3 })).rejects.toThrow(/simulated crash/);
    const halfway = await latestRecompute(organisationId, interrupted);
    expect(halfway).toMatchObject({ status: 'running', processed: 12, total: 30 });
    const partial = await tagged(organisationId, interrupted);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(matching.length);
    // The dead run's lease still holds: nobody else takes the job yet.
    expect(await runRecompute(job.id)).toBe('busy');

    // The lease runs out (as after a restart); the scheduled resume finishes the job from its cursor.
    await RecomputeModel.updateOne({ _id: job.id }, { $set: { leaseUntil: new Date(Date.now() - 1000) } });
    expect(await resumeRecomputes()).toBeGreaterThanOrEqual(1);
    expect(await latestRecompute(organisationId, interrupted)).toMatchObject({
      status: 'done',
      processed: 30,
      added: matching.length,
      removed: 0,
    });

    const straight = await dynamicTag(organisationId, '一次完成');
    expect(await runRecompute((await requestRecompute(organisationId, straight, T0)).id)).toBe('done');
    expect(await tagged(organisationId, interrupted)).toEqual(matching);
    expect(await tagged(organisationId, straight)).toEqual(matching);
    expect(await tagAddedEvents(organisationId, interrupted)).toBe(matching.length);
  });

  it('runs overlapping in time add no tag and record no tag.added twice', async () => {
    const { organisationId, matching } = await organisationWithHistory();
    const tagId = await dynamicTag(organisationId, '并发');
    const job = await requestRecompute(organisationId, tagId, T0);
    // Leases of 1 ms: the second run takes the job while the first is held after its first batch; then both run
    // on, the first over the customers the second is evaluating too, until it loses the cursor.
    let releaseFirst = () => {};
    const held = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = runRecompute(job.id, {
      batchSize: 3,
      leaseMs: 1,
      afterBatch: async (batches) => {
        if (batches === 1) await held;
      },
    });
    await expect.poll(async () => (await latestRecompute(organisationId, tagId))?.processed).toBe(3);
    const second = runRecompute(job.id, {
      batchSize: 3,
      leaseMs: 1,
      afterBatch: async (batches) => {
        if (batches === 1) releaseFirst();
      },
    });
    expect((await Promise.all([first, second])).sort()).toEqual(['done', 'lost']);
    expect(await tagged(organisationId, tagId)).toEqual(matching);
    expect(await tagAddedEvents(organisationId, tagId)).toBe(matching.length);
    const states = await RuleStateModel.find({ tagId }).lean();
    expect(states.filter((state) => state.holds).map((state) => state.seq)).toEqual(matching.map(() => 1));

    // Asked again for the same rule version: the same (finished) run, which changes nothing more.
    const again = await requestRecompute(organisationId, tagId, T0);
    expect(again.id).toBe(job.id);
    expect(await runRecompute(again.id)).toBe('busy');
    expect(await tagAddedEvents(organisationId, tagId)).toBe(matching.length);
  });

  it('is superseded when the rule changes, and the new version is recomputed', async () => {
    const { organisationId, matching } = await organisationWithHistory();
    const tagId = await dynamicTag(organisationId, '改规则');
    const first = await requestRecompute(organisationId, tagId, T0);
    await editTag(organisationId, tagId, {
      rule: { type: 'count', events: { types: ['appointment.arrived'] }, op: 'gte', value: 1 },
    });
    expect(await runRecompute(first.id)).toBe('superseded');
    const second = await requestRecompute(organisationId, tagId, T0);
    expect(second.ruleVersion).toBe(2);
    expect(await runRecompute(second.id)).toBe('done');
    const all = await tagged(organisationId, tagId);
    expect(all).toHaveLength(15);
    expect(all.some((id) => matching.includes(id))).toBe(false);
  });
});
