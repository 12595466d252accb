/**
 * The editorial actions on a content item and why one is not possible now. The BFF says what the signed-in staff
 * member may do (`can` on StaffContent); this says why not, in the words of the rules (shared/src/content.ts): the
 * author and managers edit, submit, publish and archive; a manager reviews a version in review that they did not
 * edit or submit; only an approved version is published.
 */
import type { StaffRole } from '@careloop/shared';
import type { StaffContent } from './types';

export type ContentAction = 'edit' | 'submit' | 'review' | 'publish' | 'archive' | 'share';

export type ContentActionState = { allowed: true } | { allowed: false; reason: string };

type Staff = { id: string; roles: readonly StaffRole[] };

const isManager = (staff: Staff) => staff.roles.includes('manager') || staff.roles.includes('admin');

export function contentActionState(
  action: ContentAction,
  content: Pick<StaffContent, 'status' | 'can' | 'live'>,
  staff: Staff,
): ContentActionState {
  if (content.can[action]) return { allowed: true };
  const no = (reason: string): ContentActionState => ({ allowed: false, reason });
  const notAuthor = '只有作者或店长可以这样做 Only the author or a manager';
  switch (action) {
    case 'edit':
      if (content.status === 'archived') return no('已归档的内容不能编辑 Archived');
      if (content.status === 'in_review') return no('审核中不能修改，请等审核结果 In review');
      return no(notAuthor);
    case 'submit':
      if (content.status === 'in_review') return no('已在审核中 Already in review');
      if (content.status !== 'draft') return no('修改后会成为新草稿，再提交审核 Edit to make a new draft');
      return no(notAuthor);
    case 'review':
      if (content.status !== 'in_review') return no('没有待审核的版本 Nothing awaits review');
      if (!isManager(staff)) return no('只有店长或管理员可以审核 Only managers review');
      return no('不能审核自己编辑或提交的版本，请由另一位店长审核 Not your own version');
    case 'publish':
      if (content.status !== 'approved') return no('审核通过后才能发布 Needs approval first');
      return no(notAuthor);
    case 'archive':
      if (content.status === 'archived') return no('已归档 Already archived');
      return no(notAuthor);
    case 'share':
      return no(content.live ? '已归档的内容不能发送' : '发布后才能发送 Publish it first');
  }
}
