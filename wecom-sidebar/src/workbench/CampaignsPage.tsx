/**
 * 活动与二维码: QR campaigns. A campaign ties a channel, an optional staff member and coupon, tags and a landing page
 * to a mini-program code and / or a WeCom contact-me code. The list, a form to create one, and the selected campaign
 * (`#campaigns/<id>`) with its codes to show and download, its cost, and ending it. Managers and admins only.
 */
import type { StaffProfile } from '@careloop/shared';
import { useMemo, useState } from 'react';
import {
  buildCampaignRequest,
  buildCostChange,
  CAMPAIGN_LIMITS,
  emptyCampaignDraft,
  type CampaignDraft,
  type CampaignField,
} from '../campaigns/campaignForm';
import { CAMPAIGN_STATUS_LABELS, CAMPAIGN_STATUS_TONES, CHANNEL_KIND_LABELS } from '../campaigns/labels';
import type { Campaign, Channel, StaffMemberSummary } from '../campaigns/types';
import { explainCouponError } from '../coupons/errors';
import type { CouponTemplate } from '../coupons/types';
import { formatDateTime, formatFen } from '../profile/format';
import { canManageCampaigns } from '../profile/roles';
import {
  Field,
  FieldError,
  NumberField,
  NumberInput,
  OutcomeLine,
  SelectField,
  TextField,
  type Outcome,
} from '../shell/Field';
import { StatusChip } from '../shell/components';
import { fenToYuanInput } from '../shell/forms';
import { api } from '../shell/runtime';
import { useDraft } from '../shell/useDraft';
import { useResource } from '../shell/useResource';
import { CampaignCodes } from './CampaignCodes';

const explain = (reason: unknown) => explainCouponError(reason, 'manage');

function CampaignStatusChip({ status }: { status: Campaign['status'] }) {
  return (
    <StatusChip
      status={status}
      tone={CAMPAIGN_STATUS_TONES[status]}
      label={CAMPAIGN_STATUS_LABELS[status]}
      testId="campaign-status"
    />
  );
}

function when(campaign: Pick<Campaign, 'startsAt' | 'endsAt'>): string {
  return `${formatDateTime(campaign.startsAt)} 至 ${campaign.endsAt ? formatDateTime(campaign.endsAt) : '长期'}`;
}

function CampaignForm({
  channels,
  staffMembers,
  templates,
  onCreated,
}: {
  channels: readonly Channel[] | null;
  staffMembers: readonly StaffMemberSummary[] | null;
  templates: readonly CouponTemplate[] | null;
  onCreated(campaign: Campaign): void;
}) {
  const { draft, errors, set, bind, setErrors, reset } = useDraft<CampaignDraft, CampaignField>(() =>
    emptyCampaignDraft(),
  );
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const usableChannels = (channels ?? []).filter((channel) => !channel.archived);
  const usableTemplates = (templates ?? []).filter((template) => !template.paused);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    const result = buildCampaignRequest(draft);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setSaving(true);
    try {
      const created = await api.createCampaign(result.request);
      const missing = [
        result.request.codes.miniProgram && !created.codes.miniProgram ? '小程序码' : null,
        result.request.codes.contactMe && !created.codes.contactMe ? '联系我二维码' : null,
      ].filter(Boolean);
      setOutcome({
        kind: missing.length ? 'error' : 'ok',
        text: missing.length
          ? `已创建活动「${created.name}」，但${missing.join('、')}未能生成，请在详情中重试。`
          : `已创建活动「${created.name}」，二维码已生成。`,
      });
      reset(emptyCampaignDraft());
      onCreated(created);
    } catch (reason) {
      setOutcome({ kind: 'error', text: explain(reason) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="card sched-form" data-testid="campaign-form" onSubmit={(event) => void submit(event)} noValidate>
      <h2 className="card__title">
        新建活动 <span className="muted small">New campaign</span>
      </h2>
      <fieldset className="sched-form__fields" disabled={saving}>
        <div className="form-grid">
          <TextField
            label="活动名称 Name"
            testId="campaign-name"
            maxLength={CAMPAIGN_LIMITS.name + 10}
            placeholder="如：春季洗牙 · 地铁海报"
            {...bind('name')}
          />
          <SelectField
            label="渠道 Channel"
            testId="campaign-channel"
            empty={channels === null ? '加载中… Loading' : '— 选择渠道 Choose —'}
            options={usableChannels.map((channel) => ({
              id: channel.id,
              label: `${channel.name}（${CHANNEL_KIND_LABELS[channel.kind]?.split(' ')[0] ?? channel.kind}）`,
            }))}
            {...bind('channelId')}
          />
          <SelectField
            label="员工 Staff member"
            hint="（可选；联系我二维码必选）"
            testId="campaign-staff"
            empty="不指定 None"
            options={(staffMembers ?? []).map((member) => ({
              id: member.id,
              label: `${member.name} (${member.wecomUserId})`,
            }))}
            {...bind('staffId')}
          />
          <SelectField
            label="优惠券 Coupon"
            hint="（可选）"
            testId="campaign-coupon"
            empty="不发券 None"
            options={usableTemplates.map((template) => ({
              id: template.id,
              label: `${template.name}（剩余 ${Math.max(0, template.totalStock - template.issued)}）`,
            }))}
            {...bind('couponTemplateId')}
          />
          <TextField label="开始 Starts" testId="campaign-starts" type="datetime-local" {...bind('startsAt')} />
          <TextField
            label="结束 Ends"
            hint="（可选，空为长期）"
            testId="campaign-ends"
            type="datetime-local"
            {...bind('endsAt')}
          />
          <NumberField
            label="成本 Cost"
            hint="（印刷、投放等）"
            testId="campaign-cost"
            kind="decimal"
            suffix="元"
            {...bind('costYuan')}
          />
          <TextField
            label="自动打标签 Tags"
            hint="（逗号分隔，最多 10 个）"
            testId="campaign-tags"
            placeholder="如：洗牙意向, 地铁海报"
            {...bind('tags')}
          />
          <TextField
            label="落地页标题 Landing title"
            hint="（空则用活动名称）"
            testId="campaign-landing-title"
            maxLength={CAMPAIGN_LIMITS.title + 10}
            {...bind('landingTitle')}
          />
          <Field label="落地页图片 Image URL" hint="（可选，https）" error={errors.landingImageUrl}>
            <input
              className="input"
              data-testid="campaign-landing-image"
              inputMode="url"
              placeholder="https://…"
              value={draft.landingImageUrl}
              onChange={(event) => set('landingImageUrl', event.target.value)}
            />
          </Field>
          <Field label="落地页介绍 Landing description" error={errors.landingDescription} wide>
            <textarea
              className="input textarea"
              data-testid="campaign-landing-description"
              rows={2}
              maxLength={CAMPAIGN_LIMITS.description + 10}
              value={draft.landingDescription}
              onChange={(event) => set('landingDescription', event.target.value)}
            />
          </Field>
          <Field label="二维码 Codes" group error={errors.codes} wide>
            <div className="row">
              <label className="check">
                <input
                  type="checkbox"
                  data-testid="campaign-code-mp"
                  checked={draft.miniProgram}
                  onChange={(event) => set('miniProgram', event.target.checked)}
                />
                小程序码（扫码进入落地页领券）
              </label>
              <label className="check">
                <input
                  type="checkbox"
                  data-testid="campaign-code-contact"
                  checked={draft.contactMe}
                  onChange={(event) => set('contactMe', event.target.checked)}
                />
                企业微信「联系我」二维码（扫码添加员工）
              </label>
            </div>
          </Field>
          {draft.contactMe ? (
            <Field
              label="欢迎语 Welcome message"
              hint="（添加员工后自动发送，附优惠券小程序卡片）"
              error={errors.welcomeText}
              wide
            >
              <textarea
                className="input textarea"
                data-testid="campaign-welcome"
                rows={2}
                maxLength={CAMPAIGN_LIMITS.welcomeText + 10}
                value={draft.welcomeText}
                onChange={(event) => set('welcomeText', event.target.value)}
              />
            </Field>
          ) : null}
        </div>
      </fieldset>
      <div className="row sched-form__foot">
        <span className="muted small">二维码在创建时生成一次并保存。 Codes are generated once.</span>
        <button type="submit" className="button button--primary" data-testid="campaign-submit" disabled={saving}>
          {saving ? '创建中…' : '创建活动 Create'}
        </button>
      </div>
      <OutcomeLine outcome={outcome} testId="campaign-result" />
    </form>
  );
}

function CostEditor({ campaign, onSaved }: { campaign: Campaign; onSaved(next: Campaign): void }) {
  const [value, setValue] = useState(() => fenToYuanInput(campaign.costFen));
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    const change = buildCostChange(value);
    if (!change.ok) {
      setError(change.errors.cost);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onSaved(await api.updateCampaign(campaign.id, change.request));
    } catch (reason) {
      setError(explain(reason));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="inline-edit">
      <div className="row">
        <NumberInput
          className="inline-edit__input"
          testId="campaign-cost-input"
          kind="decimal"
          ariaLabel="成本（元）"
          suffix="元"
          value={value}
          onChange={setValue}
        />
        <button
          type="button"
          className="button button--small"
          data-testid="campaign-cost-save"
          disabled={busy || value === fenToYuanInput(campaign.costFen)}
          onClick={() => void save()}
        >
          保存成本
        </button>
      </div>
      <FieldError message={error} />
    </div>
  );
}

function CampaignDetail({ id, onChanged }: { id: string; onChanged(next: Campaign): void }) {
  const resource = useResource(`campaign:${id}`, () => api.campaign(id), explain);
  const [confirmingEnd, setConfirmingEnd] = useState(false);
  const [ending, setEnding] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const { state } = resource;
  const changed = (next: Campaign) => {
    resource.patch(() => next);
    onChanged(next);
  };

  const end = async () => {
    setEnding(true);
    setOutcome(null);
    try {
      changed(await api.updateCampaign(id, { end: true }));
      setConfirmingEnd(false);
      setOutcome({ kind: 'ok', text: '活动已结束：二维码不再归因，也不能再领券。' });
    } catch (reason) {
      setOutcome({ kind: 'error', text: explain(reason) });
    } finally {
      setEnding(false);
    }
  };

  if (state.status === 'loading' || state.status === 'idle') {
    return <section className="card muted">加载中… Loading</section>;
  }
  if (state.status === 'failed') {
    return (
      <section className="card">
        <p className="field-error" role="alert">
          活动加载失败：{state.message}
        </p>
      </section>
    );
  }
  const campaign = state.data;
  return (
    <section
      className="card campaign-detail"
      data-testid="campaign-detail"
      data-campaign-id={campaign.id}
      data-key={campaign.key}
    >
      <div className="day__head">
        <h2 className="card__title">
          {campaign.name} <CampaignStatusChip status={campaign.status} />
        </h2>
        <div className="row">
          <a className="link-button" href={`#results/${campaign.id}`}>
            查看效果 Results
          </a>
          <a className="link-button" href="#campaigns">
            关闭 Close
          </a>
        </div>
      </div>
      <dl className="facts facts--campaign">
        <dt>活动码 Key</dt>
        <dd className="mono" data-testid="campaign-key">
          {campaign.key}
        </dd>
        <dt>渠道</dt>
        <dd>
          {campaign.channel.name} <span className="muted small">{CHANNEL_KIND_LABELS[campaign.channel.kind]}</span>
        </dd>
        <dt>员工</dt>
        <dd>{campaign.staff?.name ?? <span className="muted">不指定</span>}</dd>
        <dt>优惠券</dt>
        <dd>{campaign.couponTemplate?.name ?? <span className="muted">不发券</span>}</dd>
        <dt>时间</dt>
        <dd>{when(campaign)}</dd>
        <dt>标签</dt>
        <dd>
          {campaign.tagNames.length ? (
            campaign.tagNames.map((tag) => (
              <span key={tag} className="chip">
                {tag}
              </span>
            ))
          ) : (
            <span className="muted">—</span>
          )}
        </dd>
        <dt>落地页</dt>
        <dd>
          {campaign.landing.title}
          {campaign.landing.description ? <div className="muted small">{campaign.landing.description}</div> : null}
        </dd>
        {campaign.welcomeText ? (
          <>
            <dt>欢迎语</dt>
            <dd className="small">{campaign.welcomeText}</dd>
          </>
        ) : null}
        <dt>成本</dt>
        <dd>
          <span data-testid="campaign-cost-text">{formatFen(campaign.costFen)}</span>
          <CostEditor key={campaign.costFen} campaign={campaign} onSaved={changed} />
        </dd>
      </dl>
      <CampaignCodes campaign={campaign} onChanged={changed} />
      {campaign.status !== 'ended' ? (
        confirmingEnd ? (
          <div className="confirm campaign-detail__end" role="group" aria-label="确认结束 Confirm">
            <p className="small">结束后扫码不再归因，也不能再领券；已领的券仍可使用。确认结束？</p>
            <div className="row">
              <button
                type="button"
                className="button button--small button--danger"
                data-testid="campaign-end-confirm"
                disabled={ending}
                onClick={() => void end()}
              >
                {ending ? '结束中…' : '确认结束'}
              </button>
              <button
                type="button"
                className="button button--small"
                disabled={ending}
                onClick={() => setConfirmingEnd(false)}
              >
                返回
              </button>
            </div>
          </div>
        ) : (
          <div className="row campaign-detail__end">
            <button
              type="button"
              className="button button--small"
              data-testid="campaign-end"
              onClick={() => setConfirmingEnd(true)}
            >
              结束活动 End campaign
            </button>
          </div>
        )
      ) : null}
      <OutcomeLine outcome={outcome} testId="campaign-detail-outcome" />
    </section>
  );
}

export function CampaignsPage({ staff, selectedId }: { staff: StaffProfile; selectedId: string | null }) {
  const editable = canManageCampaigns(staff);
  const campaigns = useResource(editable ? 'campaigns' : null, api.campaigns, explain);
  const channels = useResource(editable ? 'channels' : null, api.channels, explain);
  const templates = useResource(editable ? 'coupon-templates' : null, api.couponTemplates, explain);
  // Without the staff list (an older server), the signed-in manager is the one choice.
  const staffMembers = useResource(editable ? 'staff-members' : null, () =>
    api
      .staffMembers()
      .catch((): StaffMemberSummary[] => [
        { id: staff.id, name: staff.name, wecomUserId: staff.wecomUserId, roles: staff.roles, clinicIds: [] },
      ]),
  );
  const replace = (next: Campaign) =>
    campaigns.patch((list) =>
      list.some((item) => item.id === next.id)
        ? list.map((item) => (item.id === next.id ? next : item))
        : [next, ...list],
    );
  const items = useMemo(() => campaigns.data ?? [], [campaigns.data]);

  if (!editable) {
    return (
      <p className="readonly-note" role="note">
        只有店长或管理员可以管理活动。 Only managers and admins manage campaigns.
      </p>
    );
  }
  const { state } = campaigns;
  return (
    <div className="page campaigns-page">
      {selectedId ? <CampaignDetail key={selectedId} id={selectedId} onChanged={replace} /> : null}
      <section className="card" aria-label="活动 Campaigns">
        <div className="day__head">
          <h2 className="card__title">
            活动 <span className="muted small">Campaigns</span>
          </h2>
          <button type="button" className="link-button" onClick={campaigns.reload}>
            刷新
          </button>
        </div>
        {state.status === 'loading' || state.status === 'idle' ? (
          <p className="muted">加载中… Loading</p>
        ) : state.status === 'failed' ? (
          <p className="field-error" role="alert">
            活动加载失败：{state.message}
          </p>
        ) : !items.length ? (
          <p className="muted" data-testid="campaigns-empty">
            还没有活动。先在「渠道」添加渠道，在「优惠券」创建优惠券，再创建活动。 No campaigns yet.
          </p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>活动</th>
                  <th>渠道</th>
                  <th>员工</th>
                  <th>优惠券</th>
                  <th>时间</th>
                  <th>二维码</th>
                  <th>状态</th>
                </tr>
              </thead>
              <tbody>
                {items.map((campaign) => (
                  <tr
                    key={campaign.id}
                    data-testid="campaign-row"
                    data-campaign-id={campaign.id}
                    data-key={campaign.key}
                    className={campaign.id === selectedId ? 'row--selected' : undefined}
                  >
                    <td>
                      <a href={`#campaigns/${campaign.id}`} data-testid="campaign-open">
                        {campaign.name}
                      </a>
                    </td>
                    <td>{campaign.channel.name}</td>
                    <td>{campaign.staff?.name ?? '—'}</td>
                    <td>{campaign.couponTemplate?.name ?? '—'}</td>
                    <td className="small">{when(campaign)}</td>
                    <td className="small nowrap">
                      {[campaign.codes.miniProgram ? '小程序码' : null, campaign.codes.contactMe ? '联系我' : null]
                        .filter(Boolean)
                        .join(' · ') || '—'}
                    </td>
                    <td className="nowrap">
                      <CampaignStatusChip status={campaign.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <CampaignForm
        channels={channels.data}
        staffMembers={staffMembers.data}
        templates={templates.data}
        onCreated={(created) => {
          replace(created);
          window.location.hash = `#campaigns/${created.id}`;
        }}
      />
    </div>
  );
}
