/**
 * Coupon templates and claims on the real database: stock and the per-person limit under concurrency,
 * idempotent claims, eligibility, codes, the mini-program's coupon list, and the repair of crashed claims.
 */
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../bff/src/identity/service';
import { decideHcpVerification } from '../../bff/src/identity/profile';
import { addTag } from '../../bff/src/tags/service';
import { listTimeline, recordEvent } from '../../bff/src/events/service';
import {
  CLAIM_STALE_MS,
  claimability,
  claimCoupon,
  createCouponTemplate,
  getCouponTemplate,
  repairCoupons,
} from '../../bff/src/coupons/service';
import { CouponModel, CouponTemplateModel } from '../../bff/src/coupons/model';
import { CreateCouponTemplateRequest, type CouponTemplate } from '@careloop/shared';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let manager: { accessToken: string; staff: { id: string; organisation: { id: string } } };
let consultant: { accessToken: string; staff: { id: string } };
let org: string;

beforeAll(async () => {
  bff = await startTestBff('coupons');
  manager = await signInStaff(bff, 'lina');
  consultant = await signInStaff(bff, 'zhangwei');
  org = manager.staff.organisation.id;
});
afterAll(() => bff?.close());

let requests = 0;
const requestId = () => `req${Date.now().toString(36)}${(requests += 1)}`;

async function template(overrides: Record<string, unknown> = {}): Promise<CouponTemplate> {
  return createCouponTemplate(
    org,
    CreateCouponTemplateRequest.parse({
      name: '洗牙立减',
      kind: 'amount_off',
      amountOffFen: 5000,
      validity: { type: 'days_after_claim', days: 30 },
      totalStock: 100,
      ...overrides,
    }),
    manager.staff.id,
  );
}

let customers = 0;
async function customer() {
  customers += 1;
  return createCustomer({ organisationId: org, kind: 'patient', name: `顾客${customers}`, identities: [] });
}

const claim = (templateId: string, customerId: string, extra: { requestId?: string; now?: Date } = {}) =>
  claimCoupon({ organisationId: org, templateId, customerId, campaignId: null, requestId: requestId(), ...extra });

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; details?: { reason?: string } };
  }
  throw new Error('expected a failure');
}

describe('coupon templates', () => {
  it('a manager creates a template and reads it back with its counts', async () => {
    const created = await bff.call('POST', '/api/staff/coupon-templates', {
      token: manager.accessToken,
      body: {
        name: '种植咨询 9 折',
        kind: 'percent_off',
        percentOff: 10,
        validity: { type: 'fixed', startsAt: '2030-01-01T00:00:00.000Z', endsAt: '2030-02-01T00:00:00.000Z' },
        totalStock: 50,
        perPersonLimit: 2,
        eligibility: { type: 'tagged', tag: '种植意向' },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'percent_off',
      percentOff: 10,
      amountOffFen: null,
      totalStock: 50,
      perPersonLimit: 2,
      eligibility: { type: 'tagged', tag: '种植意向' },
      validity: { type: 'fixed', startsAt: '2030-01-01T00:00:00.000Z', endsAt: '2030-02-01T00:00:00.000Z' },
      paused: false,
      issued: 0,
      redeemed: 0,
    });
    const read = await bff.call('GET', `/api/staff/coupon-templates/${created.body.id}`, {
      token: manager.accessToken,
    });
    expect(read.body).toEqual(created.body);
    const list = await bff.call('GET', '/api/staff/coupon-templates', { token: manager.accessToken });
    expect(list.body.items[0].id).toBe(created.body.id);
  });

  it('only managers manage templates', async () => {
    const response = await bff.call('GET', '/api/staff/coupon-templates', { token: consultant.accessToken });
    expect(response.status).toBe(403);
  });

  it('a template naming a clinic that is not the organisation’s is refused', async () => {
    const response = await bff.call('POST', '/api/staff/coupon-templates', {
      token: manager.accessToken,
      body: {
        name: 'x',
        kind: 'gift',
        giftDescription: '牙刷',
        validity: { type: 'days_after_claim', days: 7 },
        totalStock: 5,
        clinicIds: [String(new Types.ObjectId())],
      },
    });
    expect(response.status).toBe(404);
  });

  it('stock cannot be set below what was issued, and can be raised', async () => {
    const small = await template({ totalStock: 3 });
    await claim(small.id, (await customer()).id);
    await claim(small.id, (await customer()).id);
    const path = `/api/staff/coupon-templates/${small.id}`;
    const below = await bff.call('PATCH', path, { token: manager.accessToken, body: { totalStock: 1 } });
    expect(below.status).toBe(400);
    expect(below.body.error.code).toBe('VALIDATION_FAILED');
    const exact = await bff.call('PATCH', path, { token: manager.accessToken, body: { totalStock: 2 } });
    expect(exact.body).toMatchObject({ totalStock: 2, issued: 2 });
    expect((await errorOf(claim(small.id, (await customer()).id))).code).toBe('OUT_OF_STOCK');
    const raised = await bff.call('PATCH', path, { token: manager.accessToken, body: { totalStock: 10 } });
    expect(raised.body.totalStock).toBe(10);
    await expect(claim(small.id, (await customer()).id)).resolves.toMatchObject({ state: 'claimed' });
  });

  it('a paused template issues nothing until resumed', async () => {
    const paused = await template();
    const path = `/api/staff/coupon-templates/${paused.id}`;
    await bff.call('PATCH', path, { token: manager.accessToken, body: { paused: true } });
    const refused = await errorOf(claim(paused.id, (await customer()).id));
    expect(refused).toMatchObject({ code: 'OUT_OF_STOCK', details: { reason: 'paused' } });
    await bff.call('PATCH', path, { token: manager.accessToken, body: { paused: false } });
    await expect(claim(paused.id, (await customer()).id)).resolves.toMatchObject({ state: 'claimed' });
  });
});

describe('claims', () => {
  it('200 concurrent claims for 100 coupons issue exactly 100', async () => {
    const hot = await template({ totalStock: 100 });
    const people = await Promise.all(Array.from({ length: 200 }, () => customer()));
    const results = await Promise.allSettled(people.map((person) => claim(hot.id, person.id)));
    const issued = results.filter((result) => result.status === 'fulfilled');
    const refused = results.filter((result) => result.status === 'rejected') as PromiseRejectedResult[];
    expect(issued).toHaveLength(100);
    expect(refused.map((result) => (result.reason as { code: string }).code)).toEqual(Array(100).fill('OUT_OF_STOCK'));
    expect((await getCouponTemplate(org, hot.id)).issued).toBe(100);
    expect(await CouponModel.countDocuments({ templateId: hot.id })).toBe(100);
    expect(await CouponModel.countDocuments({ templateId: hot.id, state: 'claimed' })).toBe(100);
    expect((await CouponTemplateModel.findById(hot.id).lean())!.inFlight).toEqual([]);
  });

  it('one person’s concurrent claims stop at the per-person limit', async () => {
    const limited = await template({ perPersonLimit: 2 });
    const person = await customer();
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => claim(limited.id, person.id)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(2);
    for (const result of results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[]) {
      expect((result.reason as { code: string }).code).toBe('LIMIT_REACHED');
    }
    expect((await getCouponTemplate(org, limited.id)).issued).toBe(2);
  });

  it('the same requestId, sent concurrently and again later, answers one coupon', async () => {
    const once = await template();
    const person = await customer();
    const id = requestId();
    const answers = await Promise.all(Array.from({ length: 8 }, () => claim(once.id, person.id, { requestId: id })));
    expect(new Set(answers.map((coupon) => coupon.id)).size).toBe(1);
    expect((await claim(once.id, person.id, { requestId: id })).id).toBe(answers[0]!.id);
    expect((await getCouponTemplate(org, once.id)).issued).toBe(1);
  });

  it('a requestId another customer used is not answered with their coupon', async () => {
    const shared = await template();
    const id = requestId();
    await claim(shared.id, (await customer()).id, { requestId: id });
    const refused = await errorOf(claim(shared.id, (await customer()).id, { requestId: id }));
    expect(refused.code).toBe('VALIDATION_FAILED');
  });

  it('records coupon.claimed on the timeline once, with the template and campaign', async () => {
    const timed = await template();
    const person = await customer();
    const campaignId = String(new Types.ObjectId());
    const id = requestId();
    const coupon = await claimCoupon({
      organisationId: org,
      templateId: timed.id,
      customerId: person.id,
      campaignId,
      requestId: id,
    });
    await claimCoupon({ organisationId: org, templateId: timed.id, customerId: person.id, campaignId, requestId: id });
    const timeline = await listTimeline(org, person.id, { limit: 10, types: ['coupon.claimed'] });
    expect(timeline.items).toHaveLength(1);
    expect(timeline.items[0]!.properties).toEqual({ couponId: coupon.id, templateId: timed.id, campaignId });
    expect(coupon.campaignId).toBe(campaignId);
  });

  it('issues codes of 16 Crockford base32 characters, all different', async () => {
    const many = await template({ perPersonLimit: 50 });
    const person = await customer();
    const coupons = await Promise.all(Array.from({ length: 50 }, () => claim(many.id, person.id)));
    for (const coupon of coupons) expect(coupon.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);
    expect(new Set(coupons.map((coupon) => coupon.code)).size).toBe(50);
  });

  it('sets validity from the claim, or the template’s fixed dates', async () => {
    const now = new Date('2031-03-01T08:00:00.000Z');
    const relative = await claim((await template()).id, (await customer()).id, { now });
    expect(relative).toMatchObject({
      claimedAt: now.toISOString(),
      validFrom: now.toISOString(),
      expiresAt: '2031-03-31T08:00:00.000Z',
    });
    const fixed = await template({
      validity: { type: 'fixed', startsAt: '2031-04-01T00:00:00.000Z', endsAt: '2031-05-01T00:00:00.000Z' },
    });
    const early = await claim(fixed.id, (await customer()).id, { now });
    expect(early).toMatchObject({ validFrom: '2031-04-01T00:00:00.000Z', expiresAt: '2031-05-01T00:00:00.000Z' });
    const late = await errorOf(claim(fixed.id, (await customer()).id, { now: new Date('2031-05-02T00:00:00Z') }));
    expect(late).toMatchObject({ code: 'OUT_OF_STOCK', details: { reason: 'validity_ended' } });
  });

  it('an unknown template is NOT_FOUND', async () => {
    const missing = await errorOf(claim(String(new Types.ObjectId()), (await customer()).id));
    expect(missing.code).toBe('NOT_FOUND');
  });
});

describe('eligibility', () => {
  it('new customers only: one who arrived or paid is not eligible', async () => {
    const welcome = await template({ eligibility: { type: 'new_customers' } });
    const arrived = await customer();
    await recordEvent({
      organisationId: org,
      customerId: arrived.id,
      type: 'appointment.arrived',
      source: 'server',
      sourceEventId: `test-arrived-${arrived.id}`,
    });
    const paid = await customer();
    await recordEvent({
      organisationId: org,
      customerId: paid.id,
      type: 'payment.paid',
      source: 'wechat_pay',
      sourceEventId: `test-paid-${paid.id}`,
    });
    for (const person of [arrived, paid]) {
      expect(await errorOf(claim(welcome.id, person.id))).toMatchObject({
        code: 'NOT_ELIGIBLE',
        details: { reason: 'not_new_customer' },
      });
    }
    await expect(claim(welcome.id, (await customer()).id)).resolves.toMatchObject({ state: 'claimed' });
  });

  it('tagged: only customers with the tag', async () => {
    const tagged = await template({ eligibility: { type: 'tagged', tag: '正畸意向' } });
    const without = await customer();
    expect(await errorOf(claim(tagged.id, without.id))).toMatchObject({
      code: 'NOT_ELIGIBLE',
      details: { reason: 'missing_tag' },
    });
    const withTag = await customer();
    await addTag(org, withTag.id, { name: '正畸意向', source: 'manual', setBy: null });
    await expect(claim(tagged.id, withTag.id)).resolves.toMatchObject({ state: 'claimed' });
  });

  it('verified HCPs only: a patient and an unverified HCP are refused', async () => {
    const academic = await template({ eligibility: { type: 'verified_hcp' } });
    const patient = await customer();
    const rejected = await customer();
    await decideHcpVerification(org, rejected.id, { decision: 'rejected', evidence: 'no licence' }, manager.staff.id);
    for (const person of [patient, rejected]) {
      expect(await errorOf(claim(academic.id, person.id))).toMatchObject({
        code: 'NOT_ELIGIBLE',
        details: { reason: 'not_verified_hcp' },
      });
    }
    const doctor = await customer();
    await decideHcpVerification(org, doctor.id, { decision: 'verified', evidence: 'licence seen' }, manager.staff.id);
    await expect(claim(academic.id, doctor.id)).resolves.toMatchObject({ state: 'claimed' });
  });

  it('claimability says why not, how many the person holds and how many are left', async () => {
    const two = await template({ totalStock: 3, perPersonLimit: 2, eligibility: { type: 'tagged', tag: 'VIP' } });
    const person = await customer();
    expect(await claimability(org, two.id, person.id)).toEqual({
      possible: false,
      reason: 'NOT_ELIGIBLE',
      details: { reason: 'missing_tag', tag: 'VIP' },
      held: 0,
      remaining: 3,
    });
    await addTag(org, person.id, { name: 'VIP', source: 'manual', setBy: null });
    await claim(two.id, person.id);
    expect(await claimability(org, two.id, person.id)).toEqual({
      possible: true,
      reason: null,
      details: null,
      held: 1,
      remaining: 2,
    });
    await claim(two.id, person.id);
    expect(await claimability(org, two.id, person.id)).toMatchObject({ reason: 'LIMIT_REACHED', held: 2 });
    const other = await customer();
    await addTag(org, other.id, { name: 'VIP', source: 'manual', setBy: null });
    await claim(two.id, other.id);
    expect(await claimability(org, two.id, (await customer()).id)).toMatchObject({
      reason: 'NOT_ELIGIBLE',
      remaining: 0,
    });
    const third = await customer();
    await addTag(org, third.id, { name: 'VIP', source: 'manual', setBy: null });
    expect(await claimability(org, two.id, third.id)).toMatchObject({ reason: 'OUT_OF_STOCK', remaining: 0 });
  });
});

describe('the mini-program’s coupons', () => {
  it('lists my coupons newest first, filters by state, and hides another customer’s', async () => {
    const patient = await signInNewPatient(bff);
    const first = await claim((await template({ name: '第一张' })).id, patient.customer.id, {
      now: new Date(Date.now() - 60_000),
    });
    const second = await claim((await template({ name: '第二张' })).id, patient.customer.id);
    const gone = await claim((await template({ name: '过期' })).id, patient.customer.id, {
      now: new Date(Date.now() - 40 * 86_400_000),
    });
    const mine = await bff.call('GET', '/api/mp/coupons', { token: patient.accessToken });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((coupon: { id: string }) => coupon.id)).toEqual([second.id, first.id, gone.id]);
    expect(mine.body.items[0].template).toMatchObject({ name: '第二张', kind: 'amount_off', amountOffFen: 5000 });
    const claimed = await bff.call('GET', '/api/mp/coupons?state=claimed', { token: patient.accessToken });
    expect(claimed.body.items.map((coupon: { id: string }) => coupon.id)).toEqual([second.id, first.id]);
    // Past its expiry it shows as expired even before the expiry job ran.
    const expired = await bff.call('GET', '/api/mp/coupons?state=expired', { token: patient.accessToken });
    expect(expired.body.items.map((coupon: { id: string; state: string }) => [coupon.id, coupon.state])).toEqual([
      [gone.id, 'expired'],
    ]);

    const one = await bff.call('GET', `/api/mp/coupons/${first.id}`, { token: patient.accessToken });
    expect(one.body).toMatchObject({ id: first.id, code: first.code, state: 'claimed' });
    const stranger = await signInNewPatient(bff);
    const other = await bff.call('GET', `/api/mp/coupons/${first.id}`, { token: stranger.accessToken });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
  });
});

describe('repair of claims a crash left half-done', () => {
  const later = () => new Date(Date.now() + CLAIM_STALE_MS + 60_000);

  /** A claim that stopped after step 1 (pending coupon), optionally after step 2 (stock taken). */
  async function crashedClaim(templateId: string, customerId: string, tookStock: boolean) {
    const _id = new Types.ObjectId();
    const coupon = await CouponModel.create({
      _id,
      organisationId: org,
      templateId,
      customerId,
      code: `CRASH${Date.now().toString(36).toUpperCase()}${(requests += 1)}`.slice(0, 16),
      state: 'pending',
      requestId: requestId(),
      slot: 1,
      claimedAt: new Date(),
      validFrom: new Date(),
      expiresAt: new Date(Date.now() + 86_400_000),
      history: [
        {
          type: 'coupon.claimed',
          sourceEventId: `coupon:${String(_id)}:claimed`,
          at: new Date(),
          properties: {},
        },
      ],
    });
    if (tookStock) {
      await CouponTemplateModel.updateOne(
        { _id: templateId },
        { $inc: { issued: 1 }, $push: { inFlight: { couponId: coupon._id, at: new Date() } } },
      );
    }
    return coupon;
  }

  it('finishes a claim that took its stock: the customer gets the coupon and its event', async () => {
    const crashed = await template({ totalStock: 5 });
    const person = await customer();
    const coupon = await crashedClaim(crashed.id, person.id, true);
    await repairCoupons(later());
    expect((await CouponModel.findById(coupon._id).lean())!.state).toBe('claimed');
    expect((await CouponTemplateModel.findById(crashed.id).lean())!).toMatchObject({ issued: 1, inFlight: [] });
    const timeline = await listTimeline(org, person.id, { limit: 5, types: ['coupon.claimed'] });
    expect(timeline.items).toHaveLength(1);
  });

  it('drops a claim that never took stock, freeing the person’s place and leaving the stock alone', async () => {
    const crashed = await template({ totalStock: 5 });
    const person = await customer();
    const coupon = await crashedClaim(crashed.id, person.id, false);
    expect((await errorOf(claim(crashed.id, person.id))).code).toBe('LIMIT_REACHED');
    await repairCoupons(later());
    expect(await CouponModel.exists({ _id: coupon._id })).toBeNull();
    expect((await getCouponTemplate(org, crashed.id)).issued).toBe(0);
    await expect(claim(crashed.id, person.id)).resolves.toMatchObject({ state: 'claimed' });
  });

  it('gives back stock held for a coupon that no longer exists, once', async () => {
    const crashed = await template({ totalStock: 1 });
    const coupon = await crashedClaim(crashed.id, (await customer()).id, true);
    await CouponModel.deleteOne({ _id: coupon._id });
    expect((await errorOf(claim(crashed.id, (await customer()).id))).code).toBe('OUT_OF_STOCK');
    await Promise.all([repairCoupons(later()), repairCoupons(later())]);
    expect((await CouponTemplateModel.findById(crashed.id).lean())!).toMatchObject({ issued: 0, inFlight: [] });
    await expect(claim(crashed.id, (await customer()).id)).resolves.toMatchObject({ state: 'claimed' });
  });

  it('records the claimed event of a claim that stopped after its coupon was claimed', async () => {
    const crashed = await template({ totalStock: 5 });
    const person = await customer();
    const coupon = await crashedClaim(crashed.id, person.id, true);
    await CouponModel.updateOne({ _id: coupon._id }, { $set: { state: 'claimed', eventsRecorded: 1 } });
    await repairCoupons(later());
    expect((await listTimeline(org, person.id, { limit: 5, types: ['coupon.claimed'] })).items).toHaveLength(1);
    expect((await CouponTemplateModel.findById(crashed.id).lean())!).toMatchObject({ issued: 1, inFlight: [] });
  });

  it('records a transition’s event that a crash left unrecorded', async () => {
    const person = await customer();
    const coupon = await claim((await template()).id, person.id);
    // A revocation whose update was stored but whose event was not recorded.
    await CouponModel.updateOne(
      { _id: coupon.id },
      {
        $set: { state: 'revoked', revokedAt: new Date(), eventsPending: true },
        $push: {
          history: {
            type: 'coupon.revoked',
            sourceEventId: `coupon:${coupon.id}:revoked`,
            at: new Date(),
            actor: manager.staff.id,
            properties: { couponId: coupon.id, reason: 'test' },
          },
        },
      },
    );
    await repairCoupons(later());
    await repairCoupons(later());
    const revoked = await listTimeline(org, person.id, { limit: 5, types: ['coupon.revoked'] });
    expect(revoked.items.map((event) => event.actor)).toEqual([manager.staff.id]);
    expect((await CouponModel.findById(coupon.id).lean())!).toMatchObject({ eventsPending: false, eventsRecorded: 2 });
  });

  it('leaves a claim in progress alone', async () => {
    const busy = await template({ totalStock: 5 });
    const coupon = await crashedClaim(busy.id, (await customer()).id, true);
    await repairCoupons(new Date());
    expect((await CouponModel.findById(coupon._id).lean())!.state).toBe('pending');
    expect((await getCouponTemplate(org, busy.id)).issued).toBe(1);
  });
});
