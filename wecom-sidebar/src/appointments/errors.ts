/** Appointment and schedule errors in words for front desk and managers; the server's code stays visible. */
import { ApiError } from '@careloop/shared/client';
import { describeError } from '../api/errors';

export type AppointmentErrorContext = 'action' | 'check-in' | 'manage';

export function explainAppointmentError(error: unknown, context: AppointmentErrorContext): string {
  if (!(error instanceof ApiError)) return describeError(error);
  const detail = describeError(error);
  switch (error.code) {
    case 'FORBIDDEN':
      return context === 'manage' ? `无权限：只有店长或管理员可以修改排班。 ${detail}` : `无权限执行此操作。 ${detail}`;
    case 'NOT_FOUND':
      return context === 'check-in' ? `没有找到这个预约码对应的预约。 ${detail}` : `没有找到：${detail}`;
    case 'APPOINTMENT_NOT_CANCELLABLE':
      return `预约当前的状态不允许这样操作（可能已被他人处理，请刷新）。 ${detail}`;
    case 'VALIDATION_FAILED':
      return `输入有误：${detail}`;
    default:
      return detail;
  }
}
