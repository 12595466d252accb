/**
 * `npm run bench:journeys`: N customers (default 100 000) enrolled by a one-off journey into a 3-step journey
 * (add a tag → wait a day → send an SMS through the sandbox provider), run by three engine instances at once on one
 * database. Reports the enrolment time, steps per second, and counts the side effects afterwards (exactly one tag,
 * one tag.added event, one SMS per customer; one execution per step; no SMS sent twice), next to a baseline measured
 * in the same run: the same number of documents moved through three passes of bare batched conditional updates
 * (find the due ones, bulk-update each with its condition), which is the engine's own bookkeeping without any step.
 *
 * Customers are written straight into the database (unordered insertMany in the customers model's shape, phones
 * encrypted as the BFF does); their tag facts are built once before timing (segment evaluation is the tags
 * domain's and is reported on its own line), and the demo tag library's first recomputes are run before timing.
 *
 * On mongo-java-server every operation costs milliseconds and its non-unique indexes are not used, so the figures
 * there are dominated by the server; the baseline, measured the same way, is what to compare with.
 *
 * Environment:
 *   BENCH_CUSTOMERS   customers (default 100000; e.g. 5000 for a quick run)
 *   BENCH_INSTANCES   engine instances running at once (default 3)
 *   BENCH_BATCH       rows an instance claims at a time (default 500)
 *   BENCH_PROFILE     1: also print the database operations of each timed phase, by collection and method
 *   MONGODB_URI       an existing server instead of the embedded one (see tools/database.ts)
 */
import mongoose, { Types } from 'mongoose';
import { provisionDatabase } from '../../tools/database';
import { startBff } from '../../bff/src/index';
import { CustomerModel } from '../../bff/src/identity/model';
import { EventModel } from '../../bff/src/events/model';
import { CustomerTagModel } from '../../bff/src/tags/model';
import { buildOrganisationFacts } from '../../bff/src/tags/facts';
import { resumeRecomputes } from '../../bff/src/tags/recompute';
import { createPhoneVault } from '../../bff/src/privacy/phone';
import { EnrolmentModel, ExecutionModel } from '../../bff/src/journeys/model';
import { runJourneyEngineOnce, type EngineRunResult } from '../../bff/src/journeys/engine';
import { setJourneyClock } from '../../bff/src/journeys/runtime';
import { SandboxSmsModel } from '../../bff/src/platform/sms/sandbox';

const envNumber = (name: string, fallback: number) => {
  const raw = process.env[name]?.trim();
  const value = raw ? Number(raw.replace(/_/g, '')) : fallback;
  if (!Number.isFinite(value) || value < 1) throw new Error(`${name} must be a positive number, got ${raw}`);
  return Math.floor(value);
};

const CUSTOMERS = envNumber('BENCH_CUSTOMERS', 100_000);
const INSTANCES = envNumber('BENCH_INSTANCES', 3);
const BATCH = envNumber('BENCH_BATCH', 500);
const DAY = 86_400_000;
const TAG = '旅程压测';
/** Marks the bench's customers (the demo organisation has others): the journey's audience is them. */
const BENCH_OWNER = new Types.ObjectId();
const PROFILE = process.env.BENCH_PROFILE === '1';

/** Database operations since the last `takeOps` (counted through mongoose's debug hook when profiling). */
const operations = new Map<string, number>();
function takeOps(label: string, steps: number) {
  if (!PROFILE) return;
  const rows = [...operations].sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((count, [, n]) => count + n, 0);
  console.log(
    `  ${label}: ${total.toLocaleString('en')} operations (${(total / Math.max(1, steps)).toFixed(2)} per step)`,
  );
  for (const [key, n] of rows) console.log(`    ${String(n).padStart(7)}  ${key}`);
  operations.clear();
}

const seconds = (from: number) => (performance.now() - from) / 1000;
const rate = (count: number, secs: number) => `${Math.round(count / secs).toLocaleString('en')}/s`;

function sum(results: EngineRunResult[]) {
  return results.reduce(
    (total, result) => {
      for (const key of Object.keys(total) as (keyof EngineRunResult)[]) total[key] += result[key];
      return total;
    },
    {
      scheduled: 0,
      keyDatesEntered: 0,
      claimed: 0,
      passed: 0,
      skipped: 0,
      deferred: 0,
      retried: 0,
      parked: 0,
      inDoubt: 0,
      exited: 0,
      completed: 0,
    },
  );
}

/** Instances run passes at `now` at the same time until none finds work. */
async function runInstances(now: Date): Promise<EngineRunResult> {
  const results: EngineRunResult[] = [];
  await Promise.all(
    Array.from({ length: INSTANCES }, async (_, index) => {
      for (;;) {
        const result = await runJourneyEngineOnce({
          now,
          instanceId: `bench-${index}`,
          batchSize: BATCH,
          limit: 5_000,
        });
        results.push(result);
        if (result.claimed === 0) return;
      }
    }),
  );
  return sum(results);
}

async function main() {
  if (PROFILE) {
    mongoose.set('debug', (collection: string, method: string) => {
      const key = `${collection}.${method}`;
      operations.set(key, (operations.get(key) ?? 0) + 1);
    });
  }
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
  try {
    // The journey clock a month ahead of the real one: the BFF's own periodic engine job never finds this work due.
    const t0 = new Date(Date.now() + 30 * DAY);
    setJourneyClock(() => t0);
    // A fresh sign-in for each phase that calls the API: a 100k run outlasts an access token.
    const signIn = async () => {
      const staffCode = await call('POST', '/sandbox/control/wecom/oauth-code', { userid: 'lina' });
      const manager = await call('POST', '/api/staff/auth/wecom', { code: staffCode.body.code });
      return { org: manager.body.staff.organisation.id as string, token: manager.body.accessToken as string };
    };
    const { org, token } = await signIn();

    console.log(`seeding ${CUSTOMERS.toLocaleString('en')} customers…`);
    const vault = createPhoneVault(bff.config);
    let seeded = performance.now();
    for (let from = 0; from < CUSTOMERS; from += 5000) {
      const docs = [];
      for (let i = from; i < Math.min(CUSTOMERS, from + 5000); i++) {
        const phone = `139${String(i).padStart(8, '0')}`;
        docs.push({
          _id: new Types.ObjectId(),
          organisationId: new Types.ObjectId(org),
          kind: 'patient',
          name: `压测${i}`,
          gender: null,
          birthday: null,
          clinicId: null,
          ownerStaffId: BENCH_OWNER,
          hcp: null,
          phone: {
            ciphertext: vault.encrypt(phone),
            lookupHash: vault.lookupHash(phone),
            masked: vault.mask(phone),
            verified: false,
            source: 'typed_by_staff',
            updatedAt: t0,
          },
          mergedInto: null,
          mergedAt: null,
          erasedAt: null,
          createdAt: t0,
          updatedAt: t0,
        });
      }
      await CustomerModel.collection.insertMany(docs, { ordered: false });
    }
    console.log(`  seeded in ${seconds(seeded).toFixed(1)} s`);
    seeded = performance.now();
    await buildOrganisationFacts(org, 'Asia/Shanghai');
    const factsSeconds = seconds(seeded);
    // The demo library's dynamic tags queue a first computation over every customer: done now, not during timing.
    await resumeRecomputes();

    const created = await call(
      'POST',
      '/api/staff/journeys',
      {
        name: '压测旅程',
        definition: {
          entry: {
            kind: 'one_off',
            audience: { rule: { type: 'attribute', field: 'ownerStaffId', op: 'eq', value: String(BENCH_OWNER) } },
          },
          start: 'tag',
          steps: [
            { id: 'tag', type: 'add_tag', tag: TAG, next: 'wait' },
            { id: 'wait', type: 'wait', duration: { days: 1 }, next: 'sms' },
            { id: 'sms', type: 'send_sms', templateCode: 'SMS_BENCH', params: { name: '{{name}}' }, marketing: false },
          ],
        },
      },
      token,
    );
    if (created.status !== 201) throw new Error(`journey: ${JSON.stringify(created.body)}`);
    const journeyId = created.body.id as string;
    const enabled = await call('POST', `/api/staff/journeys/${journeyId}/enable`, undefined, token);
    if (enabled.status !== 200) throw new Error(`enable: ${JSON.stringify(enabled.body)}`);

    // Enrolment: the one-off run (segment → enrolments, one journey.entered event each).
    operations.clear();
    let started = performance.now();
    const entry = await runJourneyEngineOnce({ now: t0, instanceId: 'bench-entry', limit: 0 });
    const enrolSeconds = seconds(started);
    takeOps('enrolment', CUSTOMERS);
    const enrolled = await EnrolmentModel.countDocuments({ journeyId });

    const moved = (result: EngineRunResult) => result.passed + result.skipped + result.completed + result.exited;
    // Steps: the tag now, then (a day later) the end of the wait and the SMS.
    started = performance.now();
    const first = await runInstances(t0);
    const firstSeconds = seconds(started);
    takeOps('step 1 add_tag', moved(first));
    started = performance.now();
    const second = await runInstances(new Date(t0.getTime() + DAY + 60_000));
    const secondSeconds = seconds(started);
    takeOps('steps 2–3 wait end + send_sms', moved(second));
    const steps = moved(first) + moved(second);
    const stepSeconds = firstSeconds + secondSeconds;

    // The engine's own work: the same customers through three wait steps (no side effects).
    const fresh = (await signIn()).token;
    const waits = await call(
      'POST',
      '/api/staff/journeys',
      {
        name: '压测旅程（仅等待）',
        definition: {
          entry: {
            kind: 'one_off',
            audience: { rule: { type: 'attribute', field: 'ownerStaffId', op: 'eq', value: String(BENCH_OWNER) } },
          },
          start: 'w1',
          steps: [
            { id: 'w1', type: 'wait', duration: { minutes: 1 }, next: 'w2' },
            { id: 'w2', type: 'wait', duration: { minutes: 1 }, next: 'w3' },
            { id: 'w3', type: 'wait', duration: { minutes: 1 } },
          ],
        },
      },
      fresh,
    );
    if (waits.status !== 201) throw new Error(`create the waits journey: ${JSON.stringify(waits.body)}`);
    const waitsAt = new Date(t0.getTime() + 2 * DAY);
    setJourneyClock(() => waitsAt);
    const waitsEnabled = await call('POST', `/api/staff/journeys/${waits.body.id}/enable`, undefined, fresh);
    if (waitsEnabled.status !== 200) throw new Error(`enable the waits journey: ${JSON.stringify(waitsEnabled.body)}`);
    await runJourneyEngineOnce({ now: waitsAt, instanceId: 'bench-entry', limit: 0 });
    operations.clear();
    started = performance.now();
    let waitSteps = 0;
    for (let minute = 1; minute <= 3; minute++)
      waitSteps += moved(await runInstances(new Date(waitsAt.getTime() + minute * 60_000 + 1000)));
    const waitSeconds = seconds(started);
    takeOps('engine alone: three wait steps', waitSteps);

    // Side effects, counted afterwards.
    const customerIds = (await EnrolmentModel.find({ journeyId }, { customerId: 1 }).lean()).map((e) => e.customerId);
    const tags = await CustomerTagModel.countDocuments({ organisationId: org, name: TAG });
    const tagEvents = await EventModel.countDocuments({
      organisationId: new Types.ObjectId(org),
      type: 'tag.added',
      'properties.name': TAG,
    });
    const executions = await ExecutionModel.countDocuments({ journeyId });
    const keys = (await ExecutionModel.distinct('key', { journeyId })).length;
    const sms = await SandboxSmsModel.countDocuments({ templateCode: 'SMS_BENCH' });
    const smsDuplicates = await SandboxSmsModel.aggregate([
      { $match: { templateCode: 'SMS_BENCH' } },
      { $group: { _id: '$outId', n: { $sum: 1 } } },
      { $match: { n: { $gt: 1 } } },
      { $count: 'duplicates' },
    ]);
    const completed = await EnrolmentModel.countDocuments({ journeyId, status: 'completed' });

    // Baseline: the same documents through three passes of bare batched conditional updates, same instances.
    const baseline = mongoose.connection.collection('bench_journey_baseline');
    await baseline.deleteMany({});
    // Its conditional update names exactly these fields, as the engine's do: one index lookup each, not a scan.
    await baseline.createIndex({ _id: 1, step: 1 }, { unique: true });
    for (let from = 0; from < customerIds.length; from += 5000) {
      await baseline.insertMany(
        customerIds.slice(from, from + 5000).map((customerId) => ({ customerId, step: 0, dueAt: t0 })),
        { ordered: false },
      );
    }
    started = performance.now();
    for (let pass = 1; pass <= 3; pass++) {
      await Promise.all(
        Array.from({ length: INSTANCES }, async () => {
          for (;;) {
            const due = await baseline
              .find({ step: pass - 1, dueAt: { $lte: t0 } }, { projection: { _id: 1 } })
              .limit(BATCH)
              .toArray();
            if (!due.length) return;
            await baseline.bulkWrite(
              due.map((doc) => ({
                updateOne: { filter: { _id: doc._id, step: pass - 1 }, update: { $set: { step: pass, dueAt: t0 } } },
              })),
              { ordered: false },
            );
          }
        }),
      );
    }
    const baselineSeconds = seconds(started);
    const baselineDone = await baseline.countDocuments({ step: 3 });

    const line = (label: string, value: string) => console.log(`${label.padEnd(44)} ${value}`);
    console.log(
      `\njourneys bench on ${database.server}: ${CUSTOMERS.toLocaleString('en')} customers, ${INSTANCES} engine instances, batches of ${BATCH}`,
    );
    line('tag facts built (segment evaluation)', `${factsSeconds.toFixed(1)} s`);
    line(
      'enrolment (one-off run, entered events)',
      `${enrolled.toLocaleString('en')} in ${enrolSeconds.toFixed(1)} s (${rate(enrolled, enrolSeconds)}; run said ${entry.scheduled})`,
    );
    line(
      'step 1 add_tag',
      `${moved(first).toLocaleString('en')} in ${firstSeconds.toFixed(1)} s (${rate(moved(first), firstSeconds)})`,
    );
    line(
      'steps 2–3 wait end + send_sms',
      `${moved(second).toLocaleString('en')} in ${secondSeconds.toFixed(1)} s (${rate(moved(second), secondSeconds)})`,
    );
    line('steps per second (all three steps)', rate(steps, stepSeconds));
    line(
      'engine alone: three wait steps',
      `${waitSteps.toLocaleString('en')} in ${waitSeconds.toFixed(1)} s (${rate(waitSteps, waitSeconds)})`,
    );
    line(
      'baseline: bare batched updates (3 passes)',
      `${(baselineDone * 3).toLocaleString('en')} in ${baselineSeconds.toFixed(1)} s (${rate(baselineDone * 3, baselineSeconds)})`,
    );
    const baselineRate = (baselineDone * 3) / baselineSeconds;
    line('engine alone / baseline', `${(waitSteps / waitSeconds / baselineRate).toFixed(2)}×`);
    line('with side effects / baseline', `${(steps / stepSeconds / baselineRate).toFixed(2)}×`);
    line(
      'retried / parked / in doubt',
      `${first.retried + second.retried} / ${first.parked + second.parked} / ${first.inDoubt + second.inDoubt}`,
    );
    console.log('\nside effects counted afterwards (expected: one each per customer)');
    line('enrolments completed', `${completed.toLocaleString('en')} of ${enrolled.toLocaleString('en')}`);
    line('tag rows', tags.toLocaleString('en'));
    line('tag.added events', tagEvents.toLocaleString('en'));
    line('SMS sent', sms.toLocaleString('en'));
    line('SMS sent twice (same execution key)', String(smsDuplicates[0]?.duplicates ?? 0));
    line(
      'executions / distinct keys',
      `${executions.toLocaleString('en')} / ${keys.toLocaleString('en')} (expected ${(enrolled * 3).toLocaleString('en')})`,
    );
    const ok =
      enrolled === CUSTOMERS &&
      waitSteps === enrolled * 3 &&
      completed === enrolled &&
      tags === enrolled &&
      tagEvents === enrolled &&
      sms === enrolled &&
      !smsDuplicates.length &&
      executions === enrolled * 3 &&
      keys === executions;
    console.log(
      ok
        ? '\nOK: every customer passed each step once, with no duplicate side effect'
        : '\nFAILED: see the counts above',
    );
    if (!ok) process.exitCode = 1;
  } finally {
    setJourneyClock(null);
    await bff.close();
    await database.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
