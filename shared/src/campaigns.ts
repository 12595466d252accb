/**
 * QR campaigns: a campaign ties a channel (where the QR is shown), an optional staff member, an optional coupon
 * template, tags to add and a landing page. It has a mini-program code (scene = the campaign key) and/or a WeCom
 * contact-me code (state = the campaign key). Scans and contact adds attribute customers to it (first touch kept,
 * last touch updated), and its results are counters kept as events happen.
 */
import { z } from 'zod';
import { ObjectId } from './common';
import { TagName } from './profile';

const text = (max: number) => z.string().trim().max(max);

export const ChannelKind = z.enum(['poster', 'doctor_referral', 'event', 'ad_platform', 'staff_card', 'other']);
export type ChannelKind = z.infer<typeof ChannelKind>;

export const CreateChannelRequest = z.strictObject({
  name: text(40).min(1),
  kind: ChannelKind,
  description: text(200).default(''),
});
export const UpdateChannelRequest = z
  .strictObject({
    name: text(40).min(1).optional(),
    description: text(200).optional(),
    archived: z.boolean().optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'nothing to change');

export const Channel = z
  .object({
    id: ObjectId,
    name: z.string(),
    kind: ChannelKind,
    description: z.string(),
    archived: z.boolean(),
  })
  .meta({ id: 'Channel' });
export type Channel = z.infer<typeof Channel>;
export const ChannelList = z.object({ items: z.array(Channel) });

/**
 * The campaign key: the mini-program code's `scene` and the contact-me code's `state`. Short and opaque, from
 * the characters both allow (WeChat: ≤ 32 of 0-9A-Za-z!#$&'()*+,/:;=?@-._~; WeCom: ≤ 30).
 */
export const CampaignKey = z.string().regex(/^[A-Za-z0-9]{6,16}$/, 'must be 6–16 letters or digits');
export const CampaignKeyParams = z.strictObject({ key: CampaignKey });
export const CampaignParams = z.strictObject({ id: ObjectId });

export const CampaignLandingPage = z.strictObject({
  title: text(40).min(1),
  description: text(500).default(''),
  /** An https image shown at the top of the landing page. */
  imageUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .nullable()
    .default(null),
});

const campaignFields = {
  name: text(40).min(1),
  channelId: ObjectId,
  /** The staff member the campaign belongs to (a consultant's card); the contact-me code adds them. */
  staffId: ObjectId.nullable().default(null),
  couponTemplateId: ObjectId.nullable().default(null),
  /** Tags added to every customer the campaign brings (source `channel`). */
  tagNames: z.array(TagName).max(10).default([]),
  landing: CampaignLandingPage,
  /** Text of the WeCom welcome message sent when a customer adds the staff member through this campaign. */
  welcomeText: text(500).default(''),
  startsAt: z.iso.datetime(),
  /** After this no scans attribute and no coupons are claimed (CAMPAIGN_ENDED); null: open-ended. */
  endsAt: z.iso.datetime().nullable().default(null),
  /** What the campaign cost (printing, ad spend …), for cost per new customer and per arrival. */
  costFen: z.number().int().min(0).max(1_000_000_000).default(0),
  /** Which codes to generate (generated once, stored). contactMe needs a staff member. */
  codes: z.strictObject({ miniProgram: z.boolean(), contactMe: z.boolean() }),
};

export const CreateCampaignRequest = z
  .strictObject(campaignFields)
  .refine((value) => !value.codes.contactMe || value.staffId !== null, {
    path: ['codes', 'contactMe'],
    message: 'a contact-me code needs a staff member',
  })
  .refine((value) => value.endsAt === null || value.startsAt < value.endsAt, {
    path: ['endsAt'],
    message: 'endsAt must be after startsAt',
  });
export type CreateCampaignRequest = z.infer<typeof CreateCampaignRequest>;

/** The channel, staff member, template and codes stay; the rest can change. `end` ends the campaign now. */
export const UpdateCampaignRequest = z
  .strictObject({
    name: campaignFields.name.optional(),
    tagNames: campaignFields.tagNames.optional(),
    landing: CampaignLandingPage.optional(),
    welcomeText: text(500).optional(),
    endsAt: z.iso.datetime().nullable().optional(),
    costFen: campaignFields.costFen.optional(),
    end: z.literal(true).optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'nothing to change');

export const Campaign = z
  .object({
    id: ObjectId,
    key: CampaignKey,
    name: z.string(),
    channel: z.object({ id: ObjectId, name: z.string(), kind: ChannelKind }),
    staff: z.object({ id: ObjectId, name: z.string() }).nullable(),
    couponTemplate: z.object({ id: ObjectId, name: z.string() }).nullable(),
    tagNames: z.array(z.string()),
    landing: z.object({ title: z.string(), description: z.string(), imageUrl: z.string().nullable() }),
    welcomeText: z.string(),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime().nullable(),
    costFen: z.number().int(),
    status: z.enum(['scheduled', 'active', 'ended']),
    codes: z.object({
      /** GET this (staff token) for the PNG of the mini-program code. */
      miniProgram: z.object({ imageUrl: z.string(), page: z.string(), scene: z.string() }).nullable(),
      /** The contact-me code: WeCom's QR image URL and its config_id. */
      contactMe: z.object({ configId: z.string(), qrCodeUrl: z.string() }).nullable(),
    }),
    /** Where the mini-program code leads in the H5 build (the sandbox and staff previews open it in a browser). */
    h5Url: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Campaign' });
export type Campaign = z.infer<typeof Campaign>;
export const CampaignList = z.object({ items: z.array(Campaign) });

/** The mini-program page a campaign's code opens (no leading slash, no query: WeChat's rule for `page`). */
export const CAMPAIGN_LANDING_PAGE = 'subpackages/campaign/index';

/** What the landing page shows a customer. `claim` says whether they can claim now, and why not. */
export const CampaignLanding = z
  .object({
    key: CampaignKey,
    title: z.string(),
    description: z.string(),
    imageUrl: z.string().nullable(),
    status: z.enum(['scheduled', 'active', 'ended']),
    staff: z.object({ name: z.string() }).nullable(),
    coupon: z
      .object({
        name: z.string(),
        description: z.string(),
        kind: z.enum(['amount_off', 'percent_off', 'free_service', 'gift']),
        amountOffFen: z.number().int().nullable(),
        percentOff: z.number().int().nullable(),
        giftDescription: z.string().nullable(),
        minSpendFen: z.number().int(),
        /** Human summary of where and how long it is valid, e.g. "30 days after claiming". */
        validityText: z.string(),
        clinicNames: z.array(z.string()),
        remaining: z.number().int(),
        /** Coupons of this template the customer already holds. */
        held: z.number().int(),
        claim: z.object({
          possible: z.boolean(),
          /** Why not: OUT_OF_STOCK | LIMIT_REACHED | NOT_ELIGIBLE | CAMPAIGN_ENDED. */
          reason: z.string().nullable(),
          /** NOT_ELIGIBLE: the rule the customer misses (`reason`, and `tag` for a tag rule), to say so before a tap. */
          details: z.record(z.string(), z.unknown()).nullable(),
        }),
      })
      .nullable(),
  })
  .meta({ id: 'CampaignLanding' });
export type CampaignLanding = z.infer<typeof CampaignLanding>;

/** The landing page reports the scan once per page open; a retried report (same scanId) counts once. */
export const ReportScanRequest = z.strictObject({
  scanId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  via: z.enum(['mini_program_code', 'link', 'share']).default('mini_program_code'),
});
export const ReportScanResult = z.object({ firstTouch: z.boolean() });

/**
 * A claim is retried with the same requestId after a network failure: it answers the same coupon. `scan` is the
 * page's scan report sent again with the claim: a claim that overtakes its report counts the same touch (one scan
 * per page open, in either order).
 */
export const ClaimCouponRequest = z.strictObject({
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  scan: ReportScanRequest.optional().meta({
    description:
      'The page’s scan report, sent again with the claim: a claim that overtakes its report counts the same touch',
  }),
});

/** A touch: the campaign that reached the customer, when and how. */
export const CampaignTouch = z.object({
  campaign: z.object({ id: ObjectId, name: z.string(), key: z.string() }),
  channel: z.object({ id: ObjectId, name: z.string(), kind: ChannelKind }),
  staff: z.object({ id: ObjectId, name: z.string() }).nullable(),
  at: z.iso.datetime(),
  via: z.enum(['mini_program_code', 'link', 'share', 'contact_me']),
});
export const CustomerAttribution = z
  .object({ firstTouch: CampaignTouch.nullable(), lastTouch: CampaignTouch.nullable() })
  .meta({ id: 'CustomerAttribution' });
export type CustomerAttribution = z.infer<typeof CustomerAttribution>;

/** Counters of a campaign (or summed over a channel's campaigns). Bookings, arrivals and revenue count the
 * customers whose last touch was the campaign when they happened. */
export const CampaignCounters = z.object({
  scans: z.number().int(),
  uniqueScanners: z.number().int(),
  newCustomers: z.number().int(),
  contactsAdded: z.number().int(),
  claims: z.number().int(),
  redemptions: z.number().int(),
  bookings: z.number().int(),
  arrivals: z.number().int(),
  revenueFen: z.number().int(),
});
export type CampaignCounters = z.infer<typeof CampaignCounters>;

const costRatios = {
  costFen: z.number().int(),
  costPerNewCustomerFen: z.number().int().nullable(),
  costPerArrivalFen: z.number().int().nullable(),
};
export const CampaignResults = z
  .object({
    campaign: z.object({ id: ObjectId, name: z.string(), key: z.string() }),
    channel: z.object({ id: ObjectId, name: z.string(), kind: ChannelKind }),
    ...CampaignCounters.shape,
    ...costRatios,
  })
  .meta({ id: 'CampaignResults' });
export const ChannelResults = z
  .object({
    channel: z.object({ id: ObjectId, name: z.string(), kind: ChannelKind }),
    ...CampaignCounters.shape,
    ...costRatios,
  })
  .meta({ id: 'ChannelResults' });
export const CampaignResultsReport = z.object({
  campaigns: z.array(CampaignResults),
  channels: z.array(ChannelResults),
});
export type CampaignResultsReport = z.infer<typeof CampaignResultsReport>;

/** Per-day counters of one campaign (the organisation's calendar days), for its chart. */
export const CampaignDailyResults = z.object({
  items: z.array(
    z.object({ date: z.iso.date(), scans: z.number().int(), claims: z.number().int(), redemptions: z.number().int() }),
  ),
});
