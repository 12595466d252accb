/**
 * An erasure takes the source ids off the erased person's remaining events: ids such as `content-read:<readId>:opened`
 * or `campaign.attributed:<campaignId>:<customerId>` named records that outlive the erasure (anonymised reads, the
 * campaign, the tag), so the person's timeline rows could be linked back to them. Each becomes `erased:<eventId>`;
 * type and time stay, every content total stays, a second erasure changes nothing, and the replays of lost events
 * pass none of those events again.
 */
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventModel } from '../../bff/src/events/model';
import { eventsOfTypeAfter, eventsReceivedBetween } from '../../bff/src/events/service';
import { privacyContributors } from '../../bff/src/privacy/contributors';
import { TagDefinitionModel } from '../../bff/src/tags/model';
import { publishContent, signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let org: string;
let manager: { accessToken: string; staff: { id: string; organisation: { id: string } } };
let consultant: { accessToken: string; staff: { id: string } };
let posterChannelId: string;

beforeAll(async () => {
  bff = await startTestBff('privacy-event-ids');
  manager = await signInStaff(bff, 'lina');
  org = manager.staff.organisation.id;
  consultant = await signInStaff(bff, 'zhangwei');
  const channels = await bff.call('GET', '/api/staff/channels', { token: manager.accessToken });
  posterChannelId = channels.body.items.find((channel: { kind: string }) => channel.kind === 'poster').id;
});
afterAll(() => bff?.close());

type Patient = Awaited<ReturnType<typeof signInNewPatient>>;
let counter = 0;
const uid = (prefix: string) => `${prefix}${Date.now().toString(36)}x${(counter += 1)}`;

async function open(patient: Patient, contentId: string, shareToken?: string) {
  const response = await bff.call('POST', `/api/mp/content/${contentId}/read`, {
    token: patient.accessToken,
    body: { requestId: uid('req-'), ...(shareToken && { shareToken }) },
  });
  expect(response.status).toBe(201);
  return response.body as { readId: string; attributed: boolean };
}

async function share(path: string, token: string, body: unknown) {
  const response = await bff.call('POST', path, { token, body });
  expect(response.status).toBe(200);
  return response.body.shareToken as string;
}

const results = async (contentId: string) =>
  (await bff.call('GET', `/api/staff/content/${contentId}/results`, { token: consultant.accessToken })).body;
const leaderboard = async (contentId: string) =>
  (await bff.call('GET', `/api/staff/content/share-leaderboard?contentId=${contentId}`, { token: manager.accessToken }))
    .body;

const erase = async (patient: Patient) => {
  const response = await bff.call('POST', '/api/mp/me/erasure', {
    token: patient.accessToken,
    body: { confirm: true },
  });
  expect(response.status).toBe(200);
};

const eventsOf = (customerId: string) =>
  EventModel.find({ customerId: new Types.ObjectId(customerId) })
    .sort({ _id: 1 })
    .lean();

/**
 * A person who came through a campaign scan (tagged by it), read an article from a consultant's share and finished
 * it, shared it on and so brought a friend (a `referral.converted` on them naming the friend's read).
 */
async function personWithLinkedEvents() {
  const contentId = await publishContent(bff, consultant, manager, {
    kind: 'article',
    title: uid('隐私事件'),
    summary: '摘要',
    category: 'hygiene',
    audience: 'patient',
    body: '<p>正文</p>',
  });
  const tagName = uid('扫码');
  const campaign = await bff.call('POST', '/api/staff/campaigns', {
    token: manager.accessToken,
    body: {
      name: uid('活动'),
      channelId: posterChannelId,
      tagNames: [tagName],
      landing: { title: '洗牙', description: '静安店' },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      codes: { miniProgram: true, contactMe: false },
    },
  });
  expect(campaign.status).toBe(201);

  const person = await signInNewPatient(bff);
  const scanned = await bff.call('POST', `/api/mp/campaigns/${campaign.body.key}/scan`, {
    token: person.accessToken,
    body: { scanId: uid('scan') },
  });
  expect(scanned.status).toBeLessThan(300);
  const staffToken = await share(`/api/staff/content/${contentId}/share`, consultant.accessToken, {});
  const first = await open(person, contentId, staffToken);
  const finished = await bff.call('POST', `/api/mp/content/${contentId}/read/${first.readId}/finish`, {
    token: person.accessToken,
    body: { scrollPercent: 100 },
  });
  expect(finished.status).toBe(200);
  const second = await open(person, contentId);
  const token = await share(`/api/mp/content/${contentId}/share`, person.accessToken, { target: 'friend' });
  const friend = await signInNewPatient(bff);
  const friendRead = await open(friend, contentId, token);
  expect(friendRead.attributed).toBe(true);

  const tag = await TagDefinitionModel.findOne({ organisationId: org, name: tagName }).lean();
  expect(tag).not.toBeNull();
  // Ids of records that outlive the person's erasure, which their events' source ids named.
  const survivingIds = [first.readId, second.readId, friendRead.readId, campaign.body.id as string, String(tag!._id)];
  return { contentId, person, friend, survivingIds };
}

const naming = (events: { sourceEventId: string }[], ids: string[]) =>
  events.filter((event) => ids.some((id) => event.sourceEventId.includes(id))).map((event) => event.sourceEventId);

describe('erasure of event source ids', () => {
  it('leaves no event of the erased person with a source id naming a read, campaign or tag that survived', async () => {
    const { person, survivingIds } = await personWithLinkedEvents();
    const before = await eventsOf(person.customer.id);
    // Reads opened and finished, the referral on them, the campaign attribution and the tag all named a record.
    expect(naming(before, survivingIds)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^content-read:.+:opened$/),
        expect.stringMatching(/^content-read:.+:finished$/),
        expect.stringMatching(/^content-referral:/),
        expect.stringMatching(/^campaign\.attributed:/),
        expect.stringMatching(/^tag\.added:/),
      ]),
    );

    await erase(person);

    const after = await eventsOf(person.customer.id);
    expect(naming(after, survivingIds)).toEqual([]);
    // Every event stays (type and time, for the aggregates), with a source id that leads nowhere.
    expect(after.map((event) => [String(event._id), event.type, event.occurredAt])).toEqual(
      before.map((event) => [String(event._id), event.type, event.occurredAt]),
    );
    for (const event of after) expect(event.sourceEventId).toBe(`erased:${String(event._id)}`);
  });

  it('keeps every content total and the sharing leaderboard as they were', async () => {
    const { contentId, person } = await personWithLinkedEvents();
    const [totals, board] = [await results(contentId), await leaderboard(contentId)];
    expect(totals).toMatchObject({ opens: 3, uniqueReaders: 2, finishes: 1 });

    await erase(person);

    expect(await results(contentId)).toEqual(totals);
    expect(await leaderboard(contentId)).toEqual(board);
  });

  it('changes nothing when the erasure runs again', async () => {
    const { person } = await personWithLinkedEvents();
    await erase(person);
    const once = await eventsOf(person.customer.id);
    const events = privacyContributors().find((contributor) => contributor.name === 'events')!;
    await events.erase({ organisationId: org, customerId: person.customer.id });
    await erase(person);
    expect(await eventsOf(person.customer.id)).toEqual(once);
  });

  it('finishes the events a crashed run left with their source ids', async () => {
    const { person, survivingIds } = await personWithLinkedEvents();
    await erase(person);
    // As if the run had stopped after some events: two of them still carry their old ids.
    const [one, two] = await eventsOf(person.customer.id);
    await EventModel.updateOne({ _id: one!._id }, { $set: { sourceEventId: `content-read:${survivingIds[0]}:x` } });
    await EventModel.updateOne({ _id: two!._id }, { $set: { sourceEventId: `tag.added:${survivingIds[4]}:x` } });

    const events = privacyContributors().find((contributor) => contributor.name === 'events')!;
    await events.erase({ organisationId: org, customerId: person.customer.id });

    const after = await eventsOf(person.customer.id);
    expect(naming(after, survivingIds)).toEqual([]);
    for (const event of after) expect(event.sourceEventId).toBe(`erased:${String(event._id)}`);
  });

  it('passes none of the erased person’s events to the replays of lost events again', async () => {
    const since = new Date(Date.now() - 1000);
    const { person, friend } = await personWithLinkedEvents();
    await erase(person);
    const until = new Date(Date.now() + 1000);

    const replayed = await eventsReceivedBetween(since, until, null, 10_000);
    expect(replayed.filter((event) => event.customerId === person.customer.id)).toEqual([]);
    expect(replayed.filter((event) => event.customerId === friend.customer.id)).not.toEqual([]);
    const backfilled = await eventsOfTypeAfter(org, 'content.opened', { since, limit: 10_000 });
    expect(backfilled.map((event) => event.customerId)).toContain(friend.customer.id);
    expect(backfilled.map((event) => event.customerId)).not.toContain(person.customer.id);
  });

  it('refuses the events an erased person’s still-valid access token sends, storing none', async () => {
    const { person } = await personWithLinkedEvents();
    await erase(person);
    const before = await eventsOf(person.customer.id);
    const sent = await bff.call('POST', '/api/mp/events', {
      token: person.accessToken,
      body: {
        events: [
          {
            id: uid('evt-'),
            type: 'page.viewed',
            occurredAt: new Date().toISOString(),
            properties: { path: '/pages/home/index' },
          },
        ],
      },
    });
    expect(sent.status).toBe(401);
    expect(sent.body.error.code).toBe('TOKEN_INVALID');
    expect(await eventsOf(person.customer.id)).toEqual(before);
  });
});
