/**
 * Paying a held appointment's deposit, with the payment flow of payments/flow.ts: the appointment is confirmed once
 * WeChat Pay's notification has been applied, so the appointment is polled together with the payment order.
 *
 * Until the hold expires the customer can try again after cancelling the sheet or a failure.
 */
import {
  createPaymentFlow,
  mapStore,
  PAID_STATUSES,
  payButtonLabel,
  type PaymentCheck,
  type PaymentFlow,
  type PaymentFlowStatus,
} from '../payments/flow';
import type { Platform } from '../platform/types';
import type { BookingApi } from './api';
import { formatFen } from './format';
import type { Store } from './store';
import type { Appointment, PaymentView } from './types';

export type DepositStatus = PaymentFlowStatus;

export interface DepositState {
  status: DepositStatus;
  appointment: Appointment;
  /** What to tell the customer about the last attempt, if anything. */
  message: string | null;
}

/** The payment flow, with the appointment under its own name (as the booking screens read it). */
export type DepositPayment = Store<DepositState> & Omit<PaymentFlow<Appointment>, 'getState' | 'subscribe'>;

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

export function readDeposit(payment: Pick<PaymentView, 'status'>, appointment: Appointment, now: number): DepositCheck {
  const status = appointment.status;
  if (status === 'confirmed' || status === 'arrived' || status === 'no_show') return { kind: 'confirmed', appointment };
  if (PAID_STATUSES.includes(payment.status)) {
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
  notPayable: '这笔定金已无法支付，请刷新后查看',
};

export function createDepositPayment(options: DepositOptions): DepositPayment {
  const { api, appointment, now = Date.now } = options;
  const flow: PaymentFlow<Appointment> = createPaymentFlow<Appointment>({
    api,
    requestPayment: options.requestPayment,
    paymentId: appointment.paymentId,
    subject: appointment,
    paid: appointment.status !== 'held',
    async read(paymentId): Promise<PaymentCheck<Appointment>> {
      const [payment, latest] = await Promise.all([
        api.payment(paymentId),
        api.appointment(flow.getState().subject.id),
      ]);
      const { kind } = readDeposit(payment, latest, now());
      return { kind, subject: latest };
    },
    sheetOrder: (held) => ({ amountFen: held.depositFen, description: `${held.service.name} 预约定金` }),
    messages: MESSAGES,
    pollIntervalMs: options.pollIntervalMs,
    pollTimeoutMs: options.pollTimeoutMs,
    sleep: options.sleep,
    now,
  });
  const view = mapStore(flow, ({ status, subject, message }): DepositState => ({
    status,
    appointment: subject,
    message,
  }));
  return { ...flow, getState: view.getState, subscribe: view.subscribe };
}

/** The amount line on the pay button: "支付定金 ¥100.00". */
export function payButtonText(state: DepositState): string {
  return payButtonLabel(state.status, '支付定金', formatFen(state.appointment.depositFen));
}
