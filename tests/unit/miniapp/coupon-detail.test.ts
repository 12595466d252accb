import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import { clinicNamesFor, createCouponDetail, type PollTimers } from '../../../miniapp/src/coupons/detail';
import type { Coupon } from '../../../miniapp/src/coupons/types';
import { coupon, jingan, xuhui } from './coupon-fixtures';

/** Timers run by hand: `tick()` fires the pending one. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 0;
  const timers: PollTimers = {
    set(callback, ms) {
      pending.set(++next, { callback, ms });
      return next;
    },
    clear(handle) {
      pending.delete(handle as number);
    },
  };
  return {
    timers,
    pending: () => [...pending.values()],
    async tick() {
      const [entry] = [...pending.entries()];
      if (!entry) throw new Error('no timer pending');
      pending.delete(entry[0]);
      entry[1].callback();
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}

function fakeServer(initial: Coupon) {
  let current: Coupon = initial;
  let failure: unknown = null;
  let reads = 0;
  let clinicReads = 0;
  return {
    api: {
      async coupon() {
        reads += 1;
        if (failure) throw failure;
        return current;
      },
    },
    clinics: async () => {
      clinicReads += 1;
      return [jingan, xuhui];
    },
    set: (next: Coupon) => void (current = next),
    fail: (error: unknown) => void (failure = error),
    reads: () => reads,
    clinicReads: () => clinicReads,
  };
}

const redemption = {
  at: '2025-11-30T06:05:00Z',
  clinic: { id: jingan.id, name: jingan.name },
  staff: { id: '65a1b2c3d4e5f60718293f01', name: '刘洋' },
};

describe('coupon details', () => {
  it('loads the coupon and names the clinics where it can be used', async () => {
    const mine = coupon({ template: { ...coupon().template, clinicIds: [xuhui.id, jingan.id] } });
    const server = fakeServer(mine);
    const detail = createCouponDetail({ api: server.api, clinics: server.clinics, id: mine.id });
    await detail.load();
    expect(detail.getState()).toMatchObject({
      coupon: { status: 'ready', value: mine },
      clinicNames: ['徐汇店', '静安旗舰店'],
    });
    detail.dispose();
  });

  it('does not ask for the clinics of a coupon every clinic takes', async () => {
    const mine = coupon({ template: { ...coupon().template, clinicIds: [] } });
    const server = fakeServer(mine);
    const detail = createCouponDetail({ api: server.api, clinics: server.clinics, id: mine.id });
    await detail.load();
    expect(detail.getState().clinicNames).toEqual([]);
    expect(server.clinicReads()).toBe(0);
  });

  it('says why the coupon could not be loaded', async () => {
    const server = fakeServer(coupon());
    server.fail(new ApiError(404, 'NOT_FOUND', 'Coupon not found'));
    const detail = createCouponDetail({ api: server.api, clinics: server.clinics, id: 'x' });
    await detail.load();
    expect(detail.getState().coupon).toEqual({ status: 'error', message: 'Coupon not found' });
  });

  it('asks again while the coupon is usable and shows "redeemed" once staff redeem it', async () => {
    const mine = coupon();
    const server = fakeServer(mine);
    const clock = manualTimers();
    const detail = createCouponDetail({
      api: server.api,
      clinics: server.clinics,
      id: mine.id,
      pollIntervalMs: 3_000,
      timers: clock.timers,
    });
    await detail.load();
    detail.startPolling();
    expect(clock.pending()).toEqual([expect.objectContaining({ ms: 3_000 })]);

    await clock.tick(); // still claimed
    expect(server.reads()).toBe(2);
    expect(detail.getState().changed).toBeNull();

    server.set({ ...mine, state: 'redeemed', redemption });
    await clock.tick();
    expect(detail.getState().coupon).toMatchObject({ status: 'ready', value: { state: 'redeemed', redemption } });
    expect(detail.getState().changed).toEqual({ from: 'claimed', to: 'redeemed' });
    // Redeemed is final: no more asking.
    expect(clock.pending()).toEqual([]);
    detail.clearChanged();
    expect(detail.getState().changed).toBeNull();
  });

  it('keeps the coupon shown when one check fails, and goes on asking', async () => {
    const mine = coupon();
    const server = fakeServer(mine);
    const clock = manualTimers();
    const detail = createCouponDetail({ api: server.api, clinics: server.clinics, id: mine.id, timers: clock.timers });
    await detail.load();
    detail.startPolling();
    server.fail(new ApiError(0, 'NETWORK_ERROR', 'offline'));
    await clock.tick();
    expect(detail.getState().coupon).toEqual({ status: 'ready', value: mine });
    expect(clock.pending()).toHaveLength(1);
  });

  it('stops asking while the page is hidden, and after it is gone', async () => {
    const mine = coupon();
    const server = fakeServer(mine);
    const clock = manualTimers();
    const detail = createCouponDetail({ api: server.api, clinics: server.clinics, id: mine.id, timers: clock.timers });
    await detail.load();
    detail.startPolling();
    detail.stopPolling();
    expect(clock.pending()).toEqual([]);
    detail.startPolling();
    expect(clock.pending()).toHaveLength(1);
    detail.dispose();
    expect(clock.pending()).toEqual([]);
    await detail.load();
    expect(clock.pending()).toEqual([]);
  });

  it('does not poll a coupon that is already used', async () => {
    const used = coupon({ state: 'redeemed', redemption });
    const server = fakeServer(used);
    const clock = manualTimers();
    const detail = createCouponDetail({ api: server.api, clinics: server.clinics, id: used.id, timers: clock.timers });
    await detail.load();
    detail.startPolling();
    expect(clock.pending()).toEqual([]);
  });

  it('asks once when the page’s mount and its first show both load', async () => {
    const mine = coupon();
    const server = fakeServer(mine);
    const detail = createCouponDetail({ api: server.api, clinics: server.clinics, id: mine.id });
    await Promise.all([detail.load(), detail.load()]);
    expect(server.reads()).toBe(1);
    await detail.load();
    expect(server.reads()).toBe(2);
    detail.dispose();
  });

  it('leaves out clinics it does not know', () => {
    expect(clinicNamesFor(['unknown', jingan.id], [jingan, xuhui])).toEqual(['静安旗舰店']);
  });
});
