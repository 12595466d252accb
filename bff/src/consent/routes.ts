import { AcceptConsentRequest, ConsentState, CustomerIdParams } from '@careloop/shared';
import type { AppDeps } from '../deps';
import { ALL_STAFF } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { auditContext, auditStaffAccess } from '../audit/service';
import { getCustomer } from '../identity/service';
import { assertNotErased } from '../privacy/service';
import { acceptConsent, getConsent, staffConsentChannel, withdrawMarketingConsent } from './service';

const customerActor = { kind: 'customer', id: null } as const;

export function consentRoutes({ config }: Pick<AppDeps, 'config'>) {
  const tag = 'consent';
  const currentPolicyVersion = config.privacy.policyVersion;
  return [
    defineRoute({
      method: 'get',
      path: '/api/mp/me/consent',
      summary: 'The signed-in customer’s consent, and the policy version to accept (ask again when not up to date)',
      tag,
      access: 'customer',
      response: ConsentState,
      handler: async ({ auth }) => {
        await assertNotErased(auth.organisationId, auth.id);
        return getConsent(auth.organisationId, auth.id, currentPolicyVersion);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/me/consent',
      summary: 'Accept the current privacy policy version and answer the marketing question',
      tag,
      access: 'customer',
      body: AcceptConsentRequest,
      response: ConsentState,
      handler: async ({ auth, body }) => {
        await assertNotErased(auth.organisationId, auth.id);
        return acceptConsent({
          organisationId: auth.organisationId,
          customerId: auth.id,
          currentPolicyVersion,
          policyVersion: body.policyVersion,
          marketing: body.marketing,
          channel: 'miniapp',
          actor: customerActor,
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/me/consent/withdraw-marketing',
      summary: 'Withdraw marketing consent; it takes effect at once',
      tag,
      access: 'customer',
      response: ConsentState,
      handler: async ({ auth }) => {
        await assertNotErased(auth.organisationId, auth.id);
        return withdrawMarketingConsent({
          organisationId: auth.organisationId,
          customerId: auth.id,
          currentPolicyVersion,
          channel: 'miniapp',
          actor: customerActor,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customers/:id/consent',
      summary: 'A customer’s consent and its history (the view is audited)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      response: ConsentState,
      handler: async ({ auth, params, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        await auditStaffAccess(ctx, auth, 'customer.consent_viewed', customer.id);
        return getConsent(auth.organisationId, customer.id, currentPolicyVersion);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/customers/:id/consent/withdraw-marketing',
      summary: 'Record that the customer withdrew marketing consent (e.g. said so in the chat); takes effect at once',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      response: ConsentState,
      handler: async ({ auth, params, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        const context = auditContext(ctx);
        const before = await getConsent(auth.organisationId, customer.id, currentPolicyVersion);
        const state = await withdrawMarketingConsent({
          organisationId: auth.organisationId,
          customerId: customer.id,
          currentPolicyVersion,
          channel: staffConsentChannel(context.surface),
          actor: { kind: 'staff', id: auth.id },
        });
        await auditStaffAccess(ctx, auth, 'customer.consent_changed', customer.id, {
          field: 'marketing',
          from: before.marketing?.granted ?? null,
          to: false,
        });
        return state;
      },
    }),
  ];
}
