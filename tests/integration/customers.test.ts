import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../../bff/src/organisations/service';
import { createCustomer } from '../../bff/src/identity/service';
import { listAuditForSubject } from '../../bff/src/audit/service';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let consultant: { accessToken: string; staff: { id: string; organisation: { id: string } } };
beforeAll(async () => {
  bff = await startTestBff('customers');
  consultant = await signInStaff(bff, 'zhangwei');
});
afterAll(() => bff?.close());

describe('the patient’s own profile', () => {
  it('lets a patient set their nickname, which staff then see', async () => {
    const patient = await signInNewPatient(bff);
    const renamed = await bff.call('PATCH', '/api/mp/me', { token: patient.accessToken, body: { name: '  王小明 ' } });
    expect(renamed.body.name).toBe('王小明');
    const seen = await bff.call('GET', `/api/staff/customers/${patient.customer.id}`, {
      token: consultant.accessToken,
    });
    expect(seen.body.name).toBe('王小明');
  });

  it('refuses an empty or over-long nickname with VALIDATION_FAILED', async () => {
    const patient = await signInNewPatient(bff);
    for (const name of ['   ', 'x'.repeat(41)]) {
      const response = await bff.call('PATCH', '/api/mp/me', { token: patient.accessToken, body: { name } });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('customers seen by staff', () => {
  it('finds customers by part of their name', async () => {
    const response = await bff.call('GET', '/api/staff/customers?q=赵', { token: consultant.accessToken });
    expect(response.body.items.map((customer: { name: string }) => customer.name)).toEqual(['赵敏']);
  });

  it('treats the search text literally, not as a pattern', async () => {
    const response = await bff.call('GET', `/api/staff/customers?q=${encodeURIComponent('.*')}`, {
      token: consultant.accessToken,
    });
    expect(response.body.items).toEqual([]);
  });

  it('resolves the current chat’s WeCom contact to the customer for the consultant who has that contact', async () => {
    const response = await bff.call('GET', '/api/staff/customers/by-external/wmDemoZhaoMin', {
      token: consultant.accessToken,
    });
    expect(response.body).toMatchObject({ name: '赵敏', kind: 'patient' });
  });

  it('does not open another consultant’s contact for a staff member, but does for a manager', async () => {
    const notMine = await bff.call('GET', '/api/staff/customers/by-external/wmDemoDrWu', {
      token: consultant.accessToken,
    });
    expect(notMine.status).toBe(404);
    const manager = await signInStaff(bff, 'lina');
    const asManager = await bff.call('GET', '/api/staff/customers/by-external/wmDemoDrWu', {
      token: manager.accessToken,
    });
    expect(asManager.body).toMatchObject({ name: '吴建国 医生', kind: 'hcp' });
  });

  it('checks with WeCom when a contact is not known yet, and links the customer', async () => {
    const added = await bff.call('POST', '/sandbox/control/wecom/external-contacts', {
      body: { userid: 'zhangwei', name: '新客户' },
    });
    const response = await bff.call('GET', `/api/staff/customers/by-external/${added.body.externalUserId}`, {
      token: consultant.accessToken,
    });
    expect(response.status).toBe(200);
    expect(response.body.name).toBe('新客户');
  });

  it('answers an unknown external contact with NOT_FOUND', async () => {
    const response = await bff.call('GET', '/api/staff/customers/by-external/wmNobody', {
      token: consultant.accessToken,
    });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('NOT_FOUND');
  });

  it('records who viewed a customer’s profile', async () => {
    const patient = await signInNewPatient(bff);
    const view = await bff.call('GET', `/api/staff/customers/${patient.customer.id}`, {
      token: consultant.accessToken,
    });
    const trail = await listAuditForSubject(consultant.staff.organisation.id, {
      kind: 'customer',
      id: patient.customer.id,
    });
    expect(trail).toEqual([
      expect.objectContaining({
        actor: { kind: 'staff', id: consultant.staff.id },
        action: 'customer.viewed',
        requestId: view.headers.get('x-request-id'),
      }),
    ]);
  });

  it('answers another organisation’s customer with NOT_FOUND, never FORBIDDEN', async () => {
    const other = await createOrganisation({
      name: 'Other Clinic',
      miniappAppId: 'wxOtherApp',
      wecomCorpId: 'wwOtherCorp',
      timeZone: 'Asia/Shanghai',
    });
    const stranger = await createCustomer({
      organisationId: other.id,
      kind: 'patient',
      name: '外人',
      identities: [{ kind: 'wecom_external_userid', app: bff.config.wecom.corpId, value: 'wmStranger' }],
    });
    const byId = await bff.call('GET', `/api/staff/customers/${stranger.id}`, { token: consultant.accessToken });
    expect(byId.status).toBe(404);
    expect(byId.body.error.code).toBe('NOT_FOUND');
    const search = await bff.call('GET', '/api/staff/customers?q=外人', { token: consultant.accessToken });
    expect(search.body.items).toEqual([]);
    const byExternal = await bff.call('GET', '/api/staff/customers/by-external/wmStranger', {
      token: consultant.accessToken,
    });
    expect(byExternal.status).toBe(404);
  });
});
