/** Content errors in words for editors, reviewers and staff sharing in a chat; the server's code stays visible. */
import { ApiError } from '@careloop/shared/client';
import { describeError } from '../api/errors';

export type ContentErrorContext = 'load' | 'save' | 'submit' | 'review' | 'publish' | 'archive' | 'share';

const STATE_CONFLICT: Record<ContentErrorContext, string> = {
  load: '内容状态已变化，请刷新。',
  save: '保存失败：有人在你之后修改了这篇内容（或它已归档），请刷新后再改。',
  submit: '提交失败：只有草稿可以提交审核，请刷新看看当前状态。',
  review: '审核失败：这一版已不在待审核状态（可能已被别人审核或又被修改），请刷新。',
  publish: '发布失败：只有审核通过的版本可以发布。',
  archive: '归档失败：当前状态不能归档，请刷新。',
  share: '发送失败：只有已发布的内容可以发送。',
};

export function explainContentError(error: unknown, context: ContentErrorContext): string {
  if (!(error instanceof ApiError)) return describeError(error);
  const detail = describeError(error);
  switch (error.code) {
    case 'CONTENT_STATE_CONFLICT':
      return `${STATE_CONFLICT[context]} ${detail}`;
    case 'CONTENT_SELF_REVIEW':
      return `不能审核自己编辑或提交的版本，请让另一位店长审核。 ${detail}`;
    case 'HCP_ONLY':
      return context === 'share'
        ? `这篇内容仅限已认证的医疗专业人士，当前客户尚未认证，不能发送。 ${detail}`
        : `仅限认证医生。 ${detail}`;
    case 'FORBIDDEN':
      return context === 'review'
        ? `无权限：只有店长或管理员可以审核内容。 ${detail}`
        : `无权限：只有作者或店长可以这样做。 ${detail}`;
    case 'NOT_FOUND':
      return `没有找到这篇内容（可能已被删除）。 ${detail}`;
    case 'VALIDATION_FAILED':
      return `输入有误：${detail}`;
    default:
      return detail;
  }
}
