/**
 * What the timeline says about journey, task, meeting and campaign events: names and reasons in words, never the
 * stored enum values (`event:appointment.booked`, `handover`, `subscribe_message`, `staff` …).
 */
import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../../wecom-sidebar/src/profile/eventLabels';

const STAFF: Record<string, string> = { s1: '张伟', s2: '王芳' };
const nameOf = (id: string) => STAFF[id] ?? null;
const detail = (type: string, properties: Record<string, unknown>) =>
  describeEvent({ type, properties, actor: null }, nameOf).detail;

describe('timeline details of journey events', () => {
  it('name the journey a customer entered', () => {
    expect(detail('journey.entered', { journeyId: 'j1', name: '失约挽回', version: 2 })).toBe('「失约挽回」');
  });

  it('say why a customer left a journey, an ending event by its label', () => {
    expect(detail('journey.exited', { name: '失约挽回', reason: 'event:appointment.booked' })).toBe(
      '「失约挽回」 · 因「预约」退出',
    );
    expect(detail('journey.exited', { name: '失约挽回', reason: 'completed' })).toBe('「失约挽回」 · 走完全部步骤');
  });

  it('say through which channel a journey message went', () => {
    expect(detail('journey.message_sent', { channel: 'subscribe_message' })).toBe('经订阅消息');
    expect(detail('journey.message_sent', { channel: 'sms' })).toBe('经短信');
  });
});

describe('timeline details of task events', () => {
  it('say who a task moved from and to, and why', () => {
    expect(detail('task.reassigned', { fromStaffId: 's1', toStaffId: 's2', reason: 'handover' })).toBe(
      '张伟 → 王芳 · 离职交接',
    );
    expect(detail('task.reassigned', { fromStaffId: null, toStaffId: 's9', reason: 'manager' })).toBe(
      '转给 其他员工 · 主管转交',
    );
  });

  it('give the reason a task was cancelled', () => {
    expect(detail('task.cancelled', { reason: '客户已到店' })).toBe('原因：客户已到店');
    expect(detail('task.cancelled', {})).toBe('');
  });
});

describe('timeline details of meeting and campaign events', () => {
  it('say how someone was checked in', () => {
    expect(detail('meeting.checked_in', { title: '种植沙龙', via: 'staff' })).toBe('「种植沙龙」 · 工作人员签到');
  });

  it('give the waitlist position and the lapsed fee in yuan', () => {
    expect(detail('meeting.waitlisted', { title: '种植沙龙', position: 3 })).toBe('「种植沙龙」 · 候补第 3 位');
    expect(detail('meeting.payment_expired', { title: '种植沙龙', feeFen: 2990 })).toBe(
      '「种植沙龙」 · 报名费 ¥29.90，名额已释放',
    );
  });

  it('say which touch a campaign was credited for', () => {
    expect(detail('campaign.attributed', { campaignId: 'c1', touch: 'first' })).toBe('首次来源');
  });
});
