/**
 * The path of a page view as the timeline shows it: the page route without a leading slash, with its query
 * (`pages/content/detail?id=42`). Taro's own bookkeeping parameters (`$taroTimestamp`, `stamp`) are left out.
 */
const PAGE_PATH_MAX = 512;

function isInternalParam(key: string): boolean {
  return key.startsWith('$taro') || key === 'stamp' || key === '__key_';
}

export function pageViewPath(path: string, params: Partial<Record<string, string>> = {}): string {
  const [route = '', inlineQuery = ''] = path.split('?', 2);
  const query = new Map<string, string>();
  for (const part of inlineQuery.split('&')) {
    if (!part) continue;
    const [key = '', value = ''] = part.split('=', 2);
    query.set(safeDecode(key), safeDecode(value));
  }
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'string') query.set(key, value);
  }
  const pairs = [...query.entries()]
    .filter(([key]) => key && !isInternalParam(key))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  const clean = route.replace(/^\/+/, '').trim() || 'unknown';
  return (pairs.length > 0 ? `${clean}?${pairs.join('&')}` : clean).slice(0, PAGE_PATH_MAX);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
