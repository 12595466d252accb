/**
 * How the campaign landing page learns which campaign it shows. A mini-program code (`wxacode.getUnlimited`)
 * opens the page with the campaign key as `scene`, URL-encoded by WeChat (hence decodeURIComponent); the H5 build
 * gets the same `?scene=KEY`. A shared or linked landing page carries `?key=KEY&via=share|link` instead.
 */
import type { ScanVia } from './types';

/** The campaign key's format (`CampaignKey` in shared/src/campaigns.ts). */
const CAMPAIGN_KEY = /^[A-Za-z0-9]{6,16}$/;

export interface CampaignEntry {
  key: string;
  via: ScanVia;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The campaign key and how the page was reached, from the page's query; null when it names no valid campaign. */
export function campaignEntry(params: Partial<Record<string, string>>): CampaignEntry | null {
  if (params.scene) {
    const key = decode(params.scene).trim();
    return CAMPAIGN_KEY.test(key) ? { key, via: 'mini_program_code' } : null;
  }
  if (params.key) {
    const key = decode(params.key).trim();
    const via: ScanVia = params.via === 'share' ? 'share' : 'link';
    return CAMPAIGN_KEY.test(key) ? { key, via } : null;
  }
  return null;
}
