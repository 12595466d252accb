import type { CustomerKind, CustomerProfile } from '@careloop/shared';

export const NO_NICKNAME = '未设置昵称';

/** The name to show for a customer: their nickname, or a plain note that they have not set one. */
export function displayName(customer: Pick<CustomerProfile, 'name'>): string {
  const name = customer.name?.trim();
  return name ? name : NO_NICKNAME;
}

const kindLabels: Record<CustomerKind, string> = { patient: '患者', hcp: '医生' };

export function kindLabel(kind: CustomerKind): string {
  return kindLabels[kind] ?? kind;
}

/** The last characters of an id, enough for support to find the record without showing the whole id. */
export function shortId(id: string, length = 6): string {
  return id.length <= length ? id : id.slice(-length);
}

/** Home page title: the organisation's name when the API tells us, otherwise the product's. */
export function welcomeTitle(organisationName?: string | null): string {
  const name = organisationName?.trim();
  return `欢迎来到 ${name ? name : 'CareLoop'}`;
}
