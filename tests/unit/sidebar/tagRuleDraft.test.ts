import { TagRule, type RuleCondition } from '@careloop/shared';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_RULES } from '../../../bff/src/tags/examples';
import {
  addCondition,
  buildRule,
  conditionCount,
  draftFromRule,
  emptyRuleDraft,
  errorOf,
  formatScalar,
  newCondition,
  newFilter,
  parseScalar,
  patchNode,
  removeNode,
  toggleNot,
  updateSelector,
  type DraftNode,
  type GroupDraft,
  type LeafDraft,
} from '../../../wecom-sidebar/src/tags/ruleDraft';

const TAG_ID = '65f0000000000000000000f1';

/** A root "all of" holding the given conditions. */
function rootWith(...conditions: DraftNode[]): GroupDraft {
  return conditions.reduce<DraftNode>(
    (root, condition) => addCondition(root, root.key, condition),
    emptyRuleDraft(),
  ) as GroupDraft;
}

function leaf<T extends LeafDraft['type']>(type: T, fields: Partial<Extract<LeafDraft, { type: T }>> = {}) {
  return { ...(newCondition(type) as Extract<LeafDraft, { type: T }>), ...fields };
}

const built = (root: DraftNode) => {
  const result = buildRule(root);
  if (!result.ok) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.rule;
};
const errorsOf = (root: DraftNode) => {
  const result = buildRule(root);
  return result.ok ? {} : result.errors;
};

describe('the rule form', () => {
  it.each(EXAMPLE_RULES.map((example) => [example.key, example.rule] as const))(
    'holds the shipped example %s and gives it back unchanged',
    (_key, rule) => {
      const draft = draftFromRule(rule);
      expect(draft.type === 'all' || draft.type === 'any').toBe(true);
      expect(built(draft)).toEqual(rule);
    },
  );

  it('builds the no-show-in-6-months rule from a count and an absence condition, as the schema accepts it', () => {
    const count = leaf('count', { withinDays: '180', op: 'gte', value: '1' });
    const absence = leaf('absence', { withinDays: '' });
    let root: DraftNode = rootWith(count, absence);
    root = updateSelector(root, count.key, 'events', () => ({ types: ['appointment.booked'], where: [] }));
    root = updateSelector(root, absence.key, 'after', () => ({ types: ['appointment.booked'], where: [] }));
    root = updateSelector(root, absence.key, 'none', () => ({ types: ['appointment.arrived'], where: [] }));
    const rule = built(root);
    expect(rule).toEqual(EXAMPLE_RULES.find((example) => example.key === 'no_show_6_months')!.rule);
    expect(TagRule.safeParse(rule).success).toBe(true);
  });

  it('gives a single condition as the rule itself, not an "all of" one', () => {
    const last = leaf('last', { op: 'olderThan', days: '365' });
    const root = updateSelector(rootWith(last), last.key, 'events', () => ({
      types: ['appointment.arrived'],
      where: [],
    }));
    expect(built(root)).toEqual({
      type: 'last',
      events: { types: ['appointment.arrived'] },
      op: 'olderThan',
      days: 365,
    });
  });

  it('reads property values as numbers, booleans or text, and quotes keep a number as text', () => {
    expect(parseScalar(' 12 ')).toBe(12);
    expect(parseScalar('-3.5')).toBe(-3.5);
    expect(parseScalar('true')).toBe(true);
    expect(parseScalar('"12"')).toBe('12');
    expect(parseScalar('appointment_deposit')).toBe('appointment_deposit');
    for (const value of [12, true, '12', 'true', 'appointment_deposit', ' padded']) {
      expect(parseScalar(formatScalar(value))).toEqual(value);
    }
  });

  it('turns property filters into the selector’s `where`, several values split on Chinese and Latin commas', () => {
    const count = leaf('count', { withinDays: '', op: 'eq', value: '0' });
    let root: DraftNode = rootWith(count);
    root = updateSelector(root, count.key, 'events', () => ({
      types: ['payment.paid'],
      where: [
        { ...newFilter(), property: 'purpose', op: 'notIn', value: 'appointment_deposit， gift_card、 "100"' },
        { ...newFilter(), property: 'amountFen', op: 'gte', value: '5000' },
        { ...newFilter(), property: 'refunded', op: 'missing', value: 'ignored' },
      ],
    }));
    const rule = built(root);
    expect(rule).toEqual({
      type: 'count',
      events: {
        types: ['payment.paid'],
        where: [
          { property: 'purpose', op: 'notIn', values: ['appointment_deposit', 'gift_card', '100'] },
          { property: 'amountFen', op: 'gte', value: 5000 },
          { property: 'refunded', op: 'missing' },
        ],
      },
      op: 'eq',
      value: 0,
    });
    expect(TagRule.safeParse(rule).success).toBe(true);
  });

  it('says which input is wrong, by condition', () => {
    const events = { types: ['appointment.booked'], where: [] };
    const count = leaf('count', { withinDays: '4000', op: 'gt', value: '16', events });
    const lessThanZero = leaf('count', { op: 'lt', value: '0', events });
    const age = leaf('age', { min: '40', max: '30' });
    const tag = leaf('tag');
    const last = leaf('last', { days: '', events: { types: ['page.viewed'], where: [] } });
    const absence = leaf('absence', { after: { types: ['appointment.no_show'], where: [] } });
    const root = updateSelector(rootWith(count, lessThanZero, age, tag, last, absence), absence.key, 'none', () => ({
      types: [],
      where: [{ ...newFilter(), property: '1bad', op: 'gt', value: 'true' }],
    }));
    const errors = errorsOf(root);
    expect(errorOf(errors, count.key, 'withinDays')).toMatch(/1–3660/);
    expect(errorOf(errors, count.key, 'value')).toMatch(/16/);
    expect(errorOf(errors, lessThanZero.key, 'value')).toMatch(/小于 0/);
    expect(errorOf(errors, age.key, 'max')).toMatch(/小于最小/);
    expect(errorOf(errors, tag.key, 'tagId')).toBeDefined();
    expect(errorOf(errors, last.key, 'days')).toBeDefined();
    expect(errorOf(errors, absence.key, 'none')).toMatch(/至少一种事件/);
    const filterKey = (root as GroupDraft).children.at(-1)!;
    expect(filterKey.type).toBe('absence');
    const filter = (filterKey as Extract<LeafDraft, { type: 'absence' }>).none.where[0]!;
    expect(errorOf(errors, filter.key, 'property')).toBeDefined();
    expect(errorOf(errors, filter.key, 'value')).toMatch(/数字或文字/);
  });

  it('refuses an empty group and an age without bounds', () => {
    const inner = newCondition('any');
    const age = leaf('age');
    const errors = errorsOf(rootWith(inner, age));
    expect(errorOf(errors, inner.key, 'children')).toBeDefined();
    expect(errorOf(errors, age.key, 'min')).toMatch(/最小或最大/);
    const empty = emptyRuleDraft();
    expect(errorOf(errorsOf(empty), empty.key, 'children')).toBeDefined();
  });

  it('refuses a rule nested deeper than the language allows', () => {
    let node: DraftNode = leaf('age', { min: '18' });
    for (let i = 0; i < 6; i += 1) node = { key: `n${i}`, type: 'not', child: node };
    const errors = errorsOf(rootWith(node));
    expect(errorOf(errors, 'rule', 'rule')).toMatch(/6 层/);
  });

  it('keeps attribute values as text, in or not in a list', () => {
    const attribute = leaf('attribute', {
      field: 'clinicId',
      op: 'in',
      value: `${TAG_ID}, ${TAG_ID.replace('f1', 'f2')}`,
    });
    const rule = built(rootWith(attribute));
    expect(rule).toEqual({
      type: 'attribute',
      field: 'clinicId',
      op: 'in',
      values: [TAG_ID, TAG_ID.replace('f1', 'f2')],
    });
    const exists = leaf('attribute', { field: 'hcp.title', op: 'exists', value: 'x' });
    expect(built(rootWith(exists))).toEqual({ type: 'attribute', field: 'hcp.title', op: 'exists' });
  });
});

describe('editing the condition tree', () => {
  it('negates a condition and takes the negation off again', () => {
    const tag = leaf('tag', { tagId: TAG_ID, has: true });
    const age = leaf('age', { min: '18' });
    let root: DraftNode = rootWith(tag, age);
    root = toggleNot(root, tag.key);
    expect(built(root)).toEqual({
      type: 'all',
      conditions: [
        { type: 'not', condition: { type: 'tag', tagId: TAG_ID, has: true } },
        { type: 'age', min: 18 },
      ],
    });
    root = toggleNot(root, tag.key);
    expect(built(root)).toEqual({
      type: 'all',
      conditions: [
        { type: 'tag', tagId: TAG_ID, has: true },
        { type: 'age', min: 18 },
      ],
    });
  });

  it('removes a negated condition together with its negation, and never the root', () => {
    const tag = leaf('tag', { tagId: TAG_ID });
    const age = leaf('age', { max: '60' });
    let root: DraftNode = toggleNot(rootWith(tag, age), tag.key);
    root = removeNode(root, tag.key);
    expect(built(root)).toEqual({ type: 'age', max: 60 });
    expect(removeNode(root, root.key)).toBe(root);
  });

  it('nests groups, switches all to any, and counts conditions as the rule’s limit does', () => {
    const group = newCondition('all');
    let root: DraftNode = rootWith(group);
    root = addCondition(root, group.key, leaf('age', { min: '18' }));
    root = addCondition(root, group.key, leaf('tag', { tagId: TAG_ID, has: false }));
    root = patchNode(root, group.key, { type: 'any' });
    expect(built(root)).toEqual({
      type: 'any',
      conditions: [
        { type: 'age', min: 18 },
        { type: 'tag', tagId: TAG_ID, has: false },
      ],
    });
    expect(conditionCount(root)).toBe(4);
  });

  it('leaves the tree untouched when an edit names no node', () => {
    const root = rootWith(leaf('age', { min: '1' }));
    expect(patchNode(root, 'nope', { min: '2' } as never)).toBe(root);
    expect(removeNode(root, 'nope')).toBe(root);
  });
});

describe('every shipped example, built, is a valid rule', () => {
  it('passes the shared schema', () => {
    for (const example of EXAMPLE_RULES) {
      const rule: RuleCondition = built(draftFromRule(example.rule));
      expect(TagRule.safeParse(rule).success, example.key).toBe(true);
    }
  });
});
