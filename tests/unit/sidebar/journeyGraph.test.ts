import { JourneyDefinition, journeyGraphIssues } from '@careloop/shared';
import { describe, expect, it } from 'vitest';
import {
  blankDefinition,
  insertStep,
  newStepId,
  removeStep,
  replaceStep,
  setOutlet,
} from '../../../wecom-sidebar/src/journeys/edit';
import { DEFAULT_LAYOUT, ENTRY_NODE, layoutJourney } from '../../../wecom-sidebar/src/journeys/graph';
import { branching, noShow } from './journeyFixtures';

const nodeOf = (layout: ReturnType<typeof layoutJourney>, key: string) =>
  layout.nodes.find((node) => node.key === key)!;

describe('the journey graph layout', () => {
  it('stacks a linear journey under its entry, one layer per step, in one column', () => {
    const layout = layoutJourney(noShow());
    expect(layout.nodes.map((node) => [node.key, node.rank])).toEqual([
      [ENTRY_NODE, 0],
      ['call', 1],
      ['wait1', 2],
      ['nudge', 3],
      ['wait2', 4],
      ['tag', 5],
    ]);
    expect(new Set(layout.nodes.map((node) => node.x)).size).toBe(1);
    expect(layout.edges.map((edge) => `${edge.from}→${edge.to}:${edge.kind}`)).toEqual([
      `${ENTRY_NODE}→call:start`,
      'call→wait1:next',
      'wait1→nudge:next',
      'nudge→wait2:next',
      'wait2→tag:next',
    ]);
    expect(layout.ends).toEqual([expect.objectContaining({ from: 'tag', kind: 'next', target: null })]);
    expect(layout.height).toBeGreaterThanOrEqual(
      6 * DEFAULT_LAYOUT.nodeHeight + 5 * DEFAULT_LAYOUT.rowGap + 2 * DEFAULT_LAYOUT.padding,
    );
  });

  it('puts a branch’s yes left of its no, a join below both paths, and a loop back round the side', () => {
    const layout = layoutJourney(branching());
    const thanks = nodeOf(layout, 'thanks');
    const call = nodeOf(layout, 'call');
    expect(thanks.rank).toBe(call.rank);
    expect(thanks.x).toBeLessThan(call.x);
    // The exit sits below the yes path; the wait after the call loops back up to the first wait.
    expect(nodeOf(layout, 'done').rank).toBe(thanks.rank + 1);
    const loop = layout.edges.find((edge) => edge.from === 'again' && edge.to === 'wait')!;
    expect(loop.back).toBe(true);
    expect(layout.edges.filter((edge) => edge.back)).toEqual([loop]);
    expect(layout.edges.find((edge) => edge.from === 'booked' && edge.kind === 'yes')!.to).toBe('thanks');
    // No two nodes overlap.
    const boxes = layout.nodes.map((node) => `${node.x}:${node.y}`);
    expect(new Set(boxes).size).toBe(boxes.length);
    expect(Math.max(...layout.nodes.map((node) => node.x))).toBeLessThan(layout.width);
  });

  it('draws a step nothing reaches, and an outlet to a missing step as dangling', () => {
    const definition = noShow();
    const broken = {
      ...definition,
      steps: [
        ...definition.steps.map((step) => (step.id === 'wait2' ? { ...step, next: 'gone' } : step)),
        { id: 'lonely', type: 'exit' as const },
      ],
    };
    const layout = layoutJourney(broken);
    expect(nodeOf(layout, 'lonely').rank).toBeGreaterThan(0);
    expect(layout.dangling).toEqual([expect.objectContaining({ from: 'wait2', kind: 'next', target: 'gone' })]);
    // `tag` lost its way in: it is a root of its own, still drawn.
    expect(nodeOf(layout, 'tag')).toBeDefined();
  });

  it('keeps two steps with the same id apart, edges going to the first', () => {
    const definition = noShow();
    const layout = layoutJourney({ ...definition, steps: [...definition.steps, { ...definition.steps[4]! }] });
    expect(layout.nodes.map((node) => node.key)).toContain('tag~5');
    expect(layout.edges.find((edge) => edge.from === 'wait2')!.to).toBe('tag');
  });
});

describe('editing the step graph', () => {
  it('inserts a step on an outlet, leading on to what the outlet led to', () => {
    const { definition, id } = insertStep(noShow(), 'wait1', 'next', 'branch');
    expect(id).toBe('branch1');
    const wait1 = definition.steps.find((step) => step.id === 'wait1')!;
    const branch = definition.steps.find((step) => step.id === 'branch1')!;
    expect(wait1).toMatchObject({ next: 'branch1' });
    expect(branch).toMatchObject({ type: 'branch', yes: 'nudge', no: null });
    // Right after the step it follows, so the list reads in order.
    expect(definition.steps.map((step) => step.id)).toEqual(['call', 'wait1', 'branch1', 'nudge', 'wait2', 'tag']);
    expect(journeyGraphIssues(definition)).toEqual([]);
  });

  it('inserts a first step after the entry, and on a branch’s no', () => {
    const first = insertStep(noShow(), ENTRY_NODE, 'start', 'wait');
    expect(first.definition.start).toBe('wait3');
    expect(first.definition.steps.find((step) => step.id === 'wait3')).toMatchObject({ next: 'call' });
    const onNo = insertStep(branching(), 'booked', 'no', 'send_sms');
    expect(onNo.definition.steps.find((step) => step.id === 'booked')).toMatchObject({ yes: 'thanks', no: 'sms1' });
    expect(onNo.definition.steps.find((step) => step.id === 'sms1')).toMatchObject({ next: 'call' });
  });

  it('leaves the texts a manager must write empty, so validation points at the new step', () => {
    const { definition, id } = insertStep(noShow(), 'call', 'next', 'create_task');
    const result = JourneyDefinition.safeParse(definition);
    expect(result.success).toBe(false);
    const index = definition.steps.findIndex((step) => step.id === id);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toEqual([`steps.${index}.title`]);
  });

  it('removes a step, linking what led to it to what came after, and moves the start on', () => {
    const removed = removeStep(noShow(), 'nudge')!;
    expect(removed.steps.find((step) => step.id === 'wait1')).toMatchObject({ next: 'wait2' });
    expect(journeyGraphIssues(removed)).toEqual([]);
    const withoutStart = removeStep(noShow(), 'call')!;
    expect(withoutStart.start).toBe('wait1');
    // A branch removed: its yes path carries on; the no path is left for the manager (unreachable).
    const noBranch = removeStep(branching(), 'booked')!;
    expect(noBranch.steps.find((step) => step.id === 'wait')).toMatchObject({ next: 'thanks' });
    expect(journeyGraphIssues(noBranch).map((issue) => issue.stepId)).toEqual(['call', 'again']);
  });

  it('refuses to remove the only step', () => {
    expect(removeStep(blankDefinition(), 'task1')).toBeNull();
  });

  it('re-points outlets and replaces a step by its edited version', () => {
    const definition = setOutlet(branching(), 'booked', 'no', null);
    expect(definition.steps.find((step) => step.id === 'booked')).toMatchObject({ yes: 'thanks', no: null });
    const renamed = replaceStep(noShow(), { id: 'tag', type: 'remove_tag', tag: '失约', next: null });
    expect(renamed.steps[4]).toEqual({ id: 'tag', type: 'remove_tag', tag: '失约', next: null });
  });

  it('names new steps by type, skipping ids in use', () => {
    expect(newStepId(noShow().steps, 'wait')).toBe('wait3');
    expect(newStepId(noShow().steps, 'add_tag')).toBe('tag1');
    expect(newStepId([{ id: 'tag1' }], 'add_tag')).toBe('tag2');
  });

  it('starts a new journey with a definition the schema accepts', () => {
    expect(JourneyDefinition.parse(blankDefinition())).toEqual(blankDefinition());
  });
});
