/**
 * `npm run bench:events`: event-ingestion throughput through `POST /api/mp/events` (20 concurrent clients, batches
 * of 50, several customers) next to baselines measured in the same run on the same number of equivalent event
 * documents: a bare `insertMany` into a scratch collection with the same indexes as `events`, and one without
 * secondary indexes. Ratios, not absolute numbers, are what to compare.
 *
 * BENCH_MS (default 20000) is how long the HTTP phase runs; the baselines insert as many events as it stored.
 */
import { randomUUID } from 'node:crypto';
import mongoose, { Types } from 'mongoose';
import { provisionDatabase } from '../../tools/database';
import { startBff } from '../../bff/src/index';
import { EventModel } from '../../bff/src/events/model';

const CONCURRENCY = 20;
const BATCH = 50;
const CUSTOMERS = 10;
const DURATION_MS = Number(process.env.BENCH_MS ?? 20_000);
const WARM_UP_MS = 3000;
/** Event ids are this run's prefix and a sequence number: unique, and cheap to make on the client side. */
const RUN = randomUUID().slice(0, 8);
let eventCount = 0;

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);

/** A mix of what the mini-program sends: mostly page views, some content events. */
function clientEvent(i: number, now: number) {
  const occurredAt = new Date(now - (i % 600) * 1000).toISOString();
  const id = `${RUN}-${(eventCount++).toString(36)}`;
  switch (i % 4) {
    case 0:
    case 1:
      return { id, type: 'page.viewed', occurredAt, properties: { path: `pages/content/detail?id=${i % 500}` } };
    case 2:
      return { id, type: 'content.opened', occurredAt, properties: { contentId: `art-${i % 500}` } };
    default:
      return {
        id,
        type: 'content.dwell',
        occurredAt,
        properties: { contentId: `art-${i % 500}`, seconds: 1 + (i % 300) },
      };
  }
}

/** Runs `batch` on CONCURRENCY workers until `more()` says stop; returns events/s and batch latencies. */
async function run(batch: (worker: number, seq: number) => Promise<number>, more: (done: number) => boolean) {
  let events = 0;
  let seq = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      while (more(events)) {
        const t0 = performance.now();
        const stored = await batch(worker, seq++); // not `events += await …`: that reads `events` before awaiting
        events += stored;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    events,
    seconds,
    perSecond: events / seconds,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
  };
}

async function main() {
  const database = await provisionDatabase({ purpose: 'test' });
  const bff = await startBff({ env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, mongodbUri: database.uri });
  const post = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(bff.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  try {
    const customers: { accessToken: string; customer: { id: string; organisationId: string } }[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const user = await post('/sandbox/control/wechat/users', {});
      const { code } = await post('/sandbox/control/wechat/login-code', { openid: user.openid });
      customers.push(await post('/api/mp/auth/login', { code }));
    }
    const db = mongoose.connection.db!;

    const send = async (worker: number, seq: number) => {
      const customer = customers[(worker + seq) % CUSTOMERS]!;
      const now = Date.now();
      const events = Array.from({ length: BATCH }, (_, i) => clientEvent(seq * BATCH + i, now));
      const result = await post('/api/mp/events', { events }, customer.accessToken);
      if (result.accepted !== BATCH) throw new Error(`expected ${BATCH} accepted, got ${JSON.stringify(result)}`);
      return result.accepted as number;
    };
    // Warm-up: JIT, connection pools, the first index pages.
    const warmDeadline = performance.now() + WARM_UP_MS;
    await run(send, () => performance.now() < warmDeadline);

    const eventsBefore = await db.collection('events').countDocuments();
    const deadline = performance.now() + DURATION_MS;
    const http = await run(send, () => performance.now() < deadline);
    const stored = (await db.collection('events').countDocuments()) - eventsBefore;

    // The same number of equivalent documents, inserted directly by the same driver.
    const total = http.events;
    const organisationId = new Types.ObjectId(customers[0]!.customer.organisationId);
    const customerIds = customers.map((customer) => new Types.ObjectId(customer.customer.id));
    const documentsFor = (seq: number) => {
      const now = Date.now();
      return Array.from({ length: BATCH }, (_, i) => {
        const event = clientEvent(seq * BATCH + i, now);
        const customerId = customerIds[seq % CUSTOMERS]!;
        return {
          organisationId,
          customerId,
          type: event.type,
          occurredAt: new Date(event.occurredAt),
          receivedAt: new Date(now),
          source: 'miniapp',
          sourceEventId: `${customerId.toHexString()}:${event.id}`,
          properties: event.properties,
        };
      });
    };
    const baseline = async (name: string, indexes: boolean) => {
      const scratch = db.collection(name);
      await scratch.drop().catch(() => undefined);
      await db.createCollection(name);
      if (indexes) {
        for (const [keys, options] of EventModel.schema.indexes()) {
          await scratch.createIndex(keys as Record<string, 1 | -1>, { unique: Boolean(options.unique) });
        }
      }
      let remaining = total;
      const result = await run(
        async (_, seq) => {
          await scratch.insertMany(documentsFor(seq), { ordered: false });
          return BATCH;
        },
        () => (remaining -= BATCH) >= 0,
      );
      await scratch.drop();
      return result;
    };
    const indexed = await baseline('bench_events_indexed', true);
    const bare = await baseline('bench_events_bare', false);

    console.log(
      `database: ${database.server}; ${CONCURRENCY} concurrent clients, batches of ${BATCH}, ${CUSTOMERS} customers, ` +
        `${(DURATION_MS / 1000).toFixed(0)} s of HTTP; ${stored} events stored by the HTTP phase (${total} accepted)`,
    );
    const rows = [
      { name: 'insertMany, same indexes as events (baseline)', ...indexed },
      { name: 'insertMany, _id index only', ...bare },
      { name: 'POST /api/mp/events', ...http },
    ];
    console.table(
      rows.map((row) => ({
        operation: row.name,
        events: row.events,
        'events/s': Math.round(row.perSecond),
        'vs baseline': (row.perSecond / indexed.perSecond).toFixed(2),
        'batch p50 ms': row.p50,
        'batch p95 ms': row.p95,
      })),
    );
  } finally {
    await bff.close();
    await database.stop();
  }
}

await main();
