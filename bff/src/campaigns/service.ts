/**
 * Campaigns: a channel, an optional staff member and coupon template, tags, a landing page and up to two QR codes.
 * The codes are generated once, at creation, and stored (the mini-program code's image in the campaign, the
 * contact-me code's config_id and QR URL); a failed generation leaves the campaign saved without that code, and
 * `generateCampaignCodes` (the retry route, the periodic job) tries again. Views never call WeChat or WeCom.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import {
  CAMPAIGN_LANDING_PAGE,
  CampaignKey,
  type Campaign,
  type CampaignLanding,
  type CreateCampaignRequest,
  type CouponTemplate,
  type UpdateCampaignRequest,
} from '@careloop/shared';
import type { z } from 'zod';
import { AppError, notFound } from '../http/errors';
import { isDuplicateKey } from '../db/retry';
import { getActiveStaff, staffNamesById } from '../staff/service';
import { getOrganisation, listClinics } from '../organisations/service';
import { claimability, getCouponTemplate } from '../coupons/service';
import { channelsById, getChannel } from './channels';
import { CampaignModel, type CampaignDocument, type CodeStatus } from './model';
import { codeEnvVersion, type CampaignPlatform } from './platform';
import { localDate } from './counters';

export type CampaignStatus = 'scheduled' | 'active' | 'ended';

/** Letters and digits: valid in a mini-program scene and a contact-me state, unambiguous in a URL. */
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_LENGTH = 8;
/** How long a code generation may hold its claim before another attempt takes it over. */
const CODE_LEASE_MS = 60_000;
/** The periodic job retries a failed generation no sooner than this after the last attempt. */
const CODE_RETRY_AFTER_MS = 5 * 60_000;

export function newCampaignKey(): string {
  let key = '';
  for (let i = 0; i < KEY_LENGTH; i += 1) key += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  return key;
}

export function campaignStatus(doc: Pick<CampaignDocument, 'startsAt' | 'endsAt'>, now = new Date()): CampaignStatus {
  if (doc.endsAt && doc.endsAt.getTime() <= now.getTime()) return 'ended';
  if (doc.startsAt.getTime() > now.getTime()) return 'scheduled';
  return 'active';
}

/** Where the mini-program code leads in the H5 build. */
export const campaignH5Url = (publicUrl: string, key: string) =>
  `${publicUrl}/m/#/${CAMPAIGN_LANDING_PAGE}?scene=${key}`;

/** The image type of stored code bytes (WeChat answers PNG; JPEG is recognised too). */
export function imageType(bytes: Buffer): { contentType: string; extension: string } | null {
  if (bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47) return { contentType: 'image/png', extension: 'png' };
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return { contentType: 'image/jpeg', extension: 'jpg' };
  }
  return null;
}

/** Bytes as the driver hands them back (Buffer, or BSON Binary on lean reads). */
export function toBuffer(value: unknown): Buffer | null {
  if (!value) return null;
  if (Buffer.isBuffer(value)) return value;
  const binary = value as { buffer?: Uint8Array; value?: () => Uint8Array };
  if (binary.buffer instanceof Uint8Array) return Buffer.from(binary.buffer);
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Views

/** A coupon template's name, or null when it no longer exists. */
export async function couponTemplateName(organisationId: string, templateId: string): Promise<string | null> {
  try {
    return (await getCouponTemplate(organisationId, templateId)).name;
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

async function templateNames(organisationId: string, ids: string[]) {
  const names = new Map<string, string>();
  for (const id of new Set(ids)) {
    const name = await couponTemplateName(organisationId, id);
    if (name !== null) names.set(id, name);
  }
  return names;
}

/** The API view of campaigns (names of channel, staff and template fetched once for the lot). */
export async function describeCampaigns(
  organisationId: string,
  docs: CampaignDocument[],
  publicUrl: string,
  now = new Date(),
): Promise<Campaign[]> {
  const [channels, staff, templates] = await Promise.all([
    channelsById(organisationId, [...new Set(docs.map((doc) => String(doc.channelId)))]),
    staffNamesById(
      organisationId,
      docs.flatMap((doc) => (doc.staffId ? [String(doc.staffId)] : [])),
    ),
    templateNames(
      organisationId,
      docs.flatMap((doc) => (doc.couponTemplateId ? [String(doc.couponTemplateId)] : [])),
    ),
  ]);
  return docs.map((doc) => {
    const id = String(doc._id);
    const channel = channels.get(String(doc.channelId));
    const staffId = doc.staffId ? String(doc.staffId) : null;
    const templateId = doc.couponTemplateId ? String(doc.couponTemplateId) : null;
    const { miniProgram, contactMe } = doc.codes;
    return {
      id,
      key: doc.key,
      name: doc.name,
      channel: {
        id: String(doc.channelId),
        name: channel?.name ?? '',
        kind: channel?.kind ?? 'other',
      },
      staff: staffId ? { id: staffId, name: staff.get(staffId) ?? '' } : null,
      couponTemplate: templateId ? { id: templateId, name: templates.get(templateId) ?? '' } : null,
      tagNames: doc.tagNames ?? [],
      landing: {
        title: doc.landing.title,
        description: doc.landing.description ?? '',
        imageUrl: doc.landing.imageUrl ?? null,
      },
      welcomeText: doc.welcomeText ?? '',
      startsAt: doc.startsAt.toISOString(),
      endsAt: doc.endsAt ? doc.endsAt.toISOString() : null,
      costFen: doc.costFen ?? 0,
      status: campaignStatus(doc, now),
      codes: {
        miniProgram:
          miniProgram.status === 'ready'
            ? {
                imageUrl: `/api/staff/campaigns/${id}/codes/mini-program.png`,
                page: CAMPAIGN_LANDING_PAGE,
                scene: doc.key,
              }
            : null,
        contactMe:
          contactMe.status === 'ready' && contactMe.configId
            ? { configId: contactMe.configId, qrCodeUrl: contactMe.qrCodeUrl ?? '' }
            : null,
      },
      h5Url: campaignH5Url(publicUrl, doc.key),
      createdAt: doc.createdAt.toISOString(),
    };
  });
}

/** The stored campaign of the organisation; NOT_FOUND for a missing one or another organisation's. */
export async function loadCampaign(organisationId: string, campaignId: string): Promise<CampaignDocument> {
  const doc = Types.ObjectId.isValid(campaignId)
    ? await CampaignModel.findOne({ _id: campaignId, organisationId }).lean<CampaignDocument>()
    : null;
  if (!doc) throw notFound('Campaign');
  return doc;
}

/** A campaign of the organisation by its key (the scene / state); NOT_FOUND for an unknown key. */
export async function findCampaignByKey(organisationId: string, key: string): Promise<CampaignDocument> {
  const doc = CampaignKey.safeParse(key).success
    ? await CampaignModel.findOne({ organisationId, key }).lean<CampaignDocument>()
    : null;
  if (!doc) throw notFound('Campaign');
  return doc;
}

export async function getCampaign(organisationId: string, campaignId: string, publicUrl: string): Promise<Campaign> {
  const [campaign] = await describeCampaigns(
    organisationId,
    [await loadCampaign(organisationId, campaignId)],
    publicUrl,
  );
  return campaign!;
}

export async function listCampaigns(organisationId: string, publicUrl: string): Promise<Campaign[]> {
  const docs = await CampaignModel.find({ organisationId }).sort({ createdAt: -1, _id: -1 }).lean<CampaignDocument[]>();
  return describeCampaigns(organisationId, docs, publicUrl);
}

// ---------------------------------------------------------------------------------------------------------------
// Create, update, end

const invalidBody = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', 'Invalid body', [{ in: 'body', path, code: 'custom', message }]);

const codeState = (wanted: boolean) => ({
  wanted,
  status: (wanted ? 'pending' : 'none') as CodeStatus,
  leaseUntil: null,
  leaseToken: null,
  attemptedAt: null,
  error: null,
  generatedAt: null,
});

/**
 * Stores a new campaign with a fresh random key (drawn again on the rare collision) and its wanted codes pending;
 * answers its id. The codes are generated by `generateCampaignCodes` (or, for a seeded campaign, the job).
 */
export async function insertCampaign(
  organisationId: string,
  createdBy: string | null,
  input: CreateCampaignRequest,
  now = new Date(),
): Promise<string> {
  const channel = await getChannel(organisationId, input.channelId);
  if (channel.archived) throw invalidBody('channelId', 'This channel is archived');
  if (input.staffId) await getActiveStaff(organisationId, input.staffId);
  if (input.couponTemplateId) await getCouponTemplate(organisationId, input.couponTemplateId);
  if (input.endsAt && new Date(input.endsAt).getTime() <= now.getTime()) {
    throw invalidBody('endsAt', 'endsAt is in the past');
  }
  for (let attempt = 0; ; attempt += 1) {
    try {
      const doc = await CampaignModel.create({
        organisationId,
        key: newCampaignKey(),
        name: input.name,
        channelId: input.channelId,
        staffId: input.staffId,
        couponTemplateId: input.couponTemplateId,
        tagNames: [...new Set(input.tagNames)],
        landing: input.landing,
        welcomeText: input.welcomeText,
        startsAt: new Date(input.startsAt),
        endsAt: input.endsAt ? new Date(input.endsAt) : null,
        costFen: input.costFen,
        codes: { miniProgram: codeState(input.codes.miniProgram), contactMe: codeState(input.codes.contactMe) },
        createdBy,
      });
      return String(doc._id);
    } catch (error) {
      // The only unique key is (organisation, key): a collision of random keys; draw again.
      if (!isDuplicateKey(error) || attempt >= 4) throw error;
    }
  }
}

/**
 * Creates a campaign and generates its codes once. A failed generation does not fail the creation: the campaign
 * is answered without that code (retry with `generateCampaignCodes`).
 */
export async function createCampaign(
  deps: CampaignPlatform,
  organisationId: string,
  createdBy: string | null,
  input: CreateCampaignRequest,
): Promise<Campaign> {
  const campaignId = await insertCampaign(organisationId, createdBy, input);
  await generateCampaignCodes(deps, organisationId, campaignId);
  return getCampaign(organisationId, campaignId, deps.config.publicUrl);
}

/** Edits a campaign; `end` (or an endsAt already past) ends it now and deletes its contact-me code at WeCom. */
export async function updateCampaign(
  deps: CampaignPlatform,
  organisationId: string,
  campaignId: string,
  input: z.infer<typeof UpdateCampaignRequest>,
  now = new Date(),
): Promise<Campaign> {
  const doc = await loadCampaign(organisationId, campaignId);
  const ended = campaignStatus(doc, now) === 'ended';
  const set: Record<string, unknown> = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.tagNames !== undefined) set.tagNames = [...new Set(input.tagNames)];
  if (input.landing !== undefined) set.landing = input.landing;
  if (input.welcomeText !== undefined) set.welcomeText = input.welcomeText;
  if (input.costFen !== undefined) set.costFen = input.costFen;
  if (input.endsAt !== undefined) {
    // An ended campaign's contact-me code is deleted at WeCom: it cannot come back.
    if (ended) throw invalidBody('endsAt', 'This campaign has ended; its end cannot change');
    const endsAt = input.endsAt ? new Date(input.endsAt) : null;
    if (endsAt && endsAt.getTime() <= doc.startsAt.getTime()) {
      throw invalidBody('endsAt', 'endsAt must be after startsAt');
    }
    set.endsAt = endsAt && endsAt.getTime() < now.getTime() ? now : endsAt;
  }
  if (input.end && !ended) set.endsAt = now;
  if (Object.keys(set).length) {
    await CampaignModel.updateOne({ _id: doc._id, organisationId }, { $set: set });
  }
  const updated = await loadCampaign(organisationId, campaignId);
  if (campaignStatus(updated, now) === 'ended') await deleteContactWay(deps, updated);
  return getCampaign(organisationId, campaignId, deps.config.publicUrl);
}

/** Deletes an ended campaign's contact-me code at WeCom, once; a failure is logged and retried by the job. */
async function deleteContactWay(deps: CampaignPlatform, doc: CampaignDocument): Promise<boolean> {
  const { configId, deletedAt } = doc.codes.contactMe;
  if (!configId || deletedAt) return false;
  try {
    await deps.wecom.deleteContactWay(configId);
  } catch (err) {
    deps.logger.warn({ err, campaignId: String(doc._id) }, 'deleting the contact-me code failed; retried later');
    return false;
  }
  await CampaignModel.updateOne(
    { _id: doc._id, 'codes.contactMe.deletedAt': null },
    { $set: { 'codes.contactMe.deletedAt': new Date() } },
  );
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Codes

type CodeKind = 'miniProgram' | 'contactMe';

/**
 * Takes the generation of one code: only a wanted code that is pending, failed, or whose generation's lease ran
 * out (a crash) is taken, by one conditional update, so two callers never both generate it.
 */
async function claimCode(campaignId: Types.ObjectId, kind: CodeKind, now: Date): Promise<string | null> {
  const path = `codes.${kind}`;
  const token = randomUUID();
  const result = await CampaignModel.updateOne(
    {
      _id: campaignId,
      [`${path}.wanted`]: true,
      $or: [
        { [`${path}.status`]: { $in: ['pending', 'failed'] } },
        { [`${path}.status`]: 'generating', [`${path}.leaseUntil`]: { $lt: now } },
      ],
    },
    {
      $set: {
        [`${path}.status`]: 'generating',
        [`${path}.leaseToken`]: token,
        [`${path}.leaseUntil`]: new Date(now.getTime() + CODE_LEASE_MS),
        [`${path}.attemptedAt`]: now,
      },
    },
  );
  return result.modifiedCount === 1 ? token : null;
}

async function finishCode(
  campaignId: Types.ObjectId,
  kind: CodeKind,
  token: string,
  outcome: { ok: true; set: Record<string, unknown> } | { ok: false; error: string },
) {
  const path = `codes.${kind}`;
  const set: Record<string, unknown> = {
    [`${path}.status`]: outcome.ok ? 'ready' : 'failed',
    [`${path}.leaseToken`]: null,
    [`${path}.leaseUntil`]: null,
    [`${path}.error`]: outcome.ok ? null : outcome.error.slice(0, 500),
  };
  if (outcome.ok) {
    set[`${path}.generatedAt`] = new Date();
    for (const [field, value] of Object.entries(outcome.set)) set[field] = value;
  }
  await CampaignModel.updateOne({ _id: campaignId, [`${path}.leaseToken`]: token }, { $set: set });
}

const describeError = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error ?? 'unknown error');

/**
 * Generates the campaign's missing codes (each at most once at a time; a ready code is never generated again).
 * Failures are recorded on the campaign, never thrown.
 */
export async function generateCampaignCodes(
  deps: CampaignPlatform,
  organisationId: string,
  campaignId: string,
  now = new Date(),
): Promise<void> {
  const doc = await loadCampaign(organisationId, campaignId);
  if (campaignStatus(doc, now) === 'ended') return;

  const miniProgramToken = await claimCode(doc._id, 'miniProgram', now);
  if (miniProgramToken) {
    try {
      const image = await deps.wechat.miniProgramCode({
        scene: doc.key,
        page: CAMPAIGN_LANDING_PAGE,
        // An unreleased page (trial, development) can only be encoded without WeChat checking it exists.
        checkPath: deps.config.wechat.miniprogramState === 'formal',
        envVersion: codeEnvVersion(deps.config.wechat.miniprogramState),
      });
      if (!imageType(image)) throw new Error('getUnlimited answered bytes that are not an image');
      await finishCode(doc._id, 'miniProgram', miniProgramToken, { ok: true, set: { miniProgramPng: image } });
    } catch (error) {
      deps.logger.warn({ err: error, campaignId }, 'mini-program code generation failed');
      await finishCode(doc._id, 'miniProgram', miniProgramToken, { ok: false, error: describeError(error) });
    }
  }

  const contactMeToken = await claimCode(doc._id, 'contactMe', now);
  if (contactMeToken) {
    try {
      if (!doc.staffId) throw new Error('a contact-me code needs a staff member');
      const staff = await getActiveStaff(organisationId, String(doc.staffId));
      const way = await deps.wecom.addContactWay({
        type: 1,
        scene: 2,
        state: doc.key,
        userIds: [staff.wecomUserId],
        skipVerify: true,
        remark: doc.name.slice(0, 30),
      });
      await finishCode(doc._id, 'contactMe', contactMeToken, {
        ok: true,
        set: { 'codes.contactMe.configId': way.configId, 'codes.contactMe.qrCodeUrl': way.qrCode ?? '' },
      });
    } catch (error) {
      deps.logger.warn({ err: error, campaignId }, 'contact-me code generation failed');
      await finishCode(doc._id, 'contactMe', contactMeToken, { ok: false, error: describeError(error) });
    }
  }
}

/** The stored mini-program code image of a campaign; NOT_FOUND while it has none. */
export async function miniProgramCodeImage(organisationId: string, campaignId: string) {
  const doc = await CampaignModel.findOne({ _id: campaignId, organisationId })
    .select('+miniProgramPng key codes')
    .lean<CampaignDocument>();
  if (!doc) throw notFound('Campaign');
  const bytes = toBuffer(doc.miniProgramPng);
  const type = bytes && imageType(bytes);
  if (!bytes || !type || doc.codes.miniProgram.status !== 'ready') throw notFound('Mini-program code');
  return { bytes, ...type, filename: `campaign-${doc.key}-mini-program-code.${type.extension}` };
}

/**
 * The periodic housekeeping: generates codes still missing (never attempted, a crashed attempt, or failed a while
 * ago) and deletes the contact-me codes of campaigns that ended (in the last week; older failures are left).
 */
export async function maintainCampaignCodes(deps: CampaignPlatform, now = new Date()) {
  const retryBefore = new Date(now.getTime() - CODE_RETRY_AFTER_MS);
  const missing = (kind: CodeKind) => ({
    [`codes.${kind}.wanted`]: true,
    $or: [
      { [`codes.${kind}.status`]: 'pending' },
      { [`codes.${kind}.status`]: 'failed', [`codes.${kind}.attemptedAt`]: { $lt: retryBefore } },
      { [`codes.${kind}.status`]: 'generating', [`codes.${kind}.leaseUntil`]: { $lt: now } },
    ],
  });
  const toGenerate = await CampaignModel.find({
    $or: [missing('miniProgram'), missing('contactMe')],
    $and: [{ $or: [{ endsAt: null }, { endsAt: { $gt: now } }] }],
  })
    .select({ _id: 1, organisationId: 1 })
    .limit(100)
    .lean();
  for (const doc of toGenerate) await generateCampaignCodes(deps, String(doc.organisationId), String(doc._id), now);

  const ended = await CampaignModel.find({
    'codes.contactMe.configId': { $ne: null },
    'codes.contactMe.deletedAt': null,
    endsAt: { $lte: now, $gt: new Date(now.getTime() - 7 * 86_400_000) },
  })
    .limit(100)
    .lean<CampaignDocument[]>();
  let deleted = 0;
  for (const doc of ended) if (await deleteContactWay(deps, doc)) deleted += 1;
  return { generated: toGenerate.length, contactWaysDeleted: deleted };
}

// ---------------------------------------------------------------------------------------------------------------
// The landing page

function validityText(template: CouponTemplate, timeZone: string): string {
  if (template.validity.type === 'days_after_claim') return `领取后 ${template.validity.days} 天内有效`;
  const from = localDate(new Date(template.validity.startsAt), timeZone);
  const to = localDate(new Date(template.validity.endsAt), timeZone);
  return `${from} 至 ${to} 有效`;
}

/** What the landing page shows the signed-in customer, with whether (and why not) they can claim now. */
export async function campaignLanding(
  organisationId: string,
  key: string,
  customerId: string,
  now = new Date(),
): Promise<CampaignLanding> {
  const doc = await findCampaignByKey(organisationId, key);
  const status = campaignStatus(doc, now);
  const staffName = doc.staffId
    ? (await staffNamesById(organisationId, [String(doc.staffId)])).get(String(doc.staffId))
    : null;
  let coupon: CampaignLanding['coupon'] = null;
  if (doc.couponTemplateId) {
    const templateId = String(doc.couponTemplateId);
    const [template, claim, clinics, organisation] = await Promise.all([
      getCouponTemplate(organisationId, templateId),
      claimability(organisationId, templateId, customerId),
      listClinics(organisationId),
      getOrganisation(organisationId),
    ]);
    const clinicIds = new Set(template.clinicIds);
    coupon = {
      name: template.name,
      description: template.description,
      kind: template.kind,
      amountOffFen: template.amountOffFen,
      percentOff: template.percentOff,
      giftDescription: template.giftDescription,
      minSpendFen: template.minSpendFen,
      validityText: validityText(template, organisation.timeZone),
      // No clinics named: valid at every clinic.
      clinicNames: clinics.filter((clinic) => clinicIds.size === 0 || clinicIds.has(clinic.id)).map((c) => c.name),
      remaining: claim.remaining,
      held: claim.held,
      claim:
        status === 'active'
          ? { possible: claim.possible, reason: claim.reason, details: claim.details }
          : { possible: false, reason: status === 'ended' ? 'CAMPAIGN_ENDED' : 'CAMPAIGN_NOT_STARTED', details: null },
    };
  }
  return {
    key: doc.key,
    title: doc.landing.title,
    description: doc.landing.description ?? '',
    imageUrl: doc.landing.imageUrl ?? null,
    status,
    staff: staffName ? { name: staffName } : null,
    coupon,
  };
}

/** Throws CAMPAIGN_NOT_STARTED / CAMPAIGN_ENDED unless the campaign runs now. */
export function assertCampaignActive(doc: CampaignDocument, now = new Date()): void {
  const status = campaignStatus(doc, now);
  if (status === 'scheduled') {
    throw new AppError('CAMPAIGN_NOT_STARTED', 'This campaign has not started yet', { startsAt: doc.startsAt });
  }
  if (status === 'ended') throw new AppError('CAMPAIGN_ENDED', 'This campaign has ended', { endsAt: doc.endsAt });
}
