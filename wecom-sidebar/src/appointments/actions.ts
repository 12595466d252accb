/**
 * Runs arrive / no-show / cancel and says what happened. The server answers with the appointment as it is now; an
 * action it did not apply (e.g. no-show on an appointment someone marked arrived meanwhile, which the BFF answers with
 * 200 and the unchanged appointment) is reported as a failure, never as done.
 */
import { cancellationOutcome, statusLabel, type AppointmentAction } from './status';
import type { Appointment, CancellationResult } from './types';

export interface AppointmentActionsApi {
  markArrived(id: string): Promise<Appointment>;
  markNoShow(id: string): Promise<Appointment>;
  cancelAppointment(id: string): Promise<CancellationResult>;
}

export interface ActionOutcome {
  appointment: Appointment;
  message: string;
  /** Cancel only: what the server refunded. */
  refundFen?: number;
}

export class ActionNotAppliedError extends Error {
  constructor(
    readonly appointment: Appointment,
    message: string,
  ) {
    super(message);
    this.name = 'ActionNotAppliedError';
  }
}

export const ACTION_LABELS: Record<AppointmentAction, string> = {
  arrive: '到店',
  'no-show': '未到',
  cancel: '取消',
};

export async function performAppointmentAction(
  api: AppointmentActionsApi,
  action: AppointmentAction,
  appointmentId: string,
): Promise<ActionOutcome> {
  if (action === 'cancel') {
    const result = await api.cancelAppointment(appointmentId);
    return {
      appointment: result.appointment,
      message: cancellationOutcome(result.refundFen),
      refundFen: result.refundFen,
    };
  }
  const expected = action === 'arrive' ? 'arrived' : 'no_show';
  const appointment = action === 'arrive' ? await api.markArrived(appointmentId) : await api.markNoShow(appointmentId);
  if (appointment.status !== expected) {
    throw new ActionNotAppliedError(
      appointment,
      `未能标记${ACTION_LABELS[action]}：预约当前为「${statusLabel(appointment.status)}」 (Not applied; the appointment is ${appointment.status})`,
    );
  }
  return { appointment, message: action === 'arrive' ? '已标记到店 Marked arrived' : '已标记未到 Marked no-show' };
}
