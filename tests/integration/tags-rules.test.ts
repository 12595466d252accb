/**
 * The five clinic example rules (PRODUCT.md capability 3), each on crafted histories that make it true, false and
 * change as time passes, through the real paths: events recorded with recordEvent (the incremental subscriber,
 * at a pinned clock), the time sweep at later clocks, and the explanation. Each test works in an organisation of
 * its own on the real database.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../../bff/src/organisations/service';
import { createCustomer } from '../../bff/src/identity/service';
import { recordEvent } from '../../bff/src/events/service';
import { setTagClock } from '../../bff/src/tags/clock';
import { setFactsRegistryTtl } from '../../bff/src/tags/facts';
import { insertTag } from '../../bff/src/tags/library';
import { requestRecompute, runRecompute } from '../../bff/src/tags/recompute';
import { sweepDueTags } from '../../bff/src/tags/sweep';
import { explainTag } from '../../bff/src/tags/explain';
import { hasTag } from '../../bff/src/tags/service';
import { EXAMPLE_RULES } from '../../bff/src/tags/examples';
import { listTimeline } from '../../bff/src/events/service';
import { startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff('tags_rules');
  setFactsRegistryTtl(0);
});
afterEach(() => setTagClock(null));
afterAll(() => bff?.close());

const DAY = 86_400_000;
/** Noon in Shanghai: day windows end at local midnights, well away from it. */
const T0 = new Date('2026-03-10T04:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);

let organisations = 0;
async function setUp(exampleKey: string) {
  organisations += 1;
  const suffix = `${Date.now()}${organisations}`;
  const org = await createOrganisation({
    name: `Rules clinic ${suffix}`,
    miniappAppId: `wxRules${suffix}`,
    wecomCorpId: `wwRules${suffix}`,
    timeZone: 'Asia/Shanghai',
  });
  const example = EXAMPLE_RULES.find((rule) => rule.key === exampleKey)!;
  setTagClock(() => T0);
  const tag = await insertTag(org.id, { name: example.name, kind: 'dynamic', rule: example.rule });
  const job = await requestRecompute(org.id, String(tag._id), T0);
  expect(await runRecompute(job.id)).toBe('done');
  return { organisationId: org.id, tagId: String(tag._id), name: example.name };
}

async function newCustomer(organisationId: string) {
  return (await createCustomer({ organisationId, kind: 'patient', name: '测试', identities: [] })).id;
}

async function record(
  organisationId: string,
  customerId: string,
  type: string,
  occurredAt: Date,
  properties: Record<string, unknown> = {},
) {
  await recordEvent({
    organisationId,
    customerId,
    type,
    occurredAt,
    properties,
    source: 'server',
    sourceEventId: randomUUID(),
  });
}

/** Moves the clock to `now` and runs the sweep there, as the scheduled job would. */
async function passTime(now: Date) {
  setTagClock(() => now);
  return sweepDueTags({ now });
}

describe('no-show in 6 months: booked in the last 180 days and never arrived after booking', () => {
  it('applies to a booking without arrival, with the booking as evidence and the arrival as missing', async () => {
    const { organisationId, tagId, name } = await setUp('no_show_6_months');
    const customer = await newCustomer(organisationId);
    await record(organisationId, customer, 'appointment.booked', at(-30));
    expect(await hasTag(organisationId, customer, name)).toBe(true);

    const why = await explainTag(organisationId, customer, tagId, T0);
    expect(why).toMatchObject({ applied: true, source: 'rule', holds: true });
    const [count, absence] = why.conditions!.children;
    expect(count).toMatchObject({ type: 'count', holds: true, value: 1 });
    expect(count!.events).toEqual([
      { id: expect.stringMatching(/^[0-9a-f]{24}$/), type: 'appointment.booked', occurredAt: at(-30).toISOString() },
    ]);
    expect(absence).toMatchObject({ type: 'absence', holds: true });
    expect(absence!.missing).toEqual({
      types: ['appointment.arrived'],
      from: at(-30).toISOString(),
      to: T0.toISOString(),
    });
    expect(why.summary).toBe(
      '「6个月内失约」符合规则：近 180 天内「预约」≥ 1 次（实际 1 次）；最近一次「预约」（2026-02-08）之后至今没有「到店」。',
    );
  });

  it('does not apply once the patient arrived after booking', async () => {
    const { organisationId, tagId, name } = await setUp('no_show_6_months');
    const customer = await newCustomer(organisationId);
    await record(organisationId, customer, 'appointment.booked', at(-30));
    await record(organisationId, customer, 'appointment.arrived', at(-20));
    expect(await hasTag(organisationId, customer, name)).toBe(false);
    const why = await explainTag(organisationId, customer, tagId, T0);
    expect(why).toMatchObject({ applied: false, holds: false });
    expect(why.conditions!.children[1]).toMatchObject({ type: 'absence', holds: false, missing: null });
    expect(why.conditions!.children[1]!.events.map((event) => event.type)).toEqual([
      'appointment.arrived',
      'appointment.booked',
    ]);
    expect(why.summary).toBe('「6个月内失约」不符合规则：最近一次「预约」（2026-02-08）之后有「到店」（2026-02-18）。');
  });

  it('drops when the booking leaves the 180 days, and the removal is on the timeline once', async () => {
    const { organisationId, tagId, name } = await setUp('no_show_6_months');
    const customer = await newCustomer(organisationId);
    await record(organisationId, customer, 'appointment.booked', at(-170));
    expect(await hasTag(organisationId, customer, name)).toBe(true);
    const why = await explainTag(organisationId, customer, tagId, T0);
    // Leaves the window at the local midnight after its 180th day.
    expect(why.changesAt).toBe('2026-03-20T16:00:00.000Z');

    await passTime(at(9));
    expect(await hasTag(organisationId, customer, name)).toBe(true);
    await passTime(at(11));
    expect(await hasTag(organisationId, customer, name)).toBe(false);
    await passTime(at(12));
    const timeline = await listTimeline(organisationId, customer, { limit: 20, types: ['tag.added', 'tag.removed'] });
    expect(timeline.items.map((event) => event.type)).toEqual(['tag.removed', 'tag.added']);
    expect(timeline.items[0]!.properties).toMatchObject({ tagId, name, source: 'rule' });
  });

  it('says the tag will follow when the rule no longer holds but the sweep has not removed it yet', async () => {
    const { organisationId, tagId } = await setUp('no_show_6_months');
    const customer = await newCustomer(organisationId);
    await record(organisationId, customer, 'appointment.booked', at(-170));
    const why = await explainTag(organisationId, customer, tagId, at(11));
    expect(why).toMatchObject({ applied: true, holds: false });
    expect(why.summary).toBe(
      '「6个月内失约」不符合规则：近 180 天内「预约」≥ 1 次（实际 0 次）。标签稍后会随此结果更新。',
    );
  });
});

describe('no-show, not followed up: the latest booking missed, and no booking, arrival or consultation within 3 days', () => {
  it('applies to a no-show with nothing after it, showing what did not happen and when', async () => {
    const { organisationId, tagId, name } = await setUp('no_show_not_followed_up');
    const customer = await newCustomer(organisationId);
    await record(organisationId, customer, 'appointment.booked', at(-12));
    await record(organisationId, customer, 'appointment.no_show', at(-5));
    expect(await hasTag(organisationId, customer, name)).toBe(true);
    const why = await explainTag(organisationId, customer, tagId, T0);
    const within = why.conditions!.children[1]!;
    expect(within.missing).toEqual({
      types: ['appointment.booked', 'appointment.arrived', 'note.added', 'task.completed'],
      from: at(-5).toISOString(),
      // The end of the third local day after the no-show.
      to: '2026-03-08T16:00:00.000Z',
    });
    expect(within.events).toEqual([expect.objectContaining({ type: 'appointment.no_show' })]);
    expect(within.text).toBe(
      '最近一次「失约」（2026-03-05）之后 3 天内没有「预约」或「到店」或「添加备注」或「完成回访任务」',
    );
  });

  it('does not apply when a consultant noted a call within the 3 days', async () => {
    const { organisationId, name } = await setUp('no_show_not_followed_up');
    const customer = await newCustomer(organisationId);
    await record(organisationId, customer, 'appointment.no_show', at(-5));
    await record(organisationId, customer, 'note.added', at(-4), { text: '电话回访，患者说下周再约' });
    expect(await hasTag(organisationId, customer, name)).toBe(false);
  });

  it('appears when the 3 days run out, and goes when the patient books again', async () => {
    const { organisationId, tagId, name } = await setUp('no_show_not_followed_up');
    const customer = await newCustomer(organisationId);
    await record(organisationId, customer, 'appointment.no_show', at(-1));
    expect(await hasTag(organisationId, customer, name)).toBe(false);
    // The no-show was on 9 March (local): the three days after it end at midnight starting 13 March.
    expect((await explainTag(organisationId, customer, tagId, T0)).changesAt).toBe('2026-03-12T16:00:00.000Z');
    await passTime(at(2));
    expect(await hasTag(organisationId, customer, name)).toBe(false);
    await passTime(at(3));
    expect(await hasTag(organisationId, customer, name)).toBe(true);
    await record(organisationId, customer, 'appointment.booked', at(6));
    expect(await hasTag(organisationId, customer, name)).toBe(false);
  });
});

describe('arrived, not converted: has arrived, has no paid treatment', () => {
  it('applies to an arrival with only a deposit paid', async () => {
    const { organisationId, tagId, name } = await setUp('arrived_not_converted');
    const customer = await newCustomer(organisationId);
    await record(organisationId, customer, 'payment.paid', at(-11), {
      purpose: 'appointment_deposit',
      amountFen: 10_000,
    });
    await record(organisationId, customer, 'appointment.arrived', at(-10));
    expect(await hasTag(organisationId, customer, name)).toBe(true);
    const why = await explainTag(organisationId, customer, tagId, T0);
    expect(why.conditions!.children.map((child) => [child.holds, child.value])).toEqual([
      [true, 1],
      [true, 0],
    ]);
    expect(why.conditions!.children[1]!.text).toBe('累计「支付」（支付用途 不属于 预约定金）= 0 次（实际 0 次）');
  });

  it('does not apply after a paid treatment, and counts a payment without a purpose as unknown, not as treatment', async () => {
    const { organisationId, name } = await setUp('arrived_not_converted');
    const customer = await newCustomer(organisationId);
    await record(organisationId, customer, 'appointment.arrived', at(-10));
    await record(organisationId, customer, 'payment.paid', at(-9), { amountFen: 500 });
    expect(await hasTag(organisationId, customer, name)).toBe(true);
    await record(organisationId, customer, 'payment.paid', at(-8), { purpose: 'treatment', amountFen: 300_000 });
    expect(await hasTag(organisationId, customer, name)).toBe(false);
  });
});

describe('dormant: no interaction and no purchase for over a year', () => {
  it('applies after a year of silence and names the last interaction', async () => {
    const { organisationId, tagId, name } = await setUp('dormant');
    const customer = await newCustomer(organisationId);
    await record(organisationId, customer, 'payment.paid', at(-420), { purpose: 'treatment' });
    await record(organisationId, customer, 'page.viewed', at(-400), { path: 'pages/index/index' });
    expect(await hasTag(organisationId, customer, name)).toBe(true);
    const why = await explainTag(organisationId, customer, tagId, T0);
    expect(why.conditions!.events).toEqual([expect.objectContaining({ type: 'page.viewed' })]);
  });

  it('does not apply to a customer active last month, nor to one with no history at all', async () => {
    const { organisationId, name } = await setUp('dormant');
    const active = await newCustomer(organisationId);
    await record(organisationId, active, 'content.opened', at(-30), { contentId: 'art-1' });
    expect(await hasTag(organisationId, active, name)).toBe(false);
    const unknown = await newCustomer(organisationId);
    await passTime(at(400));
    expect(await hasTag(organisationId, unknown, name)).toBe(false);
  });

  it('appears when the year runs out and goes at the next visit', async () => {
    const { organisationId, name } = await setUp('dormant');
    const customer = await newCustomer(organisationId);
    await record(organisationId, customer, 'appointment.arrived', at(-360));
    expect(await hasTag(organisationId, customer, name)).toBe(false);
    await passTime(at(6));
    expect(await hasTag(organisationId, customer, name)).toBe(true);
    await record(organisationId, customer, 'page.viewed', at(7), { path: 'pages/index/index' });
    expect(await hasTag(organisationId, customer, name)).toBe(false);
  });
});

describe('referral champion: referred more than 3 new customers', () => {
  it('applies at the fourth referral, not the third', async () => {
    const { organisationId, tagId, name } = await setUp('referral_champion');
    const customer = await newCustomer(organisationId);
    for (let i = 1; i <= 3; i++) await record(organisationId, customer, 'referral.converted', at(-i));
    expect(await hasTag(organisationId, customer, name)).toBe(false);
    await record(organisationId, customer, 'referral.converted', at(0));
    expect(await hasTag(organisationId, customer, name)).toBe(true);
    const why = await explainTag(organisationId, customer, tagId, T0);
    expect(why.conditions).toMatchObject({ type: 'count', value: 4, changesAt: null });
    expect(why.conditions!.events).toHaveLength(4);
  });

  it('keeps the tag as time passes (referrals never expire)', async () => {
    const { organisationId, name } = await setUp('referral_champion');
    const customer = await newCustomer(organisationId);
    for (let i = 0; i < 4; i++) await record(organisationId, customer, 'referral.converted', at(-700 - i));
    expect(await hasTag(organisationId, customer, name)).toBe(true);
    await passTime(at(2000));
    expect(await hasTag(organisationId, customer, name)).toBe(true);
  });
});
