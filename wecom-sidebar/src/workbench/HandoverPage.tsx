/**
 * 离职交接: a manager picks the member who leaves and their successor, says whether the member has already left the
 * corp in WeCom (离职继承) or is still employed (在职继承, with the message WeCom sends the customer), confirms, and
 * starts the handover: open tasks and owned customers move at once, WeCom external contacts are handed over. The
 * handover's page (`#tasks/handover/<id>`) shows the progress and each unfinished contact's transfer result, with a
 * button to read WeCom's results again. Managers and admins.
 */
import { useMemo, useState } from 'react';
import { formatDateTime } from '../profile/format';
import { Field, OutcomeLine, SelectField, type Outcome } from '../shell/Field';
import { api } from '../shell/runtime';
import { useDraft } from '../shell/useDraft';
import { useResource } from '../shell/useResource';
import { explainTaskError } from '../tasks/errors';
import {
  buildHandoverRequest,
  contactDetail,
  contactStateCounts,
  emptyHandoverDraft,
  HANDOVER_MESSAGE_MAX,
  HANDOVER_STATUS_LABELS,
  handoverProgress,
  lastErrorText,
  leaverOptions,
  type HandoverDraft,
  type HandoverField,
} from '../tasks/handover';
import { HANDOVER_STATE_LABELS, HANDOVER_STATE_TONES } from '../tasks/labels';
import { taskHref } from '../tasks/nav';
import { tasksApi } from '../tasks/runtime';
import { statsQuery } from '../tasks/stats';
import type { Handover } from '../tasks/types';

const explain = (reason: unknown) => explainTaskError(reason, 'handover');

function HandoverForm({ onStarted }: { onStarted(handover: Handover): void }) {
  const members = useResource('staff-members', () => api.staffMembers(), explain);
  // Members no longer active who still hold tasks are named by the figures (the last 90 days).
  const figures = useResource('handover-figures', () => tasksApi.stats(statsQuery(90, '', new Date())), explain);
  const { draft, errors, set, bind, setErrors } = useDraft<HandoverDraft, HandoverField>(emptyHandoverDraft);
  const [confirming, setConfirming] = useState(false);
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const leavers = useMemo(
    () => leaverOptions(members.data ?? [], figures.data?.byStaff ?? []),
    [members.data, figures.data],
  );
  const successors = (members.data ?? []).filter((member) => member.id !== draft.fromStaffId);
  const nameOf = (id: string) => leavers.find((option) => option.id === id)?.name ?? '—';

  const check = (event: React.FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    const result = buildHandoverRequest(draft);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setConfirming(true);
  };

  const start = async () => {
    const result = buildHandoverRequest(draft);
    if (!result.ok) return;
    setSaving(true);
    setOutcome(null);
    try {
      const handover = await tasksApi.startHandover(result.request.fromStaffId, result.request.request);
      setConfirming(false);
      onStarted(handover);
    } catch (reason) {
      setOutcome({ kind: 'error', text: explain(reason) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="card sched-form" data-testid="handover-form" onSubmit={check} noValidate>
      <h2 className="card__title">
        离职交接 <span className="muted small">Hand over a leaver’s work</span>
      </h2>
      <p className="muted small handover__intro">
        交接后，离职员工的未完成任务和其负责的客户会立即转给接替人；其企业微信客户通过企业微信转接，客户可在 24
        小时内拒绝。同一对员工可以再次发起，以继续未完成的部分。
      </p>
      {members.state.status === 'failed' ? (
        <p className="field-error" role="alert">
          员工列表加载失败：{members.state.message}
        </p>
      ) : null}
      <fieldset className="sched-form__fields" disabled={saving || confirming}>
        <div className="form-grid">
          <SelectField
            label="离职员工 Leaver"
            testId="handover-from"
            empty={members.data ? '— 选择员工 —' : '加载中…'}
            options={leavers}
            {...bind('fromStaffId')}
          />
          <SelectField
            label="接替人 Successor"
            testId="handover-to"
            empty={members.data ? '— 选择在职员工 —' : '加载中…'}
            options={successors}
            {...bind('successorStaffId')}
          />
          <Field label="是否已在企业微信离职 Left the corp in WeCom?" error={errors.resigned} group wide>
            <div className="checks">
              <label className="check">
                <input
                  type="radio"
                  name="handover-resigned"
                  data-testid="handover-resigned"
                  value="yes"
                  checked={draft.resigned === 'yes'}
                  onChange={() => set('resigned', 'yes')}
                />
                已离职（离职继承）
              </label>
              <label className="check">
                <input
                  type="radio"
                  name="handover-resigned"
                  data-testid="handover-resigned"
                  value="no"
                  checked={draft.resigned === 'no'}
                  onChange={() => set('resigned', 'no')}
                />
                仍在职（在职继承）
              </label>
            </div>
          </Field>
          {draft.resigned === 'no' ? (
            <Field
              label="转接成功后发给客户的消息"
              hint={`（可选，最多 ${HANDOVER_MESSAGE_MAX} 字；留空用默认文案）`}
              error={errors.transferSuccessMessage}
              wide
            >
              <textarea
                className="textarea handover__message"
                data-testid="handover-message"
                rows={3}
                maxLength={HANDOVER_MESSAGE_MAX + 10}
                value={draft.transferSuccessMessage}
                onChange={(event) => set('transferSuccessMessage', event.target.value)}
              />
            </Field>
          ) : null}
        </div>
      </fieldset>
      {confirming ? (
        <div className="board__confirm" role="group" aria-label="确认交接 Confirm">
          <p data-testid="handover-confirm-text">
            将把 <strong>{nameOf(draft.fromStaffId)}</strong> 的未完成任务、负责的客户和企业微信客户交给{' '}
            <strong>{nameOf(draft.successorStaffId)}</strong>（{draft.resigned === 'yes' ? '离职继承' : '在职继承'}
            ）。确定开始？
          </p>
          <div className="row">
            <button
              type="button"
              className="button button--primary"
              data-testid="handover-confirm"
              disabled={saving}
              onClick={() => void start()}
            >
              {saving ? '交接中…' : '确认开始交接'}
            </button>
            <button type="button" className="button" disabled={saving} onClick={() => setConfirming(false)}>
              返回修改
            </button>
          </div>
        </div>
      ) : (
        <div className="row sched-form__foot">
          <span />
          <button type="submit" className="button button--primary" data-testid="handover-start">
            开始交接 Start
          </button>
        </div>
      )}
      <OutcomeLine outcome={outcome} testId="handover-result" />
    </form>
  );
}

function HandoverProgress({ id }: { id: string }) {
  const handover = useResource(`handover:${id}`, () => tasksApi.handover(id), explain);
  const [refreshing, setRefreshing] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const data = handover.data;
  const { state } = handover;

  const refresh = async () => {
    setRefreshing(true);
    setOutcome(null);
    try {
      const next = await tasksApi.refreshHandover(id);
      handover.patch(() => next);
      setOutcome({ kind: 'ok', text: `已向企业微信读取最新转接结果（${formatDateTime(next.updatedAt)}）` });
    } catch (reason) {
      setOutcome({ kind: 'error', text: explain(reason) });
    } finally {
      setRefreshing(false);
    }
  };

  if (state.status === 'failed') {
    return (
      <section className="card" data-testid="handover-progress">
        <p className="field-error" role="alert">
          交接加载失败：{state.message}
        </p>
      </section>
    );
  }
  if (!data) {
    return (
      <section className="card" data-testid="handover-progress">
        <p className="muted">加载中… Loading</p>
      </section>
    );
  }
  const progress = handoverProgress(data);
  const error = lastErrorText(data);

  return (
    <section className="card" aria-label="交接进度 Handover progress" data-testid="handover-progress">
      <div className="day__head">
        <h2 className="card__title">
          {data.from.name ?? '（已停用）'} → {data.to.name ?? '（已停用）'}{' '}
          <span
            className={`status status--${data.status === 'done' ? 'done' : 'pending'}`}
            data-testid="handover-status"
            data-status={data.status}
          >
            {HANDOVER_STATUS_LABELS[data.status]}
          </span>
        </h2>
        <div className="row">
          <button
            type="button"
            className="button button--small"
            data-testid="handover-refresh"
            disabled={refreshing}
            onClick={() => void refresh()}
          >
            {refreshing ? '刷新中…' : '刷新转接结果 Refresh'}
          </button>
          <a className="link-button" href={taskHref('handover')}>
            新的交接
          </a>
        </div>
      </div>
      <dl className="facts handover__facts">
        <dt>方式</dt>
        <dd>{data.resigned ? '离职继承（已离职）' : '在职继承（仍在职）'}</dd>
        <dt>已转任务</dt>
        <dd data-testid="handover-tasks-moved">{data.tasksMoved}</dd>
        <dt>已转客户（负责人）</dt>
        <dd data-testid="handover-customers-moved">{data.customersMoved}</dd>
        <dt>企业微信客户</dt>
        <dd>
          <span data-testid="handover-settled">
            {progress.settled} / {progress.total}
          </span>{' '}
          已有结果
        </dd>
        <dt>开始于</dt>
        <dd>{formatDateTime(data.createdAt)}</dd>
        <dt>最近更新</dt>
        <dd>{formatDateTime(data.updatedAt)}</dd>
      </dl>
      <div
        className="progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={progress.percent}
        aria-label="转接进度"
      >
        <div className="progress__bar" style={{ width: `${progress.percent}%` }} />
      </div>
      <div className="row handover__states" data-testid="handover-states">
        {contactStateCounts(data).map((item) => (
          <span
            key={item.state}
            className={`status status--${item.tone}`}
            title={item.hint}
            data-testid="handover-state"
            data-state={item.state}
          >
            {item.label} {item.count}
          </span>
        ))}
        {!data.contacts.total ? <span className="muted small">该员工没有企业微信客户需要转接。</span> : null}
      </div>
      {error ? (
        <p className="field-error" role="alert" data-testid="handover-last-error">
          企业微信拒绝了上一批转接（稍后自动重试）：{error} · {formatDateTime(data.lastError?.at)}
        </p>
      ) : null}
      <OutcomeLine outcome={outcome} testId="handover-refresh-result" />
      {data.unfinished.length ? (
        <>
          <h3 className="handover__title">
            未完成的客户 <span className="muted small">Contacts not taken over (yet)</span>
          </h3>
          <div className="table-wrap">
            <table className="table" data-testid="handover-contacts">
              <thead>
                <tr>
                  <th>external_userid</th>
                  <th>状态</th>
                  <th>说明</th>
                  <th>接替时间</th>
                </tr>
              </thead>
              <tbody>
                {data.unfinished.map((contact) => (
                  <tr key={contact.externalUserId} data-testid="handover-contact-row" data-state={contact.state}>
                    <td className="mono small">{contact.externalUserId}</td>
                    <td className="nowrap">
                      <span className={`status status--${HANDOVER_STATE_TONES[contact.state]}`}>
                        {HANDOVER_STATE_LABELS[contact.state]}
                      </span>
                    </td>
                    <td className="small">{contactDetail(contact)}</td>
                    <td className="nowrap small">{formatDateTime(contact.takeoverAt) || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : data.contacts.total ? (
        <p className="muted small" data-testid="handover-all-done">
          全部客户已由接替人接手。
        </p>
      ) : null}
    </section>
  );
}

export function HandoverPage({ handoverId }: { handoverId: string | null }) {
  return (
    <div className="handover" data-testid="handover-page">
      {handoverId ? (
        <HandoverProgress key={handoverId} id={handoverId} />
      ) : (
        <HandoverForm
          onStarted={(handover) => {
            window.location.hash = taskHref('handover', handover.id);
          }}
        />
      )}
    </div>
  );
}
