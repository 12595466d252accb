/**
 * Paying one payment order from the mini-program, whatever it pays for (an appointment's deposit, a meeting's fee):
 * the server signs the requestPayment parameters (`POST /api/mp/payments/:id/jsapi`), the platform shows WeChat
 * Pay's sheet, and then the server is asked until it knows: WeChat Pay's notification — not what the sheet said —
 * decides. What was paid for (the subject) is confirmed once the notification has been applied, so the caller's
 * `read` looks at the payment order and the subject together.
 *
 * Until the hold expires the customer can try again after cancelling the sheet or a failure.
 */
import { ApiError } from '@careloop/shared/client';
import type { PaymentStatus, PaymentView, RequestPaymentParams } from '@careloop/shared';
import { defaultSleep, pollUntil } from '../booking/poll';
import { createState, type Store } from '../booking/store';
import { errorMessage } from '../lib/errors';
import { runPaymentSheet } from '../platform/payment';
import type { PaymentSheetOrder, Platform } from '../platform/types';

export type PaymentFlowStatus =
  /** Waiting for the customer to pay. */
  | 'ready'
  /** Getting the parameters, or WeChat Pay's sheet is open. */
  | 'paying'
  /** The sheet is closed; asking the server whether the payment arrived. */
  | 'confirming'
  /** The customer closed the sheet without paying; they can try again. */
  | 'cancelled'
  /** Paying did not work; they can try again. */
  | 'failed'
  /** The sheet said paid but the server has not heard from WeChat Pay yet: ask again later. */
  | 'pending'
  /** Paid and confirmed. */
  | 'paid'
  /** The hold ran out before it was paid: what it held is released. */
  | 'expired'
  /** The payment arrived after the hold ran out: it is refunded automatically. */
  | 'refunded';

export interface PaymentFlowState<T> {
  status: PaymentFlowStatus;
  /** What is being paid for, as the server last showed it. */
  subject: T;
  /** What to tell the customer about the last attempt, if anything. */
  message: string | null;
}

/** What the server says, read from the payment order and the subject together. */
export type PaymentCheck<T> =
  | { kind: 'confirmed'; subject: T }
  /** Paid, and the subject is waiting for the payment to be applied. */
  | { kind: 'processing'; subject: T }
  /** Paid for something no longer held (expired, cancelled): refunded automatically. */
  | { kind: 'refunded'; subject: T }
  | { kind: 'unpaid'; subject: T }
  | { kind: 'expired'; subject: T };

/** The order statuses that mean money arrived (perhaps given back since). */
export const PAID_STATUSES: readonly PaymentStatus[] = ['paid', 'refunding', 'refunded', 'partially_refunded'];

export interface PaymentMessages {
  refunded: string;
  expired: string;
  /** The order can no longer be paid and the server did not say why. */
  notPayable: string;
}

const COMMON_MESSAGES = {
  pending: '正在等待微信支付确认，请稍后刷新查看结果',
  cancelled: '你已取消支付',
  noOpenid: '请在微信小程序中登录后支付',
};

export interface PaymentFlow<T> extends Store<PaymentFlowState<T>> {
  /** Opens WeChat Pay (again). Never rejects. */
  pay(): Promise<void>;
  /** Asks the server again (after `pending`, or when the page is shown again). Never rejects. */
  refresh(): Promise<void>;
  /** The countdown reached zero. */
  holdRanOut(): void;
  /** Stops polling (the page went away). */
  dispose(): void;
}

/** What a pay panel needs of a flow, whatever its subject. */
export type PaymentControls = Store<{ status: PaymentFlowStatus; message: string | null }> &
  Pick<PaymentFlow<unknown>, 'pay' | 'refresh' | 'holdRanOut'>;

export interface PaymentFlowOptions<T> {
  api: {
    jsapiParams(paymentId: string): Promise<RequestPaymentParams>;
    payment(paymentId: string): Promise<PaymentView>;
  };
  requestPayment: Platform['requestPayment'];
  /** The order to pay; null when there is none (nothing can be paid). */
  paymentId: string | null;
  subject: T;
  /** Already paid when the flow starts (nothing to pay). */
  paid: boolean;
  /** Reads the payment order and the subject from the server, together. */
  read(paymentId: string): Promise<PaymentCheck<T>>;
  /** What the sheet shows when the order itself could not be read. */
  sheetOrder(subject: T): PaymentSheetOrder;
  messages: PaymentMessages;
  /** Between two checks after paying (default 1 s), and how long to keep checking (default 20 s). */
  pollIntervalMs?: number;
  pollTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export function createPaymentFlow<T>(options: PaymentFlowOptions<T>): PaymentFlow<T> {
  const { api, requestPayment, paymentId, read, messages } = options;
  const { pollIntervalMs = 1_000, pollTimeoutMs = 20_000, sleep = defaultSleep } = options;
  const now = options.now ?? Date.now;
  const noPayment = '没有待支付的订单';
  const state = createState<PaymentFlowState<T>>({
    status: options.paid ? 'paid' : 'ready',
    subject: options.subject,
    message: null,
  });
  let disposed = false;
  let busy = false;

  function finalStatus(): boolean {
    const { status } = state.getState();
    return status === 'paid' || status === 'expired' || status === 'refunded';
  }

  async function check(): Promise<PaymentCheck<T>> {
    if (!paymentId) throw new ApiError(409, 'NO_PAYMENT', noPayment);
    return read(paymentId);
  }

  /** Shows a final answer; answers false for one that is not final (unpaid, processing). */
  function apply(result: PaymentCheck<T>): boolean {
    if (disposed) return true;
    switch (result.kind) {
      case 'confirmed':
        state.set({ status: 'paid', subject: result.subject, message: null });
        return true;
      case 'refunded':
        state.set({ status: 'refunded', subject: result.subject, message: messages.refunded });
        return true;
      case 'expired':
        state.set({ status: 'expired', subject: result.subject, message: messages.expired });
        return true;
      default:
        state.set({ subject: result.subject });
        return false;
    }
  }

  /** After the sheet said paid (or the server already knows): ask until the answer is final or time runs out. */
  async function confirm(): Promise<void> {
    state.set({ status: 'confirming', message: null });
    const result = await pollUntil(check, (value) => value.kind !== 'unpaid' && value.kind !== 'processing', {
      intervalMs: pollIntervalMs,
      timeoutMs: pollTimeoutMs,
      sleep,
      now,
      cancelled: () => disposed,
    });
    if (result.status === 'done') apply(result.value);
    else if (result.status === 'timeout' && !disposed) {
      if (result.last) apply(result.last);
      state.set({ status: 'pending', message: COMMON_MESSAGES.pending });
    }
  }

  /** After the sheet said cancelled or failed: one look at the server, which may know better. */
  async function settleWithoutPayment(status: 'cancelled' | 'failed', message: string) {
    let result: PaymentCheck<T> | null = null;
    try {
      result = await check();
    } catch {
      // Could not ask: go with what the sheet said.
    }
    if (disposed) return;
    if (result?.kind === 'processing') return confirm();
    if (result && apply(result)) return;
    state.set({ status, message });
  }

  async function pay() {
    if (busy || finalStatus() || disposed) return;
    if (!paymentId) {
      state.set({ status: 'failed', message: noPayment });
      return;
    }
    busy = true;
    state.set({ status: 'paying', message: null });
    try {
      let params;
      try {
        params = await api.jsapiParams(paymentId);
      } catch (error) {
        const code = error instanceof ApiError ? error.code : '';
        if (code === 'PAYMENT_EXPIRED') {
          await settleWithoutPayment('failed', messages.expired);
          if (state.getState().status === 'failed') state.set({ status: 'expired', message: messages.expired });
        } else if (code === 'PAYMENT_NOT_PAYABLE') {
          await settleWithoutPayment('failed', messages.notPayable);
        } else if (code === 'PAYMENT_NO_OPENID') {
          state.set({ status: 'failed', message: COMMON_MESSAGES.noOpenid });
        } else {
          state.set({ status: 'failed', message: `暂时无法发起支付：${errorMessage(error)}` });
        }
        return;
      }
      // What the sheet shows is the order's own amount and description (the server's; WeChat shows its own).
      const order = await api.payment(paymentId).catch(() => null);
      const fallback = options.sheetOrder(state.getState().subject);
      const outcome = await runPaymentSheet(() =>
        requestPayment(params, {
          amountFen: order?.amountFen ?? fallback.amountFen,
          description: order?.description ?? fallback.description,
        }),
      );
      if (disposed) return;
      if (outcome.kind === 'paid') await confirm();
      else if (outcome.kind === 'cancelled') await settleWithoutPayment('cancelled', COMMON_MESSAGES.cancelled);
      else await settleWithoutPayment('failed', outcome.message);
    } finally {
      busy = false;
    }
  }

  return {
    getState: state.getState,
    subscribe: state.subscribe,
    pay,
    async refresh() {
      if (busy || finalStatus() || disposed) return;
      busy = true;
      try {
        const result = await check();
        if (result.kind === 'processing') await confirm();
        else apply(result);
      } catch (error) {
        if (!disposed) state.set({ message: `刷新失败：${errorMessage(error)}` });
      } finally {
        busy = false;
      }
    },
    holdRanOut() {
      const { status } = state.getState();
      // While a payment is being confirmed, its answer decides; otherwise nothing can be paid any more.
      if (status === 'ready' || status === 'cancelled' || status === 'failed') {
        state.set({ status: 'expired', message: messages.expired });
      }
    },
    dispose() {
      disposed = true;
    },
  };
}

/** Whether the customer can still (try to) pay: the pay button shows, and the countdown runs. */
export function awaitingPayment(status: PaymentFlowStatus): boolean {
  return status === 'ready' || status === 'cancelled' || status === 'failed' || status === 'paying';
}

/** The pay button's words: "支付定金 ¥100.00", "重新支付 ¥100.00" after a miss, progress while paying. */
export function payButtonLabel(status: PaymentFlowStatus, action: string, amount: string): string {
  if (status === 'paying') return '正在支付…';
  if (status === 'confirming') return '正在确认支付结果…';
  if (status === 'cancelled' || status === 'failed') return `重新支付 ${amount}`;
  return `${action} ${amount}`;
}

/** A store seen through a function of its state (the same object while the state is the same, as React needs). */
export function mapStore<S, R>(store: Store<S>, map: (state: S) => R): Store<R> {
  let seen: S | undefined;
  let mapped: R | undefined;
  return {
    getState() {
      const current = store.getState();
      if (current !== seen || mapped === undefined) {
        seen = current;
        mapped = map(current);
      }
      return mapped;
    },
    subscribe: store.subscribe,
  };
}
