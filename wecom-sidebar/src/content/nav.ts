/**
 * Where a workbench page with items is, from the location hash: `#content` (the list), `#content/new`,
 * `#content/<id>` (the item), `#content/<id>/<view>` (its editor, versions or results). The meetings page has the
 * same shape (meetings/nav.ts).
 */
export type PageRoute<V extends string> = { kind: 'list' } | { kind: 'new' } | { kind: 'item'; id: string; view: V };

const ID = /^[0-9a-f]{24}$/i;

/** The route of `page` in the hash; an unknown view is the first (overview), anything else the list. */
export function parsePageRoute<V extends string>(hash: string, page: string, views: readonly V[]): PageRoute<V> {
  const path = hash.replace(/^#\/?/, '').split(/[?&]/)[0] ?? '';
  const [first, id = '', view = ''] = path.split('/').map((part) => decodeURIComponent(part));
  if (first !== page || !id) return { kind: 'list' };
  if (id === 'new') return { kind: 'new' };
  if (!ID.test(id)) return { kind: 'list' };
  return { kind: 'item', id, view: (views as readonly string[]).includes(view) ? (view as V) : views[0]! };
}

export const CONTENT_VIEWS = ['overview', 'edit', 'versions', 'results'] as const;
export type ContentView = (typeof CONTENT_VIEWS)[number];

export const contentRoute = (hash: string) => parsePageRoute(hash, 'content', CONTENT_VIEWS);

export function contentHref(id: string, view: ContentView = 'overview'): string {
  return view === 'overview' ? `#content/${id}` : `#content/${id}/${view}`;
}
