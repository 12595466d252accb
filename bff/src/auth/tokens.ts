import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { StaffRole } from '@careloop/shared';
import { AppError } from '../http/errors';

const ISSUER = 'careloop';
const ALGORITHM = 'HS256';
/** Customer and staff tokens have different audiences, so one can never open the other's routes. */
export const AUDIENCE = { customer: 'careloop-miniapp', staff: 'careloop-staff' } as const;

export type Subject =
  | { kind: 'customer'; id: string; organisationId: string }
  | { kind: 'staff'; id: string; organisationId: string; roles: StaffRole[] };

interface Claims {
  sub: string;
  org: string;
  roles?: StaffRole[];
}

// jsonwebtoken tries a string secret as a public key first (and fails) on every call: give it a KeyObject.
const keys = new Map<string, KeyObject>();
function keyFor(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret))));
  return key;
}

export function signAccessToken(subject: Subject, secret: string, ttlSeconds: number): string {
  const claims: Claims = { sub: subject.id, org: subject.organisationId };
  if (subject.kind === 'staff') claims.roles = subject.roles;
  return jwt.sign(claims, keyFor(secret), {
    algorithm: ALGORITHM,
    issuer: ISSUER,
    audience: AUDIENCE[subject.kind],
    expiresIn: ttlSeconds,
  });
}

export function verifyAccessToken(token: string, kind: Subject['kind'], secret: string): Subject {
  let claims: Claims;
  try {
    claims = jwt.verify(token, keyFor(secret), {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE[kind],
    }) as Claims;
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) throw new AppError('TOKEN_EXPIRED', 'Access token has expired');
    throw new AppError('TOKEN_INVALID', 'Access token is not valid for this route');
  }
  if (typeof claims.sub !== 'string' || typeof claims.org !== 'string') {
    throw new AppError('TOKEN_INVALID', 'Access token is not valid for this route');
  }
  return kind === 'staff'
    ? { kind, id: claims.sub, organisationId: claims.org, roles: claims.roles ?? [] }
    : { kind, id: claims.sub, organisationId: claims.org };
}
