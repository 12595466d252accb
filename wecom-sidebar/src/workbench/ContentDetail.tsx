/**
 * One content item (`#content/<id>/<view>`): its state, audience and author, and four views — the latest version
 * with the editorial actions and the review (概览), the editor (编辑), the version history with any old version to
 * read (版本历史), and its results (效果). Actions the staff member may not take are shown disabled with the reason.
 */
import type { StaffProfile } from '@careloop/shared';
import { lazy, useState } from 'react';
import { useFreshness } from '../content/useFreshness';
import { LazyView } from './ContentLoadBoundary';
import { explainContentError, type ContentErrorContext } from '../content/errors';
import {
  AUDIENCE_LABELS,
  categoryLabel,
  CONTENT_STATUS_LABELS,
  CONTENT_STATUS_TONES,
  KIND_LABELS,
} from '../content/labels';
import { contentHref, type ContentView } from '../content/nav';
import { formatDuration } from '../content/contentForm';
import { contentApi } from '../content/runtime';
import type { ContentAudience, ContentStatus, ContentVersion, StaffContent } from '../content/types';
import { contentActionState, type ContentAction } from '../content/workflow';
import { formatDateTime } from '../profile/format';
import { StatusChip } from '../shell/components';
import { FieldError, OutcomeLine, type Outcome } from '../shell/Field';
import { ItemTabs, type ItemTab } from '../shell/ItemTabs';
import { useResource } from '../shell/useResource';
import { ContentEditor } from './ContentEditor';

const ContentResultsView = lazy(() => import('./ContentResults'));

export function ContentStatusChip({ status }: { status: ContentStatus }) {
  return (
    <StatusChip
      status={status}
      tone={CONTENT_STATUS_TONES[status]}
      label={CONTENT_STATUS_LABELS[status]}
      testId="content-status"
    />
  );
}

export function AudienceBadge({ audience }: { audience: ContentAudience }) {
  return (
    <span className={`audience audience--${audience}`} data-testid="content-audience-badge" data-audience={audience}>
      {AUDIENCE_LABELS[audience]}
    </span>
  );
}

/** A version as readers would see it: cover, summary, the video, the (server-sanitised) body. */
export function ContentPreview({ version, kind }: { version: ContentVersion; kind: StaffContent['kind'] }) {
  return (
    <article className="content-preview" data-testid="content-preview" data-version={version.number}>
      <h3 className="content-preview__title">{version.title}</h3>
      <p className="muted small">
        {KIND_LABELS[kind]} · {categoryLabel(version.category)} · <AudienceBadge audience={version.audience} />
        {version.tags.map((tag) => (
          <span key={tag} className="chip content-preview__tag">
            {tag}
          </span>
        ))}
      </p>
      {version.coverUrl ? <img className="content-preview__cover" src={version.coverUrl} alt="" /> : null}
      {version.summary ? <p className="content-preview__summary">{version.summary}</p> : null}
      {version.video ? (
        <p className="content-preview__video small">
          视频{' '}
          <a href={version.video.url} target="_blank" rel="noopener noreferrer" className="mono">
            {version.video.url}
          </a>
          {version.video.durationSeconds ? ` · ${formatDuration(version.video.durationSeconds)}` : ''}
        </p>
      ) : null}
      {/* The body is the server's sanitised HTML (no scripts, handlers or unsafe URLs). */}
      <div className="article-body" dangerouslySetInnerHTML={{ __html: version.body }} />
      <p className="muted small content-preview__meta">
        第 {version.number} 版 · {version.editedBy.name ?? '员工'} 编辑于 {formatDateTime(version.editedAt)}
      </p>
    </article>
  );
}

const ACTION_CONTEXT: Record<'submit' | 'publish' | 'archive', ContentErrorContext> = {
  submit: 'submit',
  publish: 'publish',
  archive: 'archive',
};

const ACTION_TEXT: Record<'submit' | 'publish' | 'archive', { label: string; done: string }> = {
  submit: { label: '提交审核 Submit', done: '已提交审核，等待店长审核。' },
  publish: { label: '发布 Publish', done: '已发布：读者现在看到这一版。' },
  archive: { label: '归档 Archive', done: '已归档：读者不再能看到。' },
};

function ActionButton({
  action,
  content,
  staff,
  busy,
  onRun,
}: {
  action: 'submit' | 'publish' | 'archive';
  content: StaffContent;
  staff: StaffProfile;
  busy: boolean;
  onRun(): void;
}) {
  const state = contentActionState(action, content, staff);
  return (
    <span className="action-slot">
      <button
        type="button"
        className={`button button--small${action === 'publish' ? ' button--primary' : ''}`}
        data-testid={`content-${action}`}
        disabled={busy || !state.allowed}
        title={state.allowed ? undefined : state.reason}
        onClick={onRun}
      >
        {ACTION_TEXT[action].label}
      </button>
    </span>
  );
}

function ReviewPanel({
  content,
  staff,
  onReviewed,
}: {
  content: StaffContent;
  staff: StaffProfile;
  onReviewed(next: StaffContent): void;
}) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const state = contentActionState('review', content, staff);
  if (content.status !== 'in_review') return null;

  const decide = async (decision: 'approve' | 'reject') => {
    if (decision === 'reject' && !comment.trim()) {
      setError('驳回时请写明需要修改的地方 A rejection needs a comment');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onReviewed(await contentApi.review(content.id, { decision, comment: comment.trim() }));
      setComment('');
    } catch (reason) {
      setError(explainContentError(reason, 'review'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="review-panel" aria-label="审核 Review" data-testid="content-review">
      <h3 className="review-panel__title">
        审核第 {content.submitted?.version ?? content.working.number} 版{' '}
        <span className="muted small">
          {content.submitted
            ? `由 ${content.submitted.by.name ?? '员工'} 于 ${formatDateTime(content.submitted.at)} 提交`
            : ''}
        </span>
      </h3>
      {state.allowed ? (
        <>
          <textarea
            className="input textarea"
            data-testid="content-review-comment"
            rows={2}
            maxLength={500}
            placeholder="审核意见（驳回时必填） Comment (required to reject)"
            value={comment}
            onChange={(event) => {
              setComment(event.target.value);
              setError(undefined);
            }}
          />
          <div className="row review-panel__buttons">
            <button
              type="button"
              className="button button--primary button--small"
              data-testid="content-approve"
              disabled={busy}
              onClick={() => void decide('approve')}
            >
              通过 Approve
            </button>
            <button
              type="button"
              className="button button--danger button--small"
              data-testid="content-reject"
              disabled={busy}
              onClick={() => void decide('reject')}
            >
              驳回 Reject
            </button>
          </div>
          <FieldError message={error} />
        </>
      ) : (
        <p className="muted small" data-testid="content-review-blocked">
          {state.reason}
        </p>
      )}
    </section>
  );
}

function ReviewHistory({ content }: { content: StaffContent }) {
  if (!content.reviews.length) return null;
  return (
    <section aria-label="审核记录 Reviews">
      <h3 className="section-title">审核记录 Reviews</h3>
      <ol className="workflow-history" data-testid="content-reviews">
        {[...content.reviews].reverse().map((review, index) => (
          <li key={index} className="workflow-history__item" data-decision={review.decision}>
            <span className={`status status--${review.decision === 'approve' ? 'done' : 'bad'}`}>
              {review.decision === 'approve' ? '通过' : '驳回'}
            </span>{' '}
            第 {review.version} 版 · {review.by.name ?? '店长'} · {formatDateTime(review.at)}
            {review.comment ? <div className="workflow-history__reason">“{review.comment}”</div> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Overview({
  content,
  staff,
  onChanged,
}: {
  content: StaffContent;
  staff: StaffProfile;
  onChanged(next: StaffContent): void;
}) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const run = async (action: 'submit' | 'publish' | 'archive') => {
    setBusy(true);
    setOutcome(null);
    try {
      const next = await contentApi[action](content.id);
      onChanged(next);
      setOutcome({ kind: 'ok', text: ACTION_TEXT[action].done });
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainContentError(reason, ACTION_CONTEXT[action]) });
    } finally {
      setBusy(false);
    }
  };
  const latestRejection = [...content.reviews].reverse().find((review) => review.decision === 'reject');
  return (
    <div className="content-overview">
      {content.status === 'draft' && latestRejection && latestRejection.version === content.working.number ? (
        <p className="form-outcome form-outcome--error" data-testid="content-rejected-note">
          第 {latestRejection.version} 版被驳回：“{latestRejection.comment}” — 请修改后重新提交。
        </p>
      ) : null}
      <div className="row content-overview__actions">
        {(['submit', 'publish', 'archive'] as const).map((action) => (
          <ActionButton
            key={action}
            action={action}
            content={content}
            staff={staff}
            busy={busy}
            onRun={() => void run(action)}
          />
        ))}
        <ReasonsLine content={content} staff={staff} />
      </div>
      <OutcomeLine outcome={outcome} testId="content-action-result" />
      <ReviewPanel content={content} staff={staff} onReviewed={onChanged} />
      <ContentPreview version={content.working} kind={content.kind} />
      <ReviewHistory content={content} />
    </div>
  );
}

/** Why the main next step cannot be taken now, in one line (the buttons' tooltips say it for each). */
function ReasonsLine({ content, staff }: { content: StaffContent; staff: StaffProfile }) {
  const next: ContentAction | null =
    content.status === 'draft' ? 'submit' : content.status === 'approved' ? 'publish' : null;
  if (!next) return null;
  const state = contentActionState(next, content, staff);
  return state.allowed ? null : (
    <span className="muted small" data-testid="content-action-reason">
      {state.reason}
    </span>
  );
}

function Versions({ content }: { content: StaffContent }) {
  const versions = useResource(`versions:${content.id}:${content.working.number}:${content.status}`, () =>
    contentApi.versions(content.id),
  );
  const [shown, setShown] = useState<number | null>(null);
  const version = useResource(shown ? `version:${content.id}:${shown}` : null, () =>
    contentApi.version(content.id, shown!),
  );
  const { state } = versions;
  return (
    <div className="versions">
      {state.status === 'failed' ? (
        <p className="field-error" role="alert">
          版本加载失败：{state.message}
        </p>
      ) : !versions.data ? (
        <p className="muted">加载中… Loading</p>
      ) : (
        <table className="table" data-testid="content-versions">
          <thead>
            <tr>
              <th>版本</th>
              <th>标题</th>
              <th>编辑</th>
              <th>状态</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {versions.data.map((item) => (
              <tr
                key={item.number}
                data-testid="content-version-row"
                data-version={item.number}
                className={item.number === shown ? 'row--selected' : undefined}
              >
                <td className="nowrap">第 {item.number} 版</td>
                <td>{item.title}</td>
                <td className="small">
                  {item.editedBy.name ?? '员工'} · {formatDateTime(item.editedAt)}
                </td>
                <td className="nowrap">
                  {item.live ? <span className="status status--done">线上版本</span> : null}
                  {item.approved ? <span className="status status--ok">已通过待发布</span> : null}
                </td>
                <td className="table__actions">
                  <button
                    type="button"
                    className="link-button"
                    data-testid="content-version-open"
                    onClick={() => setShown(item.number)}
                  >
                    查看
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown ? (
        version.state.status === 'failed' ? (
          <p className="field-error" role="alert">
            第 {shown} 版加载失败：{version.state.message}
          </p>
        ) : version.data ? (
          <div className="versions__shown">
            <div className="day__head">
              <h3 className="section-title">
                第 {shown} 版（只读） Version {shown}
              </h3>
              <button type="button" className="link-button" onClick={() => setShown(null)}>
                关闭
              </button>
            </div>
            <ContentPreview version={version.data} kind={content.kind} />
          </div>
        ) : (
          <p className="muted">加载中… Loading</p>
        )
      ) : null}
    </div>
  );
}

const VIEWS: ItemTab<ContentView>[] = [
  { id: 'overview', label: '概览 Overview' },
  { id: 'edit', label: '编辑 Edit' },
  { id: 'versions', label: '版本历史 Versions' },
  { id: 'results', label: '效果 Results' },
];

export function ContentDetail({
  id,
  view,
  staff,
  onChanged,
}: {
  id: string;
  view: ContentView;
  staff: StaffProfile;
  onChanged(next: StaffContent): void;
}) {
  const resource = useResource(
    `content:${id}`,
    () => contentApi.get(id),
    (reason) => explainContentError(reason, 'load'),
  );
  const { state, reload, data } = resource;
  // The server's answer at once; then read again, which also drops an older read still on its way.
  const changed = (next: StaffContent) => {
    resource.patch(() => next);
    reload();
  };
  useFreshness(view, reload, data, (content) => `${content.status}:${content.working.number}`, onChanged);

  if (state.status === 'loading' || state.status === 'idle') {
    return <section className="card muted">加载中… Loading</section>;
  }
  if (state.status === 'failed') {
    return (
      <section className="card">
        <p className="field-error" role="alert">
          内容加载失败：{state.message}
        </p>
      </section>
    );
  }
  const content = state.data;
  const edit = contentActionState('edit', content, staff);
  return (
    <section
      className="card content-detail"
      data-testid="content-detail"
      data-content-id={content.id}
      data-status={content.status}
    >
      <div className="day__head">
        <h2 className="card__title">
          {content.working.title} <ContentStatusChip status={content.status} />{' '}
          <AudienceBadge audience={content.working.audience} />
        </h2>
        <a className="link-button" href="#content">
          返回列表 Back
        </a>
      </div>
      <p className="muted small">
        {KIND_LABELS[content.kind]} · 作者 {content.author.name ?? '员工'} · 最新第 {content.working.number} 版
        {content.live
          ? ` · 线上第 ${content.live.number} 版（${formatDateTime(content.live.publishedAt)} 发布）`
          : ' · 尚未发布'}
        {content.readingMinutes ? ` · 约 ${content.readingMinutes} 分钟读完` : ''}
      </p>
      <ItemTabs
        label="内容 Content"
        tabs={VIEWS}
        current={view}
        href={(id) => contentHref(content.id, id)}
        testIdPrefix="content-view-"
      />
      {view === 'overview' ? (
        <Overview content={content} staff={staff} onChanged={changed} />
      ) : view === 'edit' ? (
        edit.allowed ? (
          <ContentEditor key={content.id} content={content} onSaved={changed} />
        ) : (
          <p className="readonly-note" role="note" data-testid="content-edit-blocked">
            {edit.reason}
          </p>
        )
      ) : view === 'versions' ? (
        <Versions content={content} />
      ) : (
        <LazyView>
          <ContentResultsView content={content} />
        </LazyView>
      )}
    </section>
  );
}
