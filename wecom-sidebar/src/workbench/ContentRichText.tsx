/**
 * The article body editor: a contenteditable with a small toolbar (headings, paragraph, bold, italic, lists, quote,
 * link, image by URL, clear formatting) over the browser's editing commands. Links and images are asked for in a
 * line under the toolbar (no prompt dialogs), checked, and inserted where the cursor was. The HTML goes to the parent
 * as typed; the form tidies it and the server sanitises it.
 */
import { useEffect, useRef, useState } from 'react';
import { FieldError } from '../shell/Field';
import {
  checkImageUrl,
  checkLinkUrl,
  imageHtml,
  linkHtml,
  plainTextOf,
  TOOLBAR,
  type ToolbarCommand,
} from '../content/richText';

type Asking = { what: 'link' | 'image'; url: string; text: string; error?: string } | null;

/** The browser's editing commands (deprecated, yet the one small way that works in every browser WeCom embeds). */
function exec(command: string, value?: string) {
  document.execCommand(command, false, value);
}

export function ContentRichText({
  value,
  onChange,
  resetKey,
  error,
  disabled,
}: {
  value: string;
  onChange(html: string): void;
  /** A new key loads `value` into the editor afresh (another item or version); typing never does. */
  resetKey: string;
  error?: string | undefined;
  disabled?: boolean;
}) {
  const editor = useRef<HTMLDivElement>(null);
  const saved = useRef<Range | null>(null);
  const [asking, setAsking] = useState<Asking>(null);
  const initial = useRef(value);
  initial.current = value;

  useEffect(() => {
    if (editor.current) editor.current.innerHTML = initial.current;
  }, [resetKey]);

  const report = () => {
    if (editor.current) onChange(editor.current.innerHTML);
  };

  /** The selection, when it is inside the editor. */
  const selectionInEditor = (): Range | null => {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || !editor.current) return null;
    const range = selection.getRangeAt(0);
    return editor.current.contains(range.commonAncestorContainer) ? range : null;
  };

  const restoreSelection = () => {
    editor.current?.focus();
    const range = saved.current;
    const selection = window.getSelection();
    if (range && selection) {
      selection.removeAllRanges();
      selection.addRange(range);
    } else if (editor.current && selection) {
      // No cursor was placed: insert at the end.
      const end = document.createRange();
      end.selectNodeContents(editor.current);
      end.collapse(false);
      selection.removeAllRanges();
      selection.addRange(end);
    }
  };

  const run = (tool: ToolbarCommand) => {
    if (disabled) return;
    if (tool.kind === 'insert') {
      saved.current = selectionInEditor()?.cloneRange() ?? null;
      const selected = saved.current?.toString() ?? '';
      setAsking({ what: tool.what, url: '', text: selected });
      return;
    }
    if (!selectionInEditor()) restoreSelection();
    exec('defaultParagraphSeparator', 'p');
    if (tool.kind === 'block') exec('formatBlock', `<${tool.tag}>`);
    else exec(tool.command);
    report();
  };

  const insert = () => {
    if (!asking) return;
    const checked = asking.what === 'link' ? checkLinkUrl(asking.url) : checkImageUrl(asking.url);
    if (!checked.ok) {
      setAsking({ ...asking, error: checked.message });
      return;
    }
    restoreSelection();
    const hasSelection = !!saved.current && !saved.current.collapsed;
    if (asking.what === 'link' && hasSelection) exec('createLink', checked.url);
    else if (asking.what === 'link') exec('insertHTML', linkHtml(checked.url, asking.text));
    else exec('insertHTML', imageHtml(checked.url, asking.text));
    saved.current = null;
    setAsking(null);
    report();
  };

  const characters = plainTextOf(value).length;

  return (
    <div className={`rte${error ? ' rte--invalid' : ''}`} data-testid="content-body">
      <div className="rte__toolbar" role="toolbar" aria-label="正文格式 Formatting">
        {TOOLBAR.map((tool) => (
          <button
            key={tool.id}
            type="button"
            className={`rte__tool rte__tool--${tool.id}`}
            title={tool.title}
            aria-label={tool.title}
            data-testid={`content-tool-${tool.id}`}
            disabled={disabled}
            // Keeps the cursor in the editor: the command applies to the selection.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => run(tool)}
          >
            {tool.label}
          </button>
        ))}
        <span className="rte__count muted small">{characters} 字</span>
      </div>
      {asking ? (
        <div className="rte__ask" role="group" aria-label={asking.what === 'link' ? '插入链接' : '插入图片'}>
          <input
            className="input"
            data-testid={`content-${asking.what}-url`}
            placeholder={asking.what === 'link' ? '链接地址 https://…' : '图片地址 https://…'}
            inputMode="url"
            autoFocus
            value={asking.url}
            onChange={(event) => setAsking({ ...asking, url: event.target.value, error: undefined })}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                insert();
              }
            }}
          />
          <input
            className="input"
            data-testid={`content-${asking.what}-text`}
            placeholder={asking.what === 'link' ? '链接文字（可选）' : '图片说明（可选）'}
            value={asking.text}
            onChange={(event) => setAsking({ ...asking, text: event.target.value })}
          />
          <button
            type="button"
            className="button button--small button--primary"
            data-testid={`content-${asking.what}-insert`}
            onClick={insert}
          >
            插入
          </button>
          <button type="button" className="button button--small" onClick={() => setAsking(null)}>
            取消
          </button>
          <FieldError message={asking.error} />
        </div>
      ) : null}
      <div
        ref={editor}
        className="rte__editor article-body"
        contentEditable={!disabled}
        suppressContentEditableWarning
        role="textbox"
        aria-multiline="true"
        aria-label="正文 Body"
        data-testid="content-body-editor"
        data-placeholder="在这里写正文：用工具栏设置标题、列表、链接和图片。"
        onInput={report}
        onBlur={report}
        onFocus={() => exec('defaultParagraphSeparator', 'p')}
      />
      <FieldError message={error} />
    </div>
  );
}
