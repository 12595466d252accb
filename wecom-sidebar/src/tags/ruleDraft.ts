/**
 * The rule editor's form over the rule language (shared/src/tags.ts): a draft tree whose inputs hold text, turned
 * into a rule with the checks the BFF's schema makes (field errors keyed `<node key>:<field>`), and back from a rule
 * (a shipped example, a saved tag or segment). Every change is a pure function of the tree, so the form's state is
 * one value.
 *
 * Values: an attribute's value is text (the fields are texts and ids); an event property's value is read as a
 * number (`12`, `-3.5`), a boolean (`true`, `false`) or else text, and quotes keep a number-like text as text
 * (`"12"`). `in` / `not in` take several values separated by commas (, ， 、).
 */
import type { FieldErrors } from '../shell/forms';
import type {
  AttributeField,
  CountOp,
  EventSelector,
  FilterOp,
  LeafCondition,
  PropertyFilter,
  RuleCondition,
  RuleScalar,
} from './types';

/** The limits of shared/src/tags.ts (kept here: the page carries no schema code). */
export const RULE_LIMITS = {
  maxDays: 3660,
  maxDepth: 6,
  maxConditions: 40,
  groupChildren: 20,
  selectorTypes: 20,
  filters: 10,
  values: 50,
  /** Counts are exact up to this many events. */
  recentKeep: 16,
  scalar: 200,
  age: 150,
} as const;

const PROPERTY_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const OBJECT_ID = /^[0-9a-f]{24}$/i;

export interface FilterDraft {
  key: string;
  property: string;
  op: FilterOp;
  /** One value, or several separated by commas for `in` / `notIn`. */
  value: string;
}

export interface SelectorDraft {
  types: string[];
  where: FilterDraft[];
}

export type LeafDraft =
  | { key: string; type: 'attribute'; field: AttributeField; op: FilterOp; value: string }
  | { key: string; type: 'age'; min: string; max: string }
  | { key: string; type: 'tag'; tagId: string; has: boolean }
  | { key: string; type: 'count'; events: SelectorDraft; withinDays: string; op: CountOp; value: string }
  | { key: string; type: 'last'; events: SelectorDraft; op: 'within' | 'olderThan'; days: string }
  | { key: string; type: 'absence'; after: SelectorDraft; none: SelectorDraft; withinDays: string };

export type GroupDraft = { key: string; type: 'all' | 'any'; children: DraftNode[] };
export type NotDraft = { key: string; type: 'not'; child: DraftNode };
export type DraftNode = LeafDraft | GroupDraft | NotDraft;
export type LeafType = LeafDraft['type'];

export const isGroup = (node: DraftNode): node is GroupDraft => node.type === 'all' || node.type === 'any';
export type ConditionType = LeafType | 'all' | 'any';

let counter = 0;
/** A key unique on the page (React keys, error keys). */
export function newKey(): string {
  counter += 1;
  return `c${counter}`;
}

// ---------------------------------------------------------------------------------------------------------------
// New conditions

const selector = (...types: string[]): SelectorDraft => ({ types, where: [] });

/** A new condition of the type with first values staff change (the events are theirs to choose). */
export function newCondition(type: ConditionType): DraftNode {
  const key = newKey();
  switch (type) {
    case 'attribute':
      return { key, type, field: 'kind', op: 'eq', value: 'patient' };
    case 'age':
      return { key, type, min: '', max: '' };
    case 'tag':
      return { key, type, tagId: '', has: true };
    case 'count':
      return { key, type, events: selector(), withinDays: '30', op: 'gte', value: '1' };
    case 'last':
      return { key, type, events: selector(), op: 'within', days: '30' };
    case 'absence':
      return { key, type, after: selector(), none: selector(), withinDays: '' };
    case 'all':
    case 'any':
      return { key, type, children: [] };
  }
}

export function newFilter(): FilterDraft {
  return { key: newKey(), property: '', op: 'eq', value: '' };
}

/** An empty rule: "all of" with nothing in it yet. */
export function emptyRuleDraft(): GroupDraft {
  return { key: newKey(), type: 'all', children: [] };
}

// ---------------------------------------------------------------------------------------------------------------
// Values

/** A property value as typed → number, boolean or text (quotes keep number-like text as text). */
export function parseScalar(input: string): RuleScalar {
  const text = input.trim();
  const quoted = /^"(.*)"$/.exec(text) ?? /^'(.*)'$/.exec(text) ?? /^“(.*)”$/.exec(text);
  if (quoted) return quoted[1]!;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

/** A property value as the input shows it (the inverse of parseScalar). */
export function formatScalar(value: RuleScalar): string {
  if (typeof value !== 'string') return String(value);
  return value === 'true' || value === 'false' || /^-?\d+(\.\d+)?$/.test(value.trim()) || value !== value.trim()
    ? `"${value}"`
    : value;
}

/** `a, b，c、d` → the values, blanks left out. */
export function splitValues(input: string): string[] {
  return input
    .split(/[,，、]/)
    .map((part) => part.trim())
    .filter(Boolean);
}

const needsValue = (op: FilterOp) => ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'].includes(op);
const needsValues = (op: FilterOp) => op === 'in' || op === 'notIn';

function wholeIn(text: string, min: number, max: number): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= min && value <= max ? value : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Draft → rule

export type RuleErrors = FieldErrors<string>;
export type RuleBuild = { ok: true; rule: RuleCondition } | { ok: false; errors: RuleErrors };

class Builder {
  errors: RuleErrors = {};

  fail(key: string, field: string, message: string) {
    this.errors[`${key}:${field}`] ??= message;
  }

  days(key: string, field: string, text: string, optional: boolean): number | undefined {
    if (!text.trim()) {
      if (!optional) this.fail(key, field, '请输入天数');
      return undefined;
    }
    const value = wholeIn(text, 1, RULE_LIMITS.maxDays);
    if (value === null) this.fail(key, field, `天数为 1–${RULE_LIMITS.maxDays} 的整数`);
    return value ?? undefined;
  }

  filter(draft: FilterDraft): PropertyFilter {
    const property = draft.property.trim();
    if (!PROPERTY_NAME.test(property)) this.fail(draft.key, 'property', '属性名：字母开头，字母、数字或下划线');
    const result: PropertyFilter = { property, op: draft.op };
    if (needsValue(draft.op)) {
      if (!draft.value.trim()) this.fail(draft.key, 'value', '请输入值');
      const value = parseScalar(draft.value);
      if (typeof value === 'string' && [...value].length > RULE_LIMITS.scalar) {
        this.fail(draft.key, 'value', `最多 ${RULE_LIMITS.scalar} 个字`);
      }
      if (typeof value === 'boolean' && ['gt', 'gte', 'lt', 'lte'].includes(draft.op)) {
        this.fail(draft.key, 'value', '大小比较请用数字或文字');
      }
      result.value = value;
    } else if (needsValues(draft.op)) {
      const values = splitValues(draft.value).map(parseScalar);
      if (!values.length) this.fail(draft.key, 'value', '请输入至少一个值（用逗号分隔）');
      if (values.length > RULE_LIMITS.values) this.fail(draft.key, 'value', `最多 ${RULE_LIMITS.values} 个值`);
      result.values = values;
    }
    return result;
  }

  selector(key: string, field: string, draft: SelectorDraft): EventSelector {
    const types = [...new Set(draft.types)];
    if (!types.length) this.fail(key, field, '请选择至少一种事件');
    if (types.length > RULE_LIMITS.selectorTypes) this.fail(key, field, `最多 ${RULE_LIMITS.selectorTypes} 种事件`);
    if (draft.where.length > RULE_LIMITS.filters) this.fail(key, field, `最多 ${RULE_LIMITS.filters} 个属性条件`);
    const events: EventSelector = { types: types as EventSelector['types'] };
    if (draft.where.length) events.where = draft.where.map((filter) => this.filter(filter));
    return events;
  }

  leaf(node: LeafDraft): LeafCondition {
    const { key } = node;
    switch (node.type) {
      case 'attribute': {
        const condition: LeafCondition = { type: 'attribute', field: node.field, op: node.op };
        if (needsValue(node.op)) {
          const value = node.value.trim();
          if (!value) this.fail(key, 'value', '请输入或选择值');
          else if ([...value].length > RULE_LIMITS.scalar) this.fail(key, 'value', `最多 ${RULE_LIMITS.scalar} 个字`);
          condition.value = value;
        } else if (needsValues(node.op)) {
          const values = splitValues(node.value);
          if (!values.length) this.fail(key, 'value', '请输入或选择至少一个值');
          if (values.length > RULE_LIMITS.values) this.fail(key, 'value', `最多 ${RULE_LIMITS.values} 个值`);
          condition.values = values;
        }
        return condition;
      }
      case 'age': {
        const read = (field: 'min' | 'max') => {
          const text = node[field];
          if (!text.trim()) return undefined;
          const value = wholeIn(text, 0, RULE_LIMITS.age);
          if (value === null) this.fail(key, field, `年龄为 0–${RULE_LIMITS.age} 的整数`);
          return value ?? undefined;
        };
        const min = read('min');
        const max = read('max');
        if (!node.min.trim() && !node.max.trim()) this.fail(key, 'min', '请填写最小或最大年龄');
        if (min !== undefined && max !== undefined && min > max) this.fail(key, 'max', '最大年龄小于最小年龄');
        return {
          type: 'age',
          ...(min !== undefined && { min }),
          ...(max !== undefined && { max }),
        };
      }
      case 'tag':
        if (!OBJECT_ID.test(node.tagId)) this.fail(key, 'tagId', '请选择标签');
        return { type: 'tag', tagId: node.tagId, has: node.has };
      case 'count': {
        const events = this.selector(key, 'types', node.events);
        const withinDays = this.days(key, 'withinDays', node.withinDays, true);
        const value = wholeIn(node.value, 0, RULE_LIMITS.recentKeep);
        if (value === null) this.fail(key, 'value', `次数为 0–${RULE_LIMITS.recentKeep} 的整数`);
        else if (node.op === 'lt' && value === 0) this.fail(key, 'value', '次数不会小于 0');
        else if ((node.op === 'gte' || node.op === 'lt' ? value : value + 1) > RULE_LIMITS.recentKeep) {
          this.fail(key, 'value', `次数只精确到 ${RULE_LIMITS.recentKeep}，请用更小的数`);
        }
        return {
          type: 'count',
          events,
          ...(withinDays !== undefined && { withinDays }),
          op: node.op,
          value: value ?? 0,
        };
      }
      case 'last':
        return {
          type: 'last',
          events: this.selector(key, 'types', node.events),
          op: node.op,
          days: this.days(key, 'days', node.days, false) ?? 1,
        };
      case 'absence': {
        const after = this.selector(key, 'after', node.after);
        const none = this.selector(key, 'none', node.none);
        const withinDays = this.days(key, 'withinDays', node.withinDays, true);
        return { type: 'absence', after, none, ...(withinDays !== undefined && { withinDays }) };
      }
    }
  }

  node(node: DraftNode): RuleCondition {
    if (isGroup(node)) {
      if (!node.children.length) this.fail(node.key, 'children', '请添加至少一个条件');
      if (node.children.length > RULE_LIMITS.groupChildren) {
        this.fail(node.key, 'children', `一组最多 ${RULE_LIMITS.groupChildren} 个条件`);
      }
      return { type: node.type, conditions: node.children.map((child) => this.node(child)) };
    }
    if (node.type === 'not') return { type: 'not', condition: this.node(node.child) };
    return this.leaf(node);
  }
}

function depthOf(rule: RuleCondition): number {
  if (rule.type === 'all' || rule.type === 'any') return 1 + Math.max(0, ...rule.conditions.map(depthOf));
  if (rule.type === 'not') return 1 + depthOf(rule.condition);
  return 1;
}

function sizeOf(rule: RuleCondition): number {
  if (rule.type === 'all' || rule.type === 'any') return 1 + rule.conditions.reduce((sum, c) => sum + sizeOf(c), 0);
  if (rule.type === 'not') return 1 + sizeOf(rule.condition);
  return 1;
}

/**
 * The rule the draft stands for, or the errors of its inputs. A root "all of" holding one condition is that
 * condition (the rule reads the same).
 */
export function buildRule(root: DraftNode): RuleBuild {
  const builder = new Builder();
  let rule = builder.node(root);
  if (rule.type === 'all' && rule.conditions.length === 1) rule = rule.conditions[0]!;
  if (depthOf(rule) > RULE_LIMITS.maxDepth) builder.fail('rule', 'rule', `条件最多嵌套 ${RULE_LIMITS.maxDepth} 层`);
  if (sizeOf(rule) > RULE_LIMITS.maxConditions) {
    builder.fail('rule', 'rule', `一条规则最多 ${RULE_LIMITS.maxConditions} 个条件`);
  }
  return Object.keys(builder.errors).length ? { ok: false, errors: builder.errors } : { ok: true, rule };
}

/** The error of one input of a node (`field` of the node with this key). */
export function errorOf(errors: RuleErrors, key: string, field: string): string | undefined {
  return errors[`${key}:${field}`];
}

// ---------------------------------------------------------------------------------------------------------------
// Rule → draft

function selectorDraft(events: EventSelector): SelectorDraft {
  return {
    types: [...events.types],
    where: (events.where ?? []).map((filter) => ({
      key: newKey(),
      property: filter.property,
      op: filter.op,
      value: filter.values
        ? filter.values.map(formatScalar).join(', ')
        : filter.value !== undefined
          ? formatScalar(filter.value)
          : '',
    })),
  };
}

function nodeFromRule(rule: RuleCondition): DraftNode {
  const key = newKey();
  switch (rule.type) {
    case 'all':
    case 'any':
      return { key, type: rule.type, children: rule.conditions.map(nodeFromRule) };
    case 'not':
      return { key, type: 'not', child: nodeFromRule(rule.condition) };
    case 'attribute':
      return {
        key,
        type: 'attribute',
        field: rule.field,
        op: rule.op,
        value: rule.values ? rule.values.map(String).join(', ') : rule.value !== undefined ? String(rule.value) : '',
      };
    case 'age':
      return {
        key,
        type: 'age',
        min: rule.min === undefined ? '' : String(rule.min),
        max: rule.max === undefined ? '' : String(rule.max),
      };
    case 'tag':
      return { key, type: 'tag', tagId: rule.tagId, has: rule.has };
    case 'count':
      return {
        key,
        type: 'count',
        events: selectorDraft(rule.events),
        withinDays: rule.withinDays === undefined ? '' : String(rule.withinDays),
        op: rule.op,
        value: String(rule.value),
      };
    case 'last':
      return { key, type: 'last', events: selectorDraft(rule.events), op: rule.op, days: String(rule.days) };
    case 'absence':
      return {
        key,
        type: 'absence',
        after: selectorDraft(rule.after),
        none: selectorDraft(rule.none),
        withinDays: rule.withinDays === undefined ? '' : String(rule.withinDays),
      };
  }
}

/** The form for a rule; the root is always a group (a single condition becomes "all of" it). */
export function draftFromRule(rule: RuleCondition): GroupDraft {
  const node = nodeFromRule(rule);
  return isGroup(node) ? node : { key: newKey(), type: 'all', children: [node] };
}

// ---------------------------------------------------------------------------------------------------------------
// Tree edits (pure)

/** The tree with the node of `key` replaced by `change(node)`. */
export function updateNode(root: DraftNode, key: string, change: (node: DraftNode) => DraftNode): DraftNode {
  if (root.key === key) return change(root);
  if (isGroup(root)) {
    let changed = false;
    const children = root.children.map((child) => {
      const next = updateNode(child, key, change);
      if (next !== child) changed = true;
      return next;
    });
    return changed ? { ...root, children } : root;
  }
  if (root.type === 'not') {
    const child = updateNode(root.child, key, change);
    return child === root.child ? root : { ...root, child };
  }
  return root;
}

/** Sets fields of a leaf (or a group's type). */
export function patchNode<N extends DraftNode>(
  root: DraftNode,
  key: string,
  fields: Partial<Omit<N, 'key'>>,
): DraftNode {
  return updateNode(root, key, (node) => ({ ...node, ...fields }) as DraftNode);
}

/** Adds a condition at the end of a group. */
export function addCondition(root: DraftNode, groupKey: string, condition: DraftNode): DraftNode {
  return updateNode(root, groupKey, (node) =>
    isGroup(node) ? { ...node, children: [...node.children, condition] } : node,
  );
}

/** Removes a condition (a negated one goes with its `not`); the root stays. */
export function removeNode(root: DraftNode, key: string): DraftNode {
  if (root.key === key) return root;
  if (isGroup(root)) {
    const children = root.children
      .filter((child) => child.key !== key && !(child.type === 'not' && child.child.key === key))
      .map((child) => removeNode(child, key));
    const same = children.length === root.children.length && children.every((child, i) => child === root.children[i]);
    return same ? root : { ...root, children };
  }
  if (root.type === 'not') {
    const child = removeNode(root.child, key);
    return child === root.child ? root : { ...root, child };
  }
  return root;
}

/** Wraps a condition in `not`, or unwraps a `not` (by its key or its condition's key). */
export function toggleNot(root: DraftNode, key: string): DraftNode {
  const unwrap = (node: DraftNode): DraftNode | null => {
    if (node.type === 'not' && (node.key === key || node.child.key === key)) return node.child;
    return null;
  };
  const visit = (node: DraftNode): DraftNode => {
    if (isGroup(node)) {
      return {
        ...node,
        children: node.children.map((child) => {
          const unwrapped = unwrap(child);
          if (unwrapped) return unwrapped;
          if (child.key === key) return { key: newKey(), type: 'not', child };
          return visit(child);
        }),
      };
    }
    if (node.type === 'not') {
      const unwrapped = unwrap(node.child);
      if (unwrapped) return { ...node, child: unwrapped };
      if (node.child.key === key) return { ...node, child: { key: newKey(), type: 'not', child: node.child } };
      return { ...node, child: visit(node.child) };
    }
    return node;
  };
  return visit(root);
}

/** Changes the events of a behaviour condition's selector (`events`, `after` or `none`). */
export function updateSelector(
  root: DraftNode,
  key: string,
  which: 'events' | 'after' | 'none',
  change: (selector: SelectorDraft) => SelectorDraft,
): DraftNode {
  return updateNode(root, key, (node) => {
    if ((node.type === 'count' || node.type === 'last') && which === 'events') {
      return { ...node, events: change(node.events) };
    }
    if (node.type === 'absence' && (which === 'after' || which === 'none')) {
      return { ...node, [which]: change(node[which]) };
    }
    return node;
  });
}

/** How many conditions the tree holds (groups and `not` count, as the rule's limit counts them). */
export function conditionCount(root: DraftNode): number {
  if (isGroup(root)) return 1 + root.children.reduce((sum, c) => sum + conditionCount(c), 0);
  if (root.type === 'not') return 1 + conditionCount(root.child);
  return 1;
}
