/**
 * Attribution: which campaigns reached a customer. Every touch is stored (once per source: a scan report's id, a
 * claim's request id, a WeCom callback's id); the customer's first touch is the earliest, the last touch the
 * latest, and "the campaign a customer came through at time T" is their latest touch at or before T.
 *
 * Per (campaign, customer) one reach row counts the customer once: its insert counts a unique scanner (for a scan)
 * and a new customer, defined as a customer whose profile was created no earlier than NEW_CUSTOMER_WINDOW_MS before
 * their first touch of this campaign and who had no earlier touch of any campaign (this campaign is their first
 * touch).
 *
 * Importing this module plugs campaign touches into the merge (they follow the customer; earliest first touch and
 * latest last touch win, a person reached by both profiles counts once) and into data export and erasure.
 */
import { Types } from 'mongoose';
import type { CustomerAttribution } from '@careloop/shared';
import { isDuplicateKey, upsertWithRetry } from '../db/retry';
import { recordEvent } from '../events/service';
import { registerMergeStep } from '../identity/mergeSteps';
import { getCustomer } from '../identity/service';
import { registerPrivacyContributor } from '../privacy/contributors';
import { staffNamesById } from '../staff/service';
import { addTag } from '../tags/service';
import { channelsById } from './channels';
import { incrementCampaignStats } from './counters';
import {
  CampaignContactAddModel,
  CampaignModel,
  CampaignReachModel,
  CampaignTouchModel,
  type CampaignDocument,
  type TouchDocument,
  type TouchVia,
} from './model';

/**
 * The one definition of "a new customer brought by X" (a campaign's first touch, a staff member's or a customer's
 * content share, and so `referral.converted`): a profile created at most this long before X first reached it.
 * 30 minutes, because a first open, sign-in and phone link (merging into a profile made moments before) take minutes.
 */
export const NEW_CUSTOMER_WINDOW_MS = 30 * 60_000;

const oid = (id: string) => new Types.ObjectId(id);

export interface TouchInput {
  organisationId: string;
  customerId: string;
  campaign: Pick<CampaignDocument, '_id' | 'channelId' | 'staffId' | 'tagNames'>;
  via: TouchVia;
  /** Unique per touch within the organisation: a retry with the same id stores and counts nothing again. */
  sourceId: string;
  at?: Date;
  /** Where the events are recorded from: `server` for the mini-program's reports, `wecom` for contact adds. */
  eventSource?: 'server' | 'wecom';
}

const earliestTouch = (organisationId: string, customerId: string, campaignId?: Types.ObjectId) =>
  CampaignTouchModel.findOne({
    organisationId: oid(organisationId),
    customerId: oid(customerId),
    ...(campaignId && { campaignId }),
  })
    .sort({ at: 1, _id: 1 })
    .lean<TouchDocument>();

/**
 * Records a touch: the customer is attributed to the campaign (first touch kept, last touch moves), gets the
 * campaign's tags (source `channel`), a scan gets its `campaign.scanned` event, and the counters move once.
 * Idempotent by `sourceId`. Answers whether this touch is the customer's first touch of any campaign.
 */
export async function recordTouch(input: TouchInput): Promise<{ firstTouch: boolean }> {
  const organisationId = oid(input.organisationId);
  const campaignId = input.campaign._id;
  const scan = input.via !== 'contact_me';
  await upsertWithRetry(() =>
    CampaignTouchModel.updateOne(
      { organisationId, sourceId: input.sourceId },
      {
        $setOnInsert: {
          customerId: oid(input.customerId),
          campaignId,
          channelId: input.campaign.channelId,
          staffId: input.campaign.staffId ?? null,
          at: input.at ?? new Date(),
          via: input.via,
        },
      },
      { upsert: true },
    ),
  );
  const touch = await CampaignTouchModel.findOne({ organisationId, sourceId: input.sourceId }).lean<TouchDocument>();
  if (!touch) throw new Error(`recordTouch: touch ${input.sourceId} is missing after its upsert`);
  // A merge may have moved the touch on since a first attempt: follow it.
  const customerId = String(touch.customerId);

  for (const name of input.campaign.tagNames ?? []) {
    await addTag(input.organisationId, customerId, { name, source: 'channel', setBy: null });
  }
  await countReach(input.organisationId, customerId, touch, scan, input.eventSource ?? 'server');
  if (scan) {
    // The scans counter moves with this event (stats.ts), once: a retried report stores nothing.
    await recordEvent({
      organisationId: input.organisationId,
      customerId,
      type: 'campaign.scanned',
      occurredAt: touch.at,
      properties: { campaignId: String(campaignId), channelId: String(touch.channelId), via: touch.via },
      source: 'server',
      sourceEventId: `campaign.scanned:${input.sourceId}`,
    });
  }
  const first = await earliestTouch(input.organisationId, customerId);
  return { firstTouch: first?.sourceId === input.sourceId };
}

/** The reach row of (campaign, customer): inserted once, which counts the customer; a first scan counts once. */
async function countReach(
  organisationId: string,
  customerId: string,
  touch: TouchDocument,
  scan: boolean,
  eventSource: 'server' | 'wecom',
) {
  const filter = { organisationId: oid(organisationId), campaignId: touch.campaignId, customerId: oid(customerId) };
  if (!(await CampaignReachModel.exists(filter))) {
    const [customer, firstOfCampaign, firstOfAll] = await Promise.all([
      getCustomer(organisationId, customerId),
      earliestTouch(organisationId, customerId, touch.campaignId),
      earliestTouch(organisationId, customerId),
    ]);
    const firstTouchAt = firstOfCampaign?.at ?? touch.at;
    const newCustomer =
      Boolean(firstOfAll?.campaignId.equals(touch.campaignId)) &&
      new Date(customer.createdAt).getTime() >= firstTouchAt.getTime() - NEW_CUSTOMER_WINDOW_MS;
    let inserted = false;
    try {
      const result = await CampaignReachModel.updateOne(
        filter,
        { $setOnInsert: { firstTouchAt, firstScanAt: scan ? touch.at : null, newCustomer, mergedAway: false } },
        { upsert: true },
      );
      inserted = result.upsertedCount === 1;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // a concurrent touch inserted it
    }
    if (inserted) {
      await incrementCampaignStats(organisationId, String(touch.campaignId), {
        uniqueScanners: scan ? 1 : 0,
        newCustomers: newCustomer ? 1 : 0,
      });
      await recordEvent({
        organisationId,
        customerId,
        type: 'campaign.attributed',
        occurredAt: touch.at,
        properties: {
          campaignId: String(touch.campaignId),
          channelId: String(touch.channelId),
          touch: firstOfAll?.campaignId.equals(touch.campaignId) ? 'first' : 'last',
          via: touch.via,
          newCustomer,
        },
        source: eventSource,
        sourceEventId: `campaign.attributed:${String(touch.campaignId)}:${customerId}`,
      });
      return;
    }
  }
  if (scan) {
    const result = await CampaignReachModel.updateOne(
      { ...filter, firstScanAt: null },
      { $set: { firstScanAt: touch.at } },
    );
    if (result.modifiedCount === 1) {
      await incrementCampaignStats(organisationId, String(touch.campaignId), { uniqueScanners: 1 });
    }
  }
}

/** Whether the customer has any touch of the campaign. */
export async function hasTouched(organisationId: string, customerId: string, campaignId: Types.ObjectId) {
  return Boolean(
    await CampaignReachModel.exists({ organisationId: oid(organisationId), campaignId, customerId: oid(customerId) }),
  );
}

/** The customer's latest touch at or before `at` (the campaign they came through at that moment), or null. */
export function touchAt(organisationId: string, customerId: string, at: Date) {
  return CampaignTouchModel.findOne({
    organisationId: oid(organisationId),
    customerId: oid(customerId),
    at: { $lte: at },
  })
    .sort({ at: -1, _id: -1 })
    .lean<TouchDocument>();
}

async function describeTouches(organisationId: string, touches: TouchDocument[]) {
  const campaignIds = [...new Set(touches.map((touch) => String(touch.campaignId)))];
  const [campaigns, channels, staff] = await Promise.all([
    CampaignModel.find({ organisationId, _id: { $in: campaignIds } }, { name: 1, key: 1 }).lean(),
    channelsById(organisationId, [...new Set(touches.map((touch) => String(touch.channelId)))]),
    staffNamesById(
      organisationId,
      touches.flatMap((touch) => (touch.staffId ? [String(touch.staffId)] : [])),
    ),
  ]);
  const byId = new Map(campaigns.map((campaign) => [String(campaign._id), campaign]));
  return touches.map((touch) => {
    const campaign = byId.get(String(touch.campaignId));
    const channel = channels.get(String(touch.channelId));
    return {
      campaign: { id: String(touch.campaignId), name: campaign?.name ?? '', key: campaign?.key ?? '' },
      channel: { id: String(touch.channelId), name: channel?.name ?? '', kind: channel?.kind ?? 'other' },
      staff: touch.staffId ? { id: String(touch.staffId), name: staff.get(String(touch.staffId)) ?? '' } : null,
      at: touch.at.toISOString(),
      via: touch.via,
    };
  });
}

/** The campaign that first reached the customer and the one that reached them last. */
export async function customerAttribution(organisationId: string, customerId: string): Promise<CustomerAttribution> {
  const filter = { organisationId: oid(organisationId), customerId: oid(customerId) };
  const [first, last] = await Promise.all([
    CampaignTouchModel.findOne(filter).sort({ at: 1, _id: 1 }).lean<TouchDocument>(),
    CampaignTouchModel.findOne(filter).sort({ at: -1, _id: -1 }).lean<TouchDocument>(),
  ]);
  const [firstTouch, lastTouch] = await describeTouches(
    organisationId,
    [first, last].filter((touch): touch is TouchDocument => Boolean(touch)),
  );
  return { firstTouch: firstTouch ?? null, lastTouch: lastTouch ?? firstTouch ?? null };
}

// ---------------------------------------------------------------------------------------------------------------
// Merge and privacy

/**
 * Touches and contact adds follow the customer. A reach row moves too, unless the survivor was reached by the same
 * campaign: then one person is counted once — the merged row is marked (once), the counts it added are taken
 * back, the survivor's row keeps the earliest times, and the merged row goes.
 */
registerMergeStep({
  name: 'campaigns',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    const from = { organisationId: oid(organisationId), customerId: oid(fromCustomerId) };
    await CampaignTouchModel.updateMany(from, { $set: { customerId: oid(intoCustomerId) } });
    await CampaignContactAddModel.updateMany(from, { $set: { customerId: oid(intoCustomerId) } });
    const rows = await CampaignReachModel.find(from).lean();
    for (const row of rows) {
      const target = {
        organisationId: row.organisationId,
        campaignId: row.campaignId,
        customerId: oid(intoCustomerId),
      };
      const survivor = await CampaignReachModel.findOne(target).lean();
      if (!survivor && !row.mergedAway) {
        try {
          await CampaignReachModel.updateOne({ _id: row._id }, { $set: { customerId: oid(intoCustomerId) } });
          continue;
        } catch (error) {
          if (!isDuplicateKey(error)) throw error; // the survivor got a row meanwhile: combine below
        }
      }
      const marked = await CampaignReachModel.updateOne(
        { _id: row._id, mergedAway: false },
        { $set: { mergedAway: true } },
      );
      if (marked.modifiedCount === 1) {
        const current = survivor ?? (await CampaignReachModel.findOne(target).lean());
        let scannersBack = 0;
        if (row.firstScanAt) {
          const moved = await CampaignReachModel.updateOne(
            { ...target, firstScanAt: null },
            { $set: { firstScanAt: row.firstScanAt } },
          );
          if (moved.modifiedCount === 0) {
            scannersBack = 1;
            await CampaignReachModel.updateOne(
              { ...target, firstScanAt: { $gt: row.firstScanAt } },
              { $set: { firstScanAt: row.firstScanAt } },
            );
          }
        }
        await CampaignReachModel.updateOne(
          { ...target, firstTouchAt: { $gt: row.firstTouchAt } },
          { $set: { firstTouchAt: row.firstTouchAt } },
        );
        if (current) {
          await incrementCampaignStats(organisationId, String(row.campaignId), {
            uniqueScanners: -scannersBack,
            newCustomers: row.newCustomer ? -1 : 0,
          });
        }
      }
      await CampaignReachModel.deleteOne({ _id: row._id });
    }
  },
});

registerPrivacyContributor({
  name: 'campaigns',
  async exportData({ organisationId, customerId }) {
    const touches = await CampaignTouchModel.find({ organisationId: oid(organisationId), customerId: oid(customerId) })
      .sort({ at: 1, _id: 1 })
      .lean<TouchDocument[]>();
    return { touches: await describeTouches(organisationId, touches) };
  },
  // The counters stay (aggregates); what ties the person to a campaign goes.
  async erase({ organisationId, customerId }) {
    const filter = { organisationId: oid(organisationId), customerId: oid(customerId) };
    await CampaignTouchModel.deleteMany(filter);
    await CampaignReachModel.deleteMany(filter);
    await CampaignContactAddModel.updateMany(filter, { $set: { customerId: null, externalUserId: null } });
  },
});
