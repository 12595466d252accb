/**
 * A journey's analytics laid over its graph: each node's figures (entered, waiting, passed, skipped, exited,
 * failed), each edge's count (a branch's yes and no; the customers who went on along a step's next; everyone who
 * entered along the start), and the steps counted that the graph no longer has (older versions).
 */
import type { GraphEdge } from './graph';
import { ENTRY_NODE } from './graph';
import type { JourneyAnalytics, JourneyDefinition, JourneyStepStats, StepCustomerState } from './types';

export const NODE_FIGURES: { key: StepCustomerState | 'entered'; label: string }[] = [
  { key: 'entered', label: '进入' },
  { key: 'waiting', label: '等待' },
  { key: 'passed', label: '通过' },
  { key: 'skipped', label: '跳过' },
  { key: 'exited', label: '退出' },
  { key: 'failed', label: '失败' },
];

export function statsByStep(analytics: JourneyAnalytics | null): Map<string, JourneyStepStats> {
  return new Map((analytics?.steps ?? []).map((stats) => [stats.stepId, stats]));
}

/** How many went along an edge; null when the analytics say nothing about it. */
export function edgeCount(
  edge: Pick<GraphEdge, 'from' | 'kind'>,
  stats: ReadonlyMap<string, JourneyStepStats>,
  analytics: JourneyAnalytics | null,
): number | null {
  if (!analytics) return null;
  if (edge.from === ENTRY_NODE) return analytics.entered;
  const from = stats.get(edge.from);
  if (!from) return 0;
  if (edge.kind === 'yes' || edge.kind === 'no') return from.branches?.[edge.kind] ?? 0;
  // Passed or skipped, the customer goes on to the next step.
  return from.passed + from.skipped;
}

/** Steps counted by the analytics that the definition shown has not (removed in a later version). */
export function stepsNotInGraph(
  analytics: JourneyAnalytics | null,
  definition: Pick<JourneyDefinition, 'steps'>,
): JourneyStepStats[] {
  const ids = new Set(definition.steps.map((step) => step.id));
  return (analytics?.steps ?? []).filter((stats) => !ids.has(stats.stepId) && stats.entered > 0);
}

/** The states a step's customers can be listed in, with how many are in each (the ones with nobody left out). */
export function stepStates(stats: JourneyStepStats | undefined): { state: StepCustomerState; count: number }[] {
  if (!stats) return [];
  return (['waiting', 'passed', 'skipped', 'exited', 'failed'] as const)
    .map((state) => ({ state, count: stats[state] }))
    .filter((item) => item.count > 0);
}

/** The figures the entry node shows: everyone who entered, and how the journey's enrolments stand. */
export function entryFigures(analytics: JourneyAnalytics | null): { key: string; label: string; value: number }[] {
  if (!analytics) return [];
  const { counts } = analytics;
  return [
    { key: 'entered', label: '进入', value: analytics.entered },
    { key: 'active', label: '进行中', value: counts.active },
    { key: 'completed', label: '完成', value: counts.completed },
    { key: 'exited', label: '退出', value: counts.exited },
    { key: 'parked', label: '出错', value: counts.parked },
    { key: 'inDoubt', label: '待确认', value: counts.inDoubt },
  ];
}
