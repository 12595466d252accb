/**
 * Consent: the privacy-policy version a customer accepted and their marketing consent, each change kept in a
 * history and recorded as a `consent.changed` timeline event. A withdrawal is one single-document update, so
 * `hasMarketingConsent` answers false from the moment it returns.
 *
 * Importing this module plugs consent into the merge (the surviving profile keeps both histories and the latest
 * decision) and into the customer's data export and erasure.
 */
import { Types } from 'mongoose';
import type { AuditSurface, ConsentChange, ConsentChannel, ConsentState } from '@careloop/shared';
import { AppError, notFound } from '../http/errors';
import { isDuplicateKey } from '../db/retry';
import { registerMergeStep } from '../identity/mergeSteps';
import { registerPrivacyContributor } from '../privacy/contributors';
import { recordEvent } from '../events/service';
import { ConsentModel, type ConsentChangeDoc, type ConsentDoc } from './model';

export interface ConsentActor {
  kind: 'customer' | 'staff' | 'system';
  /** The staff member's id for staff; null for the customer themself and the system. */
  id: string | null;
}

const MAX_ATTEMPTS = 8;
const oid = (id: string) => new Types.ObjectId(id);

async function findConsent(organisationId: string, customerId: string): Promise<ConsentDoc | null> {
  return ConsentModel.findOne({ organisationId: oid(organisationId), customerId: oid(customerId) }).lean<ConsentDoc>();
}

function toChange(entry: ConsentChangeDoc): ConsentChange {
  return {
    id: entry.id,
    type: entry.type,
    policyVersion: entry.policyVersion ?? null,
    channel: entry.channel as ConsentChannel,
    actor: { kind: entry.actorKind, id: entry.actorId ?? null },
    at: entry.at.toISOString(),
  };
}

function toState(doc: ConsentDoc | null, customerId: string, currentPolicyVersion: string): ConsentState {
  const policy = doc?.policy
    ? {
        version: doc.policy.version,
        acceptedAt: doc.policy.acceptedAt.toISOString(),
        channel: doc.policy.channel as ConsentChannel,
      }
    : null;
  return {
    customerId,
    currentPolicyVersion,
    policy,
    policyUpToDate: policy?.version === currentPolicyVersion,
    marketing: doc?.marketing
      ? {
          granted: doc.marketing.granted,
          changedAt: doc.marketing.changedAt.toISOString(),
          channel: doc.marketing.channel as ConsentChannel,
        }
      : null,
    history: [...(doc?.history ?? [])].sort((a, b) => b.at.getTime() - a.at.getTime()).map(toChange),
  };
}

/** A customer's consent as staff and the customer see it (also for the 360° profile). */
export async function getConsent(
  organisationId: string,
  customerId: string,
  currentPolicyVersion: string,
): Promise<ConsentState> {
  return toState(await findConsent(organisationId, customerId), customerId, currentPolicyVersion);
}

/**
 * True only while the customer's latest marketing decision is a grant (and they were not erased). Journeys ask
 * this before every marketing step; a withdrawal is visible here as soon as it was answered.
 */
export async function hasMarketingConsent(organisationId: string, customerId: string): Promise<boolean> {
  const doc = await ConsentModel.findOne(
    { organisationId: oid(organisationId), customerId: oid(customerId) },
    { marketing: 1, erasedAt: 1 },
  ).lean<Pick<ConsentDoc, 'marketing' | 'erasedAt'>>();
  return doc?.marketing?.granted === true && !doc.erasedAt;
}

/** Of the given customers, those who may receive marketing now (for a batch of a mass send or a journey step). */
export async function customersWithMarketingConsent(
  organisationId: string,
  customerIds: readonly string[],
): Promise<string[]> {
  if (customerIds.length === 0) return [];
  const docs = await ConsentModel.find(
    {
      organisationId: oid(organisationId),
      customerId: { $in: customerIds.map(oid) },
      'marketing.granted': true,
      erasedAt: null,
    },
    { customerId: 1 },
  ).lean<Pick<ConsentDoc, 'customerId'>[]>();
  return docs.map((doc) => String(doc.customerId));
}

/** The consent channel of a staff request, from the surface it came from. */
export function staffConsentChannel(surface: AuditSurface): ConsentChannel {
  return surface === 'sidebar' || surface === 'workbench' ? surface : 'api';
}

interface ConsentChangeRequest {
  organisationId: string;
  customerId: string;
  currentPolicyVersion: string;
  /** Accept this policy version. */
  policyVersion?: string;
  /** Grant (true) or withdraw (false) marketing. */
  marketing?: boolean;
  channel: ConsentChannel;
  actor: ConsentActor;
}

/**
 * Applies a change to the customer's consent: one atomic update of state and history, computed from the revision
 * it read (a concurrent change makes it read and compute again). Repeating a decision already in force changes
 * nothing and adds no history. Then the new history entries are recorded as timeline events.
 */
async function changeConsent(request: ConsentChangeRequest): Promise<ConsentState> {
  const { organisationId, customerId } = request;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const doc = await findConsent(organisationId, customerId);
    const now = new Date();
    const entry = (type: ConsentChangeDoc['type'], policyVersion: string | null): ConsentChangeDoc => ({
      id: new Types.ObjectId().toHexString(),
      type,
      policyVersion,
      channel: request.channel,
      actorKind: request.actor.kind,
      actorId: request.actor.id,
      at: now,
      eventRecorded: false,
    });
    const entries: ConsentChangeDoc[] = [];
    const set: Record<string, unknown> = {};
    if (request.policyVersion !== undefined && doc?.policy?.version !== request.policyVersion) {
      entries.push(entry('policy_accepted', request.policyVersion));
      set.policy = { version: request.policyVersion, acceptedAt: now, channel: request.channel };
    }
    const marketingNow = doc?.marketing?.granted;
    if (request.marketing !== undefined && marketingNow !== request.marketing) {
      entries.push(entry(request.marketing ? 'marketing_granted' : 'marketing_withdrawn', null));
      set.marketing = { granted: request.marketing, changedAt: now, channel: request.channel };
    }
    if (entries.length === 0) {
      await flushConsentEvents(organisationId, customerId);
      return toState(doc, customerId, request.currentPolicyVersion);
    }
    if (doc?.erasedAt) throw notFound('Customer');

    if (doc) {
      const result = await ConsentModel.updateOne(
        { _id: doc._id, revision: doc.revision },
        { $set: set, $push: { history: { $each: entries } }, $inc: { revision: 1 } },
      );
      if (result.matchedCount === 0) continue;
    } else {
      try {
        await ConsentModel.create({
          organisationId: oid(organisationId),
          customerId: oid(customerId),
          policy: null,
          marketing: null,
          ...set,
          history: entries,
          revision: 1,
        });
      } catch (error) {
        if (isDuplicateKey(error)) continue;
        throw error;
      }
    }
    await flushConsentEvents(organisationId, customerId);
    return getConsent(organisationId, customerId, request.currentPolicyVersion);
  }
  throw new AppError('INTERNAL', 'The consent could not be saved under concurrent changes; try again');
}

/** The customer accepts the current privacy policy and answers the marketing question. */
export async function acceptConsent(input: {
  organisationId: string;
  customerId: string;
  currentPolicyVersion: string;
  policyVersion: string;
  marketing: boolean;
  channel: ConsentChannel;
  actor: ConsentActor;
}): Promise<ConsentState> {
  if (input.policyVersion !== input.currentPolicyVersion) {
    throw new AppError('VALIDATION_FAILED', 'Invalid body', [
      {
        in: 'body',
        path: 'policyVersion',
        code: 'policy_version_outdated',
        message: `The current privacy policy is version ${input.currentPolicyVersion}; show it and accept that one`,
      },
    ]);
  }
  return changeConsent(input);
}

/** Withdraws marketing consent at once (also when it was never given: the "no" is then on record). */
export function withdrawMarketingConsent(input: {
  organisationId: string;
  customerId: string;
  currentPolicyVersion: string;
  channel: ConsentChannel;
  actor: ConsentActor;
}): Promise<ConsentState> {
  return changeConsent({ ...input, marketing: false });
}

/**
 * Records history entries not yet on the timeline as `consent.changed` events. Idempotent at every step (the
 * event's source id is the entry's id), so a change whose event was lost to a crash gets it on the next change.
 */
async function flushConsentEvents(organisationId: string, customerId: string): Promise<void> {
  const doc = await findConsent(organisationId, customerId);
  if (!doc) return;
  for (const entry of doc.history.filter((change) => !change.eventRecorded)) {
    const properties =
      entry.type === 'policy_accepted'
        ? { privacyPolicyVersion: entry.policyVersion, channel: entry.channel }
        : { marketing: entry.type === 'marketing_granted', channel: entry.channel };
    // The one call site of the timeline for consent.
    await recordEvent({
      organisationId,
      customerId,
      type: 'consent.changed',
      occurredAt: entry.at,
      properties,
      source: 'server',
      sourceEventId: `consent:${entry.id}`,
      actor: entry.actorKind === 'staff' ? entry.actorId : null,
    });
    await ConsentModel.updateOne(
      { _id: doc._id, 'history.id': entry.id },
      { $set: { 'history.$.eventRecorded': true } },
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Merge and privacy

const later = <T>(a: T | null, b: T | null, at: (value: T) => Date): T | null =>
  !a ? b : !b ? a : at(b).getTime() > at(a).getTime() ? b : a;

/** Both histories (by entry id, so a re-run adds nothing) and, for policy and marketing, the latest decision. */
function mergedConsent(from: ConsentDoc, into: ConsentDoc | null) {
  const history = new Map<string, ConsentChangeDoc>();
  for (const entry of [...(into?.history ?? []), ...from.history]) {
    const seen = history.get(entry.id);
    history.set(entry.id, seen ? { ...seen, eventRecorded: seen.eventRecorded || entry.eventRecorded } : entry);
  }
  return {
    policy: later(into?.policy ?? null, from.policy, (policy) => policy.acceptedAt),
    marketing: later(into?.marketing ?? null, from.marketing, (marketing) => marketing.changedAt),
    history: [...history.values()].sort((a, b) => a.at.getTime() - b.at.getTime()),
  };
}

registerMergeStep({
  name: 'consent',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const from = await findConsent(organisationId, fromCustomerId);
      if (!from) return;
      const into = await findConsent(organisationId, intoCustomerId);
      const merged = mergedConsent(from, into);
      if (into) {
        const result = await ConsentModel.updateOne(
          { _id: into._id, revision: into.revision },
          { $set: merged, $inc: { revision: 1 } },
        );
        if (result.matchedCount === 0) continue;
      } else {
        try {
          await ConsentModel.create({
            organisationId: oid(organisationId),
            customerId: oid(intoCustomerId),
            ...merged,
            revision: 1,
          });
        } catch (error) {
          if (isDuplicateKey(error)) continue;
          throw error;
        }
      }
      // Only once the survivor holds everything; a crash before this re-runs the (idempotent) union.
      await ConsentModel.deleteOne({ _id: from._id });
      return;
    }
    throw new Error('consent merge step: too many concurrent changes');
  },
});

registerPrivacyContributor({
  name: 'consent',
  async exportData({ organisationId, customerId }) {
    const doc = await findConsent(organisationId, customerId);
    const state = toState(doc, customerId, doc?.policy?.version ?? '');
    return { policy: state.policy, marketing: state.marketing, history: state.history };
  },
  /**
   * Keeps the record, minimal, as evidence of what was agreed when (policy versions, marketing decisions and
   * their times and channels), bound only to the erased (anonymised) profile's id; marketing is withdrawn for good.
   */
  async erase({ organisationId, customerId }) {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const doc = await findConsent(organisationId, customerId);
      if (!doc || doc.erasedAt) return;
      const now = new Date();
      const withdraw = doc.marketing?.granted === true;
      const update: Record<string, unknown> = {
        $set: {
          erasedAt: now,
          ...(withdraw && { marketing: { granted: false, changedAt: now, channel: 'api' } }),
        },
        $inc: { revision: 1 },
      };
      if (withdraw) {
        const entry: ConsentChangeDoc = {
          id: new Types.ObjectId().toHexString(),
          type: 'marketing_withdrawn',
          policyVersion: null,
          channel: 'api',
          actorKind: 'system',
          actorId: null,
          at: now,
          // The customer's timeline is being erased: no event for this one.
          eventRecorded: true,
        };
        update.$push = { history: entry };
      }
      const result = await ConsentModel.updateOne({ _id: doc._id, revision: doc.revision }, update);
      if (result.matchedCount === 1) return;
    }
    throw new Error('consent erasure: too many concurrent changes');
  },
});
