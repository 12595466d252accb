/**
 * The campaign form. The draft holds what the inputs hold (strings; times on the organisation's clock; cost in yuan);
 * `buildCampaignRequest` checks it with the rules the BFF enforces (CreateCampaignRequest in shared/src/campaigns.ts):
 * a contact-me code needs a staff member, at least one code, the end after the start, at most 10 tags.
 */
import { checkTagName } from '../profile/tags';
import { isoToZonedInput, yuanToFen, zonedToIso, type FormResult } from '../shell/forms';
import type { CreateCampaignRequest, UpdateCampaignRequest } from './types';

export const CAMPAIGN_LIMITS = {
  name: 40,
  tags: 10,
  title: 40,
  description: 500,
  imageUrl: 500,
  welcomeText: 500,
  maxCostFen: 1_000_000_000,
} as const;

export interface CampaignDraft {
  name: string;
  channelId: string;
  /** '' for none. */
  staffId: string;
  /** '' for none. */
  couponTemplateId: string;
  /** Tag names separated by commas (、，, or spaces around them). */
  tags: string;
  landingTitle: string;
  landingDescription: string;
  landingImageUrl: string;
  welcomeText: string;
  /** datetime-local values on the organisation's clock; endsAt '' for open-ended. */
  startsAt: string;
  endsAt: string;
  costYuan: string;
  miniProgram: boolean;
  contactMe: boolean;
}

export type CampaignField = keyof CampaignDraft | 'codes';

export function emptyCampaignDraft(now: Date = new Date()): CampaignDraft {
  return {
    name: '',
    channelId: '',
    staffId: '',
    couponTemplateId: '',
    tags: '',
    landingTitle: '',
    landingDescription: '',
    landingImageUrl: '',
    welcomeText: '',
    startsAt: isoToZonedInput(now),
    endsAt: '',
    costYuan: '0',
    miniProgram: true,
    contactMe: false,
  };
}

/** `种植, 洗牙、 新客` → the tag names, each checked, duplicates dropped. */
export function parseTags(input: string): { names: string[]; error: string | null } {
  const names: string[] = [];
  for (const part of input.split(/[,，、;；\n]/)) {
    if (!part.trim()) continue;
    const checked = checkTagName(part);
    if (!checked.ok) return { names, error: `「${part.trim()}」：${checked.message}` };
    if (!names.includes(checked.name)) names.push(checked.name);
  }
  if (names.length > CAMPAIGN_LIMITS.tags) return { names, error: `最多 ${CAMPAIGN_LIMITS.tags} 个标签` };
  return { names, error: null };
}

const length = (value: string) => [...value].length;

function checkImageUrl(value: string): string | null {
  if (length(value) > CAMPAIGN_LIMITS.imageUrl) return `链接最多 ${CAMPAIGN_LIMITS.imageUrl} 个字符`;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? null : '请填写 https 图片链接';
  } catch {
    return '请填写完整的图片链接（https://…） Enter a full URL';
  }
}

export function buildCampaignRequest(draft: CampaignDraft): FormResult<CreateCampaignRequest, CampaignField> {
  const errors: Partial<Record<CampaignField, string>> = {};
  const name = draft.name.trim();
  if (!name) errors.name = '请输入活动名称 Enter a name';
  else if (length(name) > CAMPAIGN_LIMITS.name) errors.name = `名称最多 ${CAMPAIGN_LIMITS.name} 个字`;
  if (!draft.channelId) errors.channelId = '请选择渠道 Choose a channel';

  const tags = parseTags(draft.tags);
  if (tags.error) errors.tags = tags.error;

  // The landing page's title defaults to the campaign's name.
  const title = draft.landingTitle.trim() || name;
  if (length(title) > CAMPAIGN_LIMITS.title) errors.landingTitle = `标题最多 ${CAMPAIGN_LIMITS.title} 个字`;
  const description = draft.landingDescription.trim();
  if (length(description) > CAMPAIGN_LIMITS.description) {
    errors.landingDescription = `介绍最多 ${CAMPAIGN_LIMITS.description} 个字`;
  }
  const imageUrl = draft.landingImageUrl.trim() || null;
  const imageError = imageUrl ? checkImageUrl(imageUrl) : null;
  if (imageError) errors.landingImageUrl = imageError;
  const welcomeText = draft.welcomeText.trim();
  if (length(welcomeText) > CAMPAIGN_LIMITS.welcomeText) {
    errors.welcomeText = `欢迎语最多 ${CAMPAIGN_LIMITS.welcomeText} 个字`;
  }

  const startsAt = zonedToIso(draft.startsAt);
  if (!startsAt) errors.startsAt = '请选择开始时间 Choose the start';
  const endsAt = draft.endsAt.trim() ? zonedToIso(draft.endsAt) : null;
  if (draft.endsAt.trim() && !endsAt) errors.endsAt = '结束时间无效 Invalid end';
  else if (startsAt && endsAt && endsAt <= startsAt) errors.endsAt = '结束时间须晚于开始时间 End after the start';

  const costFen = draft.costYuan.trim() ? yuanToFen(draft.costYuan) : 0;
  if (costFen === null || costFen > CAMPAIGN_LIMITS.maxCostFen) errors.costYuan = '请输入成本（元，最多两位小数）';

  if (!draft.miniProgram && !draft.contactMe) errors.codes = '至少生成一种二维码 Choose at least one code';
  else if (draft.contactMe && !draft.staffId)
    errors.staffId = '「联系我」二维码需要选择员工 Contact-me needs a staff member';

  if (Object.keys(errors).length || !startsAt) return { ok: false, errors };
  return {
    ok: true,
    request: {
      name,
      channelId: draft.channelId,
      staffId: draft.staffId || null,
      couponTemplateId: draft.couponTemplateId || null,
      tagNames: tags.names,
      landing: { title, description, imageUrl },
      welcomeText,
      startsAt,
      endsAt,
      costFen: costFen!,
      codes: { miniProgram: draft.miniProgram, contactMe: draft.contactMe },
    },
  };
}

/** A cost typed in yuan → the campaign's change (`costFen`), or why not. */
export function buildCostChange(input: string): FormResult<UpdateCampaignRequest, 'cost'> {
  const costFen = input.trim() ? yuanToFen(input) : 0;
  if (costFen === null || costFen > CAMPAIGN_LIMITS.maxCostFen) {
    return { ok: false, errors: { cost: '请输入成本（元，最多两位小数）' } };
  }
  return { ok: true, request: { costFen } };
}
