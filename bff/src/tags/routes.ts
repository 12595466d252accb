import { AddTagRequest, CustomerIdParams, TagParams } from '@careloop/shared';
import { ALL_STAFF } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { AppError } from '../http/errors';
import { auditStaffAccess } from '../audit/service';
import { recordEvent } from '../events/service';
import { getCustomer } from '../identity/service';
import { addTag, removeTag } from './service';

export function tagRoutes() {
  const tag = 'tags';
  return [
    defineRoute({
      method: 'post',
      path: '/api/staff/customers/:id/tags',
      summary: 'Tag a customer by hand (idempotent)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      body: AddTagRequest,
      handler: async ({ auth, params, body, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        await addTag(auth.organisationId, customer.id, { name: body.name, source: 'manual', setBy: auth.id });
        await auditStaffAccess(ctx, auth, 'customer.tag_added', customer.id, { tag: body.name });
        await recordEvent({
          organisationId: auth.organisationId,
          customerId: customer.id,
          type: 'tag.added',
          properties: { tagId: body.name },
          source: 'server',
          sourceEventId: `tag.added:${customer.id}:${body.name}:${Date.now()}`,
          actor: auth.id,
        });
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/staff/customers/:id/tags/:name',
      summary: 'Remove a tag from a customer',
      tag,
      access: ALL_STAFF,
      params: TagParams,
      handler: async ({ auth, params, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        if (!(await removeTag(auth.organisationId, customer.id, params.name))) {
          throw new AppError('NOT_FOUND', 'The customer has no such tag');
        }
        await auditStaffAccess(ctx, auth, 'customer.tag_removed', customer.id, { tag: params.name });
        await recordEvent({
          organisationId: auth.organisationId,
          customerId: customer.id,
          type: 'tag.removed',
          properties: { tagId: params.name },
          source: 'server',
          sourceEventId: `tag.removed:${customer.id}:${params.name}:${Date.now()}`,
          actor: auth.id,
        });
      },
    }),
  ];
}
