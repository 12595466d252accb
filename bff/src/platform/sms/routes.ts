/**
 * The control routes of the sandbox's emulated Aliyun SMS (mounted only in sandbox mode): the messages it accepted,
 * and failures to simulate on the next sends (a refusal code, a server error, or an answer that comes too late).
 */
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../http/routes';
import { addSandboxSmsFault, clearSandboxSmsFaults, listSandboxSms } from './sandbox';

const SandboxSmsMessage = z.object({
  id: z.string(),
  phone: z.string(),
  templateCode: z.string(),
  signName: z.string(),
  params: z.record(z.string(), z.string()),
  outId: z.string().nullable(),
  /** The BizId SendSms answered with. */
  bizId: z.string().nullable(),
  sentAt: z.iso.datetime(),
});

const SandboxSmsFaultRequest = z
  .strictObject({
    /** How many of the next sends this applies to. */
    count: z.number().int().min(1).max(100).default(1),
    /** The code to answer with (e.g. isv.BUSINESS_LIMIT_CONTROL, isp.SYSTEM_ERROR); unset: answer normally. */
    code: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_.]{1,63}$/)
      .optional(),
    message: z.string().max(200).optional(),
    /** The HTTP status of that answer (default 200, as Aliyun answers business errors). */
    status: z.number().int().min(200).max(599).default(200),
    /** Hold the answer this long first (then answer, and record the message unless `code` says otherwise). */
    hangMs: z.number().int().min(0).max(60_000).default(0),
  })
  .refine((fault) => fault.code !== undefined || fault.hangMs > 0, { message: 'give a code, a hangMs, or both' });

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
    defineRoute({
      method: 'post',
      path: '/sandbox/control/sms/faults',
      summary: 'Make the next sends to the sandbox SMS endpoint fail: a code, an HTTP status, or a late answer',
      tag: 'sandbox',
      access: 'public',
      body: SandboxSmsFaultRequest,
      handler: async ({ body }) => {
        await addSandboxSmsFault({ ...body, code: body.code ?? null, message: body.message ?? '' });
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/sandbox/control/sms/faults',
      summary: 'Forget every simulated SMS failure not yet used',
      tag: 'sandbox',
      access: 'public',
      handler: () => clearSandboxSmsFaults(),
    }),
  ];
}
