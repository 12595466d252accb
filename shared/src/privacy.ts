/**
 * Consent and privacy: the privacy policy version a customer accepted, their marketing consent with its history,
 * and the customer's data export and erasure request.
 */
import { z } from 'zod';
import { ObjectId } from './common';

/** Where a consent was given or withdrawn. */
export const ConsentChannel = z.enum(['miniapp', 'official_account', 'sidebar', 'workbench', 'api']);
export type ConsentChannel = z.infer<typeof ConsentChannel>;

/** A privacy policy version as configured (`PRIVACY_POLICY_VERSION`), e.g. `2026-11`. */
export const PolicyVersion = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,32}$/, 'must be 1–32 characters A–Z, a–z, 0–9, . _ or -');

export const ConsentChangeType = z.enum(['policy_accepted', 'marketing_granted', 'marketing_withdrawn']);
export type ConsentChangeType = z.infer<typeof ConsentChangeType>;

/** One entry of the consent history (kept, also after erasure, as evidence). */
export const ConsentChange = z
  .object({
    id: z.string(),
    type: ConsentChangeType,
    /** The accepted version, for `policy_accepted`; else null. */
    policyVersion: z.string().nullable(),
    channel: ConsentChannel,
    /** Who recorded it: the customer, a staff member acting on their word, or the system (erasure). */
    actor: z.object({ kind: z.enum(['customer', 'staff', 'system']), id: z.string().nullable() }),
    at: z.iso.datetime(),
  })
  .meta({ id: 'ConsentChange' });
export type ConsentChange = z.infer<typeof ConsentChange>;

export const ConsentState = z
  .object({
    customerId: ObjectId,
    /** The version customers must accept now. */
    currentPolicyVersion: z.string(),
    /** The latest accepted version; null when the customer never accepted one. */
    policy: z.object({ version: z.string(), acceptedAt: z.iso.datetime(), channel: ConsentChannel }).nullable(),
    /** False when the customer has not accepted the current version: the mini-program asks (again). */
    policyUpToDate: z.boolean(),
    /** Null when the customer was never asked. */
    marketing: z.object({ granted: z.boolean(), changedAt: z.iso.datetime(), channel: ConsentChannel }).nullable(),
    /** Every change, newest first. */
    history: z.array(ConsentChange),
  })
  .meta({ id: 'ConsentState' });
export type ConsentState = z.infer<typeof ConsentState>;

/** The customer accepts a policy version (it must be the current one) and answers the marketing question. */
export const AcceptConsentRequest = z.strictObject({
  policyVersion: PolicyVersion,
  marketing: z.boolean(),
});
export type AcceptConsentRequest = z.infer<typeof AcceptConsentRequest>;

/** Everything held about the signed-in customer: one section per domain that keeps personal records. */
export const DataExport = z
  .object({
    generatedAt: z.iso.datetime(),
    customerId: ObjectId,
    organisationId: ObjectId,
    /** Keyed by domain (e.g. `consent`, `events`, `profile`). */
    sections: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'DataExport' });
export type DataExport = z.infer<typeof DataExport>;

export const ErasureStatus = z.enum(['in_progress', 'completed']);
export type ErasureStatus = z.infer<typeof ErasureStatus>;

export const ErasureResult = z
  .object({
    status: ErasureStatus,
    requestedAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable(),
    /** The domains whose records were erased (anonymised where aggregate counts need them). */
    erased: z.array(z.string()),
  })
  .meta({ id: 'ErasureResult' });
export type ErasureResult = z.infer<typeof ErasureResult>;
