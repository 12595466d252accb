/** A full recompute's progress as the library and the rule editor show it, and whether to keep polling. */
import { formatDateTime } from '../profile/format';
import { RECOMPUTE_STATUS_LABELS } from './labels';
import type { TagRecompute } from './types';

export interface RecomputeView {
  status: TagRecompute['status'];
  /** Still moving: poll again. */
  active: boolean;
  /** 0–100, whole. */
  percent: number;
  /** `计算中 45%`, `已完成`, `失败`. */
  label: string;
  /** `已处理 450 / 1000 位客户 · 新增 12 · 移除 3`. */
  detail: string;
  error: string | null;
}

const ACTIVE = new Set<TagRecompute['status']>(['pending', 'preparing', 'running']);

export const isRecomputeActive = (job: Pick<TagRecompute, 'status'> | null | undefined) =>
  !!job && ACTIVE.has(job.status);

export function recomputeView(job: TagRecompute): RecomputeView {
  const active = ACTIVE.has(job.status);
  const percent =
    job.status === 'done' ? 100 : job.total > 0 ? Math.min(100, Math.floor((job.processed / job.total) * 100)) : 0;
  const base = RECOMPUTE_STATUS_LABELS[job.status] ?? job.status;
  const label = job.status === 'running' ? `${base} ${percent}%` : base;
  const parts = [
    job.total > 0 || job.status === 'done' ? `已处理 ${job.processed} / ${job.total} 位客户` : '正在统计客户',
    `新增 ${job.added}`,
    `移除 ${job.removed}`,
  ];
  if (job.finishedAt) parts.push(`完成于 ${formatDateTime(job.finishedAt)}`);
  return { status: job.status, active, percent, label, detail: parts.join(' · '), error: job.error };
}

/** How long to wait before asking again: quickly at first, then every few seconds. */
export function pollDelay(attempt: number): number {
  return Math.min(5_000, 700 + attempt * 300);
}
