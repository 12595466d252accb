/**
 * Validation problems of a definition on the builder's graph: each issue the server found (POST …/validate, or the
 * details of a refused save) is put on the node it concerns — a step, or the entry node for the journey's settings
 * (entry, re-entry, exits, quiet hours, cap, start) — with the form field it names, in words.
 */
import { ApiError } from '@careloop/shared/client';
import { ENTRY_NODE } from './graph';
import type { JourneyDefinition, JourneyIssue } from './types';

export interface PlacedIssue {
  /** The step id, or ENTRY_NODE for the settings and the journey as a whole. */
  node: string;
  /** The field of the step's (or the settings') form: `title`, `duration.days`, `entry.cron` … ('' for the whole). */
  field: string;
  message: string;
  /** The server's own words (English), kept for the tooltip. */
  original: string;
}

const SETTINGS = ['entry', 'reEntry', 'exitOn', 'quietHours', 'frequencyCap', 'start'];

const MESSAGES: [RegExp, (match: RegExpExecArray) => string][] = [
  [/^another step already has the id (.+)$/, (m) => `另一个步骤已使用 id「${m[1]}」`],
  [/^the start step (.+) does not exist$/, (m) => `起始步骤「${m[1]}」不存在`],
  [/^leads to (.+), which does not exist$/, (m) => `指向的步骤「${m[1]}」不存在`],
  [/^leads to itself without waiting$/, () => '没有等待就指向自己'],
  [/^cannot be reached from the start$/, () => '从入口无法到达这个步骤'],
  [/^is on a loop without a wait step$/, () => '处在没有等待步骤的循环里，客户会无限循环'],
  [/^wait for some time$/, () => '等待时长须大于 0'],
  [/^a wait needs a duration, an until, or both$/, () => '等待步骤需要时长或“等到”的时间'],
  [/^no such coupon template$/, () => '优惠券模板不存在'],
  [/^no such staff member$/, () => '员工不存在或已停用'],
  [/^no such segment$/, () => '人群不存在'],
  [/^the schedule: (.+)$/, (m) => `定时规则有误：${m[1]}`],
  [/^a local time HH:mm$/, () => '时间格式应为 HH:mm'],
  [/^start and end must differ$/, () => '开始与结束时间不能相同'],
  [/^give 1–20 fields$/, () => '请填写 1–20 个模板字段'],
  [/^a step id: /, () => '步骤 id 须以字母开头，只含字母、数字、_ 或 -'],
  [/^a cron pattern of five fields/, () => 'cron 须为五段：分 时 日 月 周'],
  [/^Too small: expected string to have >=1 characters?$/, () => '不能为空'],
  [/^Too big: expected string to have <=(\d+) characters?$/, (m) => `最多 ${m[1]} 个字`],
  [/^Too small: expected array to have >=1 items?$/, () => '至少需要一项'],
  [/^Too big: expected array to have <=(\d+) items?$/, (m) => `最多 ${m[1]} 项`],
  [/^Too small: expected number to be >=(-?\d+)$/, (m) => `不能小于 ${m[1]}`],
  [/^Too big: expected number to be <=(-?\d+)$/, (m) => `不能大于 ${m[1]}`],
  [/^Invalid (input|option)/, () => '取值无效'],
];

/** The server's message in words, or as it is when it is not one of the known ones. */
export function issueText(message: string): string {
  for (const [pattern, say] of MESSAGES) {
    const match = pattern.exec(message);
    if (match) return say(match);
  }
  return message;
}

/** `definition.steps.2.title` → `steps.2.title` (a refused save names the body's field). */
const withinDefinition = (path: string) => path.replace(/^definition\.?/, '');

/**
 * The node and field of one issue: its step id when given (the graph's own checks), else the step at the index in
 * the path, else the entry node.
 */
export function placeIssue(issue: JourneyIssue, definition: Pick<JourneyDefinition, 'steps'>): PlacedIssue {
  const path = withinDefinition(issue.path);
  const parts = path ? path.split('.') : [];
  const text = issueText(issue.message);
  if (parts[0] === 'steps') {
    const index = Number(parts[1]);
    const step = Number.isInteger(index) ? definition.steps[index] : undefined;
    const node = issue.stepId ?? step?.id ?? ENTRY_NODE;
    return { node, field: parts.slice(2).join('.'), message: text, original: issue.message };
  }
  if (issue.stepId) return { node: issue.stepId, field: '', message: text, original: issue.message };
  const field = SETTINGS.includes(parts[0] ?? '') ? path : '';
  return { node: ENTRY_NODE, field, message: text, original: issue.message };
}

/** The issues by node, in the order found. */
export function issuesByNode(
  issues: readonly JourneyIssue[],
  definition: Pick<JourneyDefinition, 'steps'>,
): Map<string, PlacedIssue[]> {
  const byNode = new Map<string, PlacedIssue[]>();
  for (const issue of issues) {
    const placed = placeIssue(issue, definition);
    const list = byNode.get(placed.node) ?? [];
    list.push(placed);
    byNode.set(placed.node, list);
  }
  return byNode;
}

/**
 * The issues a refused request carries: JOURNEY_INVALID names them with their steps, VALIDATION_FAILED (the body's
 * schema) with their paths; only the ones about the definition. Empty for any other error.
 */
export function issuesFromError(error: unknown): JourneyIssue[] {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return [];
  if (error.code !== 'JOURNEY_INVALID' && error.code !== 'VALIDATION_FAILED') return [];
  const issues: JourneyIssue[] = [];
  for (const item of error.details as unknown[]) {
    if (!item || typeof item !== 'object') continue;
    const { stepId, path, message } = item as { stepId?: unknown; path?: unknown; message?: unknown };
    if (typeof message !== 'string') continue;
    const where = typeof path === 'string' ? path : Array.isArray(path) ? path.join('.') : '';
    if (error.code === 'VALIDATION_FAILED' && !where.startsWith('definition')) continue;
    issues.push({ stepId: typeof stepId === 'string' ? stepId : null, path: withinDefinition(where), message });
  }
  return issues;
}

/** The issue of one form field (its own path, or one below it: `duration` covers `duration.days`). */
export function fieldIssue(issues: readonly PlacedIssue[] | undefined, ...fields: string[]): string | undefined {
  const found = issues?.find((issue) =>
    fields.some((field) => issue.field === field || issue.field.startsWith(`${field}.`)),
  );
  return found?.message;
}

/** The issues no field of the form shows (the step as a whole, or fields it has no input for). */
export function otherIssues(issues: readonly PlacedIssue[] | undefined, shown: readonly string[]): PlacedIssue[] {
  return (issues ?? []).filter(
    (issue) => !issue.field || !shown.some((field) => issue.field === field || issue.field.startsWith(`${field}.`)),
  );
}
