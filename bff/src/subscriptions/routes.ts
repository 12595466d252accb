import { SubscribeRequest, SubscriptionState } from '@careloop/shared';
import type { AppDeps } from '../deps';
import { defineRoute } from '../http/routes';
import { addSubscriptionCredits, subscriptionCredits } from './service';
import { configuredSubscribeTemplates } from './templates';

export function subscriptionRoutes({ config }: AppDeps) {
  const tag = 'subscriptions';
  const templates = configuredSubscribeTemplates(config);
  const known = new Set(Object.values(templates));
  const state = async (organisationId: string, customerId: string) => ({
    templates,
    credits: await subscriptionCredits(organisationId, customerId),
  });
  return [
    defineRoute({
      method: 'get',
      path: '/api/mp/subscriptions',
      summary: 'Subscribe-message templates to ask for (by key), and the credits the customer holds',
      tag,
      access: 'customer',
      response: SubscriptionState,
      handler: async ({ auth }) => state(auth.organisationId, auth.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/subscriptions',
      summary: 'Record the templates the customer accepted in requestSubscribeMessage (one message each)',
      tag,
      access: 'customer',
      body: SubscribeRequest,
      response: SubscriptionState,
      handler: async ({ auth, body }) => {
        // Ids that are not one of the configured templates are ignored: no credit the server could never spend.
        await addSubscriptionCredits(
          auth.organisationId,
          auth.id,
          body.acceptedTemplateIds.filter((id) => known.has(id)),
        );
        return state(auth.organisationId, auth.id);
      },
    }),
  ];
}
