import { z } from 'zod';
import { CustomerKind, ObjectId } from './common';
import { CustomerProfile } from './customers';
import { ConsentState } from './privacy';

export const Gender = z.enum(['female', 'male', 'other']);
export const HcpVerification = z.enum(['unverified', 'verified', 'rejected']);

export const HcpDetails = z.object({
  hospital: z.string().nullable(),
  department: z.string().nullable(),
  title: z.string().nullable(),
  verification: HcpVerification,
  verifiedAt: z.iso.datetime().nullable(),
  evidence: z.string().nullable(),
});

export const IdentityKind = z.enum(['miniapp_openid', 'oa_openid', 'unionid', 'wecom_external_userid', 'phone']);

export const ActivityLevel = z.enum(['new', 'active', 'quiet', 'dormant']);

/** Everything the sidebar's 360° view shows, in one answer. */
export const Customer360 = z
  .object({
    customer: CustomerProfile.extend({
      gender: Gender.nullable(),
      birthday: z.string().nullable(),
      clinic: z.object({ id: ObjectId, name: z.string() }).nullable(),
      hcp: HcpDetails.nullable(),
    }),
    identities: z.array(
      z.object({
        kind: IdentityKind,
        app: z.string(),
        /** Shortened; a phone identity shows the masked number. */
        display: z.string(),
        linkedAt: z.iso.datetime(),
      }),
    ),
    owner: z.object({ id: ObjectId, name: z.string() }).nullable(),
    /** Staff members who have this customer as a WeCom external contact. */
    followers: z.array(z.object({ wecomUserId: z.string(), name: z.string().nullable(), addedAt: z.iso.datetime() })),
    tags: z.array(
      z.object({
        name: z.string(),
        source: z.enum(['manual', 'rule', 'channel', 'keyword']),
        setBy: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
        setAt: z.iso.datetime(),
      }),
    ),
    activity: z.object({
      level: ActivityLevel,
      lastEventAt: z.iso.datetime().nullable(),
      eventsLast30Days: z.number().int(),
    }),
    /** Events of each type in the last 365 days. */
    counters: z.record(z.string(), z.number().int()),
    consent: ConsentState,
    duplicates: z.array(z.object({ id: ObjectId, reason: z.string(), other: CustomerProfile })),
    merges: z.array(
      z.object({
        id: ObjectId,
        survivorId: ObjectId,
        mergedId: ObjectId,
        rule: z.string(),
        details: z.record(z.string(), z.unknown()),
        status: z.string(),
        at: z.iso.datetime(),
      }),
    ),
  })
  .meta({ id: 'Customer360' });
export type Customer360 = z.infer<typeof Customer360>;

export const UpdateCustomerRequest = z.strictObject({
  name: z.string().trim().min(1).max(40).optional(),
  kind: CustomerKind.optional(),
  gender: Gender.nullable().optional(),
  birthday: z.iso.date().nullable().optional(),
  clinicId: ObjectId.nullable().optional(),
  ownerStaffId: ObjectId.nullable().optional(),
  hcp: z
    .strictObject({
      hospital: z.string().trim().max(80).nullable(),
      department: z.string().trim().max(80).nullable(),
      title: z.string().trim().max(40).nullable(),
    })
    .optional(),
  /** A number staff typed in: never merges on its own, may raise a possible duplicate. */
  phone: z.string().max(40).optional(),
});
export type UpdateCustomerRequest = z.infer<typeof UpdateCustomerRequest>;

export const HcpVerificationRequest = z.strictObject({
  decision: z.enum(['verified', 'rejected']),
  evidence: z.string().trim().min(2).max(500),
});

export const VerifyPhoneRequest = z.strictObject({
  code: z.string().min(1).max(128).meta({ description: 'The code from the getPhoneNumber button' }),
});
export const TypedPhoneRequest = z.strictObject({ phone: z.string().min(1).max(40) });

export const RevealedPhone = z.object({ phone: z.string(), verified: z.boolean() }).meta({ id: 'RevealedPhone' });
export type RevealedPhone = z.infer<typeof RevealedPhone>;

export const DuplicateDecision = z.strictObject({ decision: z.enum(['confirm', 'dismiss']) });
export const DuplicateDecisionResult = z.object({ survivorId: ObjectId.nullable() });
export type DuplicateDecisionResult = z.infer<typeof DuplicateDecisionResult>;

export const ContactSyncResult = z.object({ contactsSeen: z.number().int() });

export const TagName = z
  .string()
  .trim()
  .min(1)
  .max(20)
  .regex(/^[^\s/]+( [^\s/]+)*$/, 'no slashes or double spaces');
export const AddTagRequest = z.strictObject({ name: TagName });
export const TagParams = z.strictObject({ id: ObjectId, name: TagName });
