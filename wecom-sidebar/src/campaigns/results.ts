/**
 * The results tables and charts: which counters are shown, in what words, money in yuan, a totals row, and the echarts
 * options for the per-campaign bars and one campaign's daily lines. Pure data in, data out: the page draws them.
 */
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  DataZoomComponentOption,
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { formatFen } from '../profile/format';
import type { CampaignDay, CampaignResults, ChannelResults } from './types';

export type ResultsChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | DataZoomComponentOption
>;

type Counted = Omit<ChannelResults, 'channel'>;
export type ResultKey = keyof Counted;

export interface ResultColumn {
  key: ResultKey;
  label: string;
  hint: string;
  money: boolean;
}

export const RESULT_COLUMNS: readonly ResultColumn[] = [
  { key: 'scans', label: '扫码', hint: 'Scans', money: false },
  { key: 'uniqueScanners', label: '扫码人数', hint: 'Unique scanners', money: false },
  { key: 'newCustomers', label: '新客', hint: 'New customers', money: false },
  { key: 'contactsAdded', label: '加企微', hint: 'Contacts added', money: false },
  { key: 'claims', label: '领券', hint: 'Claims', money: false },
  { key: 'redemptions', label: '核销', hint: 'Redemptions', money: false },
  { key: 'bookings', label: '预约', hint: 'Bookings', money: false },
  { key: 'arrivals', label: '到店', hint: 'Arrivals', money: false },
  { key: 'revenueFen', label: '收入', hint: 'Revenue ¥', money: true },
  { key: 'costFen', label: '成本', hint: 'Cost ¥', money: true },
  { key: 'costPerNewCustomerFen', label: '获客成本', hint: 'Cost / new customer', money: true },
  { key: 'costPerArrivalFen', label: '到店成本', hint: 'Cost / arrival', money: true },
];

/** A cell's text: counts as they are, money in yuan, a ratio with nothing to divide by as `—`. */
export function resultCell(row: Counted, column: ResultColumn): string {
  const value = row[column.key];
  if (value === null) return '—';
  return column.money ? formatFen(value) : String(value);
}

const COUNTER_KEYS = [
  'scans',
  'uniqueScanners',
  'newCustomers',
  'contactsAdded',
  'claims',
  'redemptions',
  'bookings',
  'arrivals',
  'revenueFen',
  'costFen',
] as const;

/** cost ÷ count in whole fen, or null when the count is 0. */
export function costPer(costFen: number, count: number): number | null {
  return count > 0 ? Math.round(costFen / count) : null;
}

/** The sum of the rows, with the ratios of the sums (not the sum of the ratios). */
export function totalsRow(rows: readonly Counted[]): Counted {
  const total = Object.fromEntries(COUNTER_KEYS.map((key) => [key, 0])) as Record<
    (typeof COUNTER_KEYS)[number],
    number
  >;
  for (const row of rows) for (const key of COUNTER_KEYS) total[key] += row[key];
  return {
    ...total,
    costPerNewCustomerFen: costPer(total.costFen, total.newCustomers),
    costPerArrivalFen: costPer(total.costFen, total.arrivals),
  };
}

export const CHART_METRICS = ['scans', 'claims', 'redemptions', 'arrivals'] as const satisfies readonly ResultKey[];
type ChartMetric = (typeof CHART_METRICS)[number];
const METRIC_LABELS: Record<ChartMetric | 'newCustomers', string> = {
  scans: '扫码',
  claims: '领券',
  redemptions: '核销',
  arrivals: '到店',
  newCustomers: '新客',
};
const COLORS = ['#0a7cff', '#0f9d8a', '#e8a317', '#c62828', '#7b61ff'];

/** Bars per campaign: scans, claims, redemptions and arrivals side by side. */
export function campaignBarsOption(campaigns: readonly CampaignResults[]): ResultsChartOption {
  const names = campaigns.map((row) => row.campaign.name);
  const many = names.length > 4;
  return {
    color: COLORS,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, data: CHART_METRICS.map((metric) => METRIC_LABELS[metric]) },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: names,
      axisLabel: { interval: 0, rotate: many ? 30 : 0, width: many ? 90 : 140, overflow: 'truncate' },
    },
    yAxis: { type: 'value', name: '数量', nameTextStyle: { align: 'left' }, minInterval: 1 },
    series: CHART_METRICS.map((metric) => ({
      name: METRIC_LABELS[metric],
      type: 'bar',
      barMaxWidth: 28,
      data: campaigns.map((row) => row[metric]),
    })),
  };
}

/** The days from the first to the last reported, with the missing ones as zeros (a line must not skip them). */
export function fillDays(days: readonly CampaignDay[]): CampaignDay[] {
  if (!days.length) return [];
  const byDate = new Map(days.map((day) => [day.date, day]));
  const sorted = [...byDate.keys()].sort();
  const out: CampaignDay[] = [];
  const last = sorted[sorted.length - 1]!;
  for (let date = sorted[0]!; date <= last;) {
    out.push(byDate.get(date) ?? { date, scans: 0, claims: 0, redemptions: 0 });
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    date = new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
    if (out.length > 3660) break; // ten years: a guard against a malformed date
  }
  return out;
}

/** One campaign's scans, claims and redemptions per day. */
export function dailyLinesOption(days: readonly CampaignDay[]): ResultsChartOption {
  const filled = fillDays(days);
  const metrics = ['scans', 'claims', 'redemptions'] as const;
  return {
    color: COLORS,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: metrics.map((metric) => METRIC_LABELS[metric]) },
    grid: { left: 8, right: 16, top: 36, bottom: filled.length > 31 ? 40 : 8, containLabel: true },
    xAxis: { type: 'category', boundaryGap: false, data: filled.map((day) => day.date.slice(5)) },
    yAxis: { type: 'value', name: '数量', nameTextStyle: { align: 'left' }, minInterval: 1 },
    dataZoom: filled.length > 31 ? [{ type: 'slider', start: 100 - (31 / filled.length) * 100, end: 100 }] : [],
    series: metrics.map((metric) => ({
      name: METRIC_LABELS[metric],
      type: 'line',
      smooth: false,
      symbolSize: 6,
      data: filled.map((day) => day[metric]),
    })),
  };
}
