/**
 * The content editor: a new draft (article or video), or a new version of an item. Title, category, tags, audience,
 * summary and cover; the article body in the rich-text editor, or the video's URL and length. Saving keeps a version;
 * "save and submit" also sends it for a manager's review. Editing a published item leaves the published version in
 * front of readers until the new one is reviewed and published.
 */
import { useState } from 'react';
import {
  buildCreateRequest,
  buildUpdateRequest,
  draftFromVersion,
  emptyContentDraft,
  CONTENT_LIMITS,
  type ContentDraft,
  type ContentField,
} from '../content/contentForm';
import { explainContentError } from '../content/errors';
import { AUDIENCE_HINTS, AUDIENCE_LABELS, CATEGORY_LABELS, CONTENT_AUDIENCES, KIND_LABELS } from '../content/labels';
import { contentApi } from '../content/runtime';
import type { ContentKind, StaffContent } from '../content/types';
import { Field, OutcomeLine, SelectField, TextField, type Outcome } from '../shell/Field';
import { useDraft } from '../shell/useDraft';
import { ContentRichText } from './ContentRichText';

export function ContentEditor({
  content,
  onSaved,
}: {
  /** null: a new draft. */
  content: StaffContent | null;
  onSaved(next: StaffContent, submitted: boolean): void;
}) {
  const { draft, errors, set, bind, setErrors, reset } = useDraft<ContentDraft, ContentField | 'form'>(() =>
    content ? draftFromVersion(content.kind, content.working) : emptyContentDraft(),
  );
  const [saving, setSaving] = useState<'save' | 'submit' | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [resetKey, setResetKey] = useState(() => (content ? `${content.id}:${content.working.number}` : 'new'));

  const save = async (andSubmit: boolean) => {
    setOutcome(null);
    let write: () => Promise<StaffContent>;
    if (!content) {
      const built = buildCreateRequest(draft);
      if (!built.ok) {
        setErrors(built.errors);
        return;
      }
      write = () => contentApi.create(built.request);
    } else {
      const built = buildUpdateRequest(draft, content);
      if (built.ok) {
        write = () => contentApi.update(content.id, built.request);
      } else if (andSubmit && Object.keys(built.errors).join() === 'form') {
        // Nothing changed: submitting the latest version as it is.
        write = () => Promise.resolve(content);
      } else {
        setErrors(built.errors);
        if (built.errors.form) setOutcome({ kind: 'error', text: built.errors.form });
        return;
      }
    }
    setSaving(andSubmit ? 'submit' : 'save');
    const settle = (saved: StaffContent, submitted: boolean, result: Outcome) => {
      setOutcome(result);
      reset(draftFromVersion(saved.kind, saved.working));
      setResetKey(`${saved.id}:${saved.working.number}`);
      onSaved(saved, submitted);
    };
    try {
      const saved = await write();
      if (!andSubmit) {
        settle(saved, false, { kind: 'ok', text: `已保存第 ${saved.working.number} 版（草稿）。 Saved.` });
        return;
      }
      try {
        const submitted = await contentApi.submit(saved.id);
        settle(submitted, true, {
          kind: 'ok',
          text: `已保存第 ${submitted.working.number} 版并提交审核，等待店长审核。 Submitted for review.`,
        });
      } catch (reason) {
        // Saved, not submitted: the editor goes on from the saved version.
        settle(saved, false, {
          kind: 'error',
          text: `已保存第 ${saved.working.number} 版，但提交审核失败：${explainContentError(reason, 'submit')}`,
        });
      }
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainContentError(reason, 'save') });
    } finally {
      setSaving(null);
    }
  };

  const live = content?.live ?? null;
  return (
    <form
      className="card content-editor"
      data-testid="content-editor"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save(false);
      }}
    >
      <h2 className="card__title">
        {content ? `编辑「${content.working.title}」` : '新建内容'}{' '}
        <span className="muted small">{content ? `Edit · 基于第 ${content.working.number} 版` : 'New content'}</span>
      </h2>
      {live && content?.status !== 'archived' ? (
        <p className="readonly-note small" role="note">
          读者现在看到的是第 {live.number} 版。保存后的新版本需审核通过并发布后，才会替换它。 Readers keep the published
          version until a new one is published.
        </p>
      ) : null}
      <fieldset className="sched-form__fields" disabled={saving !== null}>
        <div className="form-grid">
          {content ? null : (
            <Field label="类型 Kind" group>
              <div className="row">
                {(['article', 'video'] as ContentKind[]).map((kind) => (
                  <label key={kind} className="check">
                    <input
                      type="radio"
                      name="content-kind"
                      data-testid={`content-kind-${kind}`}
                      checked={draft.kind === kind}
                      onChange={() => set('kind', kind)}
                    />
                    {KIND_LABELS[kind]}
                  </label>
                ))}
              </div>
            </Field>
          )}
          <TextField
            label="标题 Title"
            wide={!!content}
            testId="content-title"
            maxLength={CONTENT_LIMITS.title + 10}
            {...bind('title')}
          />
          <Field label="分类 Category" hint="（小写英文，如 ortho）" error={errors.category}>
            <input
              className="input"
              data-testid="content-category"
              list="content-categories"
              placeholder="ortho / implant / hygiene / academic …"
              value={draft.category}
              onChange={(event) => set('category', event.target.value)}
            />
            <datalist id="content-categories">
              {Object.entries(CATEGORY_LABELS).map(([key, label]) => (
                <option key={key} value={key}>
                  {label}
                </option>
              ))}
            </datalist>
          </Field>
          <SelectField
            label="可见范围 Audience"
            hint={AUDIENCE_HINTS[draft.audience]}
            testId="content-audience"
            options={CONTENT_AUDIENCES}
            labels={AUDIENCE_LABELS}
            {...bind('audience')}
          />
          <TextField
            label="标签 Tags"
            hint="（逗号分隔，最多 10 个）"
            testId="content-tags"
            placeholder="如：矫正，青少年"
            {...bind('tags')}
          />
          <Field label="封面图 Cover URL" hint="（可选；发送小程序卡片需要封面）" error={errors.coverUrl}>
            <input
              className="input"
              data-testid="content-cover"
              inputMode="url"
              placeholder="https://…"
              value={draft.coverUrl}
              onChange={(event) => set('coverUrl', event.target.value)}
            />
          </Field>
          <Field label="摘要 Summary" hint="（列表和分享卡片显示）" error={errors.summary} wide>
            <textarea
              className="input textarea"
              data-testid="content-summary"
              rows={2}
              maxLength={CONTENT_LIMITS.summary + 10}
              value={draft.summary}
              onChange={(event) => set('summary', event.target.value)}
            />
          </Field>
          {draft.kind === 'video' ? (
            <>
              <Field label="视频地址 Video URL" hint="（https）" error={errors.videoUrl}>
                <input
                  className="input"
                  data-testid="content-video-url"
                  inputMode="url"
                  placeholder="https://…/video.mp4"
                  value={draft.videoUrl}
                  onChange={(event) => set('videoUrl', event.target.value)}
                />
              </Field>
              <TextField
                label="时长 Duration"
                hint="（秒或 分:秒，可选）"
                testId="content-video-duration"
                placeholder="3:00"
                {...bind('videoDuration')}
              />
            </>
          ) : null}
          <Field label={draft.kind === 'video' ? '视频说明 Description' : '正文 Article'} group wide>
            <ContentRichText
              value={draft.body}
              onChange={(html) => set('body', html)}
              resetKey={resetKey}
              error={errors.body}
              disabled={saving !== null}
            />
          </Field>
        </div>
      </fieldset>
      <div className="row sched-form__foot">
        <span className="muted small">
          正文会在服务器上清理（去除脚本、事件属性等）。 The server sanitises the body.
        </span>
        <div className="row">
          <button type="submit" className="button" data-testid="content-save" disabled={saving !== null}>
            {saving === 'save' ? '保存中…' : '保存草稿 Save'}
          </button>
          <button
            type="button"
            className="button button--primary"
            data-testid="content-save-submit"
            disabled={saving !== null}
            onClick={() => void save(true)}
          >
            {saving === 'submit' ? '提交中…' : '保存并提交审核 Submit for review'}
          </button>
        </div>
      </div>
      <OutcomeLine outcome={outcome} testId="content-editor-result" />
    </form>
  );
}
