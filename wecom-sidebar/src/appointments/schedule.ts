/**
 * Days and times as the clinic sees them. The API gives every appointment its clinic-local date and time (`local`),
 * and the page shows those; the only clock the page reads itself is "today", and that in the clinic's zone, never the
 * browser's. Also: the columns of a clinic's day (one per doctor) and the sidebar's upcoming / past split.
 */
import { dayKey, ORGANISATION_TIME_ZONE } from '../profile/format';
import type { Appointment, AppointmentStatus, DaySchedule, ScheduledAppointment, ScheduleTemplate } from './types';

export const WEEKDAY_LABELS: Record<number, string> = {
  1: '周一',
  2: '周二',
  3: '周三',
  4: '周四',
  5: '周五',
  6: '周六',
  7: '周日',
};

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day written YYYY-MM-DD. */
export function isLocalDate(value: string): boolean {
  const match = LOCAL_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function utcDate(date: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day));
}

/** Today's date in the zone (the clinic's), YYYY-MM-DD. */
export function todayIn(timeZone: string = ORGANISATION_TIME_ZONE, now: Date = new Date()): string {
  try {
    return dayKey(now, timeZone);
  } catch {
    // An unknown zone name: fall back to the organisation's.
    return dayKey(now, ORGANISATION_TIME_ZONE);
  }
}

/** The calendar day `days` after `date` (both YYYY-MM-DD; calendar arithmetic, no zone involved). */
export function addDays(date: string, days: number): string {
  const moved = utcDate(date);
  moved.setUTCDate(moved.getUTCDate() + days);
  return moved.toISOString().slice(0, 10);
}

/** ISO weekday of a calendar day: 1 Monday … 7 Sunday (the templates' numbering). */
export function isoWeekday(date: string): number {
  const day = utcDate(date).getUTCDay();
  return day === 0 ? 7 : day;
}

/** `今天 3月5日 周四`, `明天 …`, `昨天 …`, or `3月5日 周四` (`2027年…` in another year). */
export function formatLocalDay(date: string, today: string): string {
  if (!isLocalDate(date)) return date;
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const weekday = WEEKDAY_LABELS[isoWeekday(date)] ?? '';
  const yearPart = today.slice(0, 4) === date.slice(0, 4) ? '' : `${year}年`;
  const base = `${yearPart}${month}月${day}日 ${weekday}`;
  const relative =
    date === today ? '今天' : date === addDays(today, 1) ? '明天' : date === addDays(today, -1) ? '昨天' : '';
  return relative ? `${relative} ${base}` : base;
}

/** `明天 3月6日 周五 09:30`: an appointment's clinic-local day and time. */
export function formatAppointmentWhen(local: Appointment['local'], today: string): string {
  return `${formatLocalDay(local.date, today)} ${local.time}`;
}

/** A note when the clinic is not in the organisation's zone, e.g. `UTC-05:00 America/New_York`; otherwise ''. */
export function zoneNote(timeZone: string, offset: string): string {
  return timeZone === ORGANISATION_TIME_ZONE ? '' : `UTC${offset} ${timeZone}`;
}

/** How the page names a staff member it only knows the id of. */
export function doctorLabel(id: string, names: ReadonlyMap<string, string>): string {
  const name = names.get(id);
  return name && name.trim() ? name : `员工 …${id.slice(-6)}`;
}

/** Whether a template opens on this date (its weekday, within its validity). */
export function templateAppliesOn(template: ScheduleTemplate, date: string): boolean {
  if (template.weekday !== isoWeekday(date)) return false;
  if (template.validFrom && date < template.validFrom) return false;
  if (template.validTo && date > template.validTo) return false;
  return true;
}

export interface ScheduleColumn {
  doctorId: string;
  name: string;
  /** Opening hours from the templates that apply on the day, e.g. `09:00–12:00`. */
  hours: string[];
  /** The day's appointments, earliest first. */
  appointments: ScheduledAppointment[];
}

/**
 * One column per doctor: those with appointments on the day (in the schedule's order), then those who only have
 * opening hours from the templates. Names come from the schedule, else from `names`.
 */
export function scheduleColumns(
  schedule: DaySchedule,
  templates: readonly ScheduleTemplate[],
  names: ReadonlyMap<string, string> = new Map(),
): ScheduleColumn[] {
  const hoursOf = new Map<string, ScheduleTemplate[]>();
  for (const template of templates) {
    if (template.clinicId !== schedule.clinic.id || !templateAppliesOn(template, schedule.date)) continue;
    const list = hoursOf.get(template.doctorStaffId) ?? [];
    list.push(template);
    hoursOf.set(template.doctorStaffId, list);
  }
  const hours = (id: string) =>
    (hoursOf.get(id) ?? [])
      .sort((a, b) => a.startTime.localeCompare(b.startTime))
      .map((template) => `${template.startTime}–${template.endTime}`);

  const columns: ScheduleColumn[] = schedule.doctors.map((doctor) => ({
    doctorId: doctor.id,
    name: doctor.name.trim() ? doctor.name : doctorLabel(doctor.id, names),
    hours: hours(doctor.id),
    appointments: [...doctor.appointments].sort(
      (a, b) => a.local.time.localeCompare(b.local.time) || a.startsAt.localeCompare(b.startsAt),
    ),
  }));
  const shown = new Set(columns.map((column) => column.doctorId));
  for (const id of hoursOf.keys()) {
    if (shown.has(id)) continue;
    columns.push({ doctorId: id, name: doctorLabel(id, names), hours: hours(id), appointments: [] });
  }
  return columns;
}

export interface DaySummary {
  /** Appointments that still count for the day (not cancelled or expired). */
  booked: number;
  waiting: number;
  arrived: number;
  noShow: number;
  unpaid: number;
  cancelled: number;
}

export function daySummary(schedule: DaySchedule): DaySummary {
  const summary: DaySummary = { booked: 0, waiting: 0, arrived: 0, noShow: 0, unpaid: 0, cancelled: 0 };
  const count: Partial<Record<AppointmentStatus, keyof DaySummary>> = {
    confirmed: 'waiting',
    arrived: 'arrived',
    no_show: 'noShow',
    held: 'unpaid',
    cancelled: 'cancelled',
    expired: 'cancelled',
  };
  for (const doctor of schedule.doctors) {
    for (const appointment of doctor.appointments) {
      const key = count[appointment.status];
      if (key) summary[key] += 1;
      if (key && key !== 'cancelled') summary.booked += 1;
    }
  }
  return summary;
}

/** Staff ids that know a name: the schedule's doctors (merged into `into`, which is returned). */
export function learnDoctorNames(schedule: DaySchedule, into: Map<string, string>): Map<string, string> {
  for (const doctor of schedule.doctors) if (doctor.name.trim()) into.set(doctor.id, doctor.name);
  return into;
}

export interface AppointmentGroups<T> {
  upcoming: T[];
  past: T[];
}

/** The sidebar's sections: not yet started (in the API's order, soonest first), then the rest. */
export function splitUpcoming<T extends Pick<Appointment, 'startsAt'>>(
  appointments: readonly T[],
  now: Date = new Date(),
): AppointmentGroups<T> {
  const groups: AppointmentGroups<T> = { upcoming: [], past: [] };
  for (const appointment of appointments) {
    if (new Date(appointment.startsAt).getTime() >= now.getTime()) groups.upcoming.push(appointment);
    else groups.past.push(appointment);
  }
  return groups;
}

/** An appointment the server answered with replaces the one in the list (same id); the order stays. */
export function replaceAppointment<T extends Pick<Appointment, 'id'>>(
  list: readonly T[],
  next: Partial<T> & { id: string },
): T[] {
  return list.map((item) => (item.id === next.id ? { ...item, ...next } : item));
}

/** One line for an appointment elsewhere (the timeline): `洗牙 Cleaning · 2026-03-06 09:30`, clinic-local. */
export function appointmentSummary(appointment: Pick<Appointment, 'service' | 'local'>): string {
  const what = appointment.service.name.trim();
  const when = `${appointment.local.date} ${appointment.local.time}`;
  return what ? `${what} · ${when}` : when;
}
