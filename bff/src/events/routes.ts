import {
  CustomerIdParams,
  IngestEventsRequest,
  IngestEventsResponse,
  TimelinePage,
  TimelineQuery,
} from '@careloop/shared';
import { ALL_STAFF } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { auditStaffAccess } from '../audit/service';
import { getCustomer } from '../identity/service';
import { assertNotErased } from '../privacy/service';
import { ingestClientEvents, listTimeline } from './service';
import { timelineStaffNames } from './staffNames';

export function eventRoutes() {
  const tag = 'events';
  return [
    defineRoute({
      method: 'post',
      path: '/api/mp/events',
      summary:
        'Store a batch of the signed-in customer’s behaviour events; each event is accepted, a duplicate, or rejected with a reason',
      tag,
      access: 'customer',
      body: IngestEventsRequest,
      response: IngestEventsResponse,
      handler: async ({ auth, body }) => {
        // An access token outlives an erasure by minutes; nothing may be stored for the erased person meanwhile.
        await assertNotErased(auth.organisationId, auth.id);
        return ingestClientEvents({
          organisationId: auth.organisationId,
          sessionCustomerId: auth.signedInAs ?? auth.id,
          customerId: auth.id,
          events: body.events,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customers/:id/timeline',
      summary:
        'A customer’s timeline, newest first, a page at a time, with the names of the staff its events name (the view is audited)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      query: TimelineQuery,
      response: TimelinePage,
      handler: async ({ auth, params, query, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        const [page] = await Promise.all([
          listTimeline(auth.organisationId, customer.id, query),
          auditStaffAccess(ctx, auth, 'customer.timeline_viewed', customer.id),
        ]);
        return { ...page, staffNames: await timelineStaffNames(auth.organisationId, page.items) };
      },
    }),
  ];
}
