/**
 * A journey's step graph, drawn: the entry and each step as a box (type, name, what it does), laid out top to bottom
 * (journeys/graph.ts) over an SVG of the edges — a branch's yes (是) and no (否), loops round the side, outlets that
 * end the journey. Validation problems show on the node they concern; in analytics mode each node carries its
 * figures and each edge how many went along it. Clicking a node selects it.
 */
import { useMemo } from 'react';
import { DEFAULT_LAYOUT, ENTRY_NODE, layoutJourney, type GraphNode, type LayoutOptions } from '../journeys/graph';
import type { PlacedIssue } from '../journeys/issues';
import { STEP_TYPE_LABELS } from '../journeys/labels';
import { edgeCount, entryFigures, NODE_FIGURES, statsByStep } from '../journeys/overlay';
import { stepSummary, type NameLookup } from '../journeys/describe';
import type { JourneyAnalytics, JourneyDefinition } from '../journeys/types';

const ANALYTICS_LAYOUT: LayoutOptions = { ...DEFAULT_LAYOUT, nodeHeight: 132 };
const EDGE_LABELS = { start: '', next: '', yes: '是', no: '否' } as const;

function NodeIssues({ issues }: { issues: readonly PlacedIssue[] }) {
  const [first] = issues;
  if (!first) return null;
  return (
    <div className="jnode__issue" data-testid="journey-node-issue" title={issues.map((i) => i.original).join('\n')}>
      ⚠ {first.message}
      {issues.length > 1 ? <span className="jnode__more"> 等 {issues.length} 处</span> : null}
    </div>
  );
}

export function JourneyGraph({
  definition,
  entryText,
  entryNotes,
  issues,
  analytics,
  selected,
  onSelect,
  names,
  testId = 'journey-graph',
}: {
  definition: Pick<JourneyDefinition, 'start' | 'steps'>;
  /** The entry in one line (`事件：失约`). */
  entryText: string;
  /** The policies in short (`30 天后可再进入`, `静默 21:00–08:00`). */
  entryNotes: readonly string[];
  issues: ReadonlyMap<string, PlacedIssue[]>;
  /** Analytics mode when given (null while loading). */
  analytics?: JourneyAnalytics | null;
  selected: string | null;
  onSelect(key: string): void;
  names: NameLookup;
  testId?: string;
}) {
  const withFigures = analytics !== undefined;
  const layout = useMemo(
    () => layoutJourney(definition, withFigures ? ANALYTICS_LAYOUT : DEFAULT_LAYOUT),
    [definition, withFigures],
  );
  const options = withFigures ? ANALYTICS_LAYOUT : DEFAULT_LAYOUT;
  const stats = useMemo(() => statsByStep(analytics ?? null), [analytics]);

  const nodeBox = (node: GraphNode) => {
    const isEntry = node.key === ENTRY_NODE;
    const step = node.step;
    const nodeIssues = issues.get(isEntry ? ENTRY_NODE : (step?.id ?? '')) ?? [];
    // Issues of a repeated id belong to its first step only.
    const shownIssues = step && node.key !== step.id ? [] : nodeIssues;
    const figures = isEntry
      ? entryFigures(analytics ?? null)
      : step
        ? NODE_FIGURES.map((figure) => ({
            key: figure.key,
            label: figure.label,
            value: stats.get(step.id)?.[figure.key] ?? 0,
          }))
        : [];
    const classes = [
      'jnode',
      isEntry ? 'jnode--entry' : `jnode--${step?.type ?? 'wait'}`,
      node.key === selected ? 'jnode--selected' : '',
      shownIssues.length ? 'jnode--invalid' : '',
    ].filter(Boolean);
    return (
      <div
        key={node.key}
        className={classes.join(' ')}
        style={{ left: node.x, top: node.y, width: options.nodeWidth, height: options.nodeHeight }}
        role="button"
        tabIndex={0}
        aria-pressed={node.key === selected}
        data-testid={isEntry ? 'journey-entry-node' : 'journey-node'}
        data-step-id={step?.id}
        data-step-type={step?.type}
        data-issues={shownIssues.length}
        onClick={() => onSelect(node.key)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            onSelect(node.key);
          }
        }}
      >
        <div className="jnode__head">
          <span className="jnode__type">{isEntry ? '入口' : STEP_TYPE_LABELS[step!.type]}</span>
          {step ? <span className="jnode__id mono">{step.id}</span> : null}
        </div>
        <div className="jnode__name" data-testid="journey-node-name">
          {isEntry ? entryText : step!.name?.trim() || stepSummary(step!, names)}
        </div>
        {step && step.name?.trim() && step.name.trim() !== stepSummary(step, names) ? (
          <div className="jnode__summary">{stepSummary(step, names)}</div>
        ) : null}
        {isEntry && entryNotes.length ? <div className="jnode__summary">{entryNotes.join(' · ')}</div> : null}
        <NodeIssues issues={shownIssues} />
        {withFigures ? (
          <dl className="jnode__figures" data-testid="journey-node-figures">
            {figures.map((figure) => (
              <div
                key={figure.key}
                className={`jnode__figure${figure.value ? '' : ' jnode__figure--zero'}`}
                data-metric={figure.key}
                data-value={figure.value}
              >
                <dt>{figure.label}</dt>
                <dd>{analytics ? figure.value : '…'}</dd>
              </div>
            ))}
          </dl>
        ) : null}
      </div>
    );
  };

  return (
    <div className="jgraph-scroll">
      <div className="jgraph" style={{ width: layout.width, height: layout.height }} data-testid={testId}>
        <svg className="jgraph__edges" width={layout.width} height={layout.height} aria-hidden="true">
          <defs>
            <marker
              id="jgraph-arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto"
            >
              <path d="M 0 0 L 10 5 L 0 10 z" />
            </marker>
          </defs>
          {layout.edges.map((edge) => {
            const count = withFigures ? edgeCount(edge, stats, analytics ?? null) : null;
            return (
              <g key={edge.key} className={`jedge jedge--${edge.kind}${edge.back ? ' jedge--back' : ''}`}>
                <path d={edge.path} markerEnd="url(#jgraph-arrow)" />
                {EDGE_LABELS[edge.kind] ? (
                  <text x={edge.labelAt.x + 6} y={edge.labelAt.y} className="jedge__label">
                    {EDGE_LABELS[edge.kind]}
                  </text>
                ) : null}
                {count !== null ? (
                  <text
                    x={edge.labelAt.x - 8}
                    y={edge.labelAt.y + 14}
                    textAnchor="end"
                    className="jedge__count"
                    data-testid="journey-edge-count"
                    data-edge={edge.key}
                  >
                    {count}
                  </text>
                ) : null}
              </g>
            );
          })}
          {layout.ends.map((end) => (
            <g key={`${end.from}:${end.kind}`} className={`jend jend--${end.kind}`}>
              <line x1={end.x} y1={end.y} x2={end.x} y2={end.y + 16} />
              <text x={end.x} y={end.y + 28} textAnchor="middle">
                {end.kind === 'yes' ? '是 → 结束' : end.kind === 'no' ? '否 → 结束' : '结束'}
              </text>
            </g>
          ))}
          {layout.dangling.map((end) => (
            <g key={`${end.from}:${end.kind}:dangling`} className="jend jend--dangling">
              <line x1={end.x} y1={end.y} x2={end.x} y2={end.y + 16} />
              <text x={end.x} y={end.y + 28} textAnchor="middle">
                → {end.target}?
              </text>
            </g>
          ))}
        </svg>
        {layout.nodes.map(nodeBox)}
      </div>
    </div>
  );
}
