/**
 * The content pages. One page shows an item of either kind (an article, or a video with its description), at
 * exactly the path the server's shares point at (`CONTENT_DETAIL_PAGE` in shared/src/content.ts, not imported: it
 * would bring zod along): query `id` and, when opened from a share, `st` (the share token).
 */
export const CONTENT_PAGE = '/subpackages/content/pages/detail/index';
export const HOME_TAB = '/pages/home/index';

export function contentPage(id: string, shareToken?: string | null): string {
  const query = `id=${encodeURIComponent(id)}`;
  return `${CONTENT_PAGE}?${shareToken ? `${query}&st=${encodeURIComponent(shareToken)}` : query}`;
}

/** The share token format (`ShareToken` in shared/src/content.ts). */
const SHARE_TOKEN = /^[A-Za-z0-9]{10}$/;
const OBJECT_ID = /^[0-9a-f]{24}$/i;

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The content id and share token from the page's query; null when it names no valid content. */
export function contentEntry(
  params: Partial<Record<string, string>>,
): { id: string; shareToken: string | null } | null {
  const id = decode(params.id ?? '').trim();
  if (!OBJECT_ID.test(id)) return null;
  const token = decode(params.st ?? '').trim();
  return { id, shareToken: SHARE_TOKEN.test(token) ? token : null };
}

/**
 * The path `onShareAppMessage` returns: the server's (it carries the sharer's token), as WeChat wants it, a full
 * path from the root.
 */
export function sharePath(serverPath: string): string {
  return serverPath.startsWith('/') ? serverPath : `/${serverPath}`;
}
