/**
 * 渠道: where the organisation's QR codes are shown (posters, doctor referrals, events, ads, staff cards). Everyone
 * sees the list; managers and admins add channels and archive the ones no longer used (their campaigns and results
 * stay).
 */
import type { StaffProfile } from '@careloop/shared';
import { useState } from 'react';
import { buildChannelRequest, CHANNEL_LIMITS, emptyChannelDraft, type ChannelDraft } from '../campaigns/channelForm';
import { CHANNEL_KIND_LABELS, CHANNEL_KINDS } from '../campaigns/labels';
import type { Channel } from '../campaigns/types';
import { explainCouponError } from '../coupons/errors';
import { canManageCampaigns } from '../profile/roles';
import { OutcomeLine, SelectField, TextField, type Outcome } from '../shell/Field';
import { api } from '../shell/runtime';
import { useDraft } from '../shell/useDraft';
import { useResource } from '../shell/useResource';

const explain = (reason: unknown) => explainCouponError(reason, 'manage');

function ChannelForm({ existing, onCreated }: { existing: readonly Channel[]; onCreated(channel: Channel): void }) {
  const { draft, bind, setErrors, reset } = useDraft<ChannelDraft>(emptyChannelDraft);
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    const result = buildChannelRequest(
      draft,
      existing.map((channel) => channel.name),
    );
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setSaving(true);
    try {
      const created = await api.createChannel(result.request);
      setOutcome({ kind: 'ok', text: `已添加渠道「${created.name}」` });
      reset({ ...emptyChannelDraft(), kind: draft.kind });
      onCreated(created);
    } catch (reason) {
      setOutcome({ kind: 'error', text: explain(reason) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="card sched-form" data-testid="channel-form" onSubmit={(event) => void submit(event)} noValidate>
      <h2 className="card__title">
        添加渠道 <span className="muted small">Add a channel</span>
      </h2>
      <fieldset className="sched-form__fields" disabled={saving}>
        <div className="form-grid">
          <TextField
            label="名称 Name"
            testId="channel-name"
            maxLength={CHANNEL_LIMITS.name + 10}
            placeholder="如：地铁站海报"
            {...bind('name')}
          />
          <SelectField
            label="类型 Kind"
            testId="channel-kind"
            options={CHANNEL_KINDS}
            labels={CHANNEL_KIND_LABELS}
            {...bind('kind')}
          />
          <TextField
            label="说明 Note"
            hint="（可选）"
            wide
            testId="channel-description"
            maxLength={CHANNEL_LIMITS.description + 10}
            {...bind('description')}
          />
        </div>
      </fieldset>
      <div className="row sched-form__foot">
        <span />
        <button type="submit" className="button button--primary" data-testid="channel-submit" disabled={saving}>
          {saving ? '保存中…' : '添加渠道 Add'}
        </button>
      </div>
      <OutcomeLine outcome={outcome} testId="channel-result" />
    </form>
  );
}

export function ChannelsPage({ staff }: { staff: StaffProfile }) {
  const editable = canManageCampaigns(staff);
  const channels = useResource('channels', api.channels, explain);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const items = channels.data ?? [];
  const { state } = channels;

  const setArchived = async (channel: Channel, archived: boolean) => {
    setBusyId(channel.id);
    setOutcome(null);
    try {
      const updated = await api.updateChannel(channel.id, { archived });
      channels.patch((list) => list.map((item) => (item.id === updated.id ? updated : item)));
      setOutcome({ kind: 'ok', text: `${archived ? '已归档' : '已恢复'}渠道「${updated.name}」` });
    } catch (reason) {
      setOutcome({ kind: 'error', text: explain(reason) });
    } finally {
      setBusyId(null);
    }
  };

  return (
    <div className="page channels-page">
      {!editable ? (
        <p className="readonly-note" role="note" data-testid="channels-readonly">
          只有店长或管理员可以添加和归档渠道，你可以查看。 Only managers and admins can change channels.
        </p>
      ) : null}
      <section className="card" aria-label="渠道 Channels">
        <div className="day__head">
          <h2 className="card__title">
            渠道 <span className="muted small">Channels</span>
          </h2>
          <button type="button" className="link-button" onClick={channels.reload}>
            刷新
          </button>
        </div>
        {state.status === 'loading' ? (
          <p className="muted">加载中… Loading</p>
        ) : state.status === 'failed' ? (
          <p className="field-error" role="alert">
            渠道加载失败：{state.message}
          </p>
        ) : !items.length ? (
          <p className="muted" data-testid="channels-empty">
            还没有渠道。 No channels yet.
          </p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>名称</th>
                  <th>类型</th>
                  <th>说明</th>
                  <th>状态</th>
                  {editable ? <th /> : null}
                </tr>
              </thead>
              <tbody>
                {items.map((channel) => (
                  <tr
                    key={channel.id}
                    data-testid="channel-row"
                    data-channel-id={channel.id}
                    data-archived={channel.archived}
                    className={channel.archived ? 'row--archived' : undefined}
                  >
                    <td>{channel.name}</td>
                    <td className="nowrap">{CHANNEL_KIND_LABELS[channel.kind] ?? channel.kind}</td>
                    <td className="muted">{channel.description || '—'}</td>
                    <td className="nowrap">
                      <span className={`status status--${channel.archived ? 'off' : 'done'}`}>
                        {channel.archived ? '已归档' : '使用中'}
                      </span>
                    </td>
                    {editable ? (
                      <td className="nowrap table__actions">
                        <button
                          type="button"
                          className="button button--small"
                          data-testid="channel-archive"
                          disabled={busyId === channel.id}
                          onClick={() => void setArchived(channel, !channel.archived)}
                        >
                          {channel.archived ? '恢复 Restore' : '归档 Archive'}
                        </button>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <OutcomeLine outcome={outcome} testId="channels-outcome" />
      </section>
      {editable ? (
        <ChannelForm existing={items} onCreated={(created) => channels.patch((list) => [...list, created])} />
      ) : null}
    </div>
  );
}
