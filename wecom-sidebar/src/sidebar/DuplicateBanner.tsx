/** A possible duplicate (e.g. someone typed the same phone number): staff confirm the merge or dismiss it. */
import type { Customer360 } from '@careloop/shared';
import { useState } from 'react';
import { customerDisplayName, KIND_LABELS } from '../labels';
import { formatDateTime } from '../profile/format';
import { duplicateReasonLabel } from '../profile/profileView';

export function DuplicateBanner({
  duplicate,
  onDecide,
}: {
  duplicate: Customer360['duplicates'][number];
  onDecide(decision: 'confirm' | 'dismiss'): Promise<void>;
}) {
  const [busy, setBusy] = useState<'confirm' | 'dismiss' | null>(null);
  const { other } = duplicate;
  const decide = (decision: 'confirm' | 'dismiss') => {
    setBusy(decision);
    void onDecide(decision).finally(() => setBusy(null));
  };
  return (
    <section className="duplicate" role="status" data-testid="duplicate-banner" data-suggestion={duplicate.id}>
      <p className="duplicate__text">
        可能是同一人：<strong>{customerDisplayName(other.name)}</strong>（{duplicateReasonLabel(duplicate.reason)}）
      </p>
      <p className="duplicate__meta small muted">
        {KIND_LABELS[other.kind]} · 建档 {formatDateTime(other.createdAt)}
        {other.phone ? ` · ${other.phone.masked}` : ''}
      </p>
      <div className="row">
        <button
          type="button"
          className="button button--small button--primary"
          data-testid="duplicate-confirm"
          disabled={busy !== null}
          title="合并两个档案：事件、标签、优惠券、预约都归到较早建档的一方 Merge the two profiles"
          onClick={() => decide('confirm')}
        >
          {busy === 'confirm' ? '合并中…' : '确认合并'}
        </button>
        <button
          type="button"
          className="button button--small"
          data-testid="duplicate-dismiss"
          disabled={busy !== null}
          onClick={() => decide('dismiss')}
        >
          不是同一人
        </button>
      </div>
    </section>
  );
}
