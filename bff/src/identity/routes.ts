import { z } from 'zod';
import {
  CustomerIdParams,
  CustomerList,
  CustomerProfile,
  CustomerSearchQuery,
  UpdateMyProfileRequest,
} from '@careloop/shared';
import type { AppDeps } from '../deps';
import { defineRoute } from '../http/routes';
import { recordAudit } from '../audit/service';
import { findCustomerByExternalUserId, getCustomer, renameCustomer, searchCustomers } from './service';

const ALL_STAFF = { staff: ['admin', 'manager', 'staff'] } as const;

export function identityRoutes({ wecom }: AppDeps) {
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
      path: '/api/staff/customers/by-external-userid/:externalUserId',
      summary: 'The customer behind a WeCom external contact (the sidebar’s current chat)',
      tag,
      access: ALL_STAFF,
      params: z.strictObject({ externalUserId: z.string().min(1).max(128) }),
      response: CustomerProfile,
      handler: async ({ auth, params, ctx }) => {
        const customer = await findCustomerByExternalUserId(auth.organisationId, wecom.corpId, params.externalUserId);
        await auditView(auth, customer.id, ctx.state.requestId);
        return customer;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customers/:id',
      summary: 'A customer’s profile (the view is audited)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      response: CustomerProfile,
      handler: async ({ auth, params, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        await auditView(auth, customer.id, ctx.state.requestId);
        return customer;
      },
    }),
  ];
}

function auditView(auth: { id: string; organisationId: string }, customerId: string, requestId: string) {
  return recordAudit({
    organisationId: auth.organisationId,
    actor: { kind: 'staff', id: auth.id },
    action: 'customer.viewed',
    subject: { kind: 'customer', id: customerId },
    requestId,
  });
}
