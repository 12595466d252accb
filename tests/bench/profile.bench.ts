/**
 * `npm run bench:profile`: latency of the 360° profile (`GET /api/staff/customers/:id/profile`) and of the first
 * timeline page (`GET /api/staff/customers/:id/timeline?limit=20`) on a seeded organisation, next to baselines
 * measured in the same run on the same data: a bare `findOne` through the driver, by `_id` on `customers` and by
 * (organisationId, customerId) newest first on `events` (what the timeline index serves on MongoDB). Ratios, not absolute numbers, are
 * what to compare. Event ingestion throughput is `npm run bench:events`.
 *
 * The data is written straight into the database with unordered `insertMany` in the shapes of the mongoose models
 * (samples of each kind are validated by their models first; the BFF has built the models' indexes before seeding):
 * customers (patients and some HCPs, with clinic, owner, some phones encrypted as the BFF does), their identities
 * (every customer a mini-program openid, some a unionid, a WeCom external_userid with a follow, a verified phone),
 * a few tags, consent records, and behaviour events of the catalogue over the last two years, skewed (Pareto)
 * across customers so that a few are heavy users and some have none.
 *
 * Requests go one at a time, in rounds: each round takes a random customer and runs every operation on it once,
 * so baselines and HTTP calls see the same customers and the same state of the database. A second, shorter set of
 * rounds uses only the heaviest 1% of customers.
 *
 * Environment:
 *   BENCH_CUSTOMERS   customers to seed (default 100000)
 *   BENCH_EVENTS      events to seed (default 5000000)
 *   BENCH_REQUESTS    rounds over random customers (default 500); BENCH_HEAVY_REQUESTS over heavy ones (100)
 *   BENCH_MEASURE_MS  time budget of the random rounds (default 240000); stops early, and says so, when spent;
 *                     the heavy rounds get a fifth of it
 *   BENCH_SEED        seed of the data generator (default 1)
 *   CARELOOP_DB_JAVA_OPTS  JVM options of mongo-java-server (see tools/database.ts); when unset this script uses
 *                     `-Xmx<about 1.5 × the data, at most 70% of RAM> -XX:+ExitOnOutOfMemoryError`: the memory
 *                     backend keeps every document in the Java heap (~2.1 KB each), and the JVM's default maximum
 *                     heap, a quarter of RAM, is too small for the default scale (it stalls in GC at ~2.6 M events)
 *   MONGODB_URI       an existing server instead (see tools/database.ts): give it an empty database; this script
 *                     fills it and does not empty it
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import mongoose, { Types } from 'mongoose';
import { eventPropertiesSchema } from '@careloop/shared';
import { provisionDatabase, type ProvisionedDatabase } from '../../tools/database';
import { startBff, type RunningBff } from '../../bff/src/index';
import { CustomerModel, IdentityModel, WecomFollowModel } from '../../bff/src/identity/model';
import { EventModel } from '../../bff/src/events/model';
import { CustomerTagModel } from '../../bff/src/tags/model';
import { ConsentModel } from '../../bff/src/consent/model';
import { ClinicModel } from '../../bff/src/organisations/model';
import { StaffModel } from '../../bff/src/staff/model';
import { createPhoneVault, isTestPhoneNumber } from '../../bff/src/privacy/phone';

const envNumber = (name: string, fallback: number) => {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return Math.floor(value);
};

const CUSTOMERS = envNumber('BENCH_CUSTOMERS', 100_000);
const EVENTS = envNumber('BENCH_EVENTS', 5_000_000);
const REQUESTS = envNumber('BENCH_REQUESTS', 500);
const HEAVY_REQUESTS = envNumber('BENCH_HEAVY_REQUESTS', 100);
const MEASURE_MS = envNumber('BENCH_MEASURE_MS', 240_000);
const SEED = envNumber('BENCH_SEED', 1);
/** Documents per insertMany, and how many insertMany calls are in flight at once. */
const BATCH = 10_000;
const IN_FLIGHT = 3;
const WARM_UP_ROUNDS = 10;
const BASE_CUSTOMER = 'customers.findOne({_id}) (baseline)';
const BASE_EVENT = 'events.findOne({org, customer}) newest (baseline)';
const TIMELINE_LIMIT = 20;
const PROFILE = 'GET …/customers/:id/profile';
const TIMELINE = `GET …/customers/:id/timeline?limit=${TIMELINE_LIMIT}`;
/** Documents seeded per customer besides events: the customer, ~1.8 identities, ~0.25 follows, ~1.4 tags, ~0.7 consents. */
const DOCUMENTS_PER_CUSTOMER = 5.2;
const JAVA_BYTES_PER_DOCUMENT = 2_200;
const DAY = 86_400_000;
const GIB = 1024 ** 3;

if (CUSTOMERS < 1) throw new Error('BENCH_CUSTOMERS must be at least 1');

// ---------------------------------------------------------------------------------------------------------------
// Deterministic randomness

/** A small seeded generator (xorshift32 with a splitmix-style start), uniform in [0, 1). */
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
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
const chance = (p: number) => random() < p;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const token = (length: number) => Array.from({ length }, () => ALPHABET[int(64)]).join('');
/** This run's marker in generated ids (not from the seeded generator: it differs between runs). */
const RUN = randomBytes(3).toString('hex');

/** An ObjectId whose timestamp is `at` (as if created then), unique by `seq`. */
function objectIdAt(at: number, seq: number): Types.ObjectId {
  const seconds = Math.floor(at / 1000)
    .toString(16)
    .padStart(8, '0');
  return new Types.ObjectId(seconds + RUN + seq.toString(16).padStart(10, '0'));
}

// ---------------------------------------------------------------------------------------------------------------
// Memory: this process, the database process (a child when it is mongo-java-server), the machine

function readKb(file: string, field: string): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function javaChildPid(): number | null {
  try {
    for (const task of readdirSync(`/proc/${process.pid}/task`)) {
      const children = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim().split(/\s+/);
      for (const child of children.filter(Boolean)) {
        if (readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'java') return Number(child);
      }
    }
  } catch {
    // not Linux, or the process is gone
  }
  return null;
}

class MemoryWatch {
  private javaPid: number | null = null;
  peakJava = 0;
  peakNode = 0;
  lowestAvailable = Infinity;
  private timer: NodeJS.Timeout | undefined;

  start() {
    this.javaPid = javaChildPid();
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
  }

  sample() {
    const node = process.memoryUsage().rss;
    const java = this.javaPid ? readKb(`/proc/${this.javaPid}/status`, 'VmRSS') : null;
    const available = readKb('/proc/meminfo', 'MemAvailable');
    this.peakNode = Math.max(this.peakNode, node);
    if (java !== null) this.peakJava = Math.max(this.peakJava, java);
    if (available !== null) this.lowestAvailable = Math.min(this.lowestAvailable, available);
    return { node, java, available };
  }

  /** False once the database process this watch found has exited. */
  databaseAlive() {
    return this.javaPid === null || readKb(`/proc/${this.javaPid}/status`, 'VmRSS') !== null;
  }

  describe() {
    const now = this.sample();
    const gib = (bytes: number | null) => (bytes === null ? 'n/a' : `${(bytes / GIB).toFixed(2)} GiB`);
    const java = this.javaPid ? `database (java pid ${this.javaPid}) rss ${gib(now.java)}, ` : '';
    return `${java}node rss ${gib(now.node)}, machine available ${gib(now.available)}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Seeding

/** Inserts `total` documents made `BATCH` at a time by `make`, unordered, with IN_FLIGHT calls in flight. */
async function insertAll(
  name: string,
  collection: mongoose.mongo.Collection,
  total: number,
  make: (from: number, to: number) => Record<string, unknown>[],
  memory: MemoryWatch,
) {
  const started = performance.now();
  let next = 0;
  let inserted = 0;
  let reported = 0;
  let generateMs = 0;
  const worker = async () => {
    while (next < total) {
      const from = next;
      const to = Math.min(total, from + BATCH);
      next = to;
      const t0 = performance.now();
      const docs = make(from, to);
      generateMs += performance.now() - t0;
      if (docs.length) await collection.insertMany(docs, { ordered: false });
      inserted += docs.length;
      if (total >= 200_000 && inserted - reported >= total / 10) {
        reported = inserted;
        const seconds = (performance.now() - started) / 1000;
        console.log(
          `  ${name}: ${inserted.toLocaleString('en')} in ${seconds.toFixed(0)} s ` +
            `(${Math.round(inserted / seconds).toLocaleString('en')}/s); ${memory.describe()}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { name, documents: inserted, seconds, generateSeconds: generateMs / 1000 };
}

/**
 * Checks that a generated document is what the model would store: no field the schema lacks (mongoose would drop
 * it silently) and the model's validation passes. Throws with the model's complaint if not.
 */
async function assertShape(
  model: {
    modelName: string;
    schema: { path(path: string): unknown };
    new (doc: Record<string, unknown>): { validate(): Promise<void> };
  },
  doc: Record<string, unknown>,
) {
  const unknown = Object.keys(doc).filter((key) => !model.schema.path(key));
  if (unknown.length) throw new Error(`generated ${model.modelName} has fields its schema lacks: ${unknown}`);
  try {
    await new model(doc).validate();
  } catch (error) {
    throw new Error(`generated ${model.modelName} does not fit the model: ${(error as Error).message}`);
  }
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭'];
const GIVEN = '伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英'.split(' ');
const TAGS = '种植意向 正畸意向 洁牙 儿童齿科 高价值 价格敏感 已到店 老客户 活动报名 复诊提醒'.split(' ');
const HOSPITALS = ['上海市第九人民医院', '华山医院', '瑞金医院', '中山医院', '仁济医院'];
const DEPARTMENTS = ['口腔修复科', '口腔正畸科', '口腔颌面外科', '牙周科'];
const TITLES = ['主任医师', '副主任医师', '主治医师', '住院医师'];

/** The event mix: mostly mini-program behaviour, the rest what the backend's domains record. */
const EVENT_MIX: { type: string; weight: number; source: string }[] = [
  { type: 'page.viewed', weight: 40, source: 'miniapp' },
  { type: 'content.opened', weight: 12, source: 'miniapp' },
  { type: 'content.dwell', weight: 10, source: 'miniapp' },
  { type: 'content.finished', weight: 5, source: 'miniapp' },
  { type: 'share.clicked', weight: 3, source: 'miniapp' },
  { type: 'qr.scanned', weight: 3, source: 'miniapp' },
  { type: 'wecom.contact_added', weight: 2, source: 'wecom' },
  { type: 'appointment.booked', weight: 4, source: 'server' },
  { type: 'appointment.arrived', weight: 3, source: 'server' },
  { type: 'appointment.cancelled', weight: 1, source: 'server' },
  { type: 'payment.paid', weight: 3, source: 'wechat_pay' },
  { type: 'coupon.claimed', weight: 3, source: 'server' },
  { type: 'coupon.redeemed', weight: 2, source: 'server' },
  { type: 'tag.added', weight: 3, source: 'server' },
  { type: 'consent.changed', weight: 1, source: 'server' },
  { type: 'identity.linked', weight: 2, source: 'server' },
  { type: 'task.completed', weight: 2, source: 'server' },
  { type: 'meeting.signed_up', weight: 1, source: 'server' },
  { type: 'meeting.checked_in', weight: 1, source: 'server' },
];

function eventProperties(type: string, seq: number): Record<string, unknown> {
  const content = `art-${int(800)}`;
  const id = seq.toString(36);
  switch (type) {
    case 'page.viewed':
      return chance(0.5)
        ? { path: `pages/content/detail?id=${int(800)}`, title: '种植牙常见问题' }
        : { path: pick(['pages/index/index', 'pages/me/index', 'pages/booking/index', 'pages/clinic/list']) };
    case 'content.opened':
    case 'content.finished':
      return { contentId: content };
    case 'content.dwell':
      return { contentId: content, seconds: 1 + int(600) };
    case 'share.clicked':
      return { target: pick(['friend', 'group', 'moments', 'poster', 'link'] as const) };
    case 'qr.scanned':
      return { scene: `ch=${pick(['poster', 'clinic', 'event', 'staff'])}&s=${int(100)}` };
    case 'wecom.contact_added':
      return { staffId: pick(['zhangwei', 'wangfang']), state: `qr-${int(20)}` };
    case 'payment.paid':
      return { paymentId: `pay-${id}`, amountFen: 100 * (50 + int(20_000)) };
    case 'coupon.claimed':
    case 'coupon.redeemed':
      return { couponId: `cpn-${int(40)}` };
    case 'tag.added':
      return { tagId: `tag-${int(10)}` };
    case 'consent.changed':
      return { privacyPolicyVersion: null, marketing: chance(0.7), channel: 'miniapp' };
    case 'identity.linked':
      return { kind: pick(['unionid', 'wecom_external_userid', 'phone']), app: '' };
    case 'task.completed':
      return { taskId: `task-${id}` };
    case 'meeting.signed_up':
    case 'meeting.checked_in':
      return { meetingId: `mtg-${int(30)}` };
    default:
      return { appointmentId: `apt-${id}` };
  }
}

interface Org {
  organisationId: Types.ObjectId;
  clinicIds: Types.ObjectId[];
  staff: { id: Types.ObjectId; wecomUserId: string }[];
}

async function seed(bff: RunningBff, org: Org, memory: MemoryWatch) {
  const { config } = bff;
  const vault = createPhoneVault(config);
  const now = Date.now();
  const span = 730 * DAY;
  const consultants = org.staff.filter((s) => ['zhangwei', 'wangfang'].includes(s.wecomUserId));
  const owners = consultants.length ? consultants : org.staff;
  const organisationId = org.organisationId;

  // Who each customer is, when they arrived, when they were active, and how much (Pareto, capped; 10% never).
  const customerIds: Types.ObjectId[] = new Array(CUSTOMERS);
  const createdAt = new Float64Array(CUSTOMERS);
  const activeFrom = new Float64Array(CUSTOMERS);
  const activeTo = new Float64Array(CUSTOMERS);
  const cumulative = new Float64Array(CUSTOMERS);
  let weightSum = 0;
  for (let i = 0; i < CUSTOMERS; i++) {
    createdAt[i] = now - random() * span;
    customerIds[i] = objectIdAt(createdAt[i]!, i);
    activeFrom[i] = createdAt[i]!;
    activeTo[i] = chance(0.4) ? now : createdAt[i]! + (now - createdAt[i]!) * random();
    const weight = chance(0.1) ? 0 : Math.min(500, (1 - random()) ** (-1 / 1.16));
    weightSum += weight;
    cumulative[i] = weightSum;
  }
  const customerOf = (r: number) => {
    let lo = 0;
    let hi = CUSTOMERS - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };

  const customers = (from: number, to: number) => {
    const docs = [];
    for (let i = from; i < to; i++) {
      const created = new Date(createdAt[i]!);
      const kind = chance(0.05) ? 'hcp' : 'patient';
      let phone = null;
      // Unique by customer; the few the BFF treats as test numbers (e.g. 13900000000) get no phone.
      const number = `1${pick(['35', '37', '38', '39', '58', '86', '88'])}${String(i).padStart(8, '0')}`;
      if (chance(0.4) && !isTestPhoneNumber(number)) {
        phone = {
          ciphertext: vault.encrypt(number),
          lookupHash: vault.lookupHash(number),
          masked: vault.mask(number),
          verified: chance(0.7),
          source: 'wechat_phone_code',
          updatedAt: created,
        };
        if (!phone.verified) phone.source = pick(['typed_by_customer', 'typed_by_staff']);
      }
      const verified = kind === 'hcp' && chance(0.4);
      docs.push({
        _id: customerIds[i],
        organisationId,
        kind,
        name: chance(0.9) ? pick(SURNAMES) + pick(GIVEN) + (chance(0.5) ? pick(GIVEN) : '') : null,
        gender: chance(0.95) ? pick(['female', 'female', 'male', 'male', 'other']) : null,
        birthday: chance(0.7)
          ? `${1950 + int(60)}-${String(1 + int(12)).padStart(2, '0')}-${String(1 + int(28)).padStart(2, '0')}`
          : null,
        clinicId: pick(org.clinicIds),
        ownerStaffId: chance(0.6) ? pick(owners).id : null,
        hcp:
          kind === 'hcp'
            ? {
                hospital: pick(HOSPITALS),
                department: pick(DEPARTMENTS),
                title: pick(TITLES),
                verification: verified ? 'verified' : 'unverified',
                verifiedBy: verified ? pick(org.staff).id : null,
                verifiedAt: verified ? created : null,
                evidence: verified ? '执业证书已核验' : null,
              }
            : null,
        phone,
        mergedInto: null,
        mergedAt: null,
        erasedAt: null,
        createdAt: created,
        updatedAt: created,
      });
    }
    return docs;
  };

  // Identities, follows, tags and consents are made per customer; they reread the customer's phone through its
  // seeded number (the same formula), so each generator only needs the index.
  const phoneHashes = new Map<number, string>();
  const identitiesAndFollows = (from: number, to: number) => {
    const identities = [];
    const follows = [];
    for (let i = from; i < to; i++) {
      const at = new Date(createdAt[i]!);
      const base = { organisationId, customerId: customerIds[i], createdAt: at, updatedAt: at };
      identities.push({ ...base, kind: 'miniapp_openid', app: config.wechat.appId, value: `o${RUN}${token(23)}` });
      if (chance(0.3)) identities.push({ ...base, kind: 'unionid', app: '', value: `u${RUN}${token(23)}` });
      if (chance(0.25)) {
        const externalUserId = `wm${RUN}${token(26)}`;
        identities.push({ ...base, kind: 'wecom_external_userid', app: config.wecom.corpId, value: externalUserId });
        follows.push({
          organisationId,
          externalUserId,
          staffUserId: pick(owners).wecomUserId,
          addedAt: at,
          state: chance(0.5) ? `qr-${int(20)}` : null,
          createdAt: at,
          updatedAt: at,
        });
      }
      const hash = phoneHashes.get(i);
      if (hash) identities.push({ ...base, kind: 'phone', app: '', value: hash });
    }
    return { identities, follows };
  };

  const tagsAndConsents = (from: number, to: number) => {
    const tags = [];
    const consents = [];
    for (let i = from; i < to; i++) {
      const names = new Set(Array.from({ length: int(4) }, () => pick(TAGS)));
      for (const name of names) {
        const source = pick(['manual', 'manual', 'manual', 'channel', 'rule'] as const);
        tags.push({
          organisationId,
          customerId: customerIds[i],
          name,
          source,
          setBy: source === 'manual' ? String(pick(org.staff).id) : null,
          setAt: new Date(createdAt[i]! + random() * (now - createdAt[i]!)),
        });
      }
      if (chance(0.7)) {
        const accepted = new Date(createdAt[i]!);
        const history: Record<string, unknown>[] = [
          {
            id: `${RUN}-c${i}-0`,
            type: 'policy_accepted',
            policyVersion: config.privacy.policyVersion,
            channel: 'miniapp',
            actorKind: 'customer',
            actorId: null,
            at: accepted,
            eventRecorded: true,
          },
        ];
        const granted = chance(0.5);
        if (granted || chance(0.2)) {
          history.push({
            ...history[0]!,
            id: `${RUN}-c${i}-1`,
            type: granted ? 'marketing_granted' : 'marketing_withdrawn',
            policyVersion: null,
          });
        }
        consents.push({
          organisationId,
          customerId: customerIds[i],
          policy: { version: config.privacy.policyVersion, acceptedAt: accepted, channel: 'miniapp' },
          marketing: history.length > 1 ? { granted, changedAt: accepted, channel: 'miniapp' } : null,
          history,
          revision: history.length,
          erasedAt: null,
          createdAt: accepted,
          updatedAt: accepted,
        });
      }
    }
    return { tags, consents };
  };

  const eventsPerCustomer = new Int32Array(CUSTOMERS);
  const mixTotal = EVENT_MIX.reduce((sum, entry) => sum + entry.weight, 0);
  const eventType = () => {
    let r = random() * mixTotal;
    for (const entry of EVENT_MIX) if ((r -= entry.weight) < 0) return entry;
    return EVENT_MIX[0]!;
  };
  const checkedTypes = new Set<string>();
  const events = (from: number, to: number) => {
    const docs = [];
    for (let seq = from; seq < to; seq++) {
      const i = weightSum > 0 ? customerOf(random() * weightSum) : int(CUSTOMERS);
      eventsPerCustomer[i]! += 1;
      const occurredAt = activeFrom[i]! + random() * (activeTo[i]! - activeFrom[i]!);
      const { type, source } = eventType();
      const properties = eventProperties(type, seq);
      if (!checkedTypes.has(type)) {
        eventPropertiesSchema(type)!.parse(properties); // the catalogue accepts what we generate
        checkedTypes.add(type);
      }
      const customerId = customerIds[i]!;
      docs.push({
        organisationId,
        customerId,
        type,
        occurredAt: new Date(occurredAt),
        receivedAt: new Date(occurredAt + (source === 'miniapp' ? 1000 + int(60_000) : int(1000))),
        source,
        sourceEventId:
          source === 'miniapp' ? `${customerId.toHexString()}:${RUN}${seq.toString(36)}` : `${type}:${RUN}:${seq}`,
        properties,
        ...(source === 'server' && chance(0.3) && { actor: String(pick(org.staff).id) }),
      });
    }
    return docs;
  };

  // Samples of each kind must fit their models before anything is written (they only use up random numbers).
  for (const doc of customers(0, Math.min(CUSTOMERS, 50))) await assertShape(CustomerModel, doc);
  const sample = identitiesAndFollows(0, Math.min(CUSTOMERS, 20));
  for (const doc of sample.identities) await assertShape(IdentityModel, doc);
  for (const doc of sample.follows) await assertShape(WecomFollowModel, doc);
  const sampleExtras = tagsAndConsents(0, Math.min(CUSTOMERS, 20));
  for (const doc of sampleExtras.tags) await assertShape(CustomerTagModel, doc);
  for (const doc of sampleExtras.consents) await assertShape(ConsentModel, doc);
  for (const doc of events(0, 100)) await assertShape(EventModel, doc);
  eventsPerCustomer.fill(0);

  const db = mongoose.connection.db!;
  const results = [];
  const started = performance.now();
  results.push(
    await insertAll(
      'customers',
      db.collection('customers'),
      CUSTOMERS,
      (from, to) => {
        const docs = customers(from, to);
        docs.forEach((doc, k) => {
          const phone = doc.phone as { verified: boolean; lookupHash: string } | null;
          if (phone?.verified) phoneHashes.set(from + k, phone.lookupHash);
        });
        return docs;
      },
      memory,
    ),
  );
  const follows: Record<string, unknown>[] = [];
  results.push(
    await insertAll(
      'identities',
      db.collection('identities'),
      CUSTOMERS,
      (from, to) => {
        const made = identitiesAndFollows(from, to);
        follows.push(...made.follows);
        return made.identities;
      },
      memory,
    ),
  );
  results.push(
    await insertAll(
      'wecom_follows',
      db.collection('wecom_follows'),
      follows.length,
      (f, t) => follows.slice(f, t),
      memory,
    ),
  );
  const consents: Record<string, unknown>[] = [];
  results.push(
    await insertAll(
      'customer_tags',
      db.collection('customer_tags'),
      CUSTOMERS,
      (from, to) => {
        const made = tagsAndConsents(from, to);
        consents.push(...made.consents);
        return made.tags;
      },
      memory,
    ),
  );
  results.push(
    await insertAll('consents', db.collection('consents'), consents.length, (f, t) => consents.slice(f, t), memory),
  );
  results.push(await insertAll('events', db.collection('events'), EVENTS, events, memory));
  const seconds = (performance.now() - started) / 1000;
  return { results, seconds, customerIds, eventsPerCustomer };
}

// ---------------------------------------------------------------------------------------------------------------
// Measuring

interface Operation {
  name: string;
  run: (customerId: Types.ObjectId) => Promise<void>;
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** Rounds over customers from `choose`, every operation once per round (order rotated), until `rounds` or `budgetMs`. */
async function measure(
  operations: Operation[],
  choose: () => Types.ObjectId,
  rounds: number,
  budgetMs: number,
  memory: MemoryWatch,
) {
  // Warm-up (JIT, connection pools, caches): WARM_UP_ROUNDS rounds, or fewer when they eat a tenth of the budget.
  const warmUpStarted = performance.now();
  for (let round = 0; round < WARM_UP_ROUNDS && performance.now() - warmUpStarted < budgetMs / 10; round++) {
    const customerId = choose();
    for (const operation of operations) await operation.run(customerId);
  }
  const latencies = operations.map(() => [] as number[]);
  // A failed request is counted, not timed, and the run goes on: the failures are part of the result.
  const failures = operations.map(() => ({ count: 0, first: '' }));
  const started = performance.now();
  let done = 0;
  while (done < rounds && performance.now() - started < budgetMs) {
    const customerId = choose();
    for (let k = 0; k < operations.length; k++) {
      const index = (k + done) % operations.length;
      const t0 = performance.now();
      try {
        await operations[index]!.run(customerId);
        latencies[index]!.push(performance.now() - t0);
      } catch (error) {
        const failure = failures[index]!;
        failure.count += 1;
        failure.first ||= `${(error as Error).message.slice(0, 300)} (after ${(performance.now() - t0).toFixed(0)} ms)`;
      }
    }
    done += 1;
    if (!memory.databaseAlive()) throw new Error('the database process exited during the measurement');
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    rounds: done,
    seconds,
    outOfTime: done < rounds,
    stats: operations.map((operation, index) => {
      const sorted = latencies[index]!.sort((a, b) => a - b);
      const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
      return {
        name: operation.name,
        n: sorted.length,
        p50: sorted.length ? percentile(sorted, 0.5) : NaN,
        p99: sorted.length ? percentile(sorted, 0.99) : NaN,
        mean,
        failures: failures[index]!,
      };
    }),
  };
}

/** Which baseline each HTTP route is compared with. */
const BASELINE_OF: Record<string, string | undefined> = { [PROFILE]: BASE_CUSTOMER, [TIMELINE]: BASE_EVENT };

function printTable(title: string, result: Awaited<ReturnType<typeof measure>>) {
  const byName = new Map(result.stats.map((stat) => [stat.name, stat]));
  const eventBaseline = byName.get(BASE_EVENT)!;
  console.log(
    `\n${title}: ${result.rounds} rounds in ${result.seconds.toFixed(0)} s` +
      (result.outOfTime ? ' (stopped by BENCH_MEASURE_MS before BENCH_REQUESTS; p99 of few samples is rough)' : ''),
  );
  console.table(
    result.stats.map((stat) => {
      const baseline = byName.get(BASELINE_OF[stat.name] ?? '');
      return {
        operation: stat.name,
        n: stat.n,
        failed: stat.failures.count,
        'median ms': stat.p50.toFixed(2),
        'p99 ms': stat.p99.toFixed(2),
        'mean ms': stat.mean.toFixed(2),
        'median vs baseline': baseline ? (stat.p50 / baseline.p50).toFixed(1) + '×' : '',
        'p99 vs baseline': baseline ? (stat.p99 / baseline.p99).toFixed(1) + '×' : '',
        'median vs events.findOne': (stat.p50 / eventBaseline.p50).toFixed(2) + '×',
      };
    }),
  );
  for (const stat of result.stats) {
    if (stat.failures.count) console.log(`${stat.name}: ${stat.failures.count} failed; first: ${stat.failures.first}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const runStarted = performance.now();
  const totalRam = os.totalmem();
  // The memory backend holds about 2.1 KB of Java heap per document (measured: 1.1 GB live after a full GC for
  // 0.55 M documents; 11.1 GiB of old generation for 5.5 M). Heap: half again that, plus 1 GiB, at most 70% of RAM.
  const estimatedLive = (EVENTS + CUSTOMERS * DOCUMENTS_PER_CUSTOMER) * JAVA_BYTES_PER_DOCUMENT;
  const heapGiB = Math.min(Math.floor((totalRam * 0.7) / GIB), Math.ceil((estimatedLive * 1.5) / GIB) + 1);
  const javaOptionsDefaulted = !process.env.CARELOOP_DB_JAVA_OPTS && !process.env.MONGODB_URI;
  if (javaOptionsDefaulted) {
    process.env.CARELOOP_DB_JAVA_OPTS = `-Xmx${heapGiB}g -XX:+ExitOnOutOfMemoryError`;
    if (estimatedLive * 1.15 > heapGiB * GIB) {
      console.warn(
        `warning: about ${(estimatedLive / GIB).toFixed(1)} GiB of data may not fit a ${heapGiB} GiB heap ` +
          '(70% of RAM); lower BENCH_EVENTS or use MONGODB_URI',
      );
    }
  }
  console.log(
    `bench:profile: ${CUSTOMERS.toLocaleString('en')} customers, ${EVENTS.toLocaleString('en')} events, seed ${SEED}; ` +
      `${os.cpus().length} CPUs, ${(totalRam / GIB).toFixed(1)} GiB RAM` +
      (process.env.MONGODB_URI ? '' : `; CARELOOP_DB_JAVA_OPTS=${process.env.CARELOOP_DB_JAVA_OPTS}`) +
      (javaOptionsDefaulted ? ` (default of this script for ~${(estimatedLive / GIB).toFixed(1)} GiB of data)` : ''),
  );

  const memory = new MemoryWatch();
  let database: ProvisionedDatabase | undefined;
  let bff: RunningBff | undefined;
  try {
    database = await provisionDatabase({ purpose: 'test' });
    memory.start();
    // mongo-java-server runs queries on the few threads that also answer the driver's monitor. At full scale one
    // query scans millions of documents for tens of seconds (and a too-small heap stalls it in GC); the monitor's
    // hello then waits, and after connectTimeoutMS (30 s by default) the driver clears the pool and interrupts every
    // operation in flight ("interrupted due to server monitor timeout"). Let it wait longer.
    const mongodbUri =
      database.server === 'mongo-java-server' ? `${database.uri}?connectTimeoutMS=600000` : database.uri;
    bff = await startBff({
      env: {
        CARELOOP_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        // The BFF's errors (e.g. a 500's cause) reach stderr; BENCH_LOG_LEVEL=silent hides them.
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
        DEMO_SEED: 'true',
        ACCESS_TOKEN_TTL_SECONDS: '3600',
      },
      mongodbUri,
    });
    const url = bff.url;
    // startBff has built every model's indexes; init() again is a no-op that makes the dependency explicit.
    await Promise.all(
      [CustomerModel, IdentityModel, WecomFollowModel, CustomerTagModel, ConsentModel, EventModel].map((m) => m.init()),
    );

    const post = async (path: string, body: unknown) => {
      const response = await fetch(url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const signIn = async () => {
      const { code } = await post('/sandbox/control/wecom/oauth-code', { userid: 'zhangwei' });
      return (await post('/api/staff/auth/wecom', { code })) as {
        accessToken: string;
        staff: { organisation: { id: string } };
      };
    };
    const staffLogin = await signIn();
    const organisationId = new Types.ObjectId(staffLogin.staff.organisation.id);
    const org: Org = {
      organisationId,
      clinicIds: (await ClinicModel.find({ organisationId }, { _id: 1 }).lean()).map((c) => c._id),
      staff: (await StaffModel.find({ organisationId }, { wecomUserId: 1 }).lean()).map((s) => ({
        id: s._id,
        wecomUserId: s.wecomUserId,
      })),
    };

    console.log(`database: ${database.server} (${database.uri}); ${memory.describe()}`);
    let token = staffLogin.accessToken;
    const get = async (path: string) => {
      const response = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${text.slice(0, 300)}`);
      return text;
    };
    // What each route asks of the database, counted by mongoose's debug hook (it sees every query the BFF makes
    // through its models, none of this script's own driver calls).
    const queriesOf = async (path: string) => {
      const seen = new Map<string, number>();
      mongoose.set('debug', (collection: string, method: string) => {
        seen.set(`${collection}.${method}`, (seen.get(`${collection}.${method}`) ?? 0) + 1);
      });
      try {
        await get(path);
      } finally {
        mongoose.set('debug', false);
      }
      const total = [...seen.values()].reduce((a, b) => a + b, 0);
      return `${total}: ${[...seen].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', ')}`;
    };
    // Counted on a demo customer with a WeCom contact (every step of the profile runs), before seeding: requests
    // are fast then, and the BFF's background jobs (first tick a minute after start) do not run in between.
    const demo = await IdentityModel.findOne({ organisationId, kind: 'wecom_external_userid' }).lean();
    if (demo) {
      await get(`/api/staff/customers/${demo.customerId}/profile`); // first use: connections, caches
      const profileQueries = await queriesOf(`/api/staff/customers/${demo.customerId}/profile`);
      const timelineQueries = await queriesOf(
        `/api/staff/customers/${demo.customerId}/timeline?limit=${TIMELINE_LIMIT}`,
      );
      console.log(`database operations of one profile view: ${profileQueries}`);
      console.log(`database operations of one timeline page: ${timelineQueries}`);
    }

    const seeded = await seed(bff, org, memory);
    const documents = seeded.results.reduce((sum, r) => sum + r.documents, 0);
    console.log(
      `\nseeded ${documents.toLocaleString('en')} documents in ${seeded.seconds.toFixed(1)} s ` +
        `(${Math.round(documents / seeded.seconds).toLocaleString('en')}/s); ${memory.describe()}`,
    );
    console.table(
      seeded.results.map((r) => ({
        collection: r.name,
        documents: r.documents,
        seconds: r.seconds.toFixed(1),
        'docs/s': Math.round(r.documents / Math.max(r.seconds, 1e-9)),
        'of which generating (node) s': r.generateSeconds.toFixed(1),
      })),
    );
    const counts = Array.from(seeded.eventsPerCustomer).sort((a, b) => a - b);
    console.log(
      `events per customer: median ${percentile(counts, 0.5)}, p90 ${percentile(counts, 0.9)}, ` +
        `p99 ${percentile(counts, 0.99)}, max ${counts.at(-1)}; ${counts.filter((c) => c === 0).length} customers with none`,
    );

    // Operations: the two baselines straight through the driver, then the two routes through HTTP.
    const db = mongoose.connection.db!;
    const customersCollection = db.collection('customers');
    const eventsCollection = db.collection('events');
    const operations: Operation[] = [
      {
        name: BASE_CUSTOMER,
        run: async (id) => {
          if (!(await customersCollection.findOne({ _id: id }))) throw new Error(`customer ${id} not found`);
        },
      },
      {
        name: 'customers.findOne({_id, org}) (the BFF’s lookup)',
        run: async (id) => void (await customersCollection.findOne({ _id: id, organisationId })),
      },
      {
        name: BASE_EVENT,
        run: async (id) =>
          void (await eventsCollection.findOne(
            { organisationId, customerId: id },
            { sort: { occurredAt: -1, _id: -1 } },
          )),
      },
      { name: PROFILE, run: async (id) => void (await get(`/api/staff/customers/${id}/profile`)) },
      {
        name: TIMELINE,
        run: async (id) => void (await get(`/api/staff/customers/${id}/timeline?limit=${TIMELINE_LIMIT}`)),
      },
    ];

    // A sanity check of what the routes answer for the heaviest customer.
    const order = Array.from(seeded.eventsPerCustomer.keys()).sort(
      (a, b) => seeded.eventsPerCustomer[b]! - seeded.eventsPerCustomer[a]!,
    );
    const heaviest = seeded.customerIds[order[0]!]!;
    const profile = JSON.parse(await get(`/api/staff/customers/${heaviest}/profile`));
    const timeline = JSON.parse(await get(`/api/staff/customers/${heaviest}/timeline?limit=${TIMELINE_LIMIT}`));
    const counters = Object.values(profile.counters as Record<string, number>).reduce((a, b) => a + b, 0);
    console.log(
      `heaviest customer ${heaviest}: ${seeded.eventsPerCustomer[order[0]!]} events, profile says activity ` +
        `${profile.activity.level}, ${profile.activity.eventsLast30Days} in 30 days, ${counters} in a year, ` +
        `${profile.identities.length} identities, ${profile.tags.length} tags; timeline page ${timeline.items.length} items` +
        (timeline.nextCursor ? ' + cursor' : ''),
    );
    if (timeline.items.length !== Math.min(TIMELINE_LIMIT, seeded.eventsPerCustomer[order[0]!]!)) {
      throw new Error(`the timeline page has ${timeline.items.length} items`);
    }

    token = (await signIn()).accessToken;
    const chooser = randomSource(SEED + 1);
    const all = await measure(
      operations,
      () => seeded.customerIds[Math.floor(chooser() * CUSTOMERS)]!,
      REQUESTS,
      MEASURE_MS,
      memory,
    );
    printTable(`random customers (uniform over ${CUSTOMERS.toLocaleString('en')})`, all);
    console.log(memory.describe());

    if (HEAVY_REQUESTS > 0) {
      token = (await signIn()).accessToken;
      const heavy = order.slice(0, Math.max(1, Math.floor(CUSTOMERS / 100)));
      const heavyResult = await measure(
        operations,
        () => seeded.customerIds[heavy[Math.floor(chooser() * heavy.length)]!]!,
        HEAVY_REQUESTS,
        MEASURE_MS / 5,
        memory,
      );
      printTable(
        `heaviest 1% of customers (${heavy.length}, ${seeded.eventsPerCustomer[heavy.at(-1)!]}–` +
          `${seeded.eventsPerCustomer[heavy[0]!]} events each)`,
        heavyResult,
      );
    }
    if (database.server === 'mongo-java-server') {
      console.log(
        '\nnote: mongo-java-server builds only the _id index and unique indexes, and uses one only for a query on ' +
          'exactly its fields; every other query (events by customer, customers by {_id, organisationId}, ' +
          'identities and tags by customer, all aggregations) scans the whole collection. Compare ratios on MongoDB ' +
          '(MONGODB_URI) before drawing conclusions about the BFF.',
      );
    }
  } finally {
    console.log(
      `\nmemory peaks: database rss ${(memory.peakJava / GIB).toFixed(2)} GiB, node rss ${(memory.peakNode / GIB).toFixed(2)} GiB, ` +
        `lowest machine available ${(memory.lowestAvailable / GIB).toFixed(2)} GiB; ` +
        `the run took ${((performance.now() - runStarted) / 60_000).toFixed(1)} min`,
    );
    memory.stop();
    await bff?.close().catch((error: unknown) => console.error('closing the BFF failed:', error));
    await database?.stop();
  }
}

/** The error and its causes in a few lines (a failed insertMany's own text lists every id it was given). */
function describeError(error: unknown): string {
  const lines: string[] = [];
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const e = current as { name?: string; message?: string; cause?: unknown; errorResponse?: unknown };
    lines.push(`${depth ? 'caused by ' : ''}${e.name ?? 'Error'}: ${String(e.message ?? current).slice(0, 500)}`);
    current = e.cause ?? (e.errorResponse instanceof Error ? e.errorResponse : undefined);
  }
  const stack = (error as Error)?.stack?.split('\n').slice(1, 4).join('\n') ?? '';
  return `bench:profile failed: ${lines.join('\n  ')}\n${stack}`;
}

await main().catch((error: unknown) => {
  console.error(describeError(error));
  process.exitCode = 1;
});
