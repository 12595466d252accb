/**
 * Rotating refresh tokens, stored only as SHA-256 hashes. Each refresh spends the token (a single-document
 * conditional update, so two concurrent uses cannot both win) and issues the next one in the same family;
 * presenting a spent token again means it leaked, so the whole family is revoked.
 */
import { createHash, randomBytes } from 'node:crypto';
import mongoose, { Schema, Types } from 'mongoose';
import { AppError } from '../http/errors';
import type { Subject } from './tokens';

const refreshTokenSchema = new Schema(
  {
    tokenHash: { type: String, required: true, unique: true },
    familyId: { type: String, required: true, index: true },
    subjectKind: { type: String, enum: ['customer', 'staff'], required: true },
    subjectId: { type: Schema.Types.ObjectId, required: true },
    organisationId: { type: Schema.Types.ObjectId, required: true },
    expiresAt: { type: Date, required: true, index: true },
    usedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

refreshTokenSchema.index({ subjectKind: 1, subjectId: 1 });

export const RefreshTokenModel = mongoose.model('RefreshToken', refreshTokenSchema, 'refresh_tokens');

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function issueRefreshToken(
  subject: Pick<Subject, 'kind' | 'id' | 'organisationId'>,
  ttlDays: number,
  familyId = randomBytes(16).toString('hex'),
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await RefreshTokenModel.create({
    tokenHash: hash(token),
    familyId,
    subjectKind: subject.kind,
    subjectId: new Types.ObjectId(subject.id),
    organisationId: new Types.ObjectId(subject.organisationId),
    expiresAt: new Date(Date.now() + ttlDays * 86_400_000),
  });
  return token;
}

export interface SpentRefreshToken {
  familyId: string;
  subjectKind: 'customer' | 'staff';
  subjectId: string;
  organisationId: string;
}

/** Spends a refresh token once; a second use revokes its family. */
export async function spendRefreshToken(token: string): Promise<SpentRefreshToken> {
  const tokenHash = hash(token);
  const now = new Date();
  const spent = await RefreshTokenModel.findOneAndUpdate(
    { tokenHash, usedAt: null, revokedAt: null, expiresAt: { $gt: now } },
    { $set: { usedAt: now } },
    { returnDocument: 'before' },
  ).lean();
  if (spent) {
    return {
      familyId: spent.familyId,
      subjectKind: spent.subjectKind,
      subjectId: String(spent.subjectId),
      organisationId: String(spent.organisationId),
    };
  }
  const existing = await RefreshTokenModel.findOne({ tokenHash }).lean();
  if (!existing) throw new AppError('REFRESH_TOKEN_INVALID', 'Refresh token is not valid');
  if (existing.usedAt || existing.revokedAt) {
    await revokeFamily(existing.familyId);
    throw new AppError('REFRESH_TOKEN_REUSED', 'Refresh token was already used; the session is revoked, sign in again');
  }
  throw new AppError('REFRESH_TOKEN_EXPIRED', 'Refresh token has expired; sign in again');
}

export async function revokeFamily(familyId: string): Promise<void> {
  await RefreshTokenModel.updateMany({ familyId, revokedAt: null }, { $set: { revokedAt: new Date() } });
}

/** Revokes the session a refresh token belongs to (logout); unknown tokens are ignored. */
export async function revokeRefreshToken(token: string): Promise<void> {
  const existing = await RefreshTokenModel.findOne({ tokenHash: hash(token) }).lean();
  if (existing) await revokeFamily(existing.familyId);
}

/**
 * Ends every session of a subject (a customer's erasure, a staff member's departure): deletes all its refresh tokens, so a refresh answers
 * REFRESH_TOKEN_INVALID. Idempotent. Access tokens already issued stay valid until they expire.
 */
export async function deleteRefreshTokensOfSubject(
  subject: Pick<Subject, 'kind' | 'id' | 'organisationId'>,
): Promise<number> {
  const result = await RefreshTokenModel.deleteMany({
    subjectKind: subject.kind,
    subjectId: new Types.ObjectId(subject.id),
    organisationId: new Types.ObjectId(subject.organisationId),
  });
  return result.deletedCount;
}

/** Removes long-expired tokens; run periodically (TTL indexes are not available on every supported server). */
export async function deleteExpiredRefreshTokens(now = new Date()): Promise<number> {
  const result = await RefreshTokenModel.deleteMany({ expiresAt: { $lt: new Date(now.getTime() - 86_400_000) } });
  return result.deletedCount;
}
