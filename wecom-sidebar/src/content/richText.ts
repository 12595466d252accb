/**
 * The article editor's rules, without the DOM: the toolbar's commands, links and image addresses checked before they
 * are inserted, and the HTML a contenteditable produces tidied into the tags the server keeps (headings, paragraphs,
 * lists, links, bold/italic, images, quotes). The server sanitises whatever it receives; this only keeps the editor's
 * output plain and predictable (no <div>, <span style>, <b>/<i>, empty paragraphs).
 */

export type ToolbarCommand =
  | { id: string; label: string; title: string; kind: 'block'; tag: 'h2' | 'h3' | 'p' | 'blockquote' }
  | { id: string; label: string; title: string; kind: 'inline'; command: 'bold' | 'italic' | 'removeFormat' }
  | { id: string; label: string; title: string; kind: 'list'; command: 'insertUnorderedList' | 'insertOrderedList' }
  | { id: string; label: string; title: string; kind: 'insert'; what: 'link' | 'image' };

export const TOOLBAR: readonly ToolbarCommand[] = [
  { id: 'h2', label: 'H2', title: '大标题 Heading', kind: 'block', tag: 'h2' },
  { id: 'h3', label: 'H3', title: '小标题 Subheading', kind: 'block', tag: 'h3' },
  { id: 'p', label: '¶', title: '正文段落 Paragraph', kind: 'block', tag: 'p' },
  { id: 'bold', label: 'B', title: '加粗 Bold', kind: 'inline', command: 'bold' },
  { id: 'italic', label: 'I', title: '斜体 Italic', kind: 'inline', command: 'italic' },
  { id: 'ul', label: '• 列表', title: '无序列表 Bulleted list', kind: 'list', command: 'insertUnorderedList' },
  { id: 'ol', label: '1. 列表', title: '有序列表 Numbered list', kind: 'list', command: 'insertOrderedList' },
  { id: 'quote', label: '❝', title: '引用 Quote', kind: 'block', tag: 'blockquote' },
  { id: 'link', label: '链接', title: '插入链接 Link', kind: 'insert', what: 'link' },
  { id: 'image', label: '图片', title: '插入图片（网址） Image by URL', kind: 'insert', what: 'image' },
  { id: 'clear', label: '清除格式', title: '清除格式 Clear formatting', kind: 'inline', command: 'removeFormat' },
];

export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

/** A link's address: http(s) only (the server drops javascript:, data: and the like anyway). */
export function checkLinkUrl(input: string): UrlCheck {
  const value = input.trim();
  if (!value) return { ok: false, message: '请输入链接地址 Enter the address' };
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `https://${value}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return { ok: false, message: '只能链接到 http(s) 网址 Only http(s) links' };
    }
    if (!url.hostname.includes('.') && url.hostname !== 'localhost') {
      return { ok: false, message: '链接地址不完整 Not a full address' };
    }
    return { ok: true, url: url.toString() };
  } catch {
    return { ok: false, message: '链接地址无效 Not a valid address' };
  }
}

/** An image's address: a full http(s) URL (images are inserted by URL, not uploaded). */
export function checkImageUrl(input: string): UrlCheck {
  const value = input.trim();
  if (!value) return { ok: false, message: '请输入图片地址 Enter the image URL' };
  if (!/^https?:\/\//i.test(value)) return { ok: false, message: '请填写 http(s) 开头的图片地址 Use an http(s) URL' };
  return checkLinkUrl(value);
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The HTML inserted for an image: a block of its own, with its description as the alt text. */
export function imageHtml(url: string, alt: string): string {
  return `<p><img src="${escapeHtml(url)}" alt="${escapeHtml(alt.trim())}"></p>`;
}

/** The HTML inserted for a link over no selected text: the address is its text. */
export function linkHtml(url: string, text?: string): string {
  return `<a href="${escapeHtml(url)}">${escapeHtml(text?.trim() || url)}</a>`;
}

const RENAMES: Record<string, string> = { div: 'p', b: 'strong', i: 'em' };

/**
 * Tidies what the contenteditable holds: <div> lines become paragraphs, <b>/<i> become <strong>/<em>, style, class
 * and data attributes and <span>/<font> wrappers go, `&nbsp;` becomes a space, and empty paragraphs at the start and
 * end are dropped. An editor holding nothing but line breaks gives ''.
 */
export function cleanEditorHtml(html: string): string {
  let out = html
    .replace(/<(\/?)(div|b|i)(\s[^>]*)?>/gi, (_match, slash: string, tag: string, attrs = '') =>
      slash ? `</${RENAMES[tag.toLowerCase()]}>` : `<${RENAMES[tag.toLowerCase()]}${attrs}>`,
    )
    .replace(/<\/?(span|font)(\s[^>]*)?>/gi, '')
    .replace(/\s(style|class|data-[\w-]+|contenteditable|dir)=("[^"]*"|'[^']*'|[^\s>]*)/gi, '')
    .replace(/&nbsp;/g, ' ');
  // Paragraphs nested by the <div> rename (<p><p>…</p></p>) flatten into one.
  out = out.replace(/<p>\s*<p>/gi, '<p>').replace(/<\/p>\s*<\/p>/gi, '</p>');
  const empty = /^(\s|<br\s*\/?>|<p>(\s|<br\s*\/?>)*<\/p>)+|(\s|<br\s*\/?>|<p>(\s|<br\s*\/?>)*<\/p>)+$/gi;
  out = out.replace(empty, '');
  return out.trim();
}

/** The text a reader sees, for counting and for checking that an article says something. */
export function plainTextOf(html: string): string {
  return html
    .replace(/<(br|\/p|\/h[1-6]|\/li|\/blockquote)\s*\/?>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether the body has anything to read: text, or at least an image. */
export function hasBody(html: string): boolean {
  return plainTextOf(html).length > 0 || /<img\s/i.test(html);
}
