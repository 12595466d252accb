import type { Context } from 'koa';
import type { StaffRole } from '@careloop/shared';
import { AppError } from '../http/errors';
import { verifyAccessToken, type Subject } from './tokens';

/** A signed-in customer: `id` is their current profile, `signedInAs` the profile the session was opened for. */
export type CustomerAuth = Extract<Subject, { kind: 'customer' }> & { signedInAs?: string };
export type StaffAuth = Extract<Subject, { kind: 'staff' }>;

/** The access rules staff routes use: any staff member, managers (and admins), admins only. */
export const ALL_STAFF = { staff: ['admin', 'manager', 'staff'] } as const;
export const MANAGERS = { staff: ['admin', 'manager'] } as const;
export const ADMINS = { staff: ['admin'] } as const;

function bearerToken(ctx: Context): string {
  const header = ctx.get('authorization');
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
  if (!match?.[1]) throw new AppError('UNAUTHENTICATED', 'Sign in first: send Authorization: Bearer <access token>');
  return match[1];
}

/** Checks the caller against a route's access rule and returns who they are (null for public routes). */
export function authenticate(
  ctx: Context,
  access: 'public' | 'customer' | { staff: readonly StaffRole[] },
  secret: string,
): Subject | null {
  if (access === 'public') return null;
  if (access === 'customer') return verifyAccessToken(bearerToken(ctx), 'customer', secret);
  const staff = verifyAccessToken(bearerToken(ctx), 'staff', secret) as StaffAuth;
  if (!staff.roles.some((role) => access.staff.includes(role))) {
    throw new AppError('FORBIDDEN', `This needs one of the roles: ${access.staff.join(', ')}`);
  }
  return staff;
}
