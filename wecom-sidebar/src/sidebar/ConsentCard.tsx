/** Marketing consent and privacy policy; staff record here when a customer asks in the chat to stop marketing. */
import type { ConsentState } from '@careloop/shared';
import { useState } from 'react';
import { consentSummary } from '../profile/profileView';

export function ConsentCard({ consent, onWithdraw }: { consent: ConsentState; onWithdraw(): Promise<boolean> }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const summary = consentSummary(consent);
  return (
    <section className="card consent" aria-label="授权 Consent" data-testid="profile-consent">
      <h2 className="card__title">
        授权 <span className="muted small">Consent</span>
      </h2>
      <p>
        <span
          className={`badge badge--marketing-${summary.marketing}`}
          data-testid="consent-marketing"
          data-state={summary.marketing}
        >
          {summary.marketingLabel}
        </span>
        {summary.marketingDetail ? <span className="muted small"> {summary.marketingDetail}</span> : null}
      </p>
      <p className="small muted">{summary.policyLabel}</p>
      {summary.canWithdraw ? (
        confirming ? (
          <div className="confirm">
            <p className="small">确认客户要求停止接收营销信息？立即生效，旅程中的营销步骤将停止。</p>
            <div className="row">
              <button
                type="button"
                className="button button--small button--danger"
                data-testid="consent-withdraw-confirm"
                disabled={busy}
                onClick={() => {
                  setBusy(true);
                  void onWithdraw().then((done) => {
                    setBusy(false);
                    if (done) setConfirming(false);
                  });
                }}
              >
                {busy ? '记录中…' : '确认停止营销'}
              </button>
              <button
                type="button"
                className="button button--small"
                disabled={busy}
                onClick={() => setConfirming(false)}
              >
                取消
              </button>
            </div>
          </div>
        ) : (
          <button
            type="button"
            className="button button--small"
            data-testid="consent-withdraw"
            onClick={() => setConfirming(true)}
          >
            客户要求停止营销
          </button>
        )
      ) : null}
    </section>
  );
}
