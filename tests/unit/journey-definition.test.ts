/** Journey definitions as data: the schema's defaults and the graph checks, each problem on its step. */
import { describe, expect, it } from 'vitest';
import { JourneyDefinition, journeyGraphIssues, stepTargets } from '@careloop/shared';

const entry = { kind: 'triggered', event: 'appointment.no_show' } as const;
const issuesOf = (steps: unknown[], start = 'a') => {
  const parsed = JourneyDefinition.safeParse({ entry, start, steps });
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
};

describe('journey definitions', () => {
  it('fill in the policies: never re-enter, no exits, no quiet hours, no cap; a step ends the journey without next', () => {
    const definition = JourneyDefinition.parse({
      entry,
      start: 'a',
      steps: [{ id: 'a', type: 'add_tag', tag: '失约' }],
    });
    expect(definition).toMatchObject({
      reEntry: { policy: 'never' },
      exitOn: [],
      quietHours: null,
      frequencyCap: null,
      steps: [{ id: 'a', type: 'add_tag', tag: '失约', next: null }],
    });
  });

  it('messages are marketing by default (consent and the cap apply); coupons are not', () => {
    const definition = JourneyDefinition.parse({
      entry,
      start: 'sms',
      steps: [
        { id: 'sms', type: 'send_sms', templateCode: 'SMS_1', next: 'coupon' },
        { id: 'coupon', type: 'issue_coupon', couponTemplateId: '0123456789abcdef01234567' },
      ],
    });
    expect(definition.steps.map((step) => ('marketing' in step ? step.marketing : null))).toEqual([true, false]);
  });

  it('an edge to a missing step is reported on the step and field', () => {
    expect(issuesOf([{ id: 'a', type: 'add_tag', tag: 'x', next: 'b' }])).toEqual([
      { path: 'steps.0.next', message: 'leads to b, which does not exist' },
    ]);
  });

  it('a duplicate id, a missing start and unreachable steps are each reported', () => {
    const issues = journeyGraphIssues({
      start: 'zz',
      steps: JourneyDefinition.shape.steps.parse([
        { id: 'a', type: 'add_tag', tag: 'x' },
        { id: 'a', type: 'add_tag', tag: 'y' },
      ]),
    });
    expect(issues.map((issue) => [issue.stepId, issue.message])).toEqual([
      ['a', 'another step already has the id a'],
      [null, 'the start step zz does not exist'],
    ]);
    expect(
      issuesOf([
        { id: 'a', type: 'exit' },
        { id: 'b', type: 'exit' },
      ]),
    ).toEqual([{ path: 'steps.1', message: 'cannot be reached from the start' }]);
  });

  it('a loop must pass through a wait', () => {
    const branch = (id: string, yes: string) => ({
      id,
      type: 'branch',
      condition: { kind: 'event', event: 'appointment.booked' },
      yes,
      no: null,
    });
    expect(issuesOf([branch('a', 'b'), { id: 'b', type: 'add_tag', tag: 'x', next: 'a' }])).toEqual([
      { path: 'steps.0', message: 'is on a loop without a wait step' },
    ]);
    expect(issuesOf([branch('a', 'w'), { id: 'w', type: 'wait', duration: { days: 7 }, next: 'a' }])).toEqual([]);
  });

  it('a wait needs a duration or an until; quiet hours need two different times', () => {
    expect(issuesOf([{ id: 'a', type: 'wait' }])).toEqual([
      { path: 'steps.0', message: 'a wait needs a duration, an until, or both' },
    ]);
    const quiet = JourneyDefinition.safeParse({
      entry,
      quietHours: { start: '21:00', end: '21:00' },
      start: 'a',
      steps: [{ id: 'a', type: 'exit' }],
    });
    expect(quiet.success).toBe(false);
  });

  it('a branch leads to its yes and no steps, an exit nowhere', () => {
    const [branch, exit] = JourneyDefinition.shape.steps.parse([
      { id: 'a', type: 'branch', condition: { kind: 'event', event: 'appointment.booked' }, yes: 'b', no: null },
      { id: 'b', type: 'exit' },
    ]);
    expect(stepTargets(branch!)).toEqual(['b']);
    expect(stepTargets(exit!)).toEqual([]);
  });

  it('a key-date entry names where the date comes from; a cron pattern has five fields', () => {
    const keyDate = { kind: 'key_date', date: { kind: 'coupon_expiry' }, offsetDays: -30, at: '10:00' };
    expect(
      JourneyDefinition.parse({ entry: keyDate, start: 'a', steps: [{ id: 'a', type: 'exit' }] }).entry,
    ).toMatchObject({
      date: { kind: 'coupon_expiry', templateId: null },
      yearly: false,
    });
    const cron = JourneyDefinition.safeParse({
      entry: { kind: 'periodic', cron: '0 10 * *', audience: { segmentId: '0123456789abcdef01234567' } },
      start: 'a',
      steps: [{ id: 'a', type: 'exit' }],
    });
    expect(cron.success).toBe(false);
  });
});
