/**
 * The survey questions builder: a question as the editor holds it (options one per line, limits as text), turned into
 * the SurveyQuestion the API takes (shared/src/meetings.ts) with the same rules, and the row operations the editor
 * offers (add with the next free id, move, remove) for questions as for agenda and speaker rows.
 */
import type { SurveyQuestion, SurveyQuestionKind } from './types';

export const SURVEY_LIMITS = { text: 200, option: 60, minOptions: 2, maxOptions: 20, maxLength: 2000 } as const;

export interface QuestionDraft {
  id: string;
  kind: SurveyQuestionKind;
  text: string;
  required: boolean;
  /** One option per line (single / multiple). */
  options: string;
  /** multiple: '' for no limit. */
  maxChoices: string;
  /** text: the longest answer. */
  maxLength: string;
}

const ID = /^[A-Za-z0-9_-]{1,20}$/;

/** The first `q<n>` no question has yet. */
export function nextQuestionId(existing: readonly { id: string }[]): string {
  const taken = new Set(existing.map((question) => question.id.trim()));
  for (let n = existing.length + 1; ; n += 1) if (!taken.has(`q${n}`)) return `q${n}`;
}

export function newQuestion(kind: SurveyQuestionKind, existing: readonly { id: string }[]): QuestionDraft {
  return {
    id: nextQuestionId(existing),
    kind,
    text: '',
    required: true,
    options: kind === 'single' || kind === 'multiple' ? '\n' : '',
    maxChoices: '',
    maxLength: '500',
  };
}

export function questionToDraft(question: SurveyQuestion): QuestionDraft {
  return {
    id: question.id,
    kind: question.kind,
    text: question.text,
    required: question.required,
    options: 'options' in question ? question.options.join('\n') : '',
    maxChoices: question.kind === 'multiple' && question.maxChoices !== null ? String(question.maxChoices) : '',
    maxLength: question.kind === 'text' ? String(question.maxLength) : '500',
  };
}

/** The options typed one per line: trimmed, blank lines dropped. */
export function parseOptions(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

const length = (value: string) => [...value].length;

/** The question the API takes, or the errors by field (`id`, `text`, `options`, `maxChoices`, `maxLength`). */
export function questionFromDraft(draft: QuestionDraft): {
  question: SurveyQuestion | null;
  errors: Partial<Record<'id' | 'text' | 'options' | 'maxChoices' | 'maxLength', string>>;
} {
  const errors: Partial<Record<'id' | 'text' | 'options' | 'maxChoices' | 'maxLength', string>> = {};
  const id = draft.id.trim();
  if (!ID.test(id)) errors.id = '题号为 1–20 个字母、数字、_ 或 -';
  const text = draft.text.trim();
  if (!text) errors.text = '请填写题目 Enter the question';
  else if (length(text) > SURVEY_LIMITS.text) errors.text = `题目最多 ${SURVEY_LIMITS.text} 个字`;
  const base = { id, text, required: draft.required };

  let question: SurveyQuestion | null = null;
  if (draft.kind === 'single' || draft.kind === 'multiple') {
    const options = parseOptions(draft.options);
    if (options.length < SURVEY_LIMITS.minOptions || options.length > SURVEY_LIMITS.maxOptions) {
      errors.options = `每行一个选项，${SURVEY_LIMITS.minOptions}–${SURVEY_LIMITS.maxOptions} 个`;
    } else if (options.some((option) => length(option) > SURVEY_LIMITS.option)) {
      errors.options = `每个选项最多 ${SURVEY_LIMITS.option} 个字`;
    } else if (new Set(options).size !== options.length) {
      errors.options = '选项不能重复 Options must differ';
    }
    if (draft.kind === 'single') {
      question = { ...base, kind: 'single', options };
    } else {
      const raw = draft.maxChoices.trim();
      const maxChoices = raw ? Number(raw) : null;
      if (maxChoices !== null && (!Number.isInteger(maxChoices) || maxChoices < 1 || maxChoices > options.length)) {
        errors.maxChoices = `最多可选 1–${Math.max(1, options.length)} 项，空为不限`;
      }
      question = { ...base, kind: 'multiple', options, maxChoices };
    }
  } else if (draft.kind === 'rating') {
    question = { ...base, kind: 'rating' };
  } else {
    const maxLength = Number(draft.maxLength.trim() || '500');
    if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > SURVEY_LIMITS.maxLength) {
      errors.maxLength = `字数上限 1–${SURVEY_LIMITS.maxLength}`;
    }
    question = { ...base, kind: 'text', maxLength };
  }
  return { question: Object.keys(errors).length ? null : question, errors };
}

/** The list with the item at `index` moved by `delta` (−1 up, +1 down); unchanged at the ends. */
export function moveItem<T>(items: readonly T[], index: number, delta: number): T[] {
  const target = index + delta;
  if (index < 0 || index >= items.length || target < 0 || target >= items.length) return [...items];
  const next = [...items];
  const [item] = next.splice(index, 1);
  next.splice(target, 0, item!);
  return next;
}

export function removeItem<T>(items: readonly T[], index: number): T[] {
  return items.filter((_, position) => position !== index);
}

export function replaceItem<T>(items: readonly T[], index: number, change: Partial<T>): T[] {
  return items.map((item, position) => (position === index ? { ...item, ...change } : item));
}
