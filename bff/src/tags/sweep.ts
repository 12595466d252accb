/**
 * The time sweep: conditions that become true or false by time passing alone (an event leaving a window, the days
 * after a no-show running out, a birthday) are caught by visiting only the (rule, customer) results whose stored
 * `nextCheckAt` is due — not by scanning everyone. Each is re-evaluated at one pinned `now`; a transition a crash
 * left unfinished is finished on the way. Idempotent, like every evaluation path.
 */
import { organisationTimeZone, tagNow } from './clock';
import { evaluateAndApply, reactToChange } from './engine';
import { findFacts } from './facts';
import { dynamicTag } from './library';
import { RuleStateModel, type RuleStateDoc } from './model';
import { finishTransition, retireState } from './states';

const BATCH = 200;

export async function sweepDueTags(options: { now?: Date; budgetMs?: number } = {}): Promise<{
  visited: number;
  added: number;
  removed: number;
}> {
  const now = options.now ?? tagNow();
  const started = Date.now();
  const budget = options.budgetMs ?? 50_000;
  const seen = new Set<string>();
  const totals = { visited: 0, added: 0, removed: 0 };
  while (Date.now() - started < budget) {
    const due = (
      await RuleStateModel.find({ nextCheckAt: { $lte: now } })
        .sort({ nextCheckAt: 1 })
        .limit(BATCH + seen.size)
        .lean<RuleStateDoc[]>()
    ).filter((state) => !seen.has(String(state._id)));
    if (!due.length) break;
    for (const state of due.slice(0, BATCH)) {
      seen.add(String(state._id));
      totals.visited += 1;
      await visit(state, now, totals);
    }
  }
  return totals;
}

async function visit(state: RuleStateDoc, now: Date, totals: { added: number; removed: number }) {
  const organisationId = String(state.organisationId);
  const tag = await dynamicTag(organisationId, String(state.tagId));
  const facts = await findFacts(organisationId, String(state.customerId));
  if (!tag || !facts) {
    // The tag was archived or the profile merged away or erased: nothing will ever be due here.
    await retireState(state);
    return;
  }
  const timeZone = await organisationTimeZone(organisationId);
  const context = { now, timeZone };
  if (!state.applied) {
    await reactToChange(organisationId, await finishTransition(state, tag.name, timeZone), context, 1);
  }
  const fresh = (await findFacts(organisationId, String(state.customerId))) ?? facts;
  const { transition, factsChange } = await evaluateAndApply(organisationId, tag, fresh, context);
  if (transition === 'added') totals.added += 1;
  if (transition === 'removed') totals.removed += 1;
  if (factsChange) await reactToChange(organisationId, factsChange, context, 1);
}
