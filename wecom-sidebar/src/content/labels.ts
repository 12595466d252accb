/** Names of content states, audiences, kinds and categories as the workbench and the sidebar show them. */
import type { ContentAudience, ContentKind, ContentStatus } from './types';
import { CONTENT_CATEGORY_LABELS } from '@careloop/shared/words';

export const CONTENT_STATUS_LABELS: Record<ContentStatus, string> = {
  draft: '草稿',
  in_review: '待审核',
  approved: '已通过',
  published: '已发布',
  archived: '已归档',
};

/** The badge colour of a state (the appointment badges' tones). */
export const CONTENT_STATUS_TONES: Record<ContentStatus, 'pending' | 'ok' | 'done' | 'off'> = {
  draft: 'off',
  in_review: 'pending',
  approved: 'ok',
  published: 'done',
  archived: 'off',
};

export const CONTENT_STATUSES = Object.keys(CONTENT_STATUS_LABELS) as ContentStatus[];

export const AUDIENCE_LABELS: Record<ContentAudience, string> = {
  public: '公开',
  patient: '患者',
  hcp: '仅认证医生',
};

export const AUDIENCE_HINTS: Record<ContentAudience, string> = {
  public: '所有用户都能看到 Everyone',
  patient: '所有客户都能看到 Customers',
  hcp: '仅对已认证的医疗专业人士可见（学术、处方相关内容） Verified HCPs only',
};

export const CONTENT_AUDIENCES = Object.keys(AUDIENCE_LABELS) as ContentAudience[];

export const KIND_LABELS: Record<ContentKind, string> = {
  article: '图文',
  video: '视频',
};
export const CONTENT_KINDS = Object.keys(KIND_LABELS) as ContentKind[];

/** Categories staff usually pick (tag rules match on the key); any other key may be typed. */
export const CATEGORY_LABELS = CONTENT_CATEGORY_LABELS;

export function categoryLabel(category: string): string {
  const label = CATEGORY_LABELS[category];
  return label ? `${label} ${category}` : category;
}
