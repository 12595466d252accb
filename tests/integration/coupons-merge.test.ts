/**
 * The per-person limit counts the person (OneID), not the openid: coupons follow a merge, a merge past the limit
 * keeps every coupon but flags the extra ones, and afterwards the person can claim no more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeCustomers } from '../../bff/src/identity/merge';
import { claimability, claimCoupon, createCouponTemplate, listCustomerCoupons } from '../../bff/src/coupons/service';
import { CreateCouponTemplateRequest } from '@careloop/shared';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let manager: { accessToken: string; staff: { id: string; organisation: { id: string } } };
let org: string;

beforeAll(async () => {
  bff = await startTestBff('coupons_merge');
  manager = await signInStaff(bff, 'lina');
  org = manager.staff.organisation.id;
});
afterAll(() => bff?.close());

let counter = 0;
const requestId = () => `merge${Date.now().toString(36)}${(counter += 1)}`;

async function template(perPersonLimit: number) {
  return createCouponTemplate(
    org,
    CreateCouponTemplateRequest.parse({
      name: `每人 ${perPersonLimit} 张`,
      kind: 'amount_off',
      amountOffFen: 2000,
      validity: { type: 'days_after_claim', days: 30 },
      totalStock: 100,
      perPersonLimit,
    }),
    manager.staff.id,
  );
}

const claim = (templateId: string, customerId: string) =>
  claimCoupon({ organisationId: org, templateId, customerId, campaignId: null, requestId: requestId() });

async function errorCode(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  throw new Error('expected a failure');
}

/** Two mini-program users (two openids) who turn out to be one person: the older one survives the merge. */
async function twoProfilesOfOnePerson() {
  const first = await signInNewPatient(bff);
  const second = await signInNewPatient(bff);
  return { first, second };
}

describe('coupons across a merge', () => {
  it('the survivor holds both coupons, the one past the limit flagged, and can claim no more', async () => {
    const limitOne = await template(1);
    const { first, second } = await twoProfilesOfOnePerson();
    const kept = await claim(limitOne.id, first.customer.id);
    const extra = await claim(limitOne.id, second.customer.id);

    const survivor = await mergeCustomers(org, second.customer.id, first.customer.id, {
      rule: 'staff_confirmed',
      details: {},
    });
    expect(survivor).toBe(first.customer.id);
    const held = await listCustomerCoupons(org, survivor);
    expect(held.map((coupon) => [coupon.id, coupon.customerId, coupon.overLimitAfterMerge]).sort()).toEqual(
      [
        [kept.id, survivor, false],
        [extra.id, survivor, true],
      ].sort(),
    );
    expect(await listCustomerCoupons(org, second.customer.id)).toHaveLength(2); // the merged id resolves
    expect(await errorCode(claim(limitOne.id, survivor))).toBe('LIMIT_REACHED');
    expect(await errorCode(claim(limitOne.id, second.customer.id))).toBe('LIMIT_REACHED');
    expect(await claimability(org, limitOne.id, survivor)).toMatchObject({ reason: 'LIMIT_REACHED', held: 2 });
  });

  it('within the limit nothing is flagged, and the person’s remaining places are what is left of the limit', async () => {
    const limitThree = await template(3);
    const { first, second } = await twoProfilesOfOnePerson();
    await claim(limitThree.id, first.customer.id);
    await claim(limitThree.id, second.customer.id);
    const survivor = await mergeCustomers(org, first.customer.id, second.customer.id, {
      rule: 'staff_confirmed',
      details: {},
    });
    const held = await listCustomerCoupons(org, survivor);
    expect(held.map((coupon) => coupon.overLimitAfterMerge)).toEqual([false, false]);
    await expect(claim(limitThree.id, survivor)).resolves.toMatchObject({ state: 'claimed' });
    expect(await errorCode(claim(limitThree.id, survivor))).toBe('LIMIT_REACHED');
  });

  it('a session opened before the merge sees and claims for the survivor', async () => {
    const limitTwo = await template(2);
    const { first, second } = await twoProfilesOfOnePerson();
    const before = await claim(limitTwo.id, second.customer.id);
    const survivor = await mergeCustomers(org, first.customer.id, second.customer.id, {
      rule: 'staff_confirmed',
      details: {},
    });
    // The merged profile's old session: its claims go to the survivor and count against the person's limit.
    const after = await claim(limitTwo.id, second.customer.id);
    expect(after.customerId).toBe(survivor);
    expect(await errorCode(claim(limitTwo.id, second.customer.id))).toBe('LIMIT_REACHED');
    const list = await bff.call('GET', '/api/mp/coupons', { token: second.accessToken });
    expect(list.body.items.map((coupon: { id: string }) => coupon.id).sort()).toEqual([before.id, after.id].sort());
    const own = await bff.call('GET', `/api/mp/coupons/${before.id}`, { token: first.accessToken });
    expect(own.status).toBe(200);
  });

  it('concurrent merges and claims of one person never leave more unflagged coupons than the limit', async () => {
    const limitOne = await template(1);
    const { first, second } = await twoProfilesOfOnePerson();
    await claim(limitOne.id, second.customer.id);
    const results = await Promise.allSettled([
      mergeCustomers(org, first.customer.id, second.customer.id, { rule: 'staff_confirmed', details: {} }),
      ...Array.from({ length: 5 }, () => claim(limitOne.id, first.customer.id)),
    ]);
    const survivor = (results[0] as PromiseFulfilledResult<string>).value;
    const held = await listCustomerCoupons(org, survivor);
    expect(held.filter((coupon) => !coupon.overLimitAfterMerge)).toHaveLength(1);
    expect(held.every((coupon) => coupon.customerId === survivor)).toBe(true);
    expect(await errorCode(claim(limitOne.id, survivor))).toBe('LIMIT_REACHED');
  });
});
