/**
 * Which WeCom context a page runs in. Decided before anything else, because outside the WeCom client the JS-SDK's
 * calls never settle: there the page must not touch `ww` at all.
 */
export type ContextMode =
  /** Inside the WeCom client: OAuth sign-in, then the JS-SDK gives the chat's external contact. */
  | 'wecom'
  /** A normal browser against the sandbox: staff and contact are picked by hand in the emulated context bar. */
  | 'emulated'
  /** A normal browser against the real services: nothing to do but say so. */
  | 'unsupported';

export function decideContextMode(input: { isWeCom: boolean; sandbox: boolean }): ContextMode {
  if (input.isWeCom) return 'wecom';
  return input.sandbox ? 'emulated' : 'unsupported';
}

/** The chat-sidebar entries (聊天工具栏) the sidebar accepts, as `ww.getContext()` reports them. */
export const SIDEBAR_ENTRIES = ['single_chat_tools', 'group_chat_tools'] as const;
export type SidebarEntry = (typeof SIDEBAR_ENTRIES)[number];

export function isSidebarEntry(entry: string): entry is SidebarEntry {
  return (SIDEBAR_ENTRIES as readonly string[]).includes(entry);
}
