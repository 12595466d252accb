import { StaffProfile } from '@careloop/shared';
import { ALL_STAFF } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { getActiveStaff, staffProfile } from './service';

export function staffRoutes() {
  return [
    defineRoute({
      method: 'get',
      path: '/api/staff/me',
      summary: 'The signed-in staff member, their roles and organisation',
      tag: 'staff',
      access: ALL_STAFF,
      response: StaffProfile,
      handler: async ({ auth }) => staffProfile(await getActiveStaff(auth.organisationId, auth.id)),
    }),
  ];
}
