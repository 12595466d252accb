/**
 * How each domain's records follow a customer into a merge. A domain that keeps records by customer id
 * registers one step; the merge (identity/merge.ts) runs every step, and runs them again after a crash, so a
 * step must be idempotent: moving what is already moved does nothing and counts nothing twice.
 */
export interface MergeStep {
  /** Unique name, recorded in the merge as done (e.g. 'events'). */
  name: string;
  /** Moves every record of `fromCustomerId` to `intoCustomerId` within the organisation. */
  move(input: { organisationId: string; fromCustomerId: string; intoCustomerId: string }): Promise<void>;
}

const steps = new Map<string, MergeStep>();

export function registerMergeStep(step: MergeStep): void {
  steps.set(step.name, step);
}

export function mergeSteps(): MergeStep[] {
  return [...steps.values()];
}
