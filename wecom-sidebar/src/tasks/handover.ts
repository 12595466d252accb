/**
 * 离职交接 as the workbench shows it: who can leave (the active staff, and members no longer active who still hold
 * tasks), the form checked as the BFF checks it (HandoverRequest), and a handover's progress — tasks and customers
 * moved, each external contact's takeover state with WeCom's answer in words.
 */
import { HANDOVER_STATE_HINTS, HANDOVER_STATE_LABELS, HANDOVER_STATE_TONES, HANDOVER_STATES } from './labels';
import type { FormResult } from '../shell/forms';
import { wecomTransferError } from './errors';
import type { Handover, HandoverContact, HandoverRequest, StaffFigures, StaffMemberSummary } from './types';

export const HANDOVER_MESSAGE_MAX = 200;

export interface HandoverDraft {
  fromStaffId: string;
  successorStaffId: string;
  /** '' until the manager says whether the member has left the corp in WeCom. */
  resigned: 'yes' | 'no' | '';
  transferSuccessMessage: string;
}

export type HandoverField = keyof HandoverDraft;

export const emptyHandoverDraft = (): HandoverDraft => ({
  fromStaffId: '',
  successorStaffId: '',
  resigned: '',
  transferSuccessMessage: '',
});

export interface LeaverOption {
  id: string;
  name: string;
  active: boolean;
}

/**
 * Who can be handed over: the active staff, then members the task figures still name who are no longer active (they
 * left in CareLoop already, their work still waits), each once.
 */
export function leaverOptions(
  active: readonly StaffMemberSummary[],
  figures: readonly StaffFigures[] = [],
): LeaverOption[] {
  const options: LeaverOption[] = active
    .map((member) => ({ id: member.id, name: member.name, active: true }))
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  const known = new Set(options.map((option) => option.id));
  for (const row of figures) {
    if (!row.staff || known.has(row.staff.id)) continue;
    known.add(row.staff.id);
    options.push({ id: row.staff.id, name: `${row.staff.name ?? '未知员工'}（已停用）`, active: false });
  }
  return options;
}

export function buildHandoverRequest(
  draft: HandoverDraft,
): FormResult<{ fromStaffId: string; request: HandoverRequest }, HandoverField> {
  const errors: Partial<Record<HandoverField, string>> = {};
  const message = draft.transferSuccessMessage.trim();
  if (!draft.fromStaffId) errors.fromStaffId = '请选择离职员工 Pick the member who leaves';
  if (!draft.successorStaffId) errors.successorStaffId = '请选择接替人 Pick a successor';
  else if (draft.successorStaffId === draft.fromStaffId) errors.successorStaffId = '接替人不能是离职员工本人';
  if (!draft.resigned) errors.resigned = '请选择该员工是否已在企业微信离职';
  if (draft.resigned === 'no' && [...message].length > HANDOVER_MESSAGE_MAX) {
    errors.transferSuccessMessage = `最多 ${HANDOVER_MESSAGE_MAX} 个字`;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const resigned = draft.resigned === 'yes';
  return {
    ok: true,
    request: {
      fromStaffId: draft.fromStaffId,
      request: {
        successorStaffId: draft.successorStaffId,
        resigned,
        ...(!resigned && message && { transferSuccessMessage: message }),
      },
    },
  };
}

/** Contacts with a final answer (taken over, refused, too many for the successor, failed) out of all. */
export function handoverProgress(handover: Handover): { settled: number; total: number; percent: number } {
  const { contacts } = handover;
  const settled = contacts.success + contacts.refused + contacts.limit_exceeded + contacts.failed;
  return {
    settled,
    total: contacts.total,
    percent: contacts.total ? Math.round((settled / contacts.total) * 100) : 100,
  };
}

/** The states that have contacts, in the contract's order, with their words and colours. */
export function contactStateCounts(handover: Handover) {
  return HANDOVER_STATES.filter((state) => handover.contacts[state] > 0).map((state) => ({
    state,
    count: handover.contacts[state],
    label: HANDOVER_STATE_LABELS[state],
    hint: HANDOVER_STATE_HINTS[state],
    tone: HANDOVER_STATE_TONES[state],
  }));
}

/** One unfinished contact's line: its state, and why WeCom refused it when it did. */
export function contactDetail(contact: HandoverContact): string {
  if (contact.state === 'failed') return wecomTransferError(contact.errcode);
  return HANDOVER_STATE_HINTS[contact.state];
}

/** The whole batch's refusal (e.g. 40097), which is retried on the next run. */
export function lastErrorText(handover: Handover): string | null {
  if (!handover.lastError) return null;
  const { errcode, errmsg } = handover.lastError;
  const known = wecomTransferError(errcode);
  return known.startsWith('企业微信错误码') ? `${known}：${errmsg}` : known;
}

export const HANDOVER_STATUS_LABELS: Record<Handover['status'], string> = {
  in_progress: '进行中',
  done: '已完成',
};
