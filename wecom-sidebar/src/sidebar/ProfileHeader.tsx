/** The 360° header: who this is, how to reach them, who looks after them, and how they are linked. */
import type { Customer360, StaffProfile } from '@careloop/shared';
import { useState } from 'react';
import { customerDisplayName, KIND_LABELS } from '../labels';
import { dayKey, formatAgo, formatDateTime } from '../profile/format';
import {
  ACTIVITY_LABELS,
  ageOn,
  GENDER_LABELS,
  HCP_VERIFICATION_LABELS,
  identityBadges,
  topCounters,
} from '../profile/profileView';
import { canAssignToMe, canRevealPhone, canVerifyHcp } from '../profile/roles';
import type { RevealedPhone } from '../api/careloop';
import type { AttributionLine } from '../campaigns/attribution';

export interface HeaderActions {
  revealPhone(): Promise<RevealedPhone | null>;
  assignToMe(): Promise<void>;
  verifyHcp(decision: 'verified' | 'rejected', evidence: string): Promise<boolean>;
  openEdit(): void;
}

function PhoneLine({
  phone,
  allowed,
  reveal,
}: {
  phone: Customer360['customer']['phone'];
  allowed: boolean;
  reveal: HeaderActions['revealPhone'];
}) {
  const [revealed, setRevealed] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!phone) return <span className="muted">未留手机号 None</span>;
  return (
    <span className="phone">
      <span className="phone__number mono" data-testid="profile-phone">
        {revealed ?? phone.masked}
      </span>
      {phone.verified ? (
        <span className="badge badge--ok" title="微信验证的手机号 Verified by WeChat">
          已验证
        </span>
      ) : (
        <span className="badge badge--muted" title="手动填写，未经微信验证 Typed in, not verified">
          未验证
        </span>
      )}
      {allowed ? (
        <button
          type="button"
          className="link-button"
          data-testid="profile-phone-reveal"
          disabled={busy}
          title={revealed ? '隐藏完整号码' : '显示完整号码（将记录审计日志） Reveal (audited)'}
          onClick={() => {
            if (revealed) {
              setRevealed(null);
              return;
            }
            setBusy(true);
            void reveal().then((result) => {
              setBusy(false);
              if (result) setRevealed(result.phone);
            });
          }}
        >
          {busy ? '…' : revealed ? '隐藏' : '显示'}
        </button>
      ) : null}
    </span>
  );
}

function HcpVerify({ verify }: { verify: HeaderActions['verifyHcp'] }) {
  const [open, setOpen] = useState(false);
  const [evidence, setEvidence] = useState('');
  const [busy, setBusy] = useState(false);
  if (!open) {
    return (
      <button type="button" className="link-button" data-testid="hcp-verify-open" onClick={() => setOpen(true)}>
        核验
      </button>
    );
  }
  const decide = (decision: 'verified' | 'rejected') => {
    setBusy(true);
    void verify(decision, evidence.trim()).then((done) => {
      setBusy(false);
      if (done) {
        setOpen(false);
        setEvidence('');
      }
    });
  };
  const ready = evidence.trim().length >= 2 && !busy;
  return (
    <div className="hcp-verify">
      <input
        className="input"
        data-testid="hcp-evidence"
        placeholder="核验依据，如执业证编号 Evidence"
        maxLength={500}
        value={evidence}
        onChange={(event) => setEvidence(event.target.value)}
      />
      <div className="row">
        <button
          type="button"
          className="button button--small button--primary"
          disabled={!ready}
          onClick={() => decide('verified')}
        >
          认证通过
        </button>
        <button type="button" className="button button--small" disabled={!ready} onClick={() => decide('rejected')}>
          不通过
        </button>
        <button type="button" className="button button--small" disabled={busy} onClick={() => setOpen(false)}>
          取消
        </button>
      </div>
    </div>
  );
}

export function ProfileHeader({
  profile,
  staff,
  actions,
  refreshing,
  attribution = [],
}: {
  profile: Customer360;
  staff: StaffProfile;
  actions: HeaderActions;
  refreshing: boolean;
  /** The campaigns that brought the customer (first and last touch); empty when none or not known. */
  attribution?: readonly AttributionLine[];
}) {
  const { customer, owner, activity } = profile;
  const [assigning, setAssigning] = useState(false);
  const name = customerDisplayName(customer.name);
  const badges = identityBadges(profile);
  const counters = topCounters(profile.counters, 4);
  const age = customer.birthday ? ageOn(customer.birthday, dayKey(new Date())) : null;
  const activityLabel = ACTIVITY_LABELS[activity.level];
  const hcp = customer.kind === 'hcp' ? customer.hcp : null;

  return (
    <section className="card profile" data-testid="profile-header" aria-busy={refreshing}>
      <div className="profile__top">
        <div className="contact__avatar" aria-hidden="true">
          {name.slice(0, 1)}
        </div>
        <div className="profile__who">
          <h1 className="contact__name" data-testid="contact-name">
            {name}
          </h1>
          <div className="profile__tags-line">
            <span className={`kind kind--${customer.kind}`} data-testid="contact-kind">
              {KIND_LABELS[customer.kind]}
            </span>
            <span
              className={`activity activity--${activity.level}`}
              data-testid="profile-activity"
              data-level={activity.level}
              title={activityLabel.hint}
            >
              {activityLabel.label}
            </span>
            {customer.gender || age !== null ? (
              <span className="muted small">
                {[customer.gender ? GENDER_LABELS[customer.gender] : null, age !== null ? `${age} 岁` : null]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
            ) : null}
          </div>
        </div>
        <button type="button" className="button button--small" data-testid="edit-open" onClick={actions.openEdit}>
          编辑
        </button>
      </div>

      {attribution.length ? (
        <div className="attribution" data-testid="profile-attribution">
          {attribution.map((line) => (
            <p
              key={line.which}
              className="attribution__line small"
              data-testid="attribution-line"
              data-which={line.which}
              data-campaign-id={line.campaignId}
              title={line.detail}
            >
              {line.text}
            </p>
          ))}
        </div>
      ) : null}

      {badges.length ? (
        <ul className="badges" aria-label="身份 Identities">
          {badges.map((badge) => (
            <li
              key={badge.key}
              className={`badge badge--id badge--${badge.key}`}
              data-testid="identity-badge"
              data-kind={badge.key}
              title={badge.title}
            >
              {badge.label}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small badges">尚未关联微信身份 No linked identities</p>
      )}

      <dl className="facts facts--compact">
        <dt>手机</dt>
        <dd>
          <PhoneLine
            key={customer.id}
            phone={customer.phone}
            allowed={canRevealPhone(staff)}
            reveal={actions.revealPhone}
          />
        </dd>
        <dt>负责人</dt>
        <dd className="owner">
          <span data-testid="profile-owner" className={owner ? '' : 'muted'}>
            {owner ? owner.name : '未分配 Unassigned'}
          </span>
          {canAssignToMe(staff, owner) ? (
            <button
              type="button"
              className="link-button"
              data-testid="assign-to-me"
              disabled={assigning}
              onClick={() => {
                setAssigning(true);
                void actions.assignToMe().finally(() => setAssigning(false));
              }}
            >
              {assigning ? '…' : '设为我的客户'}
            </button>
          ) : null}
        </dd>
        {customer.clinic ? (
          <>
            <dt>门店</dt>
            <dd>{customer.clinic.name}</dd>
          </>
        ) : null}
        {customer.birthday ? (
          <>
            <dt>生日</dt>
            <dd>{customer.birthday}</dd>
          </>
        ) : null}
        {hcp ? (
          <>
            <dt>医院</dt>
            <dd data-testid="profile-hcp">
              {[hcp.hospital, hcp.department, hcp.title].filter(Boolean).join(' · ') || (
                <span className="muted">未填写</span>
              )}
            </dd>
            <dt>认证</dt>
            <dd className="verification">
              <span
                className={`badge badge--hcp-${hcp.verification}`}
                data-testid="profile-hcp-verification"
                title={
                  hcp.verifiedAt
                    ? `${formatDateTime(hcp.verifiedAt)}${hcp.evidence ? ` · ${hcp.evidence}` : ''}`
                    : undefined
                }
              >
                {HCP_VERIFICATION_LABELS[hcp.verification]}
              </span>
              {canVerifyHcp(staff) ? <HcpVerify verify={actions.verifyHcp} /> : null}
            </dd>
          </>
        ) : null}
        <dt>活跃</dt>
        <dd>
          近 30 天 {activity.eventsLast30Days} 次互动
          {activity.lastEventAt ? (
            <span className="muted" title={formatDateTime(activity.lastEventAt)}>
              {' '}
              · 最近 {formatAgo(activity.lastEventAt)}
            </span>
          ) : null}
        </dd>
        {counters.length ? (
          <>
            <dt>一年内</dt>
            <dd className="counters">
              {counters.map((counter) => (
                <span key={counter.type} className="counter">
                  {counter.label} <strong>{counter.count}</strong>
                </span>
              ))}
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}
