/**
 * The rule language's pieces without a database: validation, local-day windows in the organisation's time zone,
 * ages, the facts' latest-occurrence streams, compiled queries (with the documented meaning of missing and null)
 * and what an evaluation says about when it can change.
 */
import { describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { TAG_RECENT_KEEP, TagRule, type RuleCondition } from '@careloop/shared';
import { ageAt, turnsAgeAt, windowEnd, windowStart } from '../../bff/src/tags/clock';
import { evaluateCondition } from '../../bff/src/tags/evaluate';
import { mergeEntries } from '../../bff/src/tags/facts';
import type { CustomerFactsDoc, StreamEntry } from '../../bff/src/tags/model';
import { csvField } from '../../bff/src/tags/segments';
import { absenceKey, baseStreamKey, ruleDependencies, streamKey } from '../../bff/src/tags/specs';
import { EXAMPLE_RULES } from '../../bff/src/tags/examples';

const SHANGHAI = 'Asia/Shanghai';
const DAY = 86_400_000;

function facts(partial: Partial<CustomerFactsDoc>): CustomerFactsDoc {
  return {
    _id: new Types.ObjectId(),
    organisationId: new Types.ObjectId(),
    customerId: new Types.ObjectId(),
    v: 1,
    a: {},
    au: null,
    tags: [],
    s: {},
    x: {},
    builtAt: null,
    ...partial,
  };
}
const entries = (...dates: string[]): StreamEntry[] =>
  dates.map((date, i) => ({ a: new Date(date), e: `e${i}` })).sort((a, b) => b.a.getTime() - a.a.getTime());

describe('rule validation', () => {
  it('accepts the five clinic examples', () => {
    for (const example of EXAMPLE_RULES) expect(TagRule.safeParse(example.rule).success).toBe(true);
  });

  it.each([
    [
      'a count beyond what facts keep',
      { type: 'count', events: { types: ['page.viewed'] }, op: 'gt', value: TAG_RECENT_KEEP },
    ],
    ['a count below zero', { type: 'count', events: { types: ['page.viewed'] }, op: 'lt', value: 0 }],
    ['eq without a value', { type: 'attribute', field: 'gender', op: 'eq' }],
    ['in without values', { type: 'attribute', field: 'gender', op: 'in', value: 'female' }],
    ['exists with a value', { type: 'attribute', field: 'gender', op: 'exists', value: 'x' }],
    ['an unknown event type', { type: 'last', events: { types: ['page.sniffed'] }, op: 'within', days: 3 }],
    ['an age range upside down', { type: 'age', min: 40, max: 30 }],
    ['a window of no days', { type: 'count', events: { types: ['page.viewed'] }, withinDays: 0, op: 'gte', value: 1 }],
    ['an unknown field', { type: 'attribute', field: 'phone', op: 'exists' }],
  ])('refuses %s', (_, rule) => {
    expect(TagRule.safeParse(rule).success).toBe(false);
  });

  it('refuses rules nested deeper than six levels', () => {
    let rule: RuleCondition = { type: 'attribute', field: 'kind', op: 'eq', value: 'hcp' };
    for (let i = 0; i < 6; i++) rule = { type: 'not', condition: rule };
    expect(TagRule.safeParse(rule).success).toBe(false);
  });
});

describe('local-day windows', () => {
  it('start the last N days at local midnight in the organisation’s zone', () => {
    // 10 March 2026, 02:00 in Shanghai (still 9 March in UTC).
    const now = new Date('2026-03-09T18:00:00Z');
    expect(windowStart(now, 0, SHANGHAI).toISOString()).toBe('2026-03-09T16:00:00.000Z');
    expect(windowStart(now, 7, SHANGHAI).toISOString()).toBe('2026-03-02T16:00:00.000Z');
  });

  it('let an event leave the window at the local midnight after its last day, across a DST change', () => {
    expect(windowEnd(new Date('2026-03-05T04:00:00Z'), 3, SHANGHAI).toISOString()).toBe('2026-03-08T16:00:00.000Z');
    // New York moves to daylight time on 8 March 2026: that local midnight is 04:00Z, the one before 05:00Z.
    const evening = new Date('2026-03-07T23:00:00Z'); // 18:00 on 7 March in New York
    expect(windowEnd(evening, 0, 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(windowEnd(evening, 1, 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
  });
});

describe('ages', () => {
  it('count whole years on the local date', () => {
    expect(ageAt('1990-05-01', new Date('2026-04-30T15:59:00Z'), SHANGHAI)).toBe(35);
    expect(ageAt('1990-05-01', new Date('2026-04-30T16:00:00Z'), SHANGHAI)).toBe(36);
    expect(ageAt(null, new Date(), SHANGHAI)).toBeNull();
    expect(ageAt('not a date', new Date(), SHANGHAI)).toBeNull();
  });

  it('count a 29 February birthday from 1 March in other years, the same as the compiled query', () => {
    expect(ageAt('2000-02-29', new Date('2026-02-28T04:00:00Z'), SHANGHAI)).toBe(25);
    expect(ageAt('2000-02-29', new Date('2026-03-01T04:00:00Z'), SHANGHAI)).toBe(26);
    expect(turnsAgeAt('2000-02-29', 26, SHANGHAI).toISOString()).toBe('2026-02-28T16:00:00.000Z');
    const adult: RuleCondition = { type: 'age', min: 26 };
    const leapling = facts({ a: { birthday: '2000-02-29' } });
    const evaluate = (iso: string) => evaluateCondition(adult, leapling, { now: new Date(iso), timeZone: SHANGHAI });
    expect(evaluate('2026-02-28T04:00:00Z')).toMatchObject({
      holds: false,
      changesAt: new Date('2026-02-28T16:00:00Z'),
    });
    expect(evaluate('2026-03-01T04:00:00Z').holds).toBe(true);
  });
});

describe('latest-occurrence streams', () => {
  it('keep the newest entries first, each event once, at most TAG_RECENT_KEEP', () => {
    const first = mergeEntries(undefined, entries('2026-01-02', '2026-01-01'))!;
    expect(first.map((entry) => entry.a.toISOString().slice(0, 10))).toEqual(['2026-01-02', '2026-01-01']);
    expect(mergeEntries(first, [first[0]!])).toBeNull();
    const many = Array.from({ length: 30 }, (_, i) => ({ a: new Date(Date.UTC(2026, 0, 1) + i * DAY), e: `m${i}` }));
    const kept = mergeEntries(first, many)!;
    expect(kept).toHaveLength(TAG_RECENT_KEEP);
    expect(kept[0]!.e).toBe('m29');
    // An event older than everything kept changes nothing.
    expect(mergeEntries(kept, [{ a: new Date('2020-01-01'), e: 'old' }])).toBeNull();
  });

  it('name a selector the same whatever the order of its types, and plain types by the type', () => {
    expect(streamKey({ types: ['appointment.booked'] })).toBe(baseStreamKey('appointment.booked'));
    expect(baseStreamKey('appointment.no_show')).toBe('appointment~no_show');
    expect(streamKey({ types: ['page.viewed', 'qr.scanned'] })).toBe(
      streamKey({ types: ['qr.scanned', 'page.viewed', 'qr.scanned'] }),
    );
    expect(streamKey({ types: ['payment.paid'], where: [{ property: 'purpose', op: 'eq', value: 'x' }] })).toMatch(
      /^d[0-9a-f]{16}$/,
    );
  });

  it('make a rule depend only on what it reads', () => {
    const example = EXAMPLE_RULES.find((rule) => rule.key === 'no_show_6_months')!.rule;
    const absence = (example as { conditions: RuleCondition[] }).conditions[1]!;
    expect([...ruleDependencies(example)].sort()).toEqual(
      ['s:appointment~booked', `x:${absenceKey(absence as never)}`, 's:appointment~arrived'].sort(),
    );
  });
});

describe('evaluation', () => {
  const now = new Date('2026-03-10T04:00:00Z');
  const context = { now, timeZone: SHANGHAI };
  const viewed = facts({
    s: { 'page~viewed': { r: entries('2026-03-09T04:00:00Z', '2026-03-06T04:00:00Z', '2026-02-01T04:00:00Z') } },
  });
  const count = (op: 'gte' | 'gt' | 'lte' | 'lt' | 'eq', value: number): RuleCondition => ({
    type: 'count',
    events: { types: ['page.viewed'] },
    withinDays: 7,
    op,
    value,
  });

  it('counts the events in the window by position', () => {
    const results = (
      [
        ['gte', 2],
        ['gte', 3],
        ['gt', 1],
        ['lte', 1],
        ['lt', 3],
        ['eq', 2],
        ['eq', 0],
      ] as const
    ).map(([op, value]) => evaluateCondition(count(op, value), viewed, context).holds);
    expect(results).toEqual([true, false, true, false, true, true, false]);
  });

  it('says when the count changes by time: when the event it rests on leaves the window', () => {
    // At least 2 rests on the 6 March view, which leaves "the last 7 days" at midnight starting 14 March.
    expect(evaluateCondition(count('gte', 2), viewed, context).changesAt?.toISOString()).toBe(
      '2026-03-13T16:00:00.000Z',
    );
    expect(evaluateCondition(count('gte', 3), viewed, context).changesAt).toBeNull();
    expect(evaluateCondition(count('lt', 2), viewed, context).changesAt?.toISOString()).toBe(
      '2026-03-13T16:00:00.000Z',
    );
    const later = evaluateCondition(count('gte', 2), viewed, {
      now: new Date('2026-03-13T16:00:00Z'),
      timeZone: SHANGHAI,
    });
    expect(later).toMatchObject({ holds: false, value: 1 });
  });

  it('treats missing attributes as unknown: no comparison holds, only missing does', () => {
    const unknown = facts({ a: { gender: null } });
    const absent = facts({ a: {} });
    const female = facts({ a: { gender: 'female' } });
    const rules: [RuleCondition, boolean[]][] = [
      [{ type: 'attribute', field: 'gender', op: 'ne', value: 'male' }, [false, false, true]],
      [{ type: 'attribute', field: 'gender', op: 'notIn', values: ['male'] }, [false, false, true]],
      [{ type: 'attribute', field: 'gender', op: 'missing' }, [true, true, false]],
      [
        { type: 'not', condition: { type: 'attribute', field: 'gender', op: 'eq', value: 'female' } },
        [true, true, false],
      ],
      [{ type: 'attribute', field: 'hcp.title', op: 'ne', value: '主任医师' }, [false, false, false]],
      [{ type: 'tag', tagId: '0123456789abcdef01234567', has: false }, [true, true, true]],
    ];
    for (const [rule, expected] of rules) {
      expect({
        rule,
        holds: [unknown, absent, female].map((doc) => evaluateCondition(rule, doc, context).holds),
      }).toEqual({
        rule,
        holds: expected,
      });
    }
  });

  it('holds an absence once its days are over, and says when they end', () => {
    const rule: RuleCondition = {
      type: 'absence',
      after: { types: ['appointment.no_show'] },
      none: { types: ['appointment.booked'] },
      withinDays: 3,
    };
    const anchor = new Date('2026-03-08T04:00:00Z');
    const doc = facts({
      s: { 'appointment~no_show': { r: [{ a: anchor, e: 'n' }] } },
      x: { [absenceKey(rule as never)]: { t: anchor, f: null, c: true } },
    });
    expect(evaluateCondition(rule, doc, context)).toMatchObject({
      holds: false,
      changesAt: new Date('2026-03-11T16:00:00Z'),
    });
    expect(evaluateCondition(rule, doc, { now: new Date('2026-03-11T16:00:00Z'), timeZone: SHANGHAI }).holds).toBe(
      true,
    );
  });
});

describe('CSV fields', () => {
  it('quote what needs quoting and defuse formulas', () => {
    expect(csvField('王芳')).toBe('王芳');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField(null)).toBe('');
  });
});
