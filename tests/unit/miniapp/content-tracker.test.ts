import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import type { ContentApi } from '../../../miniapp/src/content/api';
import { clampPercent, createReadTracker, scrollDepth } from '../../../miniapp/src/content/tracker';
import { fakeTime, progress } from './content-fixtures';

const CONTENT = '65a1b2c3d4e5f60718293c01';
const READ = '65a1b2c3d4e5f60718293d01';

type Call = { action: 'open' | 'beat' | 'finish'; body: Record<string, unknown>; at: number };

/** The read routes, recording what was sent and when; `failNext` makes the next beat fail without an answer. */
function fakeReads(time: ReturnType<typeof fakeTime>) {
  const calls: Call[] = [];
  let dwell = 0;
  let finished = false;
  let failNext = false;
  const api: Pick<ContentApi, 'openRead' | 'heartbeat' | 'finishRead'> = {
    async openRead(_id, request) {
      calls.push({ action: 'open', body: { ...request }, at: time.now() });
      return progress({ attributed: Boolean(request.shareToken) });
    },
    async heartbeat(id, readId, beat) {
      expect([id, readId]).toEqual([CONTENT, READ]);
      calls.push({ action: 'beat', body: { ...beat }, at: time.now() });
      if (failNext) {
        failNext = false;
        throw new ApiError(0, 'NETWORK_ERROR', 'offline');
      }
      dwell += beat.seconds;
      return progress({ dwellSeconds: dwell, finished });
    },
    async finishRead(_id, _readId, beat = {}) {
      calls.push({ action: 'finish', body: { ...beat }, at: time.now() });
      dwell += beat.seconds ?? 0;
      finished = true;
      return progress({ dwellSeconds: dwell, finished });
    },
  };
  return {
    api,
    calls,
    beats: () => calls.filter((call) => call.action === 'beat').map((call) => call.body),
    failNextBeat: () => {
      failNext = true;
    },
  };
}

function setup(options: { needsPlaying?: boolean; shareToken?: string } = {}) {
  const time = fakeTime();
  const reads = fakeReads(time);
  const tracker = createReadTracker({
    api: reads.api,
    contentId: CONTENT,
    shareToken: options.shareToken,
    needsPlaying: options.needsPlaying,
    now: time.now,
    timers: time.timers,
    newId: () => 'open-request-0001',
  });
  return { time, reads, tracker };
}

describe('read tracking', () => {
  it('opens the read with one request id and the share token it came through', async () => {
    const { tracker, reads } = setup({ shareToken: 'AbCdE12345' });
    tracker.show();
    await tracker.start();
    await tracker.start(); // a second call (the consent store settling again) opens nothing more
    expect(reads.calls).toEqual([
      { action: 'open', body: { requestId: 'open-request-0001', shareToken: 'AbCdE12345' }, at: expect.any(Number) },
    ]);
    expect(tracker.getState()).toMatchObject({ status: 'open', readId: READ, attributed: true });
  });

  it('sends nothing before it is started (the privacy policy is not accepted yet)', async () => {
    const { tracker, reads, time } = setup();
    tracker.show();
    tracker.scrolled(60);
    await time.advance(35_000);
    expect(reads.calls).toEqual([]);
    expect(time.pendingCount()).toBe(0);
  });

  it('beats every ten seconds with the visible seconds and the deepest scroll', async () => {
    const { tracker, reads, time } = setup();
    tracker.show();
    await tracker.start();
    tracker.scrolled(35);
    tracker.scrolled(20); // scrolling back up keeps the deepest point
    await time.advance(10_000);
    tracker.scrolled(72.44);
    await time.advance(10_000);
    await time.advance(10_000); // nothing new to say but the seconds
    expect(reads.beats()).toEqual([
      { seconds: 10, scrollPercent: 35 },
      { seconds: 10, scrollPercent: 72.4 },
      { seconds: 10 },
    ]);
    expect(tracker.getState().dwellSeconds).toBe(30);
  });

  it('stops beating while hidden, sends what it collected on hiding, and resynchronises on showing again', async () => {
    const { tracker, reads, time } = setup();
    tracker.show();
    await tracker.start();
    await time.advance(4_500);
    tracker.hide();
    await time.settle();
    await time.advance(120_000); // the phone is locked for two minutes: nothing is sent, nothing is counted
    expect(reads.beats()).toEqual([{ seconds: 4 }]);
    tracker.show();
    await time.settle();
    await time.advance(10_000);
    // A zero-second beat first (the server counts from now, not from before the pause), then the half second kept
    // from before plus ten visible seconds.
    expect(reads.beats()).toEqual([{ seconds: 4 }, { seconds: 0 }, { seconds: 10 }]);
    expect(time.pendingCount()).toBe(1); // beating again
  });

  it('counts a video only while it plays, and finishes it when it ends', async () => {
    const { tracker, reads, time } = setup({ needsPlaying: true });
    tracker.show();
    await tracker.start();
    await time.advance(30_000); // open but not playing
    expect(reads.beats()).toEqual([]);
    tracker.playing(true);
    await time.settle();
    await time.advance(12_000);
    tracker.playing(false);
    await time.settle();
    expect(reads.beats()).toEqual([{ seconds: 0 }, { seconds: 10 }, { seconds: 2 }]);
    tracker.playing(true);
    await time.advance(3_000);
    tracker.playing(false);
    await tracker.finish();
    await tracker.finish(); // ended twice (a replay): finished once
    expect(reads.calls.filter((call) => call.action === 'finish')).toEqual([
      { action: 'finish', body: {}, at: expect.any(Number) },
    ]);
    expect(tracker.getState().finished).toBe(true);
  });

  it('finishes an article once its end is reached after a few seconds of reading, not at a glance', async () => {
    const { tracker, reads, time } = setup();
    tracker.show();
    await tracker.start();
    await time.advance(1_000);
    tracker.reachedEnd(); // a short article fits the screen
    await time.settle();
    expect(reads.calls.filter((call) => call.action === 'finish')).toEqual([]);
    await time.advance(4_000);
    expect(reads.calls.filter((call) => call.action === 'finish')).toEqual([
      { action: 'finish', body: { seconds: 5, scrollPercent: 100 }, at: expect.any(Number) },
    ]);
    tracker.reachedEnd();
    await time.advance(20_000);
    expect(reads.calls.filter((call) => call.action === 'finish')).toHaveLength(1);
    expect(tracker.getState()).toMatchObject({ finished: true, dwellSeconds: 20 }); // reading on after the end counts
  });

  it('does not finish while the page is hidden, even after the end was reached', async () => {
    const { tracker, reads, time } = setup();
    tracker.show();
    await tracker.start();
    tracker.reachedEnd();
    await time.advance(2_000);
    tracker.hide();
    await time.advance(60_000);
    expect(reads.calls.filter((call) => call.action === 'finish')).toEqual([]);
    tracker.show();
    await time.advance(3_000);
    expect(reads.calls.filter((call) => call.action === 'finish')).toHaveLength(1);
  });

  it('sends the seconds of a beat that got no answer with the next one', async () => {
    const { tracker, reads, time } = setup();
    tracker.show();
    await tracker.start();
    tracker.scrolled(50);
    reads.failNextBeat();
    await time.advance(10_000);
    await time.advance(10_000);
    expect(reads.beats()).toEqual([
      { seconds: 10, scrollPercent: 50 },
      { seconds: 20, scrollPercent: 50 },
    ]);
  });

  it('sends the last seconds when the page goes away, then nothing more', async () => {
    const { tracker, reads, time } = setup();
    tracker.show();
    await tracker.start();
    await time.advance(7_200);
    tracker.dispose();
    await tracker.settled();
    await time.advance(60_000);
    expect(reads.beats()).toEqual([{ seconds: 7 }]);
    expect(time.pendingCount()).toBe(0);
  });

  it('counts from the open, not from before the server answered it', async () => {
    const time = fakeTime();
    const reads = fakeReads(time);
    let answer: () => void = () => undefined;
    const slowOpen: typeof reads.api = {
      ...reads.api,
      openRead: (id, request) =>
        new Promise((resolve) => {
          answer = () => void reads.api.openRead(id, request).then(resolve);
        }),
    };
    const tracker = createReadTracker({ api: slowOpen, contentId: CONTENT, now: time.now, timers: time.timers });
    tracker.show();
    const opening = tracker.start();
    await time.advance(8_000); // the open is slow to answer
    answer();
    await opening;
    await time.advance(10_000);
    expect(reads.beats()).toEqual([{ seconds: 10 }]);
  });
});

describe('scroll depth', () => {
  it('is the part of the article above the bottom of the screen', () => {
    expect(scrollDepth({ top: 100, height: 2000 }, 667)).toBe(28.4);
    expect(scrollDepth({ top: -1500, height: 2000 }, 667)).toBe(100);
    expect(scrollDepth({ top: 0, height: 0 }, 667)).toBe(0);
    expect(clampPercent(Number.NaN)).toBe(0);
    expect(clampPercent(-3)).toBe(0);
  });
});
