import { AuditPage, AuditQuery } from '@careloop/shared';
import { ADMINS } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { queryAudit } from './service';

/** The audit trail is read-only through the API: there is deliberately no route that changes or deletes an entry. */
export function auditRoutes() {
  return [
    defineRoute({
      method: 'get',
      path: '/api/staff/audit',
      summary: 'The organisation’s audit trail, newest first, filterable by customer, actor, action and time (admins)',
      tag: 'audit',
      access: ADMINS,
      query: AuditQuery,
      response: AuditPage,
      handler: ({ auth, query }) => queryAudit(auth.organisationId, query),
    }),
  ];
}
