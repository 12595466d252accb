/**
 * Fakes for the mini-program's payment flow (payments/flow.ts), which booking deposits and meeting fees share: the
 * server's answers step by step, WeChat Pay's sheet, and a clock that moves only while the flow waits.
 */
import { expect } from 'vitest';
import type { PaymentView } from '../../../miniapp/src/booking/types';
import type { Platform } from '../../../miniapp/src/platform/types';

/** The requestPayment parameters the fake server gives for any order. */
export const JSAPI_PARAMS = {
  timeStamp: '1764122400',
  nonceStr: 'n',
  package: 'prepay_id=wx1',
  signType: 'RSA' as const,
  paySign: 's',
};

/**
 * The server as a payment sees it, step by step: `states[n]` is what it answers at the nth check of the thing paid
 * for (the last state repeats). GET /payments/:id answers `payment(state)`; `check(read)` makes the check of the thing
 * paid for (GET /appointments/:id, GET /meetings/:id), which answers `read(state)` and moves on to the next state.
 * jsapiParams answers JSAPI_PARAMS (for `paymentId` only, when given), or throws what `failJsapi` was given.
 */
export function steppedPaymentServer<State>(
  states: State[],
  payment: (state: State) => PaymentView,
  paymentId?: string,
) {
  let step = 0;
  const calls = { jsapi: 0, checks: 0 };
  let jsapiError: unknown = null;
  const current = () => states[Math.min(step, states.length - 1)]!;
  return {
    calls,
    failJsapi(error: unknown) {
      jsapiError = error;
    },
    async jsapiParams(id: string) {
      if (paymentId) expect(id).toBe(paymentId);
      calls.jsapi += 1;
      if (jsapiError) throw jsapiError;
      return JSAPI_PARAMS;
    },
    async payment() {
      return payment(current());
    },
    check<T>(read: (state: State) => T) {
      return async () => {
        const answer = read(current());
        calls.checks += 1;
        step += 1;
        return answer;
      };
    },
  };
}

/**
 * WeChat Pay's sheet: each wx.requestPayment takes the next of `answers` ('ok', 'cancel' or a failure's reason; 'ok'
 * once they run out); `opened` records what each was asked.
 */
export function paymentSheet(...answers: string[]) {
  const opened: Array<Parameters<Platform['requestPayment']>> = [];
  const requestPayment: Platform['requestPayment'] = async (params, order) => {
    opened.push([params, order]);
    const answer = answers.shift() ?? 'ok';
    if (answer === 'ok') return { errMsg: 'requestPayment:ok' };
    throw { errMsg: answer === 'cancel' ? 'requestPayment:fail cancel' : `requestPayment:fail ${answer}` };
  };
  return { requestPayment, opened };
}

/**
 * The flow's timing: a check every second for five seconds after paying, on a clock that starts at `start` and moves
 * only while the flow sleeps.
 */
export function pollingOnSleepClock(start: number) {
  let now = start;
  return {
    pollIntervalMs: 1_000,
    pollTimeoutMs: 5_000,
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}
