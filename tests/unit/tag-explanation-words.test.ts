/**
 * What a tag explanation says to clinic staff about each condition: Chinese words for event types, attributes,
 * properties and operators, what was found, and dates as the organisation's local dates (not UTC).
 */
import { describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import type { RuleCondition } from '@careloop/shared';
import { evaluateCondition } from '../../bff/src/tags/evaluate';
import type { CustomerFactsDoc } from '../../bff/src/tags/model';
import { absenceKey, streamKey } from '../../bff/src/tags/specs';

const context = { now: new Date('2026-03-10T04:00:00Z'), timeZone: 'Asia/Shanghai' };

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
const text = (rule: RuleCondition, doc: CustomerFactsDoc, options = {}) =>
  evaluateCondition(rule, doc, context, options).text;

describe('tag explanation words', () => {
  it('names an attribute, its wanted values and what the profile has in Chinese', () => {
    const rule: RuleCondition = { type: 'attribute', field: 'gender', op: 'in', values: ['female', 'other'] };
    expect(text(rule, facts({ a: { gender: 'male' } }))).toBe('性别 属于 女、其他（实际：男）');
    expect(text(rule, facts({ a: {} }))).toBe('性别 属于 女、其他（实际：未填写）');
  });

  it('gives an age range in years, and says when the birthday is missing', () => {
    const rule: RuleCondition = { type: 'age', min: 18 };
    expect(text(rule, facts({ a: { birthday: '1990-05-01' } }))).toBe('年龄 ≥ 18 岁（实际：35 岁）');
    expect(text({ type: 'age', min: 20, max: 40 }, facts({ a: {} }))).toBe('年龄 20–40 岁（实际：未知，没有生日）');
  });

  it('names a tag by its name', () => {
    const tagId = '0123456789abcdef01234567';
    const rule: RuleCondition = { type: 'tag', tagId, has: false };
    expect(text(rule, facts({ tags: [tagId] }), { tagNames: new Map([[tagId, '种植意向']]) })).toBe(
      '没有标签「种植意向」（实际：有）',
    );
  });

  it('dates the latest event on the clinic’s local day, not the UTC one', () => {
    const events = { types: ['appointment.arrived' as const] };
    const rule: RuleCondition = { type: 'last', events, op: 'within', days: 30 };
    // 01:00 on 9 March in Shanghai is still 8 March in UTC.
    const doc = facts({ s: { [streamKey(events)]: { r: [{ a: new Date('2026-03-08T17:00:00Z'), e: 'a' }] } } });
    expect(text(rule, doc)).toBe('最近一次「到店」在 30 天以内（实际：2026-03-09）');
    expect(text({ ...rule, op: 'olderThan' }, facts({}))).toBe('最近一次「到店」在 30 天以前（实际：没有）');
  });

  it('says an absence is still open, and until which local day', () => {
    const rule: RuleCondition = {
      type: 'absence',
      after: { types: ['appointment.no_show'] },
      none: { types: ['appointment.booked', 'task.completed'] },
      withinDays: 3,
    };
    const anchor = new Date('2026-03-08T04:00:00Z');
    const doc = facts({
      s: { [streamKey(rule.after)]: { r: [{ a: anchor, e: 'n' }] } },
      x: { [absenceKey(rule)]: { t: anchor, f: null, c: true } },
    });
    expect(text(rule, doc)).toBe(
      '最近一次「失约」（2026-03-08）之后还没有「预约」或「完成回访任务」；3 天期限至 2026-03-11 结束',
    );
    expect(text(rule, facts({}))).toBe('还没有「失约」，无需跟进');
  });

  it('counts the conditions of a group that hold, and words a negation', () => {
    const viewed: RuleCondition = {
      type: 'count',
      events: { types: ['content.opened'], where: [{ property: 'category', op: 'eq', value: 'implant' }] },
      withinDays: 90,
      op: 'gte',
      value: 2,
    };
    const doc = facts({ a: { gender: 'female' } });
    const group: RuleCondition = {
      type: 'any',
      conditions: [viewed, { type: 'attribute', field: 'gender', op: 'eq', value: 'female' }],
    };
    expect(text(group, doc)).toBe('满足以下任意一项（共 2 项，成立 1 项）');
    expect(text({ type: 'not', condition: viewed }, doc)).toBe(
      '并非：近 90 天内「打开内容」（内容分类 等于 种植）≥ 2 次（实际 0 次）',
    );
  });
});
