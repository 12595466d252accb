/** OneID over real HTTP with the sandbox playing WeChat and WeCom: phones, unionids, the 360° profile. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditForSubject } from '../../bff/src/audit/service';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let consultant: { accessToken: string; staff: { id: string; organisation: { id: string } } };
let manager: { accessToken: string; staff: { id: string } };
beforeAll(async () => {
  bff = await startTestBff('identity');
  consultant = await signInStaff(bff, 'zhangwei');
  manager = await signInStaff(bff, 'lina');
});
afterAll(() => bff?.close());

let phones = 0;
/** A realistic, distinct mobile number per call (not a test number, which would never link). */
const nextPhone = () => `1391234${String(5000 + (phones += 1)).padStart(4, '0')}`;

async function verifyPhone(patient: { openid: string; accessToken: string }, phoneNumber: string) {
  const code = await bff.call('POST', '/sandbox/control/wechat/phone-code', {
    body: { openid: patient.openid, phoneNumber },
  });
  return bff.call('POST', '/api/mp/me/phone', { token: patient.accessToken, body: { code: code.body.code } });
}

const profile = (id: string, token = consultant.accessToken) =>
  bff.call('GET', `/api/staff/customers/${id}/profile`, { token });

describe('verified phones', () => {
  it('stores a verified phone encrypted and shows it masked', async () => {
    const patient = await signInNewPatient(bff);
    const phone = nextPhone();
    const verified = await verifyPhone(patient, phone);
    expect(verified.status).toBe(200);
    expect(verified.body.phone).toEqual({ masked: `${phone.slice(0, 3)}****${phone.slice(7)}`, verified: true });
    const seen = await profile(patient.customer.id);
    expect(JSON.stringify(seen.body)).not.toContain(phone);
    expect(seen.body.identities.map((identity: { kind: string }) => identity.kind)).toContain('phone');
  });

  it('links two profiles that verify the same phone: the older survives', async () => {
    const first = await signInNewPatient(bff);
    const second = await signInNewPatient(bff);
    const phone = nextPhone();
    await verifyPhone(first, phone);
    const linked = await verifyPhone(second, phone);
    expect(linked.body.id).toBe(first.customer.id);
    const me = await bff.call('GET', '/api/mp/me', { token: second.accessToken });
    expect(me.body.id).toBe(first.customer.id);
    const merged = await profile(first.customer.id);
    expect(merged.body.merges).toEqual([
      expect.objectContaining({ survivorId: first.customer.id, mergedId: second.customer.id, rule: 'verified_phone' }),
    ]);
  });

  it('asks WeChat once per phone code, however often the request is retried', async () => {
    const patient = await signInNewPatient(bff);
    const phone = nextPhone();
    const code = await bff.call('POST', '/sandbox/control/wechat/phone-code', {
      body: { openid: patient.openid, phoneNumber: phone },
    });
    const first = await bff.call('POST', '/api/mp/me/phone', {
      token: patient.accessToken,
      body: { code: code.body.code },
    });
    // The sandbox spends codes like WeChat: a second call to WeChat would fail with 40029.
    const retry = await bff.call('POST', '/api/mp/me/phone', {
      token: patient.accessToken,
      body: { code: code.body.code },
    });
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(retry.body.phone.verified).toBe(true);
  });

  it('rejects an invalid phone code with PHONE_CODE_INVALID', async () => {
    const patient = await signInNewPatient(bff);
    const response = await bff.call('POST', '/api/mp/me/phone', {
      token: patient.accessToken,
      body: { code: 'bogus' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('PHONE_CODE_INVALID');
  });

  it('never links anyone by a test phone number', async () => {
    const first = await signInNewPatient(bff);
    const second = await signInNewPatient(bff);
    await verifyPhone(first, '13800138000');
    const response = await verifyPhone(second, '13800138000');
    expect(response.body.id).toBe(second.customer.id);
  });
});

describe('typed phones', () => {
  it('do not merge two profiles but raise a possible duplicate that staff confirm', async () => {
    const first = await signInNewPatient(bff);
    const second = await signInNewPatient(bff);
    const phone = nextPhone();
    for (const patient of [first, second]) {
      const typed = await bff.call('POST', '/api/mp/me/phone/typed', { token: patient.accessToken, body: { phone } });
      expect(typed.body.phone.verified).toBe(false);
    }
    expect((await bff.call('GET', '/api/mp/me', { token: second.accessToken })).body.id).toBe(second.customer.id);
    const seen = await profile(second.customer.id);
    expect(seen.body.duplicates).toEqual([
      expect.objectContaining({ reason: 'same_phone', other: expect.objectContaining({ id: first.customer.id }) }),
    ]);
    const decided = await bff.call('POST', `/api/staff/duplicates/${seen.body.duplicates[0].id}/decision`, {
      token: consultant.accessToken,
      body: { decision: 'confirm' },
    });
    expect(decided.body.survivorId).toBe(first.customer.id);
    expect((await profile(second.customer.id)).body.customer.id).toBe(first.customer.id);
  });

  it('can be dismissed as not the same person', async () => {
    const first = await signInNewPatient(bff);
    const second = await signInNewPatient(bff);
    const phone = nextPhone();
    for (const patient of [first, second]) {
      await bff.call('POST', '/api/mp/me/phone/typed', { token: patient.accessToken, body: { phone } });
    }
    const [duplicate] = (await profile(first.customer.id)).body.duplicates;
    await bff.call('POST', `/api/staff/duplicates/${duplicate.id}/decision`, {
      token: consultant.accessToken,
      body: { decision: 'dismiss' },
    });
    expect((await profile(first.customer.id)).body.duplicates).toEqual([]);
    expect((await profile(second.customer.id)).body.customer.id).toBe(second.customer.id);
  });

  it('refuses a number that is not a mainland mobile with INVALID_PHONE', async () => {
    const patient = await signInNewPatient(bff);
    const response = await bff.call('POST', '/api/mp/me/phone/typed', {
      token: patient.accessToken,
      body: { phone: '12345' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_PHONE');
  });
});

describe('WeCom contacts', () => {
  it('links a WeCom contact to the mini-program user with the same unionid when staff sync their contacts', async () => {
    const unionid = `oUnionSync${Date.now()}`;
    const patient = await signInNewPatient(bff, { unionid });
    await bff.call('POST', '/sandbox/control/wecom/external-contacts', {
      body: { userid: 'zhangwei', name: '微信好友', unionid },
    });
    const sync = await bff.call('POST', '/api/staff/wecom/contacts/sync', { token: consultant.accessToken });
    expect(sync.body.contactsSeen).toBeGreaterThanOrEqual(1);
    const seen = await profile(patient.customer.id);
    expect(seen.body.identities.map((identity: { kind: string }) => identity.kind).sort()).toEqual([
      'miniapp_openid',
      'unionid',
      'wecom_external_userid',
    ]);
    expect(seen.body.followers).toEqual([expect.objectContaining({ wecomUserId: 'zhangwei', name: '张伟' })]);
  });
});

describe('first sign-in of a WeCom contact', () => {
  it('links a mini-program user who is already a WeCom contact (same unionid) at once, without a sync', async () => {
    const unionid = `oUnionFirst${Date.now()}`;
    await bff.call('POST', '/sandbox/control/wecom/external-contacts', {
      body: { userid: 'wangfang', name: '老客户', unionid },
    });
    const patient = await signInNewPatient(bff, { unionid });
    expect(patient.customer.name).toBe('老客户');
    const seen = await profile(patient.customer.id, manager.accessToken);
    expect(seen.body.followers).toEqual([expect.objectContaining({ wecomUserId: 'wangfang' })]);
  });
});

describe('the 360° profile', () => {
  it('shows base data, tags with who set them, activity and consent in one answer', async () => {
    const patient = await signInNewPatient(bff);
    await bff.call('PATCH', `/api/staff/customers/${patient.customer.id}`, {
      token: consultant.accessToken,
      body: { name: '钱多多', gender: 'female', birthday: '1990-05-01', ownerStaffId: consultant.staff.id },
    });
    await bff.call('POST', `/api/staff/customers/${patient.customer.id}/tags`, {
      token: consultant.accessToken,
      body: { name: '种植意向' },
    });
    const seen = await profile(patient.customer.id);
    expect(seen.status).toBe(200);
    expect(seen.body.customer).toMatchObject({ name: '钱多多', gender: 'female', birthday: '1990-05-01' });
    expect(seen.body.owner).toEqual({ id: consultant.staff.id, name: '张伟' });
    expect(seen.body.tags).toEqual([
      expect.objectContaining({ name: '种植意向', source: 'manual', setBy: { id: consultant.staff.id, name: '张伟' } }),
    ]);
    expect(seen.body.activity.level).toBe('new');
    expect(seen.body.consent).toBeDefined();
  });

  it('lets only an admin verify an HCP, recording the evidence', async () => {
    const patient = await signInNewPatient(bff);
    const body = { decision: 'verified', evidence: '执业证书 110101' };
    const asStaff = await bff.call('POST', `/api/staff/customers/${patient.customer.id}/hcp-verification`, {
      token: consultant.accessToken,
      body,
    });
    expect(asStaff.body.error.code).toBe('FORBIDDEN');
    await bff.call('POST', `/api/staff/customers/${patient.customer.id}/hcp-verification`, {
      token: manager.accessToken,
      body,
    });
    const seen = await profile(patient.customer.id);
    expect(seen.body.customer).toMatchObject({
      kind: 'hcp',
      hcp: { verification: 'verified', evidence: '执业证书 110101' },
    });
  });

  it('reveals the full phone only to managers, and audits every reveal and read', async () => {
    const patient = await signInNewPatient(bff);
    const phone = nextPhone();
    await verifyPhone(patient, phone);
    const path = `/api/staff/customers/${patient.customer.id}/phone/reveal`;
    expect((await bff.call('POST', path, { token: consultant.accessToken })).body.error.code).toBe('FORBIDDEN');
    const revealed = await bff.call('POST', path, {
      token: manager.accessToken,
      headers: { 'x-careloop-surface': 'sidebar' },
    });
    expect(revealed.body).toEqual({ phone, verified: true });
    await profile(patient.customer.id);
    const trail = await listAuditForSubject(consultant.staff.organisation.id, {
      kind: 'customer',
      id: patient.customer.id,
    });
    expect(trail.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['customer.phone_revealed', 'customer.profile_viewed']),
    );
  });

  it('never shows one customer another customer’s data', async () => {
    const alice = await signInNewPatient(bff);
    const bob = await signInNewPatient(bff);
    const asCustomer = await bff.call('GET', `/api/staff/customers/${bob.customer.id}/profile`, {
      token: alice.accessToken,
    });
    expect(asCustomer.body.error.code).toBe('TOKEN_INVALID');
    expect((await bff.call('GET', '/api/mp/me', { token: alice.accessToken })).body.id).toBe(alice.customer.id);
  });
});
