/**
 * One page open of a campaign landing counts one scan, also when the customer claims while the scan report is on
 * its way or waiting to be retried. The server counts a claim of a customer with no touch of the campaign as the
 * scan (`POST /api/mp/campaigns/:key/claim`), so a claim that overtakes the scan report counts the page open twice.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import type { CouponApi } from '../../../miniapp/src/coupons/api';
import { createCampaignLanding } from '../../../miniapp/src/coupons/landing';
import { coupon, landing } from './coupon-fixtures';

const networkError = () => new ApiError(0, 'NETWORK_ERROR', 'Network request failed');

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * A server counting scans like the BFF: a scan report counts once per scanId when it is stored; a claim counts as
 * the scan when no touch was stored before it arrived. Each scan report is stored (and answered) only when the
 * test releases it, or fails as told.
 */
function countingServer() {
  const scanIds = new Set<string>();
  let touched = false;
  let claimStandIns = 0;
  const calls: string[] = [];
  const held: Deferred[] = [];
  let scanFailures: unknown[] = [];
  const api: Pick<CouponApi, 'landing' | 'reportScan' | 'claim'> = {
    async landing() {
      return landing();
    },
    async reportScan(_key, scan) {
      calls.push(`scan ${scan.scanId}`);
      const failure = scanFailures.shift();
      if (failure) throw failure;
      const gate = deferred();
      held.push(gate);
      await gate.promise;
      scanIds.add(scan.scanId);
      touched = true;
      return { firstTouch: true };
    },
    async claim(_key, requestId) {
      calls.push(`claim ${requestId}`);
      if (!touched) {
        claimStandIns += 1;
        touched = true;
      }
      return coupon();
    },
  };
  return {
    api,
    calls,
    scansCounted: () => scanIds.size + claimStandIns,
    /** Stores and answers the oldest scan report still held. */
    releaseScan: () => held.shift()!.resolve(),
    failScans: (...failures: unknown[]) => void (scanFailures = failures),
  };
}

function page(server: ReturnType<typeof countingServer>) {
  let ids = 0;
  const sleeps: Deferred[] = [];
  const store = createCampaignLanding({
    api: server.api,
    entry: { key: 'POSTER2025', via: 'mini_program_code' },
    newId: () => `id-${String(++ids).padStart(6, '0')}`,
    // Waits before a retry end only when the test says so.
    sleep: () => {
      const wait = deferred();
      sleeps.push(wait);
      return wait.promise;
    },
  });
  return { store, sleeps };
}

describe('campaign landing: one page open counts one scan', () => {
  it('sends a claim tapped while the scan report is on its way only after the report is answered', async () => {
    const server = countingServer();
    const { store } = page(server);
    await store.load();
    const scanned = store.reportScan();
    const claimed = store.claim();
    await settle();
    expect(store.getState().claim).toEqual({ status: 'claiming' });
    expect(server.calls).toEqual(['scan id-000001']);

    server.releaseScan();
    await Promise.all([scanned, claimed]);
    expect(server.calls).toEqual(['scan id-000001', 'claim id-000002']);
    expect(store.getState().claimed).not.toBeNull();
    expect(server.scansCounted()).toBe(1);
  });

  it('retries a scan report waiting after a lost answer at once when the customer claims, then claims', async () => {
    const server = countingServer();
    server.failScans(networkError());
    const { store, sleeps } = page(server);
    await store.load();
    const scanned = store.reportScan();
    await settle();
    expect(sleeps).toHaveLength(1); // waiting 2 s before the retry

    const claimed = store.claim();
    await settle();
    expect(server.calls).toEqual(['scan id-000001', 'scan id-000001']);
    server.releaseScan();
    await Promise.all([scanned, claimed]);
    expect(server.calls).toEqual(['scan id-000001', 'scan id-000001', 'claim id-000002']);
    expect(store.getState().scan.status).toBe('reported');
    expect(server.scansCounted()).toBe(1);
  });

  it('claims after a scan report that was given up, which the server then counts as the scan', async () => {
    const server = countingServer();
    server.failScans(networkError(), networkError(), networkError(), networkError());
    const { store, sleeps } = page(server);
    await store.load();
    const scanned = store.reportScan();
    await settle();
    const claimed = store.claim();
    await Promise.all([scanned, claimed]);
    expect(sleeps).toHaveLength(1); // the claim ended the first wait; the later retries did not wait
    expect(store.getState().scan.status).toBe('failed');
    expect(server.calls.at(-1)).toBe('claim id-000002');
    expect(server.calls.filter((call) => call.startsWith('scan'))).toHaveLength(4);
    expect(server.scansCounted()).toBe(1);
  });
});
