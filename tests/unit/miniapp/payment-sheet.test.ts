import { describe, expect, it } from 'vitest';
import { createApiClient } from '@careloop/shared/client';
import { paymentSheetOutcome, prepayIdFromPackage, runPaymentSheet } from '../../../miniapp/src/platform/payment';
import { createSandboxPlatform } from '../../../miniapp/src/platform/sandbox';
import { createSandboxPaySheet, SANDBOX_PAY_CANCEL, SANDBOX_PAY_OK } from '../../../miniapp/src/platform/sandboxPay';
import { errorResponse, fakeTransport, memoryStorage, type Handler } from './fakes';

const params = {
  timeStamp: '1764122400',
  nonceStr: 'n0nce',
  package: 'prepay_id=wx26102000abc',
  signType: 'RSA' as const,
  paySign: 'c2lnbmVk',
};
const order = { amountFen: 10_000, description: '种植咨询 预约定金' };

function sandbox(pay: Handler = () => ({ status: 200, body: { tradeState: 'SUCCESS' } })) {
  const fake = fakeTransport({ 'POST /sandbox/control/pay/prepay/wx26102000abc/pay': pay });
  const api = createApiClient({ baseUrl: '', transport: fake.transport, tokens: { get: () => null, set: () => {} } });
  return { ...fake, sheet: createSandboxPaySheet({ api }) };
}

describe('what requestPayment reported', () => {
  it('reads ok, cancel and failure as wx.requestPayment reports them', () => {
    expect(paymentSheetOutcome({ ok: true, value: { errMsg: 'requestPayment:ok' } })).toEqual({ kind: 'paid' });
    expect(paymentSheetOutcome({ ok: false, error: { errMsg: 'requestPayment:fail cancel' } })).toEqual({
      kind: 'cancelled',
    });
    expect(paymentSheetOutcome({ ok: false, error: { errMsg: 'requestPayment:fail:cancel' } })).toEqual({
      kind: 'cancelled',
    });
    expect(paymentSheetOutcome({ ok: false, error: { errMsg: 'requestPayment:fail 余额不足' } })).toEqual({
      kind: 'failed',
      message: '支付未完成：余额不足',
    });
    expect(paymentSheetOutcome({ ok: false, error: { errMsg: 'requestPayment:fail' } })).toEqual({
      kind: 'failed',
      message: '支付未完成，请重试',
    });
    expect(paymentSheetOutcome({ ok: false, error: new Error('boom') })).toEqual({
      kind: 'failed',
      message: '支付未完成：boom',
    });
    // A "success" carrying a failure message is a failure.
    expect(paymentSheetOutcome({ ok: true, value: { errMsg: 'requestPayment:fail x' } }).kind).toBe('failed');
  });

  it('never rejects', async () => {
    await expect(runPaymentSheet(() => Promise.reject({ errMsg: SANDBOX_PAY_CANCEL }))).resolves.toEqual({
      kind: 'cancelled',
    });
    await expect(runPaymentSheet(() => Promise.resolve({ errMsg: SANDBOX_PAY_OK }))).resolves.toEqual({
      kind: 'paid',
    });
  });

  it('finds the prepay id in the package', () => {
    expect(prepayIdFromPackage('prepay_id=wx26102000abc')).toBe('wx26102000abc');
    expect(prepayIdFromPackage(' prepay_id=wx1 ')).toBe('wx1');
    expect(prepayIdFromPackage('Sign=WXPay&prepay_id=wx2')).toBe('wx2');
    expect(prepayIdFromPackage('prepay_id=')).toBeNull();
    expect(prepayIdFromPackage('something else')).toBeNull();
  });
});

describe('the sandbox payment sheet (H5)', () => {
  it('opens with the order and, once confirmed, has the emulated user pay the order behind the prepay_id', async () => {
    const { sheet, calls } = sandbox();
    const host = sheet.attach();
    const paying = sheet.requestPayment(params, order);
    expect(sheet.getState()).toEqual({
      activeHost: host,
      sheet: { order, prepayId: 'wx26102000abc', paying: false },
    });

    const confirming = sheet.confirm();
    expect(sheet.getState().sheet?.paying).toBe(true);
    await confirming;
    await expect(paying).resolves.toEqual({ errMsg: 'requestPayment:ok' });
    expect(calls('POST /sandbox/control/pay/prepay/wx26102000abc/pay')).toHaveLength(1);
    expect(calls('POST /sandbox/control/pay/prepay/wx26102000abc/pay')[0]?.body).toEqual({});
    expect(sheet.getState().sheet).toBeNull();
  });

  it('reports closing the sheet as wx.requestPayment does, and pays nothing', async () => {
    const { sheet, requests } = sandbox();
    sheet.attach();
    const paying = sheet.requestPayment(params, order);
    sheet.cancel();
    await expect(paying).rejects.toEqual({ errMsg: 'requestPayment:fail cancel' });
    expect(requests).toHaveLength(0);
  });

  it('reports a payment the sandbox refused as a failure', async () => {
    const { sheet } = sandbox(() => errorResponse(409, 'PAYMENT_EXPIRED', 'The order is past its time_expire'));
    sheet.attach();
    const paying = sheet.requestPayment(params, order);
    await sheet.confirm();
    await expect(paying).rejects.toEqual({ errMsg: 'requestPayment:fail The order is past its time_expire' });
  });

  it('fails at once without a page that draws the sheet, a package without prepay_id, or a payment under way', async () => {
    const { sheet } = sandbox();
    await expect(sheet.requestPayment(params, order)).rejects.toMatchObject({
      errMsg: expect.stringMatching(/^requestPayment:fail /),
    });
    sheet.attach();
    await expect(sheet.requestPayment({ ...params, package: 'nope' }, order)).rejects.toEqual({
      errMsg: 'requestPayment:fail invalid package',
    });
    const first = sheet.requestPayment(params, order);
    await expect(sheet.requestPayment(params, order)).rejects.toMatchObject({
      errMsg: expect.stringContaining('in progress'),
    });
    sheet.cancel();
    await expect(first).rejects.toEqual({ errMsg: SANDBOX_PAY_CANCEL });
  });

  it('is drawn by the page on top, and closing that page closes the sheet', async () => {
    const { sheet } = sandbox();
    const below = sheet.attach();
    const top = sheet.attach();
    expect(sheet.getState().activeHost).toBe(top);
    const paying = sheet.requestPayment(params, order);
    sheet.detach(top);
    await expect(paying).rejects.toEqual({ errMsg: SANDBOX_PAY_CANCEL });
    expect(sheet.getState().activeHost).toBe(below);
    sheet.detach(below);
    expect(sheet.getState().activeHost).toBeNull();
  });

  it('is what the sandbox platform’s requestPayment opens', async () => {
    const { sheet } = sandbox();
    const api = createApiClient({
      baseUrl: '',
      transport: async () => ({ status: 404, body: null }),
      tokens: { get: () => null, set: () => {} },
    });
    const platform = createSandboxPlatform({ api, storage: memoryStorage(), paySheet: sheet });
    sheet.attach();
    const paying = platform.requestPayment(params, order);
    expect(sheet.getState().sheet?.order).toEqual(order);
    await sheet.confirm();
    await expect(paying).resolves.toEqual({ errMsg: SANDBOX_PAY_OK });

    const without = createSandboxPlatform({ api, storage: memoryStorage() });
    await expect(without.requestPayment(params, order)).rejects.toMatchObject({
      errMsg: expect.stringMatching(/^requestPayment:fail/),
    });
  });
});
