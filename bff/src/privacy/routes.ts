import { z } from 'zod';
import { DataExport, ErasureResult } from '@careloop/shared';
import { defineRoute } from '../http/routes';
import { auditContext } from '../audit/service';
import { assertNotErased, exportCustomerData, requestErasure } from './service';

/** The erasure is irreversible: the request must say so. */
const ErasureRequest = z.strictObject({ confirm: z.literal(true) });

export function privacyRoutes() {
  const tag = 'privacy';
  return [
    defineRoute({
      method: 'get',
      path: '/api/mp/me/export',
      summary: 'Everything held about the signed-in customer, as JSON (the export is audited)',
      tag,
      access: 'customer',
      response: DataExport,
      handler: async ({ auth, ctx }) => {
        await assertNotErased(auth.organisationId, auth.id);
        const data = await exportCustomerData({
          organisationId: auth.organisationId,
          customerId: auth.id,
          actor: { kind: 'customer', id: auth.id },
          ...auditContext(ctx),
        });
        ctx.set('Content-Disposition', `attachment; filename="careloop-export-${data.generatedAt.slice(0, 10)}.json"`);
        return data;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/me/erasure',
      summary:
        'Erase the signed-in customer’s personal data (send {"confirm":true}); idempotent; ends the customer’s sessions',
      tag,
      access: 'customer',
      body: ErasureRequest,
      response: ErasureResult,
      handler: ({ auth, ctx }) =>
        requestErasure({
          organisationId: auth.organisationId,
          customerId: auth.id,
          actor: { kind: 'customer', id: auth.id },
          ...auditContext(ctx),
        }),
    }),
  ];
}
