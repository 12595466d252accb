/**
 * One of my coupons, shown at the clinic: its QR and code, where it can be used, and — once staff have scanned
 * it — where and when it was redeemed. While a usable coupon is on screen the server is asked again every few
 * seconds, so the patient sees it turn "已核销" the moment staff redeem it.
 */
import { errorMessage } from '../lib/errors';
import { createState, type Store } from '../booking/store';
import type { CouponApi } from './api';
import type { ClinicName, Coupon, Loadable } from './types';

export interface CouponDetailState {
  coupon: Loadable<Coupon>;
  /** The names of the clinics where it can be used; null until known (or when they could not be loaded). */
  clinicNames: string[] | null;
  /** Set when the coupon changed state while shown (redeemed by staff …): the page says so once. */
  changed: { from: Coupon['state']; to: Coupon['state'] } | null;
}

export interface CouponDetail extends Store<CouponDetailState> {
  /** Loads (again) the coupon and the clinics. Never rejects. */
  load(): Promise<void>;
  /** Asks again every `pollIntervalMs` while the coupon is usable (the page is shown). */
  startPolling(): void;
  /** The page is hidden: stop asking. */
  stopPolling(): void;
  clearChanged(): void;
  dispose(): void;
}

export interface PollTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface CouponDetailOptions {
  api: Pick<CouponApi, 'coupon'>;
  /** The organisation's clinics (to name those a coupon is valid at). */
  clinics(): Promise<ClinicName[]>;
  id: string;
  /** Default 3 s. */
  pollIntervalMs?: number;
  timers?: PollTimers;
}

const defaultTimers: PollTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The names of the clinics a coupon names, in the coupon's order; an empty list means every clinic. */
export function clinicNamesFor(clinicIds: readonly string[], clinics: readonly ClinicName[]): string[] {
  const byId = new Map(clinics.map((clinic) => [clinic.id, clinic.name]));
  return clinicIds.flatMap((id) => {
    const name = byId.get(id);
    return name ? [name] : [];
  });
}

export function createCouponDetail(options: CouponDetailOptions): CouponDetail {
  const { api, clinics, id, pollIntervalMs = 3_000, timers = defaultTimers } = options;
  const state = createState<CouponDetailState>({ coupon: { status: 'idle' }, clinicNames: null, changed: null });
  let polling = false;
  let timer: unknown = null;
  let disposed = false;
  let clinicList: ClinicName[] | null = null;

  function current(): Coupon | null {
    const { coupon } = state.getState();
    return coupon.status === 'ready' ? coupon.value : null;
  }

  async function loadClinicNames(coupon: Coupon) {
    if (coupon.template.clinicIds.length === 0) {
      state.set({ clinicNames: [] });
      return;
    }
    try {
      clinicList ??= await clinics();
      state.set({ clinicNames: clinicNamesFor(coupon.template.clinicIds, clinicList) });
    } catch {
      // The coupon is what matters; the clinics line is left out.
    }
  }

  async function load() {
    const before = current();
    if (!before) state.set({ coupon: { status: 'loading' } });
    try {
      const coupon = await api.coupon(id);
      if (disposed) return;
      const changed = before && before.state !== coupon.state ? { from: before.state, to: coupon.state } : null;
      state.set({ coupon: { status: 'ready', value: coupon }, ...(changed ? { changed } : {}) });
      if (state.getState().clinicNames === null) await loadClinicNames(coupon);
    } catch (error) {
      // While polling, a failed check keeps what is shown; the next one will tell.
      if (!before && !disposed) state.set({ coupon: { status: 'error', message: errorMessage(error) } });
    }
  }

  /** One request at a time: the page's first show and its mount may both ask. */
  let inflight: Promise<void> | null = null;
  function loadOnce(): Promise<void> {
    inflight ??= load().finally(() => {
      inflight = null;
    });
    return inflight;
  }

  function schedule() {
    if (!polling || disposed || timer !== null) return;
    if (current()?.state !== 'claimed') return;
    timer = timers.set(() => {
      timer = null;
      if (!polling || disposed) return;
      void loadOnce().then(schedule);
    }, pollIntervalMs);
  }

  function stop() {
    polling = false;
    if (timer !== null) timers.clear(timer);
    timer = null;
  }

  return {
    getState: state.getState,
    subscribe: state.subscribe,
    load: async () => {
      await loadOnce();
      schedule();
    },
    startPolling() {
      polling = true;
      schedule();
    },
    stopPolling: stop,
    clearChanged() {
      state.set({ changed: null });
    },
    dispose() {
      disposed = true;
      stop();
    },
  };
}
