/** The workbench's pages, one per hash (`#schedule`, `#templates`, `#account`), so a reload stays on the page. */
export const WORKBENCH_PAGES = [
  { id: 'schedule', label: '今日排班', hint: 'Day schedule', testId: 'nav-schedule' },
  { id: 'templates', label: '排班模板', hint: 'Templates', testId: 'nav-templates' },
  { id: 'account', label: '我的账号', hint: 'Account', testId: 'nav-account' },
] as const;

export type WorkbenchPage = (typeof WORKBENCH_PAGES)[number]['id'];

export const DEFAULT_PAGE: WorkbenchPage = 'schedule';

/** The page a location hash names; anything else (no hash, an OAuth leftover) is the default page. */
export function pageFromHash(hash: string): WorkbenchPage {
  const id = hash.replace(/^#\/?/, '').split(/[?&/]/)[0] ?? '';
  return WORKBENCH_PAGES.find((page) => page.id === id)?.id ?? DEFAULT_PAGE;
}
