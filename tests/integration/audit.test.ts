import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../../bff/src/organisations/service';
import { createStaff } from '../../bff/src/staff/service';
import { signAccessToken } from '../../bff/src/auth/tokens';
import { AuditEntryModel } from '../../bff/src/audit/model';
import { recordAudit, recordPhoneReveal } from '../../bff/src/audit/service';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
type Staff = { accessToken: string; staff: { id: string; name: string; organisation: { id: string } } };
let admin: Staff;
let consultant: Staff;
let organisationId: string;

beforeAll(async () => {
  bff = await startTestBff('audit');
  admin = await signInStaff(bff, 'lina');
  consultant = await signInStaff(bff, 'zhangwei');
  organisationId = admin.staff.organisation.id;
});
afterAll(() => bff?.close());

const query = (params: Record<string, string>, token = admin.accessToken) =>
  bff.call('GET', `/api/staff/audit?${new URLSearchParams(params)}`, { token });

/** A customer with `count` audit entries by the consultant, oldest first. */
async function customerWithTrail(count: number, action = 'customer.viewed') {
  const patient = await signInNewPatient(bff);
  for (let i = 0; i < count; i++) {
    await recordAudit({
      organisationId,
      actor: { kind: 'staff', id: consultant.staff.id },
      action,
      subject: { kind: 'customer', id: patient.customer.id },
      details: { step: String(i) },
    });
  }
  return patient.customer.id as string;
}

describe('who may read the audit trail', () => {
  it('answers an admin with the organisation’s entries, newest first, naming staff actors', async () => {
    const customerId = await customerWithTrail(3);
    const response = await query({ customerId });
    expect(response.status).toBe(200);
    expect(response.body.items.map((entry: { details: { step: string } }) => entry.details.step)).toEqual([
      '2',
      '1',
      '0',
    ]);
    expect(response.body.items[0]).toMatchObject({
      actor: { kind: 'staff', id: consultant.staff.id, name: consultant.staff.name },
      action: 'customer.viewed',
      subject: { kind: 'customer', id: customerId },
      surface: 'api',
    });
    expect(response.body.nextCursor).toBeNull();
  });

  it('refuses a staff-role member with FORBIDDEN', async () => {
    const response = await query({}, consultant.accessToken);
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('FORBIDDEN');
  });

  it('refuses customers and anonymous callers', async () => {
    const patient = await signInNewPatient(bff);
    const asCustomer = await query({}, patient.accessToken);
    expect(asCustomer.status).toBe(401);
    expect(asCustomer.body.error.code).toBe('TOKEN_INVALID');
    const anonymous = await bff.call('GET', '/api/staff/audit');
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('never shows another organisation’s entries, to either organisation', async () => {
    const other = await createOrganisation({
      name: 'Other Clinic',
      miniappAppId: 'wxAuditOther',
      wecomCorpId: 'wwAuditOther',
      timeZone: 'Asia/Shanghai',
    });
    const otherAdmin = await createStaff({
      organisationId: other.id,
      wecomUserId: 'otheradmin',
      name: '别家管理员',
      position: 'Admin',
      roles: ['admin'],
    });
    const otherToken = signAccessToken(
      { kind: 'staff', id: otherAdmin.id, organisationId: other.id, roles: ['admin'] },
      bff.config.auth.jwtSecret,
      600,
    );
    await recordAudit({
      organisationId: other.id,
      actor: { kind: 'staff', id: otherAdmin.id },
      action: 'customer.other_org_only',
      subject: { kind: 'customer', id: '0123456789abcdef01234567' },
    });
    const ours = await customerWithTrail(1);

    const seenByUs = await query({ action: 'customer.other_org_only' });
    expect(seenByUs.body.items).toEqual([]);
    const seenByThem = await query({ limit: '100' }, otherToken);
    expect(seenByThem.body.items.map((entry: { action: string }) => entry.action)).toEqual(['customer.other_org_only']);
    const ourCustomerByThem = await query({ customerId: ours }, otherToken);
    expect(ourCustomerByThem.body.items).toEqual([]);
  });
});

describe('filtering the audit trail', () => {
  it('filters by customer, actor and action', async () => {
    const customerId = await customerWithTrail(2);
    await recordPhoneReveal({
      organisationId,
      staffId: admin.staff.id,
      customerId,
      surface: 'sidebar',
      details: { reason: 'call back' },
    });
    const byCustomer = await query({ customerId });
    expect(byCustomer.body.items).toHaveLength(3);
    const byActor = await query({ customerId, actorId: admin.staff.id });
    expect(byActor.body.items).toEqual([
      expect.objectContaining({
        action: 'customer.phone_revealed',
        actor: { kind: 'staff', id: admin.staff.id, name: admin.staff.name },
        surface: 'sidebar',
        details: { reason: 'call back' },
      }),
    ]);
    const byAction = await query({ customerId, action: 'customer.viewed' });
    expect(byAction.body.items).toHaveLength(2);
    const bySurface = await query({ customerId, surface: 'sidebar' });
    expect(bySurface.body.items).toHaveLength(1);
  });

  it('filters by time range, from inclusive and to exclusive', async () => {
    const customerId = await customerWithTrail(1, 'customer.early');
    await sleep(20);
    const from = new Date().toISOString();
    await sleep(5);
    await customerWithTrailFor(customerId, 'customer.middle');
    await sleep(5);
    const to = new Date().toISOString();
    await sleep(20);
    await customerWithTrailFor(customerId, 'customer.late');
    const response = await query({ customerId, from, to });
    expect(response.body.items.map((entry: { action: string }) => entry.action)).toEqual(['customer.middle']);
    const since = await query({ customerId, from });
    expect(since.body.items.map((entry: { action: string }) => entry.action)).toEqual([
      'customer.late',
      'customer.middle',
    ]);
  });

  it('records the surface the request came from, and api for an unknown one', async () => {
    const patient = await signInNewPatient(bff);
    for (const surface of ['workbench', 'toaster']) {
      await bff.call('GET', `/api/staff/customers/${patient.customer.id}/consent`, {
        token: consultant.accessToken,
        headers: { 'x-careloop-surface': surface },
      });
    }
    const response = await query({ customerId: patient.customer.id });
    expect(response.body.items.map((entry: { surface: string }) => entry.surface)).toEqual(['api', 'workbench']);
  });
});

async function customerWithTrailFor(customerId: string, action: string) {
  await recordAudit({
    organisationId,
    actor: { kind: 'staff', id: consultant.staff.id },
    action,
    subject: { kind: 'customer', id: customerId },
  });
}

describe('paging through the audit trail', () => {
  it('pages newest first with a cursor, every entry exactly once, even within one millisecond', async () => {
    const customerId = await customerWithTrail(7);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const params: Record<string, string> = { customerId, limit: '3' };
      if (cursor) params.cursor = cursor;
      const response = await query(params);
      expect(response.status).toBe(200);
      seen.push(...response.body.items.map((entry: { details: { step: string } }) => entry.details.step));
      cursor = response.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(['6', '5', '4', '3', '2', '1', '0']);
  });
});

describe('bad audit queries', () => {
  it.each([
    ['a cursor this API did not make', { cursor: 'bm90LWEtY3Vyc29y' }],
    ['a cursor with invalid characters', { cursor: 'a+b/c' }],
    ['a malformed customer id', { customerId: 'nope' }],
    ['a limit above 100', { limit: '101' }],
    ['a limit of 0', { limit: '0' }],
    ['a time that is not ISO 8601', { from: 'yesterday' }],
    ['a range that ends before it starts', { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }],
    ['an unknown surface', { surface: 'toaster' }],
    ['an unknown parameter', { subjectKind: 'staff' }],
  ])('refuses %s with VALIDATION_FAILED', async (_, params) => {
    const response = await query(params);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('audit entries cannot be changed', () => {
  it('has no route that changes or deletes an entry', async () => {
    const customerId = await customerWithTrail(1);
    const [entry] = (await query({ customerId })).body.items;
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const response = await bff.call(method, '/api/staff/audit', { token: admin.accessToken, body: {} });
      expect(response.status).toBe(405);
      expect(response.body.error.code).toBe('METHOD_NOT_ALLOWED');
    }
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const response = await bff.call(method, `/api/staff/audit/${entry.id}`, { token: admin.accessToken, body: {} });
      expect(response.status).toBe(404);
    }
    expect((await query({ customerId })).body.items).toEqual([entry]);
  });

  it('refuses updates and deletes even from inside the backend', async () => {
    const customerId = await customerWithTrail(1);
    await expect(AuditEntryModel.updateOne({ subjectId: customerId }, { $set: { action: 'x' } })).rejects.toThrow(
      /append-only/,
    );
    await expect(AuditEntryModel.deleteMany({ subjectId: customerId })).rejects.toThrow(/append-only/);
    await expect(AuditEntryModel.findOneAndDelete({ subjectId: customerId })).rejects.toThrow(/append-only/);
    const doc = await AuditEntryModel.findOne({ subjectId: customerId });
    doc!.action = 'x';
    await expect(doc!.save()).rejects.toThrow(/append-only/);
    await expect(doc!.deleteOne()).rejects.toThrow(/append-only/);
    expect((await query({ customerId })).body.items).toHaveLength(1);
  });
});
