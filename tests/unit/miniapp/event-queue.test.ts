import { describe, expect, it, vi } from 'vitest';
import type { ClientEvent, IngestEventsResponse } from '@careloop/shared';
import { ClientEventId, EVENT_BATCH_MAX, EVENT_MAX_AGE_MS } from '@careloop/shared';
import { ApiError } from '@careloop/shared/client';
import {
  CLIENT_EVENT_ID,
  EVENT_BATCH_LIMIT,
  EVENT_MAX_AGE_MS as CLIENT_MAX_AGE_MS,
  EVENT_QUEUE_STORAGE_KEY,
  createEventQueue,
  isRetryableSendError,
  newClientEventId,
  retryDelay,
  type EventQueueOptions,
} from '../../../miniapp/src/lib/eventQueue';
import { memoryStorage } from './fakes';

/** Timers run by hand: `fire()` runs every pending one, `delays()` says what is waiting and for how long. */
function manualTimers() {
  let next = 1;
  const pending = new Map<number, { callback: () => void; ms: number }>();
  return {
    timers: {
      set(callback: () => void, ms: number) {
        const id = next++;
        pending.set(id, { callback, ms });
        return id;
      },
      clear(handle: unknown) {
        pending.delete(handle as number);
      },
    },
    delays: () => [...pending.values()].map((timer) => timer.ms),
    async fire() {
      const due = [...pending.values()];
      pending.clear();
      for (const timer of due) timer.callback();
      await settle();
    },
  };
}

/** Lets the queue's promises run (sends here resolve at once). */
async function settle() {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** A seeded pseudo-random source (Park–Miller), so ids differ but runs repeat. */
function seededRandom(seed = 42) {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

/** The page path of a page view (the tests record page views only). */
const pathOf = (event: ClientEvent) => (event.properties as { path?: string }).path;

const ok = (events: readonly ClientEvent[]): IngestEventsResponse => ({
  accepted: events.length,
  duplicates: 0,
  rejected: [],
});

function setup(overrides: Partial<EventQueueOptions> = {}, stored?: unknown) {
  const clock = { now: Date.parse('2026-11-26T08:00:00.000Z') };
  const storage = memoryStorage(stored === undefined ? {} : { [EVENT_QUEUE_STORAGE_KEY]: stored });
  const manual = manualTimers();
  const sent: ClientEvent[][] = [];
  const send = vi.fn(async (events: readonly ClientEvent[]) => {
    sent.push([...events]);
    return ok(events);
  });
  const log = vi.fn();
  const options: EventQueueOptions = {
    send,
    storage,
    timers: manual.timers,
    now: () => clock.now,
    random: seededRandom(),
    log,
    ...overrides,
  };
  const queue = createEventQueue(options);
  const view = (path: string) => queue.track('page.viewed', { path });
  return { queue, storage, manual, send, sent, log, clock, view, options };
}

describe('client event ids', () => {
  it('are 8–64 characters of the alphabet the server accepts, and differ from one another', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = newClientEventId();
      expect(id).toMatch(CLIENT_EVENT_ID);
      expect(ClientEventId.safeParse(id).success).toBe(true);
      ids.add(id);
    }
    expect(ids.size).toBe(1000);
  });

  it('keep their format at the edges of the clock and of the random source', () => {
    for (const [now, random] of [
      [0, () => 0],
      [Date.parse('2099-12-31T23:59:59Z'), () => 0.999999999],
    ] as const) {
      const id = newClientEventId(now, random);
      expect(id).toMatch(CLIENT_EVENT_ID);
      expect(id.length).toBeGreaterThanOrEqual(15);
    }
  });

  it('are what `track` hands back and what is sent', async () => {
    const { queue, manual, sent } = setup();
    const id = queue.track('page.viewed', { path: 'pages/home/index', title: '首页' });
    expect(id).toMatch(CLIENT_EVENT_ID);
    await manual.fire();
    expect(sent[0]).toEqual([
      {
        id,
        type: 'page.viewed',
        occurredAt: '2026-11-26T08:00:00.000Z',
        properties: { path: 'pages/home/index', title: '首页' },
      },
    ]);
  });
});

describe('limits shared with the server', () => {
  it('match the contract', () => {
    expect(EVENT_BATCH_LIMIT).toBe(EVENT_BATCH_MAX);
    expect(CLIENT_MAX_AGE_MS).toBeLessThan(EVENT_MAX_AGE_MS);
    expect(CLIENT_MAX_AGE_MS).toBeGreaterThan(EVENT_MAX_AGE_MS - 60 * 60_000);
  });
});

describe('batching', () => {
  it('sends a few seconds after the first event, all waiting events in one batch', async () => {
    const { queue, manual, send, sent, view } = setup({ flushIntervalMs: 5000 });
    view('pages/home/index');
    view('pages/me/index');
    view('pages/coupons/index');
    expect(send).not.toHaveBeenCalled();
    expect(manual.delays()).toEqual([5000]); // one timer, not one per event
    await manual.fire();
    expect(send).toHaveBeenCalledTimes(1);
    expect(sent[0]!.map((event) => event.properties)).toEqual([
      { path: 'pages/home/index' },
      { path: 'pages/me/index' },
      { path: 'pages/coupons/index' },
    ]);
    expect(queue.pending()).toEqual([]);
    expect(manual.delays()).toEqual([]);
  });

  it('sends at once (next tick) when 20 are waiting', async () => {
    const { manual, send, sent, view } = setup();
    for (let i = 0; i < 19; i++) view(`pages/p${i}`);
    expect(manual.delays()).toEqual([5000]);
    view('pages/p19');
    expect(send).not.toHaveBeenCalled(); // never inside `track`
    expect(manual.delays()).toEqual([0]);
    await manual.fire();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toHaveLength(20);
  });

  it('splits a long queue into batches of at most maxBatchSize', async () => {
    const { queue, send, sent, view } = setup({ maxBatchSize: 50, flushAtSize: 1000 });
    for (let i = 0; i < 120; i++) view(`pages/p${i}`);
    await queue.flush();
    expect(send).toHaveBeenCalledTimes(3);
    expect(sent.map((batch) => batch.length)).toEqual([50, 50, 20]);
    expect(queue.pending()).toEqual([]);
  });

  it('never sends more than the server takes in one batch', async () => {
    const { queue, sent, view } = setup({ maxBatchSize: 500, flushAtSize: 1000 });
    for (let i = 0; i < 150; i++) view(`pages/p${i}`);
    await queue.flush();
    expect(sent.map((batch) => batch.length)).toEqual([100, 50]);
  });

  it('sends events recorded while a batch is on its way in a next batch', async () => {
    let release!: () => void;
    const sent: ClientEvent[][] = [];
    const send = vi.fn(async (events: readonly ClientEvent[]) => {
      sent.push([...events]);
      if (sent.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return ok(events);
    });
    const { queue, view } = setup({ send });
    view('pages/a');
    const flushing = queue.flush();
    await settle();
    view('pages/b');
    expect(queue.flush()).toBe(flushing); // one flush at a time
    release();
    await flushing;
    expect(sent.map((batch) => batch.map(pathOf))).toEqual([['pages/a'], ['pages/b']]);
    expect(queue.pending()).toEqual([]);
  });

  it('keeps events on the device while sending is not allowed, and sends them once it is', async () => {
    let allowed = false;
    const { queue, manual, send, view } = setup({ canSend: () => allowed });
    view('pages/home/index');
    expect(manual.delays()).toEqual([]); // nothing to wait for
    await queue.flush();
    expect(send).not.toHaveBeenCalled();
    expect(queue.pending()).toHaveLength(1);
    allowed = true;
    await queue.flush();
    expect(send).toHaveBeenCalledTimes(1);
    expect(queue.pending()).toEqual([]);
  });
});

describe('retry with backoff', () => {
  it('keeps the batch on network errors and retries later, waiting longer each time', async () => {
    let failing = 3;
    const send = vi.fn(async (events: readonly ClientEvent[]) => {
      if (failing-- > 0) throw new ApiError(0, 'NETWORK_ERROR', 'Network request failed');
      return ok(events);
    });
    const { queue, manual, view, log } = setup({ send, retryBaseMs: 2000, retryMaxMs: 60_000, random: () => 0.999 });
    view('pages/home/index');
    await manual.fire();
    expect(queue.pending()).toHaveLength(1);
    expect(queue.failures()).toBe(1);
    const first = manual.delays()[0]!;
    await manual.fire();
    const second = manual.delays()[0]!;
    await manual.fire();
    const third = manual.delays()[0]!;
    expect([first, second, third]).toEqual([1999, 3998, 7996]); // 2 s, 4 s, 8 s, times the jitter (≈1)
    expect(log).toHaveBeenCalledWith(expect.stringContaining('will retry'), expect.objectContaining({ status: 0 }));
    await manual.fire();
    expect(send).toHaveBeenCalledTimes(4);
    expect(queue.pending()).toEqual([]);
    expect(queue.failures()).toBe(0);
    expect(manual.delays()).toEqual([]);
  });

  it('retries 5xx, 401, 408 and 429 answers and unexpected errors; drops other 4xx', () => {
    for (const status of [0, 500, 502, 503, 401, 408, 429]) {
      expect(isRetryableSendError(new ApiError(status, 'X', 'x'))).toBe(true);
    }
    for (const status of [400, 403, 404, 413, 422]) {
      expect(isRetryableSendError(new ApiError(status, 'X', 'x'))).toBe(false);
    }
    expect(isRetryableSendError(new TypeError('boom'))).toBe(true);
  });

  it('keeps the events on a 5xx, and does not send again before the backoff is over', async () => {
    const send = vi.fn(async () => {
      throw new ApiError(503, 'DATABASE_UNAVAILABLE', 'down');
    });
    const { queue, manual, view } = setup({ send, flushAtSize: 2 });
    view('pages/a');
    await queue.flush();
    expect(send).toHaveBeenCalledTimes(1);
    const retryAt = manual.delays();
    expect(retryAt).toHaveLength(1);
    view('pages/b');
    view('pages/c'); // past flushAtSize, but the queue is backing off
    expect(manual.delays()).toEqual(retryAt);
    await settle();
    expect(send).toHaveBeenCalledTimes(1);
    expect(queue.pending()).toHaveLength(3);
  });

  it('caps the delay', () => {
    expect(retryDelay(1, 2000, 300_000, () => 0)).toBe(1000);
    expect(retryDelay(2, 2000, 300_000, () => 0)).toBe(2000);
    expect(retryDelay(30, 2000, 300_000, () => 0.999999)).toBeLessThanOrEqual(300_000);
    expect(retryDelay(30, 2000, 300_000, () => 0)).toBe(150_000);
  });

  it('retries when the answer is not what the server sends (a proxy page, say); resends are stored once', async () => {
    let calls = 0;
    const send = vi.fn(async (events: readonly ClientEvent[]) => {
      calls += 1;
      return (calls === 1 ? '<html>gateway</html>' : ok(events)) as unknown as IngestEventsResponse;
    });
    const { queue, manual, view } = setup({ send });
    const id = view('pages/a');
    await queue.flush();
    expect(queue.pending().map((event) => event.id)).toEqual([id]);
    await manual.fire();
    expect(send.mock.calls[1]![0].map((event) => event.id)).toEqual([id]); // the same id again
    expect(queue.pending()).toEqual([]);
  });
});

describe('what the server says about each event', () => {
  it('drops rejected events with a log line, and does not resend accepted or duplicate ones', async () => {
    const send = vi.fn(async (events: readonly ClientEvent[]): Promise<IngestEventsResponse> => ({
      accepted: 1,
      duplicates: 1,
      rejected: [{ index: 2, id: events[2]!.id, code: 'TIMESTAMP_IN_FUTURE', message: 'clock skew' }],
    }));
    const { queue, view, log } = setup({ send });
    view('pages/a');
    view('pages/b');
    const rejected = view('pages/c');
    await queue.flush();
    expect(queue.pending()).toEqual([]);
    expect(log).toHaveBeenCalledWith(expect.stringContaining(`${rejected}: TIMESTAMP_IN_FUTURE`), 'clock skew');
    await queue.flush();
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('drops a batch the server refuses as a whole with a 4xx (it would never be taken) and goes on', async () => {
    let calls = 0;
    const send = vi.fn(async (events: readonly ClientEvent[]) => {
      calls += 1;
      if (calls === 1) throw new ApiError(400, 'VALIDATION_FAILED', 'bad batch');
      return ok(events);
    });
    const { queue, view, log } = setup({ send, maxBatchSize: 2, flushAtSize: 1000 });
    view('pages/a');
    view('pages/b');
    view('pages/c');
    await queue.flush();
    expect(send).toHaveBeenCalledTimes(2);
    expect(send.mock.calls[1]![0].map((event) => event.properties)).toEqual([{ path: 'pages/c' }]);
    expect(queue.pending()).toEqual([]);
    expect(log).toHaveBeenCalledWith(
      expect.stringContaining('refused a batch of 2'),
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});

describe('persistence', () => {
  it('keeps waiting events in storage, so a restart sends them', async () => {
    const first = setup({ send: vi.fn(async () => Promise.reject(new ApiError(0, 'NETWORK_ERROR', 'offline'))) });
    const a = first.view('pages/a');
    const b = first.view('pages/b');
    await first.queue.flush();
    first.queue.dispose();
    const stored = first.storage.data.get(EVENT_QUEUE_STORAGE_KEY);
    expect((stored as ClientEvent[]).map((event) => event.id)).toEqual([a, b]);

    // The app restarts with the same storage.
    const second = setup({}, stored);
    expect(second.queue.pending().map((event) => event.id)).toEqual([a, b]);
    await second.queue.flush();
    expect(second.sent[0]!.map((event) => event.id)).toEqual([a, b]);
    expect(second.storage.data.has(EVENT_QUEUE_STORAGE_KEY)).toBe(false);
  });

  it('ignores unreadable stored entries', () => {
    const good = {
      id: 'abcdefgh1234',
      type: 'page.viewed',
      occurredAt: '2026-11-26T07:59:00.000Z',
      properties: { path: 'pages/home/index' },
    };
    const { queue, log } = setup({}, [good, null, { id: 'short' }, { ...good, id: 'x'.repeat(65) }, 'text']);
    expect(queue.pending()).toEqual([good]);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('4 unreadable'));
    expect(setup({}, 'garbage').queue.pending()).toEqual([]);
  });

  it('is bounded: beyond maxQueueSize the oldest go first', () => {
    const { queue, storage, view, log } = setup({ maxQueueSize: 5, canSend: () => false });
    for (let i = 0; i < 8; i++) view(`pages/p${i}`);
    expect(queue.pending().map(pathOf)).toEqual(['pages/p3', 'pages/p4', 'pages/p5', 'pages/p6', 'pages/p7']);
    expect(storage.data.get(EVENT_QUEUE_STORAGE_KEY)).toHaveLength(5);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('dropped the 1 oldest'));
  });

  it('does not send events older than the server takes', async () => {
    const { queue, clock, sent, view, log } = setup({ canSend: () => true });
    view('pages/old');
    clock.now += 8 * 24 * 60 * 60_000;
    view('pages/new');
    await queue.flush();
    expect(sent.flat().map(pathOf)).toEqual(['pages/new']);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('1 event(s) too old'));
  });

  it('clear() forgets every waiting event, in storage too', async () => {
    const { queue, storage, manual, send, view } = setup();
    view('pages/a');
    queue.clear();
    expect(queue.pending()).toEqual([]);
    expect(storage.data.has(EVENT_QUEUE_STORAGE_KEY)).toBe(false);
    expect(manual.delays()).toEqual([]);
    await queue.flush();
    expect(send).not.toHaveBeenCalled();
  });
});

describe('never in the way of the UI', () => {
  it('records events when storage fails (kept in memory) and never throws', async () => {
    const storage = {
      get: () => {
        throw new Error('storage unavailable');
      },
      set: () => {
        throw new Error('quota exceeded');
      },
      remove: () => undefined,
    };
    const { queue, sent, log } = setup({ storage });
    expect(() => queue.track('page.viewed', { path: 'pages/a' })).not.toThrow();
    expect(queue.pending()).toHaveLength(1);
    await queue.flush();
    expect(sent).toHaveLength(1);
    expect(log).toHaveBeenCalledWith('could not store the waiting events', expect.any(Error));
  });

  it('flush never rejects, whatever send or canSend do', async () => {
    const { queue, view } = setup({
      send: () => {
        throw new Error('synchronous boom');
      },
    });
    view('pages/a');
    await expect(queue.flush()).resolves.toBeUndefined();
    expect(queue.pending()).toHaveLength(1);

    const gated = setup({
      canSend: () => {
        throw new Error('boom');
      },
    });
    gated.view('pages/a');
    await expect(gated.queue.flush()).resolves.toBeUndefined();
  });

  it('does nothing after dispose', async () => {
    const { queue, manual, send, view } = setup();
    view('pages/a');
    queue.dispose();
    expect(manual.delays()).toEqual([]);
    await queue.flush();
    expect(send).not.toHaveBeenCalled();
  });
});
