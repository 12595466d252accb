/** What the signed-in staff member may do in the sidebar; the BFF checks the same roles on every route. */
import type { StaffRole } from '@careloop/shared';

type Staff = { id: string; roles: readonly StaffRole[] } | null | undefined;

const hasAny = (staff: Staff, roles: readonly StaffRole[]) =>
  !!staff && staff.roles.some((role) => roles.includes(role));

/** `POST /api/staff/customers/:id/phone/reveal` admits managers and admins. */
export function canRevealPhone(staff: Staff): boolean {
  return hasAny(staff, ['admin', 'manager']);
}

/** `POST /api/staff/customers/:id/hcp-verification` admits admins. */
export function canVerifyHcp(staff: Staff): boolean {
  return hasAny(staff, ['admin']);
}

/** "设为我的客户" makes sense unless the customer is already the staff member's. */
export function canAssignToMe(staff: Staff, owner: { id: string } | null): boolean {
  return !!staff && owner?.id !== staff.id;
}

/** Schedule templates, exceptions and services (`POST /api/staff/schedule-templates` …) admit managers and admins. */
export function canManageSchedules(staff: Staff): boolean {
  return hasAny(staff, ['admin', 'manager']);
}

/** Channels, coupon templates and campaigns (`POST /api/staff/campaigns` …) admit managers and admins. */
export function canManageCampaigns(staff: Staff): boolean {
  return hasAny(staff, ['admin', 'manager']);
}
