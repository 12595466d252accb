import { StaffMemberList, StaffProfile } from '@careloop/shared';
import { ALL_STAFF } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { getActiveStaff, listStaffMemberSummaries, staffProfile } from './service';

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
    defineRoute({
      method: 'get',
      path: '/api/staff/staff-members',
      summary: 'The organisation’s active staff members (names, roles, clinics), for pickers',
      tag: 'staff',
      access: ALL_STAFF,
      response: StaffMemberList,
      handler: async ({ auth }) => ({
        items: (await listStaffMemberSummaries(auth.organisationId)).map(
          ({ id, name, wecomUserId, roles, clinicIds }) => ({ id, name, wecomUserId, roles, clinicIds }),
        ),
      }),
    }),
  ];
}
