/**
 * 渠道效果: what each campaign and each channel brought — scans, unique scanners, new customers, WeCom contacts added,
 * claims, redemptions, bookings, arrivals, revenue and cost, cost per new customer and per arrival (money in yuan) —
 * as tables and charts: bars per campaign, and the selected campaign's days as lines (`#results/<id>`).
 */
import { lazy, Suspense, useMemo } from 'react';
import { campaignBarsOption, dailyLinesOption, RESULT_COLUMNS, resultCell, totalsRow } from '../campaigns/results';
import type { CampaignResults, ChannelResults } from '../campaigns/types';
import { explainCouponError } from '../coupons/errors';
import { CHANNEL_KIND_LABELS } from '../campaigns/labels';
import { api } from '../shell/runtime';
import { useResource } from '../shell/useResource';

const ResultsChart = lazy(() => import('./ResultsChart'));
const explain = (reason: unknown) => explainCouponError(reason, 'manage');

type Counted = Omit<ChannelResults, 'channel'>;

/** The channel's kind under its name, unless the name already says it (the default channels do). */
function kindNote(channel: ChannelResults['channel']) {
  const label = CHANNEL_KIND_LABELS[channel.kind] ?? channel.kind;
  return channel.name.startsWith(label.split(' ')[0]!) ? null : <div className="muted small">{label}</div>;
}

function ResultsTable<T extends Counted>({
  rows,
  head,
  name,
  rowProps,
  testId,
  totals,
}: {
  rows: readonly T[];
  head: string;
  name(row: T): React.ReactNode;
  rowProps(row: T): Record<string, string | undefined>;
  testId: string;
  totals: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="table table--numbers" data-testid={testId}>
        <thead>
          <tr>
            <th>{head}</th>
            {RESULT_COLUMNS.map((column) => (
              <th key={column.key} title={column.hint}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index} {...rowProps(row)}>
              <td className="table__name">{name(row)}</td>
              {RESULT_COLUMNS.map((column) => (
                <td key={column.key} data-metric={column.key}>
                  {resultCell(row, column)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {totals && rows.length > 1 ? (
          <tfoot>
            <tr data-testid={`${testId}-total`}>
              <td className="table__name">合计 Total</td>
              {RESULT_COLUMNS.map((column) => (
                <td key={column.key} data-metric={column.key}>
                  {resultCell(totalsRow(rows), column)}
                </td>
              ))}
            </tr>
          </tfoot>
        ) : null}
      </table>
    </div>
  );
}

function DailyChart({ campaign }: { campaign: CampaignResults['campaign'] }) {
  const daily = useResource(`daily:${campaign.id}`, () => api.campaignDailyResults(campaign.id), explain);
  const option = useMemo(() => (daily.data ? dailyLinesOption(daily.data) : null), [daily.data]);
  const { state } = daily;
  return (
    <section className="card" aria-label="每日趋势 Daily" data-testid="results-daily">
      <div className="day__head">
        <h2 className="card__title">
          {campaign.name} · 每日趋势 <span className="muted small">Daily</span>
        </h2>
        <a className="link-button" href={`#campaigns/${campaign.id}`}>
          活动详情
        </a>
      </div>
      {state.status === 'failed' ? (
        <p className="field-error" role="alert">
          每日数据加载失败：{state.message}
        </p>
      ) : !option ? (
        <p className="muted">加载中… Loading</p>
      ) : daily.data?.length ? (
        <Suspense fallback={<p className="muted">加载图表… Loading chart</p>}>
          <ResultsChart option={option} testId="results-daily-chart" height={260} />
        </Suspense>
      ) : (
        <p className="muted">还没有数据。 No activity yet.</p>
      )}
    </section>
  );
}

export function CampaignResultsPage({ selectedId }: { selectedId: string | null }) {
  const report = useResource('campaign-results', api.campaignResults, explain);
  const { state } = report;
  const campaigns = useMemo(() => report.data?.campaigns ?? [], [report.data]);
  const channels = report.data?.channels ?? [];
  const bars = useMemo(() => campaignBarsOption(campaigns), [campaigns]);
  const selected = campaigns.find((row) => row.campaign.id === selectedId)?.campaign ?? null;

  return (
    <div className="page results-page">
      <section className="card" aria-label="活动效果 Campaign results">
        <div className="day__head">
          <h2 className="card__title">
            活动效果 <span className="muted small">By campaign</span>
          </h2>
          <div className="row">
            {state.status === 'ready' && state.refreshing ? <span className="muted small">刷新中…</span> : null}
            <button type="button" className="link-button" data-testid="results-refresh" onClick={report.reload}>
              刷新
            </button>
          </div>
        </div>
        {state.status === 'loading' || state.status === 'idle' ? (
          <p className="muted">加载中… Loading</p>
        ) : state.status === 'failed' ? (
          <p className="field-error" role="alert">
            效果数据加载失败：{state.message}
          </p>
        ) : !campaigns.length ? (
          <p className="muted" data-testid="results-empty">
            还没有活动。 No campaigns yet.
          </p>
        ) : (
          <>
            <Suspense fallback={<p className="muted">加载图表… Loading chart</p>}>
              <ResultsChart option={bars} testId="results-chart" height={Math.max(260, 200 + campaigns.length * 8)} />
            </Suspense>
            <ResultsTable
              rows={campaigns}
              head="活动 Campaign"
              testId="results-campaigns"
              totals
              name={(row) => (
                <>
                  <a href={`#results/${row.campaign.id}`} data-testid="results-campaign-open">
                    {row.campaign.name}
                  </a>
                  <div className="muted small">{row.channel.name}</div>
                </>
              )}
              rowProps={(row) => ({
                'data-testid': 'results-campaign-row',
                'data-campaign-id': row.campaign.id,
                'data-key': row.campaign.key,
                className: row.campaign.id === selectedId ? 'row--selected' : undefined,
              })}
            />
          </>
        )}
      </section>
      {selected ? <DailyChart key={selected.id} campaign={selected} /> : null}
      {channels.length ? (
        <section className="card" aria-label="渠道效果 By channel">
          <h2 className="card__title">
            渠道效果 <span className="muted small">By channel</span>
          </h2>
          <ResultsTable
            rows={channels}
            head="渠道 Channel"
            testId="results-channels"
            totals={false}
            name={(row) => (
              <>
                {row.channel.name}
                {kindNote(row.channel)}
              </>
            )}
            rowProps={(row) => ({ 'data-testid': 'results-channel-row', 'data-channel-id': row.channel.id })}
          />
        </section>
      ) : null}
      <p className="muted small">
        预约、到店与收入按客户当时的最近来源归因；成本按活动录入。 Bookings, arrivals and revenue count customers whose
        last touch was the campaign.
      </p>
    </div>
  );
}
