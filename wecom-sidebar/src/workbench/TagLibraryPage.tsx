/**
 * 标签库: the organisation's one tag library — groups, and tags with name, colour, description, who may apply them,
 * static (by hand, channels, chat keywords) or dynamic (by a rule, with its latest recompute), and how many customers
 * carry each. Everyone reads it; managers and admins add groups and static tags here, open a tag to edit it
 * (`#tags/<id>`), start a rule tag (`#tags/new`), recompute a rule and archive a tag.
 */
import type { StaffProfile } from '@careloop/shared';
import { useEffect, useMemo, useState } from 'react';
import { canManageCampaigns } from '../profile/roles';
import { OutcomeLine, SelectField, TextField, type Outcome } from '../shell/Field';
import { useDraft } from '../shell/useDraft';
import { useResource } from '../shell/useResource';
import { ruleText } from '../tags/describe';
import { explainTagError } from '../tags/errors';
import { TAG_APPLY_BY_LABELS, TAG_APPLY_BY_OPTIONS, TAG_KIND_LABELS } from '../tags/labels';
import { tagHref, type TagRoute } from '../tags/nav';
import { isRecomputeActive, recomputeView } from '../tags/recompute';
import { tagsApi } from '../tags/runtime';
import {
  buildCreateTag,
  buildGroupRequest,
  emptyGroupDraft,
  emptyTagDraft,
  TAG_LIMITS,
  type GroupDraft,
  type TagDraft,
  type TagField,
} from '../tags/tagForm';
import type { TagDefinition, TagGroup, TagLibrary } from '../tags/types';
import { TagColourField } from './TagColourField';
import { TagRuleEditor, useRuleOptions } from './TagRuleEditor';

const explainLoad = (reason: unknown) => explainTagError(reason, 'load');

function Swatch({ colour }: { colour: string | null }) {
  return <span className="tag-swatch" style={colour ? { background: colour } : undefined} aria-hidden="true" />;
}

function StaticTagForm({ library, onCreated }: { library: TagLibrary; onCreated(tag: TagDefinition): void }) {
  const { draft, bind, setErrors, reset } = useDraft<TagDraft, TagField>(emptyTagDraft);
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    const result = buildCreateTag(
      draft,
      'static',
      null,
      library.tags.map((tag) => tag.name),
    );
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setSaving(true);
    try {
      const created = await tagsApi.createTag(result.request);
      setOutcome({ kind: 'ok', text: `已添加标签「${created.name}」` });
      reset({ ...emptyTagDraft(), groupId: draft.groupId });
      onCreated(created);
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainTagError(reason, 'save') });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="card sched-form" data-testid="static-tag-form" onSubmit={(event) => void submit(event)} noValidate>
      <h2 className="card__title">
        添加静态标签 <span className="muted small">Add a static tag</span>
      </h2>
      <fieldset className="sched-form__fields" disabled={saving}>
        <div className="form-grid">
          <TextField label="标签名 Name" testId="static-tag-name" maxLength={30} {...bind('name')} />
          <SelectField
            label="分组 Group"
            testId="static-tag-group"
            empty="未分组"
            options={library.groups}
            {...bind('groupId')}
          />
          <TagColourField testId="static-tag-colour" {...bind('colour')} />
          <SelectField
            label="谁可以添加 Who may apply"
            testId="static-tag-apply-by"
            options={TAG_APPLY_BY_OPTIONS}
            labels={TAG_APPLY_BY_LABELS}
            {...bind('applyBy')}
          />
          <TextField
            label="说明 Description"
            hint="（可选）"
            wide
            testId="static-tag-description"
            maxLength={TAG_LIMITS.description + 10}
            {...bind('description')}
          />
          <TextField
            label="聊天关键词 Keywords"
            hint="（可选，逗号分隔：备注中出现即自动打上）"
            wide
            testId="static-tag-keywords"
            placeholder="如：种植, implant"
            {...bind('keywords')}
          />
        </div>
      </fieldset>
      <div className="row sched-form__foot">
        <span />
        <button type="submit" className="button button--primary" data-testid="static-tag-submit" disabled={saving}>
          {saving ? '保存中…' : '添加标签 Add'}
        </button>
      </div>
      <OutcomeLine outcome={outcome} testId="static-tag-result" />
    </form>
  );
}

function GroupForm({ groups, onCreated }: { groups: readonly TagGroup[]; onCreated(group: TagGroup): void }) {
  const { draft, bind, setErrors, reset } = useDraft<GroupDraft>(emptyGroupDraft);
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    const result = buildGroupRequest(draft, groups);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setSaving(true);
    try {
      const created = await tagsApi.createGroup(result.request);
      setOutcome({ kind: 'ok', text: `已添加分组「${created.name}」` });
      reset(emptyGroupDraft());
      onCreated(created);
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainTagError(reason, 'save') });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="card sched-form" data-testid="tag-group-form" onSubmit={(event) => void submit(event)} noValidate>
      <h2 className="card__title">
        添加分组 <span className="muted small">Add a group</span>
      </h2>
      <fieldset className="sched-form__fields" disabled={saving}>
        <TextField
          label="分组名称 Name"
          testId="tag-group-name"
          maxLength={TAG_LIMITS.groupName + 10}
          {...bind('name')}
        />
        <TextField
          label="颜色 Colour"
          hint="（可选）"
          testId="tag-group-colour"
          placeholder="#c2571a"
          {...bind('colour')}
        />
      </fieldset>
      <div className="row sched-form__foot">
        <span />
        <button type="submit" className="button" data-testid="tag-group-submit" disabled={saving}>
          {saving ? '保存中…' : '添加分组'}
        </button>
      </div>
      <OutcomeLine outcome={outcome} testId="tag-group-result" />
    </form>
  );
}

function TagRow({
  tag,
  editable,
  describe,
  busy,
  onRecompute,
  onArchive,
}: {
  tag: TagDefinition;
  editable: boolean;
  describe(tag: TagDefinition): string;
  busy: boolean;
  onRecompute(): void;
  onArchive(): void;
}) {
  const [confirming, setConfirming] = useState(false);
  const job = tag.recompute ? recomputeView(tag.recompute) : null;
  return (
    <tr data-testid="tag-row" data-tag-id={tag.id} data-kind={tag.kind} aria-busy={busy}>
      <td className="nowrap">
        <a href={tagHref(tag.id)} className="tag-name-link" data-testid="tag-open">
          <Swatch colour={tag.colour} />
          {tag.name}
        </a>
      </td>
      <td className="nowrap">
        <span className={`tag-kind tag-kind--${tag.kind}`}>{TAG_KIND_LABELS[tag.kind]}</span>
      </td>
      <td className="nowrap">{tag.kind === 'static' ? TAG_APPLY_BY_LABELS[tag.applyBy] : '规则'}</td>
      <td>
        <div className="tag-row__about">
          <span>{describe(tag)}</span>
          {tag.description && tag.kind === 'dynamic' ? <span className="muted small">{tag.description}</span> : null}
        </div>
      </td>
      <td className="nowrap" data-testid="tag-row-customers">
        {tag.customers}
      </td>
      <td className="nowrap">
        {job ? (
          <span
            className={`status status--${job.active ? 'pending' : job.status === 'done' ? 'done' : 'off'}`}
            data-testid="tag-row-recompute"
            data-status={job.status}
            title={job.detail}
          >
            {job.label}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      {editable ? (
        <td className="nowrap table__actions">
          {confirming ? (
            <span className="row">
              <button
                type="button"
                className="button button--small button--danger"
                data-testid="tag-archive-confirm"
                disabled={busy}
                onClick={() => {
                  setConfirming(false);
                  onArchive();
                }}
              >
                确认归档
              </button>
              <button type="button" className="button button--small" onClick={() => setConfirming(false)}>
                取消
              </button>
            </span>
          ) : (
            <span className="row tag-row__actions">
              <a className="button button--small" href={tagHref(tag.id)} data-testid="tag-edit">
                编辑
              </a>
              {tag.kind === 'dynamic' ? (
                <button
                  type="button"
                  className="button button--small"
                  data-testid="tag-recompute"
                  disabled={busy || isRecomputeActive(tag.recompute)}
                  onClick={onRecompute}
                >
                  重新计算
                </button>
              ) : null}
              <button
                type="button"
                className="button button--small"
                data-testid="tag-archive"
                disabled={busy}
                onClick={() => setConfirming(true)}
              >
                归档
              </button>
            </span>
          )}
        </td>
      ) : null}
    </tr>
  );
}

export function TagLibraryPage({ staff }: { staff: StaffProfile }) {
  const editable = canManageCampaigns(staff);
  const library = useResource('tag-library', tagsApi.library, explainLoad);
  const { names } = useRuleOptions(library.data);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const data = library.data;
  const { state, reload } = library;

  // While a rule is being recomputed, the list follows its progress.
  const computing = !!data?.tags.some((tag) => isRecomputeActive(tag.recompute));
  useEffect(() => {
    if (!computing) return;
    const timer = setInterval(reload, 3_000);
    return () => clearInterval(timer);
  }, [computing, reload]);

  const describe = useMemo(
    () => (tag: TagDefinition) =>
      tag.kind === 'dynamic' && tag.rule
        ? ruleText(tag.rule, names)
        : [tag.description, tag.keywords.length ? `关键词：${tag.keywords.join('、')}` : '']
            .filter(Boolean)
            .join(' · ') || '—',
    [names],
  );

  const sections = useMemo(() => {
    if (!data) return [];
    const known = new Set(data.groups.map((group) => group.id));
    const sections: { group: TagGroup | null; tags: TagDefinition[] }[] = data.groups.map((group) => ({
      group,
      tags: data.tags.filter((tag) => tag.groupId === group.id),
    }));
    const loose = data.tags.filter((tag) => !tag.groupId || !known.has(tag.groupId));
    if (loose.length) sections.push({ group: null, tags: loose });
    return sections;
  }, [data]);

  const run = async (
    id: string,
    what: string,
    action: () => Promise<unknown>,
    context: 'archive' | 'recompute' | 'save',
  ) => {
    setBusyId(id);
    setOutcome(null);
    try {
      await action();
      setOutcome({ kind: 'ok', text: what });
      reload();
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainTagError(reason, context) });
    } finally {
      setBusyId(null);
    }
  };

  return (
    <div className="page tag-library" data-testid="tag-library">
      {!editable ? (
        <p className="readonly-note" role="note" data-testid="tags-readonly">
          只有店长或管理员可以修改标签库和规则；所有员工都可以在侧边栏给客户添加静态标签。 Only managers and admins
          change the library.
        </p>
      ) : null}
      <section className="card" aria-label="标签库 Tag library">
        <div className="day__head">
          <h2 className="card__title">
            标签库 <span className="muted small">Tag library · {data?.tags.length ?? 0}</span>
          </h2>
          <span className="row">
            {editable ? (
              <a className="button button--primary" href={tagHref('new')} data-testid="tag-new-rule">
                ＋ 新建动态标签 New rule tag
              </a>
            ) : null}
            <button type="button" className="link-button" onClick={reload}>
              刷新
            </button>
          </span>
        </div>
        {state.status === 'loading' ? (
          <p className="muted">加载中… Loading</p>
        ) : state.status === 'failed' ? (
          <p className="field-error" role="alert">
            标签库加载失败：{state.message}
          </p>
        ) : !data?.tags.length && !data?.groups.length ? (
          <p className="muted" data-testid="tags-empty">
            标签库还是空的。 The library is empty.
          </p>
        ) : (
          sections.map(({ group, tags }) => (
            <div key={group?.id ?? 'none'} className="tag-section" data-testid="tag-section">
              <div className="tag-section__head">
                <h3 className="tag-section__title">
                  <Swatch colour={group?.colour ?? null} />
                  {group ? group.name : '未分组 Ungrouped'}
                  <span className="muted small"> · {tags.length}</span>
                </h3>
                {group?.description ? <span className="muted small">{group.description}</span> : null}
                {editable && group ? (
                  <button
                    type="button"
                    className="link-button"
                    data-testid="tag-group-delete"
                    disabled={busyId === group.id}
                    onClick={() =>
                      void run(
                        group.id,
                        `已删除分组「${group.name}」，其中的标签移到未分组`,
                        () => tagsApi.deleteGroup(group.id),
                        'save',
                      )
                    }
                  >
                    删除分组
                  </button>
                ) : null}
              </div>
              {tags.length ? (
                <div className="table-wrap">
                  <table className="table">
                    <thead>
                      <tr>
                        <th>标签</th>
                        <th>类型</th>
                        <th>谁可添加</th>
                        <th>规则 / 说明</th>
                        <th>客户数</th>
                        <th>计算</th>
                        {editable ? <th /> : null}
                      </tr>
                    </thead>
                    <tbody>
                      {tags.map((tag) => (
                        <TagRow
                          key={tag.id}
                          tag={tag}
                          editable={editable}
                          describe={describe}
                          busy={busyId === tag.id}
                          onRecompute={() =>
                            void run(
                              tag.id,
                              `「${tag.name}」开始重新计算`,
                              () => tagsApi.recompute(tag.id),
                              'recompute',
                            )
                          }
                          onArchive={() =>
                            void run(
                              tag.id,
                              `已归档「${tag.name}」，并从所有客户移除`,
                              () => tagsApi.archiveTag(tag.id),
                              'archive',
                            )
                          }
                        />
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : (
                <p className="muted small">这个分组还没有标签。</p>
              )}
            </div>
          ))
        )}
        <OutcomeLine outcome={outcome} testId="tags-outcome" />
      </section>
      {editable && data ? (
        <div className="forms">
          <StaticTagForm
            library={data}
            onCreated={(created) => library.patch((current) => ({ ...current, tags: [...current.tags, created] }))}
          />
          <div className="forms__side">
            <GroupForm
              groups={data.groups}
              onCreated={(created) =>
                library.patch((current) => ({ ...current, groups: [...current.groups, created] }))
              }
            />
          </div>
        </div>
      ) : null}
    </div>
  );
}

/** The library (`#tags`) or one tag's page (`#tags/new`, `#tags/<id>`: a fresh page per tag). */
export function TagsPage({ staff, route }: { staff: StaffProfile; route: TagRoute }) {
  // Only managers start a new rule; anyone else asking for one sees the library.
  if (route.kind === 'library' || (route.kind === 'new' && !canManageCampaigns(staff))) {
    return <TagLibraryPage staff={staff} />;
  }
  const id = route.kind === 'tag' ? route.id : null;
  return <TagRuleEditor key={id ?? 'new'} staff={staff} tagId={id} />;
}
