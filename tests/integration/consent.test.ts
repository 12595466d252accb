import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../../bff/src/organisations/service';
import { createCustomer } from '../../bff/src/identity/service';
import { mergeSteps } from '../../bff/src/identity/mergeSteps';
import { listAuditForSubject } from '../../bff/src/audit/service';
import { getConsent, hasMarketingConsent } from '../../bff/src/consent/service';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let consultant: { accessToken: string; staff: { id: string; organisation: { id: string } } };
let organisationId: string;
let policyVersion: string;

beforeAll(async () => {
  bff = await startTestBff('consent');
  consultant = await signInStaff(bff, 'zhangwei');
  organisationId = consultant.staff.organisation.id;
  policyVersion = bff.config.privacy.policyVersion;
});
afterAll(() => bff?.close());

const accept = (token: string, marketing: boolean, version = policyVersion) =>
  bff.call('POST', '/api/mp/me/consent', { token, body: { policyVersion: version, marketing } });

describe('the customer’s consent', () => {
  it('asks a new customer to accept the current policy version', async () => {
    const patient = await signInNewPatient(bff);
    const response = await bff.call('GET', '/api/mp/me/consent', { token: patient.accessToken });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      customerId: patient.customer.id,
      currentPolicyVersion: '2026-11',
      policy: null,
      policyUpToDate: false,
      marketing: null,
      history: [],
    });
  });

  it('records the accepted policy version and the marketing answer with time and channel', async () => {
    const patient = await signInNewPatient(bff);
    const response = await accept(patient.accessToken, true);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      policy: { version: policyVersion, channel: 'miniapp' },
      policyUpToDate: true,
      marketing: { granted: true, channel: 'miniapp' },
    });
    expect(Date.parse(response.body.policy.acceptedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(response.body.history.map((change: { type: string }) => change.type).sort()).toEqual([
      'marketing_granted',
      'policy_accepted',
    ]);
    expect(await hasMarketingConsent(organisationId, patient.customer.id)).toBe(true);
    const again = await bff.call('GET', '/api/mp/me/consent', { token: patient.accessToken });
    expect(again.body).toEqual(response.body);
  });

  it('withdraws marketing consent at once with one call', async () => {
    const patient = await signInNewPatient(bff);
    await accept(patient.accessToken, true);
    expect(await hasMarketingConsent(organisationId, patient.customer.id)).toBe(true);
    const response = await bff.call('POST', '/api/mp/me/consent/withdraw-marketing', { token: patient.accessToken });
    expect(response.status).toBe(200);
    expect(response.body.marketing).toMatchObject({ granted: false, channel: 'miniapp' });
    expect(await hasMarketingConsent(organisationId, patient.customer.id)).toBe(false);
  });

  it('keeps every change in the history, newest first, and the policy acceptance stays', async () => {
    const patient = await signInNewPatient(bff);
    await accept(patient.accessToken, true);
    await bff.call('POST', '/api/mp/me/consent/withdraw-marketing', { token: patient.accessToken });
    const regranted = await accept(patient.accessToken, true);
    const types = regranted.body.history.map((change: { type: string }) => change.type);
    expect(types.slice(0, 2)).toEqual(['marketing_granted', 'marketing_withdrawn']);
    expect(types).toHaveLength(4);
    expect(types.filter((type: string) => type === 'policy_accepted')).toHaveLength(1);
    for (const change of regranted.body.history) {
      expect(change).toMatchObject({ channel: 'miniapp', actor: { kind: 'customer', id: null } });
    }
    expect(regranted.body.policyUpToDate).toBe(true);
  });

  it('adds nothing to the history when a decision already in force is repeated', async () => {
    const patient = await signInNewPatient(bff);
    const first = await accept(patient.accessToken, false);
    const second = await accept(patient.accessToken, false);
    const withdrawn = await bff.call('POST', '/api/mp/me/consent/withdraw-marketing', { token: patient.accessToken });
    expect(second.body).toEqual(first.body);
    expect(withdrawn.body.history).toEqual(first.body.history);
    expect(first.body.history).toHaveLength(2);
  });

  it('records a withdrawal even when marketing was never granted', async () => {
    const patient = await signInNewPatient(bff);
    const response = await bff.call('POST', '/api/mp/me/consent/withdraw-marketing', { token: patient.accessToken });
    expect(response.body).toMatchObject({ policy: null, marketing: { granted: false } });
    expect(response.body.history.map((change: { type: string }) => change.type)).toEqual(['marketing_withdrawn']);
  });

  it('puts every consent change on the customer’s timeline', async () => {
    const patient = await signInNewPatient(bff);
    await accept(patient.accessToken, true);
    await bff.call('POST', '/api/mp/me/consent/withdraw-marketing', { token: patient.accessToken });
    const timeline = await bff.call(
      'GET',
      `/api/staff/customers/${patient.customer.id}/timeline?types=consent.changed`,
      { token: consultant.accessToken },
    );
    expect(timeline.status).toBe(200);
    const properties = timeline.body.items.map((event: { properties: unknown }) => event.properties);
    expect(properties).toHaveLength(3);
    expect(properties[0]).toEqual({ marketing: false, channel: 'miniapp' });
    expect(properties).toContainEqual({ privacyPolicyVersion: policyVersion, channel: 'miniapp' });
    expect(properties).toContainEqual({ marketing: true, channel: 'miniapp' });
  });

  it('says the policy is out of date when a newer version is current', async () => {
    const patient = await signInNewPatient(bff);
    await accept(patient.accessToken, true);
    const later = await getConsent(organisationId, patient.customer.id, '2027-05');
    expect(later).toMatchObject({ currentPolicyVersion: '2027-05', policy: { version: policyVersion } });
    expect(later.policyUpToDate).toBe(false);
  });
});

describe('bad consent input', () => {
  it('refuses to accept a policy version other than the current one with VALIDATION_FAILED', async () => {
    const patient = await signInNewPatient(bff);
    const response = await accept(patient.accessToken, true, '2020-01');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details).toEqual([
      expect.objectContaining({ path: 'policyVersion', code: 'policy_version_outdated' }),
    ]);
    expect(await hasMarketingConsent(organisationId, patient.customer.id)).toBe(false);
  });

  it('refuses a body without the marketing answer, with a wrong type or an unknown field', async () => {
    const patient = await signInNewPatient(bff);
    for (const body of [
      { policyVersion },
      { policyVersion, marketing: 'yes' },
      { policyVersion, marketing: true, channel: 'sidebar' },
      { policyVersion: 'not a version!', marketing: true },
    ]) {
      const response = await bff.call('POST', '/api/mp/me/consent', { token: patient.accessToken, body });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('answers UNAUTHENTICATED without a token and TOKEN_INVALID for a staff token', async () => {
    const anonymous = await bff.call('GET', '/api/mp/me/consent');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    const staff = await bff.call('POST', '/api/mp/me/consent/withdraw-marketing', { token: consultant.accessToken });
    expect(staff.status).toBe(401);
    expect(staff.body.error.code).toBe('TOKEN_INVALID');
  });
});

describe('consent seen and changed by staff', () => {
  it('shows staff the customer’s consent and audits the view with its surface', async () => {
    const patient = await signInNewPatient(bff);
    await accept(patient.accessToken, true);
    const response = await bff.call('GET', `/api/staff/customers/${patient.customer.id}/consent`, {
      token: consultant.accessToken,
      headers: { 'x-careloop-surface': 'sidebar' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ marketing: { granted: true }, policy: { version: policyVersion } });
    const trail = await listAuditForSubject(organisationId, { kind: 'customer', id: patient.customer.id });
    expect(trail).toEqual([
      expect.objectContaining({
        actor: { kind: 'staff', id: consultant.staff.id },
        action: 'customer.consent_viewed',
        surface: 'sidebar',
        requestId: response.headers.get('x-request-id'),
      }),
    ]);
  });

  it('lets staff record a withdrawal the customer asked for in the chat, at once and audited', async () => {
    const patient = await signInNewPatient(bff);
    await accept(patient.accessToken, true);
    const response = await bff.call('POST', `/api/staff/customers/${patient.customer.id}/consent/withdraw-marketing`, {
      token: consultant.accessToken,
      headers: { 'x-careloop-surface': 'sidebar' },
    });
    expect(response.status).toBe(200);
    expect(await hasMarketingConsent(organisationId, patient.customer.id)).toBe(false);
    expect(response.body.history[0]).toMatchObject({
      type: 'marketing_withdrawn',
      channel: 'sidebar',
      actor: { kind: 'staff', id: consultant.staff.id },
    });
    const trail = await listAuditForSubject(organisationId, { kind: 'customer', id: patient.customer.id });
    expect(trail[0]).toMatchObject({
      action: 'customer.consent_changed',
      surface: 'sidebar',
      details: { field: 'marketing', from: true, to: false },
    });
    const mine = await bff.call('GET', '/api/mp/me/consent', { token: patient.accessToken });
    expect(mine.body.marketing.granted).toBe(false);
  });

  it('answers another organisation’s customer with NOT_FOUND', async () => {
    const other = await createOrganisation({
      name: 'Other Clinic',
      miniappAppId: 'wxConsentOther',
      wecomCorpId: 'wwConsentOther',
      timeZone: 'Asia/Shanghai',
    });
    const stranger = await createCustomer({ organisationId: other.id, kind: 'patient', name: '外人', identities: [] });
    for (const [method, path] of [
      ['GET', `/api/staff/customers/${stranger.id}/consent`],
      ['POST', `/api/staff/customers/${stranger.id}/consent/withdraw-marketing`],
    ] as const) {
      const response = await bff.call(method, path, { token: consultant.accessToken });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('NOT_FOUND');
    }
  });

  it('answers a malformed customer id with VALIDATION_FAILED', async () => {
    const response = await bff.call('GET', '/api/staff/customers/not-an-id/consent', { token: consultant.accessToken });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('consent in a merge', () => {
  it('keeps both histories and the latest decision on the surviving profile, however often the step runs', async () => {
    const older = await signInNewPatient(bff);
    const newer = await signInNewPatient(bff);
    await accept(older.accessToken, false);
    await accept(newer.accessToken, true);
    const step = mergeSteps().find((candidate) => candidate.name === 'consent')!;
    const move = { organisationId, fromCustomerId: newer.customer.id, intoCustomerId: older.customer.id };
    await step.move(move);
    await step.move(move);
    const survivor = await getConsent(organisationId, older.customer.id, policyVersion);
    expect(survivor.history).toHaveLength(4);
    expect(survivor.marketing?.granted).toBe(true);
    expect(await hasMarketingConsent(organisationId, older.customer.id)).toBe(true);
    expect(await hasMarketingConsent(organisationId, newer.customer.id)).toBe(false);
    expect((await getConsent(organisationId, newer.customer.id, policyVersion)).history).toEqual([]);
  });
});
