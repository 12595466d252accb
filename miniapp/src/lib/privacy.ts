import type { DataExport } from '@careloop/shared';

/** What each export / erasure section is called on screen (a section we do not know yet shows its own name). */
const SECTION_LABELS: Record<string, string> = {
  profile: '个人资料与身份',
  events: '行为记录',
  consent: '授权记录',
  tags: '标签',
  coupons: '优惠券',
  appointments: '预约',
  payments: '支付',
  tasks: '回访任务',
  meetings: '会议',
  journeys: '旅程',
  subscriptions: '消息提醒',
};

export function sectionLabel(name: string): string {
  return SECTION_LABELS[name] ?? name;
}

/** What an erasure did to each section (the server erases each domain its own way: see the erasure dialog). */
const ERASURE_LABELS: Record<string, string> = {
  profile: '个人资料与身份：已匿名化，微信身份与手机号已移除',
  events: '行为记录：详细内容已清除，仅保留类型和时间用于统计',
  consent: '授权记录：仅保留作为合规凭证，营销授权已撤回',
  tags: '标签：已删除',
};

export function erasureLabel(name: string): string {
  return ERASURE_LABELS[name] ?? `${sectionLabel(name)}：已删除`;
}

export interface ExportSectionSummary {
  name: string;
  label: string;
  /** "12 条", "已包含", "无". */
  detail: string;
}

/** One line per section of an export: how many records an array holds, whether an object holds anything. */
export function summariseExport(data: Pick<DataExport, 'sections'>): ExportSectionSummary[] {
  return Object.entries(data.sections ?? {}).map(([name, value]) => ({
    name,
    label: sectionLabel(name),
    detail: Array.isArray(value)
      ? `${value.length} 条`
      : value === null || value === undefined || (typeof value === 'object' && Object.keys(value).length === 0)
        ? '无'
        : '已包含',
  }));
}

/** `careloop-export-2025-11-26.json`, dated by the export (the server's UTC date, like its own file name). */
export function exportFilename(generatedAt: string | undefined, now: Date = new Date()): string {
  const date = /^\d{4}-\d{2}-\d{2}/.exec(generatedAt ?? '')?.[0] ?? now.toISOString().slice(0, 10);
  return `careloop-export-${date}.json`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A time for people: `2025-11-26 09:30` in the device's time zone. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
