/**
 * Property-style: on random histories (seeded, so a failure replays), the three evaluation paths give the same
 * tag sets — incremental (events recorded one by one after the rule exists), full recompute (a copy of the rule
 * created after the events) and the time sweep (both, later, next to a fresh recompute at that later time) — and
 * all three agree with a plain reference evaluation of the rule over the raw event lists, written here
 * independently of the engine's facts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventType, RuleCondition } from '@careloop/shared';
import { createOrganisation } from '../../bff/src/organisations/service';
import { createCustomer } from '../../bff/src/identity/service';
import { updateCustomerBaseData } from '../../bff/src/identity/profile';
import { recordEvent } from '../../bff/src/events/service';
import { setTagClock } from '../../bff/src/tags/clock';
import { setFactsRegistryTtl } from '../../bff/src/tags/facts';
import { insertTag } from '../../bff/src/tags/library';
import { CustomerTagModel } from '../../bff/src/tags/model';
import { requestRecompute, runRecompute } from '../../bff/src/tags/recompute';
import { sweepDueTags } from '../../bff/src/tags/sweep';
import { EXAMPLE_RULES } from '../../bff/src/tags/examples';
import { startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff('tags_paths');
  setFactsRegistryTtl(0);
});
afterEach(() => setTagClock(null));
afterAll(() => bff?.close());

const DAY = 86_400_000;
const HOUR = 3_600_000;

function randomSource(seed: number) {
  let state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}

interface Happened {
  type: string;
  at: Date;
  properties: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------------
// The reference: the rule language's definition over raw events (Asia/Shanghai is UTC+8 all year).

const localMidnight = (time: number) => Math.floor((time + 8 * HOUR) / DAY) * DAY - 8 * HOUR;
const windowStart = (now: Date, days: number) => localMidnight(now.getTime()) - days * DAY;
const windowEnd = (at: Date, days: number) => localMidnight(at.getTime()) + (days + 1) * DAY;

function selects(selector: { types: string[]; where?: { property: string; op: string; values?: unknown[] }[] }) {
  return (event: Happened) =>
    selector.types.includes(event.type) &&
    (selector.where ?? []).every((filter) => {
      const value = event.properties[filter.property];
      if (filter.op === 'notIn') return value !== undefined && value !== null && !filter.values!.includes(value);
      if (filter.op === 'in') return filter.values!.includes(value);
      throw new Error(`reference lacks ${filter.op}`);
    });
}

function reference(rule: RuleCondition, events: Happened[], gender: string | null, now: Date): boolean {
  switch (rule.type) {
    case 'all':
      return rule.conditions.every((condition) => reference(condition, events, gender, now));
    case 'any':
      return rule.conditions.some((condition) => reference(condition, events, gender, now));
    case 'not':
      return !reference(rule.condition, events, gender, now);
    case 'attribute':
      if (rule.field !== 'gender' || (rule.op !== 'eq' && rule.op !== 'ne')) throw new Error('reference: gender only');
      return gender !== null && (rule.op === 'eq' ? gender === rule.value : gender !== rule.value);
    case 'count': {
      const from = rule.withinDays ? windowStart(now, rule.withinDays) : -Infinity;
      const n = events.filter(selects(rule.events)).filter((event) => event.at.getTime() >= from).length;
      return {
        gte: n >= rule.value,
        gt: n > rule.value,
        lte: n <= rule.value,
        lt: n < rule.value,
        eq: n === rule.value,
      }[rule.op];
    }
    case 'last': {
      const times = events.filter(selects(rule.events)).map((event) => event.at.getTime());
      if (!times.length) return false;
      const latest = Math.max(...times);
      return rule.op === 'within' ? latest >= windowStart(now, rule.days) : latest < windowStart(now, rule.days);
    }
    case 'absence': {
      const anchors = events.filter(selects(rule.after)).map((event) => event.at.getTime());
      if (!anchors.length) return false;
      const t = Math.max(...anchors);
      const end = rule.withinDays ? windowEnd(new Date(t), rule.withinDays) : Infinity;
      const broken = events
        .filter(selects(rule.none))
        .some((event) => event.at.getTime() > t && event.at.getTime() < end);
      if (broken) return false;
      return rule.withinDays ? now.getTime() >= end : true;
    }
    default:
      throw new Error(`reference lacks ${rule.type}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------

const TYPES: EventType[] = [
  'appointment.booked',
  'appointment.arrived',
  'appointment.no_show',
  'note.added',
  'payment.paid',
  'page.viewed',
  'referral.converted',
];

function randomRule(random: () => number): RuleCondition {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const type = () => pick(TYPES);
  const leaf = (): RuleCondition => {
    switch (pick(['count', 'count', 'last', 'absence', 'attribute'] as const)) {
      case 'count':
        return {
          type: 'count',
          events: { types: random() < 0.3 ? [type(), type()] : [type()] },
          ...(random() < 0.8 && { withinDays: pick([7, 30, 90, 180, 365]) }),
          op: pick(['gte', 'gt', 'lte', 'lt', 'eq'] as const),
          value: 1 + Math.floor(random() * 3),
        };
      case 'last':
        return {
          type: 'last',
          events: { types: [type()] },
          op: pick(['within', 'olderThan'] as const),
          days: pick([14, 60, 200]),
        };
      case 'absence':
        return {
          type: 'absence',
          after: { types: [type()] },
          none: { types: [type(), type()] },
          ...(random() < 0.6 && { withinDays: pick([3, 14, 60]) }),
        };
      default:
        return { type: 'attribute', field: 'gender', op: pick(['eq', 'ne'] as const), value: 'female' };
    }
  };
  const conditions = [leaf(), leaf(), ...(random() < 0.5 ? [leaf()] : [])];
  const combined: RuleCondition = { type: random() < 0.5 ? 'all' : 'any', conditions };
  return random() < 0.2 ? { type: 'not', condition: combined } : combined;
}

async function tagged(organisationId: string, tagId: string): Promise<string[]> {
  const rows = await CustomerTagModel.find({ organisationId, tagId }, { customerId: 1 }).lean();
  return rows.map((row) => String(row.customerId)).sort();
}

async function recomputed(organisationId: string, name: string, rule: RuleCondition, now: Date) {
  const tag = await insertTag(organisationId, { name, kind: 'dynamic', rule });
  const job = await requestRecompute(organisationId, String(tag._id), now);
  expect(await runRecompute(job.id, { batchSize: 7 })).toBe('done');
  return String(tag._id);
}

describe.each([11, 29, 47])('random histories (seed %i)', (seed) => {
  it(
    'give the same tags incrementally, by full recompute, by the sweep, and by the reference',
    { timeout: 240_000 },
    async () => {
      const random = randomSource(seed);
      const T0 = new Date(Date.UTC(2026, 2, 10, 4) + Math.floor(random() * 20) * HOUR);
      const suffix = `${Date.now()}${seed}`;
      const org = await createOrganisation({
        name: `Paths ${suffix}`,
        miniappAppId: `wxPaths${suffix}`,
        wecomCorpId: `wwPaths${suffix}`,
        timeZone: 'Asia/Shanghai',
      });
      const organisationId = org.id;
      setTagClock(() => T0);
      const rules = [
        ...EXAMPLE_RULES.map((example) => example.rule),
        ...Array.from({ length: 4 }, () => randomRule(random)),
      ];

      // Path 1: rules first, then every event through the incremental subscriber.
      const incremental: string[] = [];
      for (const [i, rule] of rules.entries()) incremental.push(await recomputed(organisationId, `inc${i}`, rule, T0));

      const customers: { id: string; gender: string | null; events: Happened[] }[] = [];
      for (let c = 0; c < 24; c++) {
        const id = (await createCustomer({ organisationId, kind: 'patient', name: `p${c}`, identities: [] })).id;
        const gender = random() < 0.3 ? null : random() < 0.5 ? 'female' : 'male';
        if (gender)
          await updateCustomerBaseData({ privacy: bff.config.privacy }, organisationId, id, {
            gender: gender as 'female',
          });
        customers.push({ id, gender, events: [] });
      }
      const all: { customer: (typeof customers)[number]; event: Happened }[] = [];
      for (const customer of customers) {
        // Each customer is active over a stretch of their own, and favours one type: some go quiet for over a year,
        // some pile up referrals or no-shows.
        const count = Math.floor(random() * 16);
        const until = T0.getTime() - (random() < 0.3 ? 300 + random() * 200 : random() * 30) * DAY;
        const favourite = TYPES[Math.floor(random() * TYPES.length)]!;
        for (let e = 0; e < count; e++) {
          const type = random() < 0.4 ? favourite : TYPES[Math.floor(random() * TYPES.length)]!;
          const properties: Record<string, unknown> =
            type === 'payment.paid'
              ? random() < 0.4
                ? { purpose: 'appointment_deposit' }
                : random() < 0.7
                  ? { purpose: 'treatment' }
                  : {}
              : type === 'page.viewed'
                ? { path: 'pages/index/index' }
                : {};
          const event = { type, at: new Date(until - Math.floor(random() * 240 * DAY)), properties };
          customer.events.push(event);
          all.push({ customer, event });
        }
      }
      // Arrival order is not time order.
      all.sort(() => random() - 0.5);
      for (const { customer, event } of all) {
        await recordEvent({
          organisationId,
          customerId: customer.id,
          type: event.type,
          occurredAt: event.at,
          properties: event.properties,
          source: 'server',
          sourceEventId: randomUUID(),
        });
      }

      const expected = (rule: RuleCondition, now: Date) =>
        customers
          .filter((customer) => reference(rule, customer.events, customer.gender, now))
          .map((customer) => customer.id)
          .sort();

      // Path 2: the same rules created after the events, by full recompute at T0.
      for (const [i, rule] of rules.entries()) {
        const full = await recomputed(organisationId, `full${i}`, rule, T0);
        const want = expected(rule, T0);
        expect({ rule: i, incremental: await tagged(organisationId, incremental[i]!) }).toEqual({
          rule: i,
          incremental: want,
        });
        expect({ rule: i, full: await tagged(organisationId, full) }).toEqual({ rule: i, full: want });
      }

      // Path 3: time passes; the sweep moves the existing tags, a fresh recompute computes from scratch.
      const T1 = new Date(T0.getTime() + (20 + Math.floor(random() * 200)) * DAY);
      setTagClock(() => T1);
      await sweepDueTags({ now: T1 });
      for (const [i, rule] of rules.entries()) {
        const later = await recomputed(organisationId, `later${i}`, rule, T1);
        const want = expected(rule, T1);
        expect({ rule: i, swept: await tagged(organisationId, incremental[i]!) }).toEqual({ rule: i, swept: want });
        expect({ rule: i, recomputed: await tagged(organisationId, later) }).toEqual({ rule: i, recomputed: want });
      }
    },
  );
});
