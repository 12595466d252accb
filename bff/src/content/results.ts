/**
 * Results per content and the staff sharing leaderboard, read from the reading records; and "readers who later
 * booked": each reader row keeps the shortest time from one of its reads to a later booking (kept as bookings
 * happen, by an `appointment.booked` subscriber, with a repair pass for bookings a crash let slip), so any
 * attribution window is one indexed count.
 */
import { Types } from 'mongoose';
import {
  DEFAULT_ATTRIBUTION_WINDOW_DAYS,
  type ContentResults,
  type ContentSettings,
  type ShareLeaderboard,
} from '@careloop/shared';
import { upsertWithRetry } from '../db/retry';
import { listTimeline, subscribeToEvents } from '../events/service';
import { staffNamesById } from '../staff/service';
import {
  ContentReadModel,
  ContentReaderModel,
  ContentReferralModel,
  ContentSettingsModel,
  ContentShareModel,
  type ContentReaderDocument,
} from './model';
import { findContent } from './service';

const oid = (id: string) => new Types.ObjectId(id);
const DAY_MS = 86_400_000;
/** Bookings are matched to reads at most this far back (the largest window a request may ask for). */
const MAX_WINDOW_DAYS = 90;

export async function getContentSettings(organisationId: string): Promise<ContentSettings> {
  const doc = await ContentSettingsModel.findOne({ organisationId: oid(organisationId) }).lean();
  return { attributionWindowDays: doc?.attributionWindowDays ?? DEFAULT_ATTRIBUTION_WINDOW_DAYS };
}

export async function setContentSettings(organisationId: string, settings: ContentSettings): Promise<ContentSettings> {
  await upsertWithRetry(() =>
    ContentSettingsModel.updateOne(
      { organisationId: oid(organisationId) },
      { $set: { attributionWindowDays: settings.attributionWindowDays } },
      { upsert: true },
    ),
  );
  return getContentSettings(organisationId);
}

/** Notes a booking against the customer's reads before it: each reader row keeps its shortest read→booking time. */
export async function noteBooking(organisationId: string, customerId: string, bookedAt: Date): Promise<void> {
  const rows = await ContentReaderModel.find({
    organisationId: oid(organisationId),
    customerId: oid(customerId),
    lastOpenedAt: { $lte: bookedAt, $gte: new Date(bookedAt.getTime() - MAX_WINDOW_DAYS * DAY_MS) },
  })
    .select({ lastOpenedAt: 1 })
    .lean<Pick<ContentReaderDocument, '_id' | 'lastOpenedAt'>[]>();
  for (const row of rows) {
    await ContentReaderModel.updateOne(
      { _id: row._id },
      { $min: { minBookingLagMs: bookedAt.getTime() - row.lastOpenedAt.getTime() } },
    );
  }
}

subscribeToEvents({
  name: 'content.booked-after-reading',
  async handle(event) {
    if (event.type === 'appointment.booked')
      await noteBooking(event.organisationId, event.customerId, event.occurredAt);
  },
});

/**
 * Repair pass for bookings whose subscriber call was lost (a crash right after the booking was stored): readers
 * of the last two days with no booking noted look at their bookings since their latest read. Idempotent.
 */
export async function repairBookingsAfterReading(now = new Date(), limit = 500): Promise<number> {
  const rows = await ContentReaderModel.find({
    lastOpenedAt: { $gte: new Date(now.getTime() - 2 * DAY_MS), $lte: now },
    minBookingLagMs: { $exists: false },
  })
    .limit(limit)
    .lean<ContentReaderDocument[]>();
  const byCustomer = new Map<string, ContentReaderDocument[]>();
  for (const row of rows) {
    const key = `${String(row.organisationId)}:${String(row.customerId)}`;
    byCustomer.set(key, [...(byCustomer.get(key) ?? []), row]);
  }
  let noted = 0;
  for (const group of byCustomer.values()) {
    const first = group[0]!;
    const bookings = await listTimeline(String(first.organisationId), String(first.customerId), {
      types: ['appointment.booked'],
      limit: 20,
    });
    const times = bookings.items.map((item) => new Date(item.occurredAt).getTime());
    for (const row of group) {
      const after = times.filter((time) => time >= row.lastOpenedAt.getTime());
      if (after.length === 0) continue;
      await ContentReaderModel.updateOne(
        { _id: row._id },
        { $min: { minBookingLagMs: Math.min(...after) - row.lastOpenedAt.getTime() } },
      );
      noted += 1;
    }
  }
  return noted;
}

export async function contentResults(
  organisationId: string,
  contentId: string,
  windowDays?: number,
): Promise<ContentResults> {
  const doc = await findContent(organisationId, contentId);
  const window = windowDays ?? (await getContentSettings(organisationId)).attributionWindowDays;
  const match = { organisationId: doc.organisationId, contentId: doc._id };
  const [dwell, opens, finishes, uniqueReaders, bookedReaders, shares] = await Promise.all([
    ContentReadModel.aggregate<{ seconds: number }>([
      { $match: match },
      { $group: { _id: null, seconds: { $sum: '$dwellSeconds' } } },
    ]),
    ContentReadModel.countDocuments(match),
    ContentReadModel.countDocuments({ ...match, finishedAt: { $ne: null } }),
    ContentReaderModel.countDocuments(match),
    ContentReaderModel.countDocuments({ ...match, minBookingLagMs: { $lte: window * DAY_MS } }),
    ContentShareModel.aggregate<{ count: number }>([
      { $match: match },
      { $group: { _id: null, count: { $sum: '$shareCount' } } },
    ]),
  ]);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    contentId: String(doc._id),
    opens,
    uniqueReaders,
    averageDwellSeconds: opens ? round((dwell[0]?.seconds ?? 0) / opens) : 0,
    finishes,
    finishRate: opens ? round(finishes / opens) : 0,
    shares: shares[0]?.count ?? 0,
    bookedReaders,
    windowDays: window,
  };
}

/** Per staff member: shares, readers attributed to them, customers new to the organisation they brought. */
export async function shareLeaderboard(organisationId: string, contentId?: string): Promise<ShareLeaderboard> {
  const organisation = oid(organisationId);
  const content = contentId ? { contentId: oid(contentId) } : {};
  const [shares, readers, referrals] = await Promise.all([
    ContentShareModel.aggregate<{ _id: Types.ObjectId; count: number }>([
      { $match: { organisationId: organisation, sharerKind: 'staff', ...content } },
      { $group: { _id: '$sharerId', count: { $sum: '$shareCount' } } },
    ]),
    ContentReaderModel.aggregate<{ _id: Types.ObjectId; count: number }>([
      { $match: { organisationId: organisation, 'sharer.kind': 'staff', ...content } },
      { $group: { _id: { staff: '$sharer.id', customer: '$customerId' } } },
      { $group: { _id: '$_id.staff', count: { $sum: 1 } } },
    ]),
    ContentReferralModel.aggregate<{ _id: Types.ObjectId; count: number }>([
      { $match: { organisationId: organisation, referrerKind: 'staff', ...content } },
      { $group: { _id: '$referrerId', count: { $sum: 1 } } },
    ]),
  ]);
  const rows = new Map<string, { shares: number; readersReached: number; newCustomers: number }>();
  const row = (id: Types.ObjectId) => {
    const key = String(id);
    if (!rows.has(key)) rows.set(key, { shares: 0, readersReached: 0, newCustomers: 0 });
    return rows.get(key)!;
  };
  for (const item of shares) row(item._id).shares = item.count;
  for (const item of readers) row(item._id).readersReached = item.count;
  for (const item of referrals) row(item._id).newCustomers = item.count;
  const names = rows.size ? await staffNamesById(organisationId, [...rows.keys()]) : new Map<string, string>();
  return {
    items: [...rows.entries()]
      .map(([id, counts]) => ({ staff: { id, name: names.get(id) ?? null }, ...counts }))
      .sort(
        (a, b) =>
          b.readersReached - a.readersReached ||
          b.newCustomers - a.newCustomers ||
          b.shares - a.shares ||
          a.staff.id.localeCompare(b.staff.id),
      ),
  };
}
