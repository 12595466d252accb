import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { csvFilename } from '../../../wecom-sidebar/src/tags/download';
import { segmentRoute } from '../../../wecom-sidebar/src/tags/nav';
import { pagesFor } from '../../../wecom-sidebar/src/workbench/nav';
import { createPreviewScheduler, type PreviewOutcome } from '../../../wecom-sidebar/src/tags/preview';

const SEGMENT_ID = '65f0000000000000000000d7';
type Rule = { type: string; n?: number };

/** A scheduler whose requests the test answers by hand. */
function setup(delayMs = 400) {
  const asked: Rule[] = [];
  const answers: ((count: number) => void)[] = [];
  const failures: ((error: unknown) => void)[] = [];
  const results: PreviewOutcome<number>[] = [];
  const pending: boolean[] = [];
  const scheduler = createPreviewScheduler<Rule, number>({
    delayMs,
    run: (rule) => {
      asked.push(rule);
      return new Promise<number>((resolve, reject) => {
        answers.push(resolve);
        failures.push(reject);
      });
    },
    onPending: (value) => pending.push(value),
    onResult: (outcome) => results.push(outcome),
  });
  return { scheduler, asked, answers, failures, results, pending };
}

const flush = () => Promise.resolve().then(() => undefined);

describe('the live preview of a rule', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for the rule to stop changing, then asks once for the latest', async () => {
    const { scheduler, asked } = setup();
    scheduler.schedule({ type: 'count', n: 1 });
    vi.advanceTimersByTime(200);
    scheduler.schedule({ type: 'count', n: 12 });
    vi.advanceTimersByTime(399);
    expect(asked).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(asked).toEqual([{ type: 'count', n: 12 }]);
  });

  it('does not ask again for the same rule', () => {
    const { scheduler, asked } = setup();
    scheduler.schedule({ type: 'count', n: 1 });
    vi.advanceTimersByTime(400);
    scheduler.schedule({ type: 'count', n: 1 });
    vi.advanceTimersByTime(1000);
    expect(asked).toHaveLength(1);
  });

  it('drops an answer to an older rule that arrives after the newer rule was asked', async () => {
    const { scheduler, answers, results } = setup();
    scheduler.schedule({ type: 'a' });
    vi.advanceTimersByTime(400);
    scheduler.schedule({ type: 'b' });
    vi.advanceTimersByTime(400);
    answers[1]!(7);
    answers[0]!(99);
    await flush();
    await flush();
    expect(results).toEqual([{ ok: true, data: 7 }]);
  });

  it('clears when the form has errors, so an answer on its way is not shown', async () => {
    const { scheduler, answers, results, pending } = setup();
    scheduler.schedule({ type: 'a' });
    vi.advanceTimersByTime(400);
    scheduler.schedule(null);
    answers[0]!(3);
    await flush();
    await flush();
    expect(results).toEqual([]);
    expect(pending).toEqual([true, false]);
  });

  it('reports a failure, and asks for the same rule again on refresh', async () => {
    const { scheduler, asked, failures, results } = setup();
    scheduler.schedule({ type: 'a' });
    vi.advanceTimersByTime(400);
    failures[0]!(new Error('FORBIDDEN'));
    await flush();
    await flush();
    expect(results).toEqual([{ ok: false, error: new Error('FORBIDDEN') }]);
    scheduler.refresh();
    expect(asked).toEqual([{ type: 'a' }, { type: 'a' }]);
  });

  it('stops when disposed', () => {
    const { scheduler, asked } = setup();
    scheduler.schedule({ type: 'a' });
    scheduler.dispose();
    vi.advanceTimersByTime(1000);
    expect(asked).toEqual([]);
  });
});

describe('the segments page', () => {
  it('is a managers’ page; the tag library is everyone’s', () => {
    const ids = (roles: Parameters<typeof pagesFor>[0]) => pagesFor(roles).map((page) => page.id);
    expect(ids(['staff'])).toContain('tags');
    expect(ids(['staff'])).not.toContain('segments');
    expect(ids(['manager'])).toEqual(expect.arrayContaining(['tags', 'segments']));
  });

  it('finds a saved segment in the hash, anything else is a new one', () => {
    expect(segmentRoute(`#segments/${SEGMENT_ID}`)).toEqual({ kind: 'segment', id: SEGMENT_ID });
    expect(segmentRoute('#segments')).toEqual({ kind: 'new' });
    expect(segmentRoute('#segments/new')).toEqual({ kind: 'new' });
  });

  it('names the CSV after the segment and the day, without characters file systems refuse', () => {
    expect(csvFilename('失约 / 未跟进: 3月', new Date('2026-03-05T08:00:00Z'))).toBe(
      '人群-失约_未跟进_3月-2026-03-05.csv',
    );
    expect(csvFilename('  ', new Date('2026-03-05T08:00:00Z'))).toBe('人群-segment-2026-03-05.csv');
  });
});
