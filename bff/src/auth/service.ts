import type { TokenPair } from '@careloop/shared';
import type { Config } from '@careloop/config';
import { AppError, notFound } from '../http/errors';
import { isCustomerErased } from '../privacy/service';
import { getCustomer } from '../identity/service';
import { getActiveStaff } from '../staff/service';
import { issueRefreshToken, spendRefreshToken } from './refreshTokens';
import { signAccessToken, type Subject } from './tokens';

/** Starts a session (or continues a refresh-token family): a short-lived access token and a rotating refresh token. */
export async function issueSession(subject: Subject, auth: Config['auth'], familyId?: string): Promise<TokenPair> {
  return {
    accessToken: signAccessToken(subject, auth.jwtSecret, auth.accessTokenTtlSeconds),
    refreshToken: await issueRefreshToken(subject, auth.refreshTokenTtlDays, familyId),
    expiresIn: auth.accessTokenTtlSeconds,
  };
}

/** Rotates a refresh token; staff roles are re-read, and a departed member or erased customer cannot continue. */
export async function refreshSession(refreshToken: string, auth: Config['auth']): Promise<TokenPair> {
  const spent = await spendRefreshToken(refreshToken);
  let subject: Subject;
  try {
    if (spent.subjectKind === 'staff') {
      const staff = await getActiveStaff(spent.organisationId, spent.subjectId);
      subject = { kind: 'staff', id: staff.id, organisationId: staff.organisationId, roles: staff.roles };
    } else {
      if (await isCustomerErased(spent.organisationId, spent.subjectId)) throw notFound('Customer');
      const customer = await getCustomer(spent.organisationId, spent.subjectId);
      subject = { kind: 'customer', id: customer.id, organisationId: customer.organisationId };
    }
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') {
      throw new AppError('REFRESH_TOKEN_INVALID', 'This session can no longer be continued; sign in again');
    }
    throw error;
  }
  return issueSession(subject, auth, spent.familyId);
}
