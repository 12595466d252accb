/**
 * The explanation panel's lines: the answer of `GET …/tags/:tagId/explain` walked with the tag's rule (same shape:
 * one node per condition), each condition in words with what it found, the events that satisfied it and, for an
 * absence, the events that did not happen in the period checked. The server's own text (Chinese, its wording) stays as the
 * line's detail.
 */
import { eventLabel } from '../profile/eventLabels';
import { formatDateTime } from '../profile/format';
import { conditionText, type RuleNames } from './describe';
import { TAG_SOURCE_LABELS } from './labels';
import type { ExplanationNode, RuleCondition, TagExplanation } from './types';

export interface ExplanationEventLine {
  /** The stored event's id (the timeline shows it), or null when it is no longer stored. */
  id: string | null;
  label: string;
  at: string;
}

export interface ExplanationLine {
  key: string;
  depth: number;
  type: string;
  holds: boolean;
  /** The condition in words. */
  title: string;
  /** What the condition found, in words ('' when there is nothing to add). */
  found: string;
  /** The server's text (what was checked and found). */
  detail: string;
  events: ExplanationEventLine[];
  /** For an absence that held: what did not happen, and when. */
  missing: string | null;
  /** When time alone can change this condition's result. */
  changesAt: string | null;
}

const ISO = /^\d{4}-\d{2}-\d{2}T/;
const when = (value: unknown) => (typeof value === 'string' && ISO.test(value) ? formatDateTime(value) : null);

function foundText(node: ExplanationNode, condition: RuleCondition | null, names: RuleNames): string {
  const { value } = node;
  switch (node.type) {
    case 'count':
      return typeof value === 'number' ? `实际 ${value}${value >= 16 ? '+' : ''} 次` : '';
    case 'last': {
      const at = when(value);
      return at ? `最近一次 ${at}` : '没有这类事件';
    }
    case 'age':
      return typeof value === 'number' ? `实际 ${value} 岁` : '年龄未知（没有生日）';
    case 'tag':
      return value === true ? '有这个标签' : value === false ? '没有这个标签' : '';
    case 'attribute': {
      if (value === null || value === undefined) return '实际：未填写';
      const field = condition?.type === 'attribute' ? condition.field : null;
      const text = String(value);
      if (field === 'clinicId') return `实际：${names.clinic?.(text) ?? text}`;
      if (field === 'ownerStaffId') return `实际：${names.staff?.(text) ?? text}`;
      return `实际：${text}`;
    }
    case 'absence': {
      const v = (value ?? {}) as { anchor?: unknown; followUp?: unknown };
      const anchor = when(v.anchor);
      const followUp = when(v.followUp);
      if (!anchor) return '还没有起始事件';
      return followUp ? `最近一次在 ${anchor}，${followUp} 有后续` : `最近一次在 ${anchor}`;
    }
    case 'all':
    case 'any': {
      const held = node.children.filter((child) => child.holds).length;
      return `${held} / ${node.children.length} 项成立`;
    }
    default:
      return '';
  }
}

function childConditions(condition: RuleCondition | null): (RuleCondition | null)[] {
  if (!condition) return [];
  if (condition.type === 'all' || condition.type === 'any') return condition.conditions;
  if (condition.type === 'not') return [condition.condition];
  return [];
}

/** The condition tree as lines, depth first; `rule` (the tag's rule) gives the words when it has the same shape. */
export function explanationLines(
  root: ExplanationNode | null,
  rule: RuleCondition | null,
  names: RuleNames = {},
): ExplanationLine[] {
  const lines: ExplanationLine[] = [];
  const visit = (node: ExplanationNode, condition: RuleCondition | null, depth: number, key: string) => {
    const matching = condition && condition.type === node.type ? condition : null;
    lines.push({
      key,
      depth,
      type: node.type,
      holds: node.holds,
      title: matching ? conditionText(matching, names) : node.text,
      found: foundText(node, matching, names),
      detail: node.text,
      events: node.events.map((event) => ({ id: event.id, label: eventLabel(event.type), at: event.occurredAt })),
      missing: node.missing
        ? `${formatDateTime(node.missing.from)} 至 ${formatDateTime(node.missing.to)} 没有${node.missing.types
            .map((type) => `「${eventLabel(type)}」`)
            .join('、')}`
        : null,
      changesAt: node.changesAt,
    });
    const children = childConditions(matching);
    node.children.forEach((child, index) => visit(child, children[index] ?? null, depth + 1, `${key}.${index}`));
  };
  if (root) visit(root, rule, 0, '0');
  return lines;
}

/** The panel's first sentence. */
export function explanationHeadline(explanation: TagExplanation, setByName: string | null = null): string {
  const name = `「${explanation.tag.name}」`;
  if (explanation.tag.kind === 'static') {
    if (!explanation.applied) return `客户没有${name}。`;
    const source = explanation.source ? TAG_SOURCE_LABELS[explanation.source] : '';
    const by = setByName ? ` · ${setByName}` : '';
    return `${name}由${source}添加${by}（${formatDateTime(explanation.setAt)}）。`;
  }
  const now = explanation.holds ? '当前符合规则' : '当前不符合规则';
  if (explanation.holds === explanation.applied) {
    return explanation.applied ? `${name}${now}，因此已打上。` : `${name}${now}，因此没有打上。`;
  }
  return `${name}${now}，标签将随之${explanation.holds ? '加上' : '移除'}。`;
}

/** `预计 2026-03-08 00:00 可能变化` when time alone can change the result. */
export function changeNote(changesAt: string | null): string | null {
  return changesAt ? `随时间推移，结果可能在 ${formatDateTime(changesAt)} 变化` : null;
}
