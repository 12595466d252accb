/** The customer's tags: each with its source and who set it; add one by typing and Enter, remove with ×. */
import type { Customer360 } from '@careloop/shared';
import { useState } from 'react';
import { TAG_SOURCE_LABELS, tagProvenance } from '../profile/profileView';
import { canRemoveTag, checkTagName, TAG_NAME_MAX } from '../profile/tags';

export function TagList({
  tags,
  onAdd,
  onRemove,
}: {
  tags: Customer360['tags'];
  /** Resolves true when the tag was added. */
  onAdd(name: string): Promise<boolean>;
  onRemove(name: string): Promise<boolean>;
}) {
  const [draft, setDraft] = useState('');
  const [hint, setHint] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const shown = tags.find((tag) => tag.name === selected) ?? null;

  const add = () => {
    const check = checkTagName(
      draft,
      tags.map((tag) => tag.name),
    );
    if (!check.ok) {
      setHint(check.message);
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
      {tags.length ? (
        <ul className="tags">
          {tags.map((tag) => (
            <li
              key={tag.name}
              className={`tag tag--${tag.source}${tag.name === selected ? ' tag--selected' : ''}`}
              data-testid="tag-chip"
              data-source={tag.source}
              title={tagProvenance(tag)}
            >
              <button
                type="button"
                className="tag__name"
                aria-pressed={tag.name === selected}
                onClick={() => setSelected((current) => (current === tag.name ? null : tag.name))}
              >
                {tag.name}
              </button>
              <span className="tag__source">{TAG_SOURCE_LABELS[tag.source] ?? tag.source}</span>
              {canRemoveTag(tag) ? (
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
      ) : (
        <p className="muted small">暂无标签 No tags yet</p>
      )}
      {shown ? (
        <p className="tag-provenance small muted" data-testid="tag-provenance">
          「{shown.name}」{tagProvenance(shown)}
        </p>
      ) : null}
      <input
        className="input tag-input"
        data-testid="tag-input"
        placeholder="添加标签，回车确认 Add a tag + Enter"
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
            add();
          }
        }}
      />
      {hint ? (
        <p className="field-error" role="alert">
          {hint}
        </p>
      ) : null}
    </section>
  );
}
