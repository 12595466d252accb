/**
 * The small XML WeCom's callbacks use: one `<xml>` root whose elements hold CDATA or plain text (a few events nest
 * one level, e.g. `<SendPicsInfo><Count>`). Only leaf elements are read, by name; no DTDs or entities beyond the
 * five predefined ones, so nothing external is ever resolved.
 */

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeText(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return ENTITIES[entity]!;
  });
}

/**
 * The leaf elements of a WeCom XML message as name → text (the first occurrence of a name wins). Null when the
 * text is not an `<xml>` document or declares a DTD.
 */
export function parseWecomXml(xml: string): Record<string, string> | null {
  const trimmed = xml.trim();
  if (/<!DOCTYPE|<!ENTITY/i.test(trimmed)) return null;
  const root = /^(?:<\?xml[^>]*\?>\s*)?<xml>([\s\S]*)<\/xml>$/.exec(trimmed);
  if (!root) return null;
  // A Map, then fromEntries: a `__proto__` element becomes an own property, never the prototype.
  const fields = new Map<string, string>();
  // Text, or CDATA sections (a `]]>` in the value splits it into several sections).
  const leaf = /<([A-Za-z_][\w.-]*)>((?:\s*<!\[CDATA\[[\s\S]*?\]\]>)+\s*|[^<]*)<\/\1>/g;
  for (const match of root[1]!.matchAll(leaf)) {
    const name = match[1]!;
    const content = match[2]!;
    if (fields.has(name)) continue;
    const sections = [...content.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)].map((section) => section[1]!);
    fields.set(name, sections.length ? sections.join('') : decodeText(content).trim());
  }
  return Object.fromEntries(fields);
}

const cdata = (value: string) => `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

/** Writes a flat WeCom XML message; numbers are written plain, strings as CDATA (as WeCom writes them). */
export function buildWecomXml(fields: Record<string, string | number>): string {
  const body = Object.entries(fields)
    .map(([name, value]) => `<${name}>${typeof value === 'number' ? String(value) : cdata(value)}</${name}>`)
    .join('');
  return `<xml>${body}</xml>`;
}
