/** Who brought the customer: the first and last campaign touches, as one line each for the profile header. */
import { formatDateTime } from '../profile/format';
import type { CampaignTouch, CustomerAttribution } from './types';

export const TOUCH_VIA_LABELS: Record<CampaignTouch['via'], string> = {
  mini_program_code: '扫小程序码',
  link: '打开链接',
  share: '好友分享',
  contact_me: '扫码添加企业微信',
};

/** `地铁海报 · 洗牙季 · 张伟`: channel, campaign, and the staff member when the campaign has one. */
export function touchText(touch: CampaignTouch): string {
  return [touch.channel.name, touch.campaign.name, touch.staff?.name].filter(Boolean).join(' · ');
}

export interface AttributionLine {
  which: 'first' | 'last' | 'only';
  label: string;
  /** `来源: 地铁海报 · 洗牙季 · 张伟`, `首次来源: …`, `最近来源: …`. */
  text: string;
  /** Tooltip: when and how. */
  detail: string;
  campaignId: string;
}

/** One line when both touches are the same campaign, else the first and the last; none without a touch. */
export function attributionLines(attribution: CustomerAttribution | null): AttributionLine[] {
  if (!attribution) return [];
  const line = (touch: CampaignTouch, which: AttributionLine['which'], label: string): AttributionLine => ({
    which,
    label,
    text: `${label}: ${touchText(touch)}`,
    detail: `${formatDateTime(touch.at)} · ${TOUCH_VIA_LABELS[touch.via] ?? touch.via}`,
    campaignId: touch.campaign.id,
  });
  const { firstTouch, lastTouch } = attribution;
  if (firstTouch && lastTouch && firstTouch.campaign.id !== lastTouch.campaign.id) {
    return [line(firstTouch, 'first', '首次来源'), line(lastTouch, 'last', '最近来源')];
  }
  const only = lastTouch ?? firstTouch;
  return only ? [line(only, 'only', '来源')] : [];
}
