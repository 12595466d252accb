import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { EventModel } from '../../bff/src/events/model';
import { PaymentOrderModel } from '../../bff/src/payments/model';
import {
  closePaymentOrder,
  createPaymentOrder,
  getPayment,
  getPaymentForReference,
  reconcilePayments,
  refundPayment,
  registerPaymentPurpose,
  type Payment,
} from '../../bff/src/payments/service';
import { PayApiError } from '../../bff/src/platform/pay/client';
import { paySignMessage, verifySha256Rsa } from '../../bff/src/platform/pay/crypto';
import {
  loadOrCreateSandboxPayKeys,
  sandboxPayKeyMaterial,
  SandboxPayKeysModel,
} from '../../bff/src/platform/sandbox/payKeys';
import { signInNewPatient, startTestBff, type TestBff } from '../support/bff';
import { waitFor } from '../support/concurrency';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff('payments');
});
afterAll(() => bff?.close());

// A stand-in for the appointments domain: it records every call and answers what the test decided.
const PURPOSE = 'test_deposit';
const onPaidCalls: string[] = [];
const onRefundedCalls: string[] = [];
const decisions = new Map<string, 'accepted' | 'rejected' | 'crash'>();
registerPaymentPurpose(PURPOSE, {
  async onPaid(payment) {
    onPaidCalls.push(payment.id);
    const decision = decisions.get(payment.referenceId) ?? 'accepted';
    if (decision === 'crash') {
      decisions.set(payment.referenceId, 'accepted'); // crashes once, as a process dying mid-way would
      throw new Error('the process died here');
    }
    return decision;
  },
  async onRefunded(payment, refund) {
    onRefundedCalls.push(`${payment.id}:${refund.outRefundNo}`);
  },
});

type Patient = Awaited<ReturnType<typeof signInNewPatient>>;
let references = 0;

async function newOrder(patient: Patient, options: { amountFen?: number; expiresInMs?: number } = {}) {
  const referenceId = `appointment-${++references}`;
  return createPaymentOrder({
    organisationId: patient.customer.organisationId,
    customerId: patient.customer.id,
    purpose: PURPOSE,
    referenceId,
    amountFen: options.amountFen ?? 5000,
    description: '微笑齿科-洁牙预约定金',
    ...(options.expiresInMs && { expiresAt: new Date(Date.now() + options.expiresInMs) }),
  });
}

const jsapi = (patient: Patient, payment: Payment) =>
  bff.call('POST', `/api/mp/payments/${payment.id}/jsapi`, { token: patient.accessToken });
const status = async (patient: Patient, payment: Payment) =>
  (await bff.call('GET', `/api/mp/payments/${payment.id}`, { token: patient.accessToken })).body;
const control = (payment: Payment, action: string, body: unknown = {}) =>
  bff.call('POST', `/sandbox/control/pay/orders/${payment.outTradeNo}/${action}`, { body });
const countEvents = (payment: Payment, type: string) =>
  EventModel.countDocuments({
    customerId: new Types.ObjectId(payment.customerId),
    type,
    'properties.paymentId': payment.id,
  });
const callsFor = (calls: string[], payment: Payment) => calls.filter((call) => call.startsWith(payment.id)).length;

async function paidOrder(patient: Patient, amountFen = 5000) {
  const payment = await newOrder(patient, { amountFen });
  expect((await jsapi(patient, payment)).status).toBe(200);
  const paid = await control(payment, 'pay');
  expect(paid.body.notification.answer).toEqual({ status: 200, body: { code: 'SUCCESS', message: '成功' } });
  return payment;
}

describe('paying an order in the mini-program', () => {
  it('gives signed requestPayment parameters, reuses the prepay order, and is paid once by the notification', async () => {
    const patient = await signInNewPatient(bff);
    const payment = await newOrder(patient);
    expect(await status(patient, payment)).toMatchObject({ id: payment.id, status: 'created', amountFen: 5000 });

    const first = await jsapi(patient, payment);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ signType: 'RSA', package: expect.stringMatching(/^prepay_id=wx\d{14}/) });
    const { client } = await sandboxPayKeyMaterial();
    const signed = paySignMessage(
      bff.config.wechat.appId,
      first.body.timeStamp,
      first.body.nonceStr,
      first.body.package,
    );
    expect(verifySha256Rsa(client.merchantPublicKeyPem, signed, first.body.paySign)).toBe(true);
    const again = await jsapi(patient, payment);
    expect(again.body.package).toBe(first.body.package);

    const paid = await control(payment, 'pay');
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ outTradeNo: payment.outTradeNo, tradeState: 'SUCCESS' });
    expect(paid.body.notification.headers).toMatchObject({
      'Wechatpay-Serial': expect.stringMatching(/^PUB_KEY_ID_/),
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    });
    expect(JSON.parse(paid.body.notification.body)).toMatchObject({
      event_type: 'TRANSACTION.SUCCESS',
      resource: { algorithm: 'AEAD_AES_256_GCM', original_type: 'transaction' },
    });
    expect(paid.body.notification.answer).toEqual({ status: 200, body: { code: 'SUCCESS', message: '成功' } });

    expect(await status(patient, payment)).toMatchObject({
      status: 'paid',
      paidAt: expect.any(String),
      refundedFen: 0,
    });
    expect(callsFor(onPaidCalls, payment)).toBe(1);
    expect(await countEvents(payment, 'payment.paid')).toBe(1);
    const stored = await PaymentOrderModel.findById(payment.id).lean();
    expect(stored).toMatchObject({
      transactionId: paid.body.transactionId,
      handleOutcome: 'accepted',
      paidVia: 'notification',
    });
    expect(await getPaymentForReference(payment.organisationId, PURPOSE, payment.referenceId)).toMatchObject({
      id: payment.id,
      status: 'paid',
    });
    // Paid: no new requestPayment.
    expect((await jsapi(patient, payment)).body.error.code).toBe('PAYMENT_NOT_PAYABLE');
  });

  it('is paid through the prepay_id, as the H5 sandbox cashier does', async () => {
    const patient = await signInNewPatient(bff);
    const payment = await newOrder(patient);
    const params = await jsapi(patient, payment);
    const prepayId = params.body.package.slice('prepay_id='.length);
    const paid = await bff.call('POST', `/sandbox/control/pay/prepay/${prepayId}/pay`, { body: {} });
    expect(paid.body).toMatchObject({ outTradeNo: payment.outTradeNo, notification: { answer: { status: 200 } } });
    expect(await status(patient, payment)).toMatchObject({ status: 'paid' });
    expect((await bff.call('POST', '/sandbox/control/pay/prepay/wx000/pay', { body: {} })).status).toBe(404);
  });

  it('applies a notification replayed 5 times in a row and 5 times at once exactly once', async () => {
    const patient = await signInNewPatient(bff);
    const payment = await paidOrder(patient);
    for (let i = 0; i < 5; i++) {
      const replay = await control(payment, 'notify-again');
      expect(replay.body.answer).toEqual({ status: 200, body: { code: 'SUCCESS', message: '成功' } });
    }
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => control(payment, 'notify-again')));
    for (const replay of concurrent) expect(replay.body.answer.status).toBe(200);
    // The exact same delivery (same headers) replayed within five minutes: accepted, and still nothing new.
    expect((await control(payment, 'notify-again', { sameHeaders: true })).body.answer.status).toBe(200);

    expect(callsFor(onPaidCalls, payment)).toBe(1);
    expect(await countEvents(payment, 'payment.paid')).toBe(1);
    expect(await status(patient, payment)).toMatchObject({ status: 'paid' });
  });

  it('marks paid once when the first deliveries of the notification race, and when reconciliations race', async () => {
    const patient = await signInNewPatient(bff);
    const payment = await newOrder(patient);
    await jsapi(patient, payment);
    await control(payment, 'pay', { notify: false });
    // Five deliveries of the notification reach the unpaid order at the same time.
    const deliveries = await Promise.all(Array.from({ length: 5 }, () => control(payment, 'notify-again')));
    for (const delivery of deliveries) expect(delivery.body.answer).toMatchObject({ status: 200 });
    const racing = await Promise.all(Array.from({ length: 5 }, () => reconcilePayments({ queryAfterMs: 0 })));
    expect(racing.every((result) => result.errors === 0)).toBe(true);
    expect(await status(patient, payment)).toMatchObject({ status: 'paid' });
    expect(callsFor(onPaidCalls, payment)).toBe(1);
    expect(await countEvents(payment, 'payment.paid')).toBe(1);
  });
});

describe('notifications that must be rejected', () => {
  it.each([
    ['bad_signature', 401],
    ['unknown_serial', 401],
    ['stale_timestamp', 401],
    ['tampered_ciphertext', 400],
    ['wrong_amount', 400],
    ['wrong_mchid', 400],
    ['wrong_appid', 400],
    ['unknown_order', 404],
  ] as const)('rejects %s with HTTP %i and FAIL, and changes nothing', async (kind, expectedStatus) => {
    const patient = await signInNewPatient(bff);
    const payment = await newOrder(patient);
    await jsapi(patient, payment);
    const sent = await control(payment, 'notify-tampered', { kind });
    expect(sent.status).toBe(200);
    expect(sent.body.answer).toEqual({ status: expectedStatus, body: { code: 'FAIL', message: expect.any(String) } });
    expect(await status(patient, payment)).toMatchObject({ status: 'created', paidAt: null });
    expect(callsFor(onPaidCalls, payment)).toBe(0);
    expect(await countEvents(payment, 'payment.paid')).toBe(0);
    // The real payment still goes through afterwards.
    await control(payment, 'pay');
    expect(await status(patient, payment)).toMatchObject({ status: 'paid' });
  });

  it('rejects an unsigned or malformed post to the notify URLs', async () => {
    for (const path of ['/api/pay/notify', '/api/pay/refund-notify']) {
      const unsigned = await bff.call('POST', path, { body: { id: 'x', event_type: 'TRANSACTION.SUCCESS' } });
      expect(unsigned).toMatchObject({ status: 401, body: { code: 'FAIL' } });
    }
  });
});

describe('refunds', () => {
  it('refunds a payment its purpose rejects, automatically and in full, and processes the refund notification', async () => {
    const patient = await signInNewPatient(bff);
    const payment = await newOrder(patient, { amountFen: 8800 });
    decisions.set(payment.referenceId, 'rejected'); // e.g. the appointment's hold expired before the payment
    await jsapi(patient, payment);
    const paid = await control(payment, 'pay');
    expect(paid.body.notification.answer.status).toBe(200);

    const refunded = await waitFor(
      () => status(patient, payment),
      (view) => view.status === 'refunded',
    );
    expect(refunded).toMatchObject({
      status: 'refunded',
      refundedFen: 8800,
      refunds: [{ amountFen: 8800, status: 'succeeded', succeededAt: expect.any(String) }],
    });
    const sandbox = await bff.call('GET', `/sandbox/control/pay/orders/${payment.outTradeNo}`);
    expect(sandbox.body).toMatchObject({ tradeState: 'REFUND', refunds: [{ amountRefund: 8800, status: 'SUCCESS' }] });
    expect(callsFor(onPaidCalls, payment)).toBe(1);
    expect(
      await waitFor(
        async () => callsFor(onRefundedCalls, payment),
        (n) => n >= 1,
      ),
    ).toBe(1);
    expect(await countEvents(payment, 'payment.refunded')).toBe(1);
    expect(await PaymentOrderModel.findById(payment.id).lean()).toMatchObject({ handleOutcome: 'rejected' });
  });

  it('refunds each idempotency key once, never more than was paid', async () => {
    const patient = await signInNewPatient(bff);
    const payment = await paidOrder(patient, 5000);
    const refund = (amountFen: number, idempotencyKey: string) =>
      refundPayment({
        organisationId: payment.organisationId,
        paymentId: payment.id,
        amountFen,
        reason: '改期',
        idempotencyKey,
      });

    const first = await refund(2000, 'cancel-1');
    const repeated = await refund(2000, 'cancel-1');
    expect(repeated.refund.outRefundNo).toBe(first.refund.outRefundNo);
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => refund(1000, 'cancel-2')));
    expect(new Set(concurrent.map((result) => result.refund.outRefundNo)).size).toBe(1);
    await expect(refund(3000, 'cancel-3')).rejects.toMatchObject({ code: 'REFUND_EXCEEDS_AMOUNT' });
    await expect(refund(500, 'cancel-1')).rejects.toMatchObject({ code: 'REFUND_NOT_ALLOWED' });

    const partial = await waitFor(
      () => status(patient, payment),
      (view) => view.status === 'partially_refunded',
    );
    expect(partial).toMatchObject({ refundedFen: 3000 });
    expect(partial.refunds.map((r: { status: string }) => r.status)).toEqual(['succeeded', 'succeeded']);

    await refund(2000, 'cancel-rest');
    const full = await waitFor(
      () => status(patient, payment),
      (view) => view.status === 'refunded',
    );
    expect(full.refundedFen).toBe(5000);
    const sandbox = await bff.call('GET', `/sandbox/control/pay/orders/${payment.outTradeNo}`);
    expect(sandbox.body.refunds.map((r: { amountRefund: number }) => r.amountRefund)).toEqual([2000, 1000, 2000]);
    expect(
      await waitFor(
        () => countEvents(payment, 'payment.refunded'),
        (n) => n === 3,
      ),
    ).toBe(3);
    await expect(refund(1, 'late')).rejects.toMatchObject({ code: 'REFUND_EXCEEDS_AMOUNT' });
  });

  it('refuses to refund an unpaid order and answers NOT_FOUND for another organisation', async () => {
    const patient = await signInNewPatient(bff);
    const payment = await newOrder(patient);
    await expect(
      refundPayment({
        organisationId: payment.organisationId,
        paymentId: payment.id,
        amountFen: 1,
        reason: 'x',
        idempotencyKey: 'k',
      }),
    ).rejects.toMatchObject({ code: 'REFUND_NOT_ALLOWED' });
    await expect(
      refundPayment({
        organisationId: new Types.ObjectId().toHexString(),
        paymentId: payment.id,
        amountFen: 1,
        reason: 'x',
        idempotencyKey: 'k',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('reconciliation', () => {
  it('applies a payment whose notification never came, once', async () => {
    const patient = await signInNewPatient(bff);
    const payment = await newOrder(patient);
    await jsapi(patient, payment);
    const paid = await control(payment, 'pay', { notify: false });
    expect(paid.body.notification).toBeNull();
    // requestPayment may have said "fail" in the mini-program; the order is what WeChat Pay says it is.
    expect(await status(patient, payment)).toMatchObject({ status: 'created' });

    const result = await reconcilePayments({ queryAfterMs: 0 });
    expect(result.paid).toBeGreaterThanOrEqual(1);
    expect(await status(patient, payment)).toMatchObject({ status: 'paid' });
    expect(await PaymentOrderModel.findById(payment.id).lean()).toMatchObject({
      paidVia: 'query',
      transactionId: paid.body.transactionId,
    });
    await reconcilePayments({ queryAfterMs: 0 });
    expect(callsFor(onPaidCalls, payment)).toBe(1);
    expect(await countEvents(payment, 'payment.paid')).toBe(1);
  });

  it('runs onPaid again when the process died before it finished, and then not any more', async () => {
    const patient = await signInNewPatient(bff);
    const payment = await newOrder(patient);
    decisions.set(payment.referenceId, 'crash');
    await jsapi(patient, payment);
    const paid = await control(payment, 'pay');
    expect(paid.body.notification.answer.status).toBe(200); // the payment is recorded: WeChat Pay need not retry
    expect(await PaymentOrderModel.findById(payment.id).lean()).toMatchObject({ status: 'paid', handledAt: null });

    await reconcilePayments();
    expect(await PaymentOrderModel.findById(payment.id).lean()).toMatchObject({
      handleOutcome: 'accepted',
      handledAt: expect.any(Date),
    });
    await reconcilePayments();
    expect(callsFor(onPaidCalls, payment)).toBe(2);
    expect(await countEvents(payment, 'payment.paid')).toBe(1);
  });

  it('closes an expired unpaid order at WeChat Pay and here; it can no longer be paid', async () => {
    const patient = await signInNewPatient(bff);
    // Long enough for the prepay order to be made first on a loaded machine; then wait out the rest.
    const payment = await newOrder(patient, { expiresInMs: 3000 });
    expect((await jsapi(patient, payment)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, payment.expiresAt.getTime() - Date.now() + 100));
    expect((await jsapi(patient, payment)).body.error.code).toBe('PAYMENT_EXPIRED');
    const result = await reconcilePayments();
    expect(result.closed).toBeGreaterThanOrEqual(1);
    expect(await status(patient, payment)).toMatchObject({ status: 'closed' });
    expect((await bff.call('GET', `/sandbox/control/pay/orders/${payment.outTradeNo}`)).body.tradeState).toBe('CLOSED');
    expect((await control(payment, 'pay', { ignoreTimeExpire: true })).body.error.code).toBe('PAYMENT_NOT_PAYABLE');
  });

  it('applies a payment that WeChat Pay took just before the close, and refunds it when the purpose rejects it', async () => {
    const patient = await signInNewPatient(bff);
    const payment = await newOrder(patient, { expiresInMs: 60_000 });
    decisions.set(payment.referenceId, 'rejected');
    await jsapi(patient, payment);
    await control(payment, 'pay', { notify: false });
    const closed = await closePaymentOrder(payment.id);
    expect(closed.status).not.toBe('closed');
    const refunded = await waitFor(
      () => status(patient, payment),
      (view) => view.status === 'refunded',
    );
    expect(refunded).toMatchObject({ status: 'refunded', refundedFen: 5000 });
    expect(callsFor(onPaidCalls, payment)).toBe(1);
  });

  it('refunds a payment that arrives for an order already closed here, without asking the purpose', async () => {
    const patient = await signInNewPatient(bff);
    const payment = await newOrder(patient);
    await jsapi(patient, payment);
    await control(payment, 'pay', { notify: false });
    // Closed here while WeChat Pay was taking the payment (a race the close cannot always see).
    await PaymentOrderModel.updateOne({ _id: payment.id }, { $set: { status: 'closed', closedAt: new Date() } });
    const late = await control(payment, 'notify-again');
    expect(late.body.answer.status).toBe(200);
    const refunded = await waitFor(
      () => status(patient, payment),
      (view) => view.status === 'refunded',
    );
    expect(refunded.refundedFen).toBe(5000);
    expect(callsFor(onPaidCalls, payment)).toBe(0);
    expect(await PaymentOrderModel.findById(payment.id).lean()).toMatchObject({
      paidAfterClose: true,
      handleOutcome: 'rejected',
    });
  });
});

describe('access', () => {
  it("answers NOT_FOUND for another customer's payment, as for none", async () => {
    const owner = await signInNewPatient(bff);
    const other = await signInNewPatient(bff);
    const payment = await newOrder(owner);
    for (const [method, path] of [
      ['GET', `/api/mp/payments/${payment.id}`],
      ['POST', `/api/mp/payments/${payment.id}/jsapi`],
      ['GET', `/api/mp/payments/${new Types.ObjectId().toHexString()}`],
    ] as const) {
      const response = await bff.call(method, path, { token: other.accessToken });
      expect(response).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    }
    expect((await bff.call('GET', `/api/mp/payments/${payment.id}`)).status).toBe(401);
    expect(await getPayment(new Types.ObjectId().toHexString(), payment.id)).toBeNull();
  });
});

describe('the emulated WeChat Pay', () => {
  it("answers with WeChat Pay's error codes and statuses", async () => {
    const unsigned = await fetch(`${bff.config.pay.apiBase}/v3/pay/transactions/jsapi`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ code: 'SIGN_ERROR' });
    expect(unsigned.headers.get('wechatpay-signature')).toBeNull();

    expect(await bff.deps.pay.queryOrder('CL20260101NoSuchOrder000000000')).toBeNull(); // 404 ORDER_NOT_EXIST
    await expect(bff.deps.pay.queryRefund('RF20260101NoSuchRefund00000000')).resolves.toBeNull(); // 404 RESOURCE_NOT_EXISTS
    const refused = await bff.deps.pay
      .createRefund({
        outTradeNo: 'CL20260101NoSuchOrder000000000',
        outRefundNo: 'RF1',
        reason: 'x',
        refundFen: 1,
        totalFen: 1,
        notifyUrl: bff.config.pay.refundNotifyUrl,
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PayApiError);
    expect(refused).toMatchObject({ httpStatus: 404, wechatCode: 'RESOURCE_NOT_EXISTS', outcomeUnknown: false });
    const badOpenid = await bff.deps.pay
      .createJsapiOrder({
        outTradeNo: 'CL20260101BadOpenid0000000000000'.slice(0, 32),
        description: 'x',
        amountFen: 1,
        openid: 'oNobody',
        notifyUrl: bff.config.pay.notifyUrl,
      })
      .catch((error: unknown) => error);
    expect(badOpenid).toMatchObject({ httpStatus: 400, wechatCode: 'PARAM_ERROR' });
  });

  it('keeps one set of keys per database, whichever instance creates them first', async () => {
    const cached = await sandboxPayKeyMaterial();
    await SandboxPayKeysModel.deleteMany({});
    const racing = await Promise.all(Array.from({ length: 4 }, () => loadOrCreateSandboxPayKeys()));
    expect(new Set(racing.map((keys) => keys.publicKeyId)).size).toBe(1);
    expect(new Set(racing.map((keys) => keys.merchantSerial)).size).toBe(1);
    expect(await SandboxPayKeysModel.countDocuments()).toBe(1);
    // Put this run's keys back for any later test of this file.
    await SandboxPayKeysModel.deleteMany({});
    await SandboxPayKeysModel.create({
      _id: 'wechat_pay',
      merchantPrivateKey: cached.client.merchantPrivateKeyPem,
      merchantSerial: cached.merchantSerial,
      platformPrivateKey: cached.platformPrivateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      platformPublicKey: cached.client.verification
        .get(cached.publicKeyId)!
        .export({ type: 'spki', format: 'pem' })
        .toString(),
      publicKeyId: cached.publicKeyId,
      createdAt: new Date(),
    });
    expect((await loadOrCreateSandboxPayKeys()).publicKeyId).toBe(cached.publicKeyId);
  });
});
