/**
 * The campaign landing page as plain TypeScript: load what the campaign offers this customer, report the scan once
 * per page open, and claim its coupon. The page draws `getState()` and calls the actions.
 *
 * - The scan report carries one scanId for this page open; a report that got no answer is sent again with the
 *   same scanId (the server counts it once).
 * - A claim carries the page's scan report (its scanId and via) and is sent at once: the server stores the claim's
 *   scan and the report as one touch, whichever arrives first, so one page open counts one scan even when the claim
 *   overtakes a report still on its way, waiting to be retried, or given up.
 * - A claim carries a requestId; when its outcome is unknown (no answer, a server failure) the next tap sends the
 *   same requestId, so the customer gets the coupon that may already have been issued rather than a second one.
 *   After a definite answer (a coupon, or a refusal) the next claim gets a new requestId.
 */
import { ApiError } from '@careloop/shared/client';
import { defaultSleep } from '../booking/poll';
import { createState, type Store } from '../booking/store';
import { NETWORK_ERROR, errorMessage } from '../lib/errors';
import { newClientEventId } from '../lib/eventQueue';
import type { CouponApi } from './api';
import { claimBlock, claimProblem, type ClaimProblem } from './errors';
import type { CampaignEntry } from './scene';
import type { CampaignLanding, Coupon, Loadable } from './types';

export type ClaimStep = { status: 'idle' } | { status: 'claiming' } | { status: 'failed'; problem: ClaimProblem };

export type ScanStatus = 'idle' | 'reporting' | 'reported' | 'failed';

export interface LandingState {
  landing: Loadable<CampaignLanding>;
  scan: { status: ScanStatus; firstTouch: boolean | null };
  claim: ClaimStep;
  /** The coupon claimed on this page (the latest, when the limit allows several). */
  claimed: Coupon | null;
}

export interface CampaignLandingStore extends Store<LandingState> {
  /** Loads (again) what the campaign offers. Never rejects. */
  load(): Promise<void>;
  /** Reports the scan, once per store (page open); retried with the same scanId when no answer came. Never rejects. */
  reportScan(): Promise<void>;
  /** Claims the coupon, carrying this page open's scan. Never rejects: a problem becomes `claim.problem`. */
  claim(): Promise<void>;
  /** Stops retrying (the page went away). */
  dispose(): void;
}

export interface CampaignLandingOptions {
  api: Pick<CouponApi, 'landing' | 'reportScan' | 'claim'>;
  entry: CampaignEntry;
  /** A new scanId / requestId. Default: time and random characters. */
  newId?: () => string;
  /** Attempts of the scan report after the first when no answer came (default 3), first wait (default 2 s). */
  scanRetries?: number;
  scanRetryMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const NOT_FOUND_MESSAGE = '活动不存在，请确认二维码是否正确';

/** True when a report or claim may not have reached the server: sending it again is right. */
function noAnswer(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.code === NETWORK_ERROR || error.status === 0 || error.status === 408 || error.status >= 500;
}

export function createCampaignLanding(options: CampaignLandingOptions): CampaignLandingStore {
  const { api, entry, scanRetries = 3, scanRetryMs = 2_000, sleep = defaultSleep } = options;
  const newId = options.newId ?? (() => newClientEventId());
  const state = createState<LandingState>({
    landing: { status: 'idle' },
    scan: { status: 'idle', firstTouch: null },
    claim: { status: 'idle' },
    claimed: null,
  });
  const scanId = newId();
  /** The requestId of a claim whose outcome is unknown, sent again by the next claim. */
  let pendingRequestId: string | null = null;
  let loadRequest = 0;
  let disposed = false;

  async function load() {
    const mine = ++loadRequest;
    if (state.getState().landing.status !== 'ready') state.set({ landing: { status: 'loading' } });
    try {
      const landing = await api.landing(entry.key);
      if (mine === loadRequest) state.set({ landing: { status: 'ready', value: landing } });
    } catch (error) {
      if (mine !== loadRequest) return;
      const message = error instanceof ApiError && error.code === 'NOT_FOUND' ? NOT_FOUND_MESSAGE : errorMessage(error);
      // A refresh that failed keeps what is shown; a first load that failed says why.
      if (state.getState().landing.status !== 'ready') state.set({ landing: { status: 'error', message } });
    }
  }

  async function reportScan() {
    if (state.getState().scan.status !== 'idle') return;
    state.set({ scan: { status: 'reporting', firstTouch: null } });
    for (let attempt = 0; ; attempt++) {
      try {
        const { firstTouch } = await api.reportScan(entry.key, { scanId, via: entry.via });
        state.set({ scan: { status: 'reported', firstTouch } });
        return;
      } catch (error) {
        if (disposed || !noAnswer(error) || attempt >= scanRetries) {
          state.set({ scan: { status: 'failed', firstTouch: null } });
          return;
        }
        await sleep(scanRetryMs * 2 ** attempt);
        if (disposed) {
          state.set({ scan: { status: 'failed', firstTouch: null } });
          return;
        }
      }
    }
  }

  async function claim() {
    const { landing, claim: step } = state.getState();
    if (step.status === 'claiming' || landing.status !== 'ready') return;
    const offer = landing.value.coupon;
    // A claim whose outcome is unknown may be sent again even when the page now says no (its coupon may be the
    // one that reached the limit, or took the last of the stock): the server answers that coupon.
    if (!offer || (!offer.claim.possible && pendingRequestId === null)) return;
    pendingRequestId ??= newId();
    state.set({ claim: { status: 'claiming' } });
    try {
      const coupon = await api.claim(entry.key, pendingRequestId, { scanId, via: entry.via });
      pendingRequestId = null;
      state.set({ claim: { status: 'idle' }, claimed: coupon });
    } catch (error) {
      const problem = claimProblem(error);
      if (!problem.unknownOutcome) pendingRequestId = null;
      state.set({ claim: { status: 'failed', problem } });
    }
    // Stock left, coupons held and whether another can be claimed have changed (or were not what we showed).
    await load();
  }

  return {
    getState: state.getState,
    subscribe: state.subscribe,
    load,
    reportScan,
    claim,
    dispose() {
      disposed = true;
    },
  };
}

/** What the claim button and the lines under it show. */
export interface ClaimAction {
  label: string;
  enabled: boolean;
  loading: boolean;
  /** Why the coupon cannot be claimed, shown before any tap. */
  blocked: string | null;
  /** What went wrong with the last tap. */
  error: string | null;
}

/** The claim button of a loaded landing page with a coupon; null when there is no coupon to claim. */
export function claimAction(state: LandingState): ClaimAction | null {
  const { landing, claim } = state;
  const offer = landing.status === 'ready' ? landing.value.coupon : null;
  if (!offer) return null;
  if (claim.status === 'claiming') {
    return { label: '正在领取…', enabled: false, loading: true, blocked: null, error: null };
  }
  const problem = claim.status === 'failed' ? claim.problem : null;
  if (problem?.unknownOutcome) {
    return { label: '重新领取', enabled: true, loading: false, blocked: null, error: problem.message };
  }
  const block = claimBlock(offer.claim);
  if (block) {
    const error = problem?.message ?? null;
    return {
      label: block.label,
      enabled: false,
      loading: false,
      blocked: error === block.message ? null : block.message,
      error,
    };
  }
  return {
    label: offer.held > 0 ? '再领一张' : '立即领取',
    enabled: true,
    loading: false,
    blocked: null,
    error: problem?.message ?? null,
  };
}
