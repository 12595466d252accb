/**
 * Where the workbench's journey pages are, from the location hash: `#journeys` (the list), `#journeys/templates`
 * (the SOP gallery), `#journeys/in-doubt` (messages to review), `#journeys/new`, `#journeys/<id>` (the builder) and
 * `#journeys/<id>/analytics` or `/versions`.
 */
export const JOURNEY_TABS = ['builder', 'analytics', 'versions'] as const;
export type JourneyTab = (typeof JOURNEY_TABS)[number];

export type JourneyRoute =
  | { view: 'list' }
  | { view: 'templates' }
  | { view: 'in-doubt' }
  | { view: 'new' }
  | { view: 'journey'; id: string; tab: JourneyTab };

const ID = /^[0-9a-f]{24}$/i;

export function journeyRoute(hash: string): JourneyRoute {
  const path = hash.replace(/^#\/?/, '').split(/[?&]/)[0] ?? '';
  const [page, second = '', third = ''] = path.split('/').map((part) => decodeURIComponent(part));
  if (page !== 'journeys') return { view: 'list' };
  if (second === 'templates' || second === 'in-doubt' || second === 'new') return { view: second };
  if (!ID.test(second)) return { view: 'list' };
  const tab = (JOURNEY_TABS as readonly string[]).includes(third) ? (third as JourneyTab) : 'builder';
  return { view: 'journey', id: second, tab };
}

export function journeyHref(id: string, tab: JourneyTab = 'builder'): string {
  return tab === 'builder' ? `#journeys/${id}` : `#journeys/${id}/${tab}`;
}

export const JOURNEY_LIST_HREF = '#journeys';
export const JOURNEY_TEMPLATES_HREF = '#journeys/templates';
export const JOURNEY_IN_DOUBT_HREF = '#journeys/in-doubt';
export const JOURNEY_NEW_HREF = '#journeys/new';

/** The chat sidebar with this customer as the emulated contact (outside WeCom only: WeCom picks the chat itself). */
export function sidebarCustomerHref(customerId: string): string {
  return `/wecom/#customer=${encodeURIComponent(customerId)}`;
}
