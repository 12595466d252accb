/**
 * OneID merges at the service level, on the real database: every kind of record moves, nothing is counted
 * twice, an interrupted merge is finished on resume, racing merges end in one profile, and linking facts in
 * any order give the same profiles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { createOrganisation } from '../../bff/src/organisations/service';
import { createCustomer, getCustomer, linkIdentities, listIdentities } from '../../bff/src/identity/service';
import { mergeCustomers, resumePendingMerges } from '../../bff/src/identity/merge';
import { registerMergeStep } from '../../bff/src/identity/mergeSteps';
import { MergeModel, IdentityModel } from '../../bff/src/identity/model';
import { AppointmentModel, CustomerBookingsModel } from '../../bff/src/appointments/model';
import { recordExternalContact } from '../../bff/src/identity/wecomContacts';
import { addTag, listTags } from '../../bff/src/tags/service';
import { countEventsByType, listTimeline, recordEvent } from '../../bff/src/events/service';
import { acceptConsent, getConsent } from '../../bff/src/consent/service';
import { startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff('merge');
});
afterAll(() => bff?.close());

let organisations = 0;
async function freshOrganisation() {
  organisations += 1;
  const suffix = `${Date.now()}${organisations}`;
  return createOrganisation({
    name: `Merge clinic ${suffix}`,
    miniappAppId: `wxMerge${suffix}`,
    wecomCorpId: `wwMerge${suffix}`,
    timeZone: 'Asia/Shanghai',
  });
}

// A test step that fails once when armed: a crash in the middle of a merge.
let crashNextMerge = false;
registerMergeStep({
  name: 'zz-crash-test',
  async move() {
    if (crashNextMerge) {
      crashNextMerge = false;
      throw new Error('simulated crash half-way through a merge');
    }
  },
});

async function customerWithRecords(organisationId: string, label: string) {
  const customer = await createCustomer({
    organisationId,
    kind: 'patient',
    name: label,
    identities: [{ kind: 'miniapp_openid', app: 'wxApp', value: `o${label}${Date.now()}` }],
  });
  for (let i = 0; i < 3; i += 1) {
    await recordEvent({
      organisationId,
      customerId: customer.id,
      type: 'appointment.booked',
      properties: {},
      source: 'server',
      sourceEventId: `${label}-booking-${i}-${customer.id}`,
    });
  }
  await addTag(organisationId, customer.id, { name: `tag-${label}`, source: 'manual', setBy: null });
  await addTag(organisationId, customer.id, { name: 'shared-tag', source: 'manual', setBy: null });
  return customer;
}

describe('a merge', () => {
  it('moves every identity, event, tag, consent record and appointment of the merged profile to the survivor, once', async () => {
    const org = await freshOrganisation();
    const older = await customerWithRecords(org.id, 'older');
    const newer = await customerWithRecords(org.id, 'newer');
    await acceptConsent({
      organisationId: org.id,
      customerId: newer.id,
      currentPolicyVersion: bff.config.privacy.policyVersion,
      policyVersion: bff.config.privacy.policyVersion,
      marketing: true,
      channel: 'miniapp',
      actor: { kind: 'customer', id: newer.id },
    });

    const startsAt = new Date(Date.now() + 86_400_000);
    const appointment = await AppointmentModel.create({
      organisationId: org.id,
      customerId: newer.id,
      clinicId: new Types.ObjectId(),
      doctorStaffId: new Types.ObjectId(),
      serviceId: new Types.ObjectId(),
      slotId: new Types.ObjectId(),
      startsAt,
      endsAt: new Date(startsAt.getTime() + 1_800_000),
      status: 'confirmed',
      checkInCode: `merge-test-${Date.now()}`,
    });
    await CustomerBookingsModel.create({
      organisationId: org.id,
      customerId: newer.id,
      intervals: [{ appointmentId: appointment._id, startsAt, endsAt: appointment.endsAt }],
    });

    const survivor = await mergeCustomers(org.id, newer.id, older.id, { rule: 'staff_confirmed', details: {} });
    expect(survivor).toBe(older.id);
    expect((await listIdentities(org.id, older.id)).map((identity) => identity.value).sort()).toHaveLength(2);
    const counts = await countEventsByType(org.id, older.id, new Date(0));
    expect(counts['appointment.booked']).toBe(6);
    expect(counts['profile.merged']).toBe(1);
    expect((await listTags(org.id, older.id)).map((tag) => tag.name).sort()).toEqual([
      'shared-tag',
      'tag-newer',
      'tag-older',
    ]);
    expect((await getConsent(org.id, older.id, bff.config.privacy.policyVersion)).marketing).toMatchObject({
      granted: true,
    });
    expect(String((await AppointmentModel.findById(appointment._id).lean())!.customerId)).toBe(older.id);
    const bookings = await CustomerBookingsModel.findOne({ organisationId: org.id, customerId: older.id }).lean();
    expect(bookings!.intervals.map((interval) => String(interval.appointmentId))).toEqual([String(appointment._id)]);
    // The merged id still resolves, to the survivor.
    expect((await getCustomer(org.id, newer.id)).id).toBe(older.id);
    expect(await countEventsByType(org.id, newer.id, new Date(0))).toEqual({});

    // Merging again changes nothing and counts nothing twice.
    expect(await mergeCustomers(org.id, older.id, newer.id, { rule: 'staff_confirmed', details: {} })).toBe(older.id);
    expect((await countEventsByType(org.id, older.id, new Date(0)))['appointment.booked']).toBe(6);
    expect(await MergeModel.countDocuments({ organisationId: org.id })).toBe(1);
  });

  it('is finished by resuming after it was interrupted half-way', async () => {
    const org = await freshOrganisation();
    const older = await customerWithRecords(org.id, 'keep');
    const newer = await customerWithRecords(org.id, 'gone');
    crashNextMerge = true;
    await expect(mergeCustomers(org.id, older.id, newer.id, { rule: 'staff_confirmed', details: {} })).rejects.toThrow(
      /simulated crash/,
    );
    const halfDone = await MergeModel.findOne({ organisationId: org.id }).lean();
    expect(halfDone?.status).toBe('pending');
    expect(halfDone?.stepsDone).toEqual(expect.arrayContaining(['identities', 'events', 'tags']));

    expect(await resumePendingMerges()).toBeGreaterThanOrEqual(1);
    expect((await MergeModel.findOne({ organisationId: org.id }).lean())?.status).toBe('done');
    expect((await countEventsByType(org.id, older.id, new Date(0)))['appointment.booked']).toBe(6);
    expect((await listTimeline(org.id, older.id, { limit: 50, types: ['profile.merged'] })).items).toHaveLength(1);
  });

  it('ends in one profile when the same two profiles are merged by several requests at once', async () => {
    const org = await freshOrganisation();
    const a = await customerWithRecords(org.id, 'racer-a');
    const b = await customerWithRecords(org.id, 'racer-b');
    const evidence = { rule: 'staff_confirmed' as const, details: {} };
    const survivors = await Promise.all([
      mergeCustomers(org.id, a.id, b.id, evidence),
      mergeCustomers(org.id, b.id, a.id, evidence),
      mergeCustomers(org.id, a.id, b.id, evidence),
      mergeCustomers(org.id, b.id, a.id, evidence),
    ]);
    expect(new Set(survivors)).toEqual(new Set([a.id]));
    expect(await MergeModel.countDocuments({ organisationId: org.id })).toBe(1);
    expect((await countEventsByType(org.id, a.id, new Date(0)))['appointment.booked']).toBe(6);
  });

  it('gathers everything on the oldest profile when chained merges race', async () => {
    const org = await freshOrganisation();
    const first = await customerWithRecords(org.id, 'chain-1');
    const second = await customerWithRecords(org.id, 'chain-2');
    const third = await customerWithRecords(org.id, 'chain-3');
    const evidence = { rule: 'staff_confirmed' as const, details: {} };
    await Promise.all([
      mergeCustomers(org.id, first.id, second.id, evidence),
      mergeCustomers(org.id, second.id, third.id, evidence),
    ]);
    await resumePendingMerges();
    for (const id of [first.id, second.id, third.id]) expect((await getCustomer(org.id, id)).id).toBe(first.id);
    expect((await countEventsByType(org.id, first.id, new Date(0)))['appointment.booked']).toBe(9);
    expect(
      await IdentityModel.countDocuments({ organisationId: org.id, customerId: { $ne: new Types.ObjectId(first.id) } }),
    ).toBe(0);
  });
});

describe('linking facts', () => {
  // Facts as the product meets them: mini-program sign-ins (openid + unionid), WeCom contacts (external_userid
  // + unionid), verified phones (an openid + the phone's hash). Expected people:
  //   {o1, u1, e1}, {o2, u2, o3, phone}, {e2}
  const facts = [
    (org: string) =>
      linkIdentities(
        org,
        [
          { kind: 'miniapp_openid', app: 'wxA', value: 'o1' },
          { kind: 'unionid', app: '', value: 'u1' },
        ],
        { evidence: 'shared_unionid', newCustomer: { kind: 'patient', name: null } },
      ),
    (org: string, corp: string) =>
      recordExternalContact(org, corp, {
        externalUserId: 'e1',
        name: '甲',
        type: 1,
        unionid: 'u1',
        follows: [{ userid: 'zhangwei', addedAt: new Date(0), state: null }],
      }),
    (org: string, corp: string) =>
      recordExternalContact(org, corp, { externalUserId: 'e2', name: '乙', type: 1, unionid: null, follows: [] }),
    (org: string) =>
      linkIdentities(
        org,
        [
          { kind: 'miniapp_openid', app: 'wxA', value: 'o2' },
          { kind: 'unionid', app: '', value: 'u2' },
        ],
        { evidence: 'shared_unionid', newCustomer: { kind: 'patient', name: null } },
      ),
    (org: string) =>
      linkIdentities(
        org,
        [
          { kind: 'miniapp_openid', app: 'wxB', value: 'o3' },
          { kind: 'phone', app: '', value: 'hash-of-13912345670' },
        ],
        { evidence: 'verified_phone', newCustomer: { kind: 'patient', name: null } },
      ),
    (org: string) =>
      linkIdentities(
        org,
        [
          { kind: 'miniapp_openid', app: 'wxA', value: 'o2' },
          { kind: 'phone', app: '', value: 'hash-of-13912345670' },
        ],
        { evidence: 'verified_phone', newCustomer: { kind: 'patient', name: null } },
      ),
    (org: string) =>
      // A placeholder unionid links nothing.
      linkIdentities(
        org,
        [
          { kind: 'miniapp_openid', app: 'wxA', value: 'o4' },
          { kind: 'unionid', app: '', value: 'undefined' },
        ],
        { evidence: 'shared_unionid', newCustomer: { kind: 'patient', name: null } },
      ),
  ];

  async function profilesAfter(order: number[]) {
    const org = await freshOrganisation();
    for (const index of order) await facts[index]!(org.id, org.wecomCorpId);
    const rows = await IdentityModel.find({ organisationId: org.id }).lean();
    const byCustomer = new Map<string, string[]>();
    for (const row of rows) {
      const id = (await getCustomer(org.id, String(row.customerId))).id;
      byCustomer.set(id, [...(byCustomer.get(id) ?? []), `${row.kind}:${row.value}`]);
    }
    return [...byCustomer.values()].map((identities) => identities.sort().join(' ')).sort();
  }

  it('gives the same profiles whatever order the facts arrive in', async () => {
    const expected = [
      'miniapp_openid:o1 unionid:u1 wecom_external_userid:e1',
      'miniapp_openid:o2 miniapp_openid:o3 phone:hash-of-13912345670 unionid:u2',
      'miniapp_openid:o4',
      'wecom_external_userid:e2',
    ];
    const orders = [
      [0, 1, 2, 3, 4, 5, 6],
      [6, 5, 4, 3, 2, 1, 0],
      [1, 4, 0, 5, 2, 6, 3],
      [5, 3, 1, 6, 0, 4, 2],
      [2, 0, 5, 1, 4, 3, 6],
      [4, 6, 2, 5, 3, 0, 1],
    ];
    for (const order of orders) expect(await profilesAfter(order), `order ${order.join(',')}`).toEqual(expected);
  });

  it('gives the same profiles when the facts arrive all at once', async () => {
    const org = await freshOrganisation();
    await Promise.all(facts.map((fact) => fact(org.id, org.wecomCorpId)));
    await resumePendingMerges();
    const rows = await IdentityModel.find({ organisationId: org.id }).lean();
    const customers = new Set<string>();
    for (const row of rows) customers.add((await getCustomer(org.id, String(row.customerId))).id);
    expect(customers.size).toBe(4);
  });
});
