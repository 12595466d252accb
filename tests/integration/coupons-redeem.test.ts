/**
 * Redeeming coupons over real HTTP on the real database: single use under concurrency, clinics, validity, undo
 * within the window, revocation, organisation isolation, expiry and the expiring reminder, the audit trail and
 * the customer's data export and erasure.
 */
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../bff/src/identity/service';
import { createOrganisation, listClinics } from '../../bff/src/organisations/service';
import { listTimeline } from '../../bff/src/events/service';
import { listAuditForSubject } from '../../bff/src/audit/service';
import { exportCustomerData, requestErasure } from '../../bff/src/privacy/service';
import {
  claimCoupon,
  createCouponTemplate,
  expireCoupons,
  getCouponTemplate,
  listCustomerCoupons,
  recordExpiringCoupons,
  redeemCoupon,
} from '../../bff/src/coupons/service';
import { CouponModel } from '../../bff/src/coupons/model';
import { CreateCouponTemplateRequest, type Coupon } from '@careloop/shared';
import { signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let manager: { accessToken: string; staff: { id: string; organisation: { id: string } } };
let zhangwei: { accessToken: string; staff: { id: string } };
let wangfang: { accessToken: string; staff: { id: string } };
let org: string;
let clinics: { id: string; name: string }[];

beforeAll(async () => {
  bff = await startTestBff('coupons_redeem');
  manager = await signInStaff(bff, 'lina');
  zhangwei = await signInStaff(bff, 'zhangwei');
  wangfang = await signInStaff(bff, 'wangfang');
  org = manager.staff.organisation.id;
  clinics = await listClinics(org);
});
afterAll(() => bff?.close());

const DAY = 86_400_000;
let counter = 0;
const requestId = () => `redeem${Date.now().toString(36)}${(counter += 1)}`;

async function templateIn(organisationId: string, overrides: Record<string, unknown> = {}) {
  return createCouponTemplate(
    organisationId,
    CreateCouponTemplateRequest.parse({
      name: '免费洗牙',
      kind: 'gift',
      giftDescription: '电动牙刷',
      validity: { type: 'days_after_claim', days: 30 },
      totalStock: 100,
      ...overrides,
    }),
    manager.staff.id,
  );
}

async function couponFor(options: { organisationId?: string; now?: Date; template?: Record<string, unknown> } = {}) {
  const organisationId = options.organisationId ?? org;
  counter += 1;
  const customer = await createCustomer({ organisationId, kind: 'patient', name: `患者${counter}`, identities: [] });
  const template = await templateIn(organisationId, options.template);
  const coupon = await claimCoupon({
    organisationId,
    templateId: template.id,
    customerId: customer.id,
    campaignId: null,
    requestId: requestId(),
    now: options.now,
  });
  return { customer, template, coupon };
}

const redeemPath = (coupon: Coupon) => `/api/staff/customers/${coupon.customerId}/coupons/${coupon.id}/redeem`;

describe('redemption', () => {
  it('a consultant redeems a customer’s coupon at a clinic: clinic and staff recorded, event and audit written', async () => {
    const { coupon, template } = await couponFor();
    const response = await bff.call('POST', redeemPath(coupon), {
      token: zhangwei.accessToken,
      body: { clinicId: clinics[0]!.id },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: coupon.id,
      state: 'redeemed',
      redemption: { clinic: { id: clinics[0]!.id, name: clinics[0]!.name }, staff: { id: zhangwei.staff.id } },
    });
    expect(response.body.redemption.staff.name).toBe('张伟');
    expect((await getCouponTemplate(org, template.id)).redeemed).toBe(1);
    const timeline = await listTimeline(org, coupon.customerId, { limit: 10, types: ['coupon.redeemed'] });
    expect(timeline.items.map((event) => [event.properties.clinicId, event.actor])).toEqual([
      [clinics[0]!.id, zhangwei.staff.id],
    ]);
    const trail = await listAuditForSubject(org, { kind: 'customer', id: coupon.customerId });
    expect(trail.map((entry) => entry.action)).toContain('customer.coupon_redeemed');
  });

  it('by the code the patient shows, typed in lower case: answers the coupon with its holder', async () => {
    const { coupon, customer } = await couponFor();
    const response = await bff.call('POST', '/api/staff/coupons/redeem', {
      token: wangfang.accessToken,
      body: { code: coupon.code.toLowerCase(), clinicId: clinics[1]!.id },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: coupon.id, customerId: customer.id, state: 'redeemed' });
  });

  it('two staff redeeming the same coupon at once: exactly one succeeds', async () => {
    const { coupon } = await couponFor();
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        bff.call('POST', redeemPath(coupon), {
          token: (index % 2 ? zhangwei : wangfang).accessToken,
          body: { clinicId: clinics[0]!.id },
        }),
      ),
    );
    expect(attempts.filter((attempt) => attempt.status === 200)).toHaveLength(1);
    for (const lost of attempts.filter((attempt) => attempt.status !== 200)) {
      expect(lost.status).toBe(409);
      expect(lost.body.error).toMatchObject({ code: 'COUPON_NOT_REDEEMABLE', details: { reason: 'already_redeemed' } });
    }
    const timeline = await listTimeline(org, coupon.customerId, { limit: 10, types: ['coupon.redeemed'] });
    expect(timeline.items).toHaveLength(1);
  });

  it('refuses a clinic the template does not allow, and a clinic of no such id', async () => {
    const { coupon } = await couponFor({ template: { clinicIds: [clinics[0]!.id] } });
    const wrong = await bff.call('POST', redeemPath(coupon), {
      token: zhangwei.accessToken,
      body: { clinicId: clinics[1]!.id },
    });
    expect(wrong.body.error).toMatchObject({
      code: 'COUPON_NOT_REDEEMABLE',
      details: { reason: 'clinic_not_allowed' },
    });
    const unknown = await bff.call('POST', redeemPath(coupon), {
      token: zhangwei.accessToken,
      body: { clinicId: String(new Types.ObjectId()) },
    });
    expect(unknown.body.error).toMatchObject({ code: 'COUPON_NOT_REDEEMABLE', details: { reason: 'unknown_clinic' } });
    const right = await bff.call('POST', redeemPath(coupon), {
      token: zhangwei.accessToken,
      body: { clinicId: clinics[0]!.id },
    });
    expect(right.status).toBe(200);
  });

  it('refuses a coupon before its validity starts and after it ends', async () => {
    const { coupon: early } = await couponFor({
      template: {
        validity: {
          type: 'fixed',
          startsAt: new Date(Date.now() + DAY).toISOString(),
          endsAt: new Date(Date.now() + 10 * DAY).toISOString(),
        },
      },
    });
    const notYet = await bff.call('POST', redeemPath(early), {
      token: zhangwei.accessToken,
      body: { clinicId: clinics[0]!.id },
    });
    expect(notYet.body.error).toMatchObject({ code: 'COUPON_NOT_REDEEMABLE', details: { reason: 'not_yet_valid' } });
    const { coupon: old } = await couponFor({ now: new Date(Date.now() - 31 * DAY) });
    const expired = await bff.call('POST', redeemPath(old), {
      token: zhangwei.accessToken,
      body: { clinicId: clinics[0]!.id },
    });
    expect(expired.body.error).toMatchObject({ code: 'COUPON_NOT_REDEEMABLE', details: { reason: 'expired' } });
  });

  it('a coupon named under another customer’s id is not found', async () => {
    const { coupon } = await couponFor();
    const { customer: other } = await couponFor();
    const response = await bff.call('POST', `/api/staff/customers/${other.id}/coupons/${coupon.id}/redeem`, {
      token: zhangwei.accessToken,
      body: { clinicId: clinics[0]!.id },
    });
    expect(response.status).toBe(404);
  });

  it('another organisation’s coupon and customer are not found', async () => {
    const elsewhere = await createOrganisation({
      name: 'Other clinic group',
      miniappAppId: `wxOther${Date.now()}`,
      wecomCorpId: `wwOther${Date.now()}`,
      timeZone: 'Asia/Shanghai',
    });
    const { coupon } = await couponFor({ organisationId: elsewhere.id });
    const byCode = await bff.call('POST', '/api/staff/coupons/redeem', {
      token: zhangwei.accessToken,
      body: { code: coupon.code, clinicId: clinics[0]!.id },
    });
    expect(byCode.status).toBe(404);
    const byId = await bff.call('POST', redeemPath(coupon), {
      token: zhangwei.accessToken,
      body: { clinicId: clinics[0]!.id },
    });
    expect(byId.status).toBe(404);
    const list = await bff.call('GET', `/api/staff/customers/${coupon.customerId}/coupons`, {
      token: zhangwei.accessToken,
    });
    expect(list.status).toBe(404);
  });
});

describe('undo and revocation', () => {
  it('a manager undoes a redemption; redeemed again, the timeline shows both redemptions and the undo', async () => {
    const { coupon } = await couponFor();
    const body = { clinicId: clinics[0]!.id };
    await bff.call('POST', redeemPath(coupon), { token: zhangwei.accessToken, body });
    const undone = await bff.call('POST', `/api/staff/coupons/${coupon.id}/undo-redemption`, {
      token: manager.accessToken,
    });
    expect(undone.status).toBe(200);
    expect(undone.body).toMatchObject({ state: 'claimed', redemption: null });
    const again = await bff.call('POST', redeemPath(coupon), { token: wangfang.accessToken, body });
    expect(again.body).toMatchObject({ state: 'redeemed', redemption: { staff: { id: wangfang.staff.id } } });
    const timeline = await listTimeline(org, coupon.customerId, { limit: 10 });
    expect(timeline.items.map((event) => event.type).reverse()).toEqual([
      'coupon.claimed',
      'coupon.redeemed',
      'coupon.redemption_undone',
      'coupon.redeemed',
    ]);
  });

  it('only a manager may undo, and only within the window', async () => {
    const { coupon } = await couponFor({ now: new Date(Date.now() - 2 * 60 * 60_000) });
    const consultant = await bff.call('POST', `/api/staff/coupons/${coupon.id}/undo-redemption`, {
      token: zhangwei.accessToken,
    });
    expect(consultant.status).toBe(403);
    await redeemCoupon({
      organisationId: org,
      coupon: { id: coupon.id },
      clinicId: clinics[0]!.id,
      staffId: zhangwei.staff.id,
      now: new Date(Date.now() - 31 * 60_000),
    });
    const late = await bff.call('POST', `/api/staff/coupons/${coupon.id}/undo-redemption`, {
      token: manager.accessToken,
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('COUPON_UNDO_WINDOW_PASSED');
  });

  it('a manager revokes a claimed coupon, which can then not be redeemed; a redeemed one cannot be revoked', async () => {
    const { coupon, template } = await couponFor();
    const revoked = await bff.call('POST', `/api/staff/coupons/${coupon.id}/revoke`, {
      token: manager.accessToken,
      body: { reason: '重复领取' },
    });
    expect(revoked.body).toMatchObject({ state: 'revoked' });
    expect(revoked.body.revokedAt).not.toBeNull();
    const redeem = await bff.call('POST', redeemPath(coupon), {
      token: zhangwei.accessToken,
      body: { clinicId: clinics[0]!.id },
    });
    expect(redeem.body.error).toMatchObject({ code: 'COUPON_NOT_REDEEMABLE', details: { reason: 'revoked' } });
    expect((await getCouponTemplate(org, template.id)).issued).toBe(1);

    const { coupon: used } = await couponFor();
    await bff.call('POST', redeemPath(used), { token: zhangwei.accessToken, body: { clinicId: clinics[0]!.id } });
    const refused = await bff.call('POST', `/api/staff/coupons/${used.id}/revoke`, {
      token: manager.accessToken,
      body: { reason: 'x' },
    });
    expect(refused.status).toBe(409);
  });
});

describe('the sidebar’s view of a customer’s coupons', () => {
  it('lists them newest first and audits the view', async () => {
    const { coupon, customer, template } = await couponFor();
    const second = await claimCoupon({
      organisationId: org,
      templateId: (await templateIn(org, { name: '第二张' })).id,
      customerId: customer.id,
      campaignId: null,
      requestId: requestId(),
    });
    const response = await bff.call('GET', `/api/staff/customers/${customer.id}/coupons`, {
      token: zhangwei.accessToken,
      headers: { 'x-careloop-surface': 'sidebar' },
    });
    expect(response.body.items.map((item: Coupon) => item.id)).toEqual([second.id, coupon.id]);
    expect(response.body.items[1].template.id).toBe(template.id);
    const trail = await listAuditForSubject(org, { kind: 'customer', id: customer.id });
    expect(trail[0]).toMatchObject({ action: 'customer.coupons_viewed', surface: 'sidebar' });
  });
});

describe('expiry', () => {
  it('marks claimed coupons past their expiry expired, each with one coupon.expired event', async () => {
    const { coupon: old } = await couponFor({ now: new Date(Date.now() - 31 * DAY) });
    const { coupon: fresh } = await couponFor();
    await expireCoupons();
    await expireCoupons();
    const [oldNow] = await listCustomerCoupons(org, old.customerId);
    const [freshNow] = await listCustomerCoupons(org, fresh.customerId);
    expect(oldNow!.state).toBe('expired');
    expect(freshNow!.state).toBe('claimed');
    const timeline = await listTimeline(org, old.customerId, { limit: 10, types: ['coupon.expired'] });
    expect(timeline.items).toHaveLength(1);
    expect(timeline.items[0]!.occurredAt).toBe(old.expiresAt);
  });

  it('a redeemed coupon does not expire', async () => {
    const { coupon } = await couponFor({ now: new Date(Date.now() - 29 * DAY) });
    await redeemCoupon({
      organisationId: org,
      coupon: { id: coupon.id },
      clinicId: clinics[0]!.id,
      staffId: zhangwei.staff.id,
    });
    await expireCoupons(new Date(Date.now() + 2 * DAY));
    expect((await listCustomerCoupons(org, coupon.customerId))[0]!.state).toBe('redeemed');
  });

  it('records coupon.expiring once, three days before expiry, and not for coupons further out', async () => {
    const { coupon: soon } = await couponFor({ now: new Date(Date.now() - 28 * DAY) });
    const { coupon: later } = await couponFor({ now: new Date(Date.now() - 20 * DAY) });
    const now = new Date();
    await recordExpiringCoupons(now);
    await recordExpiringCoupons(now);
    const soonEvents = await listTimeline(org, soon.customerId, { limit: 10, types: ['coupon.expiring'] });
    expect(soonEvents.items).toHaveLength(1);
    expect(soonEvents.items[0]!.properties).toMatchObject({ couponId: soon.id, expiresAt: soon.expiresAt });
    expect(soonEvents.items[0]!.occurredAt).toBe(new Date(Date.parse(soon.expiresAt) - 3 * DAY).toISOString());
    const laterEvents = await listTimeline(org, later.customerId, { limit: 10, types: ['coupon.expiring'] });
    expect(laterEvents.items).toHaveLength(0);
    // Its turn comes when the clock reaches three days before its expiry.
    await recordExpiringCoupons(new Date(Date.parse(later.expiresAt) - 3 * DAY + 1000));
    expect((await listTimeline(org, later.customerId, { limit: 10, types: ['coupon.expiring'] })).items).toHaveLength(
      1,
    );
  });
});

describe('privacy', () => {
  it('the export lists the customer’s coupons; erasure withdraws them, drops staff notes, keeps the stock counts', async () => {
    const { coupon, customer, template } = await couponFor({ template: { perPersonLimit: 2 } });
    const noted = await claimCoupon({
      organisationId: org,
      templateId: template.id,
      customerId: customer.id,
      campaignId: null,
      requestId: requestId(),
    });
    await bff.call('POST', `/api/staff/coupons/${noted.id}/revoke`, {
      token: manager.accessToken,
      body: { reason: '患者电话 13800000000 要求' },
    });
    const exported = await exportCustomerData({
      organisationId: org,
      customerId: customer.id,
      actor: { kind: 'customer', id: customer.id },
    });
    expect(exported.sections.coupons).toEqual([
      expect.objectContaining({ code: coupon.code, name: template.name, state: 'claimed' }),
      expect.objectContaining({ code: noted.code, state: 'revoked' }),
    ]);
    await requestErasure({
      organisationId: org,
      customerId: customer.id,
      actor: { kind: 'customer', id: customer.id },
    });
    const after = await listCustomerCoupons(org, customer.id);
    expect(after.map((item) => [item.id, item.state]).sort()).toEqual(
      [
        [coupon.id, 'revoked'],
        [noted.id, 'revoked'],
      ].sort(),
    );
    expect(JSON.stringify(await CouponModel.find({ customerId: customer.id }).lean())).not.toContain('13800000000');
    expect((await getCouponTemplate(org, template.id)).issued).toBe(2);
  });
});
