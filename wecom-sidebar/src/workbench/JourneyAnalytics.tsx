/**
 * 数据 Analytics: the journey's graph with each step's figures on its node (entered, waiting, passed, skipped,
 * exited, failed) and each edge's count (a branch's yes and no), for every version or one; clicking a node lists the
 * customers at that step, each linking to their 360°. Below, the same figures as a table, with steps that only
 * older versions had.
 */
import { useMemo, useState } from 'react';
import { ENTRY_NODE } from '../journeys/graph';
import { explainJourneyError } from '../journeys/errors';
import { STEP_TYPE_LABELS } from '../journeys/labels';
import { NODE_FIGURES, stepsNotInGraph, statsByStep } from '../journeys/overlay';
import { journeysApi } from '../journeys/runtime';
import { entrySummary } from '../journeys/settingsForm';
import { settingsNotes } from '../journeys/describe';
import { nameIn, type JourneyPickers } from '../journeys/usePickers';
import type { Journey, JourneyDefinition, JourneyStepStats } from '../journeys/types';
import { SelectInput } from '../shell/Field';
import { useResource } from '../shell/useResource';
import { JourneyGraph } from './JourneyGraph';
import { JourneyStepCustomers } from './JourneyStepCustomers';

const NO_ISSUES = new Map();

function FiguresTable({ rows }: { rows: readonly JourneyStepStats[] }) {
  return (
    <div className="table-wrap">
      <table className="table table--numbers" data-testid="journey-analytics-table">
        <thead>
          <tr>
            <th>步骤</th>
            {NODE_FIGURES.map((figure) => (
              <th key={figure.key}>{figure.label}</th>
            ))}
            <th>是 / 否</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.stepId} data-testid="journey-analytics-row" data-step-id={row.stepId}>
              <td className="table__name">
                {row.name?.trim() || STEP_TYPE_LABELS[row.type]} <span className="mono muted small">{row.stepId}</span>
              </td>
              {NODE_FIGURES.map((figure) => (
                <td key={figure.key} data-metric={figure.key}>
                  {row[figure.key]}
                </td>
              ))}
              <td data-metric="branches">{row.branches ? `${row.branches.yes} / ${row.branches.no}` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function JourneyAnalytics({
  journey,
  pickers,
  sidebarLinks,
}: {
  journey: Journey;
  pickers: JourneyPickers;
  sidebarLinks: boolean;
}) {
  // null: every version (on the latest version's graph).
  const [version, setVersion] = useState<number | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const explain = (reason: unknown) => explainJourneyError(reason, 'load');
  const analytics = useResource(
    `journey-analytics:${journey.id}:${version ?? 'all'}:${round}:${journey.updatedAt}`,
    () => journeysApi.analytics(journey.id, version),
    explain,
  );
  const versionDefinition = useResource<JourneyDefinition>(
    version && version !== journey.version ? `journey-version:${journey.id}:${version}` : null,
    async () => (await journeysApi.version(journey.id, version!)).definition,
    explain,
  );
  const definition = version && version !== journey.version ? versionDefinition.data : journey.definition;
  const stats = useMemo(() => statsByStep(analytics.data), [analytics.data]);
  const names = useMemo(
    () => ({
      staff: (id: string) => nameIn(pickers.staff, id),
      coupon: (id: string) => nameIn(pickers.coupons, id),
    }),
    [pickers.staff, pickers.coupons],
  );
  const older = definition ? stepsNotInGraph(analytics.data, definition) : [];
  const selectedStats = selected && selected !== ENTRY_NODE ? stats.get(selected) : undefined;
  const rows = definition
    ? [...definition.steps.map((step) => stats.get(step.id)).filter((row): row is JourneyStepStats => !!row), ...older]
    : [];

  return (
    <div className="jbuilder" data-testid="journey-analytics">
      <div className="row">
        <SelectInput<string>
          inline
          ariaLabel="版本 Version"
          testId="journey-analytics-version"
          empty="全部版本 All versions"
          options={Array.from({ length: journey.version }, (_, index) => journey.version - index).map((number) => ({
            id: String(number),
            label: `v${number}${number === journey.liveVersion ? '（线上）' : ''}`,
          }))}
          value={version === null ? '' : String(version)}
          onChange={(next) => {
            setVersion(next ? Number(next) : null);
            setSelected(null);
          }}
        />
        <button
          type="button"
          className="link-button"
          data-testid="journey-analytics-refresh"
          onClick={() => setRound((value) => value + 1)}
        >
          刷新
        </button>
        {analytics.data ? (
          <span className="muted small" data-testid="journey-analytics-entered">
            共 {analytics.data.entered} 人次进入
          </span>
        ) : null}
      </div>
      {analytics.state.status === 'failed' ? (
        <p className="field-error" role="alert">
          数据加载失败：{analytics.state.message}
        </p>
      ) : null}
      {versionDefinition.state.status === 'failed' ? (
        <p className="field-error" role="alert">
          版本加载失败：{versionDefinition.state.message}
        </p>
      ) : null}
      <div className="jbuilder__body">
        <div className="card jbuilder__canvas">
          {definition ? (
            <JourneyGraph
              definition={definition}
              entryText={entrySummary(definition.entry, (id) => nameIn(pickers.segments, id))}
              entryNotes={settingsNotes(definition)}
              issues={NO_ISSUES}
              analytics={analytics.data}
              selected={selected}
              onSelect={setSelected}
              names={names}
              testId="journey-analytics-graph"
            />
          ) : (
            <p className="muted">加载中… Loading</p>
          )}
        </div>
        <aside className="jbuilder__side">
          {selectedStats ? (
            <JourneyStepCustomers
              key={`${selectedStats.stepId}:${version ?? 'all'}`}
              journeyId={journey.id}
              stats={selectedStats}
              version={version}
              sidebarLinks={sidebarLinks}
            />
          ) : (
            <p className="card muted small" data-testid="journey-analytics-hint">
              点击步骤节点，查看在这一步等待、通过、跳过、退出或失败的客户。 Click a step to list its customers.
            </p>
          )}
        </aside>
      </div>
      {rows.length ? (
        <section className="card" aria-label="每一步的数据 Figures per step">
          <h3 className="card__title">
            每一步 <span className="muted small">Per step</span>
          </h3>
          <FiguresTable rows={rows} />
          {older.length ? (
            <p className="muted small" data-testid="journey-analytics-older">
              {older.map((row) => row.stepId).join('、')} 只在旧版本中有。
            </p>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
