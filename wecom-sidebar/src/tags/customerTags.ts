/**
 * The sidebar's tags: the customer's tags (from the 360° profile) grouped by source, each with where it came from —
 * 手动 by whom and when, 规则 which rule, 渠道 which campaign, 关键词 which note — and what the signed-in staff member
 * may do with it; and the library's static tags they may put on the customer.
 */
import type { Customer360, StaffRole } from '@careloop/shared';
import type { AttributionLine } from '../campaigns/attribution';
import { formatDateTime } from '../profile/format';
import { TAG_SOURCE_LABELS, TAG_SOURCE_TITLES, TAG_SOURCES } from './labels';
import type { CustomerNote, TagDefinition, TagKind, TagLibrary, TagSource } from './types';

export type ProfileTag = Customer360['tags'][number];

export interface CustomerTagView {
  name: string;
  source: TagSource;
  /** The library's tag (null when the library does not know the name, e.g. not loaded yet). */
  tagId: string | null;
  kind: TagKind;
  colour: string | null;
  /** Where it came from, e.g. `手动 · 张伟 · 2026-03-05 09:05`, `规则 · 按规则自动添加 · …`. */
  provenance: string;
  /** The staff member may take it off (not a rule tag; managers-only tags for managers). */
  removable: boolean;
  /** Tapping it explains it (a rule tag of the library). */
  explainable: boolean;
}

export interface TagSourceGroup {
  source: TagSource;
  title: string;
  tags: CustomerTagView[];
}

export interface TagContext {
  library: TagLibrary | null;
  notes?: readonly CustomerNote[] | null;
  attribution?: readonly AttributionLine[];
  roles: readonly StaffRole[];
}

export const isTagManager = (roles: readonly StaffRole[]) => roles.includes('manager') || roles.includes('admin');

const snippet = (text: string, max = 12) => ([...text].length > max ? `${[...text].slice(0, max).join('')}…` : text);

function origin(tag: ProfileTag, context: TagContext): string {
  switch (tag.source) {
    case 'manual':
      return tag.setBy ? (tag.setBy.name ?? '员工') : '员工';
    case 'rule':
      return '按规则自动添加';
    case 'channel': {
      const lines = context.attribution ?? [];
      const line =
        lines.find((item) => item.campaignId === tag.setBy?.id) ??
        lines.find((item) => item.which === 'last') ??
        lines.find((item) => item.which === 'only');
      return line ? `活动 ${line.text.replace(/^[^:]*:\s*/, '')}` : '渠道活动';
    }
    case 'keyword': {
      const note = context.notes?.find((item) => item.id === tag.setBy?.id);
      return note ? `${note.staff.name ?? '员工'}的备注「${snippet(note.text)}」` : '备注中的关键词';
    }
  }
}

function view(tag: ProfileTag, definition: TagDefinition | undefined, context: TagContext): CustomerTagView {
  const kind = definition?.kind ?? (tag.source === 'rule' ? 'dynamic' : 'static');
  const managersOnly = definition?.applyBy === 'managers';
  return {
    name: tag.name,
    source: tag.source,
    tagId: definition?.id ?? null,
    kind,
    colour: definition?.colour ?? null,
    provenance: [TAG_SOURCE_LABELS[tag.source] ?? tag.source, origin(tag, context), formatDateTime(tag.setAt)]
      .filter(Boolean)
      .join(' · '),
    removable: tag.source !== 'rule' && kind !== 'dynamic' && (!managersOnly || isTagManager(context.roles)),
    explainable: !!definition && kind === 'dynamic',
  };
}

/** The customer's tags by source (manual, rule, channel, keyword), empty sources left out, oldest first in each. */
export function groupTagsBySource(tags: readonly ProfileTag[], context: TagContext): TagSourceGroup[] {
  const byName = new Map((context.library?.tags ?? []).map((tag) => [tag.name, tag]));
  return TAG_SOURCES.map((source) => ({
    source,
    title: TAG_SOURCE_TITLES[source],
    tags: tags.filter((tag) => tag.source === source).map((tag) => view(tag, byName.get(tag.name), context)),
  })).filter((group) => group.tags.length > 0);
}

export interface TagChoiceGroup {
  label: string;
  tags: { name: string; description: string }[];
}

/**
 * The library's static tags the staff member may put on the customer (not ones they carry already; managers-only
 * tags for managers), by group in the library's order, ungrouped last.
 */
export function tagChoices(
  library: TagLibrary | null,
  present: readonly string[],
  roles: readonly StaffRole[],
): TagChoiceGroup[] {
  if (!library) return [];
  const manager = isTagManager(roles);
  const usable = library.tags.filter(
    (tag) => tag.kind === 'static' && !present.includes(tag.name) && (tag.applyBy === 'all_staff' || manager),
  );
  const groups: TagChoiceGroup[] = library.groups.map((group) => ({
    label: group.name,
    tags: usable
      .filter((tag) => tag.groupId === group.id)
      .map((tag) => ({ name: tag.name, description: tag.description })),
  }));
  const known = new Set(library.groups.map((group) => group.id));
  groups.push({
    label: '未分组',
    tags: usable
      .filter((tag) => !tag.groupId || !known.has(tag.groupId))
      .map((tag) => ({ name: tag.name, description: tag.description })),
  });
  return groups.filter((group) => group.tags.length > 0);
}
