/**
 * The customer's tags, grouped by where they came from (手动 by whom and when, 规则 which rule, 渠道 which campaign,
 * 关键词 which note). Staff add a tag from the library (or type a new name: the BFF adds it to the library as a static
 * tag) and remove static tags (managers-only tags by managers); rule tags come and go with their rule, and tapping
 * one explains it: the conditions that held, with the events that satisfied them, or the follow-up that is missing.
 * Below, the staff notes on the customer: a saved note may add keyword tags, so the tags are fetched again after it.
 */
import type { Customer360, StaffProfile } from '@careloop/shared';
import { useEffect, useMemo, useState } from 'react';
import type { AttributionLine } from '../campaigns/attribution';
import { formatDateTime } from '../profile/format';
import { checkTagName, TAG_NAME_MAX } from '../profile/tags';
import { useResource, type ResourceController } from '../shell/useResource';
import { groupTagsBySource, isTagManager, tagChoices, type CustomerTagView } from '../tags/customerTags';
import { ruleText, type RuleNames } from '../tags/describe';
import { explainTagError } from '../tags/errors';
import { changeNote, explanationHeadline, explanationLines } from '../tags/explanation';
import { tagsApi } from '../tags/runtime';
import type { CustomerNote, TagExplanation, TagLibrary } from '../tags/types';

const NOTE_MAX = 1000;
const NOTES_SHOWN = 3;

function Explanation({
  customerId,
  tag,
  library,
  names,
  onClose,
}: {
  customerId: string;
  tag: CustomerTagView;
  library: TagLibrary | null;
  names: RuleNames;
  onClose(): void;
}) {
  const [state, setState] = useState<
    { status: 'loading' } | { status: 'ready'; data: TagExplanation } | { status: 'failed'; message: string }
  >({ status: 'loading' });
  const [round, setRound] = useState(0);
  const tagId = tag.tagId;
  useEffect(() => {
    if (!tagId) return;
    let active = true;
    setState({ status: 'loading' });
    tagsApi.explain(customerId, tagId).then(
      (data) => {
        if (active) setState({ status: 'ready', data });
      },
      (reason: unknown) => {
        if (active) setState({ status: 'failed', message: explainTagError(reason, 'load') });
      },
    );
    return () => {
      active = false;
    };
  }, [customerId, tagId, round]);

  const definition = library?.tags.find((item) => item.id === tagId) ?? null;
  const rule = definition?.rule ?? null;
  const data = state.status === 'ready' ? state.data : null;
  const lines = useMemo(() => (data ? explanationLines(data.conditions, rule, names) : []), [data, rule, names]);
  const change = data ? changeNote(data.changesAt) : null;

  return (
    <div className="tag-explain" data-testid="tag-explanation" data-state={state.status} aria-live="polite">
      <div className="tag-explain__head">
        <strong>为什么有「{tag.name}」 Why</strong>
        <button type="button" className="link-button" data-testid="tag-explanation-close" onClick={onClose}>
          收起
        </button>
      </div>
      {rule ? (
        <p className="small tag-explain__rule" data-testid="tag-explanation-rule">
          规则：{ruleText(rule, names)}
        </p>
      ) : null}
      {definition?.description ? <p className="small muted">{definition.description}</p> : null}
      {state.status === 'loading' ? <p className="muted small">正在计算… Evaluating</p> : null}
      {state.status === 'failed' ? (
        <p className="field-error" role="alert">
          无法解释：{state.message}{' '}
          <button type="button" className="link-button" onClick={() => setRound((value) => value + 1)}>
            重试
          </button>
        </p>
      ) : null}
      {data ? (
        <>
          <p className="tag-explain__headline" data-testid="tag-explanation-headline" data-holds={String(data.holds)}>
            {explanationHeadline(data)}
          </p>
          <ol className="tag-explain__conditions">
            {lines.map((line) => (
              <li
                key={line.key}
                className={`tag-explain__line tag-explain__line--${line.holds ? 'holds' : 'fails'}`}
                style={{ marginLeft: `${line.depth * 12}px` }}
                data-testid="explanation-condition"
                data-type={line.type}
                data-holds={String(line.holds)}
                title={line.detail}
              >
                <span className="tag-explain__mark" aria-label={line.holds ? '成立' : '不成立'}>
                  {line.holds ? '✓' : '✗'}
                </span>
                <span className="tag-explain__text">
                  {line.title}
                  {line.found ? <span className="muted"> — {line.found}</span> : null}
                </span>
                {line.events.length ? (
                  <ul className="tag-explain__events">
                    {line.events.map((event, index) => (
                      <li
                        key={`${event.id ?? 'x'}-${index}`}
                        data-testid="explanation-event"
                        data-event-id={event.id ?? ''}
                      >
                        {event.label} · {formatDateTime(event.at)}
                      </li>
                    ))}
                  </ul>
                ) : null}
                {line.missing ? (
                  <p className="tag-explain__missing" data-testid="explanation-missing">
                    缺失：{line.missing}
                  </p>
                ) : null}
              </li>
            ))}
          </ol>
          <p className="muted small">
            计算于 {formatDateTime(data.evaluatedAt)}
            {change ? ` · ${change}` : ''}
          </p>
        </>
      ) : null}
    </div>
  );
}

function Notes({
  customerId,
  notes,
  onTagsChanged,
}: {
  customerId: string;
  notes: ResourceController<CustomerNote[]>;
  onTagsChanged(): void;
}) {
  const [text, setText] = useState('');
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const save = async () => {
    const trimmed = text.trim();
    if (!trimmed) {
      setMessage({ kind: 'error', text: '请输入备注内容 Enter a note' });
      return;
    }
    setSaving(true);
    setMessage(null);
    try {
      const note = await tagsApi.addNote(customerId, trimmed);
      notes.patch((list) => [note, ...list]);
      setText('');
      setMessage({
        kind: 'ok',
        text: note.tagsAdded.length ? `已保存，并自动添加标签：${note.tagsAdded.join('、')}` : '已保存备注 Saved',
      });
      // Keyword rules may have tagged the customer; the note is on the timeline either way.
      onTagsChanged();
    } catch (reason) {
      setMessage({ kind: 'error', text: explainTagError(reason, 'note') });
    } finally {
      setSaving(false);
    }
  };

  const items: CustomerNote[] = notes.data ?? [];
  return (
    <div className="tag-notes" data-testid="notes">
      <h3 className="tag-notes__title">
        备注 <span className="muted small">Notes · 关键词会自动打标签</span>
      </h3>
      <textarea
        className="input tag-notes__input"
        data-testid="note-input"
        rows={2}
        maxLength={NOTE_MAX}
        placeholder="如：想了解种植牙，下周再联系"
        value={text}
        readOnly={saving}
        onChange={(event) => {
          setText(event.target.value);
          setMessage(null);
        }}
      />
      <div className="row row--end">
        <button
          type="button"
          className="button button--small button--primary"
          data-testid="note-save"
          disabled={saving}
          onClick={() => void save()}
        >
          {saving ? '保存中…' : '保存备注'}
        </button>
      </div>
      {message ? (
        <p
          className={message.kind === 'ok' ? 'small tag-notes__ok' : 'field-error'}
          role={message.kind === 'ok' ? 'status' : 'alert'}
          data-testid="note-result"
          data-state={message.kind}
        >
          {message.text}
        </p>
      ) : null}
      {notes.state.status === 'failed' ? <p className="field-error">备注加载失败：{notes.state.message}</p> : null}
      {items.length ? (
        <ul className="tag-notes__list">
          {items.slice(0, NOTES_SHOWN).map((note) => (
            <li key={note.id} data-testid="note-item">
              <span>{note.text}</span>
              <span className="muted small">
                {' '}
                — {note.staff.name ?? '员工'} · {formatDateTime(note.createdAt)}
                {note.tagsAdded.length ? ` · 标签：${note.tagsAdded.join('、')}` : ''}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function TagList({
  tags,
  onAdd,
  onRemove,
  customerId = null,
  staff = null,
  attribution = [],
  onTagsChanged,
}: {
  tags: Customer360['tags'];
  /** Resolves true when the tag was added. */
  onAdd(name: string): Promise<boolean>;
  onRemove(name: string): Promise<boolean>;
  /** The customer (explanations and notes); without it the list shows the tags alone. */
  customerId?: string | null;
  staff?: Pick<StaffProfile, 'id' | 'roles'> | null;
  /** The campaigns that brought the customer (which campaign a channel tag came from). */
  attribution?: readonly AttributionLine[];
  /** Tags may have changed on the server (a note's keywords): fetch them again. */
  onTagsChanged?(): void;
}) {
  const library = useResource('tag-library', tagsApi.library, (reason) => explainTagError(reason, 'load'));
  const notes = useResource(
    customerId ? `notes:${customerId}` : null,
    () => tagsApi.notes(customerId!),
    (reason) => explainTagError(reason, 'load'),
  );
  const [draft, setDraft] = useState('');
  const [hint, setHint] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  const roles = useMemo(() => staff?.roles ?? [], [staff]);
  const groups = useMemo(
    () => groupTagsBySource(tags, { library: library.data, notes: notes.data, attribution, roles }),
    [tags, library.data, notes.data, attribution, roles],
  );
  const views = groups.flatMap((group) => group.tags);
  const shown = views.find((tag) => tag.name === selected) ?? null;
  const choices = useMemo(
    () =>
      tagChoices(
        library.data,
        tags.map((tag) => tag.name),
        roles,
      ),
    [library.data, tags, roles],
  );
  const names: RuleNames = useMemo(() => {
    const byId = new Map((library.data?.tags ?? []).map((tag) => [tag.id, tag.name]));
    return { tag: (id) => byId.get(id) ?? null };
  }, [library.data]);

  const add = (input: string) => {
    const check = checkTagName(
      input,
      tags.map((tag) => tag.name),
    );
    if (!check.ok) {
      setHint(check.message);
      return;
    }
    const definition = library.data?.tags.find((tag) => tag.name === check.name);
    if (definition?.kind === 'dynamic') {
      setHint(`「${check.name}」是规则标签，由规则自动添加 (Rule tags are set by their rule)`);
      return;
    }
    if (definition?.applyBy === 'managers' && !isTagManager(roles)) {
      setHint(`「${check.name}」只有店长或管理员可以添加 (Managers only)`);
      return;
    }
    setHint(null);
    setAdding(true);
    void onAdd(check.name).then((added) => {
      setAdding(false);
      if (added) setDraft('');
    });
  };

  return (
    <section className="card tags-card" aria-label="标签 Tags">
      <h2 className="card__title">
        标签 <span className="muted small">Tags · {tags.length}</span>
      </h2>
      {groups.length ? (
        groups.map((group) => (
          <div key={group.source} className="tag-source" data-testid="tag-source-group" data-source={group.source}>
            <h3 className="tag-source__title">{group.title}</h3>
            <ul className="tags">
              {group.tags.map((tag) => (
                <li
                  key={tag.name}
                  className={`tag tag--${tag.source}${tag.name === selected ? ' tag--selected' : ''}`}
                  data-testid="tag-chip"
                  data-source={tag.source}
                  data-kind={tag.kind}
                  title={tag.provenance}
                  style={tag.colour ? { borderLeft: `3px solid ${tag.colour}` } : undefined}
                >
                  <button
                    type="button"
                    className="tag__name"
                    aria-pressed={tag.name === selected}
                    aria-label={tag.name}
                    onClick={() => setSelected((current) => (current === tag.name ? null : tag.name))}
                  >
                    {tag.name}
                    {tag.explainable ? (
                      <span className="tag__why" aria-hidden="true">
                        {' '}
                        ?
                      </span>
                    ) : null}
                  </button>
                  {tag.removable ? (
                    <button
                      type="button"
                      className="tag__remove"
                      data-testid="tag-remove"
                      aria-label={`移除标签 ${tag.name}`}
                      disabled={removing === tag.name}
                      onClick={() => {
                        setRemoving(tag.name);
                        void onRemove(tag.name).then(() => setRemoving(null));
                      }}
                    />
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        ))
      ) : (
        <p className="muted small">暂无标签 No tags yet</p>
      )}
      {shown ? (
        <p className="tag-provenance small muted" data-testid="tag-provenance">
          「{shown.name}」{shown.provenance}
        </p>
      ) : null}
      {shown?.explainable && customerId ? (
        <Explanation
          key={shown.name}
          customerId={customerId}
          tag={shown}
          library={library.data}
          names={names}
          onClose={() => setSelected(null)}
        />
      ) : null}
      <div className="tag-add">
        {choices.length ? (
          <select
            className="input tag-add__library"
            data-testid="tag-library-select"
            aria-label="从标签库添加 Add from the library"
            value=""
            disabled={adding}
            onChange={(event) => {
              if (event.target.value) add(event.target.value);
            }}
          >
            <option value="">从标签库选择… Library</option>
            {choices.map((group) => (
              <optgroup key={group.label} label={group.label}>
                {group.tags.map((tag) => (
                  <option key={tag.name} value={tag.name} title={tag.description}>
                    {tag.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        ) : null}
        <input
          className="input tag-input"
          data-testid="tag-input"
          placeholder="或输入新标签，回车确认 New tag + Enter"
          enterKeyHint="done"
          maxLength={TAG_NAME_MAX + 10}
          value={draft}
          readOnly={adding}
          aria-busy={adding}
          onChange={(event) => {
            setDraft(event.target.value);
            setHint(null);
          }}
          onKeyDown={(event) => {
            // Enter while an IME is composing picks the candidate; it must not add the half-typed tag.
            if (event.key === 'Enter' && !event.nativeEvent.isComposing && !adding) {
              event.preventDefault();
              add(draft);
            }
          }}
        />
      </div>
      {hint ? (
        <p className="field-error" role="alert">
          {hint}
        </p>
      ) : null}
      {library.state.status === 'failed' ? (
        <p className="muted small">标签库暂时无法加载：{library.state.message}</p>
      ) : null}
      {customerId ? <Notes customerId={customerId} notes={notes} onTagsChanged={() => onTagsChanged?.()} /> : null}
    </section>
  );
}
