/** Tag names as staff type them, checked the way the BFF checks them (`TagName` in `@careloop/shared`). */

export const TAG_NAME_MAX = 20;
const TAG_NAME = /^[^\s/]+( [^\s/]+)*$/;

export type TagNameCheck = { ok: true; name: string } | { ok: false; message: string };

/** Trims and folds runs of whitespace into one space; refuses empty, too long and slashes. */
export function checkTagName(input: string, existing: readonly string[] = []): TagNameCheck {
  const name = input.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (!name) return { ok: false, message: '请输入标签名 Enter a tag' };
  if ([...name].length > TAG_NAME_MAX)
    return { ok: false, message: `标签最多 ${TAG_NAME_MAX} 个字 (at most ${TAG_NAME_MAX})` };
  if (!TAG_NAME.test(name)) return { ok: false, message: '标签不能包含 “/” No slashes' };
  if (existing.includes(name)) return { ok: false, message: `已有标签「${name}」 Already tagged` };
  return { ok: true, name };
}

/** Rule tags are applied and removed by their rule: removing one by hand would not last. */
export function canRemoveTag(tag: { source: string }): boolean {
  return tag.source !== 'rule';
}
