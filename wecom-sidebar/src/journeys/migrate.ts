/**
 * The step map of a migration between versions as a manager types it: one `old=new` (or `old→new`) per line.
 */
const STEP_MAP_LINE = /^\s*([A-Za-z][A-Za-z0-9_-]{0,39})\s*(=|→|->)\s*([A-Za-z][A-Za-z0-9_-]{0,39})\s*$/;

/** `old=new` lines → a step map (blank lines skipped); the first bad line's number otherwise. */
export function readStepMap(text: string): { map: Record<string, string> } | { badLine: number } {
  const map: Record<string, string> = {};
  for (const [index, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const match = STEP_MAP_LINE.exec(line);
    if (!match) return { badLine: index + 1 };
    map[match[1]!] = match[3]!;
  }
  return { map };
}
