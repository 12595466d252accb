/**
 * The tag form (name, group, colour, description, who may apply, chat keywords) and the tag group form, checked as
 * the BFF checks them (CreateTagRequest, UpdateTagRequest, CreateTagGroupRequest). An edit sends only what changed,
 * so saving a tag whose rule did not change starts no recompute.
 */
import { checkTagName } from '../profile/tags';
import type { FieldErrors, FormResult } from '../shell/forms';
import { splitValues } from './ruleDraft';
import type {
  CreateTagGroupRequest,
  CreateTagRequest,
  RuleCondition,
  TagApplyBy,
  TagDefinition,
  TagGroup,
  TagKind,
  UpdateTagRequest,
} from './types';

export const TAG_LIMITS = { description: 500, keyword: 30, keywords: 50, groupName: 30 } as const;
const COLOUR = /^#[0-9a-fA-F]{6}$/;

export interface TagDraft {
  name: string;
  /** '' for no group. */
  groupId: string;
  /** '' for no colour. */
  colour: string;
  description: string;
  applyBy: TagApplyBy;
  /** Static tags: keywords separated by commas. */
  keywords: string;
}

export type TagField = keyof TagDraft | 'rule';

export const emptyTagDraft = (): TagDraft => ({
  name: '',
  groupId: '',
  colour: '',
  description: '',
  applyBy: 'all_staff',
  keywords: '',
});

export function tagDraftOf(tag: TagDefinition): TagDraft {
  return {
    name: tag.name,
    groupId: tag.groupId ?? '',
    colour: tag.colour ?? '',
    description: tag.description,
    applyBy: tag.applyBy,
    keywords: tag.keywords.join(', '),
  };
}

interface Checked {
  name: string;
  groupId: string | null;
  colour: string | null;
  description: string;
  applyBy: TagApplyBy;
  keywords: string[];
}

function check(
  draft: TagDraft,
  kind: TagKind,
  otherNames: readonly string[],
): { ok: true; value: Checked } | { ok: false; errors: FieldErrors<TagField> } {
  const errors: FieldErrors<TagField> = {};
  const name = checkTagName(draft.name, otherNames);
  if (!name.ok) errors.name = name.message;
  const colour = draft.colour.trim();
  if (colour && !COLOUR.test(colour)) errors.colour = '颜色格式如 #1f8a70';
  const description = draft.description.trim();
  if ([...description].length > TAG_LIMITS.description) errors.description = `说明最多 ${TAG_LIMITS.description} 个字`;
  const keywords = [...new Set(splitValues(draft.keywords))];
  if (kind === 'dynamic' && keywords.length) errors.keywords = '关键词只用于静态标签';
  else if (keywords.length > TAG_LIMITS.keywords) errors.keywords = `最多 ${TAG_LIMITS.keywords} 个关键词`;
  else if (keywords.some((keyword) => [...keyword].length > TAG_LIMITS.keyword)) {
    errors.keywords = `每个关键词最多 ${TAG_LIMITS.keyword} 个字`;
  }
  if (Object.keys(errors).length || !name.ok) return { ok: false, errors };
  return {
    ok: true,
    value: {
      name: name.name,
      groupId: draft.groupId || null,
      colour: colour ? colour.toLowerCase() : null,
      description,
      applyBy: draft.applyBy,
      keywords,
    },
  };
}

/** A new tag: static (with its keywords) or dynamic (with its rule). */
export function buildCreateTag(
  draft: TagDraft,
  kind: TagKind,
  rule: RuleCondition | null,
  existingNames: readonly string[] = [],
): FormResult<CreateTagRequest, TagField> {
  const checked = check(draft, kind, existingNames);
  if (!checked.ok) return checked;
  if (kind === 'dynamic' && !rule) return { ok: false, errors: { rule: '请完成规则条件' } };
  const { keywords, ...fields } = checked.value;
  return {
    ok: true,
    request:
      kind === 'dynamic'
        ? { ...fields, kind, rule: rule! }
        : { ...fields, kind, ...(keywords.length ? { keywords } : {}) },
  };
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The changes to a tag; an empty object when nothing changed. `rule` only when it differs from the saved one. */
export function buildUpdateTag(
  draft: TagDraft,
  tag: TagDefinition,
  rule: RuleCondition | null,
  otherNames: readonly string[] = [],
): FormResult<UpdateTagRequest, TagField> {
  const checked = check(draft, tag.kind, otherNames);
  if (!checked.ok) return checked;
  if (tag.kind === 'dynamic' && !rule) return { ok: false, errors: { rule: '请完成规则条件' } };
  const value = checked.value;
  const changes: UpdateTagRequest = {};
  if (value.name !== tag.name) changes.name = value.name;
  if (value.groupId !== tag.groupId) changes.groupId = value.groupId;
  if (value.colour !== (tag.colour ? tag.colour.toLowerCase() : null)) changes.colour = value.colour;
  if (value.description !== tag.description) changes.description = value.description;
  if (value.applyBy !== tag.applyBy) changes.applyBy = value.applyBy;
  if (tag.kind === 'static' && !sameJson(value.keywords, tag.keywords)) changes.keywords = value.keywords;
  if (tag.kind === 'dynamic' && rule && !sameJson(rule, tag.rule)) changes.rule = rule;
  return { ok: true, request: changes };
}

export interface GroupDraft {
  name: string;
  colour: string;
  description: string;
}

export const emptyGroupDraft = (): GroupDraft => ({ name: '', colour: '', description: '' });

export function buildGroupRequest(
  draft: GroupDraft,
  groups: readonly Pick<TagGroup, 'name'>[] = [],
): FormResult<CreateTagGroupRequest, keyof GroupDraft> {
  const errors: FieldErrors<keyof GroupDraft> = {};
  const name = draft.name.trim();
  if (!name) errors.name = '请输入分组名称';
  else if ([...name].length > TAG_LIMITS.groupName) errors.name = `分组名称最多 ${TAG_LIMITS.groupName} 个字`;
  else if (groups.some((group) => group.name === name)) errors.name = `已有分组「${name}」`;
  const colour = draft.colour.trim();
  if (colour && !COLOUR.test(colour)) errors.colour = '颜色格式如 #1f8a70';
  const description = draft.description.trim();
  if ([...description].length > TAG_LIMITS.description) errors.description = `说明最多 ${TAG_LIMITS.description} 个字`;
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    request: { name, ...(colour ? { colour: colour.toLowerCase() } : {}), ...(description ? { description } : {}) },
  };
}
