/**
 * A customer added a staff member through a campaign's contact-me code (WeCom's change_external_contact /
 * add_external_contact callback with the campaign key as `State`). Runs after the identity handler, which has
 * linked the external contact to its customer. Idempotent, as queue handlers must be:
 *   - the welcome message (the campaign's text and a mini-program card opening its landing page) goes first, as
 *     the WelcomeCode is valid 20 seconds; it is claimed by inserting a `sending` row keyed by the code, so it is
 *     sent at most once, even when the handler runs again after a crash mid-call;
 *   - the contact add is recorded once per callback (which counts `contactsAdded` once);
 *   - the customer is attributed to the campaign (a touch via `contact_me`, keyed by the callback) and tagged.
 */
import { Types } from 'mongoose';
import { CAMPAIGN_LANDING_PAGE, CampaignKey } from '@careloop/shared';
import type { WecomCallbackHandler, WecomCallbackEvent } from '../platform/wecom/callbacks';
import { findOrganisationByPlatform } from '../organisations/service';
import { findCustomerByExternalUserId } from '../identity/service';
import { isDuplicateKey } from '../db/retry';
import { AppError } from '../http/errors';
import { recordTouch } from './attribution';
import { incrementCampaignStats } from './counters';
import { CampaignContactAddModel, CampaignModel, CampaignWelcomeSendModel, type CampaignDocument } from './model';
import type { CampaignPlatform } from './platform';
import { plainCardPng } from './png';
import { campaignStatus, couponTemplateName, toBuffer } from './service';

/** WeCom keeps temporary media three days; a cached media id is reused for less than that. */
export const CARD_MEDIA_MAX_AGE_MS = 60 * 3600_000;
/** A mini-program card's title is at most 64 bytes. */
const CARD_TITLE_MAX_BYTES = 64;

/** Cuts text to at most `max` UTF-8 bytes without splitting a character. */
export function cutToBytes(text: string, max: number): string {
  let out = '';
  let bytes = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > max) break;
    out += char;
  }
  return out;
}

/** The media id of the campaign's card picture: the cached one while fresh, else its code image uploaded anew. */
export async function cardMediaId(deps: CampaignPlatform, campaign: CampaignDocument, now = new Date()) {
  const cached = campaign.card;
  if (cached?.mediaId && cached.uploadedAt && now.getTime() - cached.uploadedAt.getTime() < CARD_MEDIA_MAX_AGE_MS) {
    return cached.mediaId;
  }
  const stored = await CampaignModel.findById(campaign._id).select('+miniProgramPng').lean<CampaignDocument>();
  const image = toBuffer(stored?.miniProgramPng) ?? plainCardPng();
  const mediaId = await deps.wecom.uploadImage(image, `campaign-${campaign.key}.png`);
  await CampaignModel.updateOne({ _id: campaign._id }, { $set: { card: { mediaId, uploadedAt: now } } });
  return mediaId;
}

/** Sends the campaign's welcome message with this WelcomeCode, unless it was already (maybe) sent. */
async function sendWelcome(
  deps: CampaignPlatform,
  organisationId: string,
  campaign: CampaignDocument,
  event: WecomCallbackEvent,
) {
  const welcomeCode = event.welcomeCode!;
  try {
    await CampaignWelcomeSendModel.create({
      organisationId,
      welcomeCode,
      callbackId: event.id,
      campaignId: campaign._id,
      status: 'sending',
    });
  } catch (error) {
    if (isDuplicateKey(error)) return; // sent, refused or possibly sent before: never again
    throw error;
  }
  const row = { organisationId: new Types.ObjectId(organisationId), welcomeCode };
  let miniprogram: { title: string; picMediaId: string; appId: string; page: string } | undefined;
  try {
    const title =
      (campaign.couponTemplateId && (await couponTemplateName(organisationId, String(campaign.couponTemplateId)))) ||
      campaign.landing.title;
    miniprogram = {
      title: cutToBytes(title, CARD_TITLE_MAX_BYTES),
      picMediaId: await cardMediaId(deps, campaign),
      appId: deps.config.wechat.appId,
      page: `${CAMPAIGN_LANDING_PAGE}?scene=${campaign.key}`,
    };
  } catch (err) {
    // Better the text alone within the 20 seconds than nothing.
    deps.logger.warn({ err, campaignId: String(campaign._id) }, 'the welcome card could not be prepared');
  }
  const text = campaign.welcomeText || (miniprogram ? undefined : campaign.landing.title);
  let answer: { errcode: number; errmsg: string };
  try {
    answer = await deps.wecom.sendWelcomeMessage({ welcomeCode, text, miniprogram });
  } catch (err) {
    // It may have gone out: recorded as unknown, never sent again.
    deps.logger.warn({ err, campaignId: String(campaign._id) }, 'sending the welcome message failed');
    await CampaignWelcomeSendModel.updateOne(row, {
      $set: { status: 'unknown', errmsg: err instanceof Error ? err.message.slice(0, 500) : String(err) },
    });
    return;
  }
  await CampaignWelcomeSendModel.updateOne(row, {
    $set: {
      status: answer.errcode === 0 ? 'sent' : 'refused',
      errcode: answer.errcode,
      errmsg: answer.errmsg,
      withCard: Boolean(miniprogram),
    },
  });
  if (answer.errcode !== 0) {
    deps.logger.warn({ campaignId: String(campaign._id), ...answer }, 'WeCom refused the welcome message');
  }
}

/** Attribution and the welcome message for contacts added through a campaign's contact-me code. */
export const campaignWecomCallbackHandler: WecomCallbackHandler = {
  name: 'campaigns',
  async handle(event, deps) {
    if (event.event !== 'change_external_contact' || event.changeType !== 'add_external_contact') return;
    if (!event.state || !event.externalUserId || !CampaignKey.safeParse(event.state).success) return;
    const organisation = await findOrganisationByPlatform({ wecomCorpId: deps.config.wecom.corpId });
    const campaign = await CampaignModel.findOne({
      organisationId: organisation.id,
      key: event.state,
    }).lean<CampaignDocument>();
    // Not a campaign's state, or the campaign was not running when the customer added: nothing to do.
    if (!campaign || campaignStatus(campaign, event.createdAt) !== 'active') return;

    if (event.welcomeCode) await sendWelcome(deps, organisation.id, campaign, event);

    const add = await CampaignContactAddModel.updateOne(
      { organisationId: new Types.ObjectId(organisation.id), callbackId: event.id },
      {
        $setOnInsert: {
          campaignId: campaign._id,
          staffUserId: event.userId,
          externalUserId: event.externalUserId,
          at: event.createdAt,
        },
      },
      { upsert: true },
    ).catch((error: unknown) => {
      if (isDuplicateKey(error)) return null;
      throw error;
    });
    if (add?.upsertedCount === 1) {
      await incrementCampaignStats(organisation.id, String(campaign._id), { contactsAdded: 1 });
    }

    let customer;
    try {
      customer = await findCustomerByExternalUserId(organisation.id, deps.wecom.corpId, event.externalUserId);
    } catch (error) {
      // The identity handler (which runs first) linked nobody: the contact was deleted again meanwhile.
      if (error instanceof AppError && error.code === 'NOT_FOUND') return;
      throw error;
    }
    await CampaignContactAddModel.updateOne(
      { organisationId: new Types.ObjectId(organisation.id), callbackId: event.id },
      { $set: { customerId: new Types.ObjectId(customer.id) } },
    );
    await recordTouch({
      organisationId: organisation.id,
      customerId: customer.id,
      campaign,
      via: 'contact_me',
      sourceId: `wecom:${event.id}`,
      at: event.createdAt,
      eventSource: 'wecom',
    });
  },
};
