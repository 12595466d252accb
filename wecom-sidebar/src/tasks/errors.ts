/**
 * Task, statistics and handover errors in words for consultants and managers; the server's code stays visible. Every
 * code the task routes answer with has its own sentence, and WeCom's per-contact handover codes are named.
 */
import { ApiError } from '@careloop/shared/client';
import { describeError } from '../api/errors';

export type TaskErrorContext = 'load' | 'create' | 'complete' | 'reassign' | 'cancel' | 'stats' | 'handover';

const NOT_OPEN: Record<TaskErrorContext, string> = {
  load: '任务状态已变化，请刷新。',
  create: '任务状态已变化，请刷新。',
  complete: '无法完成：这个任务已被取消（或已由他人处理），请刷新看看当前状态。',
  reassign: '无法转交：这个任务已完成或已取消。',
  cancel: '无法取消：这个任务已完成或已取消。',
  stats: '任务状态已变化，请刷新。',
  handover: '任务状态已变化，请刷新。',
};

const FORBIDDEN: Record<TaskErrorContext, string> = {
  load: '无权限查看。',
  create: '无权限创建任务。',
  complete: '无权限：只有任务的负责人或店长可以完成这个任务。',
  reassign: '无权限：只有店长或管理员可以转交任务。',
  cancel: '无权限：只有店长或管理员可以取消任务。',
  stats: '无权限：只有店长或管理员可以查看完成率。',
  handover: '无权限：只有店长或管理员可以办理离职交接。',
};

const NOT_FOUND: Record<TaskErrorContext, string> = {
  load: '没有找到（可能已被删除或不属于本机构）。',
  create: '没有找到这位客户或负责人（可能已被合并、删除或已离职）。',
  complete: '没有找到这个任务（可能已被删除）。',
  reassign: '没有找到这个任务或接手的员工（员工可能已停用）。',
  cancel: '没有找到这个任务（可能已被删除）。',
  stats: '没有找到所选门店。',
  handover: '没有找到这位员工或这次交接（接替人必须是在职员工）。',
};

export function explainTaskError(error: unknown, context: TaskErrorContext): string {
  if (!(error instanceof ApiError)) return describeError(error);
  const detail = describeError(error);
  switch (error.code) {
    case 'TASK_NOT_OPEN':
      return `${NOT_OPEN[context]} ${detail}`;
    case 'FORBIDDEN':
      return `${FORBIDDEN[context]} ${detail}`;
    case 'NOT_FOUND':
      return `${NOT_FOUND[context]} ${detail}`;
    case 'VALIDATION_FAILED':
      return `输入有误：${validationText(error) || detail} (VALIDATION_FAILED)`;
    case 'UPSTREAM_ERROR':
      return `企业微信暂时没有响应，请稍后再试。 ${detail}`;
    default:
      return detail;
  }
}

/** The fields the server named, e.g. `dueAt: Invalid ISO datetime`. */
function validationText(error: ApiError): string {
  const details = Array.isArray(error.details) ? (error.details as unknown[]) : [];
  return details
    .map((item) => {
      if (!item || typeof item !== 'object') return '';
      const { path, message } = item as { path?: unknown; message?: unknown };
      if (typeof message !== 'string') return '';
      return typeof path === 'string' && path ? `${path}: ${message}` : message;
    })
    .filter(Boolean)
    .join('; ');
}

/** WeCom's answer for one contact's takeover (or for a whole batch), in words. */
export const WECOM_TRANSFER_ERRORS: Record<number, string> = {
  40096: '企业微信找不到这位客户',
  40097: '该成员在企业微信中尚未离职：请选“仍在职”（在职继承），或等其离职后再试',
  40129: '这位客户正在被转接中',
  40130: '原跟进人与接替人是同一人',
  40131: '这位客户不是原跟进人的联系人',
};

export function wecomTransferError(errcode: number | null): string {
  if (errcode === null) return '企业微信没有这位客户的转接记录';
  const text = WECOM_TRANSFER_ERRORS[errcode];
  return text ? `${text}（${errcode}）` : `企业微信错误码 ${errcode}`;
}
