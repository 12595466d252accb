/** Journey errors in words for managers and staff; the server's code stays visible. */
import { ApiError } from '@careloop/shared/client';
import { describeError } from '../api/errors';
import { issueText } from './issues';

export type JourneyErrorContext =
  | 'load'
  | 'create'
  | 'save'
  | 'validate'
  | 'enable'
  | 'pause'
  | 'resume'
  | 'archive'
  | 'review'
  | 'migrate'
  | 'enrolment';

const STATE_CONFLICT: Record<JourneyErrorContext, string> = {
  load: '旅程状态已变化，请刷新。',
  create: '旅程状态已变化，请刷新。',
  save: '保存失败：有人在你之后保存了新版本（或旅程已归档），请刷新后再改。',
  validate: '旅程状态已变化，请刷新。',
  enable: '启用失败：只有草稿可以启用，请刷新看看当前状态。',
  pause: '暂停失败：只有运行中的旅程可以暂停，请刷新。',
  resume: '恢复失败：只有已暂停的旅程可以恢复，请刷新。',
  archive: '归档失败：旅程已归档，请刷新。',
  review: '这条消息已不在待确认状态（可能已被别人确认），请刷新。',
  migrate: '迁移失败：旅程状态已变化，请刷新。',
  enrolment: '这位客户的状态已变化（可能已离开旅程或已恢复），请刷新。',
};

/** The problems a refused definition carries, in words (`步骤 task1：不能为空`). */
function invalidText(error: ApiError): string {
  const details = Array.isArray(error.details) ? (error.details as unknown[]) : [];
  const texts = details
    .map((item) => {
      if (!item || typeof item !== 'object') return '';
      const { stepId, path, message } = item as { stepId?: unknown; path?: unknown; message?: unknown };
      if (typeof message !== 'string') return '';
      const where = typeof stepId === 'string' ? `步骤 ${stepId}` : typeof path === 'string' && path ? path : '';
      return where ? `${where}：${issueText(message)}` : issueText(message);
    })
    .filter(Boolean);
  return texts.slice(0, 3).join('；') + (texts.length > 3 ? ` 等 ${texts.length} 处` : '');
}

export function explainJourneyError(error: unknown, context: JourneyErrorContext): string {
  if (!(error instanceof ApiError)) return describeError(error);
  const detail = describeError(error);
  switch (error.code) {
    case 'JOURNEY_STATE_CONFLICT':
      return `${STATE_CONFLICT[context]} ${detail}`;
    case 'JOURNEY_INVALID':
      return `旅程设置有误，已在流程图上标出：${invalidText(error) || error.message} (JOURNEY_INVALID)`;
    case 'VALIDATION_FAILED':
      return `输入有误，已在流程图上标出：${invalidText(error) || error.message} (VALIDATION_FAILED)`;
    case 'FORBIDDEN':
      return `无权限：只有店长或管理员可以创建、修改和启停旅程。 ${detail}`;
    case 'NOT_FOUND':
      return context === 'review'
        ? `没有找到这条待确认的消息（可能已被删除）。 ${detail}`
        : `没有找到这个旅程或客户（可能已被删除或不属于本机构）。 ${detail}`;
    default:
      return detail;
  }
}
