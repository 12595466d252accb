/**
 * The follow-up completion leaderboard as the workbench shows it: the window (today, the last 7/30/90 days, each to
 * the end of today, so tasks due later today count), rates in percent, the median time to complete in words, a row
 * per staff member and clinic, and the echarts bars (completion and on-time rate per staff member). Pure data in,
 * data out: the page draws them with the workbench's echarts component.
 */
import type { ResultsChartOption } from '../campaigns/results';
import { dayKey, ORGANISATION_TIME_ZONE } from '../profile/format';
import { zonedToIso } from '../shell/forms';
import type { ClinicFigures, StaffFigures, TaskFigures, TaskStatsQuery } from './types';

export const STATS_WINDOWS = [
  { days: 1, label: '今天' },
  { days: 7, label: '近 7 天' },
  { days: 30, label: '近 30 天' },
  { days: 90, label: '近 90 天' },
] as const;

const DAY_MS = 86_400_000;

/** Tasks due from the start of the first day to the end of today, on the zone's clock. */
export function statsWindow(days: number, now: Date, timeZone = ORGANISATION_TIME_ZONE): { from: string; to: string } {
  const first = dayKey(new Date(now.getTime() - (Math.max(1, days) - 1) * DAY_MS), timeZone);
  const tomorrow = dayKey(new Date(now.getTime() + DAY_MS), timeZone);
  return { from: zonedToIso(first, timeZone)!, to: zonedToIso(tomorrow, timeZone)! };
}

export function statsQuery(days: number, clinicId: string, now: Date): TaskStatsQuery {
  return { ...statsWindow(days, now), ...(clinicId && { clinicId }) };
}

/** `0.6667` → `66.7%`; `1` → `100%`; null (nothing assigned) → `—`. */
export function formatRate(rate: number | null): string {
  if (rate === null) return '—';
  const percent = Math.round(Math.max(0, rate) * 1000) / 10;
  return `${Number.isInteger(percent) ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

/** `12.5` → `13 分钟`, `125` → `2 小时 5 分`, `3000` → `2 天 2 小时`; null (none completed) → `—`. */
export function formatMinutes(minutes: number | null): string {
  if (minutes === null) return '—';
  const whole = Math.max(0, Math.round(minutes));
  if (whole < 60) return `${whole} 分钟`;
  const hours = Math.floor(whole / 60);
  if (hours < 24) return whole % 60 ? `${hours} 小时 ${whole % 60} 分` : `${hours} 小时`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} 天 ${hours % 24} 小时` : `${days} 天`;
}

export interface FigureColumn {
  key: keyof TaskFigures;
  label: string;
  hint: string;
  text(figures: TaskFigures): string;
}

export const FIGURE_COLUMNS: readonly FigureColumn[] = [
  { key: 'assigned', label: '分配', hint: 'Assigned', text: (f) => String(f.assigned) },
  { key: 'completed', label: '已完成', hint: 'Completed', text: (f) => String(f.completed) },
  { key: 'completedOnTime', label: '按时完成', hint: 'On time', text: (f) => String(f.completedOnTime) },
  { key: 'overdue', label: '逾期未完成', hint: 'Overdue', text: (f) => String(f.overdue) },
  { key: 'completionRate', label: '完成率', hint: 'Completion rate', text: (f) => formatRate(f.completionRate) },
  { key: 'onTimeRate', label: '按时率', hint: 'On-time rate', text: (f) => formatRate(f.onTimeRate) },
  {
    key: 'medianMinutesToComplete',
    label: '完成用时中位数',
    hint: 'Median time to complete',
    text: (f) => formatMinutes(f.medianMinutesToComplete),
  },
];

export const UNASSIGNED_LABEL = '（未分配）';
export const LEFT_LABEL = '（已停用）';

export const staffRowName = (row: StaffFigures) =>
  row.staff ? (row.staff.name?.trim() ? row.staff.name : LEFT_LABEL) : UNASSIGNED_LABEL;
export const clinicRowName = (row: ClinicFigures) =>
  row.clinic ? (row.clinic.name?.trim() ? row.clinic.name : '（已删除门店）') : '（无门店）';

/** The rows as the server ranks them (best completion rate first), with a 1-based place. */
export function rankStaff(rows: readonly StaffFigures[]): (StaffFigures & { place: number; name: string })[] {
  return rows.map((row, index) => ({ ...row, place: index + 1, name: staffRowName(row) }));
}

const COLORS = ['#0f9d8a', '#0a7cff', '#c62828'];
const percent = (rate: number | null) => (rate === null ? 0 : Math.round(rate * 1000) / 10);

/** Bars per staff member (the top 15 assigned): completion rate and on-time rate in percent, overdue on the right. */
export function leaderboardChartOption(rows: readonly StaffFigures[]): ResultsChartOption {
  const top = rows.filter((row) => row.assigned > 0).slice(0, 15);
  return {
    color: COLORS,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, data: ['完成率 %', '按时率 %', '逾期未完成'] },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: top.map(staffRowName), axisLabel: { interval: 0 } },
    yAxis: [
      // Named, so the two scales read apart: rates on the left, the count of overdue tasks on the right.
      {
        type: 'value',
        name: '比率',
        nameTextStyle: { align: 'left' },
        min: 0,
        max: 100,
        axisLabel: { formatter: '{value}%' },
      },
      {
        type: 'value',
        name: '逾期任务数',
        nameTextStyle: { align: 'right' },
        minInterval: 1,
        splitLine: { show: false },
      },
    ],
    series: [
      {
        name: '完成率 %',
        type: 'bar',
        barMaxWidth: 28,
        label: { show: true, position: 'top', formatter: '{c}%' },
        data: top.map((row) => percent(row.completionRate)),
      },
      {
        name: '按时率 %',
        type: 'bar',
        barMaxWidth: 28,
        data: top.map((row) => percent(row.onTimeRate)),
      },
      {
        name: '逾期未完成',
        type: 'bar',
        barMaxWidth: 16,
        yAxisIndex: 1,
        data: top.map((row) => row.overdue),
      },
    ],
  };
}
