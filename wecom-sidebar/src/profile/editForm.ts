/**
 * The base-data form: a draft from the profile, and the PATCH body of what changed (nothing else is sent, so the
 * audit trail names only the fields staff actually changed), with the same limits the BFF enforces.
 */
import type { Customer360, CustomerKind, UpdateCustomerRequest } from '@careloop/shared';
import type { Gender } from './profileView';

export interface EditDraft {
  name: string;
  kind: CustomerKind;
  gender: Gender | '';
  /** YYYY-MM-DD or ''. */
  birthday: string;
  hospital: string;
  department: string;
  title: string;
  /** A number staff typed; '' leaves the phone as it is. */
  phone: string;
}

export type EditField = keyof EditDraft;

export type EditResult =
  /** `changes` is empty when nothing changed. */
  { ok: true; changes: UpdateCustomerRequest } | { ok: false; errors: Partial<Record<EditField, string>> };

type Customer = Customer360['customer'];

export function draftFromCustomer(customer: Customer): EditDraft {
  return {
    name: customer.name ?? '',
    kind: customer.kind,
    gender: customer.gender ?? '',
    birthday: customer.birthday ?? '',
    hospital: customer.hcp?.hospital ?? '',
    department: customer.hcp?.department ?? '',
    title: customer.hcp?.title ?? '',
    phone: '',
  };
}

/** A real calendar day, YYYY-MM-DD, between 1900-01-01 and `today` (in the organisation's zone). */
export function isValidBirthday(value: string, today: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  return value >= '1900-01-01' && value <= today;
}

/** What a person may type for a mainland mobile number: spaces, dashes, +86. The BFF has the last word. */
export function looksLikeMobile(value: string): boolean {
  let digits = value.normalize('NFKC').replace(/[\s\-.()]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return /^1[3-9]\d{9}$/.test(digits);
}

const LIMITS = { name: 40, hospital: 80, department: 80, title: 40 } as const;
const tooLong = (value: string, max: number) => [...value].length > max;
const orNull = (value: string) => (value.trim() ? value.trim() : null);

export function buildCustomerUpdate(customer: Customer, draft: EditDraft, today: string): EditResult {
  const errors: Partial<Record<EditField, string>> = {};
  const changes: UpdateCustomerRequest = {};

  const name = draft.name.trim();
  if (name !== (customer.name ?? '').trim()) {
    if (!name) errors.name = '姓名不能为空 Name is required';
    else if (tooLong(name, LIMITS.name)) errors.name = `最多 ${LIMITS.name} 个字`;
    else changes.name = name;
  }

  if (draft.kind !== customer.kind) changes.kind = draft.kind;

  const gender = draft.gender || null;
  if (gender !== (customer.gender ?? null)) changes.gender = gender;

  const birthday = draft.birthday.trim() || null;
  if (birthday !== (customer.birthday ?? null)) {
    if (birthday && !isValidBirthday(birthday, today)) errors.birthday = '请输入有效的生日 (YYYY-MM-DD)';
    else changes.birthday = birthday;
  }

  if (draft.kind === 'hcp') {
    const hcp = { hospital: orNull(draft.hospital), department: orNull(draft.department), title: orNull(draft.title) };
    for (const field of ['hospital', 'department', 'title'] as const) {
      const value = hcp[field];
      if (value && tooLong(value, LIMITS[field])) errors[field] = `最多 ${LIMITS[field]} 个字`;
    }
    const before = customer.hcp;
    const differs =
      !before ||
      hcp.hospital !== (before.hospital ?? null) ||
      hcp.department !== (before.department ?? null) ||
      hcp.title !== (before.title ?? null);
    // A new HCP gets its details (even empty) so the profile has an HCP record to verify.
    if (differs && !errors.hospital && !errors.department && !errors.title) changes.hcp = hcp;
  }

  const phone = draft.phone.trim();
  if (phone) {
    if (!looksLikeMobile(phone)) errors.phone = '请输入 11 位手机号 Mainland mobile number';
    else changes.phone = phone;
  }

  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, changes };
}
