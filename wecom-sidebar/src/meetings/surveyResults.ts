/**
 * Survey results per question as the workbench draws them: option counts as horizontal bars (single and multiple
 * choice), the 1–5 distribution as bars with the average (rating), and the latest answers as a list (text). Pure
 * data in, data out: the page draws the options with the workbench's echarts component.
 */
import type { ResultsChartOption } from '../campaigns/results';
import type { MeetingCounts, SurveyQuestionResult } from './types';

const COLORS = ['#0a7cff', '#0f9d8a', '#e8a317', '#c62828', '#7b61ff'];

/** `3 / 8 人作答（37.5%）`: how many of the respondents answered this question. */
export function answeredLine(question: Pick<SurveyQuestionResult, 'answered'>, responses: number): string {
  if (responses === 0) return '暂无作答 No answers yet';
  const percent = Math.round((question.answered / responses) * 1000) / 10;
  return `${question.answered} / ${responses} 人作答（${percent}%）`;
}

/** `4.3 分` or `—` without answers. */
export function ratingAverage(question: Pick<SurveyQuestionResult, 'rating'>): string {
  const average = question.rating?.average;
  return average === null || average === undefined ? '—' : `${(Math.round(average * 10) / 10).toFixed(1)} 分`;
}

/** The chart of one question; null for a text question (its answers are listed instead). */
export function questionChartOption(question: SurveyQuestionResult): ResultsChartOption | null {
  if (question.kind === 'text') return null;
  if (question.kind === 'rating') {
    const counts = question.rating?.counts ?? [0, 0, 0, 0, 0];
    return {
      color: COLORS,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: ['1 分', '2 分', '3 分', '4 分', '5 分'] },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ name: '人数', type: 'bar', barMaxWidth: 36, label: { show: true, position: 'top' }, data: counts }],
    };
  }
  const options = question.options ?? [];
  // Horizontal bars read best with long option texts; the first option on top.
  const reversed = [...options].reverse();
  return {
    color: COLORS,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: {
      type: 'category',
      data: reversed.map((option) => option.label),
      axisLabel: { width: 160, overflow: 'truncate' },
    },
    series: [
      {
        name: '人数',
        type: 'bar',
        barMaxWidth: 22,
        label: { show: true, position: 'right' },
        data: reversed.map((option) => option.count),
      },
    ],
  };
}

/** A chart's height for a question: taller for many options. */
export function questionChartHeight(question: SurveyQuestionResult): number {
  if (question.kind === 'rating') return 200;
  return Math.max(140, 40 + (question.options?.length ?? 0) * 34);
}

const FUNNEL = [
  { key: 'invited', label: '邀请' },
  { key: 'signedUp', label: '报名' },
  { key: 'waitlisted', label: '候补' },
  { key: 'checkedIn', label: '签到' },
  { key: 'surveyed', label: '问卷' },
] as const;

/** The meeting's attendance as bars: invited, signed up, waitlisted, checked in, surveyed. */
export function attendanceOption(counts: MeetingCounts): ResultsChartOption {
  return {
    color: COLORS,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: FUNNEL.map((item) => item.label) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: '人数',
        type: 'bar',
        barMaxWidth: 40,
        label: { show: true, position: 'top' },
        data: FUNNEL.map((item, index) => ({
          value: counts[item.key],
          itemStyle: { color: COLORS[index % COLORS.length] },
        })),
      },
    ],
  };
}
