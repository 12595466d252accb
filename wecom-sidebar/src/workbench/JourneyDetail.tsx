/**
 * One journey (`#journeys/<id>`): its name, status, version and counts, the actions its status allows managers
 * (enable a draft, pause, resume, archive — archiving takes everyone out, so it asks first), and three tabs: the
 * builder, the analytics on the graph, and the versions.
 */
import { useCallback, useState } from 'react';
import type { JourneyAction } from '../journeys/api';
import { versionText } from '../journeys/describe';
import { explainJourneyError } from '../journeys/errors';
import { ENTRY_KIND_LABELS, JOURNEY_STATUS_LABELS, JOURNEY_STATUS_TONES } from '../journeys/labels';
import { journeyHref, type JourneyTab } from '../journeys/nav';
import { journeysApi } from '../journeys/runtime';
import type { Journey, JourneyStatus } from '../journeys/types';
import type { JourneyPickers } from '../journeys/usePickers';
import { formatDateTime } from '../profile/format';
import { StatusChip } from '../shell/components';
import { OutcomeLine, type Outcome } from '../shell/Field';
import { ItemTabs, type ItemTab } from '../shell/ItemTabs';
import { useResource } from '../shell/useResource';
import { JourneyAnalytics } from './JourneyAnalytics';
import { JourneyBuilder } from './JourneyBuilder';
import { JourneyVersions } from './JourneyVersions';

const TABS: ItemTab<JourneyTab>[] = [
  { id: 'builder', label: '流程', hint: 'Builder' },
  { id: 'analytics', label: '数据', hint: 'Analytics' },
  { id: 'versions', label: '版本', hint: 'Versions' },
];

const ACTIONS: Record<JourneyStatus, JourneyAction[]> = {
  draft: ['enable', 'archive'],
  live: ['pause', 'archive'],
  paused: ['resume', 'archive'],
  archived: [],
};

const ACTION_LABELS: Record<JourneyAction, string> = {
  enable: '启用 Enable',
  pause: '暂停 Pause',
  resume: '恢复 Resume',
  archive: '归档 Archive',
};

const ACTION_DONE: Record<JourneyAction, string> = {
  enable: '已启用：符合条件的客户从现在起进入旅程。',
  pause: '已暂停：没有人进入，步骤不再执行，直到恢复。',
  resume: '已恢复：暂停期间到期的步骤现在执行。',
  archive: '已归档：旅程中的客户都已离开，数据保留。',
};

export function JourneyStatusChip({ status }: { status: JourneyStatus }) {
  return (
    <StatusChip
      status={status}
      tone={JOURNEY_STATUS_TONES[status]}
      label={JOURNEY_STATUS_LABELS[status]}
      testId="journey-status"
    />
  );
}

export function JourneyDetail({
  id,
  tab,
  manager,
  pickers,
  sidebarLinks,
  onChanged,
}: {
  id: string;
  tab: JourneyTab;
  manager: boolean;
  pickers: JourneyPickers;
  sidebarLinks: boolean;
  onChanged(journey: Journey): void;
}) {
  const loaded = useResource(
    `journey:${id}`,
    () => journeysApi.get(id),
    (reason) => explainJourneyError(reason, 'load'),
  );
  const [busy, setBusy] = useState<JourneyAction | null>(null);
  const [confirmArchive, setConfirmArchive] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [dirty, setDirty] = useState(false);
  const onDirty = useCallback((value: boolean) => setDirty(value), []);
  const journey = loaded.data;
  const { patch } = loaded;

  const replace = useCallback(
    (next: Journey) => {
      patch(() => next);
      onChanged(next);
    },
    [patch, onChanged],
  );

  const act = async (action: JourneyAction) => {
    setBusy(action);
    setOutcome(null);
    try {
      const next = await journeysApi.act(id, action);
      replace(next);
      setConfirmArchive(false);
      setOutcome({ kind: 'ok', text: ACTION_DONE[action] });
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainJourneyError(reason, action) });
    } finally {
      setBusy(null);
    }
  };

  if (!journey) {
    return (
      <section className="card">
        {loaded.state.status === 'failed' ? (
          <p className="field-error" role="alert" data-testid="journey-load-error">
            旅程加载失败：{loaded.state.message}
          </p>
        ) : (
          <p className="muted">加载中… Loading</p>
        )}
      </section>
    );
  }

  return (
    <div className="page journey-detail" data-testid="journey-detail" data-journey-id={journey.id}>
      <section className="card" aria-label={journey.name}>
        <div className="day__head">
          <h2 className="card__title">
            <span data-testid="journey-title">{journey.name}</span> <JourneyStatusChip status={journey.status} />
            <span className="muted small" data-testid="journey-version">
              {' '}
              {versionText(journey)}
            </span>
          </h2>
          {manager ? (
            <div className="row">
              {ACTIONS[journey.status].map((action) =>
                action === 'archive' && confirmArchive ? (
                  <span key={action} className="row" role="group" aria-label="确认归档 Confirm">
                    <span className="small">归档会让旅程中的 {journey.counts.active} 位客户全部离开，确定？</span>
                    <button
                      type="button"
                      className="button button--small button--danger"
                      data-testid="journey-archive-confirm"
                      disabled={busy !== null}
                      onClick={() => void act('archive')}
                    >
                      确定归档
                    </button>
                    <button type="button" className="link-button" onClick={() => setConfirmArchive(false)}>
                      取消
                    </button>
                  </span>
                ) : (
                  <button
                    key={action}
                    type="button"
                    className={`button button--small${action === 'enable' || action === 'resume' ? ' button--primary' : ''}${action === 'archive' ? ' button--danger' : ''}`}
                    data-testid={`journey-${action}`}
                    disabled={busy !== null || (action === 'enable' && dirty)}
                    title={action === 'enable' && dirty ? '请先保存修改 Save first' : undefined}
                    onClick={() => (action === 'archive' ? setConfirmArchive(true) : void act(action))}
                  >
                    {busy === action ? '处理中…' : ACTION_LABELS[action]}
                  </button>
                ),
              )}
            </div>
          ) : null}
        </div>
        {journey.description ? <p className="muted small">{journey.description}</p> : null}
        <dl className="jcounts" data-testid="journey-counts">
          <div data-metric="entryKind">
            <dt>进入方式</dt>
            <dd>{ENTRY_KIND_LABELS[journey.entryKind]}</dd>
          </div>
          <div data-metric="active">
            <dt>进行中</dt>
            <dd>{journey.counts.active}</dd>
          </div>
          <div data-metric="completed">
            <dt>已完成</dt>
            <dd>{journey.counts.completed}</dd>
          </div>
          <div data-metric="exited">
            <dt>已退出</dt>
            <dd>{journey.counts.exited}</dd>
          </div>
          <div data-metric="parked">
            <dt>出错暂停</dt>
            <dd>{journey.counts.parked}</dd>
          </div>
          <div data-metric="inDoubt">
            <dt>待确认消息</dt>
            <dd>{journey.counts.inDoubt}</dd>
          </div>
          {journey.nextRunAt ? (
            <div data-metric="nextRunAt">
              <dt>下次圈选</dt>
              <dd>{formatDateTime(journey.nextRunAt)}</dd>
            </div>
          ) : null}
        </dl>
        <OutcomeLine outcome={outcome} testId="journey-action-outcome" />
      </section>
      <ItemTabs
        label="旅程 Journey"
        tabs={TABS}
        current={tab}
        href={(view) => journeyHref(journey.id, view)}
        testIdPrefix="journey-tab-"
      />
      {tab === 'analytics' ? (
        <JourneyAnalytics journey={journey} pickers={pickers} sidebarLinks={sidebarLinks} />
      ) : tab === 'versions' ? (
        <JourneyVersions journey={journey} manager={manager} />
      ) : (
        <JourneyBuilder
          key={journey.id}
          journey={journey}
          manager={manager}
          pickers={pickers}
          onSaved={replace}
          onDirty={onDirty}
        />
      )}
    </div>
  );
}
