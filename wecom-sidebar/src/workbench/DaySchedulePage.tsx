/**
 * 今日排班: a clinic's day, one column per doctor with the day's appointments (clinic-local time, patient, service,
 * status) and arrive / no-show; the check-in box above. Today is the clinic's today; the page loads again every
 * minute so new bookings and arrivals at other desks show up.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ActionNotAppliedError, performAppointmentAction } from '../appointments/actions';
import { explainAppointmentError } from '../appointments/errors';
import { addDays, daySummary, formatLocalDay, isLocalDate, scheduleColumns, todayIn } from '../appointments/schedule';
import { allowedActions, type AppointmentAction } from '../appointments/status';
import type { Appointment, DaySchedule, ScheduledAppointment, ScheduleTemplate } from '../appointments/types';
import { customerDisplayName } from '../labels';
import { formatFen, ORGANISATION_TIME_ZONE } from '../profile/format';
import { api } from '../shell/runtime';
import { StatusBadge } from '../shell/StatusBadge';
import { useNow } from '../shell/useNow';
import { CheckInBox } from './CheckInBox';
import { ClinicPicker } from './ClinicPicker';
import type { ClinicsController } from './useClinics';

const REFRESH_MS = 60_000;

type Loaded = { key: string; schedule: DaySchedule; templates: ScheduleTemplate[] };
type LoadState =
  | { status: 'idle' }
  | { status: 'loading'; key: string; previous: Loaded | null }
  | { status: 'ready'; loaded: Loaded }
  | { status: 'failed'; key: string; message: string };

interface ItemMessage {
  id: string;
  kind: 'ok' | 'error';
  text: string;
}

function ScheduleItem({
  appointment,
  now,
  busy,
  message,
  onAction,
}: {
  appointment: ScheduledAppointment;
  now: Date;
  busy: boolean;
  message: ItemMessage | null;
  onAction(action: AppointmentAction): void;
}) {
  const allowed = allowedActions(appointment, now);
  const showActions = allowed.arrive.enabled || allowed['no-show'].enabled;
  return (
    <li
      className={`slot-card slot-card--${appointment.status}`}
      data-testid="schedule-appointment"
      data-status={appointment.status}
      data-appointment-id={appointment.id}
      aria-busy={busy}
    >
      <div className="slot-card__top">
        <time className="slot-card__time" dateTime={appointment.startsAt}>
          {appointment.local.time}
        </time>
        <StatusBadge status={appointment.status} />
      </div>
      <div className="slot-card__patient" data-testid="schedule-patient">
        {customerDisplayName(appointment.customerName)}
      </div>
      <div className="slot-card__service small">
        {appointment.service.name}
        {appointment.depositFen ? (
          <span className="muted">
            {' '}
            · 定金 {formatFen(appointment.depositFen)}
            {appointment.status === 'held' ? ' 待付' : ''}
          </span>
        ) : null}
      </div>
      {appointment.note ? <div className="slot-card__note small muted">备注：{appointment.note}</div> : null}
      {showActions ? (
        <div className="row slot-card__actions">
          <button
            type="button"
            className="button button--small button--primary"
            data-testid="appointment-arrive"
            disabled={busy || !allowed.arrive.enabled}
            title={allowed.arrive.reason || '标记患者已到店 Mark arrived'}
            onClick={() => onAction('arrive')}
          >
            到店
          </button>
          <button
            type="button"
            className="button button--small"
            data-testid="appointment-no-show"
            disabled={busy || !allowed['no-show'].enabled}
            title={allowed['no-show'].reason || '标记患者未到 Mark no-show'}
            onClick={() => onAction('no-show')}
          >
            未到
          </button>
        </div>
      ) : null}
      {message ? (
        <p
          className={message.kind === 'ok' ? 'slot-card__message small' : 'field-error'}
          role={message.kind === 'ok' ? 'status' : 'alert'}
          data-testid="appointment-message"
        >
          {message.text}
        </p>
      ) : null}
    </li>
  );
}

export function DaySchedulePage({
  clinics,
  names,
  onSchedule,
  scan,
}: {
  clinics: ClinicsController;
  names: ReadonlyMap<string, string>;
  /** A schedule loaded (its doctors' names are worth remembering). */
  onSchedule(schedule: DaySchedule): void;
  scan: (() => Promise<string>) | null;
}) {
  const { clinic } = clinics;
  const now = useNow(30_000);
  const today = clinic ? todayIn(clinic.timeZone, now) : null;
  // null: today in the clinic's zone (it follows the clinic and midnight).
  const [chosenDate, setChosenDate] = useState<string | null>(null);
  const date = chosenDate ?? today;
  const [round, setRound] = useState(0);
  const [state, setState] = useState<LoadState>({ status: 'idle' });
  const [busyId, setBusyId] = useState<string | null>(null);
  const [message, setMessage] = useState<ItemMessage | null>(null);
  const reload = useCallback(() => setRound((value) => value + 1), []);

  const key = clinic && date ? `${clinic.id}:${date}` : null;
  useEffect(() => {
    if (!clinic || !date || !key) {
      setState({ status: 'idle' });
      return;
    }
    let active = true;
    setState((current) => ({
      status: 'loading',
      key,
      previous: current.status === 'ready' ? current.loaded : current.status === 'loading' ? current.previous : null,
    }));
    Promise.all([
      api.daySchedule(clinic.id, date),
      // Opening hours only: the day shows without them.
      api.scheduleTemplates(clinic.id).catch(() => [] as ScheduleTemplate[]),
    ]).then(
      ([schedule, templates]) => {
        if (!active) return;
        setState({ status: 'ready', loaded: { key, schedule, templates } });
        onSchedule(schedule);
      },
      (reason: unknown) => {
        if (active) setState({ status: 'failed', key, message: explainAppointmentError(reason, 'action') });
      },
    );
    return () => {
      active = false;
    };
  }, [clinic, date, key, round, onSchedule]);

  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  // What is on screen: this day's answer, or the previous day's while the next one loads.
  const loaded = state.status === 'ready' ? state.loaded : state.status === 'loading' ? state.previous : null;
  const current = loaded && loaded.key === key ? loaded : null;
  const columns = useMemo(
    () => (loaded ? scheduleColumns(loaded.schedule, loaded.templates, names) : []),
    [loaded, names],
  );
  const summary = current ? daySummary(current.schedule) : null;
  // The organisation's zone goes without saying; another one is named next to the date.
  const otherZone = clinic && clinic.timeZone !== ORGANISATION_TIME_ZONE ? clinic.timeZone : null;

  const lookup = useCallback(
    (checkInCode: string) => {
      for (const doctor of current?.schedule.doctors ?? []) {
        const found = doctor.appointments.find((appointment) => appointment.checkInCode === checkInCode);
        if (found) return found;
      }
      return null;
    },
    [current],
  );

  const act = async (appointment: ScheduledAppointment, action: AppointmentAction) => {
    setBusyId(appointment.id);
    setMessage(null);
    try {
      const outcome = await performAppointmentAction(api, action, appointment.id);
      setMessage({ id: appointment.id, kind: 'ok', text: outcome.message });
    } catch (reason) {
      setMessage({
        id: appointment.id,
        kind: 'error',
        text: reason instanceof ActionNotAppliedError ? reason.message : explainAppointmentError(reason, 'action'),
      });
    } finally {
      setBusyId(null);
      reload();
    }
  };

  const showDay = (appointment: Appointment) => {
    clinics.choose(appointment.clinic.id);
    setChosenDate(appointment.local.date);
  };

  return (
    <div className="page schedule-page">
      <section className="card toolbar" aria-label="选择门店和日期 Clinic and date">
        <ClinicPicker controller={clinics} testId="schedule-clinic" />
        <label className="toolbar__field">
          <span className="field__label">日期 Date{otherZone ? `（${otherZone}）` : ''}</span>
          <input
            type="date"
            className="input"
            data-testid="schedule-date"
            value={date ?? ''}
            disabled={!clinic}
            onChange={(event) => {
              const value = event.target.value;
              if (isLocalDate(value)) setChosenDate(value === today ? null : value);
            }}
          />
        </label>
        <div className="row toolbar__buttons">
          <button
            type="button"
            className="button"
            aria-label="前一天 Previous day"
            disabled={!date}
            onClick={() => date && setChosenDate(addDays(date, -1))}
          >
            ‹
          </button>
          <button
            type="button"
            className="button"
            data-testid="schedule-today"
            disabled={!date || date === today}
            onClick={() => setChosenDate(null)}
          >
            今天
          </button>
          <button
            type="button"
            className="button"
            aria-label="后一天 Next day"
            disabled={!date}
            onClick={() => date && setChosenDate(addDays(date, 1))}
          >
            ›
          </button>
          <button type="button" className="button" data-testid="schedule-refresh" disabled={!key} onClick={reload}>
            刷新
          </button>
        </div>
      </section>
      {clinics.error ? (
        <p className="field-error" role="alert">
          {clinics.error}
        </p>
      ) : null}

      <CheckInBox
        lookup={lookup}
        scan={scan}
        onShowDay={showDay}
        onArrived={(appointment) => {
          if (appointment.clinic.id === clinic?.id && appointment.local.date === date) reload();
        }}
      />

      <section className="card day" aria-label="当日排班 The day" aria-busy={state.status === 'loading'}>
        <div className="day__head">
          <h2 className="card__title day__title" data-testid="schedule-day">
            {date && today ? formatLocalDay(date, today) : '—'}
            {clinic ? <span className="muted small"> · {clinic.name}</span> : null}
          </h2>
          {summary ? (
            <p className="day__summary small" data-testid="schedule-summary">
              预约 <strong>{summary.booked}</strong> · 待到 <strong>{summary.waiting}</strong> · 已到店{' '}
              <strong>{summary.arrived}</strong> · 未到 <strong>{summary.noShow}</strong>
              {summary.unpaid ? (
                <>
                  {' '}
                  · 待付定金 <strong>{summary.unpaid}</strong>
                </>
              ) : null}
              {summary.cancelled ? <span className="muted"> · 已取消 {summary.cancelled}</span> : null}
            </p>
          ) : null}
        </div>
        {state.status === 'failed' ? (
          <p className="field-error" role="alert">
            排班加载失败：{state.message}{' '}
            <button type="button" className="link-button" onClick={reload}>
              重试 Retry
            </button>
          </p>
        ) : !loaded ? (
          <p className="muted">{clinic ? '加载中… Loading' : '请选择门店 Choose a clinic'}</p>
        ) : columns.length === 0 ? (
          <p className="muted" data-testid="schedule-empty">
            当天没有医生出诊，也没有预约。 No doctor works and nothing is booked that day.
          </p>
        ) : (
          <div className="day__columns" aria-busy={!current}>
            {columns.map((column) => (
              <section
                key={column.doctorId}
                className="doctor"
                data-testid="schedule-doctor"
                data-doctor-id={column.doctorId}
                aria-label={column.name}
              >
                <header className="doctor__head">
                  <h3 className="doctor__name">{column.name}</h3>
                  <span className="doctor__hours small muted">
                    {column.hours.length ? column.hours.join('、') : '无排班 No opening'}
                  </span>
                </header>
                {column.appointments.length ? (
                  <ol className="doctor__list">
                    {column.appointments.map((appointment) => (
                      <ScheduleItem
                        key={appointment.id}
                        appointment={appointment}
                        now={now}
                        busy={busyId === appointment.id}
                        message={message?.id === appointment.id ? message : null}
                        onAction={(action) => void act(appointment, action)}
                      />
                    ))}
                  </ol>
                ) : (
                  <p className="doctor__empty small muted">暂无预约 Nothing booked</p>
                )}
              </section>
            ))}
          </div>
        )}
      </section>
    </div>
  );
}
