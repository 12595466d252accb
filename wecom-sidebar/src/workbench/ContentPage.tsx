/**
 * 内容中心: the organisation's articles and videos. Every staff member writes drafts and submits them; managers find
 * what waits for their review at the top. The list filters by state, kind and audience and searches titles; an item
 * opens at `#content/<id>`, a new one at `#content/new`; the staff sharing leaderboard sits under the list.
 */
import type { StaffProfile } from '@careloop/shared';
import { lazy, useEffect, useMemo, useState } from 'react';
import { explainContentError } from '../content/errors';
import {
  AUDIENCE_LABELS,
  categoryLabel,
  CONTENT_AUDIENCES,
  CONTENT_KINDS,
  CONTENT_STATUSES,
  CONTENT_STATUS_LABELS,
  KIND_LABELS,
} from '../content/labels';
import { contentHref, type PageRoute, type ContentView } from '../content/nav';
import { contentApi } from '../content/runtime';
import type {
  ContentAudience,
  ContentKind,
  ContentStatus,
  StaffContent,
  StaffContentPage,
  StaffContentSummary,
} from '../content/types';
import { formatDateTime } from '../profile/format';
import { canManageCampaigns } from '../profile/roles';
import { SelectInput } from '../shell/Field';
import { useResource } from '../shell/useResource';
import { AudienceBadge, ContentDetail, ContentStatusChip } from './ContentDetail';
import { ContentEditor } from './ContentEditor';
import { LazyView } from './ContentLoadBoundary';

const AllContentLeaderboard = lazy(() =>
  import('./ContentResults').then((module) => ({ default: module.AllContentLeaderboard })),
);
const explain = (reason: unknown) => explainContentError(reason, 'load');

interface Filters {
  status: ContentStatus | '';
  kind: ContentKind | '';
  audience: ContentAudience | '';
  q: string;
}

function ContentTable({ items, selectedId }: { items: readonly StaffContentSummary[]; selectedId: string | null }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="content-table">
        <thead>
          <tr>
            <th>标题</th>
            <th>类型</th>
            <th>分类</th>
            <th>可见范围</th>
            <th>状态</th>
            <th>作者</th>
            <th>版本</th>
            <th>更新</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr
              key={item.id}
              data-testid="content-row"
              data-content-id={item.id}
              data-status={item.status}
              className={item.id === selectedId ? 'row--selected' : undefined}
            >
              <td>
                <a href={contentHref(item.id)} data-testid="content-open">
                  {item.title}
                </a>
              </td>
              <td className="nowrap">{KIND_LABELS[item.kind]}</td>
              <td className="small">{categoryLabel(item.category)}</td>
              <td className="nowrap">
                <AudienceBadge audience={item.audience} />
              </td>
              <td className="nowrap">
                <ContentStatusChip status={item.status} />
              </td>
              <td className="nowrap">{item.author.name ?? '—'}</td>
              <td className="nowrap small">
                v{item.version}
                {item.liveVersion ? <span className="muted"> · 线上 v{item.liveVersion}</span> : null}
              </td>
              <td className="nowrap small">{formatDateTime(item.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Items waiting for a manager's review (the server decides per item whether this manager may review it). */
function ReviewQueue({ selectedId, version }: { selectedId: string | null; version: number }) {
  const queue = useResource(
    `content-review-queue:${version}`,
    () => contentApi.list({ status: 'in_review', limit: 50 }),
    explain,
  );
  const items = queue.data?.items ?? [];
  return (
    <section className="card" aria-label="待审核 Review queue" data-testid="content-review-queue">
      <div className="day__head">
        <h2 className="card__title">
          待审核 <span className="muted small">Review queue · {items.length}</span>
        </h2>
        <button type="button" className="link-button" onClick={queue.reload}>
          刷新
        </button>
      </div>
      {queue.state.status === 'failed' ? (
        <p className="field-error" role="alert">
          加载失败：{queue.state.message}
        </p>
      ) : !queue.data ? (
        <p className="muted">加载中… Loading</p>
      ) : items.length ? (
        <ContentTable items={items} selectedId={selectedId} />
      ) : (
        <p className="muted" data-testid="content-review-empty">
          没有待审核的内容。 Nothing to review.
        </p>
      )}
    </section>
  );
}

export function ContentPage({ staff, route }: { staff: StaffProfile; route: PageRoute<ContentView> }) {
  const manager = canManageCampaigns(staff);
  const [filters, setFilters] = useState<Filters>({ status: '', kind: '', audience: '', q: '' });
  const [pages, setPages] = useState<StaffContentPage[]>([]);
  // Typing searches after a pause, not at every key.
  const [search, setSearch] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setFilters((current) => ({ ...current, q: search })), 300);
    return () => clearTimeout(timer);
  }, [search]);
  // Bumped when an item changes, so the review queue is read again.
  const [version, setVersion] = useState(0);
  const key = `content-list:${filters.status}:${filters.kind}:${filters.audience}:${filters.q.trim()}`;
  const first = useResource(
    key,
    () => {
      setPages([]);
      return contentApi.list({
        status: filters.status || undefined,
        kind: filters.kind || undefined,
        audience: filters.audience || undefined,
        q: filters.q.trim() || undefined,
      });
    },
    explain,
  );
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const items = useMemo(
    () => [...(first.data?.items ?? []), ...pages.flatMap((page) => page.items)],
    [first.data, pages],
  );
  const nextCursor = pages.length ? pages[pages.length - 1]!.nextCursor : (first.data?.nextCursor ?? null);
  const selectedId = route.kind === 'item' ? route.id : null;

  const loadMore = async () => {
    if (!nextCursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await contentApi.list({
        status: filters.status || undefined,
        kind: filters.kind || undefined,
        audience: filters.audience || undefined,
        q: filters.q.trim() || undefined,
        cursor: nextCursor,
      });
      setPages((current) => [...current, page]);
    } catch (reason) {
      setMoreError(explain(reason));
    } finally {
      setLoadingMore(false);
    }
  };

  /** A changed item: the list is read again (its order is "most recently changed first"). */
  const changed = (_next: StaffContent) => {
    first.reload();
    setVersion((value) => value + 1);
  };
  const setFilter = <K extends keyof Filters>(field: K, value: Filters[K]) =>
    setFilters((current) => ({ ...current, [field]: value }));

  return (
    <div className="page content-page">
      {route.kind === 'new' ? (
        <ContentEditor
          content={null}
          onSaved={(saved) => {
            changed(saved);
            window.location.hash = contentHref(saved.id);
          }}
        />
      ) : route.kind === 'item' ? (
        <ContentDetail key={route.id} id={route.id} view={route.view} staff={staff} onChanged={changed} />
      ) : null}
      {manager ? <ReviewQueue selectedId={selectedId} version={version} /> : null}
      <section className="card" aria-label="内容 Content">
        <div className="day__head">
          <h2 className="card__title">
            内容中心 <span className="muted small">Content</span>
          </h2>
          <div className="row">
            <button type="button" className="link-button" onClick={first.reload}>
              刷新
            </button>
            <a className="button button--primary button--small" href="#content/new" data-testid="content-new">
              新建内容 New
            </a>
          </div>
        </div>
        <div className="row content-filters">
          <SelectInput
            inline
            ariaLabel="状态 Status"
            testId="content-filter-status"
            empty="全部状态 All states"
            options={CONTENT_STATUSES}
            labels={CONTENT_STATUS_LABELS}
            value={filters.status}
            onChange={(status) => setFilter('status', status)}
          />
          <SelectInput
            inline
            ariaLabel="类型 Kind"
            testId="content-filter-kind"
            empty="全部类型"
            options={CONTENT_KINDS}
            labels={KIND_LABELS}
            value={filters.kind}
            onChange={(kind) => setFilter('kind', kind)}
          />
          <SelectInput
            inline
            ariaLabel="可见范围 Audience"
            testId="content-filter-audience"
            empty="全部可见范围"
            options={CONTENT_AUDIENCES}
            labels={AUDIENCE_LABELS}
            value={filters.audience}
            onChange={(audience) => setFilter('audience', audience)}
          />
          <input
            className="input input--inline content-filters__search"
            type="search"
            aria-label="搜索标题 Search titles"
            placeholder="搜索标题 Search"
            data-testid="content-search"
            maxLength={40}
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
        {first.state.status === 'failed' ? (
          <p className="field-error" role="alert">
            内容加载失败：{first.state.message}
          </p>
        ) : !first.data ? (
          <p className="muted">加载中… Loading</p>
        ) : !items.length ? (
          <p className="muted" data-testid="content-empty">
            没有符合条件的内容。 Nothing matches.
          </p>
        ) : (
          <ContentTable items={items} selectedId={selectedId} />
        )}
        {nextCursor ? (
          <div className="row content-more">
            <button
              type="button"
              className="link-button"
              data-testid="content-more"
              disabled={loadingMore}
              onClick={() => void loadMore()}
            >
              {loadingMore ? '加载中…' : '加载更多 Load more'}
            </button>
          </div>
        ) : null}
        {moreError ? (
          <p className="field-error" role="alert">
            {moreError}
          </p>
        ) : null}
      </section>
      <LazyView>
        <AllContentLeaderboard />
      </LazyView>
    </div>
  );
}
