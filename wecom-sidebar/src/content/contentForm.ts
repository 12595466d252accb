/**
 * The content editor's form. The draft holds what the inputs hold (strings; the article body as the editor's HTML);
 * `buildCreateRequest` and `buildUpdateRequest` check it with the rules the BFF enforces (CreateContentRequest and
 * UpdateContentRequest in shared/src/content.ts) and turn it into the request: a new draft, or a save of only the
 * fields that changed on top of the version the editor started from.
 */
import { checkTagName } from '../profile/tags';
import type { FieldErrors, FormResult } from '../shell/forms';
import { cleanEditorHtml, hasBody } from './richText';
import type {
  ContentAudience,
  ContentKind,
  ContentVersion,
  CreateContentRequest,
  StaffContent,
  UpdateContentRequest,
} from './types';

export const CONTENT_LIMITS = {
  title: 100,
  summary: 200,
  url: 1000,
  tags: 10,
  tagLength: 20,
  bodyChars: 50_000,
  videoSeconds: 86_400,
} as const;

const CATEGORY = /^[a-z][a-z0-9_-]{0,31}$/;

export interface ContentDraft {
  kind: ContentKind;
  title: string;
  summary: string;
  coverUrl: string;
  category: string;
  /** Tag names separated by commas (、，, or line breaks). */
  tags: string;
  audience: ContentAudience;
  /** The editor's HTML (tidied when the request is built). */
  body: string;
  videoUrl: string;
  /** Seconds, or minutes:seconds; '' when unknown. */
  videoDuration: string;
}

export type ContentField = keyof ContentDraft;

export function emptyContentDraft(kind: ContentKind = 'article'): ContentDraft {
  return {
    kind,
    title: '',
    summary: '',
    coverUrl: '',
    category: '',
    tags: '',
    audience: 'patient',
    body: '',
    videoUrl: '',
    videoDuration: '',
  };
}

/** `180` → `3:00`; null → ''. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '';
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}

/** `90`, `1:30`, `1:02:03` → seconds; '' → null; anything else → NaN. */
export function parseDuration(input: string): number | null {
  const value = input.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value);
  const match = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(value);
  if (!match) return Number.NaN;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  if (Number(seconds) > 59 || (match[1] !== undefined && Number(minutes) > 59)) return Number.NaN;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

/** The draft of an item's latest version, for editing it. */
export function draftFromVersion(kind: ContentKind, version: ContentVersion): ContentDraft {
  return {
    kind,
    title: version.title,
    summary: version.summary,
    coverUrl: version.coverUrl ?? '',
    category: version.category,
    tags: version.tags.join('，'),
    audience: version.audience,
    body: version.body,
    videoUrl: version.video?.url ?? '',
    videoDuration: formatDuration(version.video?.durationSeconds ?? null),
  };
}

/** `矫正，青少年、 矫正` → the tag names, each checked, duplicates dropped. */
export function parseContentTags(input: string): { names: string[]; error: string | null } {
  const names: string[] = [];
  for (const part of input.split(/[,，、;；\n]/)) {
    if (!part.trim()) continue;
    const checked = checkTagName(part);
    if (!checked.ok) return { names, error: `「${part.trim()}」：${checked.message}` };
    if (!names.includes(checked.name)) names.push(checked.name);
  }
  if (names.length > CONTENT_LIMITS.tags) return { names, error: `最多 ${CONTENT_LIMITS.tags} 个标签` };
  return { names, error: null };
}

const length = (value: string) => [...value].length;

function checkUrl(value: string, httpsOnly: boolean): string | null {
  if (length(value) > CONTENT_LIMITS.url) return `链接最多 ${CONTENT_LIMITS.url} 个字符`;
  try {
    const url = new URL(value);
    if (url.protocol === 'https:') return null;
    if (url.protocol === 'http:' && !httpsOnly) return null;
    return httpsOnly ? '请填写 https 开头的地址 Use an https URL' : '请填写 http(s) 开头的地址 Use an http(s) URL';
  } catch {
    return '请填写完整的地址（https://…） Enter a full URL';
  }
}

type Fields = Omit<CreateContentRequest, 'kind'>;

/** Every field checked; the values as the API takes them, or the errors by field. */
function checkDraft(draft: ContentDraft): { fields: Fields; errors: FieldErrors<ContentField> } {
  const errors: FieldErrors<ContentField> = {};
  const title = draft.title.trim();
  if (!title) errors.title = '请输入标题 Enter a title';
  else if (length(title) > CONTENT_LIMITS.title) errors.title = `标题最多 ${CONTENT_LIMITS.title} 个字`;
  const summary = draft.summary.trim();
  if (length(summary) > CONTENT_LIMITS.summary) errors.summary = `摘要最多 ${CONTENT_LIMITS.summary} 个字`;
  const coverUrl = draft.coverUrl.trim() || null;
  const coverError = coverUrl ? checkUrl(coverUrl, false) : null;
  if (coverError) errors.coverUrl = coverError;
  const category = draft.category.trim().toLowerCase();
  if (!category) errors.category = '请选择或填写分类 Choose a category';
  else if (!CATEGORY.test(category)) errors.category = '分类用小写字母开头，只含字母、数字、_ 或 -（最多 32 个）';
  const tags = parseContentTags(draft.tags);
  if (tags.error) errors.tags = tags.error;

  const body = cleanEditorHtml(draft.body);
  if (draft.kind === 'article' && !hasBody(body)) errors.body = '请填写正文 Write the article';
  else if (body.length > CONTENT_LIMITS.bodyChars) {
    errors.body = `正文过长（${body.length} / ${CONTENT_LIMITS.bodyChars} 字符）`;
  }

  let video: Fields['video'] = null;
  if (draft.kind === 'video') {
    const url = draft.videoUrl.trim();
    const urlError = url ? checkUrl(url, true) : '请填写视频地址（https） Enter the video URL';
    if (urlError) errors.videoUrl = urlError;
    const seconds = parseDuration(draft.videoDuration);
    if (seconds !== null && (!Number.isInteger(seconds) || seconds < 1 || seconds > CONTENT_LIMITS.videoSeconds)) {
      errors.videoDuration = '时长写成秒数或 分:秒（如 3:00） Seconds or m:ss';
    }
    if (!urlError) video = { url, durationSeconds: Number.isInteger(seconds) ? seconds : null };
  }
  return {
    fields: { title, summary, coverUrl, category, tags: tags.names, audience: draft.audience, body, video },
    errors,
  };
}

export function buildCreateRequest(draft: ContentDraft): FormResult<CreateContentRequest, ContentField> {
  const { fields, errors } = checkDraft(draft);
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, request: { kind: draft.kind, ...fields } };
}

/** JSON with object keys sorted: the same value however its keys were ordered. */
const stableJson = (value: unknown) =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : inner,
  );
const same = (a: unknown, b: unknown) => stableJson(a) === stableJson(b);

/**
 * A save on top of the item's latest version: only the fields that differ from it. Nothing changed is an error on
 * the form (`title`), as the server would refuse an empty save.
 */
export function buildUpdateRequest(
  draft: ContentDraft,
  content: Pick<StaffContent, 'working'>,
): FormResult<UpdateContentRequest, ContentField | 'form'> {
  const { fields, errors } = checkDraft(draft);
  if (Object.keys(errors).length) return { ok: false, errors };
  const base = content.working;
  const current: Fields = {
    title: base.title,
    summary: base.summary,
    coverUrl: base.coverUrl,
    category: base.category,
    tags: base.tags,
    audience: base.audience,
    body: base.body,
    video: base.video,
  };
  const request: UpdateContentRequest = { baseVersion: base.number };
  for (const key of Object.keys(fields) as (keyof Fields)[]) {
    // A body the editor did not touch is the stored one, however the tidying would write it.
    if (key === 'body' && draft.body === base.body) continue;
    if (!same(fields[key], current[key])) Object.assign(request, { [key]: fields[key] });
  }
  if (Object.keys(request).length === 1) return { ok: false, errors: { form: '没有修改 Nothing changed' } };
  return { ok: true, request };
}
