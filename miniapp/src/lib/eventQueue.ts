import type { ClientEvent, ClientEventType, IngestEventsResponse } from '@careloop/shared';
import { ApiError } from '@careloop/shared/client';
import type { KeyValueStorage } from '../services/storage';

/**
 * Behaviour events (page views …) on their way to `POST /api/mp/events`. Plain TypeScript with its dependencies
 * passed in, so it runs under unit tests without Taro.
 *
 * - Each event gets a client id when it is recorded; a resend carries the same id and the server stores it once,
 *   so anything that may not have arrived is simply sent again.
 * - Events are batched: sent a few seconds after the first one, at once when `flushAtSize` are waiting, and
 *   whenever `flush()` is called (the app going to the background).
 * - Network errors, 5xx, 408, 429 and a session that could not be renewed keep the queue and retry with
 *   exponential backoff; another 4xx for the whole batch drops it (resending it would never succeed); events the
 *   server rejected one by one are dropped and logged.
 * - The queue lives in storage, so a restart does not lose it, and is bounded (the oldest go first).
 * - Nothing here throws into, or waits in, the UI: `track` returns at once and `flush` never rejects.
 */

export const EVENT_QUEUE_STORAGE_KEY = 'careloop.events';

/** The server rejects events older than seven days (`EVENT_MAX_AGE_MS` in shared/src/events.ts); a margin for clock skew. */
export const EVENT_MAX_AGE_MS = 7 * 24 * 60 * 60_000 - 10 * 60_000;
/** The server's batch limit (`EVENT_BATCH_MAX`). */
export const EVENT_BATCH_LIMIT = 100;
/** The client id format the server accepts (`ClientEventId`). */
export const CLIENT_EVENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

type PropertiesOf<T extends ClientEventType> = Extract<ClientEvent, { type: T }>['properties'];

export interface EventQueueTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface EventQueueOptions {
  /** Sends one batch; resolves with the server's answer, rejects (ApiError) when the batch was not taken. */
  send(events: readonly ClientEvent[]): Promise<IngestEventsResponse>;
  storage: KeyValueStorage;
  storageKey?: string;
  /** False while events must stay on the device (not signed in, privacy policy not accepted). Default: always. */
  canSend?: () => boolean;
  /** How long after an event the batch goes out. Default 5 s. */
  flushIntervalMs?: number;
  /** Send at once when this many are waiting. Default 20. */
  flushAtSize?: number;
  /** Events per request (at most the server's 100). Default 50. */
  maxBatchSize?: number;
  /** Events kept at most; beyond, the oldest are dropped. Default 500. */
  maxQueueSize?: number;
  /** First retry delay; doubles per failure up to `retryMaxMs`, with jitter. Defaults 2 s and 5 min. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  now?: () => number;
  /** A number in [0, 1) (ids and jitter). Default Math.random. */
  random?: () => number;
  timers?: EventQueueTimers;
  /** Where dropped events and failures are reported. Default console.warn. */
  log?: (message: string, details?: unknown) => void;
}

export interface EventQueue {
  /** Records an event; returns its id, or null when it could not be recorded. Never throws. */
  track<T extends ClientEventType>(type: T, properties: PropertiesOf<T>): string | null;
  /** Sends what is waiting now (ignoring a pending backoff). Never rejects. */
  flush(): Promise<void>;
  /** The events waiting, oldest first. */
  pending(): readonly ClientEvent[];
  /** The failures in a row since the last batch that went through. */
  failures(): number;
  /** Forgets every waiting event (e.g. after the customer's data was erased). */
  clear(): void;
  /** Stops the timers. */
  dispose(): void;
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A client event id: the time in base 36 and 14 random characters (22 in all), within `CLIENT_EVENT_ID`. */
export function newClientEventId(now: number = Date.now(), random: () => number = Math.random): string {
  let id = Math.max(0, Math.floor(now)).toString(36);
  for (let i = 0; i < 14; i++) id += ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length) % ID_ALPHABET.length];
  return id;
}

/** The delay before retry number `failures` (1, 2 …): base·2^(failures−1), capped, times a jitter in [0.5, 1). */
export function retryDelay(failures: number, baseMs: number, maxMs: number, random: () => number = Math.random) {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential * (0.5 + random() * 0.5));
}

/** Whether a failed send may succeed later (keep the events) or never will (drop them). */
export function isRetryableSendError(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true; // not an answer from the server: try again
  const { status } = error;
  return status === 0 || status >= 500 || status === 401 || status === 408 || status === 429;
}

function isStoredEvent(value: unknown): value is ClientEvent {
  if (typeof value !== 'object' || value === null) return false;
  const { id, type, occurredAt, properties } = value as Record<string, unknown>;
  return (
    typeof id === 'string' &&
    CLIENT_EVENT_ID.test(id) &&
    typeof type === 'string' &&
    typeof occurredAt === 'string' &&
    !Number.isNaN(Date.parse(occurredAt)) &&
    typeof properties === 'object' &&
    properties !== null &&
    !Array.isArray(properties)
  );
}

function isIngestResponse(value: unknown): value is IngestEventsResponse {
  if (typeof value !== 'object' || value === null) return false;
  const { accepted, duplicates, rejected } = value as Record<string, unknown>;
  return typeof accepted === 'number' && typeof duplicates === 'number' && Array.isArray(rejected);
}

const defaultTimers: EventQueueTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function createEventQueue(options: EventQueueOptions): EventQueue {
  const {
    send,
    storage,
    storageKey = EVENT_QUEUE_STORAGE_KEY,
    canSend = () => true,
    flushIntervalMs = 5_000,
    flushAtSize = 20,
    maxQueueSize = 500,
    retryBaseMs = 2_000,
    retryMaxMs = 5 * 60_000,
    now = Date.now,
    random = Math.random,
    timers = defaultTimers,
    log = (message: string, details?: unknown) => console.warn(`[events] ${message}`, details ?? ''),
  } = options;
  const maxBatchSize = Math.max(1, Math.min(options.maxBatchSize ?? 50, EVENT_BATCH_LIMIT));

  let queue: ClientEvent[] = load();
  let failures = 0;
  let timer: unknown = null;
  let flushing: Promise<void> | null = null;
  let disposed = false;

  function load(): ClientEvent[] {
    try {
      const stored = storage.get(storageKey);
      if (!Array.isArray(stored)) return [];
      const events = stored.filter(isStoredEvent);
      if (events.length < stored.length) log(`dropped ${stored.length - events.length} unreadable stored event(s)`);
      return events.slice(-maxQueueSize);
    } catch (error) {
      log('could not read the stored events', error);
      return [];
    }
  }

  function save() {
    try {
      if (queue.length > 0) storage.set(storageKey, queue);
      else storage.remove(storageKey);
    } catch (error) {
      log('could not store the waiting events', error); // they stay in memory
    }
  }

  function safeCanSend(): boolean {
    try {
      return canSend();
    } catch {
      return false;
    }
  }

  function clearTimer() {
    if (timer !== null) timers.clear(timer);
    timer = null;
  }

  function schedule(ms: number) {
    if (disposed || timer !== null) return;
    timer = timers.set(() => {
      timer = null;
      void flush();
    }, ms);
  }

  /** After a change: send now, later, or not at all. */
  function plan() {
    if (disposed || flushing || queue.length === 0 || !safeCanSend()) return;
    if (failures > 0) return schedule(retryDelay(failures, retryBaseMs, retryMaxMs, random));
    if (queue.length >= flushAtSize) {
      clearTimer(); // a full batch goes out on the next tick, not inside the caller's `track`
      return schedule(0);
    }
    schedule(flushIntervalMs);
  }

  function dropExpired() {
    const oldest = now() - EVENT_MAX_AGE_MS;
    const kept = queue.filter((event) => Date.parse(event.occurredAt) >= oldest);
    if (kept.length < queue.length) {
      log(`dropped ${queue.length - kept.length} event(s) too old for the server`);
      queue = kept;
      save();
    }
  }

  function remove(ids: ReadonlySet<string>) {
    queue = queue.filter((event) => !ids.has(event.id));
    save();
  }

  async function run(): Promise<void> {
    clearTimer();
    dropExpired();
    while (!disposed && queue.length > 0 && safeCanSend()) {
      const batch = queue.slice(0, maxBatchSize);
      const ids = new Set(batch.map((event) => event.id));
      let response: unknown;
      try {
        response = await send(batch);
      } catch (error) {
        if (isRetryableSendError(error)) {
          failures += 1;
          log(`sending ${batch.length} event(s) failed (attempt ${failures}); will retry`, describe(error));
          return;
        }
        log(`the server refused a batch of ${batch.length} event(s); dropping it`, describe(error));
        remove(ids);
        failures = 0;
        continue;
      }
      if (!isIngestResponse(response)) {
        failures += 1;
        log('the server answered the batch with something unexpected; will retry', response);
        return;
      }
      for (const rejection of response.rejected) {
        log(`the server rejected event ${rejection.id ?? `#${rejection.index}`}: ${rejection.code}`, rejection.message);
      }
      remove(ids); // accepted, duplicates (already stored) and rejected: none of them is sent again
      failures = 0;
    }
  }

  function flush(): Promise<void> {
    if (disposed) return Promise.resolve();
    flushing ??= run()
      .catch((error: unknown) => {
        failures += 1;
        log('sending events failed unexpectedly', error);
      })
      .finally(() => {
        flushing = null;
        plan();
      });
    return flushing;
  }

  return {
    track(type, properties) {
      try {
        const at = now();
        const event = { id: newClientEventId(at, random), type, occurredAt: new Date(at).toISOString(), properties };
        queue.push(event as ClientEvent);
        if (queue.length > maxQueueSize) {
          const dropped = queue.length - maxQueueSize;
          queue = queue.slice(dropped);
          log(`the queue is full; dropped the ${dropped} oldest event(s)`);
        }
        save();
        plan();
        return event.id;
      } catch (error) {
        log('could not record an event', error);
        return null;
      }
    },
    flush,
    pending: () => queue,
    failures: () => failures,
    clear() {
      queue = [];
      failures = 0;
      clearTimer();
      save();
    },
    dispose() {
      disposed = true;
      clearTimer();
    },
  };
}

function describe(error: unknown) {
  if (error instanceof ApiError) return { status: error.status, code: error.code, message: error.message };
  return error;
}
