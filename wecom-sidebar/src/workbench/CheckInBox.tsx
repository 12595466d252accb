/**
 * Arrival by the patient's appointment QR: front desk types the code, a handheld scanner types it (and Enter), or,
 * inside the WeCom client, the camera scans it. The result says clearly who arrived, or why not.
 */
import { useState } from 'react';
import { normaliseCheckInCode } from '../appointments/checkIn';
import { explainAppointmentError } from '../appointments/errors';
import { formatAppointmentWhen, todayIn } from '../appointments/schedule';
import type { Appointment } from '../appointments/types';
import { describeError } from '../api/errors';
import { customerDisplayName } from '../labels';
import { api } from '../shell/runtime';
import { CodeEntry } from './CodeEntry';

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
  const [result, setResult] = useState<Result | null>(null);

  const submit = async (raw: string): Promise<boolean> => {
    const parsed = normaliseCheckInCode(raw);
    if (!parsed.ok) {
      setResult({ state: 'error', text: parsed.error });
      return false;
    }
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
      onArrived(appointment);
      return true;
    } catch (reason) {
      setResult({ state: 'error', text: explainAppointmentError(reason, 'check-in') });
      return false;
    }
  };

  return (
    <section className="card checkin" aria-label="签到 Check-in">
      <h2 className="card__title">
        扫码签到 <span className="muted small">Check in by appointment code</span>
      </h2>
      <CodeEntry
        block="checkin"
        testIds={{ input: 'checkin-input', submit: 'checkin-submit', scan: 'checkin-scan' }}
        placeholder="输入或扫描患者的预约码 Type or scan the code"
        scan={scan}
        onSubmit={submit}
        onScanError={(reason) => setResult({ state: 'error', text: `扫码失败：${describeError(reason)}` })}
      />
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
