/**
 * What the journeys engine needs from outside its domain at run time, set once when the BFF starts
 * (`registerJourneyRuntime`): configuration, the WeChat client, the SMS provider, the logger. Also the engine's
 * clock for event-driven entries (tests pin it) and the fault hook tests use to crash the engine at a named point.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '@careloop/config';
import type { WechatClient } from '../platform/wechat/client';
import { createSmsProvider, type SmsProvider } from '../platform/sms/provider';
import { getOrganisation } from '../organisations/service';

export interface JourneyRuntime {
  config: Pick<Config, 'wechat' | 'privacy' | 'sandbox' | 'sms'>;
  wechat: Pick<WechatClient, 'sendSubscribeMessage'>;
  sms: SmsProvider;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

let runtime: JourneyRuntime | null = null;

export function registerJourneyRuntime(deps: {
  config: Config;
  wechat: WechatClient;
  logger: Logger;
  sms?: SmsProvider;
}): void {
  runtime = {
    config: deps.config,
    wechat: deps.wechat,
    sms: deps.sms ?? createSmsProvider(deps.config),
    logger: deps.logger,
  };
}

/** Tests only: another SMS provider (e.g. one that times out); null restores the configured one. */
export function setJourneySmsProvider(provider: SmsProvider | null): void {
  const current = journeyRuntime();
  runtime = { ...current, sms: provider ?? createSmsProvider(current.config) };
}

export function journeyRuntime(): JourneyRuntime {
  if (!runtime) throw new Error('journeys: registerJourneyRuntime was not called (the BFF registers it at start)');
  return runtime;
}

// ---------------------------------------------------------------------------------------------------------------
// Clock

let clock: () => Date = () => new Date();

/** The clock event-driven entries and exits read (the engine's runs are given their `now`). Tests pin it. */
export function setJourneyClock(next: (() => Date) | null): void {
  clock = next ?? (() => new Date());
}

export function journeyNow(): Date {
  return clock();
}

/** This process's engine instance id (leases name it). */
export const defaultInstanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

// ---------------------------------------------------------------------------------------------------------------
// Fault injection (tests)

/** Thrown by the fault hook to stand for the process dying at that point: the engine stops, writing nothing more. */
export class SimulatedCrash extends Error {
  constructor(readonly point: string) {
    super(`simulated crash at ${point}`);
    this.name = 'SimulatedCrash';
  }
}

export type FaultPoint =
  | 'claimed'
  | 'before_effect'
  | 'after_effect'
  | 'before_send'
  | 'after_send'
  | 'before_commit'
  | 'after_executions'
  | 'enrolled'
  /** The journeys' event subscriber, before it does anything (a crash here loses the event until the replay). */
  | 'event_subscriber';

export interface FaultContext {
  point: FaultPoint;
  instanceId: string;
  customerId?: string;
  stepId?: string;
  stepType?: string;
}

let faultHook: ((context: FaultContext) => void | Promise<void>) | null = null;

/**
 * Tests only: a function called at each named point of the engine's work; it may throw a SimulatedCrash (the
 * instance dies there) or any other error (the action fails there, e.g. a downstream timeout after it took effect).
 */
export function setJourneyFaultHook(hook: typeof faultHook): void {
  faultHook = hook;
}

export async function fault(context: FaultContext): Promise<void> {
  if (faultHook) await faultHook(context);
}

// ---------------------------------------------------------------------------------------------------------------
// Organisation time zones

const zones = new Map<string, { zone: string; until: number }>();

export async function journeyTimeZone(organisationId: string): Promise<string> {
  const cached = zones.get(organisationId);
  if (cached && cached.until > Date.now()) return cached.zone;
  const zone = (await getOrganisation(organisationId)).timeZone;
  zones.set(organisationId, { zone, until: Date.now() + 60_000 });
  return zone;
}
