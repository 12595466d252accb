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
 * there are dominated by the server; the baseline, measured the same way, is what to compare with. Each phase also
 * reports the CPU it used per step, in this process and in the embedded server: on a busy machine wall time mostly
 * measures waiting for a core, CPU per step does not.
 *
 * Environment:
 *   BENCH_CUSTOMERS   customers (default 100000; e.g. 5000 for a quick run)
 *   BENCH_INSTANCES   engine instances running at once (default 3)
 *   BENCH_BATCH       rows an instance claims at a time (default 500)
 *   BENCH_PROFILE     1: also print the database operations of each timed phase, by collection and method, and
 *                     the op shapes (collection, command, filter keys) that took the most server time (driver command
 *                     monitoring: count, total and mean ms); compare a small and a large run to see which ones grow
 *   MONGODB_URI       an existing server instead of the embedded one (see tools/database.ts)
 */
import { readFileSync } from 'node:fs';
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
/** Server time by op shape since the last `takeOps` (timed through the driver's command monitoring). */
const shapes = new Map<string, { count: number; ms: number }>();
function takeOps(label: string, steps: number) {
  if (!PROFILE) return;
  const rows = [...operations].sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((count, [, n]) => count + n, 0);
  console.log(
    `  ${label}: ${total.toLocaleString('en')} operations (${(total / Math.max(1, steps)).toFixed(2)} per step)`,
  );
  for (const [key, n] of rows) console.log(`    ${String(n).padStart(7)}  ${key}`);
  const timed = [...shapes].sort((a, b) => b[1].ms - a[1].ms);
  const totalMs = timed.reduce((ms, [, shape]) => ms + shape.ms, 0);
  console.log(`  ${label}: ${Math.round(totalMs).toLocaleString('en')} ms of commands; slowest op shapes:`);
  console.log(`    ${'count'.padStart(7)} ${'total ms'.padStart(9)} ${'mean ms'.padStart(8)}  shape`);
  for (const [key, { count, ms }] of timed.slice(0, 15)) {
    console.log(
      `    ${String(count).padStart(7)} ${String(Math.round(ms)).padStart(9)} ${(ms / count).toFixed(2).padStart(8)}  ${key}`,
    );
  }
  operations.clear();
  shapes.clear();
}

/** A filter's shape: its field names (nested under operators), `field:$op` for operator conditions. */
function filterShape(filter: unknown): string {
  if (!filter || typeof filter !== 'object' || Array.isArray(filter)) return '';
  const parts = Object.entries(filter as Record<string, unknown>).map(([key, value]) => {
    if (key === '$and' || key === '$or' || key === '$nor') {
      return `${key}[${(Array.isArray(value) ? value : []).map(filterShape).join(' | ')}]`;
    }
    if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Types.ObjectId)) {
      const operators = Object.keys(value).filter((name) => name.startsWith('$'));
      if (operators.length) return `${key}:${operators.join(',')}`;
    }
    return key;
  });
  return `{${parts.join(',')}}`;
}

/** The op shape of a driver command: collection, command and the keys of its filter (first of a batch). */
function commandShape(name: string, command: Record<string, unknown>): string {
  const collection = String(name === 'getMore' ? command.collection : command[name]);
  const first = (list: unknown) => (Array.isArray(list) ? (list[0] as Record<string, unknown> | undefined) : undefined);
  let filter: unknown;
  if (name === 'find' || name === 'count' || name === 'distinct') filter = command.filter ?? command.query;
  else if (name === 'findAndModify') filter = command.query;
  else if (name === 'update') filter = first(command.updates)?.q;
  else if (name === 'delete') filter = first(command.deletes)?.q;
  else if (name === 'aggregate') filter = first(command.pipeline)?.$match;
  const batch = name === 'update' || name === 'delete' || name === 'insert';
  const size = batch ? ((command.updates ?? command.deletes ?? command.documents) as unknown[] | undefined) : undefined;
  return `${collection}.${name}${filterShape(filter)}${size && size.length > 1 ? ' (batch)' : ''}`;
}

function monitorCommands() {
  const started = new Map<number, string>();
  const client = mongoose.connection.getClient();
  client.on('commandStarted', (event) => started.set(event.requestId, commandShape(event.commandName, event.command)));
  const done = (event: { requestId: number; duration: number }) => {
    const shape = started.get(event.requestId);
    if (shape === undefined) return;
    started.delete(event.requestId);
    const entry = shapes.get(shape) ?? { count: 0, ms: 0 };
    entry.count++;
    entry.ms += event.duration;
    shapes.set(shape, entry);
  };
  client.on('commandSucceeded', done);
  client.on('commandFailed', done);
}

/**
 * CPU seconds used so far by this process and by the embedded database server (a child process of this one, read
 * from /proc; null elsewhere). On a busy machine wall time mostly measures waiting for a core: CPU per step is what
 * a change of the code moves.
 */
function cpuNow(): { node: number; db: number | null } {
  const usage = process.cpuUsage();
  let db: number | null = null;
  try {
    const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/);
    for (const pid of children) {
      if (!pid || !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('embedded-mongo')) continue;
      // utime and stime: fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second on Linux).
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .split(' ');
      db = (Number(fields[11]) + Number(fields[12])) / 100;
    }
  } catch {
    db = null;
  }
  return { node: (usage.user + usage.system) / 1e6, db };
}
const cpuLines: string[] = [];
/** Notes the CPU a phase used per step (from `cpuNow()` at its start), and says it at once (long runs). */
function cpuOf(label: string, from: ReturnType<typeof cpuNow>, steps: number, wallSeconds: number) {
  const to = cpuNow();
  const ms = (secs: number) => `${((secs * 1000) / Math.max(1, steps)).toFixed(2)} ms`;
  const db = to.db !== null && from.db !== null ? ms(to.db - from.db) : 'n/a';
  cpuLines.push(`${label.padEnd(44)} node ${ms(to.node - from.node)}, database ${db}`);
  console.log(
    `  ${label}: ${steps.toLocaleString('en')} in ${wallSeconds.toFixed(1)} s; CPU per step node ${ms(to.node - from.node)}, database ${db}`,
  );
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
  // Command monitoring is a client option: the URI carries it to the BFF's connection when profiling.
  const mongodbUri = PROFILE
    ? `${database.uri}${database.uri.includes('?') ? '&' : '?'}monitorCommands=true`
    : database.uri;
  const bff = await startBff({ env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, mongodbUri });
  if (PROFILE) monitorCommands();
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
    shapes.clear();
    let started = performance.now();
    let cpu = cpuNow();
    const entry = await runJourneyEngineOnce({ now: t0, instanceId: 'bench-entry', limit: 0 });
    const enrolSeconds = seconds(started);
    cpuOf('enrolment', cpu, CUSTOMERS, enrolSeconds);
    takeOps('enrolment', CUSTOMERS);
    const enrolled = await EnrolmentModel.countDocuments({ journeyId });

    const moved = (result: EngineRunResult) => result.passed + result.skipped + result.completed + result.exited;
    // Steps: the tag now, then (a day later) the end of the wait and the SMS.
    started = performance.now();
    cpu = cpuNow();
    const first = await runInstances(t0);
    const firstSeconds = seconds(started);
    cpuOf('step 1 add_tag', cpu, moved(first), firstSeconds);
    takeOps('step 1 add_tag', moved(first));
    started = performance.now();
    cpu = cpuNow();
    const second = await runInstances(new Date(t0.getTime() + DAY + 60_000));
    const secondSeconds = seconds(started);
    cpuOf('steps 2–3 wait end + send_sms', cpu, moved(second), secondSeconds);
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
    shapes.clear();
    started = performance.now();
    cpu = cpuNow();
    let waitSteps = 0;
    for (let minute = 1; minute <= 3; minute++)
      waitSteps += moved(await runInstances(new Date(waitsAt.getTime() + minute * 60_000 + 1000)));
    const waitSeconds = seconds(started);
    cpuOf('engine alone: three wait steps', cpu, waitSteps, waitSeconds);
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
    cpu = cpuNow();
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
    cpuOf('baseline', cpu, (await baseline.countDocuments({ step: 3 })) * 3, baselineSeconds);
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
    console.log('\nCPU per step (this process, which runs the BFF and the engines; the database server)');
    for (const cpuLine of cpuLines) console.log(cpuLine);
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
