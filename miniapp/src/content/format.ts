/** How content reads on screen: category names, the line under a card's title, durations and dates. */
import type { ContentCard } from './types';

/** The categories the organisation uses most, in Chinese; others show their key. */
const CATEGORY_LABELS: Record<string, string> = {
  ortho: '正畸',
  implant: '种植',
  hygiene: '口腔卫生',
  academic: '学术',
  pediatric: '儿童口腔',
  perio: '牙周',
  restorative: '修复',
  endo: '牙髓',
  cosmetic: '美学',
  surgery: '口腔外科',
  news: '资讯',
};

export function categoryLabel(category: string): string {
  return CATEGORY_LABELS[category] ?? category;
}

/** A video's length: "3:05", "1:02:03"; '' when unknown. */
export function durationText(seconds: number | null | undefined): string {
  if (!seconds || seconds <= 0 || !Number.isFinite(seconds)) return '';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** "2025年12月26日" in the reader's zone (the device's, unless `offsetMinutes` east of UTC is given). */
export function publishedText(iso: string, offsetMinutes?: number): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return '';
  const offset = offsetMinutes ?? -new Date(time).getTimezoneOffset();
  const at = new Date(time + offset * 60_000);
  return `${at.getUTCFullYear()}年${at.getUTCMonth() + 1}月${at.getUTCDate()}日`;
}

/** The line under a card's title: "口腔卫生 · 约 3 分钟读完" or "口腔卫生 · 视频 3:00". */
export function cardMeta(card: Pick<ContentCard, 'kind' | 'category' | 'readingMinutes' | 'video'>): string {
  const what =
    card.kind === 'video'
      ? `视频${durationText(card.video?.durationSeconds) ? ` ${durationText(card.video?.durationSeconds)}` : ''}`
      : `约 ${Math.max(1, card.readingMinutes)} 分钟读完`;
  return `${categoryLabel(card.category)} · ${what}`;
}

/** The badge of an item for a restricted audience (verified HCPs see HCP-only items); null for public items. */
export function audienceBadge(audience: string): string | null {
  return audience === 'hcp' ? '医生专享' : null;
}
