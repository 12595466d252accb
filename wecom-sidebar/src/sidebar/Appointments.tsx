/**
 * The customer's appointments in the 360° view: upcoming first, then past ones; each with its status, clinic-local
 * time, service and deposit, and the actions its status allows (到店, 未到, 取消 with the refund shown before it is
 * confirmed). After an action the list and the timeline load again.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ActionNotAppliedError, performAppointmentAction } from '../appointments/actions';
import { explainAppointmentError } from '../appointments/errors';
import { formatAppointmentWhen, replaceAppointment, splitUpcoming, todayIn, zoneNote } from '../appointments/schedule';
import { allowedActions, depositText, refundQuote, type AppointmentAction } from '../appointments/status';
import type { Appointment, BookableService } from '../appointments/types';
import { api } from '../shell/runtime';
import { StatusBadge } from '../shell/StatusBadge';
import { useNow } from '../shell/useNow';
import { useServices } from '../shell/useServices';

const PAST_SHOWN = 3;

type ListState =
  | { status: 'loading'; customerId: string }
  | { status: 'ready'; customerId: string; items: Appointment[] }
  | { status: 'failed'; customerId: string; message: string };

interface RowMessage {
  id: string;
  kind: 'ok' | 'error';
  text: string;
}

function AppointmentRow({
  appointment,
  service,
  now,
  busy,
  message,
  onAction,
}: {
  appointment: Appointment;
  service: BookableService | null | undefined;
  now: Date;
  busy: boolean;
  message: RowMessage | null;
  onAction(action: AppointmentAction): Promise<boolean>;
}) {
  const [confirming, setConfirming] = useState(false);
  const allowed = allowedActions(appointment, now);
  const today = todayIn(appointment.clinic.timeZone, now);
  const zone = zoneNote(appointment.clinic.timeZone, appointment.local.offset);
  const deposit = depositText(appointment);
  const anyAction = allowed.arrive.enabled || allowed['no-show'].enabled || allowed.cancel.enabled;
  const quote = confirming ? refundQuote(appointment, service, now) : null;

  return (
    <li
      className="appointment"
      data-testid="appointment-row"
      data-status={appointment.status}
      data-appointment-id={appointment.id}
      aria-busy={busy}
    >
      <div className="appointment__top">
        <time className="appointment__when" dateTime={appointment.startsAt} data-testid="appointment-when">
          {formatAppointmentWhen(appointment.local, today)}
        </time>
        <StatusBadge status={appointment.status} />
      </div>
      <div className="appointment__what">
        <span data-testid="appointment-service">{appointment.service.name || '—'}</span>
        <span className="muted"> · {appointment.clinic.name}</span>
        {zone ? <span className="muted small"> · {zone}</span> : null}
      </div>
      {deposit || appointment.note ? (
        <div className="appointment__meta small muted">
          {deposit ? <span data-testid="appointment-deposit">{deposit}</span> : null}
          {deposit && appointment.note ? ' · ' : null}
          {appointment.note ? <span>备注：{appointment.note}</span> : null}
        </div>
      ) : null}
      {anyAction && !confirming ? (
        <div className="row appointment__actions">
          <button
            type="button"
            className="button button--small button--primary"
            data-testid="appointment-arrive"
            disabled={busy || !allowed.arrive.enabled}
            title={allowed.arrive.reason || '标记患者已到店 Mark arrived'}
            onClick={() => void onAction('arrive')}
          >
            到店
          </button>
          <button
            type="button"
            className="button button--small"
            data-testid="appointment-no-show"
            disabled={busy || !allowed['no-show'].enabled}
            title={allowed['no-show'].reason || '标记患者未到 Mark no-show'}
            onClick={() => void onAction('no-show')}
          >
            未到
          </button>
          <button
            type="button"
            className="button button--small"
            data-testid="appointment-cancel"
            disabled={busy || !allowed.cancel.enabled}
            title={allowed.cancel.reason || '取消预约 Cancel'}
            onClick={() => setConfirming(true)}
          >
            取消
          </button>
        </div>
      ) : null}
      {quote ? (
        <div className="confirm appointment__confirm" role="group" aria-label="确认取消 Confirm cancellation">
          <p className="small">确认取消这次预约？</p>
          <p className="small appointment__refund" data-testid="appointment-refund-quote" data-kind={quote.kind}>
            {quote.text}
          </p>
          <div className="row">
            <button
              type="button"
              className="button button--small button--danger"
              data-testid="appointment-cancel-confirm"
              disabled={busy}
              onClick={() => {
                void onAction('cancel').then((done) => {
                  if (done) setConfirming(false);
                });
              }}
            >
              {busy ? '取消中…' : '确认取消'}
            </button>
            <button type="button" className="button button--small" disabled={busy} onClick={() => setConfirming(false)}>
              返回
            </button>
          </div>
        </div>
      ) : null}
      {message ? (
        <p
          className={message.kind === 'ok' ? 'appointment__message small' : 'field-error'}
          role={message.kind === 'ok' ? 'status' : 'alert'}
          data-testid="appointment-message"
        >
          {message.text}
        </p>
      ) : null}
    </li>
  );
}

export function Appointments({
  customerId,
  onChanged,
  onLoaded,
}: {
  customerId: string;
  /** An action changed an appointment (the timeline has a new event). */
  onChanged(): void;
  /** The list as loaded, e.g. for the timeline's appointment details. */
  onLoaded?(items: readonly Appointment[]): void;
}) {
  const [state, setState] = useState<ListState>({ status: 'loading', customerId });
  const [round, setRound] = useState(0);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [message, setMessage] = useState<RowMessage | null>(null);
  const [showAllPast, setShowAllPast] = useState(false);
  const { services } = useServices();
  const now = useNow();

  useEffect(() => {
    let active = true;
    setState((current) =>
      current.status === 'ready' && current.customerId === customerId ? current : { status: 'loading', customerId },
    );
    api.customerAppointments(customerId).then(
      (items) => {
        if (active) setState({ status: 'ready', customerId, items });
      },
      (reason: unknown) => {
        if (active) setState({ status: 'failed', customerId, message: explainAppointmentError(reason, 'action') });
      },
    );
    return () => {
      active = false;
    };
  }, [customerId, round]);

  const items = state.status === 'ready' ? state.items : null;
  useEffect(() => {
    if (items && onLoaded) onLoaded(items);
  }, [items, onLoaded]);

  const serviceById = useMemo(() => new Map((services ?? []).map((service) => [service.id, service])), [services]);

  const act = useCallback(
    async (appointment: Appointment, action: AppointmentAction): Promise<boolean> => {
      setBusyId(appointment.id);
      setMessage(null);
      try {
        const outcome = await performAppointmentAction(api, action, appointment.id);
        setState((current) =>
          current.status === 'ready'
            ? { ...current, items: replaceAppointment(current.items, outcome.appointment) }
            : current,
        );
        setMessage({ id: appointment.id, kind: 'ok', text: outcome.message });
        return true;
      } catch (reason) {
        if (reason instanceof ActionNotAppliedError) {
          const latest = reason.appointment;
          setState((current) =>
            current.status === 'ready' ? { ...current, items: replaceAppointment(current.items, latest) } : current,
          );
        }
        setMessage({
          id: appointment.id,
          kind: 'error',
          text: reason instanceof ActionNotAppliedError ? reason.message : explainAppointmentError(reason, 'action'),
        });
        return false;
      } finally {
        setBusyId(null);
        // Someone may have changed it meanwhile either way: load the list (and the timeline) again.
        setRound((value) => value + 1);
        onChanged();
      }
    },
    [onChanged],
  );

  const groups = useMemo(() => splitUpcoming(items ?? [], now), [items, now]);
  const past = showAllPast ? groups.past : groups.past.slice(0, PAST_SHOWN);

  const row = (appointment: Appointment) => (
    <AppointmentRow
      key={appointment.id}
      appointment={appointment}
      service={services ? (serviceById.get(appointment.service.id) ?? null) : undefined}
      now={now}
      busy={busyId === appointment.id}
      message={message?.id === appointment.id ? message : null}
      onAction={(action) => act(appointment, action)}
    />
  );

  return (
    <section className="card appointments" aria-label="预约 Appointments" data-testid="appointments">
      <div className="appointments__head">
        <h2 className="card__title">
          预约 <span className="muted small">Appointments</span>
        </h2>
        <button
          type="button"
          className="link-button"
          data-testid="appointments-refresh"
          disabled={state.status === 'loading'}
          onClick={() => setRound((value) => value + 1)}
        >
          刷新
        </button>
      </div>
      {state.status === 'loading' ? (
        <p className="muted small">加载中… Loading</p>
      ) : state.status === 'failed' ? (
        <p className="field-error" role="alert">
          预约加载失败：{state.message}{' '}
          <button type="button" className="link-button" onClick={() => setRound((value) => value + 1)}>
            重试 Retry
          </button>
        </p>
      ) : !state.items.length ? (
        <p className="muted small" data-testid="appointments-empty">
          暂无预约 No appointments
        </p>
      ) : (
        <>
          {groups.upcoming.length ? (
            <>
              <h3 className="appointments__group">即将到来 Upcoming</h3>
              <ol className="appointments__list">{groups.upcoming.map(row)}</ol>
            </>
          ) : null}
          {groups.past.length ? (
            <>
              <h3 className="appointments__group">过往 Past</h3>
              <ol className="appointments__list">{past.map(row)}</ol>
              {groups.past.length > PAST_SHOWN ? (
                <button type="button" className="link-button" onClick={() => setShowAllPast((value) => !value)}>
                  {showAllPast ? '收起' : `显示全部 ${groups.past.length} 条`}
                </button>
              ) : null}
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
