/**
 * The API contract of subscribe messages: the catalogue of templates (`subscribeTemplates.ts`, zod-free for the
 * mini-program), the keys as a schema, and what GET/POST /api/mp/subscriptions take and answer.
 */
import { z } from 'zod';
import { SUBSCRIBE_TEMPLATE_KEYS } from './subscribeTemplates';

export * from './subscribeTemplates';

export const SubscribeTemplateKey = z.enum(SUBSCRIBE_TEMPLATE_KEYS);
export type SubscribeTemplateKey = z.infer<typeof SubscribeTemplateKey>;

export const SubscribeRequest = z.strictObject({
  /** The template ids requestSubscribeMessage answered `accept` for (ids not configured here are ignored). */
  acceptedTemplateIds: z.array(z.string().min(1).max(64)).max(3),
});
export type SubscribeRequest = z.infer<typeof SubscribeRequest>;

export const SubscriptionState = z
  .object({
    /** The template id of each configured template (a template without an id is left out: do not ask for it). */
    templates: z.partialRecord(SubscribeTemplateKey, z.string()),
    /** Messages the customer allowed and not yet sent, by template id. */
    credits: z.record(z.string(), z.number().int()),
  })
  .meta({ id: 'SubscriptionState' });
export type SubscriptionState = z.infer<typeof SubscriptionState>;
