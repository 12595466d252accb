/** The loaded timeline as the sidebar lists it: grouped by day in the organisation's zone, newest first. */
import type { TimelineEvent } from '@careloop/shared';
import { dayKey, formatDayHeading, ORGANISATION_TIME_ZONE } from './format';

export interface TimelineDay {
  /** YYYY-MM-DD. */
  key: string;
  heading: string;
  items: TimelineEvent[];
}

/** Consecutive events of the same day share a heading (the items come newest first and stay in that order). */
export function groupByDay(
  items: readonly TimelineEvent[],
  now: Date = new Date(),
  timeZone = ORGANISATION_TIME_ZONE,
): TimelineDay[] {
  const days: TimelineDay[] = [];
  for (const item of items) {
    const key = dayKey(item.occurredAt, timeZone);
    const last = days.at(-1);
    if (last && last.key === key) last.items.push(item);
    else days.push({ key, heading: formatDayHeading(item.occurredAt, now, timeZone), items: [item] });
  }
  return days;
}
