/**
 * Paying a held appointment's deposit: the server signs the requestPayment parameters (`POST …/jsapi`), the
 * platform shows WeChat Pay's sheet, and then the server is asked until it knows: WeChat Pay's notification — not
 * what the sheet said — decides. The appointment is confirmed once the notification has been applied, so the
 * appointment is polled together with the payment order.
 *
 * Until the hold expires the customer can try again after cancelling the sheet or a failure.
 */
import { ApiError } from '@careloop/shared/client';
import { errorMessage } from '../lib/errors';
import { runPaymentSheet } from '../platform/payment';
import type { Platform } from '../platform/types';
import type { BookingApi } from './api';
import { formatFen } from './format';
import { pollUntil, defaultSleep } from './poll';
import { createState, type Store } from './store';
import type { Appointment, PaymentStatus, PaymentView } from './types';

export type DepositStatus =
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
  /** The hold ran out before the deposit was paid: the slot is released. */
  | 'expired'
  /** The payment arrived after the hold ran out: it is refunded automatically. */
  | 'refunded';

export interface DepositState {
  status: DepositStatus;
  appointment: Appointment;
  /** What to tell the customer about the last attempt, if anything. */
  message: string | null;
}

export interface DepositPayment extends Store<DepositState> {
  /** Opens WeChat Pay for the deposit (again). Never rejects. */
  pay(): Promise<void>;
  /** Asks the server again (after `pending`, or when the page is shown again). Never rejects. */
  refresh(): Promise<void>;
  /** The countdown reached zero. */
  holdRanOut(): void;
  /** Stops polling (the page went away). */
  dispose(): void;
}

export interface DepositOptions {
  api: Pick<BookingApi, 'jsapiParams' | 'payment' | 'appointment'>;
  requestPayment: Platform['requestPayment'];
  appointment: Appointment;
  /** Between two checks after paying (default 1 s), and how long to keep checking (default 20 s). */
  pollIntervalMs?: number;
  pollTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** What the server says about the deposit, read from the payment order and the appointment together. */
export type DepositCheck =
  | { kind: 'confirmed'; appointment: Appointment }
  /** Paid, and the appointment is waiting for the payment to be applied. */
  | { kind: 'processing'; appointment: Appointment }
  /** Paid for an appointment no longer held (expired, cancelled): refunded automatically. */
  | { kind: 'refunded'; appointment: Appointment }
  | { kind: 'unpaid'; appointment: Appointment }
  | { kind: 'expired'; appointment: Appointment };

const PAID: readonly PaymentStatus[] = ['paid', 'refunding', 'refunded', 'partially_refunded'];

export function readDeposit(payment: Pick<PaymentView, 'status'>, appointment: Appointment, now: number): DepositCheck {
  const status = appointment.status;
  if (status === 'confirmed' || status === 'arrived' || status === 'no_show') return { kind: 'confirmed', appointment };
  if (PAID.includes(payment.status)) {
    return status === 'held' || status === 'reserving'
      ? { kind: 'processing', appointment }
      : { kind: 'refunded', appointment };
  }
  if (payment.status === 'closed' || status !== 'held') return { kind: 'expired', appointment };
  const hold = appointment.holdExpiresAt ? Date.parse(appointment.holdExpiresAt) : Number.NaN;
  if (!Number.isNaN(hold) && hold <= now) return { kind: 'expired', appointment };
  return { kind: 'unpaid', appointment };
}

const MESSAGES = {
  refunded: '支付到账时预约已失效，定金将自动原路退还',
  expired: '支付超时，预约已自动取消，时段已释放',
  pending: '正在等待微信支付确认，请稍后刷新查看结果',
  cancelled: '你已取消支付',
};

export function createDepositPayment(options: DepositOptions): DepositPayment {
  const { api, requestPayment, pollIntervalMs = 1_000, pollTimeoutMs = 20_000, sleep = defaultSleep } = options;
  const now = options.now ?? Date.now;
  const paymentId = options.appointment.paymentId;
  const state = createState<DepositState>({
    status: options.appointment.status === 'held' ? 'ready' : 'paid',
    appointment: options.appointment,
    message: null,
  });
  let disposed = false;
  let busy = false;

  function finalStatus(): boolean {
    const { status } = state.getState();
    return status === 'paid' || status === 'expired' || status === 'refunded';
  }

  async function check(): Promise<DepositCheck> {
    if (!paymentId) throw new ApiError(409, 'NO_PAYMENT', '这个预约没有待支付的定金');
    const [payment, appointment] = await Promise.all([
      api.payment(paymentId),
      api.appointment(state.getState().appointment.id),
    ]);
    return readDeposit(payment, appointment, now());
  }

  /** Shows a final answer; answers false for one that is not final (unpaid, processing). */
  function apply(result: DepositCheck): boolean {
    if (disposed) return true;
    switch (result.kind) {
      case 'confirmed':
        state.set({ status: 'paid', appointment: result.appointment, message: null });
        return true;
      case 'refunded':
        state.set({ status: 'refunded', appointment: result.appointment, message: MESSAGES.refunded });
        return true;
      case 'expired':
        state.set({ status: 'expired', appointment: result.appointment, message: MESSAGES.expired });
        return true;
      default:
        state.set({ appointment: result.appointment });
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
      state.set({ status: 'pending', message: MESSAGES.pending });
    }
  }

  /** After the sheet said cancelled or failed: one look at the server, which may know better. */
  async function settleWithoutPayment(status: 'cancelled' | 'failed', message: string) {
    let result: DepositCheck | null = null;
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
      state.set({ status: 'failed', message: '这个预约没有待支付的定金' });
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
          await settleWithoutPayment('failed', MESSAGES.expired);
          if (state.getState().status === 'failed') state.set({ status: 'expired', message: MESSAGES.expired });
        } else if (code === 'PAYMENT_NOT_PAYABLE') {
          await settleWithoutPayment('failed', '这笔定金已无法支付，请刷新后查看');
        } else if (code === 'PAYMENT_NO_OPENID') {
          state.set({ status: 'failed', message: '请在微信小程序中登录后支付' });
        } else {
          state.set({ status: 'failed', message: `暂时无法发起支付：${errorMessage(error)}` });
        }
        return;
      }
      // What the sheet shows is the order's own amount and description (the server's; WeChat shows its own).
      const { appointment } = state.getState();
      const order = await api.payment(paymentId).catch(() => null);
      const outcome = await runPaymentSheet(() =>
        requestPayment(params, {
          amountFen: order?.amountFen ?? appointment.depositFen,
          description: order?.description ?? `${appointment.service.name} 预约定金`,
        }),
      );
      if (disposed) return;
      if (outcome.kind === 'paid') await confirm();
      else if (outcome.kind === 'cancelled') await settleWithoutPayment('cancelled', MESSAGES.cancelled);
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
        state.set({ status: 'expired', message: MESSAGES.expired });
      }
    },
    dispose() {
      disposed = true;
    },
  };
}

/** The amount line on the pay button: "支付定金 ¥100.00". */
export function payButtonText(state: DepositState): string {
  const amount = formatFen(state.appointment.depositFen);
  if (state.status === 'paying') return '正在支付…';
  if (state.status === 'confirming') return '正在确认支付结果…';
  if (state.status === 'cancelled' || state.status === 'failed') return `重新支付 ${amount}`;
  return `支付定金 ${amount}`;
}
