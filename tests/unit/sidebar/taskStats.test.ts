import { describe, expect, it } from 'vitest';
import {
  contactDetail,
  contactStateCounts,
  handoverProgress,
  lastErrorText,
  leaverOptions,
} from '../../../wecom-sidebar/src/tasks/handover';
import {
  formatMinutes,
  formatRate,
  leaderboardChartOption,
  rankStaff,
  statsWindow,
} from '../../../wecom-sidebar/src/tasks/stats';
import { STAFF_ID } from './fixtures';
import { figures, handover, MANAGER_ID, NOW, OTHER_STAFF_ID } from './taskFixtures';

describe('the leaderboard’s window', () => {
  it('runs from the start of the first day to the end of today in Shanghai, so tasks due later today count', () => {
    expect(statsWindow(1, NOW)).toEqual({ from: '2026-03-09T16:00:00.000Z', to: '2026-03-10T16:00:00.000Z' });
    expect(statsWindow(30, NOW)).toEqual({ from: '2026-02-08T16:00:00.000Z', to: '2026-03-10T16:00:00.000Z' });
    // Just after midnight in Shanghai (16:05 UTC) it is already the next day.
    expect(statsWindow(1, new Date('2026-03-10T16:05:00.000Z')).from).toBe('2026-03-10T16:00:00.000Z');
  });
});

describe('the leaderboard’s figures', () => {
  it('show rates in percent and the median time to complete in words, `—` when there is none', () => {
    expect(formatRate(0.6667)).toBe('66.7%');
    expect(formatRate(1)).toBe('100%');
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(null)).toBe('—');
    expect(formatMinutes(0.4)).toBe('0 分钟');
    expect(formatMinutes(45)).toBe('45 分钟');
    expect(formatMinutes(125)).toBe('2 小时 5 分');
    expect(formatMinutes(120)).toBe('2 小时');
    expect(formatMinutes(3000)).toBe('2 天 2 小时');
    expect(formatMinutes(null)).toBe('—');
  });

  it('rank staff as the server does, naming the unassigned and members no longer active', () => {
    const ranked = rankStaff([
      figures(),
      figures({ staff: { id: OTHER_STAFF_ID, name: null } }),
      figures({ staff: null }),
    ]);
    expect(ranked.map((row) => [row.place, row.name])).toEqual([
      [1, '张伟'],
      [2, '（已停用）'],
      [3, '（未分配）'],
    ]);
  });

  it('chart completion and on-time rates in percent per staff member with tasks, overdue on its own axis', () => {
    const option = leaderboardChartOption([
      figures(),
      figures({ staff: { id: MANAGER_ID, name: '李娜' }, completionRate: 1, onTimeRate: 0.5, overdue: 0 }),
      figures({ staff: { id: OTHER_STAFF_ID, name: '王芳' }, assigned: 0, completionRate: null, onTimeRate: null }),
    ]);
    expect(option.xAxis).toMatchObject({ data: ['张伟', '李娜'] });
    const series = option.series as { name: string; data: number[]; yAxisIndex?: number }[];
    expect(series.map((item) => [item.name, item.data])).toEqual([
      ['完成率 %', [66.7, 100]],
      ['按时率 %', [33.3, 50]],
      ['逾期未完成', [1, 0]],
    ]);
    expect(series[2]!.yAxisIndex).toBe(1);
  });
});

describe('a handover’s progress', () => {
  it('counts the contacts with a final answer, and lists the states that have contacts', () => {
    const current = handover({}, { total: 5, waiting: 2, success: 2, failed: 1 });
    expect(handoverProgress(current)).toEqual({ settled: 3, total: 5, percent: 60 });
    expect(contactStateCounts(current).map((item) => `${item.label} ${item.count} ${item.tone}`)).toEqual([
      '等待接替 2 pending',
      '接替成功 2 done',
      '失败 1 bad',
    ]);
    expect(handoverProgress(handover()).percent).toBe(100);
  });

  it('says why WeCom refused a contact, or the whole batch', () => {
    const failed = { externalUserId: 'wm1', state: 'failed' as const, errcode: 40131, takeoverAt: null };
    expect(contactDetail(failed)).toBe('这位客户不是原跟进人的联系人（40131）');
    expect(contactDetail({ ...failed, state: 'waiting', errcode: null })).toContain('24 小时后');
    expect(contactDetail({ ...failed, state: 'limit_exceeded', errcode: null })).toBe('接替人的客户数已达上限');
    expect(contactDetail({ ...failed, state: 'pending', errcode: null })).toBe('尚未提交给企业微信');
    const refused = handover({
      lastError: { errcode: 40097, errmsg: 'handover user has not resigned', at: NOW.toISOString() },
    });
    expect(lastErrorText(refused)).toContain('尚未离职');
    const unknown = handover({ lastError: { errcode: 60011, errmsg: 'no privilege', at: NOW.toISOString() } });
    expect(lastErrorText(unknown)).toBe('企业微信错误码 60011：no privilege');
    expect(lastErrorText(handover())).toBeNull();
  });

  it('offers the active staff and the members no longer active who still hold tasks, each once', () => {
    const active = [
      { id: STAFF_ID, name: '张伟', wecomUserId: 'zhangwei', roles: ['staff' as const], clinicIds: [] },
      { id: MANAGER_ID, name: '李娜', wecomUserId: 'lina', roles: ['manager' as const], clinicIds: [] },
    ];
    const options = leaverOptions(active, [
      figures(),
      figures({ staff: { id: OTHER_STAFF_ID, name: '王芳' } }),
      figures({ staff: null }),
    ]);
    expect(options).toEqual([
      { id: MANAGER_ID, name: '李娜', active: true },
      { id: STAFF_ID, name: '张伟', active: true },
      { id: OTHER_STAFF_ID, name: '王芳（已停用）', active: false },
    ]);
  });
});
