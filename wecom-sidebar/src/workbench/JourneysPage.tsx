/**
 * 客户旅程: the workbench's journeys — the list with each journey's status and counts, the SOP template gallery, the
 * messages in doubt to review (managers), a new journey, and one journey's builder, analytics and versions
 * (`#journeys`, `#journeys/templates`, `#journeys/in-doubt`, `#journeys/new`, `#journeys/<id>[/analytics|/versions]`).
 * Everyone reads; managers and admins create, edit, enable, pause, archive and review.
 */
import type { StaffProfile } from '@careloop/shared';
import { useState } from 'react';
import { canManageJourneys, versionText } from '../journeys/describe';
import { blankDefinition } from '../journeys/edit';
import { explainJourneyError } from '../journeys/errors';
import { ENTRY_KIND_LABELS, JOURNEY_STATUS_LABELS, JOURNEY_STATUSES } from '../journeys/labels';
import {
  JOURNEY_IN_DOUBT_HREF,
  JOURNEY_LIST_HREF,
  JOURNEY_NEW_HREF,
  JOURNEY_TEMPLATES_HREF,
  journeyHref,
  type JourneyRoute,
} from '../journeys/nav';
import { journeysApi } from '../journeys/runtime';
import { useJourneyPickers } from '../journeys/usePickers';
import type { JourneyStatus, JourneySummary } from '../journeys/types';
import { formatDateTime } from '../profile/format';
import { Field, OutcomeLine, SelectInput, TextField, type Outcome } from '../shell/Field';
import { useResource } from '../shell/useResource';
import { JourneyDetail, JourneyStatusChip } from './JourneyDetail';
import { JourneyInDoubt } from './JourneyInDoubt';
import { JourneyTemplates } from './JourneyTemplates';

const VIEWS = [
  { id: 'list', href: JOURNEY_LIST_HREF, label: '旅程', hint: 'Journeys', managers: false },
  { id: 'templates', href: JOURNEY_TEMPLATES_HREF, label: 'SOP 模板库', hint: 'Templates', managers: false },
  { id: 'in-doubt', href: JOURNEY_IN_DOUBT_HREF, label: '待确认消息', hint: 'In doubt', managers: true },
] as const;

function JourneyTable({ items }: { items: readonly JourneySummary[] }) {
  return (
    <div className="table-wrap">
      <table className="table table--numbers" data-testid="journey-table">
        <thead>
          <tr>
            <th>旅程</th>
            <th>状态</th>
            <th>进入方式</th>
            <th>版本</th>
            <th title="Active">进行中</th>
            <th title="Completed">已完成</th>
            <th title="Exited">已退出</th>
            <th title="Parked after failures">出错</th>
            <th title="Messages in doubt">待确认</th>
            <th>更新</th>
          </tr>
        </thead>
        <tbody>
          {items.map((journey) => (
            <tr key={journey.id} data-testid="journey-row" data-journey-id={journey.id} data-status={journey.status}>
              <td className="table__name">
                <a href={journeyHref(journey.id)} data-testid="journey-open">
                  {journey.name}
                </a>
                {journey.templateKey ? <div className="muted small">来自 SOP 模板</div> : null}
              </td>
              <td className="nowrap">
                <JourneyStatusChip status={journey.status} />
              </td>
              <td className="nowrap small">{ENTRY_KIND_LABELS[journey.entryKind]}</td>
              <td className="nowrap small">{versionText(journey)}</td>
              <td data-metric="active">{journey.counts.active}</td>
              <td data-metric="completed">{journey.counts.completed}</td>
              <td data-metric="exited">{journey.counts.exited}</td>
              <td data-metric="parked">{journey.counts.parked}</td>
              <td data-metric="inDoubt">{journey.counts.inDoubt}</td>
              <td className="nowrap small">{formatDateTime(journey.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function NewJourney() {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const create = async () => {
    if (!name.trim()) {
      setError('请填写旅程名称');
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      const journey = await journeysApi.create({
        name: name.trim(),
        description: description.trim(),
        definition: blankDefinition(),
      });
      window.location.hash = journeyHref(journey.id);
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainJourneyError(reason, 'create') });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-label="新建旅程 New journey" data-testid="journey-new">
      <h2 className="card__title">
        新建旅程 <span className="muted small">New journey</span>
      </h2>
      <p className="muted small">
        先建一个草稿（标签触发、一个回访任务），再在流程图里改入口和步骤。也可以从 SOP 模板开始。
      </p>
      <div className="form-grid">
        <Field label="旅程名称" error={error}>
          <input
            className="input"
            data-testid="journey-new-name"
            maxLength={60}
            value={name}
            onChange={(event) => {
              setName(event.target.value);
              setError(undefined);
            }}
          />
        </Field>
        <TextField
          label="说明"
          hint="（可选）"
          testId="journey-new-description"
          maxLength={500}
          value={description}
          onChange={setDescription}
        />
      </div>
      <div className="row">
        <button
          type="button"
          className="button button--primary"
          data-testid="journey-new-create"
          disabled={busy}
          onClick={() => void create()}
        >
          {busy ? '创建中…' : '创建草稿'}
        </button>
        <a className="link-button" href={JOURNEY_LIST_HREF}>
          取消
        </a>
      </div>
      <OutcomeLine outcome={outcome} testId="journey-new-outcome" />
    </section>
  );
}

export function JourneysPage({
  staff,
  route,
  sidebarLinks,
}: {
  staff: StaffProfile;
  route: JourneyRoute;
  /** Links to a customer's 360° in the chat sidebar (outside WeCom only). */
  sidebarLinks: boolean;
}) {
  const manager = canManageJourneys(staff);
  const pickers = useJourneyPickers(manager);
  const [status, setStatus] = useState<JourneyStatus | ''>('');
  const [round, setRound] = useState(0);
  const list = useResource(
    route.view === 'list' || route.view === 'new' ? `journeys:${round}` : null,
    () => journeysApi.list(),
    (reason) => explainJourneyError(reason, 'load'),
  );
  const view = route.view === 'in-doubt' && !manager ? 'list' : route.view;
  const current = view === 'journey' ? null : view === 'new' ? 'list' : view;
  const items = (list.data ?? []).filter((journey) => !status || journey.status === status);

  return (
    <div className="page journeys-page">
      <nav className="subtabs" aria-label="客户旅程 Journeys">
        {VIEWS.filter((item) => !item.managers || manager).map((item) => (
          <a
            key={item.id}
            href={item.href}
            className={`subtabs__tab${item.id === current ? ' subtabs__tab--current' : ''}`}
            aria-current={item.id === current ? 'page' : undefined}
            data-testid={`journeys-nav-${item.id}`}
          >
            {item.label} <span className="tabs__hint">{item.hint}</span>
          </a>
        ))}
      </nav>
      {view === 'templates' ? (
        <JourneyTemplates manager={manager} pickers={pickers} />
      ) : view === 'in-doubt' ? (
        <JourneyInDoubt />
      ) : view === 'new' && manager ? (
        <NewJourney />
      ) : route.view === 'journey' ? (
        <JourneyDetail
          key={route.id}
          id={route.id}
          tab={route.tab}
          manager={manager}
          pickers={pickers}
          sidebarLinks={sidebarLinks}
          onChanged={() => setRound((value) => value + 1)}
        />
      ) : null}
      {view === 'list' || view === 'new' ? (
        <section className="card" aria-label="旅程 Journeys">
          <div className="day__head">
            <h2 className="card__title">
              客户旅程 <span className="muted small">Journeys</span>
            </h2>
            <div className="row">
              <SelectInput
                inline
                ariaLabel="状态 Status"
                testId="journey-filter-status"
                empty="全部状态 All states"
                options={JOURNEY_STATUSES}
                labels={JOURNEY_STATUS_LABELS}
                value={status}
                onChange={(next) => setStatus(next)}
              />
              <button type="button" className="link-button" onClick={list.reload}>
                刷新
              </button>
              {manager ? (
                <>
                  <a className="button button--small" href={JOURNEY_TEMPLATES_HREF} data-testid="journey-from-template">
                    从模板创建
                  </a>
                  <a
                    className="button button--primary button--small"
                    href={JOURNEY_NEW_HREF}
                    data-testid="journey-new-open"
                  >
                    新建旅程 New
                  </a>
                </>
              ) : null}
            </div>
          </div>
          {list.state.status === 'failed' ? (
            <p className="field-error" role="alert">
              旅程加载失败：{list.state.message}
            </p>
          ) : !list.data ? (
            <p className="muted">加载中… Loading</p>
          ) : items.length ? (
            <JourneyTable items={items} />
          ) : (
            <p className="muted" data-testid="journeys-empty">
              {list.data.length ? '没有这个状态的旅程。' : '还没有旅程。可以从 SOP 模板库开始。'} No journeys.
            </p>
          )}
        </section>
      ) : null}
    </div>
  );
}
