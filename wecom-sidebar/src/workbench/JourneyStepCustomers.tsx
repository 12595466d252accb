/**
 * The customers at one step of a journey, in one state (waiting, passed, skipped, exited, failed), a page at a time:
 * name, when, why (skipped and failed), the version they are on, and a link to their 360° in the chat sidebar
 * (outside WeCom, where the sidebar's contact can be chosen).
 */
import { useState } from 'react';
import { customerDisplayName } from '../labels';
import { explainJourneyError } from '../journeys/errors';
import { STEP_STATE_HINTS, STEP_STATE_LABELS, STEP_TYPE_LABELS } from '../journeys/labels';
import { sidebarCustomerHref } from '../journeys/nav';
import { stepStates } from '../journeys/overlay';
import { journeysApi } from '../journeys/runtime';
import type { JourneyStepStats, StepCustomerPage, StepCustomerState } from '../journeys/types';
import { formatDateTime } from '../profile/format';
import { useResource } from '../shell/useResource';

const PAGE = 20;

export function JourneyStepCustomers({
  journeyId,
  stats,
  version,
  sidebarLinks,
}: {
  journeyId: string;
  stats: JourneyStepStats;
  version: number | null;
  sidebarLinks: boolean;
}) {
  const states = stepStates(stats);
  const [state, setState] = useState<StepCustomerState>(states[0]?.state ?? 'passed');
  const [pages, setPages] = useState<StepCustomerPage[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const first = useResource(
    `step-customers:${journeyId}:${stats.stepId}:${state}:${version ?? 'all'}:${stats.entered}`,
    () => {
      setPages([]);
      return journeysApi.stepCustomers(journeyId, stats.stepId, { state, version, limit: PAGE });
    },
    (reason) => explainJourneyError(reason, 'load'),
  );
  const items = [...(first.data?.items ?? []), ...pages.flatMap((page) => page.items)];
  const cursor = pages.length ? pages[pages.length - 1]!.nextCursor : (first.data?.nextCursor ?? null);

  const loadMore = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await journeysApi.stepCustomers(journeyId, stats.stepId, { state, version, cursor, limit: PAGE });
      setPages((current) => [...current, page]);
    } catch (reason) {
      setMoreError(explainJourneyError(reason, 'load'));
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <section
      className="card jpanel"
      aria-label="这一步的客户 Customers at the step"
      data-testid="journey-step-customers"
      data-step-id={stats.stepId}
    >
      <h3 className="jpanel__title">
        {stats.name?.trim() || STEP_TYPE_LABELS[stats.type]} <span className="mono muted small">{stats.stepId}</span>
      </h3>
      {states.length ? (
        <div className="subtabs" role="tablist" aria-label="状态 State">
          {states.map((item) => (
            <button
              key={item.state}
              type="button"
              role="tab"
              aria-selected={item.state === state}
              className={`subtabs__tab${item.state === state ? ' subtabs__tab--current' : ''}`}
              data-testid="step-state-tab"
              data-state={item.state}
              title={STEP_STATE_HINTS[item.state]}
              onClick={() => setState(item.state)}
            >
              {STEP_STATE_LABELS[item.state]} {item.count}
            </button>
          ))}
        </div>
      ) : (
        <p className="muted small" data-testid="step-customers-none">
          还没有客户到过这一步。 Nobody has reached this step yet.
        </p>
      )}
      {!states.length ? null : first.state.status === 'failed' ? (
        <p className="field-error" role="alert">
          加载失败：{first.state.message}
        </p>
      ) : !first.data ? (
        <p className="muted small">加载中… Loading</p>
      ) : items.length ? (
        <ol className="jcustomers" data-testid="step-customer-list">
          {items.map((item) => (
            <li key={`${item.enrolmentId}:${item.at}`} data-testid="step-customer" data-customer-id={item.customerId}>
              <span className="jcustomers__name" data-testid="step-customer-name">
                {customerDisplayName(item.name)}
              </span>
              <span className="muted small nowrap"> {formatDateTime(item.at)}</span>
              <span className="muted small"> · v{item.version}</span>
              {item.detail ? <div className="small muted">{item.detail}</div> : null}
              {sidebarLinks ? (
                <a
                  className="small jcustomers__link"
                  href={sidebarCustomerHref(item.customerId)}
                  target="_blank"
                  rel="noreferrer"
                  data-testid="step-customer-360"
                >
                  查看 360° 档案
                </a>
              ) : null}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted small">这一状态下没有客户。</p>
      )}
      {cursor ? (
        <button
          type="button"
          className="button button--small"
          data-testid="step-customers-more"
          disabled={loadingMore}
          onClick={() => void loadMore()}
        >
          {loadingMore ? '加载中…' : '加载更多'}
        </button>
      ) : null}
      {moreError ? (
        <p className="field-error" role="alert">
          {moreError}
        </p>
      ) : null}
    </section>
  );
}
