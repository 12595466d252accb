/**
 * WeCom corp-tag sync: mirrored library tags become WeCom corp tags and are marked (mark_tag) on the customer's
 * external contact of every staff member who has them, through the WeCom client and the sandbox. Checked against the
 * sandbox's own record of what is marked on whom and of every corp tag API call.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCustomerByExternalUserId } from '../../bff/src/identity/service';
import { mergeCustomers } from '../../bff/src/identity/merge';
import { syncStaffContacts } from '../../bff/src/identity/wecomContacts';
import { addExternalContact } from '../../bff/src/platform/sandbox/service';
import { addTag } from '../../bff/src/tags/service';
import {
  configureWecomTagSync,
  processDueTagMarks,
  queueTagChange,
  runWecomTagSync,
} from '../../bff/src/tags/wecomSync';
import { WecomTagOutboxModel } from '../../bff/src/tags/wecomSyncModel';
import { signInStaff, startTestBff, type TestBff } from '../support/bff';

type Staff = { accessToken: string; staff: { id: string; organisation: { id: string } } };
type Call = { api: string; request: Record<string, unknown>; errcode: number };
type SandboxGroup = {
  groupId: string;
  groupName: string;
  createdBy: 'app' | 'console';
  deleted: boolean;
  tags: { id: string; name: string; createdBy: 'app' | 'console'; deleted: boolean }[];
};

let bff: TestBff;
let manager: Staff;
let consultant: Staff;
let org: string;
let corpId: string;

beforeAll(async () => {
  bff = await startTestBff('tags_wecom_sync');
  // Retries within a test's time: 100 ms, 400 ms; parked after the third failure.
  configureWecomTagSync({ retryBaseMs: 100, retryCapMs: 400, maxAttempts: 3 });
  [manager, consultant] = await Promise.all([signInStaff(bff, 'lina'), signInStaff(bff, 'zhangwei')]);
  org = manager.staff.organisation.id;
  corpId = bff.config.wecom.corpId;
});
afterAll(async () => {
  configureWecomTagSync(null);
  await bff?.close();
});

const unique = (prefix: string) => `${prefix}${randomUUID().slice(0, 6)}`;
const call = (method: string, path: string, body?: unknown, token = manager.accessToken) =>
  bff.call(method, path, { token, body });
const poll = { timeout: 8_000, interval: 50 };

/** A customer who is the WeCom external contact of these staff members, known to WeCom and synced into CareLoop. */
async function customerOf(...userids: string[]) {
  const unionid = unique('union');
  let externalUserId = '';
  for (const userid of userids) {
    externalUserId = (await addExternalContact(corpId, { userid, name: unique('客户'), unionid })).externalUserId;
  }
  await syncStaffContacts(bff.deps.wecom, org, userids);
  const customerId = (await findCustomerByExternalUserId(org, corpId, externalUserId)).id;
  return { customerId, externalUserId };
}

/** A library tag (optionally in a new group of that name) mirrored to WeCom. */
async function mirroredTag(name: string, groupName?: string) {
  let groupId: string | undefined;
  if (groupName) {
    const group = await call('POST', '/api/staff/tag-groups', { name: groupName });
    expect(group.status).toBe(201);
    groupId = group.body.id;
  }
  const created = await call('POST', '/api/staff/tags', { name, ...(groupId && { groupId }) });
  expect(created.status).toBe(201);
  const mirrored = await call('PUT', `/api/staff/tags/${created.body.id}/wecom-sync`, { mirror: true });
  expect(mirrored.status).toBe(200);
  expect(mirrored.body).toMatchObject({ tagId: created.body.id, mirror: true, wecomTagId: null });
  return created.body.id as string;
}

const tagCustomer = (customerId: string, name: string) =>
  call('POST', `/api/staff/customers/${customerId}/tags`, { name }, consultant.accessToken);
const untagCustomer = (customerId: string, name: string) =>
  call(
    'DELETE',
    `/api/staff/customers/${customerId}/tags/${encodeURIComponent(name)}`,
    undefined,
    consultant.accessToken,
  );

/** What the sandbox has marked on this contact, per staff member: tag names, sorted. */
async function marks(externalUserId: string): Promise<Record<string, string[]>> {
  const rows = (await bff.call('GET', `/sandbox/control/wecom/contact-tags?externalUserId=${externalUserId}`)).body as {
    userid: string;
    tags: { name: string }[];
  }[];
  return Object.fromEntries(rows.map((row) => [row.userid, row.tags.map((tag) => tag.name).sort()]));
}
const calls = async () => (await bff.call('GET', '/sandbox/control/wecom/corp-tag-calls')).body as Call[];
const sandboxLibrary = async () => (await bff.call('GET', '/sandbox/control/wecom/corp-tags')).body as SandboxGroup[];
const failMarkTag = (times: number) =>
  bff.call('POST', '/sandbox/control/wecom/api-failures', { body: { api: 'mark_tag', times } });
const status = async () => (await call('GET', '/api/staff/tags/wecom-sync')).body;
const outboxOf = (customerId: string) => WecomTagOutboxModel.find({ customerId }).lean();

describe('marking customers', () => {
  it('marks a manual tag on the WeCom contact of both staff members who have the customer', async () => {
    const { customerId, externalUserId } = await customerOf('zhangwei', 'wangfang');
    const name = unique('洁牙');
    const tagId = await mirroredTag(name);

    expect((await tagCustomer(customerId, name)).status).toBe(204);

    await expect.poll(() => marks(externalUserId), poll).toEqual({ zhangwei: [name], wangfang: [name] });
    const group = (await sandboxLibrary()).find((entry) => entry.tags.some((tag) => tag.name === name));
    expect(group).toMatchObject({ groupName: 'CareLoop', createdBy: 'app' });
    const mirror = (await status()).mirrors.find((entry: { tagId: string }) => entry.tagId === tagId);
    expect(mirror).toMatchObject({ tagName: name, groupName: 'CareLoop', createdByCareLoop: true });
    expect(mirror.wecomTagId).toBe(group!.tags.find((tag) => tag.name === name)!.id);
  });

  it('takes a removed tag off both contacts', async () => {
    const { customerId, externalUserId } = await customerOf('zhangwei', 'wangfang');
    const name = unique('种植');
    await mirroredTag(name);
    await tagCustomer(customerId, name);
    await expect.poll(() => marks(externalUserId), poll).toEqual({ zhangwei: [name], wangfang: [name] });

    expect((await untagCustomer(customerId, name)).status).toBe(204);

    await expect.poll(() => marks(externalUserId), poll).toEqual({ zhangwei: [], wangfang: [] });
  });

  it('ends removed when the tag is added and removed before the addition reached WeCom', async () => {
    const { customerId, externalUserId } = await customerOf('zhangwei', 'wangfang');
    const name = unique('正畸');
    await mirroredTag(name);
    await failMarkTag(4); // the addition waits for its retry, so the removal comes while it is unsent

    await tagCustomer(customerId, name);
    await untagCustomer(customerId, name);

    await expect
      .poll(async () => (await outboxOf(customerId)).map((row) => row.status), poll)
      .toEqual(['sent', 'sent']);
    expect(await marks(externalUserId)).toEqual({ zhangwei: [], wangfang: [] });
    const sent = (await calls()).filter(
      (entry) => entry.api === 'mark_tag' && entry.request.external_userid === externalUserId && entry.errcode === 0,
    );
    expect(sent.every((entry) => entry.request.add_tag === undefined)).toBe(true);
  });

  it('marks the customers who carry a tag already when mirroring is turned on', async () => {
    const first = await customerOf('zhangwei', 'wangfang');
    const second = await customerOf('wangfang');
    const name = unique('老客');
    const created = await call('POST', '/api/staff/tags', { name });
    await tagCustomer(first.customerId, name);
    await tagCustomer(second.customerId, name);

    const mirrored = await call('PUT', `/api/staff/tags/${created.body.id}/wecom-sync`, { mirror: true });
    expect(mirrored.status).toBe(200);

    await expect.poll(() => marks(first.externalUserId), poll).toEqual({ zhangwei: [name], wangfang: [name] });
    await expect.poll(() => marks(second.externalUserId), poll).toEqual({ wangfang: [name] });
    const mirror = (await status()).mirrors.find((entry: { tagId: string }) => entry.tagId === created.body.id);
    expect(mirror).toMatchObject({ mirror: true, backfilled: true });
  });

  it('sends a change told twice once per staff member', async () => {
    const { customerId, externalUserId } = await customerOf('zhangwei', 'wangfang');
    const name = unique('复诊');
    const tagId = await mirroredTag(name);
    await tagCustomer(customerId, name);
    await expect.poll(() => marks(externalUserId), poll).toEqual({ zhangwei: [name], wangfang: [name] });

    const change = { organisationId: org, customerId, tagId, name, source: 'manual' as const, present: true };
    expect(await queueTagChange({ ...change, at: new Date() })).toBe(2);
    await expect
      .poll(async () => (await outboxOf(customerId)).map((row) => row.status), poll)
      .toEqual(['sent', 'sent']);

    expect(await outboxOf(customerId)).toHaveLength(2);
    const markCalls = (await calls()).filter(
      (entry) => entry.api === 'mark_tag' && entry.request.external_userid === externalUserId,
    );
    expect(markCalls).toHaveLength(2);
  });

  it('marks the tags a customer has for a staff member who adds them on WeCom later', async () => {
    const unionid = unique('union');
    const first = await addExternalContact(corpId, { userid: 'zhangwei', name: '陈女士', unionid });
    await syncStaffContacts(bff.deps.wecom, org, ['zhangwei']);
    const customerId = (await findCustomerByExternalUserId(org, corpId, first.externalUserId)).id;
    const name = unique('美白');
    await mirroredTag(name);
    await tagCustomer(customerId, name);
    await expect.poll(() => marks(first.externalUserId), poll).toEqual({ zhangwei: [name] });

    // WeCom's add_external_contact callback reaches CareLoop, which records the new follower.
    const added = await bff.call('POST', '/sandbox/control/wecom/external-contacts', {
      body: { userid: 'wangfang', name: '陈女士', unionid },
    });
    expect(added.status).toBe(201);

    await expect.poll(() => marks(first.externalUserId), poll).toEqual({ zhangwei: [name], wangfang: [name] });
  });
});

describe('merges', () => {
  it('marks the survivor’s mirrored tags on the contacts it gained from the merged profile', async () => {
    const a = await customerOf('zhangwei');
    const b = await customerOf('wangfang');
    const name = unique('种植牙');
    await mirroredTag(name);
    await tagCustomer(a.customerId, name);
    await expect.poll(() => marks(a.externalUserId), poll).toEqual({ zhangwei: [name] });

    const survivor = await mergeCustomers(org, a.customerId, b.customerId, { rule: 'staff_confirmed', details: {} });

    await expect.poll(() => marks(b.externalUserId), poll).toEqual({ wangfang: [name] });
    expect(await marks(a.externalUserId)).toEqual({ zhangwei: [name] });
    const gone = survivor === a.customerId ? b.customerId : a.customerId;
    expect(await outboxOf(gone)).toEqual([]);
    expect((await outboxOf(survivor)).map((row) => row.staffUserId).sort()).toEqual(['wangfang', 'zhangwei']);
  });
});

describe('failures', () => {
  it('retries a failing mark_tag until WeCom takes it, without holding up the tag change', async () => {
    const { customerId, externalUserId } = await customerOf('zhangwei', 'wangfang');
    const name = unique('拔牙');
    await mirroredTag(name);
    await failMarkTag(3);

    expect((await tagCustomer(customerId, name)).status).toBe(204);
    const onCustomer = await call('GET', `/api/staff/customers/${customerId}/tags`);
    expect(onCustomer.body.items.map((tag: { name: string }) => tag.name)).toContain(name);

    await expect.poll(() => marks(externalUserId), poll).toEqual({ zhangwei: [name], wangfang: [name] });
    const answers = (await calls())
      .filter((entry) => entry.api === 'mark_tag' && entry.request.external_userid === externalUserId)
      .map((entry) => entry.errcode);
    expect(answers.filter((errcode) => errcode === -1)).toHaveLength(3);
    expect(answers.filter((errcode) => errcode === 0)).toHaveLength(2);
    expect((await outboxOf(customerId)).every((row) => row.status === 'sent' && row.lastError === null)).toBe(true);
  });

  it('parks work that keeps failing with its error visible, and sends it again on request', async () => {
    const { customerId, externalUserId } = await customerOf('zhangwei', 'wangfang');
    const name = unique('贴面');
    await mirroredTag(name);
    await failMarkTag(1000);

    await tagCustomer(customerId, name);

    const failedHere = async () =>
      (await status()).lastErrors.filter(
        (entry: { customerId: string; status: string }) => entry.customerId === customerId && entry.status === 'failed',
      );
    await expect.poll(async () => (await failedHere()).length, poll).toBe(2);
    expect((await failedHere())[0]).toMatchObject({ tagName: name, attempts: 3, error: expect.stringContaining('-1') });
    expect((await status()).outbox.failed).toBeGreaterThanOrEqual(2);
    expect(await marks(externalUserId)).toEqual({});

    await failMarkTag(0);
    const retried = await call('POST', '/api/staff/tags/wecom-sync/retry');
    expect(retried.status).toBe(200);
    expect(retried.body.retried).toBeGreaterThanOrEqual(2);

    await expect.poll(() => marks(externalUserId), poll).toEqual({ zhangwei: [name], wangfang: [name] });
    expect(await failedHere()).toEqual([]);
  });
});

describe('the WeCom tag library', () => {
  it('lists a tag group made in the WeCom console, marks its tag, and never edits it', async () => {
    const groupName = unique('意向');
    const name = unique('种植意向');
    const made = await bff.call('POST', '/sandbox/control/wecom/corp-tags', {
      body: { groupName, tags: [name, unique('正畸意向')] },
    });
    expect(made.status).toBe(201);
    const consoleTagId = (made.body as SandboxGroup).tags.find((tag) => tag.name === name)!.id;
    const tagId = await mirroredTag(name, groupName);
    const { customerId, externalUserId } = await customerOf('zhangwei');

    await tagCustomer(customerId, name);
    await expect.poll(() => marks(externalUserId), poll).toEqual({ zhangwei: [name] });

    const listed = await call('GET', '/api/staff/tags/wecom-corp-tags');
    expect(listed.status).toBe(200);
    const group = listed.body.groups.find((entry: { groupName: string }) => entry.groupName === groupName);
    expect(group).toMatchObject({ createdByCareLoop: false });
    expect(group.tags).toEqual([
      expect.objectContaining({ id: consoleTagId, name, createdByCareLoop: false, libraryTagId: tagId }),
      expect.objectContaining({ createdByCareLoop: false, libraryTagId: null }),
    ]);

    // Renamed in the library: CareLoop's own WeCom tags follow (next test); the console's does not.
    const renamed = unique('种植');
    expect((await call('PATCH', `/api/staff/tags/${tagId}`, { name: renamed })).status).toBe(200);
    expect(await runWecomTagSync()).toMatchObject({ renamed: 0 });
    const other = await customerOf('zhangwei');
    await tagCustomer(other.customerId, renamed);
    await expect.poll(() => marks(other.externalUserId), poll).toEqual({ zhangwei: [name] });

    const touching = (await calls()).filter(
      (entry) =>
        (entry.api === 'edit_corp_tag' && entry.request.id === consoleTagId) ||
        (entry.api === 'del_corp_tag' && JSON.stringify(entry.request).includes(consoleTagId)),
    );
    expect(touching).toEqual([]);
    const stored = (await sandboxLibrary()).find((entry) => entry.groupName === groupName)!;
    expect(stored.tags.find((tag) => tag.id === consoleTagId)).toMatchObject({
      name,
      createdBy: 'console',
      deleted: false,
    });
  });

  it('renames a WeCom tag CareLoop created when its library tag is renamed', async () => {
    const { customerId, externalUserId } = await customerOf('zhangwei');
    const name = unique('洗牙');
    const tagId = await mirroredTag(name);
    await tagCustomer(customerId, name);
    await expect.poll(() => marks(externalUserId), poll).toEqual({ zhangwei: [name] });

    const renamed = unique('洁治');
    expect((await call('PATCH', `/api/staff/tags/${tagId}`, { name: renamed })).status).toBe(200);
    expect(await runWecomTagSync()).toMatchObject({ renamed: 1 });

    expect(await marks(externalUserId)).toEqual({ zhangwei: [renamed] });
    const mirror = (await status()).mirrors.find((entry: { tagId: string }) => entry.tagId === tagId);
    expect(mirror).toMatchObject({ tagName: renamed, wecomTagName: renamed, createdByCareLoop: true });
  });

  it('creates the WeCom group and tag once while several workers send the first marks at the same time', async () => {
    const groupName = unique('并发');
    const name = unique('矫正');
    await mirroredTag(name, groupName);
    const customers = await Promise.all(Array.from({ length: 6 }, () => customerOf('zhangwei')));
    // A slow WeCom: whoever creates the tag is still at it while the other workers take their rows.
    const slow = (api: string, ms: number) =>
      bff.call('POST', '/sandbox/control/wecom/api-latency', { body: { api, ms } });
    await slow('get_corp_tag_list', 300);
    await slow('add_corp_tag', 300);

    try {
      await Promise.all(
        customers.map(({ customerId }) => addTag(org, customerId, { name, source: 'manual', setBy: null })),
      );
      await Promise.all([processDueTagMarks(), processDueTagMarks(), processDueTagMarks(), processDueTagMarks()]);
    } finally {
      await slow('get_corp_tag_list', 0);
      await slow('add_corp_tag', 0);
    }

    for (const { externalUserId } of customers) {
      await expect.poll(() => marks(externalUserId), poll).toEqual({ zhangwei: [name] });
    }
    const creations = (await calls()).filter(
      (entry) => entry.api === 'add_corp_tag' && JSON.stringify(entry.request).includes(name),
    );
    expect(creations.map((entry) => entry.errcode)).toEqual([0]);
    const groups = (await sandboxLibrary()).filter((entry) => entry.groupName === groupName);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.tags.map((tag) => tag.name)).toEqual([name]);
  });
});
