/** Tag, rule, segment and note errors in words for staff; the server's code stays visible. */
import { ApiError } from '@careloop/shared/client';
import { describeError } from '../api/errors';

export type TagErrorContext =
  'load' | 'apply' | 'remove' | 'save' | 'archive' | 'recompute' | 'preview' | 'segment' | 'note';

function detailsText(details: unknown): string {
  if (!details || typeof details !== 'object') return '';
  const record = details as Record<string, unknown>;
  if (Array.isArray(record.tags) && record.tags.length) return `（${record.tags.join('、')}）`;
  if (Array.isArray(record.tagIds) && record.tagIds.length) return `（${record.tagIds.length} 个标签已不存在）`;
  return '';
}

export function explainTagError(error: unknown, context: TagErrorContext): string {
  if (!(error instanceof ApiError)) return describeError(error);
  const detail = describeError(error);
  switch (error.code) {
    case 'TAG_NAME_TAKEN':
      return `名称已被使用：标签库里已有同名的标签或分组，请换一个名称。 ${detail}`;
    case 'TAG_NOT_MANUAL':
      return context === 'recompute'
        ? `只有动态标签需要计算。 ${detail}`
        : `这是规则标签：由规则自动添加和移除，不能手动${context === 'remove' ? '移除' : '添加'}。 ${detail}`;
    case 'TAG_RULE_INVALID':
      return `规则无效：引用了不存在的标签，或通过"有/没有标签"条件依赖了自己，或仍被其他规则引用${detailsText(error.details)}。 ${detail}`;
    case 'SEGMENT_NAME_TAKEN':
      return `已有同名的人群，请换一个名称。 ${detail}`;
    case 'FORBIDDEN':
      return context === 'apply' || context === 'remove'
        ? `无权限：这个标签只有店长或管理员可以添加或移除。 ${detail}`
        : `无权限：只有店长或管理员可以管理标签库、规则和人群。 ${detail}`;
    case 'NOT_FOUND':
      return context === 'remove'
        ? `客户没有这个标签（可能已被移除）。 ${detail}`
        : `没有找到（可能已被删除或归档）。 ${detail}`;
    case 'VALIDATION_FAILED':
      return `输入有误：${detail}`;
    default:
      return detail;
  }
}
