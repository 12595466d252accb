/**
 * Rich text is sanitised on the server with sanitize-html (an allowlist parser built on htmlparser2): only the
 * tags and attributes below survive; everything else is dropped (its text kept, except inside tags whose content
 * is code or markup, which goes with them). Links may be http(s), mailto or tel; images http(s) only (no data:
 * URLs, no protocol-relative URLs). No style or class attributes, so nothing can be hidden or overlaid.
 */
import sanitizeHtml from 'sanitize-html';

const ALLOWED_TAGS = [
  'h1',
  'h2',
  'h3',
  'h4',
  'p',
  'br',
  'hr',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'sub',
  'sup',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'img',
  'figure',
  'figcaption',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
];

/** Tags dropped with everything inside them (their text is code or markup, never prose). */
const DROPPED_WITH_CONTENT = [
  'script',
  'style',
  'textarea',
  'option',
  'noscript',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'svg',
  'math',
  'template',
  'title',
  'xmp',
  'noembed',
  'noframes',
  'plaintext',
  'select',
  'head',
];

/** Size attributes keep only plain numbers (no `100%;position:fixed`, no expressions). */
const NUMERIC_ATTRIBUTES = ['width', 'height', 'colspan', 'rowspan', 'start'];

/**
 * URLs must be absolute and of an allowed scheme, checked on the decoded value (entities and control characters
 * included, so `jav&#x09;ascript:` fails); relative and protocol-relative URLs mean nothing in the mini-program.
 */
const LINK_URL = /^(https?:\/\/[^\s]|mailto:[^\s]|tel:[+\d])/i;
const IMAGE_URL = /^https?:\/\/[^\s]/i;

function keepAttributes(attribs: sanitizeHtml.Attributes): sanitizeHtml.Attributes {
  return Object.fromEntries(
    Object.entries(attribs).filter(([name, value]) => {
      if (NUMERIC_ATTRIBUTES.includes(name)) return /^\d{1,4}$/.test(value);
      if (name === 'href') return LINK_URL.test(value);
      if (name === 'src') return IMAGE_URL.test(value);
      return true;
    }),
  );
}

const checked = (tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => ({
  tagName,
  attribs: keepAttributes(attribs),
});

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'width', 'height'],
    th: ['colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
    ol: ['start'],
  },
  allowedSchemes: ['http', 'https'],
  allowedSchemesByTag: { a: ['http', 'https', 'mailto', 'tel'], img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: DROPPED_WITH_CONTENT,
  enforceHtmlBoundary: false,
  parseStyleAttributes: false,
  transformTags: {
    // Links open outside the page and pass nothing back.
    a: (tagName, attribs) => {
      const kept = keepAttributes(attribs);
      return {
        tagName,
        attribs: kept.href ? { ...kept, rel: 'noopener noreferrer nofollow', target: '_blank' } : kept,
      };
    },
    img: checked,
    th: checked,
    td: checked,
    ol: checked,
  },
  // An image whose src was removed (a script URL, data:) is dropped rather than left empty.
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};
// What transformTags adds still passes the attribute allowlist, so it is listed there.
(OPTIONS.allowedAttributes as Record<string, string[]>).a!.push('rel', 'target');

/** The HTML with only the allowed formatting left. */
export function sanitizeRichText(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

/** The visible text of sanitised HTML (for emptiness checks and reading time). */
export function plainText(html: string): string {
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {}, nonTextTags: DROPPED_WITH_CONTENT })
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Minutes to read: Chinese at about 400 characters a minute, other words at about 200 a minute; at least 1.
 */
export function readingMinutes(html: string): number {
  const text = plainText(html);
  const cjk = (text.match(/[\u3400-\u9fff\uf900-\ufaff]/g) ?? []).length;
  const words = text.replace(/[\u3400-\u9fff\uf900-\ufaff]/g, ' ').match(/[A-Za-z0-9]+/g)?.length ?? 0;
  return Math.max(1, Math.round(cjk / 400 + words / 200));
}
