/**
 * The tag library, dynamic tags, explanations, notes with chat-keyword tags and segments through the HTTP API of
 * the real BFF, as the sidebar and the workbench use them: who may do what, organisation isolation, the timeline
 * and the audit trail, and a dynamic tag following a mini-program event within a second.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../../bff/src/organisations/service';
import { createCustomer } from '../../bff/src/identity/service';
import { mergeCustomers } from '../../bff/src/identity/merge';
import { recordEvent } from '../../bff/src/events/service';
import { listAuditForSubject } from '../../bff/src/audit/service';
import { setFactsRegistryTtl } from '../../bff/src/tags/facts';
import { insertTag } from '../../bff/src/tags/library';
import { CustomerTagModel, RuleStateModel } from '../../bff/src/tags/model';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
type Staff = { accessToken: string; staff: { id: string; organisation: { id: string } } };
let manager: Staff;
let consultant: Staff;
let organisationId: string;

beforeAll(async () => {
  bff = await startTestBff('tags');
  setFactsRegistryTtl(0);
  manager = await signInStaff(bff, 'lina');
  consultant = await signInStaff(bff, 'zhangwei');
  organisationId = manager.staff.organisation.id;
});
afterAll(() => bff?.close());

const call = (method: string, path: string, token: string, body?: unknown) => bff.call(method, path, { token, body });
const unique = (prefix: string) => `${prefix}${randomUUID().slice(0, 6)}`;

/** Creates a dynamic tag through the API and waits for its first computation to finish. */
async function dynamicTag(name: string, rule: unknown) {
  const created = await call('POST', '/api/staff/tags', manager.accessToken, { name, kind: 'dynamic', rule });
  expect(created.status).toBe(201);
  await expect
    .poll(
      async () =>
        (await call('GET', `/api/staff/tags/${created.body.id}/recompute`, consultant.accessToken)).body.status,
      {
        timeout: 10_000,
      },
    )
    .toBe('done');
  return created.body as { id: string; name: string };
}

async function timelineTypes(customerId: string, types: string) {
  const page = await call('GET', `/api/staff/customers/${customerId}/timeline?types=${types}`, manager.accessToken);
  return page.body.items as { type: string; properties: Record<string, unknown>; actor: string | null }[];
}

describe('the library', () => {
  it('is edited by managers and read by all staff', async () => {
    const name = unique('洁牙');
    expect((await call('POST', '/api/staff/tags', consultant.accessToken, { name })).status).toBe(403);
    const group = await call('POST', '/api/staff/tag-groups', manager.accessToken, {
      name: unique('组'),
      colour: '#112233',
    });
    expect(group.status).toBe(201);
    const created = await call('POST', '/api/staff/tags', manager.accessToken, { name, groupId: group.body.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, kind: 'static', groupId: group.body.id, customers: 0, rule: null });
    expect((await call('POST', '/api/staff/tags', manager.accessToken, { name })).body.error.code).toBe(
      'TAG_NAME_TAKEN',
    );

    const library = await call('GET', '/api/staff/tags', consultant.accessToken);
    expect(library.status).toBe(200);
    expect(library.body.groups).toEqual(expect.arrayContaining([expect.objectContaining({ id: group.body.id })]));
    expect(library.body.tags).toEqual(expect.arrayContaining([expect.objectContaining({ id: created.body.id, name })]));
  });

  it('refuses rules naming unknown tags or depending on their own tag', async () => {
    const missing = await call('POST', '/api/staff/tags', manager.accessToken, {
      name: unique('坏规则'),
      kind: 'dynamic',
      rule: { type: 'tag', tagId: '0123456789abcdef01234567', has: true },
    });
    expect(missing.body.error.code).toBe('TAG_RULE_INVALID');

    const first = await dynamicTag(unique('甲'), {
      type: 'count',
      events: { types: ['qr.scanned'] },
      op: 'gte',
      value: 1,
    });
    const second = await dynamicTag(unique('乙'), { type: 'tag', tagId: first.id, has: true });
    const cycle = await call('PATCH', `/api/staff/tags/${first.id}`, manager.accessToken, {
      rule: { type: 'tag', tagId: second.id, has: false },
    });
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.code).toBe('TAG_RULE_INVALID');

    const feedsOnItself = await call('POST', '/api/staff/tags', manager.accessToken, {
      name: unique('自激'),
      kind: 'dynamic',
      rule: {
        type: 'not',
        condition: { type: 'count', events: { types: ['tag.added'] }, withinDays: 1, op: 'gte', value: 1 },
      },
    });
    expect(feedsOnItself.body.error.code).toBe('TAG_RULE_INVALID');
  });

  it('renames a tag on every customer who carries it, and archiving takes it off them', async () => {
    const patient = await signInNewPatient(bff);
    const name = unique('改名');
    await call('POST', `/api/staff/customers/${patient.customer.id}/tags`, consultant.accessToken, { name });
    const tagId = (await call('GET', `/api/staff/customers/${patient.customer.id}/tags`, consultant.accessToken)).body
      .items[0].tagId;
    const renamed = unique('新名');
    expect((await call('PATCH', `/api/staff/tags/${tagId}`, manager.accessToken, { name: renamed })).status).toBe(200);
    const tags = await call('GET', `/api/staff/customers/${patient.customer.id}/tags`, consultant.accessToken);
    expect(tags.body.items.map((tag: { name: string }) => tag.name)).toEqual([renamed]);

    expect((await call('DELETE', `/api/staff/tags/${tagId}`, manager.accessToken)).status).toBe(204);
    expect(
      (await call('GET', `/api/staff/customers/${patient.customer.id}/tags`, consultant.accessToken)).body.items,
    ).toEqual([]);
    expect((await call('GET', `/api/staff/tags/${tagId}`, consultant.accessToken)).status).toBe(404);
  });
});

describe('tags on a customer', () => {
  it('adds a static tag by name once, on the timeline once, and removes it', async () => {
    const patient = await signInNewPatient(bff);
    const name = unique('手动');
    for (let i = 0; i < 2; i++) {
      const added = await call('POST', `/api/staff/customers/${patient.customer.id}/tags`, consultant.accessToken, {
        name,
      });
      expect(added.status).toBe(204);
    }
    const tags = await call('GET', `/api/staff/customers/${patient.customer.id}/tags`, consultant.accessToken);
    expect(tags.body.items).toEqual([
      expect.objectContaining({ name, kind: 'static', source: 'manual', setBy: consultant.staff.id }),
    ]);
    const removed = await call(
      'DELETE',
      `/api/staff/customers/${patient.customer.id}/tags/${name}`,
      consultant.accessToken,
    );
    expect(removed.status).toBe(204);
    const events = await timelineTypes(patient.customer.id, 'tag.added,tag.removed');
    expect(events.map((event) => event.type)).toEqual(['tag.removed', 'tag.added']);
    expect(events[1]).toMatchObject({ properties: { name, source: 'manual' }, actor: consultant.staff.id });
    const audit = await listAuditForSubject(organisationId, { kind: 'customer', id: patient.customer.id });
    expect(audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['customer.tag_added', 'customer.tag_removed', 'customer.tags_viewed']),
    );
  });

  it('refuses to add or remove a rule tag by hand, and a managers-only tag for a consultant', async () => {
    const patient = await signInNewPatient(bff);
    const rule = await dynamicTag(unique('规则'), {
      type: 'count',
      events: { types: ['qr.scanned'], where: [{ property: 'scene', op: 'eq', value: 'rule-test' }] },
      op: 'gte',
      value: 1,
    });
    const other = await signInNewPatient(bff);
    const scanned = await bff.call('POST', '/api/mp/events', {
      token: other.accessToken,
      body: {
        events: [
          {
            id: randomUUID().replaceAll('-', ''),
            type: 'qr.scanned',
            occurredAt: new Date().toISOString(),
            properties: { scene: 'rule-test' },
          },
        ],
      },
    });
    expect(scanned.body.accepted).toBe(1);
    expect(await CustomerTagModel.exists({ customerId: other.customer.id, tagId: rule.id })).not.toBeNull();
    const add = await call('POST', `/api/staff/customers/${patient.customer.id}/tags`, manager.accessToken, {
      name: rule.name,
    });
    expect(add.body.error.code).toBe('TAG_NOT_MANUAL');
    const remove = await call(
      'DELETE',
      `/api/staff/customers/${other.customer.id}/tags/${rule.name}`,
      manager.accessToken,
    );
    expect(remove.body.error.code).toBe('TAG_NOT_MANUAL');

    const keyAccount = await call('POST', `/api/staff/customers/${patient.customer.id}/tags`, consultant.accessToken, {
      name: '重点客户',
    });
    expect(keyAccount.status).toBe(403);
    expect(
      (
        await call('POST', `/api/staff/customers/${patient.customer.id}/tags`, manager.accessToken, {
          name: '重点客户',
        })
      ).status,
    ).toBe(204);
  });

  it('follows a mini-program event within a second and explains itself in words and data', async () => {
    const tag = await dynamicTag(unique('本周浏览'), {
      type: 'count',
      events: { types: ['page.viewed'] },
      withinDays: 7,
      op: 'gte',
      value: 2,
    });
    const patient = await signInNewPatient(bff);
    const send = (id: string) =>
      bff.call('POST', '/api/mp/events', {
        token: patient.accessToken,
        body: {
          events: [
            {
              id,
              type: 'page.viewed',
              occurredAt: new Date().toISOString(),
              properties: { path: 'pages/index/index' },
            },
          ],
        },
      });
    await send(randomUUID().replaceAll('-', ''));
    const sent = Date.now();
    await send(randomUUID().replaceAll('-', ''));
    await expect
      .poll(() => CustomerTagModel.exists({ customerId: patient.customer.id, tagId: tag.id }), {
        timeout: 1000,
        interval: 20,
      })
      .not.toBeNull();
    expect(Date.now() - sent).toBeLessThan(1000);

    const why = await call(
      'GET',
      `/api/staff/customers/${patient.customer.id}/tags/${tag.id}/explain`,
      consultant.accessToken,
    );
    expect(why.status).toBe(200);
    expect(why.body).toMatchObject({ applied: true, source: 'rule', holds: true, timeZone: 'Asia/Shanghai' });
    expect(why.body.summary).toBe(`「${tag.name}」符合规则：近 7 天内「浏览页面」≥ 2 次（实际 2 次）。`);
    expect(why.body.conditions.text).toBe('近 7 天内「浏览页面」≥ 2 次（实际 2 次）');
    expect(why.body.conditions.events).toHaveLength(2);
    expect(why.body.conditions.events[0]).toMatchObject({
      type: 'page.viewed',
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
    });
    const timeline = await timelineTypes(patient.customer.id, 'page.viewed');
    expect(why.body.conditions.events.map((event: { id: string }) => event.id).sort()).toEqual(
      timeline.map((event) => (event as unknown as { id: string }).id).sort(),
    );
  });

  it('explains a static tag by who added it on the clinic’s local date, and answers 404 for another organisation’s customer or tag', async () => {
    const patient = await signInNewPatient(bff);
    await call('POST', `/api/staff/customers/${patient.customer.id}/tags`, consultant.accessToken, {
      name: '正畸意向',
    });
    const tagId = (await call('GET', `/api/staff/customers/${patient.customer.id}/tags`, consultant.accessToken)).body
      .items[0].tagId;
    const why = await call(
      'GET',
      `/api/staff/customers/${patient.customer.id}/tags/${tagId}/explain`,
      consultant.accessToken,
    );
    expect(why.body).toMatchObject({ applied: true, source: 'manual', holds: null, conditions: null });
    // Added at 01:30 in Shanghai, still the previous day in UTC: the summary gives the clinic's date.
    await CustomerTagModel.updateOne(
      { customerId: patient.customer.id, tagId },
      { $set: { setAt: new Date('2026-11-19T17:30:00Z') } },
    );
    const later = await call(
      'GET',
      `/api/staff/customers/${patient.customer.id}/tags/${tagId}/explain`,
      consultant.accessToken,
    );
    expect(later.body.summary).toBe('「正畸意向」由 张伟 于 2026-11-20 添加（员工手动）。');

    const suffix = `${Date.now()}`;
    const elsewhere = await createOrganisation({
      name: `Other ${suffix}`,
      miniappAppId: `wxOther${suffix}`,
      wecomCorpId: `wwOther${suffix}`,
      timeZone: 'Asia/Shanghai',
    });
    const stranger = await createCustomer({ organisationId: elsewhere.id, kind: 'patient', name: 'x', identities: [] });
    const foreignTag = await insertTag(elsewhere.id, { name: '外部', kind: 'static' });
    const a = await call('GET', `/api/staff/customers/${stranger.id}/tags/${tagId}/explain`, consultant.accessToken);
    const b = await call(
      'GET',
      `/api/staff/customers/${patient.customer.id}/tags/${foreignTag._id}/explain`,
      consultant.accessToken,
    );
    const c = await call('PATCH', `/api/staff/tags/${foreignTag._id}`, manager.accessToken, { description: 'x' });
    expect([a.status, b.status, c.status]).toEqual([404, 404, 404]);
    expect(a.body.error.code).toBe('NOT_FOUND');
  });
});

describe('notes and chat keywords', () => {
  it('puts a note on the timeline and tags the customer from its keywords', async () => {
    const patient = await signInNewPatient(bff);
    const note = await call('POST', `/api/staff/customers/${patient.customer.id}/notes`, consultant.accessToken, {
      text: 'Interested in IMPLANTS, 想先了解费用',
    });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ tagsAdded: ['种植意向'], staff: { id: consultant.staff.id, name: '张伟' } });
    const tags = await call('GET', `/api/staff/customers/${patient.customer.id}/tags`, consultant.accessToken);
    expect(tags.body.items).toEqual([
      expect.objectContaining({ name: '种植意向', kind: 'static', source: 'keyword', setBy: note.body.id }),
    ]);
    const timeline = await timelineTypes(patient.customer.id, 'note.added,tag.added');
    expect(timeline.map((event) => event.type).sort()).toEqual(['note.added', 'tag.added']);
    expect(timeline.find((event) => event.type === 'note.added')).toMatchObject({
      properties: { noteId: note.body.id, text: 'Interested in IMPLANTS, 想先了解费用' },
      actor: consultant.staff.id,
    });

    const again = await call('POST', `/api/staff/customers/${patient.customer.id}/notes`, consultant.accessToken, {
      text: '再次提到种植',
    });
    expect(again.body.tagsAdded).toEqual([]);
    const notes = await call('GET', `/api/staff/customers/${patient.customer.id}/notes`, consultant.accessToken);
    expect(notes.body.items.map((item: { text: string }) => item.text)).toEqual([
      '再次提到种植',
      'Interested in IMPLANTS, 想先了解费用',
    ]);
  });
});

describe('segments through the API', () => {
  it('preview, save and export for managers only', async () => {
    const rule = { type: 'count', events: { types: ['profile.created'] }, withinDays: 30, op: 'gte', value: 1 };
    expect((await call('POST', '/api/staff/segments/preview', consultant.accessToken, { rule })).status).toBe(403);
    const preview = await call('POST', '/api/staff/segments/preview', manager.accessToken, { rule, limit: 5 });
    expect(preview.status).toBe(200);
    expect(preview.body.count).toBeGreaterThan(0);
    expect(preview.body.items.length).toBeLessThanOrEqual(5);

    const saved = await call('POST', '/api/staff/segments', manager.accessToken, { name: unique('新客'), rule });
    expect(saved.status).toBe(201);
    const csv = await bff.call('GET', `/api/staff/segments/${saved.body.id}/export.csv`, {
      token: manager.accessToken,
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    // (fetch's text() drops the byte order mark)
    expect(String(csv.body).split('\r\n')[0]).toBe('id,name,kind,gender,age,clinic,owner,tags');
    const list = await call('POST', `/api/staff/segments/${saved.body.id}/lists`, manager.accessToken);
    expect(list.status).toBe(201);
    expect(list.body.count).toBe(preview.body.count);
    const members = await call('GET', `/api/staff/customer-lists/${list.body.id}/members?limit=2`, manager.accessToken);
    expect(members.body.items).toHaveLength(Math.min(2, preview.body.count));
  });
});

describe('merging two profiles', () => {
  it('keeps one rule tag decided on the merged history, with no tag left from the merged-away profile', async () => {
    const tag = await dynamicTag(unique('两次到店'), {
      type: 'count',
      events: { types: ['appointment.arrived'] },
      op: 'gte',
      value: 2,
    });
    const a = await signInNewPatient(bff);
    const b = await signInNewPatient(bff);
    for (const patient of [a, b]) {
      await recordEvent({
        organisationId,
        customerId: patient.customer.id,
        type: 'appointment.arrived',
        source: 'server',
        sourceEventId: randomUUID(),
      });
    }
    expect(await CustomerTagModel.countDocuments({ tagId: tag.id })).toBe(0);
    const survivor = await mergeCustomers(organisationId, a.customer.id, b.customer.id, {
      rule: 'staff_confirmed',
      details: {},
    });
    const rows = await CustomerTagModel.find({ tagId: tag.id }).lean();
    expect(rows.map((row) => String(row.customerId))).toEqual([survivor]);
    const gone = survivor === a.customer.id ? b.customer.id : a.customer.id;
    expect(await RuleStateModel.countDocuments({ customerId: gone })).toBe(0);
    const why = await call('GET', `/api/staff/customers/${gone}/tags/${tag.id}/explain`, consultant.accessToken);
    expect(why.body).toMatchObject({ customerId: survivor, applied: true, holds: true });
  });
});
