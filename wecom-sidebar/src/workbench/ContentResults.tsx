/**
 * A content item's results (reach, unique readers, average dwell, finish rate, shares, readers who booked within the
 * attribution window) as figures and a bar chart, and the staff sharing leaderboard (全员营销) — for this item here,
 * for all content on the list page. Loaded lazily with echarts.
 */
import { useMemo, useState } from 'react';
import { contentResultsOption, contentResultTiles, leaderboardOption, rankLeaderboard } from '../content/results';
import { explainContentError } from '../content/errors';
import { contentApi } from '../content/runtime';
import type { LeaderboardRow, StaffContent } from '../content/types';
import { SelectInput } from '../shell/Field';
import { useResource } from '../shell/useResource';
import ResultsChart from './ResultsChart';

const explain = (reason: unknown) => explainContentError(reason, 'load');
const WINDOWS = [3, 7, 14, 30, 90].map((days) => ({ id: String(days), label: `阅读后 ${days} 天内` }));

export function ShareLeaderboard({ rows, testId }: { rows: readonly LeaderboardRow[]; testId: string }) {
  const ranked = useMemo(() => rankLeaderboard(rows), [rows]);
  const option = useMemo(() => leaderboardOption(rows), [rows]);
  if (!rows.length) {
    return (
      <p className="muted" data-testid={`${testId}-empty`}>
        还没有员工分享过。 No staff shares yet.
      </p>
    );
  }
  return (
    <>
      <ResultsChart option={option} testId={`${testId}-chart`} height={Math.max(220, 160 + rows.length * 6)} />
      <div className="table-wrap">
        <table className="table table--numbers" data-testid={testId}>
          <thead>
            <tr>
              <th>员工 Staff</th>
              <th>排名</th>
              <th>分享次数</th>
              <th>带来阅读人数</th>
              <th>带来新客</th>
            </tr>
          </thead>
          <tbody>
            {ranked.map((row) => (
              <tr key={row.staff.id} data-testid={`${testId}-row`} data-staff-id={row.staff.id}>
                <td className="table__name">{row.name}</td>
                <td>{row.place}</td>
                <td data-metric="shares">{row.shares}</td>
                <td data-metric="readersReached">{row.readersReached}</td>
                <td data-metric="newCustomers">{row.newCustomers}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export default function ContentResults({ content }: { content: StaffContent }) {
  const [windowDays, setWindowDays] = useState<number | null>(null);
  const results = useResource(
    `content-results:${content.id}:${windowDays ?? 'default'}`,
    () => contentApi.results(content.id, windowDays ?? undefined),
    explain,
  );
  const leaderboard = useResource(`leaderboard:${content.id}`, () => contentApi.leaderboard(content.id), explain);
  const option = useMemo(() => (results.data ? contentResultsOption(results.data) : null), [results.data]);
  const { state } = results;

  return (
    <div className="content-results" data-testid="content-results">
      <div className="day__head">
        <h3 className="section-title">
          阅读效果 <span className="muted small">Results</span>
        </h3>
        <div className="row">
          <label className="small muted" htmlFor="content-window">
            预约归因窗口
          </label>
          <SelectInput<string>
            id="content-window"
            inline
            testId="content-results-window"
            missing={(days) => `${days} 天`}
            options={WINDOWS}
            value={String(windowDays ?? results.data?.windowDays ?? WINDOWS[0]!.id)}
            onChange={(days) => setWindowDays(Number(days))}
          />
          <button type="button" className="link-button" onClick={results.reload}>
            刷新
          </button>
        </div>
      </div>
      {!content.live ? <p className="muted small">尚未发布：发布后才有读者。 Not published yet.</p> : null}
      {state.status === 'failed' ? (
        <p className="field-error" role="alert">
          效果数据加载失败：{state.message}
        </p>
      ) : !results.data || !option ? (
        <p className="muted">加载中… Loading</p>
      ) : (
        <>
          <dl className="result-tiles" data-testid="content-results-tiles">
            {contentResultTiles(results.data).map((tile) => (
              <div key={tile.key} className="result-tile" data-metric={tile.key}>
                <dt className="result-tile__label">
                  {tile.label} <span className="tabs__hint">{tile.hint}</span>
                </dt>
                <dd className="result-tile__value">{tile.value}</dd>
              </div>
            ))}
          </dl>
          <ResultsChart option={option} testId="content-results-chart" height={260} />
        </>
      )}
      <h3 className="section-title">
        员工分享排行 <span className="muted small">Staff sharing (全员营销)</span>
      </h3>
      {leaderboard.state.status === 'failed' ? (
        <p className="field-error" role="alert">
          排行加载失败：{leaderboard.state.message}
        </p>
      ) : leaderboard.data ? (
        <ShareLeaderboard rows={leaderboard.data} testId="content-leaderboard" />
      ) : (
        <p className="muted">加载中… Loading</p>
      )}
    </div>
  );
}

/** The leaderboard over all content, for the content list page. */
export function AllContentLeaderboard() {
  const leaderboard = useResource('leaderboard:all', () => contentApi.leaderboard(), explain);
  const { state } = leaderboard;
  return (
    <section className="card" aria-label="员工分享排行 Staff sharing" data-testid="content-leaderboard-card">
      <div className="day__head">
        <h2 className="card__title">
          员工分享排行 <span className="muted small">Staff sharing leaderboard (全员营销)</span>
        </h2>
        <button type="button" className="link-button" onClick={leaderboard.reload}>
          刷新
        </button>
      </div>
      {state.status === 'failed' ? (
        <p className="field-error" role="alert">
          排行加载失败：{state.message}
        </p>
      ) : leaderboard.data ? (
        <ShareLeaderboard rows={leaderboard.data} testId="leaderboard" />
      ) : (
        <p className="muted">加载中… Loading</p>
      )}
    </section>
  );
}
