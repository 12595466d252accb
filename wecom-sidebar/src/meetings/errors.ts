/** Meeting errors in words for organisers, approvers and the check-in desk; the server's code stays visible. */
import { ApiError } from '@careloop/shared/client';
import { describeError } from '../api/errors';
import { formatDateTime } from '../profile/format';

export type MeetingErrorContext = 'manage' | 'decide' | 'check-in';

function detailsOf(error: ApiError): Record<string, unknown> {
  return error.details && typeof error.details === 'object' && !Array.isArray(error.details)
    ? (error.details as Record<string, unknown>)
    : {};
}

/** The fields a VALIDATION_FAILED answer names (`[{ path, message }]` in its details), for the form to show. */
export function validationIssues(error: unknown): { path: string; message: string }[] {
  if (!(error instanceof ApiError) || error.code !== 'VALIDATION_FAILED' || !Array.isArray(error.details)) return [];
  return error.details.flatMap((issue: unknown) => {
    const record = issue as { path?: unknown; message?: unknown } | null;
    return record && typeof record.path === 'string' && typeof record.message === 'string'
      ? [{ path: record.path, message: record.message }]
      : [];
  });
}

export function explainMeetingError(error: unknown, context: MeetingErrorContext = 'manage'): string {
  if (!(error instanceof ApiError)) return describeError(error);
  const detail = describeError(error);
  switch (error.code) {
    case 'MEETING_SELF_APPROVAL':
      return `您是本会议的创建人，不能审批自己的会议，请由另一位店长或管理员审批。 ${detail}`;
    case 'MEETING_STATE_CONFLICT':
      return context === 'decide'
        ? `审批失败：会议在您查看后已被修改或已被他人处理，请刷新后重新审阅。 ${detail}`
        : `当前状态不允许这样做，请刷新后再试。 ${detail}`;
    case 'MEETING_CHECK_IN_CLOSED': {
      const details = detailsOf(error);
      const opens = typeof details.opensAt === 'string' ? formatDateTime(details.opensAt) : null;
      const closes = typeof details.closesAt === 'string' ? formatDateTime(details.closesAt) : null;
      const window = opens && closes ? `（签到时间 ${opens} 至 ${closes}）` : '';
      return `现在不在签到时间内${window}。 ${detail}`;
    }
    case 'MEETING_NOT_REGISTERED':
      return `此人没有正式名额（可能在候补或已取消报名），不能签到。 ${detail}`;
    case 'NOT_FOUND':
      return context === 'check-in'
        ? `没有找到这个签到码对应的报名（请确认是本会议的签到码）。 ${detail}`
        : `没有找到这个会议。 ${detail}`;
    case 'FORBIDDEN':
      return context === 'decide'
        ? `无权限：只有店长或管理员可以审批会议。 ${detail}`
        : `无权限：只有会议创建人或店长可以这样做。 ${detail}`;
    case 'VALIDATION_FAILED': {
      const issues = validationIssues(error).map((issue) => `${issue.path}: ${issue.message}`);
      return `输入有误：${issues.length ? issues.join('；') : detail}`;
    }
    default:
      return detail;
  }
}
