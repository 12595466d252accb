import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import type { BookingApi } from '../../../miniapp/src/booking/api';
import { createDepositPayment, payButtonText, readDeposit } from '../../../miniapp/src/booking/deposit';
import type { Appointment, PaymentView } from '../../../miniapp/src/booking/types';
import type { Platform } from '../../../miniapp/src/platform/types';
import { appointment, payment } from './booking-fixtures';
import {
  JSAPI_PARAMS as jsapi,
  paymentSheet as sheet,
  pollingOnSleepClock,
  steppedPaymentServer,
} from './payment-fakes';

const NOW = Date.parse('2025-11-26T02:00:00Z'); // the fixture's hold runs to 02:15

/**
 * The server as the deposit sees it: what GET /payments/:id and GET /appointments/:id answer, step by step
 * (each check takes the next answer; the last one repeats).
 */
function server(states: Array<{ payment: Partial<PaymentView>; appointment: Partial<Appointment> }>) {
  const fake = steppedPaymentServer(states, (state) => payment(state.payment));
  const api: Pick<BookingApi, 'jsapiParams' | 'payment' | 'appointment'> = {
    jsapiParams: fake.jsapiParams,
    payment: fake.payment,
    appointment: fake.check((state) => appointment(state.appointment)),
  };
  return { api, calls: fake.calls, failJsapi: fake.failJsapi };
}

function deposit(
  api: Pick<BookingApi, 'jsapiParams' | 'payment' | 'appointment'>,
  requestPayment: Platform['requestPayment'],
) {
  return createDepositPayment({ api, requestPayment, appointment: appointment(), ...pollingOnSleepClock(NOW) });
}

const unpaid = { payment: { status: 'created' as const }, appointment: { status: 'held' as const } };
const paidHeld = { payment: { status: 'paid' as const }, appointment: { status: 'held' as const } };
const confirmed = {
  payment: { status: 'paid' as const },
  appointment: { status: 'confirmed' as const, holdExpiresAt: null },
};

describe('paying the deposit', () => {
  it('opens the payment sheet with the server’s amount, then waits for the server to confirm the appointment', async () => {
    // WeChat Pay's notification arrives a moment after the sheet closes, and the appointment is confirmed after that.
    const fake = server([unpaid, paidHeld, confirmed]);
    const wx = sheet('ok');
    const payingDeposit = deposit(fake.api, wx.requestPayment);
    expect(payingDeposit.getState().status).toBe('ready');
    expect(payButtonText(payingDeposit.getState())).toBe('支付定金 ¥100.00');

    await payingDeposit.pay();
    expect(wx.opened).toEqual([[jsapi, { amountFen: 10_000, description: '种植咨询 Implant consultation 预约定金' }]]);
    expect(payingDeposit.getState()).toMatchObject({ status: 'paid', message: null });
    expect(payingDeposit.getState().appointment.status).toBe('confirmed');
    expect(fake.calls.checks).toBe(3);
  });

  it('lets the patient pay again after closing the sheet', async () => {
    const fake = server([unpaid, unpaid, confirmed]);
    const wx = sheet('cancel', 'ok');
    const payingDeposit = deposit(fake.api, wx.requestPayment);

    await payingDeposit.pay();
    expect(payingDeposit.getState()).toMatchObject({ status: 'cancelled', message: '你已取消支付' });
    expect(payButtonText(payingDeposit.getState())).toBe('重新支付 ¥100.00');

    await payingDeposit.pay();
    expect(payingDeposit.getState().status).toBe('paid');
    expect(fake.calls.jsapi).toBe(2);
  });

  it('believes the server over the sheet: "cancelled" but paid is paid', async () => {
    const fake = server([confirmed]);
    const payingDeposit = deposit(fake.api, sheet('cancel').requestPayment);
    await payingDeposit.pay();
    expect(payingDeposit.getState().status).toBe('paid');
  });

  it('believes the server over the sheet: "failed" while the payment is being applied keeps waiting', async () => {
    const fake = server([paidHeld, paidHeld, confirmed]);
    const payingDeposit = deposit(fake.api, sheet('network error').requestPayment);
    await payingDeposit.pay();
    expect(payingDeposit.getState().status).toBe('paid');
  });

  it('says why paying failed and lets the patient try again', async () => {
    const fake = server([unpaid]);
    const payingDeposit = deposit(fake.api, sheet('余额不足').requestPayment);
    await payingDeposit.pay();
    expect(payingDeposit.getState()).toMatchObject({ status: 'failed', message: '支付未完成：余额不足' });
    expect(payButtonText(payingDeposit.getState())).toBe('重新支付 ¥100.00');
  });

  it('waits a while for WeChat Pay’s word, then offers to look again', async () => {
    const fake = server([unpaid, unpaid, unpaid, unpaid, unpaid, unpaid, unpaid, confirmed]);
    const payingDeposit = deposit(fake.api, sheet('ok').requestPayment);
    await payingDeposit.pay();
    expect(payingDeposit.getState()).toMatchObject({
      status: 'pending',
      message: '正在等待微信支付确认，请稍后刷新查看结果',
    });
    await payingDeposit.refresh(); // still unpaid: stays pending
    expect(payingDeposit.getState().status).toBe('pending');
    await payingDeposit.refresh();
    expect(payingDeposit.getState().status).toBe('paid');
  });

  it('tells a patient whose payment came after the hold ran out that it will be refunded', async () => {
    const fake = server([
      { payment: { status: 'refunding' }, appointment: { status: 'expired', holdExpiresAt: null } },
    ]);
    const payingDeposit = deposit(fake.api, sheet('ok').requestPayment);
    await payingDeposit.pay();
    expect(payingDeposit.getState()).toMatchObject({
      status: 'refunded',
      message: '支付到账时预约已失效，定金将自动原路退还',
    });
  });

  it('knows the hold expired when the server refuses to start the payment', async () => {
    const fake = server([{ payment: { status: 'closed' }, appointment: { status: 'expired' } }]);
    fake.failJsapi(new ApiError(409, 'PAYMENT_EXPIRED', 'This payment has expired'));
    const wx = sheet('ok');
    const payingDeposit = deposit(fake.api, wx.requestPayment);
    await payingDeposit.pay();
    expect(payingDeposit.getState()).toMatchObject({
      status: 'expired',
      message: '支付超时，预约已自动取消，时段已释放',
    });
    expect(wx.opened).toHaveLength(0);
    await payingDeposit.pay(); // nothing more to pay
    expect(fake.calls.jsapi).toBe(1);
  });

  it('reports other problems starting the payment', async () => {
    const fake = server([unpaid]);
    fake.failJsapi(new ApiError(409, 'PAYMENT_NO_OPENID', 'Sign in with the mini-program to pay'));
    const payingDeposit = deposit(fake.api, sheet().requestPayment);
    await payingDeposit.pay();
    expect(payingDeposit.getState()).toMatchObject({ status: 'failed', message: '请在微信小程序中登录后支付' });

    fake.failJsapi(new ApiError(502, 'UPSTREAM_ERROR', 'WeChat Pay did not answer'));
    await payingDeposit.pay();
    expect(payingDeposit.getState().message).toBe('暂时无法发起支付：WeChat Pay did not answer');
  });

  it('stops offering to pay once the countdown runs out, unless a payment is being confirmed', async () => {
    const payingDeposit = deposit(server([unpaid]).api, sheet().requestPayment);
    payingDeposit.holdRanOut();
    expect(payingDeposit.getState().status).toBe('expired');

    const pending = deposit(server([unpaid]).api, sheet('ok').requestPayment);
    await pending.pay();
    expect(pending.getState().status).toBe('pending');
    pending.holdRanOut();
    expect(pending.getState().status).toBe('pending');
  });

  it('pays once however often the button is tapped', async () => {
    const fake = server([unpaid, confirmed]);
    const wx = sheet('ok');
    const payingDeposit = deposit(fake.api, wx.requestPayment);
    await Promise.all([payingDeposit.pay(), payingDeposit.pay()]);
    expect(wx.opened).toHaveLength(1);
    expect(payingDeposit.getState().status).toBe('paid');
  });
});

describe('reading the server', () => {
  const held = appointment();
  it('reads the payment order and the appointment together', () => {
    expect(readDeposit(payment(), held, NOW).kind).toBe('unpaid');
    expect(readDeposit(payment(), held, Date.parse('2025-11-26T02:16:00Z')).kind).toBe('expired');
    expect(readDeposit(payment({ status: 'paid' }), held, NOW).kind).toBe('processing');
    expect(readDeposit(payment({ status: 'paid' }), appointment({ status: 'confirmed' }), NOW).kind).toBe('confirmed');
    expect(readDeposit(payment({ status: 'paid' }), appointment({ status: 'arrived' }), NOW).kind).toBe('confirmed');
    expect(readDeposit(payment({ status: 'refunded' }), appointment({ status: 'expired' }), NOW).kind).toBe('refunded');
    expect(readDeposit(payment({ status: 'closed' }), held, NOW).kind).toBe('expired');
    expect(readDeposit(payment(), appointment({ status: 'cancelled' }), NOW).kind).toBe('expired');
  });
});
