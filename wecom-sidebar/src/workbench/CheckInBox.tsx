/**
 * Arrival by the patient's appointment QR: front desk types the code, a handheld scanner types it (and Enter), or,
 * inside the WeCom client, the camera scans it. The result says clearly who arrived, or why not.
 */
import { useRef, useState } from 'react';
import { normaliseCheckInCode } from '../appointments/checkIn';
import { explainAppointmentError } from '../appointments/errors';
import { formatAppointmentWhen, todayIn } from '../appointments/schedule';
import type { Appointment } from '../appointments/types';
import { describeError } from '../api/errors';
import { customerDisplayName } from '../labels';
import { api } from '../shell/runtime';

type Result =
  { state: 'ok'; text: string; appointment: Appointment; alreadyArrived: boolean } | { state: 'error'; text: string };

export function CheckInBox({
  lookup,
  onArrived,
  onShowDay,
  scan,
}: {
  /** The appointment with this code as the schedule on screen has it (for the patient's name), if it is there. */
  lookup(checkInCode: string): { customerName: string | null; status: string } | null;
  onArrived(appointment: Appointment): void;
  /** Show the appointment's clinic and day. */
  onShowDay(appointment: Appointment): void;
  /** Inside WeCom: scan with the camera. */
  scan: (() => Promise<string>) | null;
}) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const submit = async (raw: string) => {
    const parsed = normaliseCheckInCode(raw);
    if (!parsed.ok) {
      setResult({ state: 'error', text: parsed.error });
      return;
    }
    setBusy(true);
    setResult(null);
    // As it was before: whether the patient had already checked in, and their name.
    const known = lookup(parsed.code);
    try {
      const appointment = await api.checkIn(parsed.code);
      const who = known ? customerDisplayName(known.customerName) : '患者';
      const when = formatAppointmentWhen(appointment.local, todayIn(appointment.clinic.timeZone));
      const alreadyArrived = known?.status === 'arrived';
      setResult({
        state: 'ok',
        appointment,
        alreadyArrived,
        text: `${alreadyArrived ? '此前已签到' : '签到成功，已到店'}：${who} · ${appointment.service.name} · ${when} · ${appointment.clinic.name}`,
      });
      setCode('');
      onArrived(appointment);
    } catch (reason) {
      setResult({ state: 'error', text: explainAppointmentError(reason, 'check-in') });
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };

  const scanNow = async () => {
    if (!scan) return;
    try {
      const text = await scan();
      setCode(text);
      await submit(text);
    } catch (reason) {
      setResult({ state: 'error', text: `扫码失败：${describeError(reason)}` });
    }
  };

  return (
    <section className="card checkin" aria-label="签到 Check-in">
      <h2 className="card__title">
        扫码签到 <span className="muted small">Check in by appointment code</span>
      </h2>
      <form
        className="checkin__form"
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) void submit(code);
        }}
      >
        <input
          ref={input}
          className="input checkin__input"
          data-testid="checkin-input"
          placeholder="输入或扫描患者的预约码 Type or scan the code"
          autoComplete="off"
          spellCheck={false}
          enterKeyHint="go"
          value={code}
          onChange={(event) => setCode(event.target.value)}
        />
        <button type="submit" className="button button--primary" data-testid="checkin-submit" disabled={busy}>
          {busy ? '签到中…' : '签到 Check in'}
        </button>
        {scan ? (
          <button
            type="button"
            className="button"
            data-testid="checkin-scan"
            disabled={busy}
            onClick={() => void scanNow()}
          >
            扫码 Scan
          </button>
        ) : null}
      </form>
      {result ? (
        <div
          className={`checkin__result checkin__result--${result.state}`}
          data-testid="checkin-result"
          data-state={result.state}
          role={result.state === 'ok' ? 'status' : 'alert'}
        >
          <span>{result.text}</span>
          {result.state === 'ok' ? (
            <button type="button" className="link-button" onClick={() => onShowDay(result.appointment)}>
              查看当天排班
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
