import type { CustomerKind, StaffRole } from '@careloop/shared';

export const KIND_LABELS: Record<CustomerKind, string> = {
  patient: '患者 Patient',
  hcp: '医生 HCP',
};

export const ROLE_LABELS: Record<StaffRole, string> = {
  admin: '管理员 Admin',
  manager: '经理 Manager',
  staff: '员工 Staff',
};

export const NO_NICKNAME = '未设置昵称';

export function customerDisplayName(name: string | null | undefined): string {
  return name && name.trim() ? name : NO_NICKNAME;
}
