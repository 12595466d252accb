import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../../bff/src/organisations/service';
import { createCustomer } from '../../bff/src/identity/service';
import { listAuditForSubject } from '../../bff/src/audit/service';
import { signAccessToken } from '../../bff/src/auth/tokens';
import { mergeSteps } from '../../bff/src/identity/mergeSteps';
import { privacyContributors } from '../../bff/src/privacy/contributors';
import {
  countEventsByType,
  customersWithEvent,
  lastEventAt,
  listTimeline,
  recordEvent,
} from '../../bff/src/events/service';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let consultant: { accessToken: string; staff: { id: string; organisation: { id: string } } };
beforeAll(async () => {
  bff = await startTestBff('events');
  consultant = await signInStaff(bff, 'zhangwei');
});
afterAll(() => bff?.close());

const MINUTE = 60_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const eventId = () => randomUUID().replaceAll('-', '');
const pageView = (path: string, occurredAt = ago(MINUTE), id = eventId()) => ({
  id,
  type: 'page.viewed',
  occurredAt,
  properties: { path },
});

type Patient = Awaited<ReturnType<typeof signInNewPatient>>;
interface Item {
  id: string;
  type: string;
  source: string;
  occurredAt: string;
  properties: Record<string, unknown>;
}
/** What the mini-program sent; other domains record server events too (e.g. profile.created at sign-in). */
const fromMiniapp = <T extends { source: string }>(items: T[]) => items.filter((item) => item.source === 'miniapp');
const CLIENT_TYPES = [
  'page.viewed',
  'content.opened',
  'content.dwell',
  'content.finished',
  'share.clicked',
  'qr.scanned',
];

async function send(patient: Patient, events: unknown[]) {
  return bff.call('POST', '/api/mp/events', { token: patient.accessToken, body: { events } });
}

async function timeline(customerId: string, query = '', token = consultant.accessToken) {
  return bff.call('GET', `/api/staff/customers/${customerId}/timeline${query}`, { token });
}

/** Every page of a customer's timeline, following nextCursor; `between` runs before each next page is asked for. */
async function allPages(customerId: string, limit: number, between: () => Promise<void> = async () => {}) {
  const items: Item[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const page = await timeline(customerId, query);
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
    pages += 1;
    if (cursor) await between();
  } while (cursor && pages < 100);
  return items;
}

describe('ingestion from the mini-program', () => {
  it('stores the good events of a batch once, counts repeats and resends as duplicates, and rejects each bad one with its reason', async () => {
    const patient = await signInNewPatient(bff);
    const viewed = pageView('pages/index/index');
    const batch = [
      viewed,
      { id: eventId(), type: 'content.opened', occurredAt: ago(2 * MINUTE), properties: { contentId: 'art-42' } },
      viewed, // the same id twice in one batch
      { id: eventId(), type: 'coupon.wished', occurredAt: ago(MINUTE), properties: {} },
      {
        id: eventId(),
        type: 'content.dwell',
        occurredAt: ago(MINUTE),
        properties: { contentId: 'art-42', seconds: -3 },
      },
      { id: eventId(), type: 'page.viewed', occurredAt: ago(MINUTE), properties: { path: 'p', customerId: 'x' } },
      pageView('pages/future', new Date(Date.now() + 60 * MINUTE).toISOString()),
      pageView('pages/old', ago(8 * 24 * 60 * MINUTE)),
      { id: eventId(), type: 'profile.merged', occurredAt: ago(MINUTE), properties: {} },
      { id: 'short', type: 'page.viewed', occurredAt: ago(MINUTE), properties: { path: 'p' } },
      42,
      { id: eventId(), type: 'page.viewed', occurredAt: 'yesterday', properties: { path: 'p' } },
      // Within the 5 minutes of clock skew allowed: stored, and stored as sent.
      pageView('pages/skewed', new Date(Date.now() + 4 * MINUTE).toISOString()),
    ] as const;

    const first = await send(patient, [...batch]);
    expect(first.status).toBe(200);
    const idOf = (index: number) => (batch[index] as { id: string }).id;
    const expectedRejections = [
      { index: 3, id: idOf(3), code: 'UNKNOWN_TYPE' },
      { index: 4, id: idOf(4), code: 'INVALID_PROPERTIES' },
      { index: 5, id: idOf(5), code: 'INVALID_PROPERTIES' },
      { index: 6, id: idOf(6), code: 'TIMESTAMP_IN_FUTURE' },
      { index: 7, id: idOf(7), code: 'TIMESTAMP_TOO_OLD' },
      { index: 8, id: idOf(8), code: 'SERVER_ONLY_TYPE' },
      { index: 9, id: 'short', code: 'INVALID_EVENT' },
      { index: 10, id: null, code: 'INVALID_EVENT' },
      { index: 11, id: idOf(11), code: 'INVALID_EVENT' },
    ];
    expect(first.body).toEqual({
      accepted: 3,
      duplicates: 1,
      rejected: expectedRejections.map((rejection) => ({ ...rejection, message: expect.any(String) })),
    });
    const messages = first.body.rejected.map((rejection: { message: string }) => rejection.message);
    expect(messages[1]).toMatch(/properties\.seconds/);
    expect(messages[2]).toMatch(/customerId/);

    // The mini-program retries the whole batch (say its connection dropped before the answer arrived).
    const resend = await send(patient, [...batch]);
    expect(resend.body).toEqual({ ...first.body, accepted: 0, duplicates: 4 });

    const stored = await timeline(patient.customer.id);
    expect(
      fromMiniapp<Item>(stored.body.items).map((event: { type: string; properties: unknown }) => [
        event.type,
        event.properties,
      ]),
    ).toEqual([
      ['page.viewed', { path: 'pages/skewed' }],
      ['page.viewed', { path: 'pages/index/index' }],
      ['content.opened', { contentId: 'art-42' }],
    ]);
    expect(fromMiniapp<Item>(stored.body.items)[0]).toMatchObject({ actor: null, receivedAt: expect.any(String) });
  });

  it('answers a malformed batch as a whole with 400, storing nothing', async () => {
    const patient = await signInNewPatient(bff);
    const cases: [unknown, string][] = [
      [[pageView('a')], 'VALIDATION_FAILED'], // an array, not { events }
      [{ events: pageView('a') }, 'VALIDATION_FAILED'],
      [{ events: [] }, 'VALIDATION_FAILED'],
      [{ events: Array.from({ length: 101 }, () => pageView('a')) }, 'VALIDATION_FAILED'],
      [{ events: [pageView('a')], customerId: patient.customer.id }, 'VALIDATION_FAILED'],
      ['{"events": [', 'MALFORMED_JSON'],
    ];
    for (const [body, code] of cases) {
      const response = await bff.call('POST', '/api/mp/events', { token: patient.accessToken, body });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe(code);
    }
    expect(fromMiniapp((await timeline(patient.customer.id)).body.items)).toEqual([]);
  });

  it('accepts events only with a customer token', async () => {
    const anonymous = await bff.call('POST', '/api/mp/events', { body: { events: [pageView('a')] } });
    expect(anonymous.status).toBe(401);
    const asStaff = await bff.call('POST', '/api/mp/events', {
      token: consultant.accessToken,
      body: { events: [pageView('a')] },
    });
    expect(asStaff.status).toBe(401);
  });

  it('stores a full batch of 100 events', async () => {
    const patient = await signInNewPatient(bff);
    const events = Array.from({ length: 100 }, (_, i) => pageView(`pages/p${i}`, ago(i * 1000)));
    const response = await send(patient, events);
    expect(response.body).toEqual({ accepted: 100, duplicates: 0, rejected: [] });
    expect(await countEventsByType(consultant.staff.organisation.id, patient.customer.id, new Date(0))).toMatchObject({
      'page.viewed': 100,
    });
  });

  it('keeps two customers’ events apart even when their clients pick the same event ids', async () => {
    const alice = await signInNewPatient(bff);
    const bob = await signInNewPatient(bff);
    const sharedId = 'evt-00000001';
    expect((await send(alice, [pageView('pages/alice', ago(MINUTE), sharedId)])).body.accepted).toBe(1);
    expect((await send(bob, [pageView('pages/bob', ago(MINUTE), sharedId)])).body.accepted).toBe(1);
    const paths = async (patient: Patient) =>
      fromMiniapp<Item>((await timeline(patient.customer.id)).body.items).map((event) => event.properties.path);
    expect(await paths(alice)).toEqual(['pages/alice']);
    expect(await paths(bob)).toEqual(['pages/bob']);
  });
});

describe('the timeline', () => {
  it('pages newest first without gaps or repeats while new events arrive', async () => {
    const patient = await signInNewPatient(bff);
    // 30 events; some share a timestamp, so the order within a timestamp must be stable too.
    const events = Array.from({ length: 30 }, (_, i) =>
      pageView(`pages/p${i}`, ago(MINUTE + Math.floor(i / 3) * 1000)),
    );
    expect((await send(patient, events)).body.accepted).toBe(30);
    const before = await listTimeline(consultant.staff.organisation.id, patient.customer.id, { limit: 100 });
    expect(fromMiniapp(before.items)).toHaveLength(30);

    let arrived = 0;
    const seen = await allPages(patient.customer.id, 7, async () => {
      arrived += 1;
      await send(patient, [pageView(`pages/new${arrived}`, new Date().toISOString())]);
    });

    expect(arrived).toBeGreaterThanOrEqual(4);
    expect(seen.map((event) => event.id)).toEqual(before.items.map((event) => event.id));
    const times = seen.map((event) => Date.parse(event.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // What arrived meanwhile is at the top next time.
    const fresh = await timeline(patient.customer.id, '?limit=4');
    expect(fresh.body.items.map((event: { properties: { path: string } }) => event.properties.path)).toEqual([
      'pages/new4',
      'pages/new3',
      'pages/new2',
      'pages/new1',
    ]);
  });

  it('keeps only the requested types', async () => {
    const patient = await signInNewPatient(bff);
    await send(patient, [
      pageView('pages/a', ago(3 * MINUTE)),
      { id: eventId(), type: 'content.opened', occurredAt: ago(2 * MINUTE), properties: { contentId: 'c1' } },
      { id: eventId(), type: 'share.clicked', occurredAt: ago(MINUTE), properties: { target: 'friend' } },
    ]);
    await recordEvent({
      organisationId: consultant.staff.organisation.id,
      customerId: patient.customer.id,
      type: 'appointment.booked',
      properties: { appointmentId: 'appt-1' },
      source: 'server',
      sourceEventId: `appointment:${eventId()}:booked`,
    });
    const types = async (query: string) =>
      (await timeline(patient.customer.id, query)).body.items.map((event: { type: string }) => event.type);
    expect(await types('?types=content.opened,appointment.booked')).toEqual(['appointment.booked', 'content.opened']);
    expect(await types('?types=page.viewed')).toEqual(['page.viewed']);
    expect(await types('?types=qr.scanned')).toEqual([]);
    const unknownType = await timeline(patient.customer.id, '?types=made.up');
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('never shows a customer’s events in another customer’s timeline', async () => {
    const alice = await signInNewPatient(bff);
    const bob = await signInNewPatient(bff);
    await send(alice, [pageView('pages/alice-1'), pageView('pages/alice-2')]);
    const bobsTimeline = await timeline(bob.customer.id);
    expect(bobsTimeline.status).toBe(200);
    expect(fromMiniapp(bobsTimeline.body.items)).toEqual([]);
    expect(JSON.stringify(bobsTimeline.body)).not.toContain('alice');
  });

  it('answers staff of another organisation with NOT_FOUND, never FORBIDDEN', async () => {
    const patient = await signInNewPatient(bff);
    await send(patient, [pageView('pages/private')]);
    const other = await createOrganisation({
      name: 'Other Clinic',
      miniappAppId: 'wxOtherEvents',
      wecomCorpId: 'wwOtherEvents',
      timeZone: 'Asia/Shanghai',
    });
    const outsider = signAccessToken(
      { kind: 'staff', id: '0123456789abcdef01234567', organisationId: other.id, roles: ['admin'] },
      bff.config.auth.jwtSecret,
      300,
    );
    const response = await timeline(patient.customer.id, '', outsider);
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('NOT_FOUND');

    // And our staff cannot read theirs.
    const stranger = await createCustomer({ organisationId: other.id, kind: 'patient', name: '外人', identities: [] });
    const reverse = await timeline(stranger.id);
    expect(reverse.status).toBe(404);
  });

  it('records who viewed a customer’s timeline', async () => {
    const patient = await signInNewPatient(bff);
    const view = await timeline(patient.customer.id);
    const trail = await listAuditForSubject(consultant.staff.organisation.id, {
      kind: 'customer',
      id: patient.customer.id,
    });
    expect(trail).toEqual([
      expect.objectContaining({
        actor: { kind: 'staff', id: consultant.staff.id },
        action: 'customer.timeline_viewed',
        requestId: view.headers.get('x-request-id'),
      }),
    ]);
  });

  it('refuses a cursor it did not issue with VALIDATION_FAILED', async () => {
    const patient = await signInNewPatient(bff);
    for (const cursor of ['abc', 'A'.repeat(32), 'not%20a%20cursor']) {
      const response = await timeline(patient.customer.id, `?cursor=${cursor}`);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('domain events through recordEvent', () => {
  it('stores an event once however many times a domain records it', async () => {
    const patient = await signInNewPatient(bff);
    const input = {
      organisationId: consultant.staff.organisation.id,
      customerId: patient.customer.id,
      type: 'coupon.claimed',
      properties: { couponId: 'cp-1' },
      source: 'server' as const,
      sourceEventId: `coupon:${eventId()}:claimed`,
      actor: consultant.staff.id,
    };
    const results = await Promise.all([recordEvent(input), recordEvent(input), recordEvent(input)]);
    expect(results.filter((result) => result.stored)).toHaveLength(1);
    expect(await recordEvent(input)).toEqual({ stored: false });
    const page = await timeline(patient.customer.id, '?types=coupon.claimed');
    expect(page.body.items).toEqual([
      expect.objectContaining({ type: 'coupon.claimed', source: 'server', actor: consultant.staff.id }),
    ]);
  });

  it('refuses an unknown type, bad properties or the mini-program’s source', async () => {
    const base = {
      organisationId: consultant.staff.organisation.id,
      customerId: consultant.staff.id,
      source: 'server' as const,
      sourceEventId: eventId(),
    };
    await expect(recordEvent({ ...base, type: 'made.up' })).rejects.toThrow(/unknown event type/);
    await expect(recordEvent({ ...base, type: 'content.dwell', properties: { contentId: 'c' } })).rejects.toThrow(
      /properties/,
    );
    await expect(recordEvent({ ...base, type: 'profile.created', source: 'miniapp' as never })).rejects.toThrow(
      /miniapp/,
    );
  });

  it('gives the profile its activity figures', async () => {
    const organisationId = consultant.staff.organisation.id;
    const patient = await signInNewPatient(bff);
    const idle = await signInNewPatient(bff);
    expect(await lastEventAt(organisationId, idle.customer.id, CLIENT_TYPES)).toBeNull();
    const latest = ago(MINUTE);
    await send(patient, [
      pageView('pages/a', ago(3 * 24 * 60 * MINUTE)),
      pageView('pages/b', ago(10 * MINUTE)),
      { id: eventId(), type: 'content.finished', occurredAt: latest, properties: { contentId: 'c9' } },
    ]);
    expect(
      await countEventsByType(organisationId, patient.customer.id, new Date(Date.now() - 24 * 60 * MINUTE)),
    ).toMatchObject({
      'page.viewed': 1,
      'content.finished': 1,
    });
    expect((await lastEventAt(organisationId, patient.customer.id, CLIENT_TYPES))?.toISOString()).toBe(latest);
    const anyEvent = await lastEventAt(organisationId, patient.customer.id);
    expect(anyEvent!.getTime()).toBeGreaterThanOrEqual(Date.parse(latest));
    const finishers = await customersWithEvent(organisationId, 'content.finished', {
      from: new Date(Date.now() - 5 * MINUTE),
      to: new Date(),
    });
    expect(finishers).toContain(patient.customer.id);
    expect(finishers).not.toContain(idle.customer.id);
  });
});

describe('merge and privacy', () => {
  const eventsStep = () => mergeSteps().find((step) => step.name === 'events')!;
  const eventsContributor = () => privacyContributors().find((contributor) => contributor.name === 'events')!;

  it('moves every event to the surviving customer, and running the step twice changes nothing', async () => {
    const organisationId = consultant.staff.organisation.id;
    const survivor = await signInNewPatient(bff);
    const merged = await signInNewPatient(bff);
    await send(survivor, [pageView('pages/s1', ago(4 * MINUTE))]);
    const mergedBatch = [pageView('pages/m1', ago(3 * MINUTE)), pageView('pages/m2', ago(2 * MINUTE))];
    await send(merged, mergedBatch);
    await recordEvent({
      organisationId,
      customerId: merged.customer.id,
      type: 'phone.verified',
      source: 'server',
      sourceEventId: `phone:${merged.customer.id}`,
    });

    const move = { organisationId, fromCustomerId: merged.customer.id, intoCustomerId: survivor.customer.id };
    await eventsStep().move(move);
    await eventsStep().move(move);

    const types = ['page.viewed', 'phone.verified'];
    const paths = (await listTimeline(organisationId, survivor.customer.id, { limit: 100, types })).items.map(
      (event) => event.properties.path ?? event.type,
    );
    expect(paths).toEqual(['phone.verified', 'pages/m2', 'pages/m1', 'pages/s1']);
    expect((await listTimeline(organisationId, merged.customer.id, { limit: 100 })).items).toEqual([]);

    // A resend from the merged customer's old session is still recognised as already stored.
    expect((await send(merged, mergedBatch)).body).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
  });

  it('exports every event of the customer, and erasure clears properties but keeps type and time for counts', async () => {
    const organisationId = consultant.staff.organisation.id;
    const patient = await signInNewPatient(bff);
    const bystander = await signInNewPatient(bff);
    await send(patient, [
      pageView('pages/health?q=diabetes', ago(2 * MINUTE)),
      { id: eventId(), type: 'qr.scanned', occurredAt: ago(MINUTE), properties: { scene: 'c=poster1' } },
    ]);
    await send(bystander, [pageView('pages/bystander')]);

    type Exported = { type: string; occurredAt: string; source: string; properties: unknown }[];
    const everything = (await eventsContributor().exportData({
      organisationId,
      customerId: patient.customer.id,
    })) as Exported;
    const exported = fromMiniapp(everything);
    expect(exported).toEqual([
      expect.objectContaining({ type: 'page.viewed', properties: { path: 'pages/health?q=diabetes' } }),
      expect.objectContaining({ type: 'qr.scanned', properties: { scene: 'c=poster1' } }),
    ]);

    const since = new Date(Date.now() - 60 * MINUTE);
    const countsBefore = await countEventsByType(organisationId, patient.customer.id, since);
    await eventsContributor().erase({ organisationId, customerId: patient.customer.id });
    await eventsContributor().erase({ organisationId, customerId: patient.customer.id });

    const afterErasure = (await eventsContributor().exportData({
      organisationId,
      customerId: patient.customer.id,
    })) as Exported;
    expect(afterErasure).toHaveLength(everything.length);
    expect(afterErasure.every((event) => JSON.stringify(event.properties) === '{}')).toBe(true);
    expect(fromMiniapp(afterErasure).map((event) => [event.type, event.properties])).toEqual([
      ['page.viewed', {}],
      ['qr.scanned', {}],
    ]);
    expect(afterErasure.map((event) => event.occurredAt)).toEqual(everything.map((event) => event.occurredAt));
    expect(await countEventsByType(organisationId, patient.customer.id, since)).toEqual(countsBefore);
    const untouched = await listTimeline(organisationId, bystander.customer.id, { limit: 10 });
    expect(fromMiniapp(untouched.items)[0]?.properties).toEqual({ path: 'pages/bystander' });
  });
});
