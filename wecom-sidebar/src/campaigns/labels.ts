/** Names of channel kinds and campaign states as the workbench shows them. */
import type { CampaignStatus, ChannelKind } from './types';

export const CHANNEL_KIND_LABELS: Record<ChannelKind, string> = {
  poster: '海报 Poster',
  doctor_referral: '医生转介绍 Doctor referral',
  event: '活动 Event',
  ad_platform: '广告平台 Ads',
  staff_card: '员工名片 Staff card',
  other: '其他 Other',
};

export const CHANNEL_KINDS = Object.keys(CHANNEL_KIND_LABELS) as ChannelKind[];

export const CAMPAIGN_STATUS_LABELS: Record<CampaignStatus, string> = {
  scheduled: '未开始',
  active: '进行中',
  ended: '已结束',
};

/** The badge colour of a campaign's status (the appointment badges' tones). */
export const CAMPAIGN_STATUS_TONES: Record<CampaignStatus, 'pending' | 'done' | 'off'> = {
  scheduled: 'pending',
  active: 'done',
  ended: 'off',
};
