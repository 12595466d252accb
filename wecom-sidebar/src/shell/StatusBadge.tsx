import { STATUS_HINTS, statusLabel, statusTone } from '../appointments/status';
import type { AppointmentStatus } from '../appointments/types';

/** An appointment's status as a coloured badge: `已到店`, with the English word as a tooltip. */
export function StatusBadge({ status }: { status: AppointmentStatus }) {
  return (
    <span
      className={`status status--${statusTone(status)}`}
      data-testid="appointment-status"
      data-status={status}
      title={STATUS_HINTS[status] ?? status}
    >
      {statusLabel(status)}
    </span>
  );
}
