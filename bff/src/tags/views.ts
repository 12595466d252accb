/** How the tag domain's records are answered. */
import type { TagRecompute } from '@careloop/shared';

export function toRecompute(doc: {
  _id: unknown;
  tagId: unknown;
  ruleVersion: number;
  status: string;
  processed?: number | null;
  total?: number | null;
  added?: number | null;
  removed?: number | null;
  now: Date;
  startedAt: Date;
  finishedAt?: Date | null;
  error?: string | null;
}): TagRecompute {
  return {
    id: String(doc._id),
    tagId: String(doc.tagId),
    ruleVersion: doc.ruleVersion,
    status: doc.status as TagRecompute['status'],
    processed: doc.processed ?? 0,
    total: doc.total ?? 0,
    added: doc.added ?? 0,
    removed: doc.removed ?? 0,
    evaluatedAt: doc.now.toISOString(),
    startedAt: doc.startedAt.toISOString(),
    finishedAt: doc.finishedAt?.toISOString() ?? null,
    error: doc.error ?? null,
  };
}
