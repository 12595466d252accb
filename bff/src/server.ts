/** Starts the BFF: database connection, indexes, demo data, HTTP server; and stops it gracefully. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config, type Env } from '@careloop/config';
import { createApp, type StaticApps } from './app';
import type { AppDeps } from './deps';
import { connectDatabase, disconnectDatabase } from './db/connection';
import { createLogger } from './logger';
import { TokenCache } from './platform/tokenCache';
import { createWechatClient } from './platform/wechat/client';
import { createWecomClient } from './platform/wecom/client';
import { deleteExpiredRefreshTokens } from './auth/refreshTokens';
import { seedDemoOrganisation } from './demo/seed';
import { startJobs } from './jobs/schedule';
import { expireUnpaidHolds, markOverdueNoShows, repairStaleReservations } from './appointments/booking';
import { closeDeposit } from './appointments/deposits';
import { sendDueReminders } from './appointments/reminders';
import { syncStaffContacts } from './identity/wecomContacts';
import { findOrganisationByPlatform } from './organisations/service';
import { listActiveStaff } from './staff/service';
import { resumePendingMerges } from './identity/merge';
import { registerIdentityPrivacy } from './identity/privacy';
import { resumePendingErasures } from './privacy/service';
import { createPayClient } from './platform/pay/client';
import { configuredPayKeys } from './platform/pay/keys';
import { sandboxPayKeys } from './platform/sandbox/payKeys';
import { reconcilePayments, registerPaymentsRuntime } from './payments/service';
import { setEventSubscriberErrorLogger } from './events/service';
import { sweepDueTags } from './tags/sweep';
import { resumeRecomputes } from './tags/recompute';
import { runWecomTagSync } from './tags/wecomSync';
import { repairBookingsAfterReading } from './content/results';
import { processDueWecomCallbacks } from './platform/wecom/callbacks';
import { wecomCallbackHandlers } from './wecomCallbackHandlers';
import { expireCoupons, recordExpiringCoupons, repairCoupons } from './coupons/service';
import { maintainCampaignCodes } from './campaigns/service';
import { sendDueMeetingReminders } from './meetings/reminders';
import { expireFeeHolds, settleStaleRegistrations } from './meetings/registrations';
import { feeUpkeep } from './meetings/fees';
import { finishEndedMeetings } from './meetings/workflow';
import { repairTaskEvents } from './tasks/service';
import { resumeUnfinishedHandovers } from './tasks/handover';
import { runJourneyEngine } from './journeys/engine';
import { registerJourneyRuntime } from './journeys/runtime';
import { replayLostJourneyEvents } from './journeys/replay';
import { runKeyDateBackfills } from './journeys/backfill';

export interface RunningBff {
  config: Config;
  deps: AppDeps;
  server: Server;
  /** Where this server is reached on loopback, e.g. http://127.0.0.1:3000 */
  url: string;
  close(): Promise<void>;
}

export function createDeps(config: Config): AppDeps {
  registerIdentityPrivacy(config);
  const logger = createLogger(config);
  const tokens = new TokenCache();
  // In sandbox mode the Pay keys live in the database, shared by every instance (platform/sandbox/payKeys.ts).
  const pay = createPayClient({
    config: config.pay,
    appId: config.wechat.appId,
    keys: config.pay.keys ? configuredPayKeys(config.pay.keys) : sandboxPayKeys,
  });
  registerPaymentsRuntime({ config, pay, logger });
  setEventSubscriberErrorLogger((err, subscriber, event) =>
    logger.error(
      { err, subscriber, eventType: event.type, sourceEventId: event.sourceEventId },
      'event subscriber failed',
    ),
  );
  return {
    config,
    logger,
    tokens,
    wechat: createWechatClient(config.wechat, tokens),
    wecom: createWecomClient(config.wecom, tokens),
    pay,
  };
}

const listen = (server: Server, port: number, host: string) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });

/**
 * Starts the whole backend. With PORT=0 it listens on a free port first and then configures itself for that
 * port (the sandbox's API base URLs point back at this server).
 */
export async function startBff(options: {
  env: Env;
  mongodbUri: string;
  staticApps?: StaticApps;
}): Promise<RunningBff> {
  const initial = loadConfig(options.env);
  const server = createServer();
  server.requestTimeout = 30_000;
  const port = await listen(server, initial.port, initial.host);
  const config = initial.port === port ? initial : loadConfig({ ...options.env, PORT: String(port) });
  const deps = createDeps(config);
  registerJourneyRuntime(deps);
  try {
    await connectDatabase(options.mongodbUri);
    // Work a crash left half-done is finished before serving: merges, then erasures.
    const merges = await resumePendingMerges();
    const erasures = await resumePendingErasures();
    if (merges + erasures) deps.logger.warn({ merges, erasures }, 'finished work a previous run left half-done');
    if (config.demoSeed) await seedDemoOrganisation(config, deps.logger);
  } catch (error) {
    server.close();
    await disconnectDatabase();
    throw error;
  }
  server.on('request', createApp(deps, options.staticApps).callback());

  const stopJobs = startJobs(
    [
      { name: 'refresh-token-cleanup', intervalMs: 60 * 60_000, run: () => deleteExpiredRefreshTokens() },
      { name: 'appointment-hold-expiry', intervalMs: 60_000, run: () => expireUnpaidHolds({ closeDeposit }) },
      { name: 'appointment-reminders', intervalMs: 5 * 60_000, run: () => sendDueReminders(deps) },
      { name: 'appointment-no-shows', intervalMs: 5 * 60_000, run: () => markOverdueNoShows() },
      { name: 'appointment-repair', intervalMs: 5 * 60_000, run: () => repairStaleReservations() },
      {
        // WeCom sends no event for every change (e.g. contacts added before CareLoop was installed): sync all.
        name: 'wecom-contact-sync',
        intervalMs: 30 * 60_000,
        run: async () => {
          const organisation = await findOrganisationByPlatform({ wecomCorpId: config.wecom.corpId });
          const staff = await listActiveStaff(organisation.id);
          return syncStaffContacts(
            deps.wecom,
            organisation.id,
            staff.map((member) => member.wecomUserId),
          );
        },
      },
      // Lost payment notifications, unfinished onPaid / refunds, expired unpaid orders.
      { name: 'payment-reconciliation', intervalMs: 60_000, run: () => reconcilePayments() },
      // Content results: bookings after reading whose event subscriber call was lost.
      { name: 'content-booking-repair', intervalMs: 30 * 60_000, run: () => repairBookingsAfterReading() },
      // WeCom callbacks the fast path did not finish (crash, handler failure: retried with backoff).
      {
        name: 'wecom-callback-sweep',
        intervalMs: 60_000,
        run: () => processDueWecomCallbacks(deps, wecomCallbackHandlers),
      },
      // Coupons: expiry and the expiring reminder (idempotent), and claims or events a crash left half-done.
      {
        name: 'coupon-expiry',
        intervalMs: 5 * 60_000,
        run: async () => ({ expired: await expireCoupons(), expiring: await recordExpiringCoupons() }),
      },
      { name: 'coupon-repair', intervalMs: 5 * 60_000, run: () => repairCoupons() },
      // Campaign codes still missing (seeded, crashed, failed a while ago); contact-me codes of ended campaigns.
      { name: 'campaign-codes', intervalMs: 60_000, run: () => maintainCampaignCodes(deps) },
      // Meetings: reminders before the start, sign-ups a crash left unsettled, meetings whose check-in closed.
      { name: 'meeting-reminders', intervalMs: 5 * 60_000, run: () => sendDueMeetingReminders(deps) },
      {
        name: 'meeting-upkeep',
        intervalMs: 5 * 60_000,
        run: async () => ({ settled: await settleStaleRegistrations(), finished: await finishEndedMeetings() }),
      },
      // Paid meetings: unpaid holds lapse (the next in line gets the place); refunds and orders a crash left undone.
      {
        name: 'meeting-fees',
        intervalMs: 60_000,
        run: async () => ({ expired: await expireFeeHolds(), ...(await feeUpkeep()) }),
      },
      // Tasks: transition events a crash left unrecorded; staff handovers waiting on WeCom's takeovers.
      { name: 'task-event-repair', intervalMs: 5 * 60_000, run: () => repairTaskEvents() },
      { name: 'task-handovers', intervalMs: 5 * 60_000, run: () => resumeUnfinishedHandovers(deps.wecom) },
      // Dynamic tags: results that time alone changes (due nextCheckAt), and recomputes a restart interrupted.
      { name: 'tag-sweep', intervalMs: 60_000, run: () => sweepDueTags() },
      { name: 'tag-recompute-resume', intervalMs: 60_000, run: () => resumeRecomputes() },
      // WeCom corp-tag sync: mark_tag work the fast path did not finish (retries with backoff), backfills, renames.
      { name: 'tags-wecom-sync', intervalMs: 60_000, run: () => runWecomTagSync() },
      // Journeys: schedule runs, key dates and due steps (each step once, across instances: see journeys/engine.ts).
      { name: 'journeys', intervalMs: 60_000, run: () => runJourneyEngine() },
      // Journeys: events whose subscriber call was lost (entries, exits, key dates), replayed from a checkpoint.
      { name: 'journey-event-replay', intervalMs: 30_000, run: () => replayLostJourneyEvents() },
      // Journeys: key dates of events and coupons stored before a key-date journey's version went live.
      { name: 'journey-key-date-backfill', intervalMs: 60_000, run: () => runKeyDateBackfills() },
    ],
    deps.logger,
  );

  let closing: Promise<void> | null = null;
  return {
    config,
    deps,
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      (closing ??= (async () => {
        stopJobs();
        // Stop accepting connections, let in-flight requests finish, then drop idle keep-alive sockets.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const forced = setTimeout(() => server.closeAllConnections(), 10_000);
        await closed;
        clearTimeout(forced);
        await disconnectDatabase();
      })()),
  };
}
