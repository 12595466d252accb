/**
 * 旅程 in the 360° view: the journeys the customer is in and where (the current step, waiting until when, or parked
 * with the error), then the ones they finished or left and why. Read-only: managers run journeys in the workbench.
 */
import { useMemo, useState } from 'react';
import { useNow } from '../shell/useNow';
import { useResource } from '../shell/useResource';
import { explainTaskError } from '../tasks/errors';
import { enrolmentWhere, splitEnrolments } from '../tasks/journeys';
import { ENROLMENT_STATUS_LABELS, ENROLMENT_TONES } from '../tasks/labels';
import { tasksApi } from '../tasks/runtime';
import type { JourneyEnrolment } from '../tasks/types';

const PAST_SHOWN = 3;

function EnrolmentRow({ item, now }: { item: JourneyEnrolment; now: Date }) {
  return (
    <li
      className="journey-row"
      data-testid="journey-row"
      data-journey-id={item.journeyId}
      data-status={item.status}
      data-step={item.step?.id ?? ''}
    >
      <div className="task__top">
        <span className="task__title">{item.journeyName}</span>
        <span className={`status status--${ENROLMENT_TONES[item.status]}`}>{ENROLMENT_STATUS_LABELS[item.status]}</span>
      </div>
      <div className="small muted" data-testid="journey-where">
        {enrolmentWhere(item, now)}
      </div>
    </li>
  );
}

export function CustomerJourneys({ customerId }: { customerId: string }) {
  const journeys = useResource(
    `journeys:${customerId}`,
    () => tasksApi.customerJourneys(customerId),
    (reason) => explainTaskError(reason, 'load'),
  );
  const now = useNow();
  const [showPast, setShowPast] = useState(false);
  const groups = useMemo(() => splitEnrolments(journeys.data ?? []), [journeys.data]);
  const { state } = journeys;
  const past = showPast ? groups.past : groups.past.slice(0, PAST_SHOWN);

  return (
    <section className="card journeys" aria-label="旅程 Journeys" data-testid="customer-journeys">
      <div className="appointments__head">
        <h2 className="card__title">
          旅程 <span className="muted small">Journeys</span>
        </h2>
        <button type="button" className="link-button" onClick={journeys.reload}>
          刷新
        </button>
      </div>
      {state.status === 'loading' || state.status === 'idle' ? (
        <p className="muted small">加载中… Loading</p>
      ) : state.status === 'failed' ? (
        <p className="field-error" role="alert">
          旅程加载失败：{state.message}
        </p>
      ) : !state.data.length ? (
        <p className="muted small" data-testid="journeys-empty">
          不在任何旅程中 Not in any journey
        </p>
      ) : (
        <>
          {groups.current.length ? (
            <ol className="tasks__list">
              {groups.current.map((item) => (
                <EnrolmentRow key={item.id} item={item} now={now} />
              ))}
            </ol>
          ) : (
            <p className="muted small">当前不在进行中的旅程里</p>
          )}
          {groups.past.length ? (
            <>
              <h3 className="appointments__group">已结束 Ended</h3>
              <ol className="tasks__list">
                {past.map((item) => (
                  <EnrolmentRow key={item.id} item={item} now={now} />
                ))}
              </ol>
              {groups.past.length > PAST_SHOWN ? (
                <button type="button" className="link-button" onClick={() => setShowPast((value) => !value)}>
                  {showPast ? '收起' : `显示全部 ${groups.past.length} 条`}
                </button>
              ) : null}
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
