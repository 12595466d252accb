/**
 * What each domain holds about a customer, for the customer's data export and erasure. A domain that keeps
 * personal records registers one contributor; export gathers every contributor's section, erasure asks each to
 * anonymise what it holds (keeping what aggregate counts need). Erasure must be idempotent.
 */
export interface PrivacyContributor {
  /** Unique name; also the export section's key (e.g. 'events'). */
  name: string;
  exportData(input: { organisationId: string; customerId: string }): Promise<unknown>;
  erase(input: { organisationId: string; customerId: string }): Promise<void>;
}

const contributors = new Map<string, PrivacyContributor>();

export function registerPrivacyContributor(contributor: PrivacyContributor): void {
  contributors.set(contributor.name, contributor);
}

export function privacyContributors(): PrivacyContributor[] {
  return [...contributors.values()];
}
