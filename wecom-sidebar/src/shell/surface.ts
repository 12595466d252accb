/** Which surface of the WeCom app a page is, from its path: the workbench lives under /wecom/workbench/. */
import type { AuditSurface } from '@careloop/shared';

export type WecomSurface = Extract<AuditSurface, 'sidebar' | 'workbench'>;

export function surfaceForPath(pathname: string): WecomSurface {
  return /\/workbench(\/|$)/.test(pathname) ? 'workbench' : 'sidebar';
}
