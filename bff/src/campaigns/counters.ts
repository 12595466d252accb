/** The `$inc` side of campaign results: one `total` row per campaign and one row per (campaign, local day). */
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import type { CampaignCounters } from '@careloop/shared';
import { upsertWithRetry } from '../db/retry';
import { getOrganisation } from '../organisations/service';
import { CampaignStatsModel } from './model';

export type CounterName = keyof CampaignCounters;
export const COUNTER_NAMES: readonly CounterName[] = [
  'scans',
  'uniqueScanners',
  'newCustomers',
  'contactsAdded',
  'claims',
  'redemptions',
  'bookings',
  'arrivals',
  'revenueFen',
];
/** The counters the daily chart shows (also kept per day). */
export const DAILY_COUNTERS = ['scans', 'claims', 'redemptions'] as const;
export type DailyCounterName = (typeof DAILY_COUNTERS)[number];

export const TOTAL_PERIOD = 'total';

export const zeroCounters = (): CampaignCounters =>
  Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as CampaignCounters;

/** A calendar date (YYYY-MM-DD) as the time zone sees the instant. */
export function localDate(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toISODate()!;
}

async function incRow(organisationId: string, campaignId: string, period: string, inc: Record<string, number>) {
  if (Object.keys(inc).length === 0) return;
  await upsertWithRetry(() =>
    CampaignStatsModel.updateOne(
      {
        organisationId: new Types.ObjectId(organisationId),
        campaignId: new Types.ObjectId(campaignId),
        period,
      },
      { $inc: inc },
      { upsert: true },
    ),
  );
}

/**
 * Adds to a campaign's counters; with `at`, the daily counters among them also go to that day's row (the
 * organisation's calendar day).
 */
export async function incrementCampaignStats(
  organisationId: string,
  campaignId: string,
  inc: Partial<Record<CounterName, number>>,
  at?: Date,
): Promise<void> {
  const total = Object.fromEntries(Object.entries(inc).filter(([, value]) => value)) as Record<string, number>;
  await incRow(organisationId, campaignId, TOTAL_PERIOD, total);
  if (!at) return;
  const daily = Object.fromEntries(
    Object.entries(total).filter(([name]) => (DAILY_COUNTERS as readonly string[]).includes(name)),
  );
  if (Object.keys(daily).length === 0) return;
  const { timeZone } = await getOrganisation(organisationId);
  await incRow(organisationId, campaignId, localDate(at, timeZone), daily);
}
