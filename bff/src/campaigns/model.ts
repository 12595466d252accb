import mongoose, { Schema, type Types } from 'mongoose';

/** Where an organisation shows its QR codes (poster, doctor referral …): campaigns are grouped by channel. */
const channelSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    kind: { type: String, required: true },
    description: { type: String, default: '' },
    archived: { type: Boolean, default: false },
  },
  { timestamps: true },
);
channelSchema.index({ organisationId: 1, name: 1 }, { unique: true });

/**
 * One generated code of a campaign. Generation is claimed with a lease (`pending | failed` → `generating`, one
 * conditional update) so that two callers never both ask WeChat/WeCom for it; a crash leaves `generating` with an
 * expired lease, which the next attempt takes over.
 */
const codeStateSchema = new Schema(
  {
    wanted: { type: Boolean, required: true },
    status: { type: String, enum: ['none', 'pending', 'generating', 'ready', 'failed'], required: true },
    leaseUntil: { type: Date, default: null },
    leaseToken: { type: String, default: null },
    attemptedAt: { type: Date, default: null },
    error: { type: String, default: null },
    generatedAt: { type: Date, default: null },
  },
  { _id: false },
);

const contactMeStateSchema = codeStateSchema.clone();
contactMeStateSchema.add({
  configId: { type: String, default: null },
  qrCodeUrl: { type: String, default: null },
  /** When the contact way was deleted at WeCom (the campaign ended). */
  deletedAt: { type: Date, default: null },
});

/**
 * A QR campaign. `key` (8 random letters/digits, unique per organisation) is the mini-program code's scene and
 * the contact-me code's state. The mini-program code's PNG is generated once and stored here (`miniProgramPng`,
 * never selected unless asked for).
 */
const campaignSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true },
    name: { type: String, required: true },
    channelId: { type: Schema.Types.ObjectId, required: true },
    staffId: { type: Schema.Types.ObjectId, default: null },
    couponTemplateId: { type: Schema.Types.ObjectId, default: null },
    tagNames: { type: [String], default: [] },
    landing: {
      type: new Schema(
        {
          title: { type: String, required: true },
          description: { type: String, default: '' },
          imageUrl: { type: String, default: null },
        },
        { _id: false },
      ),
      required: true,
    },
    welcomeText: { type: String, default: '' },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, default: null },
    costFen: { type: Number, default: 0 },
    codes: {
      miniProgram: { type: codeStateSchema, required: true },
      contactMe: { type: contactMeStateSchema, required: true },
    },
    miniProgramPng: { type: Buffer, default: null, select: false },
    /** The welcome message card's picture uploaded to WeCom (a temporary media id, valid 3 days). */
    card: {
      type: new Schema(
        { mediaId: { type: String, default: null }, uploadedAt: { type: Date, default: null } },
        { _id: false },
      ),
      default: () => ({ mediaId: null, uploadedAt: null }),
    },
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true },
);
campaignSchema.index({ organisationId: 1, key: 1 }, { unique: true });
campaignSchema.index({ organisationId: 1, createdAt: -1 });
campaignSchema.index({ 'codes.miniProgram.status': 1 });
campaignSchema.index({ 'codes.contactMe.status': 1 });

/**
 * A touch: one time a campaign reached a customer (a landing-page scan, a claim through the campaign, a WeCom
 * contact added through its contact-me code). The customer's first touch is their earliest, the last touch their
 * latest; attribution at any moment is the latest touch at or before it. `sourceId` makes a retried report or
 * re-run callback store its touch once.
 */
const touchSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    sourceId: { type: String, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    campaignId: { type: Schema.Types.ObjectId, required: true },
    channelId: { type: Schema.Types.ObjectId, required: true },
    staffId: { type: Schema.Types.ObjectId, default: null },
    at: { type: Date, required: true },
    via: { type: String, enum: ['mini_program_code', 'link', 'share', 'contact_me'], required: true },
  },
  { versionKey: false },
);
touchSchema.index({ organisationId: 1, sourceId: 1 }, { unique: true });
touchSchema.index({ organisationId: 1, customerId: 1, at: -1 });
touchSchema.index({ organisationId: 1, campaignId: 1 });

/**
 * One per (campaign, customer): the customer's first touch of the campaign, whether they count as a new customer
 * of it and when they first scanned its code (contact-me adds are not scans). Its unique key is what counts each
 * customer once in `uniqueScanners` and `newCustomers`.
 */
const reachSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    campaignId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    firstTouchAt: { type: Date, required: true },
    firstScanAt: { type: Date, default: null },
    newCustomer: { type: Boolean, required: true },
    /** Set by a merge that found the survivor already reached: its counts were taken back before it is deleted. */
    mergedAway: { type: Boolean, default: false },
  },
  { versionKey: false },
);
reachSchema.index({ organisationId: 1, campaignId: 1, customerId: 1 }, { unique: true });
reachSchema.index({ organisationId: 1, customerId: 1 });

/** A WeCom contact added through a campaign's contact-me code: one per callback (the queue item's id). */
const contactAddSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    callbackId: { type: String, required: true },
    campaignId: { type: Schema.Types.ObjectId, required: true },
    staffUserId: { type: String, default: null },
    /** Cleared by an erasure. */
    externalUserId: { type: String, default: null },
    customerId: { type: Schema.Types.ObjectId, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
contactAddSchema.index({ organisationId: 1, callbackId: 1 }, { unique: true });
contactAddSchema.index({ organisationId: 1, campaignId: 1 });
contactAddSchema.index({ organisationId: 1, customerId: 1 });

/**
 * A welcome message, at most one per welcome code: the row is inserted as `sending` before WeCom is called (the
 * unique code is the claim), so a re-run never sends again — not even after a crash mid-call, when it may have
 * gone out (`unknown`).
 */
const welcomeSendSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    welcomeCode: { type: String, required: true },
    callbackId: { type: String, required: true },
    campaignId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: ['sending', 'sent', 'refused', 'unknown'], required: true },
    errcode: { type: Number, default: null },
    errmsg: { type: String, default: null },
    withCard: { type: Boolean, default: false },
  },
  { timestamps: true },
);
welcomeSendSchema.index({ organisationId: 1, welcomeCode: 1 }, { unique: true });

/**
 * A campaign's counters, kept with `$inc` as things happen: `period` is `total`, or a calendar day (YYYY-MM-DD in
 * the organisation's time zone) for the daily chart. `recountCampaignStats` rebuilds them from events and touches.
 */
const statsSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    campaignId: { type: Schema.Types.ObjectId, required: true },
    period: { type: String, required: true },
    scans: { type: Number, default: 0 },
    uniqueScanners: { type: Number, default: 0 },
    newCustomers: { type: Number, default: 0 },
    contactsAdded: { type: Number, default: 0 },
    claims: { type: Number, default: 0 },
    redemptions: { type: Number, default: 0 },
    bookings: { type: Number, default: 0 },
    arrivals: { type: Number, default: 0 },
    revenueFen: { type: Number, default: 0 },
  },
  { versionKey: false },
);
statsSchema.index({ organisationId: 1, campaignId: 1, period: 1 }, { unique: true });

export type CodeStatus = 'none' | 'pending' | 'generating' | 'ready' | 'failed';
export type TouchVia = 'mini_program_code' | 'link' | 'share' | 'contact_me';

export interface CampaignDocument {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  key: string;
  name: string;
  channelId: Types.ObjectId;
  staffId: Types.ObjectId | null;
  couponTemplateId: Types.ObjectId | null;
  tagNames: string[];
  landing: { title: string; description: string; imageUrl: string | null };
  welcomeText: string;
  startsAt: Date;
  endsAt: Date | null;
  costFen: number;
  codes: {
    miniProgram: { wanted: boolean; status: CodeStatus; error: string | null; generatedAt: Date | null };
    contactMe: {
      wanted: boolean;
      status: CodeStatus;
      error: string | null;
      generatedAt: Date | null;
      configId: string | null;
      qrCodeUrl: string | null;
      deletedAt: Date | null;
    };
  };
  miniProgramPng?: Buffer | null;
  card: { mediaId: string | null; uploadedAt: Date | null };
  createdAt: Date;
}

export interface TouchDocument {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  sourceId: string;
  customerId: Types.ObjectId;
  campaignId: Types.ObjectId;
  channelId: Types.ObjectId;
  staffId: Types.ObjectId | null;
  at: Date;
  via: TouchVia;
}

export const ChannelModel = mongoose.model('CampaignChannel', channelSchema, 'campaign_channels');
export const CampaignModel = mongoose.model('Campaign', campaignSchema, 'campaigns');
export const CampaignTouchModel = mongoose.model('CampaignTouch', touchSchema, 'campaign_touches');
export const CampaignReachModel = mongoose.model('CampaignReach', reachSchema, 'campaign_reach');
export const CampaignContactAddModel = mongoose.model('CampaignContactAdd', contactAddSchema, 'campaign_contact_adds');
export const CampaignWelcomeSendModel = mongoose.model(
  'CampaignWelcomeSend',
  welcomeSendSchema,
  'campaign_welcome_sends',
);
export const CampaignStatsModel = mongoose.model('CampaignStats', statsSchema, 'campaign_stats');
