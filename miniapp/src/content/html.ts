/**
 * The article body for Taro's RichText. The server sends sanitised HTML with no style or class attributes (only
 * headings, paragraphs, lists, links, images, quotes and tables). WeChat's rich-text does not apply the page's tag
 * selectors to its nodes, so the look goes inline: each allowed tag's opening gets a style, the same in both
 * builds. Text never contains a raw `<` (the sanitiser escapes it), so tag openings are all that is matched.
 */
const STYLES: Record<string, string> = {
  h1: 'font-size:22px;font-weight:700;line-height:1.4;margin:20px 0 10px;',
  h2: 'font-size:19px;font-weight:700;line-height:1.4;margin:18px 0 8px;',
  h3: 'font-size:17px;font-weight:600;line-height:1.4;margin:16px 0 6px;',
  h4: 'font-size:16px;font-weight:600;line-height:1.4;margin:14px 0 6px;',
  p: 'margin:0 0 12px;line-height:1.75;',
  ul: 'margin:0 0 12px;padding-left:22px;line-height:1.75;',
  ol: 'margin:0 0 12px;padding-left:22px;line-height:1.75;',
  li: 'margin:4px 0;',
  blockquote: 'margin:0 0 12px;padding:8px 12px;border-left:3px solid #99d5cc;background:#f3faf9;color:#555555;',
  img: 'display:block;max-width:100%;height:auto;margin:12px auto;border-radius:6px;',
  figure: 'margin:12px 0;',
  figcaption: 'font-size:13px;color:#8c8c8c;text-align:center;',
  a: 'color:#0f766e;text-decoration:underline;',
  table: 'width:100%;border-collapse:collapse;margin:0 0 12px;font-size:14px;',
  th: 'border:1px solid #e5e5e5;padding:6px;background:#fafafa;',
  td: 'border:1px solid #e5e5e5;padding:6px;',
  hr: 'border:none;border-top:1px solid #e5e5e5;margin:16px 0;',
};

const OPENING = /<([a-z][a-z0-9]*)(\s[^<>]*?)?(\/?)>/gi;

export function styleRichText(html: string): string {
  return html.replace(OPENING, (whole, name: string, attributes: string | undefined, selfClosing: string) => {
    const style = STYLES[name.toLowerCase()];
    if (!style) return whole;
    const rest = (attributes ?? '').replace(/\s+style\s*=\s*("[^"]*"|'[^']*')/gi, '');
    return `<${name}${rest} style="${style}"${selfClosing}>`;
  });
}
