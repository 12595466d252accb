/**
 * `npm run bench:notify`: WeChat Pay payment notifications through `POST /api/pay/notify` — each one verified
 * (RSA signature over the raw body), decrypted (AES-256-GCM), checked against its order and applied (order paid,
 * `payment.paid` recorded, the purpose's onPaid called, order marked handled) — one per distinct order, from 20
 * concurrent senders, next to baselines measured in the same run: a bare `insertOne` of as many equivalent order
 * documents into a scratch collection (with the same indexes as payment_orders, and with none), and verify +
 * decrypt alone in this process. Ratios, not absolute numbers, are what to compare.
 *
 * BENCH_NOTIFICATIONS (default 2000) is how many notifications the measured phase sends.
 */
import { randomBytes } from 'node:crypto';
import mongoose, { Types } from 'mongoose';
import { provisionDatabase } from '../../tools/database';
import { startBff } from '../../bff/src/index';
import { PaymentOrderModel } from '../../bff/src/payments/model';
import { createPaymentOrder, registerPaymentPurpose, type Payment } from '../../bff/src/payments/service';
import {
  beijingTime,
  decryptResource,
  encryptResource,
  signatureHeaders,
  verifyWechatpaySignature,
} from '../../bff/src/platform/pay/crypto';
import { sandboxPayKeyMaterial } from '../../bff/src/platform/sandbox/payKeys';
import { platformHeaders } from '../../bff/src/platform/sandbox/payService';

const CONCURRENCY = 20;
const CUSTOMERS = 10;
const TOTAL = Number(process.env.BENCH_NOTIFICATIONS ?? 2000);
const WARM_UP = 200;
const AMOUNT_FEN = 5000;

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);

/** Runs `work(i)` for i in [0, count) on CONCURRENCY workers; returns operations/s and latencies. */
async function run(count: number, work: (index: number) => Promise<void>) {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let index = next++; index < count; index = next++) {
        const t0 = performance.now();
        await work(index);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    count,
    seconds,
    perSecond: count / seconds,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
  };
}

async function main() {
  const database = await provisionDatabase({ purpose: 'test' });
  const bff = await startBff({ env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, mongodbUri: database.uri });
  let paidCalls = 0;
  registerPaymentPurpose('bench_deposit', {
    async onPaid() {
      paidCalls += 1;
      return 'accepted';
    },
  });
  const post = async (path: string, body: unknown) => {
    const response = await fetch(bff.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  try {
    const customers: { id: string; organisationId: string; openid: string }[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const user = await post('/sandbox/control/wechat/users', {});
      const { code } = await post('/sandbox/control/wechat/login-code', { openid: user.openid });
      const login = await post('/api/mp/auth/login', { code });
      customers.push({ ...login.customer, openid: user.openid });
    }
    const material = await sandboxPayKeyMaterial();
    const { pay } = bff.config;

    const orders: Payment[] = [];
    for (let i = 0; i < WARM_UP + TOTAL; i++) {
      const customer = customers[i % CUSTOMERS]!;
      orders.push(
        await createPaymentOrder({
          organisationId: customer.organisationId,
          customerId: customer.id,
          purpose: 'bench_deposit',
          referenceId: `bench-${i}`,
          amountFen: AMOUNT_FEN,
          description: '微笑齿科-洁牙预约定金',
          expiresAt: new Date(Date.now() + 3600_000),
        }),
      );
    }
    // What WeChat Pay would send for each order: built (signed, encrypted) before the clock starts.
    const notifications = orders.map((order, i) => {
      const plaintext = {
        appid: bff.config.wechat.appId,
        mchid: pay.mchId,
        out_trade_no: order.outTradeNo,
        transaction_id: `4200${String(i).padStart(24, '0')}`,
        trade_type: 'JSAPI',
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        bank_type: 'OTHERS',
        success_time: beijingTime(new Date()),
        payer: { openid: customers[i % CUSTOMERS]!.openid },
        amount: { total: AMOUNT_FEN, payer_total: AMOUNT_FEN, currency: 'CNY', payer_currency: 'CNY' },
      };
      const body = JSON.stringify({
        id: `EV-${randomBytes(8).toString('hex')}`,
        create_time: beijingTime(new Date()),
        resource_type: 'encrypt-resource',
        event_type: 'TRANSACTION.SUCCESS',
        summary: '支付成功',
        resource: encryptResource(JSON.stringify(plaintext), pay.apiV3Key, 'transaction', 'transaction'),
      });
      return { body, headers: platformHeaders(body, material) };
    });
    const send = async (index: number) => {
      const { body, headers } = notifications[index]!;
      const response = await fetch(`${bff.url}/api/pay/notify`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
      });
      const answer = await response.text();
      if (response.status !== 200) throw new Error(`notification ${index}: ${response.status} ${answer}`);
    };

    await run(WARM_UP, send); // JIT, connection pools, the first index pages
    const http = await run(TOTAL, (index) => send(WARM_UP + index));
    const measured = orders.slice(WARM_UP).map((order) => new Types.ObjectId(order.id));
    const paid = await PaymentOrderModel.countDocuments({
      _id: { $in: measured },
      status: 'paid',
      handledAt: { $ne: null },
    });
    const events = await mongoose.connection.db!.collection('events').countDocuments({ type: 'payment.paid' });
    if (paid !== TOTAL || paidCalls !== WARM_UP + TOTAL || events !== WARM_UP + TOTAL) {
      throw new Error(
        `expected ${TOTAL} paid orders and ${WARM_UP + TOTAL} onPaid/events; got ${paid}, ${paidCalls}, ${events}`,
      );
    }

    // Verify + decrypt alone, in this process (the cryptography's share of the work).
    const crypto = await run(TOTAL, async (index) => {
      const { body, headers } = notifications[WARM_UP + index]!;
      const check = verifyWechatpaySignature(
        signatureHeaders(new Headers(headers)),
        body,
        material.client.verification,
      );
      if (!check.ok) throw new Error(check.reason);
      decryptResource(JSON.parse(body).resource, pay.apiV3Key);
    });

    // The same number of equivalent order documents, inserted one by one by the same driver.
    const db = mongoose.connection.db!;
    const baseline = async (name: string, indexes: boolean) => {
      const scratch = db.collection(name);
      await scratch.drop().catch(() => undefined);
      await db.createCollection(name);
      if (indexes) {
        for (const [keys, options] of PaymentOrderModel.schema.indexes()) {
          await scratch.createIndex(keys as Record<string, 1 | -1>, { unique: Boolean(options.unique) });
        }
        await scratch.createIndex({ outTradeNo: 1 }, { unique: true });
      }
      const result = await run(TOTAL, async (index) => {
        const order = orders[WARM_UP + index]!;
        const now = new Date();
        await scratch.insertOne({
          organisationId: new Types.ObjectId(order.organisationId),
          customerId: new Types.ObjectId(order.customerId),
          purpose: order.purpose,
          referenceId: order.referenceId,
          outTradeNo: order.outTradeNo,
          amountFen: order.amountFen,
          description: order.description,
          status: 'paid',
          expiresAt: order.expiresAt,
          transactionId: `4200${String(index).padStart(24, '0')}`,
          paidAt: now,
          handledAt: now,
          refunds: [],
          createdAt: now,
          updatedAt: now,
        });
      });
      await scratch.drop();
      return result;
    };
    const indexed = await baseline('bench_payments_indexed', true);
    const bare = await baseline('bench_payments_bare', false);

    console.log(
      `database: ${database.server}; ${CONCURRENCY} concurrent senders, ${TOTAL} notifications for distinct orders ` +
        `(after ${WARM_UP} warm-up); every one answered 200 SUCCESS, every order paid and handled once`,
    );
    const rows = [
      { name: 'insertOne, same indexes as payment_orders (baseline)', ...indexed },
      { name: 'insertOne, _id index only', ...bare },
      { name: 'verify + decrypt only (in process, no I/O)', ...crypto },
      { name: 'POST /api/pay/notify (verify, decrypt, apply, onPaid)', ...http },
    ];
    console.table(
      rows.map((row) => ({
        operation: row.name,
        count: row.count,
        'ops/s': Math.round(row.perSecond),
        'vs baseline': (row.perSecond / indexed.perSecond).toFixed(2),
        'p50 ms': row.p50,
        'p95 ms': row.p95,
      })),
    );
    console.log(
      `notify throughput is ${(http.perSecond / indexed.perSecond).toFixed(2)}× the indexed insert baseline and ` +
        `${(http.perSecond / bare.perSecond).toFixed(2)}× the bare insert; verify + decrypt alone runs at ` +
        `${(crypto.perSecond / http.perSecond).toFixed(1)}× the notify rate`,
    );
  } finally {
    await bff.close();
    await database.stop();
  }
}

await main();
