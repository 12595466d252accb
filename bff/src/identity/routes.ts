import { z } from 'zod';
import {
  ContactSyncResult,
  Customer360,
  CustomerIdParams,
  CustomerList,
  CustomerProfile,
  CustomerSearchQuery,
  DuplicateDecision,
  DuplicateDecisionResult,
  HcpVerificationRequest,
  ObjectId,
  RevealedPhone,
  TypedPhoneRequest,
  UpdateCustomerRequest,
  UpdateMyProfileRequest,
  VerifyPhoneRequest,
} from '@careloop/shared';
import type { AppDeps } from '../deps';
import { ALL_STAFF, MANAGERS, ADMINS } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { auditStaffAccess } from '../audit/service';
import { getActiveStaff } from '../staff/service';
import { getCustomer, renameCustomer, searchCustomers } from './service';
import { customerProfile360, decideHcpVerification, updateCustomerBaseData } from './profile';
import { decideDuplicate, revealPhone, setTypedPhone, verifyPhoneWithCode } from './phone';
import { customerForStaffContact, syncStaffContacts } from './wecomContacts';

export function identityRoutes({ config, wecom, wechat }: AppDeps) {
  const tag = 'customers';
  return [
    defineRoute({
      method: 'get',
      path: '/api/mp/me',
      summary: 'The signed-in customer',
      tag,
      access: 'customer',
      response: CustomerProfile,
      handler: ({ auth }) => getCustomer(auth.organisationId, auth.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/mp/me',
      summary: 'Set the signed-in customer’s display name (nickname)',
      tag,
      access: 'customer',
      body: UpdateMyProfileRequest,
      response: CustomerProfile,
      handler: ({ auth, body }) => renameCustomer(auth.organisationId, auth.id, body.name),
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/me/phone',
      summary: 'Verify and link the customer’s phone with a getPhoneNumber code (a verified phone links profiles)',
      tag,
      access: 'customer',
      body: VerifyPhoneRequest,
      response: CustomerProfile,
      handler: ({ auth, body }) => verifyPhoneWithCode({ config, wechat }, auth.organisationId, auth.id, body.code),
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/me/phone/typed',
      summary: 'Give a phone number by typing it (never merges profiles by itself)',
      tag,
      access: 'customer',
      body: TypedPhoneRequest,
      response: CustomerProfile,
      handler: ({ auth, body }) => setTypedPhone(config, auth.organisationId, auth.id, body.phone, 'typed_by_customer'),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customers',
      summary: 'Search the organisation’s customers by name, newest first',
      tag,
      access: ALL_STAFF,
      query: CustomerSearchQuery,
      response: CustomerList,
      handler: async ({ auth, query }) => ({ items: await searchCustomers(auth.organisationId, query) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customers/by-external/:externalUserId',
      summary: 'The customer in the sidebar’s current chat — only for staff who have that WeCom contact',
      tag,
      access: ALL_STAFF,
      params: z.strictObject({ externalUserId: z.string().min(1).max(128) }),
      response: CustomerProfile,
      handler: async ({ auth, params, ctx }) => {
        const staff = await getActiveStaff(auth.organisationId, auth.id);
        const customer = await customerForStaffContact(wecom, auth.organisationId, staff, params.externalUserId);
        await auditStaffAccess(ctx, auth, 'customer.viewed', customer.id);
        return customer;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customers/:id',
      summary: 'A customer’s basic profile (the view is audited)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      response: CustomerProfile,
      handler: async ({ auth, params, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        await auditStaffAccess(ctx, auth, 'customer.viewed', customer.id);
        return customer;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customers/:id/profile',
      summary: 'The 360° profile: base data, identities, owner, tags, activity, consent, duplicates (audited)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      response: Customer360,
      handler: async ({ auth, params, ctx }) => {
        const profile = await customerProfile360(config, auth.organisationId, params.id);
        await auditStaffAccess(ctx, auth, 'customer.profile_viewed', profile.customer.id);
        return profile;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/staff/customers/:id',
      summary: 'Edit a customer’s base data or owner (audited with the fields changed)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      body: UpdateCustomerRequest,
      response: CustomerProfile,
      handler: async ({ auth, params, body, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        const fields = await updateCustomerBaseData(config, auth.organisationId, customer.id, body);
        await auditStaffAccess(ctx, auth, 'customer.updated', customer.id, { fields: fields.join(',') });
        return getCustomer(auth.organisationId, customer.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/customers/:id/hcp-verification',
      summary: 'Record that a customer is (or is not) a verified HCP, with the evidence seen (admins)',
      tag,
      access: ADMINS,
      params: CustomerIdParams,
      body: HcpVerificationRequest,
      response: CustomerProfile,
      handler: async ({ auth, params, body, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        await decideHcpVerification(auth.organisationId, customer.id, body, auth.id);
        await auditStaffAccess(ctx, auth, 'customer.hcp_verification', customer.id, { decision: body.decision });
        return getCustomer(auth.organisationId, customer.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/customers/:id/phone/reveal',
      summary: 'Show the full phone number (managers and admins; every reveal is audited)',
      tag,
      access: MANAGERS,
      params: CustomerIdParams,
      response: RevealedPhone,
      handler: async ({ auth, params, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        const revealed = await revealPhone(config, auth.organisationId, customer.id);
        await auditStaffAccess(ctx, auth, 'customer.phone_revealed', customer.id);
        return revealed;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/duplicates/:id/decision',
      summary: 'Confirm (merge) or dismiss a possible duplicate',
      tag,
      access: ALL_STAFF,
      params: z.strictObject({ id: ObjectId }),
      body: DuplicateDecision,
      response: DuplicateDecisionResult,
      handler: async ({ auth, params, body, ctx }) => {
        const result = await decideDuplicate(auth.organisationId, params.id, body.decision, auth.id);
        if (result.survivorId)
          await auditStaffAccess(ctx, auth, 'customer.merged', result.survivorId, { suggestion: params.id });
        return result;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/wecom/contacts/sync',
      summary: 'Sync the signed-in staff member’s WeCom external contacts now',
      tag,
      access: ALL_STAFF,
      response: ContactSyncResult,
      handler: async ({ auth }) => {
        const staff = await getActiveStaff(auth.organisationId, auth.id);
        return { contactsSeen: await syncStaffContacts(wecom, auth.organisationId, [staff.wecomUserId]) };
      },
    }),
  ];
}
