/**
 * `npm run bench:tags`: dynamic tags at scale, each figure next to a baseline measured in the same run on the same
 * data:
 *   - full recompute of one rule (*no-show in 6 months*, then *arrived, not converted*, whose filtered selector is
 *     filled from the events first) for the whole organisation, next to a bare scan of the organisation's events
 *     (a cursor over every event, projected to customer, type and time, doing nothing with them);
 *   - building every customer's facts from the stored events (what a first start on existing data does), same
 *     baseline;
 *   - a segment preview (count and first page) of the recomputed rule;
 *   - incremental latency per event: the tag engine's work for one newly stored event (facts update and the
 *     rules that read it) and the whole recordEvent (store, every subscriber), next to a bare insertOne of the
 *     same document.
 *
 * Customers and events are written straight into the database in the models' shapes (as bench:profile does):
 * patients over two years with bookings, arrivals, no-shows, payments (deposits and treatments), page views and
 * content, skewed so a few customers are heavy.
 *
 * Environment:
 *   BENCH_CUSTOMERS   customers (default 100000)     BENCH_EVENTS   events (default 5000000)
 *   BENCH_INCREMENTAL events timed one by one (default 300)   BENCH_SEED   data seed (default 1)
 *   BENCH_COUNT_QUERIES=1  also print the database operations of each recompute, by collection
 *   CARELOOP_DB_JAVA_OPTS, MONGODB_URI   as for bench:profile. mongo-java-server builds no non-unique index and
 *   uses an index only for a query on exactly its fields: measure on MongoDB (MONGODB_URI) for latencies that
 *   mean something; the ratios here show the shape.
 */
import os from 'node:os';
import { randomBytes, randomUUID } from 'node:crypto';
import mongoose, { Types } from 'mongoose';
import { provisionDatabase, type ProvisionedDatabase } from '../../tools/database';
import { startBff, type RunningBff } from '../../bff/src/index';
import { EventModel } from '../../bff/src/events/model';
import { recordEvent } from '../../bff/src/events/service';
import { organisationTimeZone } from '../../bff/src/tags/clock';
import { onEventStored } from '../../bff/src/tags/engine';
import { buildOrganisationFacts, ensureRuleFacts, setFactsRegistryTtl } from '../../bff/src/tags/facts';
import { ruleSpecs } from '../../bff/src/tags/specs';
import { insertTag } from '../../bff/src/tags/library';
import { CustomerFactsModel, CustomerTagModel } from '../../bff/src/tags/model';
import { requestRecompute, runRecompute } from '../../bff/src/tags/recompute';
import { previewSegment } from '../../bff/src/tags/segments';
import { EXAMPLE_RULES } from '../../bff/src/tags/examples';

const envNumber = (name: string, fallback: number) => {
  const raw = process.env[name]?.trim();
  const value = raw ? Number(raw.replace(/_/g, '')) : fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return Math.floor(value);
};
const CUSTOMERS = Math.max(1, envNumber('BENCH_CUSTOMERS', 100_000));
const EVENTS = envNumber('BENCH_EVENTS', 5_000_000);
const INCREMENTAL = envNumber('BENCH_INCREMENTAL', 300);
const SEED = envNumber('BENCH_SEED', 1);
const DAY = 86_400_000;
const GIB = 1024 ** 3;
const BATCH = 10_000;
const RUN = randomBytes(3).toString('hex');

function randomSource(seed: number) {
  let state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}
const random = randomSource(SEED);
const int = (below: number) => Math.floor(random() * below);

const MIX: { type: string; weight: number; source: string }[] = [
  { type: 'page.viewed', weight: 40, source: 'miniapp' },
  { type: 'content.opened', weight: 15, source: 'miniapp' },
  { type: 'content.finished', weight: 6, source: 'miniapp' },
  { type: 'appointment.booked', weight: 8, source: 'server' },
  { type: 'appointment.arrived', weight: 6, source: 'server' },
  { type: 'appointment.no_show', weight: 2, source: 'server' },
  { type: 'payment.paid', weight: 6, source: 'wechat_pay' },
  { type: 'coupon.claimed', weight: 5, source: 'server' },
  { type: 'note.added', weight: 3, source: 'server' },
  { type: 'task.completed', weight: 2, source: 'server' },
  { type: 'wecom.contact_added', weight: 5, source: 'wecom' },
  { type: 'referral.converted', weight: 2, source: 'server' },
];
const MIX_TOTAL = MIX.reduce((sum, entry) => sum + entry.weight, 0);
function pickType() {
  let r = random() * MIX_TOTAL;
  for (const entry of MIX) if ((r -= entry.weight) < 0) return entry;
  return MIX[0]!;
}
function properties(type: string, seq: number): Record<string, unknown> {
  switch (type) {
    case 'page.viewed':
      return { path: `pages/content/detail?id=${int(500)}` };
    case 'content.opened':
    case 'content.finished':
      return { contentId: `art-${int(500)}` };
    case 'payment.paid':
      return {
        paymentId: `pay-${seq}`,
        amountFen: 100 * (50 + int(5000)),
        purpose: random() < 0.5 ? 'appointment_deposit' : 'treatment',
      };
    case 'note.added':
      return { noteId: `n${seq}`, text: '回访' };
    default:
      return {};
  }
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

async function seed(organisationId: Types.ObjectId, clinicId: Types.ObjectId) {
  const db = mongoose.connection.db!;
  const now = Date.now();
  const customerIds: Types.ObjectId[] = [];
  const weights = new Float64Array(CUSTOMERS);
  let total = 0;
  for (let i = 0; i < CUSTOMERS; i++) {
    customerIds.push(new Types.ObjectId());
    total += random() < 0.1 ? 0 : Math.min(300, (1 - random()) ** (-1 / 1.16));
    weights[i] = total;
  }
  const customerAt = (r: number) => {
    let lo = 0;
    let hi = CUSTOMERS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (weights[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  for (let from = 0; from < CUSTOMERS; from += BATCH) {
    const docs = [];
    for (let i = from; i < Math.min(CUSTOMERS, from + BATCH); i++) {
      const created = new Date(now - int(730) * DAY);
      docs.push({
        _id: customerIds[i],
        organisationId,
        kind: 'patient',
        name: `客户${i}`,
        gender: random() < 0.9 ? (random() < 0.5 ? 'female' : 'male') : null,
        birthday: random() < 0.7 ? `${1950 + int(60)}-0${1 + int(9)}-1${int(9)}` : null,
        clinicId,
        ownerStaffId: null,
        hcp: null,
        phone: null,
        mergedInto: null,
        mergedAt: null,
        erasedAt: null,
        createdAt: created,
        updatedAt: created,
      });
    }
    await db.collection('customers').insertMany(docs, { ordered: false });
  }
  const started = performance.now();
  for (let from = 0; from < EVENTS; from += BATCH) {
    const docs = [];
    for (let seq = from; seq < Math.min(EVENTS, from + BATCH); seq++) {
      const customer = customerIds[total > 0 ? customerAt(random() * total) : int(CUSTOMERS)]!;
      const { type, source } = pickType();
      const occurredAt = new Date(now - Math.floor(random() * 730 * DAY));
      docs.push({
        organisationId,
        customerId: customer,
        type,
        occurredAt,
        receivedAt: occurredAt,
        source,
        sourceEventId: `${type}:${RUN}:${seq}`,
        properties: properties(type, seq),
      });
    }
    await db.collection('events').insertMany(docs, { ordered: false });
    if (EVENTS >= 1_000_000 && (from / BATCH) % 50 === 0) {
      console.log(`  events: ${from.toLocaleString('en')} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  return customerIds;
}

async function main() {
  const estimated = (EVENTS + CUSTOMERS * 3) * 2_200;
  if (!process.env.CARELOOP_DB_JAVA_OPTS && !process.env.MONGODB_URI) {
    const heap = Math.min(Math.floor((os.totalmem() * 0.7) / GIB), Math.ceil((estimated * 1.5) / GIB) + 1);
    process.env.CARELOOP_DB_JAVA_OPTS = `-Xmx${heap}g -XX:+ExitOnOutOfMemoryError`;
  }
  console.log(
    `bench:tags: ${CUSTOMERS.toLocaleString('en')} customers, ${EVENTS.toLocaleString('en')} events, seed ${SEED}; ` +
      `${os.cpus().length} CPUs, ${(os.totalmem() / GIB).toFixed(1)} GiB RAM`,
  );
  let database: ProvisionedDatabase | undefined;
  let bff: RunningBff | undefined;
  try {
    database = await provisionDatabase({ purpose: 'test' });
    const uri = database.server === 'mongo-java-server' ? `${database.uri}?connectTimeoutMS=600000` : database.uri;
    bff = await startBff({
      env: {
        CARELOOP_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
        DEMO_SEED: 'false',
      },
      mongodbUri: uri,
    });
    setFactsRegistryTtl(0);
    const organisationId = new Types.ObjectId();
    await mongoose.connection.db!.collection('organisations').insertOne({
      _id: organisationId,
      name: 'Bench dental',
      miniappAppId: `wxBench${RUN}`,
      wecomCorpId: `wwBench${RUN}`,
      timeZone: 'Asia/Shanghai',
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const org = String(organisationId);
    console.log(`database: ${database.server}`);

    const seeding = await timed(() => seed(organisationId, new Types.ObjectId()));
    const customerIds = seeding.result;
    console.log(`seeded in ${(seeding.ms / 1000).toFixed(1)} s`);

    // Baseline: a bare scan of the organisation's events.
    const scan = await timed(async () => {
      let n = 0;
      const cursor = EventModel.collection.find(
        { organisationId },
        { projection: { customerId: 1, type: 1, occurredAt: 1 }, batchSize: 5000 },
      );
      for await (const doc of cursor) if (doc) n += 1;
      return n;
    });

    const timeZone = await organisationTimeZone(org);
    const build = await timed(() => buildOrganisationFacts(org, timeZone));

    const recompute = async (key: string) => {
      const example = EXAMPLE_RULES.find((rule) => rule.key === key)!;
      const tag = await insertTag(org, { name: example.name, kind: 'dynamic', rule: example.rule });
      // The recompute first fills the facts the rule reads (new selectors, absences); timed on its own here, before
      // the job exists (the server's scheduled resume would otherwise start it meanwhile).
      const prepare = await timed(() => ensureRuleFacts(org, ruleSpecs(example.rule), timeZone));
      const job = await requestRecompute(org, String(tag._id));
      const seen = new Map<string, number>();
      if (process.env.BENCH_COUNT_QUERIES) {
        mongoose.set('debug', (collection: string, method: string) => {
          seen.set(`${collection}.${method}`, (seen.get(`${collection}.${method}`) ?? 0) + 1);
        });
      }
      const run = await timed(() => runRecompute(job.id));
      mongoose.set('debug', false);
      if (seen.size) console.log(key, [...seen].sort((a, b) => b[1] - a[1]).slice(0, 15));
      const tagged = await CustomerTagModel.countDocuments({ organisationId, tagId: tag._id });
      return {
        name: `${example.name} (${key})`,
        prepareMs: prepare.ms,
        ms: run.ms,
        status: run.result,
        tagged,
        rule: example.rule,
      };
    };
    const noShow = await recompute('no_show_6_months');
    const notConverted = await recompute('arrived_not_converted');
    const preview = await timed(() => previewSegment(org, noShow.rule, { limit: 20 }));

    // Incremental: the same new events three ways.
    const bare: number[] = [];
    const engine: number[] = [];
    const whole: number[] = [];
    const incrementalOps = new Map<string, number>();
    if (process.env.BENCH_COUNT_QUERIES) {
      mongoose.set('debug', (collection: string, method: string) => {
        incrementalOps.set(`${collection}.${method}`, (incrementalOps.get(`${collection}.${method}`) ?? 0) + 1);
      });
    }
    for (let i = 0; i < INCREMENTAL; i++) {
      const customerId = customerIds[int(customerIds.length)]!;
      const doc = {
        organisationId,
        customerId,
        type: i % 3 ? 'appointment.booked' : 'appointment.arrived',
        occurredAt: new Date(),
        receivedAt: new Date(),
        source: 'server',
        sourceEventId: `bench:${RUN}:${i}:${randomUUID()}`,
        properties: {},
      };
      let t0 = performance.now();
      await EventModel.collection.insertOne({ ...doc });
      bare.push(performance.now() - t0);
      t0 = performance.now();
      await onEventStored({
        ...doc,
        organisationId: org,
        customerId: String(customerId),
        source: 'server',
        actor: null,
      });
      engine.push(performance.now() - t0);
      t0 = performance.now();
      await recordEvent({
        organisationId: org,
        customerId: String(customerId),
        type: doc.type,
        source: 'server',
        sourceEventId: `${doc.sourceEventId}:whole`,
      });
      whole.push(performance.now() - t0);
    }

    mongoose.set('debug', false);
    if (incrementalOps.size) console.log('incremental', [...incrementalOps].sort((a, b) => b[1] - a[1]).slice(0, 20));
    const stat = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
    };
    const ratio = (value: number) => `${(value / scan.ms).toFixed(2)}× the scan`;
    console.log(`\nfacts: ${await CustomerFactsModel.countDocuments({ organisationId })} documents`);
    console.table([
      {
        operation: `bare scan of ${scan.result.toLocaleString('en')} events (baseline)`,
        time: ms(scan.ms),
        'vs baseline': '1×',
      },
      {
        operation: `build every customer's facts (${build.result.customers} customers)`,
        time: ms(build.ms),
        'vs baseline': ratio(build.ms),
      },
      ...[noShow, notConverted].flatMap((run) => [
        {
          operation: `  facts for its selectors: ${run.name}`,
          time: ms(run.prepareMs),
          'vs baseline': ratio(run.prepareMs),
        },
        {
          operation: `full recompute: ${run.name}, ${run.status}, ${run.tagged} tagged`,
          time: ms(run.ms),
          'vs baseline': ratio(run.ms),
        },
      ]),
      {
        operation: `segment preview of the no-show rule: count ${preview.result.count} + first page`,
        time: ms(preview.ms),
        'vs baseline': ratio(preview.ms),
      },
    ]);
    const base = stat(bare);
    console.table(
      [
        ['bare insertOne (baseline)', stat(bare)],
        ['tag engine for one event (facts + rules)', stat(engine)],
        ['recordEvent: store + every subscriber', stat(whole)],
      ].map(([name, value]) => {
        const { p50, p99 } = value as { p50: number; p99: number };
        return {
          'per event': name,
          median: ms(p50),
          p99: ms(p99),
          'median vs baseline': `${(p50 / base.p50).toFixed(1)}×`,
        };
      }),
    );
    if (database.server === 'mongo-java-server') {
      console.log(
        '\nnote: mongo-java-server ignores non-unique indexes and uses the unique ones only for a query on exactly ' +
          'their fields; on MongoDB (MONGODB_URI) the per-customer lookups are index reads.',
      );
    }
  } finally {
    await bff?.close().catch((error: unknown) => console.error('closing the BFF failed:', error));
    await database?.stop();
  }
}

await main().catch((error: unknown) => {
  console.error('bench:tags failed:', error);
  process.exitCode = 1;
});
