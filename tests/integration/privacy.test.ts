import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privacyContributors, registerPrivacyContributor } from '../../bff/src/privacy/contributors';
import { listAuditForSubject } from '../../bff/src/audit/service';
import { EventModel } from '../../bff/src/events/model';
import { getConsent, hasMarketingConsent } from '../../bff/src/consent/service';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let organisationId: string;

/** A domain of the test's own: what it was asked to export and erase, per customer. */
const fake = { exported: [] as string[], erased: [] as string[], failOnce: new Set<string>() };

beforeAll(async () => {
  bff = await startTestBff('privacy');
  organisationId = (await signInStaff(bff, 'zhangwei')).staff.organisation.id;
  registerPrivacyContributor({
    name: 'fake_domain',
    async exportData({ customerId }) {
      fake.exported.push(customerId);
      return { notes: [`note about ${customerId}`] };
    },
    async erase({ customerId }) {
      if (fake.failOnce.delete(customerId)) throw new Error('fake domain is down');
      fake.erased.push(customerId);
    },
  });
});
afterAll(() => bff?.close());

type Patient = Awaited<ReturnType<typeof signInNewPatient>>;

async function patientWithData(): Promise<Patient> {
  const patient = await signInNewPatient(bff);
  await bff.call('POST', '/api/mp/me/consent', {
    token: patient.accessToken,
    body: { policyVersion: bff.config.privacy.policyVersion, marketing: true },
  });
  const events = await bff.call('POST', '/api/mp/events', {
    token: patient.accessToken,
    body: {
      events: [
        {
          id: `pv-${patient.customer.id}`,
          type: 'page.viewed',
          occurredAt: new Date().toISOString(),
          properties: { path: 'pages/home/index', title: '首页' },
        },
      ],
    },
  });
  expect(events.body.accepted).toBe(1);
  return patient;
}

const erase = (patient: Patient, body: unknown = { confirm: true }) =>
  bff.call('POST', '/api/mp/me/erasure', { token: patient.accessToken, body });

describe('data export', () => {
  it('contains a section from every registered contributor and when it was generated', async () => {
    const patient = await patientWithData();
    const response = await bff.call('GET', '/api/mp/me/export', { token: patient.accessToken });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="careloop-export-/);
    expect(Object.keys(response.body.sections).sort()).toEqual(
      privacyContributors()
        .map((c) => c.name)
        .sort(),
    );
    expect(Object.keys(response.body.sections)).toEqual(expect.arrayContaining(['consent', 'events', 'fake_domain']));
    expect(response.body).toMatchObject({ customerId: patient.customer.id, organisationId });
    expect(Date.parse(response.body.generatedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(response.body.sections.fake_domain).toEqual({ notes: [`note about ${patient.customer.id}`] });
    expect(response.body.sections.consent.marketing).toMatchObject({ granted: true });
    expect(response.body.sections.events).toContainEqual(
      expect.objectContaining({ type: 'page.viewed', properties: { path: 'pages/home/index', title: '首页' } }),
    );
  });

  it('is audited as the customer’s own export, from the mini-program', async () => {
    const patient = await patientWithData();
    const response = await bff.call('GET', '/api/mp/me/export', {
      token: patient.accessToken,
      headers: { 'x-careloop-surface': 'miniapp' },
    });
    const trail = await listAuditForSubject(organisationId, { kind: 'customer', id: patient.customer.id });
    expect(trail).toEqual([
      expect.objectContaining({
        actor: { kind: 'customer', id: patient.customer.id },
        action: 'customer.data_exported',
        surface: 'miniapp',
        requestId: response.headers.get('x-request-id'),
        details: { sections: expect.arrayContaining(['consent', 'events', 'fake_domain']) },
      }),
    ]);
  });

  it('holds only the signed-in customer’s data', async () => {
    const one = await patientWithData();
    const other = await patientWithData();
    const response = await bff.call('GET', '/api/mp/me/export', { token: one.accessToken });
    expect(JSON.stringify(response.body)).not.toContain(other.customer.id);
  });

  it('is refused without a customer token', async () => {
    const staff = await signInStaff(bff, 'lina');
    const response = await bff.call('GET', '/api/mp/me/export', { token: staff.accessToken });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('TOKEN_INVALID');
  });
});

describe('erasure', () => {
  it('runs every contributor and leaves the consent record minimal, with marketing off', async () => {
    const patient = await patientWithData();
    const response = await erase(patient);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'completed' });
    expect(response.body.erased.sort()).toEqual(
      privacyContributors()
        .map((c) => c.name)
        .sort(),
    );
    expect(Date.parse(response.body.completedAt)).toBeGreaterThanOrEqual(Date.parse(response.body.requestedAt));
    expect(fake.erased).toContain(patient.customer.id);

    expect(await hasMarketingConsent(organisationId, patient.customer.id)).toBe(false);
    const consent = await getConsent(organisationId, patient.customer.id, bff.config.privacy.policyVersion);
    expect(consent.policy?.version).toBe(bff.config.privacy.policyVersion);
    expect(consent.history[0]).toMatchObject({ type: 'marketing_withdrawn', actor: { kind: 'system', id: null } });

    // Events keep type and time for aggregate counts; what they said about the customer is gone.
    const events = await EventModel.find({ customerId: patient.customer.id }).lean();
    expect(events.map((event) => event.type)).toContain('page.viewed');
    for (const event of events) expect(event.properties).toEqual({});
  });

  it('is idempotent: asking again answers the same record and erases nothing twice', async () => {
    const patient = await patientWithData();
    const first = await erase(patient);
    const second = await erase(patient);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(fake.erased.filter((id) => id === patient.customer.id)).toHaveLength(1);
    const trail = await listAuditForSubject(organisationId, { kind: 'customer', id: patient.customer.id });
    const actions = trail.map((entry) => entry.action);
    expect(actions.filter((action) => action === 'customer.erasure_requested')).toHaveLength(1);
    expect(actions.filter((action) => action === 'customer.erased')).toHaveLength(1);
  });

  it('finishes on the next request when a contributor failed half-way', async () => {
    const patient = await patientWithData();
    fake.failOnce.add(patient.customer.id);
    const failed = await erase(patient);
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe('INTERNAL');
    const retried = await erase(patient);
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('completed');
    expect(retried.body.erased).toContain('fake_domain');
    expect(fake.erased.filter((id) => id === patient.customer.id)).toHaveLength(1);
  });

  it('ends the customer’s sessions', async () => {
    const patient = await patientWithData();
    await erase(patient);
    const refresh = await bff.call('POST', '/api/auth/refresh', { body: { refreshToken: patient.refreshToken } });
    expect(refresh.status).toBe(401);
    expect(refresh.body.error.code).toBe('REFRESH_TOKEN_INVALID');
    for (const [method, path] of [
      ['GET', '/api/mp/me/export'],
      ['GET', '/api/mp/me/consent'],
      ['POST', '/api/mp/me/consent/withdraw-marketing'],
    ] as const) {
      const response = await bff.call(method, path, { token: patient.accessToken });
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('TOKEN_INVALID');
    }
  });

  it('refuses a request that does not confirm the erasure with VALIDATION_FAILED, and erases nothing', async () => {
    const patient = await patientWithData();
    for (const body of [{}, { confirm: false }, { confirm: 'yes' }, { confirm: true, reason: 'x' }]) {
      const response = await erase(patient, body);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
    const noBody = await bff.call('POST', '/api/mp/me/erasure', { token: patient.accessToken });
    expect(noBody.body.error.code).toBe('VALIDATION_FAILED');
    expect(fake.erased).not.toContain(patient.customer.id);
    expect(await hasMarketingConsent(organisationId, patient.customer.id)).toBe(true);
  });

  it('cannot be asked for by staff', async () => {
    const staff = await signInStaff(bff, 'lina');
    const response = await bff.call('POST', '/api/mp/me/erasure', {
      token: staff.accessToken,
      body: { confirm: true },
    });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('TOKEN_INVALID');
  });
});
