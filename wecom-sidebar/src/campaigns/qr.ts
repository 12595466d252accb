/** File names for the downloaded QR codes: what they are, the campaign and its key, safe on every system. */
import type { Campaign } from './types';

/** Characters Windows, macOS and WeCom's file transfer refuse or mangle, and runs of whitespace. */
function safePart(text: string, max = 30): string {
  const cleaned = text
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, ' ')
    .trim()
    .replace(/\s+/g, '_');
  return [...cleaned].slice(0, max).join('') || 'campaign';
}

/** `小程序码_洗牙季海报_Ab3kX9pQ.png` */
export function miniProgramCodeFilename(campaign: Pick<Campaign, 'name' | 'key'>): string {
  return `小程序码_${safePart(campaign.name)}_${campaign.key}.png`;
}

/** `联系我二维码_洗牙季海报_Ab3kX9pQ.png` */
export function contactMeCodeFilename(campaign: Pick<Campaign, 'name' | 'key'>): string {
  return `联系我二维码_${safePart(campaign.name)}_${campaign.key}.png`;
}

/**
 * The codes a campaign lacks: a mini-program code, and a contact-me code when it has a staff member (the campaign does
 * not say which codes were asked for; the retry route makes only those that were asked for and failed).
 */
export function missingCodes(campaign: Pick<Campaign, 'codes' | 'staff'>) {
  return {
    miniProgram: campaign.codes.miniProgram === null,
    contactMe: campaign.staff !== null && campaign.codes.contactMe === null,
  };
}
