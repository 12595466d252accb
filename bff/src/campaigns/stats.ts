/**
 * Campaign results, kept as counters (`campaign_stats`) that move as things happen, never recomputed on a
 * dashboard load:
 *   - scans (each `campaign.scanned` event), unique scanners, new customers and contacts added, by the
 *     campaigns domain itself;
 *   - claims and redemptions from `coupon.claimed` / `coupon.redeemed` (their `campaignId`);
 *   - bookings, arrivals and revenue (`payment.paid` amountFen) of customers whose last touch at the time of the
 *     event was the campaign.
 * Event subscribers run once per newly stored event; a failure there is logged and the counters may then lag:
 * `recountCampaignStats` rebuilds a campaign's counters from the events and touches (the repair path).
 */
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import type { CampaignCounters, CampaignResultsReport, ChannelKind } from '@careloop/shared';
import { findEvents, subscribeToEvents, type StoredEvent } from '../events/service';
import { getOrganisation } from '../organisations/service';
import { listChannels } from './channels';
import {
  COUNTER_NAMES,
  DAILY_COUNTERS,
  TOTAL_PERIOD,
  incrementCampaignStats,
  localDate,
  zeroCounters,
  type DailyCounterName,
} from './counters';
import { touchAt } from './attribution';
import {
  CampaignContactAddModel,
  CampaignModel,
  CampaignReachModel,
  CampaignStatsModel,
  CampaignTouchModel,
  type TouchDocument,
} from './model';
import { loadCampaign } from './service';

const oid = (id: string) => new Types.ObjectId(id);

/** Event types counted per campaign named in the event: the counter each moves, and by how much. */
const CAMPAIGN_EVENTS: Record<string, { counter: DailyCounterName; delta: 1 | -1 }> = {
  'campaign.scanned': { counter: 'scans', delta: 1 },
  'coupon.claimed': { counter: 'claims', delta: 1 },
  'coupon.redeemed': { counter: 'redemptions', delta: 1 },
  'coupon.redemption_undone': { counter: 'redemptions', delta: -1 },
};
/** Event types credited to the campaign the customer last came through. */
const ATTRIBUTED_EVENTS = {
  'appointment.booked': 'bookings',
  'appointment.arrived': 'arrivals',
  'payment.paid': 'revenueFen',
  'payment.refunded': 'revenueFen',
} as const;
type AttributedType = keyof typeof ATTRIBUTED_EVENTS;

const isAttributedType = (type: string): type is AttributedType => Object.hasOwn(ATTRIBUTED_EVENTS, type);

/** What an attributed event adds: 1 per booking or arrival, the amount paid, minus the amount refunded. */
function attributedAmount(type: AttributedType, properties: Record<string, unknown>): number {
  if (type !== 'payment.paid' && type !== 'payment.refunded') return 1;
  const amount = properties.amountFen;
  const fen = typeof amount === 'number' && Number.isInteger(amount) && amount > 0 ? amount : 0;
  return type === 'payment.refunded' ? -fen : fen;
}

/**
 * When an attributed event counts: a refund counts when its payment was made (so it comes off the campaign that
 * got the revenue, even if the customer has been touched by another campaign since).
 */
async function attributionTime(
  organisationId: string,
  event: { type: string; occurredAt: Date; properties: Record<string, unknown> },
): Promise<Date | null> {
  if (event.type !== 'payment.refunded') return event.occurredAt;
  const paymentId = event.properties.paymentId;
  if (typeof paymentId !== 'string') return null;
  const [paid] = await findEvents(organisationId, {
    types: ['payment.paid'],
    property: { name: 'paymentId', value: paymentId },
  });
  return paid?.occurredAt ?? null;
}

/** The campaign id an event names, when it is a campaign of the event's organisation. */
async function campaignOf(organisationId: string, campaignId: unknown): Promise<string | null> {
  if (typeof campaignId !== 'string' || !Types.ObjectId.isValid(campaignId)) return null;
  return (await CampaignModel.exists({ _id: campaignId, organisationId })) ? campaignId : null;
}

/** Moves the counters for one newly stored event. */
export async function countCampaignEvent(event: StoredEvent): Promise<void> {
  const named = CAMPAIGN_EVENTS[event.type];
  if (named) {
    const campaignId = await campaignOf(event.organisationId, event.properties.campaignId);
    if (!campaignId) return;
    await incrementCampaignStats(event.organisationId, campaignId, { [named.counter]: named.delta }, event.occurredAt);
    return;
  }
  if (isAttributedType(event.type)) {
    const amount = attributedAmount(event.type, event.properties);
    const at = amount ? await attributionTime(event.organisationId, event) : null;
    if (!at) return;
    const touch = await touchAt(event.organisationId, event.customerId, at);
    if (!touch) return;
    await incrementCampaignStats(event.organisationId, String(touch.campaignId), {
      [ATTRIBUTED_EVENTS[event.type]]: amount,
    });
  }
}

subscribeToEvents({ name: 'campaign-stats', handle: countCampaignEvent });

// ---------------------------------------------------------------------------------------------------------------
// The repair path

/**
 * Recomputes a campaign's counters (total and daily) from the stored events, touches, reach rows and contact
 * adds, and overwrites the stored ones. Counts what the incremental path counts; run it when a subscriber failed
 * or after a crash. (Events of erased customers lose their properties, so after an erasure it counts less.)
 */
export async function recountCampaignStats(organisationId: string, campaignId: string): Promise<CampaignCounters> {
  const campaign = await loadCampaign(organisationId, campaignId);
  const { timeZone } = await getOrganisation(organisationId);
  const org = oid(organisationId);
  const counters = zeroCounters();
  const daily = new Map<string, Record<DailyCounterName, number>>();

  const named = await findEvents(organisationId, {
    types: Object.keys(CAMPAIGN_EVENTS),
    property: { name: 'campaignId', value: campaignId },
  });
  for (const event of named) {
    const { counter, delta } = CAMPAIGN_EVENTS[event.type]!;
    counters[counter] += delta;
    const date = localDate(event.occurredAt, timeZone);
    const day = daily.get(date) ?? { scans: 0, claims: 0, redemptions: 0 };
    day[counter] += delta;
    daily.set(date, day);
  }

  const [uniqueScanners, newCustomers, contactsAdded] = await Promise.all([
    CampaignReachModel.countDocuments({ organisationId: org, campaignId: campaign._id, firstScanAt: { $ne: null } }),
    CampaignReachModel.countDocuments({ organisationId: org, campaignId: campaign._id, newCustomer: true }),
    CampaignContactAddModel.countDocuments({ organisationId: org, campaignId: campaign._id }),
  ]);
  Object.assign(counters, { uniqueScanners, newCustomers, contactsAdded });

  // Bookings, arrivals, revenue: each such event of a customer the campaign touched, whose latest touch at the
  // event's time was this campaign.
  const customerIds = await CampaignTouchModel.distinct('customerId', {
    organisationId: org,
    campaignId: campaign._id,
  });
  for (const customerId of customerIds) {
    const touches = await CampaignTouchModel.find({ organisationId: org, customerId })
      .sort({ at: 1, _id: 1 })
      .lean<TouchDocument[]>();
    const firstOfCampaign = touches.find((touch) => touch.campaignId.equals(campaign._id))!;
    const events = await findEvents(organisationId, {
      types: Object.keys(ATTRIBUTED_EVENTS),
      customerId: String(customerId),
    });
    for (const event of events) {
      const type = event.type as AttributedType;
      const at = await attributionTime(organisationId, event);
      if (!at || at < firstOfCampaign.at) continue;
      const latest = touches.filter((touch) => touch.at.getTime() <= at.getTime()).at(-1);
      if (!latest?.campaignId.equals(campaign._id)) continue;
      counters[ATTRIBUTED_EVENTS[type]] += attributedAmount(type, event.properties);
    }
  }

  await CampaignStatsModel.updateOne(
    { organisationId: org, campaignId: campaign._id, period: TOTAL_PERIOD },
    { $set: counters },
    { upsert: true },
  );
  await CampaignStatsModel.deleteMany({
    organisationId: org,
    campaignId: campaign._id,
    period: { $nin: [TOTAL_PERIOD, ...daily.keys()] },
  });
  for (const [date, day] of daily) {
    await CampaignStatsModel.updateOne(
      { organisationId: org, campaignId: campaign._id, period: date },
      { $set: day },
      { upsert: true },
    );
  }
  return counters;
}

// ---------------------------------------------------------------------------------------------------------------
// Reports

/** What the stored counters of a campaign say (zeros before anything happened). */
export async function campaignCounters(organisationId: string, campaignId: string): Promise<CampaignCounters> {
  const row = await CampaignStatsModel.findOne({
    organisationId: oid(organisationId),
    campaignId: oid(campaignId),
    period: TOTAL_PERIOD,
  }).lean();
  return pickCounters(row);
}

function pickCounters(row: Record<string, unknown> | null | undefined): CampaignCounters {
  const counters = zeroCounters();
  for (const name of COUNTER_NAMES) {
    const value = row?.[name];
    if (typeof value === 'number') counters[name] = value;
  }
  return counters;
}

const perUnit = (costFen: number, count: number) => (count > 0 ? Math.round(costFen / count) : null);

/** Every campaign's counters and the sums per channel, with cost per new customer and per arrival. */
export async function campaignResultsReport(organisationId: string): Promise<CampaignResultsReport> {
  const org = oid(organisationId);
  const [campaigns, rows, channels] = await Promise.all([
    CampaignModel.find({ organisationId: org }, { name: 1, key: 1, channelId: 1, costFen: 1, createdAt: 1 })
      .sort({ createdAt: -1, _id: -1 })
      .lean(),
    CampaignStatsModel.find({ organisationId: org, period: TOTAL_PERIOD }).lean(),
    listChannels(organisationId),
  ]);
  const countersOf = new Map(rows.map((row) => [String(row.campaignId), pickCounters(row)]));
  const channelOf = new Map(channels.map((channel) => [channel.id, channel]));
  const describeChannel = (id: string) => {
    const channel = channelOf.get(id);
    return { id, name: channel?.name ?? '', kind: (channel?.kind ?? 'other') as ChannelKind };
  };

  const sums = new Map<string, { counters: CampaignCounters; costFen: number }>();
  for (const channel of channels) if (!channel.archived) sums.set(channel.id, { counters: zeroCounters(), costFen: 0 });
  const campaignResults = campaigns.map((campaign) => {
    const counters = countersOf.get(String(campaign._id)) ?? zeroCounters();
    const channelId = String(campaign.channelId);
    const sum = sums.get(channelId) ?? { counters: zeroCounters(), costFen: 0 };
    for (const name of COUNTER_NAMES) sum.counters[name] += counters[name];
    sum.costFen += campaign.costFen ?? 0;
    sums.set(channelId, sum);
    return {
      campaign: { id: String(campaign._id), name: campaign.name, key: campaign.key },
      channel: describeChannel(channelId),
      ...counters,
      costFen: campaign.costFen ?? 0,
      costPerNewCustomerFen: perUnit(campaign.costFen ?? 0, counters.newCustomers),
      costPerArrivalFen: perUnit(campaign.costFen ?? 0, counters.arrivals),
    };
  });
  return {
    campaigns: campaignResults,
    channels: [...sums].map(([channelId, sum]) => ({
      channel: describeChannel(channelId),
      ...sum.counters,
      costFen: sum.costFen,
      costPerNewCustomerFen: perUnit(sum.costFen, sum.counters.newCustomers),
      costPerArrivalFen: perUnit(sum.costFen, sum.counters.arrivals),
    })),
  };
}

/** The campaign's scans, claims and redemptions per day of the organisation's calendar, the last `days` days. */
export async function campaignDailyResults(organisationId: string, campaignId: string, days = 30, now = new Date()) {
  const campaign = await loadCampaign(organisationId, campaignId);
  const { timeZone } = await getOrganisation(organisationId);
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  const dates = Array.from({ length: days }, (_, index) => today.minus({ days: days - 1 - index }).toISODate()!);
  const rows = await CampaignStatsModel.find({
    organisationId: oid(organisationId),
    campaignId: campaign._id,
    period: { $in: dates },
  }).lean();
  const byDate = new Map(rows.map((row) => [row.period, row]));
  return {
    items: dates.map((date) => {
      const row = byDate.get(date);
      const item = { date, scans: 0, claims: 0, redemptions: 0 };
      for (const name of DAILY_COUNTERS) item[name] = row?.[name] ?? 0;
      return item;
    }),
  };
}
