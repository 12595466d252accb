import { ApiError } from '@careloop/shared/client';
import { errorMessage } from '../lib/errors';

/** Why a content item cannot be shown, in words; `locked` for HCP-only content (shown as a lock, not an error). */
export interface ContentProblem {
  code: string;
  title: string;
  message: string;
  locked: boolean;
  /** Trying again may help (a network or server problem), rather than an answer that will not change. */
  retry: boolean;
}

export const HCP_ONLY_TITLE = '仅限认证医生阅读';
export const HCP_ONLY_MESSAGE =
  '该内容为学术或处方相关内容，仅向通过认证的医疗专业人士开放。如果你是医生，请联系为你服务的工作人员完成医生认证。';

export function contentProblem(error: unknown): ContentProblem {
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'HCP_ONLY':
        return { code: error.code, title: HCP_ONLY_TITLE, message: HCP_ONLY_MESSAGE, locked: true, retry: false };
      case 'NOT_FOUND':
        return {
          code: error.code,
          title: '内容不存在或已下线',
          message: '这篇内容可能已被撤回，去首页看看其他内容吧',
          locked: false,
          retry: false,
        };
      case 'VALIDATION_FAILED':
        return {
          code: error.code,
          title: '链接无效',
          message: '链接里的内容编号不正确，请从首页重新打开',
          locked: false,
          retry: false,
        };
      default:
        break;
    }
  }
  return {
    code: error instanceof ApiError ? error.code : 'ERROR',
    title: '内容加载失败',
    message: errorMessage(error),
    locked: false,
    retry: true,
  };
}

/** Why the feed (or its next page) could not be loaded, in words. */
export function feedErrorMessage(error: unknown): string {
  if (error instanceof ApiError && error.code === 'VALIDATION_FAILED') return '内容列表已更新，请下拉刷新后重试';
  return errorMessage(error);
}
