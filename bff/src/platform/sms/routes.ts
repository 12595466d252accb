/** The sandbox SMS provider's control route (mounted only in sandbox mode): the messages it recorded. */
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../http/routes';
import { listSandboxSms } from './sandbox';

const SandboxSmsMessage = z.object({
  id: z.string(),
  phone: z.string(),
  templateCode: z.string(),
  signName: z.string(),
  params: z.record(z.string(), z.string()),
  outId: z.string().nullable(),
  sentAt: z.iso.datetime(),
});

export function sandboxSmsControlRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/sandbox/control/sms/messages',
      summary: 'The text messages the sandbox SMS provider recorded, oldest first (optionally to one number)',
      tag: 'sandbox',
      access: 'public',
      query: z.strictObject({
        phone: z
          .string()
          .regex(/^\+?\d{5,20}$/)
          .optional(),
        outId: z.string().min(1).max(200).optional(),
      }),
      response: z.object({ items: z.array(SandboxSmsMessage) }),
      handler: async ({ query }) => ({ items: await listSandboxSms(query) }),
    }),
  ];
}
