/** The channel form: a name, a kind and a note, checked as the BFF checks them (CreateChannelRequest). */
import type { FormResult } from '../shell/forms';
import type { ChannelKind, CreateChannelRequest } from './types';

export const CHANNEL_LIMITS = { name: 40, description: 200 } as const;

export interface ChannelDraft {
  name: string;
  kind: ChannelKind;
  description: string;
}

export type ChannelField = keyof ChannelDraft;

export const emptyChannelDraft = (): ChannelDraft => ({ name: '', kind: 'poster', description: '' });

export function buildChannelRequest(
  draft: ChannelDraft,
  existingNames: readonly string[] = [],
): FormResult<CreateChannelRequest, ChannelField> {
  const errors: Partial<Record<ChannelField, string>> = {};
  const name = draft.name.trim();
  const description = draft.description.trim();
  if (!name) errors.name = '请输入渠道名称 Enter a name';
  else if ([...name].length > CHANNEL_LIMITS.name) errors.name = `名称最多 ${CHANNEL_LIMITS.name} 个字`;
  else if (existingNames.includes(name)) errors.name = `已有渠道「${name}」 Already exists`;
  if ([...description].length > CHANNEL_LIMITS.description) {
    errors.description = `说明最多 ${CHANNEL_LIMITS.description} 个字`;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, request: { name, kind: draft.kind, description } };
}
