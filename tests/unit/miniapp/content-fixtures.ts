import type { ContentCard, ContentDetail } from '../../../miniapp/src/content/types';

export function card(overrides: Partial<ContentCard> = {}): ContentCard {
  return {
    id: '65a1b2c3d4e5f60718293c01',
    kind: 'article',
    title: '正确刷牙：巴氏刷牙法图解',
    summary: '每天两次、每次两分钟。',
    coverUrl: null,
    category: 'hygiene',
    tags: ['刷牙'],
    audience: 'public',
    publishedAt: '2025-11-20T02:00:00.000Z',
    readingMinutes: 2,
    video: null,
    ...overrides,
  };
}

export function detail(overrides: Partial<ContentDetail> = {}): ContentDetail {
  return {
    ...card(),
    version: 1,
    body: '<h2>方法</h2><p>刷毛与牙面呈 45°。</p>',
    video: null,
    ...overrides,
  } as ContentDetail;
}

export function progress(overrides: Record<string, unknown> = {}) {
  return {
    readId: '65a1b2c3d4e5f60718293d01',
    dwellSeconds: 0,
    maxScrollPercent: 0,
    finished: false,
    credited: 0,
    attributed: false,
    ...overrides,
  };
}

/**
 * A clock and timers run by hand: `advance(ms)` moves the clock, firing every timer that falls due on the way in
 * order, each at its own time, and lets the promises they start settle.
 */
export function fakeTime(start = Date.parse('2025-12-01T02:00:00.000Z')) {
  let now = start;
  let next = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return {
    now: () => now,
    timers: {
      set(callback: () => void, ms: number) {
        pending.set(++next, { at: now + ms, callback });
        return next;
      },
      clear(handle: unknown) {
        pending.delete(handle as number);
      },
    },
    pendingCount: () => pending.size,
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...pending.entries()].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].callback();
        await settle();
      }
      now = end;
      await settle();
    },
    settle,
  };
}
