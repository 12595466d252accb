/**
 * Read tracking for one open of a content page, as plain TypeScript the page drives:
 *
 * - `start()` opens the read once the customer may be tracked (signed in, privacy policy accepted); the open
 *   carries one requestId for this page open (a retry answers the same read) and the share token it came through.
 * - Dwell is the time the page is *active*: shown (`show()` / `hide()`), and for a video also playing
 *   (`playing(true|false)`). While active, a heartbeat goes every `intervalMs` (~10 s) with the active seconds
 *   since the previous one; going inactive sends what was collected at once and stops the beats; becoming active
 *   again first sends a zero-second beat, so the server counts from then rather than from before the pause.
 * - Scroll depth is the deepest point seen (`scrolled(percent)`), sent with the next beat.
 * - Finish: `reachedEnd()` (the end of an article came into view) finishes the read once the reader has been on it
 *   for `minFinishSeconds` of active time (a short article seen at a glance is not read yet); `finish()` (a video
 *   played to the end) finishes at once. Sent once.
 * - Requests go one at a time, in order; seconds a failed beat carried are sent with the next one (the server never
 *   credits more than the time that passed).
 */
import { createState, type Store } from '../booking/store';
import { newClientEventId } from '../lib/eventQueue';
import type { ContentApi } from './api';

export interface ReadTrackerState {
  status: 'idle' | 'opening' | 'open' | 'failed';
  readId: string | null;
  /** Seconds the server credited so far. */
  dwellSeconds: number;
  finished: boolean;
  /** The read came through someone's share (attributed to them). */
  attributed: boolean;
}

export interface ReadTracker extends Store<ReadTrackerState> {
  /** Opens the read (once; again after a failure). Never rejects. */
  start(): Promise<void>;
  show(): void;
  hide(): void;
  /** For a video: whether it is playing. */
  playing(on: boolean): void;
  /** How far down the reader is now, 0–100 (the deepest is kept). */
  scrolled(percent: number): void;
  /** The end of the article came into view. */
  reachedEnd(): void;
  /** Finish now (a video played to the end). Never rejects. */
  finish(): Promise<void>;
  /** The page went away: sends what was collected, stops everything. */
  dispose(): void;
  /** Resolves when every request sent so far has been answered (tests, and the page's unload). */
  settled(): Promise<void>;
}

export interface TrackerTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface ReadTrackerOptions {
  api: Pick<ContentApi, 'openRead' | 'heartbeat' | 'finishRead'>;
  contentId: string;
  shareToken?: string | null;
  /** A video: dwell counts only while it plays. */
  needsPlaying?: boolean;
  /** Between two heartbeats while active; default 10 s. */
  intervalMs?: number;
  /** Active seconds needed before reaching the end finishes the read; default 5. */
  minFinishSeconds?: number;
  now?: () => number;
  timers?: TrackerTimers;
  newId?: () => string;
}

const defaultTimers: TrackerTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The server accepts at most this many seconds in one request. */
const MAX_SECONDS_PER_REQUEST = 3600;

/** 0–100 with one decimal, whatever the page measured. */
export function clampPercent(percent: number): number {
  if (!Number.isFinite(percent)) return 0;
  return Math.round(Math.min(100, Math.max(0, percent)) * 10) / 10;
}

/**
 * How far down a reader is, in percent of the article: the part of it above the bottom of the screen. `top` is the
 * article's top relative to the top of the screen (negative once scrolled past), `height` its height.
 */
export function scrollDepth(rect: { top: number; height: number }, viewportHeight: number): number {
  if (!(rect.height > 0) || !(viewportHeight > 0)) return 0;
  return clampPercent(((viewportHeight - rect.top) / rect.height) * 100);
}

export function createReadTracker(options: ReadTrackerOptions): ReadTracker {
  const {
    api,
    contentId,
    shareToken,
    needsPlaying = false,
    intervalMs = 10_000,
    minFinishSeconds = 5,
    now = Date.now,
    timers = defaultTimers,
  } = options;
  const newId = options.newId ?? (() => newClientEventId());
  const state = createState<ReadTrackerState>({
    status: 'idle',
    readId: null,
    dwellSeconds: 0,
    finished: false,
    attributed: false,
  });
  const requestId = newId();

  let visible = false;
  let isPlaying = false;
  let disposed = false;
  /** When the page last became active (null while inactive). */
  let activeSince: number | null = null;
  /** Active milliseconds not sent yet. */
  let pendingMs = 0;
  /** All active milliseconds of this open (for the finish rule). */
  let activeTotalMs = 0;
  let maxScroll = 0;
  let sentScroll = 0;
  let endReached = false;
  let finishing = false;
  /** The beat needs a zero-second resync first (active again after a pause). */
  let resync = false;
  let beatTimer: unknown = null;
  let finishTimer: unknown = null;
  let queue: Promise<void> = Promise.resolve();

  const readId = () => state.getState().readId;
  const active = () => visible && (!needsPlaying || isPlaying) && !disposed;

  /** Moves the active time so far into `pendingMs`. */
  function collect() {
    if (activeSince === null) return;
    const at = now();
    const spent = Math.max(0, at - activeSince);
    pendingMs += spent;
    activeTotalMs += spent;
    activeSince = at;
  }

  /** Takes the whole seconds collected (the fraction stays for the next beat). */
  function takeSeconds(): number {
    collect();
    const seconds = Math.min(MAX_SECONDS_PER_REQUEST, Math.floor(pendingMs / 1000));
    pendingMs -= seconds * 1000;
    return seconds;
  }

  function enqueue(task: () => Promise<void>): Promise<void> {
    queue = queue.then(task, task);
    return queue;
  }

  function record(progress: { dwellSeconds: number; finished: boolean; attributed: boolean }) {
    state.set({
      dwellSeconds: progress.dwellSeconds,
      // A read once finished stays finished (an answer to a beat sent before the finish may arrive after it).
      finished: state.getState().finished || progress.finished,
      attributed: progress.attributed,
    });
  }

  function scrollToSend(): number | undefined {
    if (maxScroll <= sentScroll) return undefined;
    sentScroll = maxScroll;
    return maxScroll;
  }

  /** Sends the collected seconds (and a deeper scroll), unless there is nothing to say. */
  function beat(force = false): Promise<void> {
    const id = readId();
    if (!id) return queue;
    const seconds = takeSeconds();
    const scrollPercent = scrollToSend();
    if (!force && seconds === 0 && scrollPercent === undefined) return queue;
    return enqueue(async () => {
      try {
        record(
          await api.heartbeat(contentId, id, { seconds, ...(scrollPercent === undefined ? {} : { scrollPercent }) }),
        );
      } catch {
        // Sent again with the next beat; the server credits no more than the time that passed.
        pendingMs += seconds * 1000;
        if (scrollPercent !== undefined && sentScroll === scrollPercent) sentScroll = 0;
      }
    });
  }

  function stopBeats() {
    if (beatTimer !== null) timers.clear(beatTimer);
    beatTimer = null;
  }

  function scheduleBeat() {
    if (beatTimer !== null || !active() || state.getState().status !== 'open') return;
    beatTimer = timers.set(() => {
      beatTimer = null;
      if (!active()) return;
      void beat();
      scheduleBeat();
    }, intervalMs);
  }

  function scheduleFinishCheck() {
    if (finishTimer !== null) timers.clear(finishTimer);
    finishTimer = null;
    if (!endReached || state.getState().finished || finishing || disposed) return;
    collect();
    const left = minFinishSeconds * 1000 - activeTotalMs;
    if (left <= 0) {
      if (readId()) void finish();
      return;
    }
    // Checked again once enough active time could have passed (a pause in between moves it on).
    if (active()) {
      finishTimer = timers.set(() => {
        finishTimer = null;
        scheduleFinishCheck();
      }, left);
    }
  }

  /** Active or not, after a change of visibility or playing. */
  function changed(wasActive: boolean) {
    const isActive = active();
    if (wasActive === isActive) return;
    if (isActive) {
      activeSince = now();
      if (resync && readId()) {
        resync = false;
        void beat(true); // zero seconds: the server counts from now
      }
      scheduleBeat();
      scheduleFinishCheck();
    } else {
      void beat();
      activeSince = null;
      resync = true;
      stopBeats();
      if (finishTimer !== null) timers.clear(finishTimer);
      finishTimer = null;
    }
  }

  async function start() {
    const { status } = state.getState();
    if (status === 'opening' || status === 'open' || disposed) return;
    state.set({ status: 'opening' });
    try {
      const progress = await api.openRead(contentId, { requestId, ...(shareToken ? { shareToken } : {}) });
      if (disposed) return;
      state.set({ status: 'open', readId: progress.readId });
      record(progress);
      // Time before the open was answered counts from the open: the server started the clock there.
      collect();
      pendingMs = 0;
      // Opened while inactive (a video not playing yet): the first beat once active starts the server's count.
      resync = !active();
      scheduleBeat();
      scheduleFinishCheck();
    } catch {
      if (!disposed) state.set({ status: 'failed' });
    }
  }

  async function finish() {
    const id = readId();
    if (!id || state.getState().finished || finishing || disposed) return;
    finishing = true;
    const seconds = takeSeconds();
    if (!needsPlaying) maxScroll = 100; // an article read to its end
    const scrollPercent = scrollToSend();
    await enqueue(async () => {
      try {
        record(
          await api.finishRead(contentId, id, {
            ...(seconds > 0 ? { seconds } : {}),
            ...(scrollPercent === undefined ? {} : { scrollPercent }),
          }),
        );
      } catch {
        pendingMs += seconds * 1000;
        if (scrollPercent !== undefined && sentScroll === scrollPercent) sentScroll = 0;
      } finally {
        finishing = false;
      }
    });
  }

  return {
    getState: state.getState,
    subscribe: state.subscribe,
    start,
    show() {
      const was = active();
      visible = true;
      changed(was);
    },
    hide() {
      const was = active();
      visible = false;
      changed(was);
    },
    playing(on) {
      const was = active();
      isPlaying = on;
      changed(was);
    },
    scrolled(percent) {
      maxScroll = Math.max(maxScroll, clampPercent(percent));
    },
    reachedEnd() {
      if (endReached) return;
      endReached = true;
      scheduleFinishCheck();
    },
    finish,
    dispose() {
      if (disposed) return;
      if (active()) void beat();
      disposed = true;
      activeSince = null;
      stopBeats();
      if (finishTimer !== null) timers.clear(finishTimer);
      finishTimer = null;
    },
    settled: () => queue,
  };
}
