import { ApiError } from '@careloop/shared/client';
import { errorMessage } from '../lib/errors';

/** How a failed booking or rescheduling reads, and what the screen should do about it. */
export type BookingProblem =
  /** Someone else took the last place a moment ago: show the free slots again. */
  | { kind: 'slot-full'; message: string }
  /** The slot can no longer be booked (it started, was closed or removed): show the free slots again. */
  | { kind: 'slot-unavailable'; message: string }
  /** The customer already has an appointment at that time: choose another. */
  | { kind: 'overlap'; message: string }
  | { kind: 'error'; message: string };

export function bookingProblem(error: unknown): BookingProblem {
  const code = error instanceof ApiError ? error.code : '';
  switch (code) {
    case 'SLOT_FULL':
      return { kind: 'slot-full', message: '这个时段刚刚被约满了，请选择其他时间' };
    case 'SLOT_UNAVAILABLE':
      return { kind: 'slot-unavailable', message: '这个时段已无法预约，请选择其他时间' };
    case 'NOT_FOUND':
      return { kind: 'slot-unavailable', message: '这个时段或项目已不再开放，请重新选择' };
    case 'OVERLAPPING_APPOINTMENT':
      return { kind: 'overlap', message: '你在这个时间已有其他预约，请选择其他时间' };
    case 'APPOINTMENT_NOT_CANCELLABLE':
      return { kind: 'error', message: '这个预约当前的状态不能再修改，请刷新后查看' };
    default:
      return { kind: 'error', message: errorMessage(error) };
  }
}
