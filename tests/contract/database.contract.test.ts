/**
 * What CareLoop relies on from its database server, checked against whichever server the run provisioned
 * (tools/database.ts: MONGODB_URI, mongodb-memory-server or mongo-java-server). It runs before the other projects,
 * so a server that cannot do one of these things fails here, with the name of the thing, and not somewhere deep in
 * an integration test.
 */
import {
  MongoBulkWriteError,
  MongoClient,
  MongoServerError,
  type Collection,
  type Db,
  type Document,
  type OptionalUnlessRequiredId,
} from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { countLostUpdates } from '../support/concurrency';
import { testDatabaseUri } from '../support/database';

const uri = testDatabaseUri('contract');
const CLIENTS = 200;

let client: MongoClient;
let db: Db;
let collectionCount = 0;

/** A fresh, empty collection for one test. */
function freshCollection<T extends Document = Document>(name: string) {
  collectionCount += 1;
  return db.collection<T>(`${name}_${collectionCount}`);
}

/** Runs `action`, expecting it to fail with a MongoDB server error; returns that error. */
async function serverError(action: () => Promise<unknown>): Promise<MongoServerError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof MongoServerError) return error;
    throw error;
  }
  throw new Error('expected a server error, but the operation succeeded');
}

beforeAll(async () => {
  client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 10_000 });
  db = client.db();
  await db.dropDatabase();
});

afterAll(async () => {
  await client?.close();
});

it('reports a server the MongoDB Node driver accepts', async () => {
  const info = await db.admin().command({ buildInfo: 1 });
  expect(typeof info.version).toBe('string');
  const hello = await db.admin().command({ isMaster: 1 });
  expect(hello.maxWireVersion).toBeGreaterThanOrEqual(9);
  if (inject('mongodbServer') === 'mongo-java-server') expect(info.version).toBe('6.0.0');
});

describe(`under ${CLIENTS} concurrent clients`, () => {
  let clients: MongoClient[] = [];

  beforeAll(async () => {
    clients = await Promise.all(
      Array.from({ length: CLIENTS }, () =>
        MongoClient.connect(uri, { maxPoolSize: 1, serverSelectionTimeoutMS: 10_000 }),
      ),
    );
  });

  afterAll(async () => {
    await Promise.all(clients.map((each) => each.close()));
  });

  const counters = (index: number) => clients[index]!.db().collection<{ _id: string; count: number }>('counters');

  it('an atomic conditional update keeps every update', async () => {
    await db.collection('counters').insertOne({ _id: 'atomic', count: 0 } as Document);
    const lost = await countLostUpdates({
      concurrency: CLIENTS,
      increment: async (index) => {
        const result = await counters(index).updateOne({ _id: 'atomic', count: { $gte: 0 } }, { $inc: { count: 1 } });
        expect(result.modifiedCount).toBe(1);
      },
      read: async () => (await counters(0).findOne({ _id: 'atomic' }))!.count,
    });
    expect(lost).toBe(0);
    expect((await counters(0).findOne({ _id: 'atomic' }))!.count).toBe(CLIENTS);
  });

  it('the lost-update check reports the updates a non-atomic read-then-write increment loses', async () => {
    // The same check over a deliberately broken increment: it must report lost updates, or it could never fail.
    await db.collection('counters').insertOne({ _id: 'racy', count: 0 } as Document);
    const lost = await countLostUpdates({
      concurrency: CLIENTS,
      increment: async (index) => {
        const current = await counters(index).findOne({ _id: 'racy' });
        await counters(index).updateOne({ _id: 'racy' }, { $set: { count: current!.count + 1 } });
      },
      read: async () => (await counters(0).findOne({ _id: 'racy' }))!.count,
    });
    expect(lost).toBeGreaterThan(0);
  });

  it('a conditional booking stops exactly at capacity', async () => {
    const slots = (index: number) => clients[index]!.db().collection<{ _id: string; booked: number }>('slots');
    await slots(0).insertOne({ _id: 'slot', booked: 0 });
    const results = await Promise.all(
      Array.from({ length: CLIENTS }, (_, index) =>
        slots(index).updateOne({ _id: 'slot', booked: { $lt: 10 } }, { $inc: { booked: 1 } }),
      ),
    );
    expect(results.filter((result) => result.modifiedCount === 1)).toHaveLength(10);
    expect(results.filter((result) => result.matchedCount === 0)).toHaveLength(CLIENTS - 10);
    expect((await slots(0).findOne({ _id: 'slot' }))!.booked).toBe(10);
  });

  it('concurrent upserts on a unique key create one document, and a retry after E11000 updates it', async () => {
    const identities = (index: number) => clients[index]!.db().collection('identities');
    await identities(0).createIndex({ organisationId: 1, kind: 1, app: 1, value: 1 }, { unique: true });
    const key = { organisationId: 'org1', kind: 'openid', app: 'mp', value: 'o-123' };
    const upsert = (index: number) =>
      identities(index).findOneAndUpdate(
        key,
        { $setOnInsert: { createdBy: index }, $inc: { seen: 1 } },
        { upsert: true, returnDocument: 'after' },
      );
    await Promise.all(
      Array.from({ length: 50 }, async (_, index) => {
        try {
          await upsert(index);
        } catch (error) {
          if ((error as { code?: number }).code !== 11000) throw error;
          await upsert(index);
        }
      }),
    );
    const docs = await identities(0).find(key).toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0]!.seen).toBe(50);
  });
});

describe('indexes', () => {
  it('a unique index rejects a duplicate with E11000', async () => {
    const staff = freshCollection('staff');
    await staff.createIndex({ openid: 1 }, { unique: true });
    await staff.insertOne({ openid: 'o-1', name: 'Ann' });
    const error = await serverError(() => staff.insertOne({ openid: 'o-1', name: 'Bo' }));
    expect(error.code).toBe(11000);
    expect(error.message).toContain('E11000');
    expect(await staff.countDocuments()).toBe(1);
  });

  it('a compound unique index rejects only a duplicate of the whole key', async () => {
    const members = freshCollection('members');
    await members.createIndex({ corpId: 1, userid: 1 }, { unique: true });
    await members.insertMany([
      { corpId: 'c1', userid: 'u1' },
      { corpId: 'c1', userid: 'u2' },
      { corpId: 'c2', userid: 'u1' },
    ]);
    const error = await serverError(() => members.insertOne({ corpId: 'c2', userid: 'u1' }));
    expect(error.code).toBe(11000);
    expect(await members.countDocuments()).toBe(3);
  });

  it('a unique index rejects an update that would duplicate a key', async () => {
    const codes = freshCollection('codes');
    await codes.createIndex({ code: 1 }, { unique: true });
    await codes.insertMany([{ code: 'a' }, { code: 'b' }]);
    const error = await serverError(() => codes.updateOne({ code: 'b' }, { $set: { code: 'a' } }));
    expect(error.code).toBe(11000);
    expect(
      (
        await codes
          .find({}, { projection: { _id: 0 } })
          .sort({ code: 1 })
          .toArray()
      ).map((d) => d.code),
    ).toEqual(['a', 'b']);
  });

  it('a sparse unique index allows many documents without the field', async () => {
    const users = freshCollection('users');
    await users.createIndex({ unionid: 1 }, { unique: true, sparse: true });
    await users.insertMany([{ name: 'a' }, { name: 'b' }, { name: 'c', unionid: 'u1' }]);
    const error = await serverError(() => users.insertOne({ name: 'd', unionid: 'u1' }));
    expect(error.code).toBe(11000);
    expect(await users.countDocuments()).toBe(3);
  });

  it('bulkWrite with ordered:false continues past a duplicate-key error', async () => {
    const tags = freshCollection<{ _id: string; n: number }>('tags');
    await tags.insertOne({ _id: 'b', n: 0 });
    let failure: unknown;
    try {
      await tags.bulkWrite(
        [
          { insertOne: { document: { _id: 'a', n: 1 } } },
          { insertOne: { document: { _id: 'b', n: 2 } } },
          { insertOne: { document: { _id: 'c', n: 3 } } },
          { updateOne: { filter: { _id: 'a' }, update: { $inc: { n: 10 } } } },
        ],
        { ordered: false },
      );
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(MongoBulkWriteError);
    const bulkError = failure as MongoBulkWriteError;
    expect(bulkError.code).toBe(11000);
    const writeErrors = [bulkError.writeErrors].flat();
    expect(writeErrors.map((writeError) => [writeError.index, writeError.code])).toEqual([[1, 11000]]);
    // Which inserts succeeded. (Not result.insertedCount: mongo-java-server 1.47 counts the failed insert in `n`
    // of an unordered insert, reporting 3 here where MongoDB reports 2; the product does not rely on that count.)
    expect(Object.values(bulkError.result.insertedIds)).toEqual(['a', 'c']);
    expect(bulkError.result.modifiedCount).toBe(1);
    expect(await tags.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', n: 11 },
      { _id: 'b', n: 0 },
      { _id: 'c', n: 3 },
    ]);
  });
});

describe('queries', () => {
  const people = [
    { _id: 'p1', name: 'Ann Lee', age: 34, usedAt: null, expiresAt: new Date('2030-01-01T00:00:00Z') },
    { _id: 'p2', name: 'bo annan', age: 51, expiresAt: new Date('2020-01-01T00:00:00Z') },
    { _id: 'p3', name: 'Cy', age: 28, usedAt: new Date('2024-01-01T00:00:00Z'), expiresAt: new Date('2030-01-01') },
  ];
  let collection: ReturnType<typeof freshCollection<(typeof people)[number]>>;

  beforeAll(async () => {
    collection = freshCollection<(typeof people)[number]>('people');
    await collection.insertMany(people);
  });

  const ids = async (filter: Document) =>
    (await collection.find(filter).sort({ _id: 1 }).toArray()).map((document) => document._id);

  it('$expr compares two fields of a document', async () => {
    const limits = freshCollection('limits');
    await limits.insertMany([
      { _id: 1 as never, used: 3, quota: 5 },
      { _id: 2 as never, used: 5, quota: 5 },
      { _id: 3 as never, used: 7, quota: 5 },
    ]);
    const under = await limits.find({ $expr: { $lt: ['$used', '$quota'] } }).toArray();
    const atOrOver = await limits
      .find({ $expr: { $gte: ['$used', '$quota'] } })
      .sort({ _id: 1 })
      .toArray();
    expect(under.map((d) => d._id)).toEqual([1]);
    expect(atOrOver.map((d) => d._id)).toEqual([2, 3]);
  });

  it('a case-insensitive $regex with $options matches anywhere in the string', async () => {
    expect(await ids({ name: { $regex: 'ann', $options: 'i' } })).toEqual(['p1', 'p2']);
    expect(await ids({ name: { $regex: 'ann' } })).toEqual(['p2']);
  });

  it('a null condition matches a null or missing field', async () => {
    expect(await ids({ usedAt: null })).toEqual(['p1', 'p2']);
  });

  it('$gt, $lt, $ne, $in and $or filter as documented', async () => {
    expect(await ids({ expiresAt: { $gt: new Date('2025-01-01T00:00:00Z') } })).toEqual(['p1', 'p3']);
    expect(await ids({ age: { $lt: 34 } })).toEqual(['p3']);
    expect(await ids({ _id: { $ne: 'p2' } })).toEqual(['p1', 'p3']);
    expect(await ids({ _id: { $in: ['p3', 'p9'] } })).toEqual(['p3']);
    expect(await ids({ $or: [{ age: { $gt: 50 } }, { name: 'Cy' }] })).toEqual(['p2', 'p3']);
  });

  it('sort on a date descending with limit returns the newest first', async () => {
    const newest = await collection.find().sort({ expiresAt: -1, _id: 1 }).limit(2).toArray();
    expect(newest.map((d) => d._id)).toEqual(['p1', 'p3']);
  });
});

describe('aggregation stages', () => {
  const patients = [
    {
      _id: 'p1',
      name: 'Ann',
      clinic: 'north',
      age: 34,
      visits: 3,
      tags: ['diabetes', 'vip'],
      joinedAt: d('2024-01-05T08:00:00Z'),
    },
    {
      _id: 'p2',
      name: 'Bo',
      clinic: 'north',
      age: 51,
      visits: 1,
      tags: ['hypertension'],
      joinedAt: d('2024-02-10T09:30:00Z'),
    },
    { _id: 'p3', name: 'Cy', clinic: 'south', age: 28, visits: 5, tags: [], joinedAt: d('2024-02-11T23:59:00Z') },
    {
      _id: 'p4',
      name: 'Di',
      clinic: 'south',
      age: 45,
      visits: 2,
      tags: ['diabetes'],
      joinedAt: d('2024-03-01T00:00:00Z'),
    },
  ];
  const appointments = [
    { _id: 'a1', patientId: 'p1', status: 'done' },
    { _id: 'a2', patientId: 'p1', status: 'booked' },
    { _id: 'a3', patientId: 'p3', status: 'done' },
  ];
  let patientsName: string;
  let appointmentsName: string;

  function d(iso: string) {
    return new Date(iso);
  }

  beforeAll(async () => {
    const p = freshCollection('patients');
    const a = freshCollection('appointments');
    patientsName = p.collectionName;
    appointmentsName = a.collectionName;
    await p.insertMany(patients as never[]);
    await a.insertMany(appointments as never[]);
  });

  const aggregate = (pipeline: Document[]) => db.collection(patientsName).aggregate(pipeline).toArray();

  it('$match keeps only matching documents', async () => {
    expect(await aggregate([{ $match: { clinic: 'north' } }, { $sort: { _id: 1 } }, { $project: { _id: 1 } }])).toEqual(
      [{ _id: 'p1' }, { _id: 'p2' }],
    );
  });

  it('$group computes $sum, $max, $min and $first per key', async () => {
    expect(
      await aggregate([
        { $sort: { name: 1 } },
        {
          $group: {
            _id: '$clinic',
            patients: { $sum: 1 },
            visits: { $sum: '$visits' },
            oldest: { $max: '$age' },
            youngest: { $min: '$age' },
            firstName: { $first: '$name' },
          },
        },
        { $sort: { _id: 1 } },
      ]),
    ).toEqual([
      { _id: 'north', patients: 2, visits: 4, oldest: 51, youngest: 34, firstName: 'Ann' },
      { _id: 'south', patients: 2, visits: 7, oldest: 45, youngest: 28, firstName: 'Cy' },
    ]);
  });

  it('$group with a null key aggregates the whole collection', async () => {
    expect(await aggregate([{ $group: { _id: null, visits: { $sum: '$visits' } } }])).toEqual([
      { _id: null, visits: 11 },
    ]);
  });

  it('$sort, $skip and $limit page through the results in order', async () => {
    expect(
      await aggregate([{ $sort: { age: -1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { _id: 1, age: 1 } }]),
    ).toEqual([
      { _id: 'p4', age: 45 },
      { _id: 'p1', age: 34 },
    ]);
  });

  it('$project includes, excludes and renames fields', async () => {
    expect(await aggregate([{ $match: { _id: 'p2' } }, { $project: { _id: 0, name: 1, years: '$age' } }])).toEqual([
      { name: 'Bo', years: 51 },
    ]);
  });

  it('$lookup joins the matching documents of another collection', async () => {
    const joined = await aggregate([
      { $sort: { _id: 1 } },
      { $lookup: { from: appointmentsName, localField: '_id', foreignField: 'patientId', as: 'appointments' } },
      { $project: { _id: 1, appointments: 1 } },
    ]);
    expect(joined).toEqual([
      { _id: 'p1', appointments: [appointments[0], appointments[1]] },
      { _id: 'p2', appointments: [] },
      { _id: 'p3', appointments: [appointments[2]] },
      { _id: 'p4', appointments: [] },
    ]);
  });

  it('$unwind emits one document per array element and drops empty arrays', async () => {
    expect(
      await aggregate([{ $unwind: '$tags' }, { $sort: { _id: 1, tags: 1 } }, { $project: { _id: 1, tags: 1 } }]),
    ).toEqual([
      { _id: 'p1', tags: 'diabetes' },
      { _id: 'p1', tags: 'vip' },
      { _id: 'p2', tags: 'hypertension' },
      { _id: 'p4', tags: 'diabetes' },
    ]);
  });

  it('$facet runs several pipelines over the same input', async () => {
    expect(
      await aggregate([
        { $match: { age: { $gte: 30 } } },
        {
          $facet: {
            byClinic: [{ $group: { _id: '$clinic', n: { $sum: 1 } } }, { $sort: { _id: 1 } }],
            total: [{ $count: 'n' }],
            page: [{ $sort: { _id: 1 } }, { $limit: 1 }, { $project: { _id: 1 } }],
          },
        },
      ]),
    ).toEqual([
      {
        byClinic: [
          { _id: 'north', n: 2 },
          { _id: 'south', n: 1 },
        ],
        total: [{ n: 3 }],
        page: [{ _id: 'p1' }],
      },
    ]);
  });

  it('$count counts the documents that reach it', async () => {
    expect(await aggregate([{ $match: { age: { $gte: 40 } } }, { $count: 'n' }])).toEqual([{ n: 2 }]);
  });

  it('$addFields adds computed fields and keeps the others', async () => {
    expect(
      await aggregate([
        { $match: { _id: 'p3' } },
        { $addFields: { nextAge: { $add: ['$age', 1] } } },
        { $project: { tags: 0, joinedAt: 0 } },
      ]),
    ).toEqual([{ _id: 'p3', name: 'Cy', clinic: 'south', age: 28, visits: 5, nextAge: 29 }]);
  });

  it('$dateToString formats dates for grouping by month', async () => {
    expect(
      await aggregate([
        { $group: { _id: { $dateToString: { format: '%Y-%m', date: '$joinedAt' } }, n: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ]),
    ).toEqual([
      { _id: '2024-01', n: 1 },
      { _id: '2024-02', n: 2 },
      { _id: '2024-03', n: 1 },
    ]);
    expect(
      await aggregate([
        { $match: { _id: 'p3' } },
        { $project: { _id: 0, day: { $dateToString: { format: '%Y-%m-%d %H:%M', date: '$joinedAt' } } } },
      ]),
    ).toEqual([{ day: '2024-02-11 23:59' }]);
  });
});

describe('update operators', () => {
  type Card = Document & { _id: string };
  /** A fresh collection holding just `document`, typed after it. */
  const fresh = async <T extends Card>(document: T) => {
    const cards = freshCollection<T>('cards');
    await cards.insertOne(document as OptionalUnlessRequiredId<T>);
    return cards;
  };
  const only = async <T extends Card>(cards: Collection<T>) => {
    const all = await cards.find().toArray();
    expect(all).toHaveLength(1);
    return all[0];
  };

  it('$set sets top-level and nested fields', async () => {
    const cards = await fresh({ _id: 'c', name: 'Ann', profile: { city: 'Beijing' } });
    await cards.updateOne({ _id: 'c' }, { $set: { name: 'Ann Lee', 'profile.phone': '123' } });
    expect(await only(cards)).toEqual({ _id: 'c', name: 'Ann Lee', profile: { city: 'Beijing', phone: '123' } });
  });

  it('$setOnInsert applies only when an upsert inserts', async () => {
    const cards = freshCollection<Card>('cards');
    const first = await cards.updateOne(
      { _id: 'c' },
      { $set: { seenAt: 1 }, $setOnInsert: { createdAt: 1 } },
      { upsert: true },
    );
    const second = await cards.updateOne(
      { _id: 'c' },
      { $set: { seenAt: 2 }, $setOnInsert: { createdAt: 2 } },
      { upsert: true },
    );
    expect([first.upsertedCount, first.upsertedId]).toEqual([1, 'c']);
    expect([second.upsertedCount, second.matchedCount, second.modifiedCount]).toEqual([0, 1, 1]);
    expect(await only(cards)).toEqual({ _id: 'c', seenAt: 2, createdAt: 1 });
  });

  it('an upsert inserts the equality fields of its filter', async () => {
    const cards = freshCollection<Card>('cards');
    await cards.updateOne({ org: 'o1', kind: 'k' } as never, { $set: { value: 1 } }, { upsert: true });
    const inserted = await only(cards);
    expect(inserted).toMatchObject({ org: 'o1', kind: 'k', value: 1 });
  });

  it('$inc increments, and creates a missing field', async () => {
    const cards = await fresh({ _id: 'c', visits: 2 });
    await cards.updateOne({ _id: 'c' }, { $inc: { visits: 3, points: -1 } });
    expect(await only(cards)).toEqual({ _id: 'c', visits: 5, points: -1 });
  });

  it('$push appends, with $each', async () => {
    const cards = await fresh({ _id: 'c', notes: ['a'] });
    await cards.updateOne({ _id: 'c' }, { $push: { notes: 'b' } });
    await cards.updateOne({ _id: 'c' }, { $push: { notes: { $each: ['c', 'd'] } } });
    expect(await only(cards)).toEqual({ _id: 'c', notes: ['a', 'b', 'c', 'd'] });
  });

  it('$pull removes matching values and matching subdocuments', async () => {
    const cards = await fresh({ _id: 'c', tags: ['a', 'b', 'a'], items: [{ k: 1 }, { k: 2 }, { k: 3 }] });
    await cards.updateOne({ _id: 'c' }, { $pull: { tags: 'a', items: { k: { $gte: 2 } } } });
    expect(await only(cards)).toEqual({ _id: 'c', tags: ['b'], items: [{ k: 1 }] });
  });

  it('$addToSet adds only values not present, with $each', async () => {
    const cards = await fresh({ _id: 'c', tags: ['a'] });
    await cards.updateOne({ _id: 'c' }, { $addToSet: { tags: 'a' } });
    await cards.updateOne({ _id: 'c' }, { $addToSet: { tags: { $each: ['b', 'a', 'c'] } } });
    expect(await only(cards)).toEqual({ _id: 'c', tags: ['a', 'b', 'c'] });
  });

  it('$unset removes fields', async () => {
    const cards = await fresh({ _id: 'c', token: 'x', profile: { secret: 's', city: 'B' } });
    await cards.updateOne({ _id: 'c' }, { $unset: { token: '', 'profile.secret': '' } });
    expect(await only(cards)).toEqual({ _id: 'c', profile: { city: 'B' } });
  });

  it('$min and $max change a field only past the current value', async () => {
    const cards = await fresh({ _id: 'c', low: 5, high: 5 });
    await cards.updateOne({ _id: 'c' }, { $min: { low: 7 }, $max: { high: 3 } });
    expect(await only(cards)).toMatchObject({ low: 5, high: 5 });
    await cards.updateOne({ _id: 'c' }, { $min: { low: 2 }, $max: { high: 9 } });
    expect(await only(cards)).toEqual({ _id: 'c', low: 2, high: 9 });
  });

  it('the positional $ updates the first array element the filter matched', async () => {
    const cards = await fresh({
      _id: 'c',
      slots: [
        { id: 's1', booked: 0 },
        { id: 's2', booked: 0 },
      ],
    });
    const result = await cards.updateOne({ _id: 'c', 'slots.id': 's2' }, { $inc: { 'slots.$.booked': 1 } });
    expect(result.modifiedCount).toBe(1);
    expect(await only(cards)).toEqual({
      _id: 'c',
      slots: [
        { id: 's1', booked: 0 },
        { id: 's2', booked: 1 },
      ],
    });
  });

  it('arrayFilters update every array element that matches', async () => {
    const cards = await fresh({
      _id: 'c',
      tasks: [
        { id: 't1', status: 'open' },
        { id: 't2', status: 'done' },
        { id: 't3', status: 'open' },
      ],
    });
    await cards.updateOne(
      { _id: 'c' },
      { $set: { 'tasks.$[open].status': 'cancelled' } },
      { arrayFilters: [{ 'open.status': 'open' }] },
    );
    expect(await only(cards)).toEqual({
      _id: 'c',
      tasks: [
        { id: 't1', status: 'cancelled' },
        { id: 't2', status: 'done' },
        { id: 't3', status: 'cancelled' },
      ],
    });
  });

  it('findOneAndUpdate with upsert inserts, then updates and returns the document after', async () => {
    const cards = freshCollection<Card>('cards');
    const inserted = await cards.findOneAndUpdate(
      { _id: 'c' },
      { $setOnInsert: { createdAt: 1 }, $inc: { n: 1 } },
      { upsert: true, returnDocument: 'after' },
    );
    const before = await cards.findOneAndUpdate({ _id: 'c' }, { $inc: { n: 1 } }, { returnDocument: 'before' });
    const updated = await cards.findOneAndUpdate(
      { _id: 'c' },
      { $setOnInsert: { createdAt: 2 }, $inc: { n: 1 } },
      { upsert: true, returnDocument: 'after' },
    );
    const missing = await cards.findOneAndUpdate({ _id: 'x' }, { $inc: { n: 1 } });
    expect(inserted).toEqual({ _id: 'c', createdAt: 1, n: 1 });
    expect(before).toEqual({ _id: 'c', createdAt: 1, n: 1 });
    expect(updated).toEqual({ _id: 'c', createdAt: 1, n: 3 });
    expect(missing).toBeNull();
  });

  it('a conditional findOneAndUpdate spends a one-time code only once', async () => {
    const cards = await fresh({ _id: 'code', usedAt: null as Date | null, expiresAt: new Date(Date.now() + 60_000) });
    const spend = () =>
      cards.findOneAndUpdate(
        { _id: 'code', usedAt: null, expiresAt: { $gt: new Date() } },
        { $set: { usedAt: new Date() } },
        { returnDocument: 'after' },
      );
    const results = await Promise.all([spend(), spend(), spend(), spend()]);
    expect(results.filter((result) => result !== null)).toHaveLength(1);
  });

  it('updateMany updates every matching document', async () => {
    const cards = freshCollection<Card>('cards');
    await cards.insertMany([
      { _id: 'a', v: 'x', n: 0 },
      { _id: 'b', v: 'y', n: 0 },
      { _id: 'c', v: 'z', n: 0 },
    ]);
    const result = await cards.updateMany({ v: { $ne: 'y' } }, { $set: { n: 1 } });
    expect([result.matchedCount, result.modifiedCount]).toEqual([2, 2]);
    expect((await cards.find().sort({ _id: 1 }).toArray()).map((card) => card.n)).toEqual([1, 0, 1]);
  });
});
