/**
 * The workbench's pages, one per hash (`#schedule`, `#campaigns`, `#account` …), so a reload stays on the page.
 * `managers` pages (campaigns, coupon templates, results) are shown to managers and admins only: the BFF admits no
 * one else to their routes.
 */
import type { StaffRole } from '@careloop/shared';

export const WORKBENCH_PAGES = [
  { id: 'schedule', label: '今日排班', hint: 'Day schedule', testId: 'nav-schedule', managers: false },
  { id: 'templates', label: '排班模板', hint: 'Templates', testId: 'nav-templates', managers: false },
  { id: 'campaigns', label: '活动与二维码', hint: 'Campaigns', testId: 'nav-campaigns', managers: true },
  { id: 'coupons', label: '优惠券', hint: 'Coupons', testId: 'nav-coupons', managers: true },
  { id: 'channels', label: '渠道', hint: 'Channels', testId: 'nav-channels', managers: false },
  { id: 'results', label: '渠道效果', hint: 'Results', testId: 'nav-results', managers: true },
  { id: 'content', label: '内容中心', hint: 'Content', testId: 'nav-content', managers: false },
  { id: 'meetings', label: '会议', hint: 'Meetings', testId: 'nav-meetings', managers: false },
  { id: 'tasks', label: '回访任务', hint: 'Tasks', testId: 'nav-tasks', managers: false },
  { id: 'journeys', label: '客户旅程', hint: 'Journeys', testId: 'nav-journeys', managers: false },
  { id: 'tags', label: '标签', hint: 'Tags', testId: 'nav-tags', managers: false },
  { id: 'segments', label: '人群圈选', hint: 'Segments', testId: 'nav-segments', managers: true },
  { id: 'account', label: '我的账号', hint: 'Account', testId: 'nav-account', managers: false },
] as const;

export type WorkbenchPage = (typeof WORKBENCH_PAGES)[number]['id'];

export const DEFAULT_PAGE: WorkbenchPage = 'schedule';

const isManager = (roles: readonly StaffRole[]) => roles.includes('manager') || roles.includes('admin');

/** The pages this staff member sees. */
export function pagesFor(roles: readonly StaffRole[]) {
  return WORKBENCH_PAGES.filter((page) => !page.managers || isManager(roles));
}

/**
 * The page a location hash names (`#campaigns/<id>` is the campaigns page); anything else (no hash, an OAuth leftover,
 * a page the staff member may not see) is the default page.
 */
export function pageFromHash(hash: string, roles?: readonly StaffRole[]): WorkbenchPage {
  const id = hash.replace(/^#\/?/, '').split(/[?&/]/)[0] ?? '';
  const pages = roles ? pagesFor(roles) : WORKBENCH_PAGES;
  return pages.find((page) => page.id === id)?.id ?? DEFAULT_PAGE;
}

/** What follows the page in the hash: `#campaigns/65f…` → `65f…`; '' when nothing. */
export function hashDetail(hash: string): string {
  const [, detail = ''] = hash.replace(/^#\/?/, '').split(/[?&]/)[0]!.split('/');
  return decodeURIComponent(detail);
}
