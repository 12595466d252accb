/** Journey definitions and analytics to start the journey view-logic tests from. */
import { JourneyDefinition, type JourneyAnalytics, type JourneyStepStats } from '@careloop/shared';

export const JOURNEY_ID = '65f0000000000000000000c1';
export const COUPON_TEMPLATE_ID = '65f0000000000000000000f1';

/** The no-show recovery SOP's shape: a call, a day, a WeCom nudge, three days, a tag. */
export const noShow = (): JourneyDefinition =>
  JourneyDefinition.parse({
    entry: { kind: 'triggered', event: 'appointment.no_show' },
    reEntry: { policy: 'after_days', days: 30 },
    exitOn: [{ event: 'appointment.booked' }],
    quietHours: { start: '21:00', end: '08:00' },
    start: 'call',
    steps: [
      { id: 'call', name: '失约回访电话', type: 'create_task', title: '失约回访', dueInHours: 4, next: 'wait1' },
      { id: 'wait1', type: 'wait', duration: { days: 1 }, next: 'nudge' },
      { id: 'nudge', type: 'send_wecom_message', text: '{{name}}您好', marketing: false, next: 'wait2' },
      { id: 'wait2', type: 'wait', duration: { days: 3 }, next: 'tag' },
      { id: 'tag', type: 'add_tag', tag: '失约未回', next: null },
    ],
  });

/** A branch whose yes path joins the no path again, and a loop back through a wait. */
export const branching = (): JourneyDefinition =>
  JourneyDefinition.parse({
    entry: { kind: 'triggered', event: 'tag.added', where: [{ property: 'name', op: 'eq', value: '种植意向' }] },
    start: 'wait',
    steps: [
      { id: 'wait', type: 'wait', duration: { days: 2 }, next: 'booked' },
      {
        id: 'booked',
        type: 'branch',
        condition: { kind: 'event', event: 'appointment.booked' },
        yes: 'thanks',
        no: 'call',
      },
      { id: 'thanks', type: 'add_tag', tag: '已预约', next: 'done' },
      { id: 'call', type: 'create_task', title: '电话跟进', next: 'again' },
      { id: 'again', type: 'wait', duration: { days: 7 }, next: 'wait' },
      { id: 'done', type: 'exit' },
    ],
  });

export function stepStats(stepId: string, overrides: Partial<JourneyStepStats> = {}): JourneyStepStats {
  return {
    stepId,
    name: null,
    type: 'wait',
    entered: 0,
    waiting: 0,
    passed: 0,
    skipped: 0,
    exited: 0,
    failed: 0,
    branches: null,
    ...overrides,
  };
}

export function analytics(steps: JourneyStepStats[], entered = 1): JourneyAnalytics {
  return {
    journeyId: JOURNEY_ID,
    version: null,
    counts: { active: 0, completed: entered, exited: 0, parked: 0, inDoubt: 0 },
    entered,
    steps,
  };
}
