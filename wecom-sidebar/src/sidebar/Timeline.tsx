/** The customer's timeline, newest first, grouped by day; filter by kind of event; scroll to load older pages. */
import { useMemo, useState } from 'react';
import { describeEvent, type AppointmentOf, type NameOf } from '../profile/eventLabels';
import { formatDateTime, formatTime } from '../profile/format';
import { groupOfType, isTimelineFilterId, TIMELINE_FILTERS, type TimelineFilterId } from '../profile/timelineFilter';
import { SelectInput } from '../shell/Field';
import { groupByDay } from '../profile/timelineView';
import { withStaffNames } from '../profile/profileView';
import { useTimeline } from './useTimeline';

export function Timeline({
  customerId,
  version,
  nameOf,
  appointmentOf,
}: {
  customerId: string;
  version: number;
  nameOf: NameOf;
  appointmentOf?: AppointmentOf;
}) {
  const [filter, setFilter] = useState<TimelineFilterId>('all');
  const { snapshot, sentinelRef, loadMore } = useTimeline(customerId, filter, version);
  const days = useMemo(() => groupByDay(snapshot.items), [snapshot.items]);
  const namesOf = useMemo(() => withStaffNames(nameOf, snapshot.staffNames), [nameOf, snapshot.staffNames]);
  const { status } = snapshot;

  return (
    <section className="card timeline" aria-label="时间线 Timeline">
      <div className="timeline__head">
        <h2 className="card__title">
          时间线 <span className="muted small">Timeline</span>
        </h2>
        <SelectInput<string>
          className="timeline__filter"
          testId="timeline-filter"
          ariaLabel="事件类型 Event type"
          options={TIMELINE_FILTERS}
          value={filter}
          onChange={(id) => {
            if (isTimelineFilterId(id)) setFilter(id);
          }}
        />
      </div>
      {days.map((day) => (
        <div key={day.key} className="timeline__day">
          <h3 className="timeline__date">{day.heading}</h3>
          <ol className="timeline__list">
            {day.items.map((item) => {
              const description = describeEvent(item, namesOf, appointmentOf);
              return (
                <li
                  key={item.id}
                  className={`timeline__item timeline__item--${groupOfType(item.type) ?? 'other'}`}
                  data-testid="timeline-item"
                  data-type={item.type}
                >
                  <time className="timeline__time" dateTime={item.occurredAt} title={formatDateTime(item.occurredAt)}>
                    {formatTime(item.occurredAt)}
                  </time>
                  <div className="timeline__body">
                    <span className="timeline__label">{description.label}</span>
                    {description.detail ? <span className="timeline__detail">{description.detail}</span> : null}
                    {description.actor ? (
                      <span className="timeline__actor muted small">由 {description.actor}</span>
                    ) : null}
                  </div>
                </li>
              );
            })}
          </ol>
        </div>
      ))}
      <div ref={sentinelRef} className="timeline__end" aria-live="polite">
        {status === 'loading' || status === 'idle' ? (
          <span className="muted small">加载中… Loading</span>
        ) : status === 'error' ? (
          <span className="field-error">
            时间线加载失败：{snapshot.error}{' '}
            <button type="button" className="link-button" data-testid="timeline-retry" onClick={loadMore}>
              重试 Retry
            </button>
          </span>
        ) : status === 'end' ? (
          <span className="muted small" data-testid="timeline-end">
            {snapshot.items.length ? '没有更早的记录了 No older events' : '暂无记录 No events'}
          </span>
        ) : (
          <button type="button" className="link-button" data-testid="timeline-more" onClick={loadMore}>
            加载更多 Load more
          </button>
        )}
      </div>
    </section>
  );
}
