/**
 * Shared by the journeys tests: a BFF with the journey clock pinned (a month ahead of the real clock, so the BFF's
 * own periodic engine job, which runs on the real clock, never finds their work due), patients with consent,
 * phones and subscribe credits, and readers of the effects (tasks, coupons, tags, messages).
 */
import mongoose from 'mongoose';
import { afterAll, beforeAll } from 'vitest';
import { CreateCouponTemplateRequest } from '@careloop/shared';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';
import { runJourneyEngineOnce, type EngineRunOptions } from '../../bff/src/journeys/engine';
import {
  SimulatedCrash,
  setJourneyClock,
  setJourneyFaultHook,
  setJourneySmsProvider,
  type FaultPoint,
} from '../../bff/src/journeys/runtime';
import { useTaskService } from '../../bff/src/journeys/tasks';
import { addSubscriptionCredits } from '../../bff/src/subscriptions/service';
import { listCustomerTasks } from '../../bff/src/tasks/service';
import { createCouponTemplate, listCustomerCoupons } from '../../bff/src/coupons/service';
import { listTags } from '../../bff/src/tags/service';
import { setFactsRegistryTtl } from '../../bff/src/tags/facts';
import { setTagClock } from '../../bff/src/tags/clock';
import { recordEvent } from '../../bff/src/events/service';
import { EnrolmentModel } from '../../bff/src/journeys/model';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface JourneyTestContext {
  bff: TestBff;
  manager: { accessToken: string; staff: { id: string; organisation: { id: string } } };
  consultant: { accessToken: string; staff: { id: string } };
  org: string;
  /** The journey clock's "now" (a month ahead, at 10:00 Shanghai time). */
  t0: Date;
  /** t0 plus days (and hours). */
  at(days: number, hours?: number): Date;
  setNow(now: Date): void;
}

/** Starts the BFF for a test file (closing it after) and pins the journey and tag clocks. */
export function journeyTestContext(name: string): JourneyTestContext {
  const context = {} as JourneyTestContext;
  // 10:00 in Asia/Shanghai (UTC+8), a month ahead.
  const day = new Date(Date.now() + 30 * DAY);
  day.setUTCHours(2, 0, 0, 0);
  context.t0 = day;
  context.at = (days, hours = 0) => new Date(day.getTime() + days * DAY + hours * HOUR);
  context.setNow = (now) => {
    setJourneyClock(() => now);
    setTagClock(() => now);
  };
  beforeAll(async () => {
    setFactsRegistryTtl(0);
    context.setNow(context.t0);
    context.bff = await startTestBff(name);
    context.manager = await signInStaff(context.bff, 'lina');
    context.consultant = await signInStaff(context.bff, 'zhangwei');
    context.org = context.manager.staff.organisation.id;
  });
  afterAll(async () => {
    setJourneyClock(null);
    setTagClock(null);
    await context.bff?.close();
  });
  return context;
}

let phones = 0;

/** A signed-in patient; with marketing consent, a phone, an owner and subscribe credits as asked. */
export async function newPatient(
  context: JourneyTestContext,
  options: {
    consent?: boolean;
    phone?: boolean;
    owner?: boolean;
    credits?: string[];
    name?: string;
    birthday?: string;
  } = {},
) {
  const { bff } = context;
  const patient = await signInNewPatient(bff);
  const customerId = patient.customer.id as string;
  if (options.consent !== false) {
    const consent = await bff.call('GET', '/api/mp/me/consent', { token: patient.accessToken });
    const accepted = await bff.call('POST', '/api/mp/me/consent', {
      token: patient.accessToken,
      body: { policyVersion: consent.body.currentPolicyVersion, marketing: true },
    });
    if (accepted.status !== 200) throw new Error(`consent: ${JSON.stringify(accepted.body)}`);
  }
  const phone = options.phone
    ? `138${String(10_000_000 + (phones += 1) + Math.floor(Math.random() * 80_000_000)).slice(0, 8)}`
    : null;
  const changes: Record<string, unknown> = { name: options.name ?? `患者${customerId.slice(-4)}` };
  if (phone) changes.phone = phone;
  if (options.owner !== false) changes.ownerStaffId = context.consultant.staff.id;
  if (options.birthday !== undefined) changes.birthday = options.birthday;
  const updated = await bff.call('PATCH', `/api/staff/customers/${customerId}`, {
    token: context.manager.accessToken,
    body: changes,
  });
  if (updated.status >= 300) throw new Error(`customer update: ${JSON.stringify(updated.body)}`);
  for (const templateId of options.credits ?? []) {
    await bff.call('POST', '/sandbox/control/wechat/subscribe', {
      body: { openid: patient.openid, templateIds: [templateId] },
    });
    await addSubscriptionCredits(context.org, customerId, [templateId]);
  }
  return { customerId, openid: patient.openid as string, token: patient.accessToken as string, phone };
}

/** Creates a journey through the API and enables it. */
export async function liveJourney(
  context: JourneyTestContext,
  definition: unknown,
  name = `旅程${Math.random().toString(36).slice(2, 8)}`,
) {
  const created = await context.bff.call('POST', '/api/staff/journeys', {
    token: context.manager.accessToken,
    body: { name, definition },
  });
  if (created.status !== 201) throw new Error(`journey: ${JSON.stringify(created.body)}`);
  const enabled = await context.bff.call('POST', `/api/staff/journeys/${created.body.id}/enable`, {
    token: context.manager.accessToken,
  });
  if (enabled.status !== 200) throw new Error(`enable: ${JSON.stringify(enabled.body)}`);
  return enabled.body as { id: string; version: number };
}

export const engine = (now: Date, options: EngineRunOptions = {}) =>
  runJourneyEngineOnce({ now, instanceId: 'test', ...options });

export async function couponTemplate(context: JourneyTestContext, name = '回归券') {
  return createCouponTemplate(
    context.org,
    CreateCouponTemplateRequest.parse({
      name,
      kind: 'amount_off',
      amountOffFen: 5000,
      validity: { type: 'days_after_claim', days: 60 },
      totalStock: 10_000,
    }),
    context.manager.staff.id,
  );
}

export const tasksOf = (context: JourneyTestContext, customerId: string) => listCustomerTasks(context.org, customerId);
export const couponsOf = (context: JourneyTestContext, customerId: string) =>
  listCustomerCoupons(context.org, customerId);
export const tagsOf = async (context: JourneyTestContext, customerId: string) =>
  (await listTags(context.org, customerId)).map((tag) => tag.name);

export async function subscribeMessages(context: JourneyTestContext, openid: string) {
  const response = await context.bff.call('GET', `/sandbox/control/wechat/users/${openid}/subscribe-messages`);
  return response.body as { templateId: string; data: Record<string, { value: string }> }[];
}

export async function smsTo(context: JourneyTestContext, phone: string) {
  const response = await context.bff.call('GET', `/sandbox/control/sms/messages?phone=${phone}`);
  return response.body.items as { templateCode: string; params: Record<string, string>; outId: string }[];
}

/** Records a server event for the customer (as a domain would). */
let events = 0;
export function event(
  context: JourneyTestContext,
  customerId: string,
  type: string,
  properties: Record<string, unknown> = {},
  occurredAt?: Date,
) {
  return recordEvent({
    organisationId: context.org,
    customerId,
    type,
    properties,
    occurredAt: occurredAt ?? context.t0,
    source: 'server',
    sourceEventId: `test:${type}:${customerId}:${(events += 1)}:${Math.random()}`,
  });
}

export async function enrolmentsOf(journeyId: string, customerId?: string) {
  return EnrolmentModel.find({ journeyId, ...(customerId && { customerId }) }).lean();
}

/** Archives every journey not archived yet (between tests, so that one test's journeys never see the next's events). */
export async function archiveJourneys(context: JourneyTestContext) {
  const list = await context.bff.call('GET', '/api/staff/journeys', { token: context.manager.accessToken });
  for (const journey of list.body.items) {
    if (journey.status !== 'archived') {
      await context.bff.call('POST', `/api/staff/journeys/${journey.id}/archive`, {
        token: context.manager.accessToken,
      });
    }
  }
}

/** The entry of most journeys in these tests: the customer missed an appointment. */
export const NO_SHOW_ENTRY = { kind: 'triggered', event: 'appointment.no_show' } as const;

/**
 * A live journey of `steps` (starting at the first) entered on a no-show, and a new patient (`patientOptions` as for
 * newPatient) who has just missed an appointment, so is enrolled and due at t0.
 */
export async function noShowJourneyWithPatient(
  context: JourneyTestContext,
  steps: [{ id: string; [field: string]: unknown }, ...unknown[]],
  patientOptions?: Parameters<typeof newPatient>[1],
) {
  const journey = await liveJourney(context, { entry: NO_SHOW_ENTRY, start: steps[0].id, steps });
  const patient = await newPatient(context, patientOptions);
  await event(context, patient.customerId, 'appointment.no_show');
  return { journey, patient };
}

/** Crashes the engine the first time it reaches `point` (for the given step type, where it matters). */
export function crashOnceAt(point: FaultPoint, stepType?: string) {
  let crashed = false;
  setJourneyFaultHook((context) => {
    if (crashed || context.point !== point) return;
    if (stepType && context.stepType && context.stepType !== stepType) return;
    crashed = true;
    throw new SimulatedCrash(point);
  });
}

/** The step's downstream call fails with `message` the first `times` times the engine reaches `point` (or every time). */
export function failAt(point: FaultPoint, message: string, times = Infinity) {
  let failures = 0;
  setJourneyFaultHook((context) => {
    if (context.point !== point || failures >= times) return;
    failures += 1;
    throw new Error(message);
  });
}

/**
 * Between tests: no fault hook, the usual SMS provider and task service again, the clock back at t0, and every
 * journey archived (so that one test's journeys never see the next's events).
 */
export async function resetJourneyEngine(context: JourneyTestContext) {
  setJourneyFaultHook(null);
  setJourneySmsProvider(null);
  useTaskService(null);
  context.setNow(context.t0);
  await archiveJourneys(context);
}

/** Keeps the BFF's own periodic job `jobId` from running for a day, for tests that run it themselves. */
export async function holdJob(jobId: string) {
  await mongoose.connection
    .collection('job_runs')
    .updateOne({ _id: jobId as never }, { $set: { nextRunAt: new Date(Date.now() + 86_400_000) } }, { upsert: true });
}
