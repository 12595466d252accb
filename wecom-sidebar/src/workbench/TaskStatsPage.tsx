/**
 * 回访完成率: each staff member's follow-up figures for the tasks due in a window (today, the last 7/30/90 days, each
 * to the end of today) — assigned, completed, on time, overdue, completion rate, on-time rate and the median time to
 * complete — as a leaderboard with an echarts bar chart, the same per clinic, and the team's totals. Managers and
 * admins. Loaded lazily with echarts.
 */
import { lazy, Suspense, useMemo, useState } from 'react';
import { SelectInput } from '../shell/Field';
import { useResource } from '../shell/useResource';
import { explainTaskError } from '../tasks/errors';
import { tasksApi } from '../tasks/runtime';
import {
  clinicRowName,
  FIGURE_COLUMNS,
  leaderboardChartOption,
  rankStaff,
  statsQuery,
  STATS_WINDOWS,
} from '../tasks/stats';
import type { TaskFigures } from '../tasks/types';
import type { ClinicsController } from './useClinics';

const ResultsChart = lazy(() => import('./ResultsChart'));
const WINDOW_OPTIONS = STATS_WINDOWS.map((window) => ({ id: String(window.days), label: `到期于${window.label}` }));

function FigureCells({ figures }: { figures: TaskFigures }) {
  return (
    <>
      {FIGURE_COLUMNS.map((column) => (
        <td key={column.key} data-metric={column.key}>
          {column.text(figures)}
        </td>
      ))}
    </>
  );
}

function FigureHead({ first }: { first: string }) {
  return (
    <thead>
      <tr>
        <th>{first}</th>
        {FIGURE_COLUMNS.map((column) => (
          <th key={column.key} title={column.hint}>
            {column.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}

export function TaskStatsPage({ clinics }: { clinics: ClinicsController }) {
  const [days, setDays] = useState<number>(30);
  const [clinicId, setClinicId] = useState('');
  // A refresh reads the same days again, to the end of today as it is then.
  const stats = useResource(
    `task-stats:${days}:${clinicId}`,
    () => tasksApi.stats(statsQuery(days, clinicId, new Date())),
    (reason) => explainTaskError(reason, 'stats'),
  );
  const data = stats.data;
  const ranked = useMemo(() => rankStaff(data?.byStaff ?? []), [data]);
  const option = useMemo(() => (data ? leaderboardChartOption(data.byStaff) : null), [data]);
  const { state } = stats;

  return (
    <div className="task-stats" data-testid="task-stats">
      <section className="card" aria-label="回访完成率 Follow-up completion">
        <div className="day__head">
          <h2 className="card__title">
            回访完成率 <span className="muted small">Follow-up completion by staff</span>
          </h2>
          <div className="row">
            <SelectInput<string>
              inline
              ariaLabel="时间范围 Window"
              testId="task-stats-window"
              options={WINDOW_OPTIONS}
              value={String(days)}
              onChange={(next) => setDays(Number(next))}
            />
            <SelectInput
              inline
              ariaLabel="门店 Clinic"
              testId="task-stats-clinic"
              empty="全部门店 All clinics"
              options={clinics.clinics ?? []}
              value={clinicId}
              onChange={setClinicId}
            />
            <button type="button" className="link-button" data-testid="task-stats-refresh" onClick={stats.reload}>
              刷新
            </button>
          </div>
        </div>
        <p className="muted small">
          统计到期时间在所选范围内、未被取消的任务（含今天稍后到期的）；按时 = 在到期前完成；逾期 =
          现在仍未完成且已过到期时间。
        </p>
        {state.status === 'failed' ? (
          <p className="field-error" role="alert" data-testid="task-stats-error">
            完成率加载失败：{state.message}
          </p>
        ) : !data || !option ? (
          <p className="muted">加载中… Loading</p>
        ) : (
          <>
            <dl className="task-tiles" data-testid="task-stats-total">
              {FIGURE_COLUMNS.map((column) => (
                <div key={column.key} className="task-tile" data-metric={column.key}>
                  <dt className="task-tile__label">
                    {column.label} <span className="tabs__hint">{column.hint}</span>
                  </dt>
                  <dd className="task-tile__value">{column.text(data.total)}</dd>
                </div>
              ))}
            </dl>
            {ranked.length ? (
              <>
                <Suspense fallback={<p className="muted">图表加载中…</p>}>
                  <ResultsChart
                    option={option}
                    testId="task-stats-chart"
                    height={Math.max(240, 180 + ranked.length * 6)}
                  />
                </Suspense>
                <div className="table-wrap">
                  <table className="table table--numbers" data-testid="task-stats-table">
                    <FigureHead first="员工 Staff" />
                    <tbody>
                      {ranked.map((row) => (
                        <tr
                          key={row.staff?.id ?? 'unassigned'}
                          data-testid="task-stats-row"
                          data-staff-id={row.staff?.id ?? ''}
                        >
                          <td className="table__name">
                            <span className="muted">{row.place}.</span> {row.name}
                          </td>
                          <FigureCells figures={row} />
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            ) : (
              <p className="muted" data-testid="task-stats-empty">
                这段时间没有到期的任务。 No tasks due in this window.
              </p>
            )}
          </>
        )}
      </section>
      {data && data.byClinic.length ? (
        <section className="card" aria-label="按门店 By clinic">
          <h2 className="card__title">
            按门店 <span className="muted small">By clinic</span>
          </h2>
          <div className="table-wrap">
            <table className="table table--numbers" data-testid="task-stats-clinics">
              <FigureHead first="门店 Clinic" />
              <tbody>
                {data.byClinic.map((row) => (
                  <tr key={row.clinic?.id ?? 'none'} data-testid="task-stats-clinic-row">
                    <td className="table__name">{clinicRowName(row)}</td>
                    <FigureCells figures={row} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  );
}
