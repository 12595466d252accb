/**
 * A content item's results and the staff sharing leaderboard as the workbench shows them: the figures in words (dwell
 * in minutes and seconds, rates in percent), the reading funnel as bars (opens → unique readers → finished → booked,
 * with shares beside), and the leaderboard as bars per staff member. Pure data in, data out: the page draws them with
 * the workbench's echarts component.
 */
import type { ResultsChartOption } from '../campaigns/results';
import type { ContentResults, LeaderboardRow } from './types';

const COLORS = ['#0a7cff', '#0f9d8a', '#e8a317', '#c62828', '#7b61ff'];

/** `0` → `0 秒`, `75.4` → `1 分 15 秒`. */
export function formatDwell(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} 秒`;
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  return rest ? `${minutes} 分 ${rest} 秒` : `${minutes} 分`;
}

/** `0.4567` → `45.7%`; `1` → `100%`. */
export function formatRate(rate: number): string {
  const percent = Math.round(Math.max(0, rate) * 1000) / 10;
  return `${Number.isInteger(percent) ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

export interface ResultTile {
  key: string;
  label: string;
  hint: string;
  value: string;
}

/** The figures above the chart, in the order the issue names them. */
export function contentResultTiles(results: ContentResults): ResultTile[] {
  return [
    { key: 'opens', label: '阅读次数', hint: 'Reach (opens)', value: String(results.opens) },
    { key: 'uniqueReaders', label: '阅读人数', hint: 'Unique readers', value: String(results.uniqueReaders) },
    {
      key: 'averageDwell',
      label: '平均停留',
      hint: 'Average dwell',
      value: formatDwell(results.averageDwellSeconds),
    },
    { key: 'finishRate', label: '读完率', hint: 'Finish rate', value: formatRate(results.finishRate) },
    { key: 'shares', label: '分享次数', hint: 'Shares', value: String(results.shares) },
    {
      key: 'bookedReaders',
      label: '阅读后预约',
      hint: `Booked within ${results.windowDays} days`,
      value: String(results.bookedReaders),
    },
  ];
}

const FUNNEL = [
  { key: 'opens', label: '阅读次数' },
  { key: 'uniqueReaders', label: '阅读人数' },
  { key: 'finishes', label: '读完次数' },
  { key: 'shares', label: '分享次数' },
  { key: 'bookedReaders', label: '阅读后预约' },
] as const;

/** One bar per figure: what reached, who read, who finished, shares, and readers who booked afterwards. */
export function contentResultsOption(results: ContentResults): ResultsChartOption {
  return {
    color: COLORS,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: FUNNEL.map((item) => item.label), axisLabel: { interval: 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: '数量',
        type: 'bar',
        barMaxWidth: 40,
        label: { show: true, position: 'top' },
        data: FUNNEL.map((item, index) => ({
          value: results[item.key],
          itemStyle: { color: COLORS[index % COLORS.length] },
        })),
      },
    ],
  };
}

const staffName = (row: LeaderboardRow) => row.staff.name ?? '（已离职）';

/** Staff ranked as the server ranks them (readers reached first), with a 1-based place for the table. */
export function rankLeaderboard(rows: readonly LeaderboardRow[]): (LeaderboardRow & { place: number; name: string })[] {
  return rows.map((row, index) => ({ ...row, place: index + 1, name: staffName(row) }));
}

/** Bars per staff member (the top 15): readers reached, shares and new customers side by side. */
export function leaderboardOption(rows: readonly LeaderboardRow[]): ResultsChartOption {
  const top = rows.slice(0, 15);
  const metrics = [
    { key: 'readersReached', label: '带来阅读人数' },
    { key: 'shares', label: '分享次数' },
    { key: 'newCustomers', label: '带来新客' },
  ] as const;
  return {
    color: COLORS,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, data: metrics.map((metric) => metric.label) },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: top.map(staffName), axisLabel: { interval: 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: metrics.map((metric) => ({
      name: metric.label,
      type: 'bar',
      barMaxWidth: 28,
      data: top.map((row) => row[metric.key]),
    })),
  };
}
