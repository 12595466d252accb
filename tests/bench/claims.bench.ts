/**
 * `npm run bench:claims`: coupon claims per second with 200 concurrent clients on one hot template (stock below
 * demand, so the last claims meet OUT_OF_STOCK), next to a baseline measured in the same run: the same number of
 * bare conditional updates (`updateOne({issued: {$lt: stock}}, {$inc: {issued: 1}})`) on one document at the same
 * concurrency. Two claim paths are timed: `claimCoupon` called in-process (the coupons domain alone) and
 * POST /api/mp/campaigns/:key/claim over HTTP (the whole request: auth, campaign checks, attribution, claim).
 * Also checks how the stock ends: exactly `stock` issued, never more.
 */
import mongoose from 'mongoose';
import { provisionDatabase } from '../../tools/database';
import { startBff } from '../../bff/src/index';
import { claimCoupon } from '../../bff/src/coupons/service';
import { CouponModel, CouponTemplateModel } from '../../bff/src/coupons/model';

const CLIENTS = 200;
const CLAIMS_PER_CLIENT = Number(process.env.BENCH_CLAIMS_PER_CLIENT ?? 5);
const ATTEMPTS = CLIENTS * CLAIMS_PER_CLIENT;
const STOCK = Math.round(ATTEMPTS * 0.9);

/** Runs `count` tasks with `concurrency` workers; answers the seconds it took. */
async function runConcurrently(count: number, concurrency: number, task: (index: number) => Promise<void>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

async function main() {
  const database = await provisionDatabase({ purpose: 'test' });
  const bff = await startBff({ env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, mongodbUri: database.uri });
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(bff.url + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  const count = (outcomes: Map<string, number>, outcome: string) =>
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  try {
    const staffCode = await call('POST', '/sandbox/control/wecom/oauth-code', { userid: 'lina' });
    const manager = await call('POST', '/api/staff/auth/wecom', { code: staffCode.body.code });
    const org = manager.body.staff.organisation.id as string;
    const managerToken = manager.body.accessToken as string;
    const template = async (name: string) => {
      const created = await call(
        'POST',
        '/api/staff/coupon-templates',
        {
          name,
          kind: 'amount_off',
          amountOffFen: 5000,
          validity: { type: 'days_after_claim', days: 30 },
          totalStock: STOCK,
          perPersonLimit: CLAIMS_PER_CLIENT,
        },
        managerToken,
      );
      if (created.status !== 201) throw new Error(`template: ${JSON.stringify(created.body)}`);
      return created.body.id as string;
    };

    console.log(`signing in ${CLIENTS} patients…`);
    const patients: { token: string; customerId: string }[] = [];
    await runConcurrently(CLIENTS, 20, async () => {
      const user = await call('POST', '/sandbox/control/wechat/users', {});
      const code = await call('POST', '/sandbox/control/wechat/login-code', { openid: user.body.openid });
      const login = await call('POST', '/api/mp/auth/login', { code: code.body.code });
      patients.push({ token: login.body.accessToken, customerId: login.body.customer.id });
    });

    // In-process: the coupons domain alone.
    const serviceTemplate = await template('Bench in-process');
    const serviceOutcomes = new Map<string, number>();
    const serviceSeconds = await runConcurrently(ATTEMPTS, CLIENTS, async (index) => {
      try {
        await claimCoupon({
          organisationId: org,
          templateId: serviceTemplate,
          customerId: patients[index % CLIENTS]!.customerId,
          campaignId: null,
          requestId: `bench-service-${index}`,
        });
        count(serviceOutcomes, 'claimed');
      } catch (error) {
        count(serviceOutcomes, (error as { code?: string }).code ?? String(error));
      }
    });

    // Over HTTP, through a campaign.
    const httpTemplate = await template('Bench HTTP');
    const channel = await call('POST', '/api/staff/channels', { name: 'Bench posters', kind: 'poster' }, managerToken);
    const campaign = await call(
      'POST',
      '/api/staff/campaigns',
      {
        name: 'Bench campaign',
        channelId: channel.body.id,
        couponTemplateId: httpTemplate,
        landing: { title: 'Bench' },
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        codes: { miniProgram: false, contactMe: false },
      },
      managerToken,
    );
    if (campaign.status !== 201) throw new Error(`campaign: ${JSON.stringify(campaign.body)}`);
    const httpOutcomes = new Map<string, number>();
    const httpSeconds = await runConcurrently(ATTEMPTS, CLIENTS, async (index) => {
      const result = await call(
        'POST',
        `/api/mp/campaigns/${campaign.body.key}/claim`,
        { requestId: `bench-http-${index}` },
        patients[index % CLIENTS]!.token,
      );
      count(httpOutcomes, result.status === 201 ? 'claimed' : result.body.error.code);
    });

    // Baseline: the bare conditional update that guards the stock, on one document.
    const scratch = mongoose.connection.collection<{ _id: string; issued: number }>('bench_claims_baseline');
    await scratch.insertOne({ _id: 'hot', issued: 0 });
    const baselineSeconds = await runConcurrently(ATTEMPTS, CLIENTS, async () => {
      await scratch.updateOne({ _id: 'hot', issued: { $lt: STOCK } }, { $inc: { issued: 1 } });
    });
    const baselineIssued = (await scratch.findOne({ _id: 'hot' }))!.issued;
    await scratch.drop();

    const ends = await Promise.all(
      [serviceTemplate, httpTemplate].map(async (id) => ({
        issued: (await CouponTemplateModel.findById(id).lean())!.issued,
        coupons: await CouponModel.countDocuments({ templateId: id, state: 'claimed' }),
      })),
    );
    const rate = (seconds: number) => ATTEMPTS / seconds;
    const baselineRate = rate(baselineSeconds);
    console.log(
      `database: ${database.server}; ${CLIENTS} concurrent clients; ${ATTEMPTS} attempts per row; stock ${STOCK}`,
    );
    console.table([
      {
        operation: 'bare conditional $inc on one document (baseline)',
        'per second': Math.round(baselineRate),
        ratio: '1.00',
      },
      {
        operation: 'claimCoupon in-process (coupons domain)',
        'per second': Math.round(rate(serviceSeconds)),
        ratio: (rate(serviceSeconds) / baselineRate).toFixed(3),
      },
      {
        operation: 'POST /api/mp/campaigns/:key/claim (HTTP)',
        'per second': Math.round(rate(httpSeconds)),
        ratio: (rate(httpSeconds) / baselineRate).toFixed(3),
      },
    ]);
    console.log('baseline issued:', baselineIssued);
    console.log('in-process outcomes:', Object.fromEntries(serviceOutcomes), 'stock end:', ends[0]);
    console.log('HTTP outcomes:', Object.fromEntries(httpOutcomes), 'stock end:', ends[1]);
    const overIssued = ends.some((end) => end.issued > STOCK || end.coupons > STOCK || end.coupons !== end.issued);
    if (overIssued || baselineIssued !== STOCK) {
      console.error('stock invariant broken');
      process.exitCode = 1;
    }
  } finally {
    await bff.close();
    await database.stop();
  }
}

await main();
