/**
 * Segments on the real database: the live count and first page, counts that fall back to zero as events age out
 * of the window (for segments and for the tags of the same rule), missing and null values meaning "unknown" the
 * same way in the database query and in the in-memory evaluation, materialised lists and CSV export.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RuleCondition } from '@careloop/shared';
import { createOrganisation } from '../../bff/src/organisations/service';
import { createCustomer } from '../../bff/src/identity/service';
import { updateCustomerBaseData } from '../../bff/src/identity/profile';
import { recordEvent } from '../../bff/src/events/service';
import { evaluationContext, setTagClock } from '../../bff/src/tags/clock';
import { evaluateCondition } from '../../bff/src/tags/evaluate';
import { findFacts, setFactsRegistryTtl } from '../../bff/src/tags/facts';
import { insertTag } from '../../bff/src/tags/library';
import { requestRecompute, runRecompute } from '../../bff/src/tags/recompute';
import { sweepDueTags } from '../../bff/src/tags/sweep';
import { hasTag } from '../../bff/src/tags/service';
import {
  createSegment,
  exportSegmentCsv,
  listMembers,
  materialiseSegment,
  previewSegment,
} from '../../bff/src/tags/segments';
import { startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff('tags_segments');
  setFactsRegistryTtl(0);
});
afterEach(() => setTagClock(null));
afterAll(() => bff?.close());

const DAY = 86_400_000;
const T0 = new Date('2026-05-06T04:00:00Z');

async function freshOrganisation() {
  const suffix = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  const org = await createOrganisation({
    name: `Segments ${suffix}`,
    miniappAppId: `wxSegments${suffix}`,
    wecomCorpId: `wwSegments${suffix}`,
    timeZone: 'Asia/Shanghai',
  });
  setTagClock(() => T0);
  return org.id;
}

async function customer(organisationId: string, name: string) {
  return (await createCustomer({ organisationId, kind: 'patient', name, identities: [] })).id;
}

async function viewed(organisationId: string, customerId: string, daysAgo: number) {
  await recordEvent({
    organisationId,
    customerId,
    type: 'page.viewed',
    occurredAt: new Date(T0.getTime() - daysAgo * DAY),
    properties: { path: 'pages/index/index' },
    source: 'server',
    sourceEventId: randomUUID(),
  });
}

const ACTIVE_THIS_WEEK: RuleCondition = {
  type: 'count',
  events: { types: ['page.viewed'] },
  withinDays: 7,
  op: 'gte',
  value: 1,
};

describe('segment preview', () => {
  it('counts the customers a rule selects and returns the newest first', async () => {
    const organisationId = await freshOrganisation();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await customer(organisationId, `客户${i}`);
      ids.push(id);
      if (i !== 2) await viewed(organisationId, id, i);
    }
    const preview = await previewSegment(organisationId, ACTIVE_THIS_WEEK, { limit: 3 });
    expect(preview.count).toBe(4);
    expect(preview.items.map((item) => item.name)).toEqual(['客户4', '客户3', '客户1']);
    expect(preview.items[0]).toEqual({
      id: ids[4],
      name: '客户4',
      kind: 'patient',
      gender: null,
      clinicId: null,
      ownerStaffId: null,
    });
    expect(preview.evaluatedAt).toBe(T0.toISOString());
  });

  it('falls back to zero when the events age out of the window, and so does the tag of the same rule', async () => {
    const organisationId = await freshOrganisation();
    const tag = await insertTag(organisationId, { name: '本周活跃', kind: 'dynamic', rule: ACTIVE_THIS_WEEK });
    await runRecompute((await requestRecompute(organisationId, String(tag._id), T0)).id);
    const ids = [await customer(organisationId, 'a'), await customer(organisationId, 'b')];
    await viewed(organisationId, ids[0]!, 0);
    await viewed(organisationId, ids[0]!, 1);
    await viewed(organisationId, ids[1]!, 3);
    expect((await previewSegment(organisationId, ACTIVE_THIS_WEEK, { limit: 10 })).count).toBe(2);
    expect(await hasTag(organisationId, ids[0]!, '本周活跃')).toBe(true);

    const fiveDaysOn = new Date(T0.getTime() + 5 * DAY);
    expect((await previewSegment(organisationId, ACTIVE_THIS_WEEK, { limit: 10, now: fiveDaysOn })).count).toBe(1);
    const nineDaysOn = new Date(T0.getTime() + 9 * DAY);
    expect((await previewSegment(organisationId, ACTIVE_THIS_WEEK, { limit: 10, now: nineDaysOn })).count).toBe(0);

    setTagClock(() => nineDaysOn);
    await sweepDueTags({ now: nineDaysOn });
    expect(await hasTag(organisationId, ids[0]!, '本周活跃')).toBe(false);
    expect(await hasTag(organisationId, ids[1]!, '本周活跃')).toBe(false);
    const facts = await findFacts(organisationId, ids[0]!);
    const context = await evaluationContext(organisationId, nineDaysOn);
    expect(evaluateCondition(ACTIVE_THIS_WEEK, facts!, context)).toMatchObject({ holds: false, value: 0 });
  });

  it('treats a missing or null value as unknown in the database and in memory alike', async () => {
    const organisationId = await freshOrganisation();
    const config = { privacy: bff.config.privacy };
    const people: Record<string, string> = {};
    for (const [name, changes] of [
      ['female', { gender: 'female' as const }],
      ['male', { gender: 'male' as const }],
      ['unset', {}],
      ['cleared', { gender: null }],
      ['hcp', { kind: 'hcp' as const, hcp: { hospital: '九院', department: null, title: '主任医师' } }],
    ] as const) {
      people[name] = await customer(organisationId, name);
      if (Object.keys(changes).length) await updateCustomerBaseData(config, organisationId, people[name]!, changes);
    }
    const cases: [RuleCondition, string[]][] = [
      [{ type: 'attribute', field: 'gender', op: 'eq', value: 'female' }, ['female']],
      [{ type: 'attribute', field: 'gender', op: 'ne', value: 'female' }, ['male']],
      [{ type: 'attribute', field: 'gender', op: 'notIn', values: ['male'] }, ['female']],
      [{ type: 'attribute', field: 'gender', op: 'in', values: ['male', 'female'] }, ['female', 'male']],
      [{ type: 'attribute', field: 'gender', op: 'exists' }, ['female', 'male']],
      [{ type: 'attribute', field: 'gender', op: 'missing' }, ['cleared', 'hcp', 'unset']],
      [
        { type: 'not', condition: { type: 'attribute', field: 'gender', op: 'eq', value: 'female' } },
        ['cleared', 'hcp', 'male', 'unset'],
      ],
      [{ type: 'attribute', field: 'hcp.department', op: 'ne', value: '牙周科' }, []],
      [{ type: 'attribute', field: 'hcp.department', op: 'missing' }, ['cleared', 'female', 'hcp', 'male', 'unset']],
      [{ type: 'attribute', field: 'hcp.title', op: 'eq', value: '主任医师' }, ['hcp']],
      [{ type: 'attribute', field: 'kind', op: 'ne', value: 'hcp' }, ['cleared', 'female', 'male', 'unset']],
      [{ type: 'age', min: 18 }, []],
    ];
    const context = await evaluationContext(organisationId, T0);
    const names = new Map(Object.entries(people).map(([name, id]) => [id, name]));
    for (const [rule, expected] of cases) {
      const inDatabase = (await previewSegment(organisationId, rule, { limit: 100 })).items
        .map((item) => names.get(item.id)!)
        .sort();
      const inMemory: string[] = [];
      for (const [name, id] of Object.entries(people)) {
        if (evaluateCondition(rule, (await findFacts(organisationId, id))!, context).holds) inMemory.push(name);
      }
      expect({ rule, inDatabase }).toEqual({ rule, inDatabase: expected });
      expect({ rule, inMemory: inMemory.sort() }).toEqual({ rule, inMemory: expected });
    }
  });
});

describe('saved segments', () => {
  it('materialise as a fixed list, paged, that later events do not change', async () => {
    const organisationId = await freshOrganisation();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push(await customer(organisationId, `m${i}`));
      await viewed(organisationId, ids[i]!, 1);
    }
    const segment = await createSegment(organisationId, { name: '本周活跃', rule: ACTIVE_THIS_WEEK }, 'staff');
    const list = await materialiseSegment(organisationId, segment.id, 'staff', T0);
    expect(list).toMatchObject({ status: 'ready', count: 7, segmentId: segment.id });
    await viewed(organisationId, await customer(organisationId, 'late'), 0);

    const first = await listMembers(organisationId, list.id, { limit: 4 });
    const second = await listMembers(organisationId, list.id, { limit: 4, cursor: first.nextCursor! });
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((item) => item.id)).toEqual([...ids].sort());
  });

  it('export as CSV with a header, one row per customer, and formulas defused', async () => {
    const organisationId = await freshOrganisation();
    const plain = await customer(organisationId, '王芳');
    const tricky = await customer(organisationId, '=HYPERLINK("x"),李');
    await viewed(organisationId, plain, 1);
    await viewed(organisationId, tricky, 2);
    const segment = await createSegment(organisationId, { name: 'csv', rule: ACTIVE_THIS_WEEK }, 'staff');
    const { csv, count } = await exportSegmentCsv(organisationId, segment.id, T0);
    expect(count).toBe(2);
    expect(csv.startsWith('\ufeffid,name,kind,gender,age,clinic,owner,tags\r\n')).toBe(true);
    const rows = csv.trim().split('\r\n').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows).toContain(`${plain},王芳,patient,,,,,`);
    expect(rows).toContain(`${tricky},"'=HYPERLINK(""x""),李",patient,,,,,`);
  });
});
