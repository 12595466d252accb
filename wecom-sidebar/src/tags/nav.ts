/**
 * Where the workbench's tag pages are, from the location hash: `#tags` (the library), `#tags/new` (a new rule tag),
 * `#tags/<id>` (a tag: its form, rule, preview and recompute); `#segments` (the segments and a new one) and
 * `#segments/<id>` (a saved segment).
 */
export type TagRoute = { kind: 'library' } | { kind: 'new' } | { kind: 'tag'; id: string };
export type SegmentRoute = { kind: 'new' } | { kind: 'segment'; id: string };

const ID = /^[0-9a-f]{24}$/i;

function parts(hash: string): string[] {
  const path = hash.replace(/^#\/?/, '').split(/[?&]/)[0] ?? '';
  return path.split('/').map((part) => decodeURIComponent(part));
}

export function tagRoute(hash: string): TagRoute {
  const [page, id = ''] = parts(hash);
  if (page !== 'tags') return { kind: 'library' };
  if (id === 'new') return { kind: 'new' };
  return ID.test(id) ? { kind: 'tag', id } : { kind: 'library' };
}

export function segmentRoute(hash: string): SegmentRoute {
  const [page, id = ''] = parts(hash);
  return page === 'segments' && ID.test(id) ? { kind: 'segment', id } : { kind: 'new' };
}

export const tagHref = (id?: string | 'new') => (id ? `#tags/${id}` : '#tags');
export const segmentHref = (id?: string) => (id ? `#segments/${id}` : '#segments');
