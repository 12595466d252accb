import { SubscribeRequest, SubscriptionState } from '@careloop/shared';
import type { AppDeps } from '../deps';
import { defineRoute } from '../http/routes';
import { addSubscriptionCredits, subscriptionCredits } from './service';

export function subscriptionRoutes({ config }: AppDeps) {
  const tag = 'subscriptions';
  return [
    defineRoute({
      method: 'get',
      path: '/api/mp/subscriptions',
      summary: 'Subscribe-message templates to ask for, and the credits the customer holds',
      tag,
      access: 'customer',
      response: SubscriptionState,
      handler: async ({ auth }) => ({
        templates: { appointmentReminder: config.wechat.reminderTemplateId },
        credits: await subscriptionCredits(auth.organisationId, auth.id),
      }),
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
        const known = new Set([config.wechat.reminderTemplateId]);
        await addSubscriptionCredits(
          auth.organisationId,
          auth.id,
          body.acceptedTemplateIds.filter((id) => known.has(id)),
        );
        return {
          templates: { appointmentReminder: config.wechat.reminderTemplateId },
          credits: await subscriptionCredits(auth.organisationId, auth.id),
        };
      },
    }),
  ];
}
