/**
 * One page open of a campaign landing counts one scan, also when the customer claims while the scan report is on
 * its way, waiting to be retried, or given up. The claim carries the page's scan report (scanId and via) and is sent
 * at once; the server (`POST /api/mp/campaigns/:key/claim`) stores the claim's scan and the report as one touch, keyed
 * by the scanId, whichever arrives first.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import type { CouponApi } from '../../../miniapp/src/coupons/api';
import { createCampaignLanding } from '../../../miniapp/src/coupons/landing';
import type { ScanVia } from '../../../miniapp/src/coupons/types';
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
 * A server storing touches by source like the BFF: a scan report stores the touch `scan:<scanId>`; a claim carrying
 * a scan stores that same touch; a claim without one stores `claim:<requestId>` when no touch was stored before it.
 * Each stored touch is one scan. A scan report is stored (and answered) only when the test releases it, or fails as
 * told; claims are answered at once.
 */
function countingServer() {
  const touches = new Map<string, ScanVia>();
  const calls: string[] = [];
  const held: Deferred[] = [];
  let scanFailures: unknown[] = [];
  let claimFailures: unknown[] = [];
  const store = (sourceId: string, via: ScanVia) => void (touches.has(sourceId) || touches.set(sourceId, via));
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
      store(`scan:${scan.scanId}`, scan.via);
      return { firstTouch: true };
    },
    async claim(_key, requestId, scan) {
      calls.push(scan ? `claim ${requestId} with scan ${scan.scanId}` : `claim ${requestId}`);
      const failure = claimFailures.shift();
      if (failure) throw failure;
      if (scan) store(`scan:${scan.scanId}`, scan.via);
      else if (touches.size === 0) store(`claim:${requestId}`, 'link');
      return coupon();
    },
  };
  return {
    api,
    calls,
    touches,
    /** Stores and answers the oldest scan report still held. */
    releaseScan: () => held.shift()!.resolve(),
    failScans: (...failures: unknown[]) => void (scanFailures = failures),
    failClaims: (...failures: unknown[]) => void (claimFailures = failures),
  };
}

function page(server: ReturnType<typeof countingServer>, via: ScanVia = 'mini_program_code') {
  let ids = 0;
  const sleeps: Deferred[] = [];
  const store = createCampaignLanding({
    api: server.api,
    entry: { key: 'POSTER2025', via },
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
  it('sends a claim tapped while the scan report is on its way at once, carrying the page’s scanId', async () => {
    const server = countingServer();
    const { store } = page(server);
    await store.load();
    const scanned = store.reportScan();
    await store.claim();
    expect(store.getState().claimed).not.toBeNull();
    expect(server.calls).toEqual(['scan id-000001', 'claim id-000002 with scan id-000001']);
    expect([...server.touches.keys()]).toEqual(['scan:id-000001']);

    server.releaseScan(); // the overtaken report arrives
    await scanned;
    expect(store.getState().scan.status).toBe('reported');
    expect([...server.touches.keys()]).toEqual(['scan:id-000001']);
  });

  it('counts one scan when the claim follows an answered scan report', async () => {
    const server = countingServer();
    const { store } = page(server, 'share');
    await store.load();
    const scanned = store.reportScan();
    await settle();
    server.releaseScan();
    await scanned;
    await store.claim();
    expect(server.calls).toEqual(['scan id-000001', 'claim id-000002 with scan id-000001']);
    expect([...server.touches]).toEqual([['scan:id-000001', 'share']]);
  });

  it('claims without waiting for a scan report waiting to be retried, and the retry counts nothing more', async () => {
    const server = countingServer();
    server.failScans(networkError());
    const { store, sleeps } = page(server);
    await store.load();
    const scanned = store.reportScan();
    await settle();
    expect(sleeps).toHaveLength(1); // waiting 2 s before the retry

    await store.claim();
    expect(server.calls).toEqual(['scan id-000001', 'claim id-000002 with scan id-000001']);
    sleeps[0]!.resolve();
    await settle();
    server.releaseScan();
    await scanned;
    expect(server.calls.at(-1)).toBe('scan id-000001');
    expect(store.getState().scan.status).toBe('reported');
    expect(server.touches.size).toBe(1);
  });

  it('counts the scan of a page open whose scan report was given up through its claim', async () => {
    const server = countingServer();
    server.failScans(new ApiError(400, 'VALIDATION_FAILED', 'Bad request'));
    const { store } = page(server, 'link');
    await store.load();
    await store.reportScan();
    expect(store.getState().scan.status).toBe('failed');
    await store.claim();
    expect([...server.touches]).toEqual([['scan:id-000001', 'link']]);
  });

  it('sends a claim whose answer was lost again with the same requestId and the same scan', async () => {
    const server = countingServer();
    server.failClaims(networkError());
    const { store } = page(server);
    await store.load();
    await store.claim();
    expect(store.getState().claim.status).toBe('failed');
    await store.claim();
    expect(server.calls).toEqual(['claim id-000002 with scan id-000001', 'claim id-000002 with scan id-000001']);
    expect(store.getState().claimed).not.toBeNull();
  });
});
