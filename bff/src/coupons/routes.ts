import {
  Coupon,
  CouponList,
  CouponListQuery,
  CouponParams,
  CouponTemplate,
  CouponTemplateList,
  CreateCouponTemplateRequest,
  CustomerCouponParams,
  CustomerIdParams,
  RedeemCouponByCodeRequest,
  RedeemCouponRequest,
  RevokeCouponRequest,
  UpdateCouponTemplateRequest,
} from '@careloop/shared';
import { ALL_STAFF, MANAGERS } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { auditStaffAccess } from '../audit/service';
import { getCustomer } from '../identity/service';
import {
  createCouponTemplate,
  getCouponTemplate,
  getCustomerCoupon,
  listCouponTemplates,
  listCustomerCoupons,
  redeemCoupon,
  revokeCoupon,
  undoRedemption,
  updateCouponTemplate,
} from './service';

export function couponRoutes() {
  const tag = 'coupons';
  return [
    defineRoute({
      method: 'get',
      path: '/api/staff/coupon-templates',
      summary: 'The organisation’s coupon templates, newest first, with issued and redeemed counts',
      tag,
      access: MANAGERS,
      response: CouponTemplateList,
      handler: async ({ auth }) => ({ items: await listCouponTemplates(auth.organisationId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/coupon-templates',
      summary: 'Create a coupon template',
      tag,
      access: MANAGERS,
      body: CreateCouponTemplateRequest,
      response: CouponTemplate,
      status: 201,
      handler: ({ auth, body }) => createCouponTemplate(auth.organisationId, body, auth.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/coupon-templates/:id',
      summary: 'One coupon template',
      tag,
      access: MANAGERS,
      params: CouponParams,
      response: CouponTemplate,
      handler: ({ auth, params }) => getCouponTemplate(auth.organisationId, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/staff/coupon-templates/:id',
      summary: 'Change wording, stock (never below the issued count) or pause issuing',
      tag,
      access: MANAGERS,
      params: CouponParams,
      body: UpdateCouponTemplateRequest,
      response: CouponTemplate,
      handler: ({ auth, params, body }) => updateCouponTemplate(auth.organisationId, params.id, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/mp/coupons',
      summary: 'My coupons, newest first, optionally in one state',
      tag,
      access: 'customer',
      query: CouponListQuery,
      response: CouponList,
      handler: async ({ auth, query }) => ({
        items: await listCustomerCoupons(auth.organisationId, auth.id, query.state),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/mp/coupons/:id',
      summary: 'One of my coupons, with the code to show at the clinic',
      tag,
      access: 'customer',
      params: CouponParams,
      response: Coupon,
      handler: ({ auth, params }) => getCustomerCoupon(auth.organisationId, auth.id, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customers/:id/coupons',
      summary: 'A customer’s coupons, newest first (audited)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      query: CouponListQuery,
      response: CouponList,
      handler: async ({ auth, params, query, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        await auditStaffAccess(ctx, auth, 'customer.coupons_viewed', customer.id);
        return { items: await listCustomerCoupons(auth.organisationId, customer.id, query.state) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/customers/:id/coupons/:couponId/redeem',
      summary: 'Redeem one of the customer’s coupons at a clinic (single use)',
      tag,
      access: ALL_STAFF,
      params: CustomerCouponParams,
      body: RedeemCouponRequest,
      response: Coupon,
      handler: async ({ auth, params, body, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        const coupon = await redeemCoupon({
          organisationId: auth.organisationId,
          coupon: { id: params.couponId, customerId: customer.id },
          clinicId: body.clinicId,
          staffId: auth.id,
        });
        await auditStaffAccess(ctx, auth, 'customer.coupon_redeemed', coupon.customerId, { couponId: coupon.id });
        return coupon;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/coupons/redeem',
      summary: 'Redeem the coupon whose code the patient shows (scanned or typed); answers it with its holder',
      tag,
      access: ALL_STAFF,
      body: RedeemCouponByCodeRequest,
      response: Coupon,
      handler: async ({ auth, body, ctx }) => {
        const coupon = await redeemCoupon({
          organisationId: auth.organisationId,
          coupon: { code: body.code },
          clinicId: body.clinicId,
          staffId: auth.id,
        });
        await auditStaffAccess(ctx, auth, 'customer.coupon_redeemed', coupon.customerId, {
          couponId: coupon.id,
          by: 'code',
        });
        return coupon;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/coupons/:id/undo-redemption',
      summary: 'Undo a redemption made in the last few minutes (managers)',
      tag,
      access: MANAGERS,
      params: CouponParams,
      response: Coupon,
      handler: async ({ auth, params, ctx }) => {
        const coupon = await undoRedemption(auth.organisationId, params.id, auth.id);
        await auditStaffAccess(ctx, auth, 'customer.coupon_redemption_undone', coupon.customerId, {
          couponId: coupon.id,
        });
        return coupon;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/coupons/:id/revoke',
      summary: 'Withdraw a claimed coupon, with the reason (managers)',
      tag,
      access: MANAGERS,
      params: CouponParams,
      body: RevokeCouponRequest,
      response: Coupon,
      handler: async ({ auth, params, body, ctx }) => {
        const coupon = await revokeCoupon(auth.organisationId, params.id, auth.id, body.reason);
        await auditStaffAccess(ctx, auth, 'customer.coupon_revoked', coupon.customerId, { couponId: coupon.id });
        return coupon;
      },
    }),
  ];
}
