/**
 * The tab strip of an item's detail page (a content item's, a meeting's, a journey's views): links to the item's
 * routes, the current one marked with `aria-current="page"`; each tab's test id is `testIdPrefix` and its id.
 */
export interface ItemTab<T extends string> {
  id: T;
  label: string;
  /** A smaller second line, e.g. the English name. */
  hint?: string;
}

export function ItemTabs<T extends string>({
  label,
  tabs,
  current,
  href,
  testIdPrefix,
}: {
  /** The accessible name of the strip: whose views these are. */
  label: string;
  tabs: readonly ItemTab<T>[];
  current: T;
  href(id: T): string;
  testIdPrefix: string;
}) {
  return (
    <nav className="item-tabs" aria-label={label}>
      {tabs.map((item) => (
        <a
          key={item.id}
          href={href(item.id)}
          className={`item-tabs__tab${item.id === current ? ' item-tabs__tab--current' : ''}`}
          aria-current={item.id === current ? 'page' : undefined}
          data-testid={`${testIdPrefix}${item.id}`}
        >
          {item.label}
          {item.hint ? <span className="tabs__hint"> {item.hint}</span> : null}
        </a>
      ))}
    </nav>
  );
}
