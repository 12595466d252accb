/**
 * The post-meeting survey form as plain TypeScript: the answers being given, the same checks the server makes
 * (required questions, options, at most `maxChoices`, ratings 1–5, text length) said in Chinese per question, and
 * the request to send (texts trimmed, unanswered optional questions left out).
 */
import { ApiError } from '@careloop/shared/client';
import type { SurveyAnswer, SurveyQuestion } from './types';

export type SurveyAnswers = Record<string, SurveyAnswer | undefined>;

function isEmpty(value: SurveyAnswer | undefined): boolean {
  return (
    value === undefined ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  );
}

function length(text: string): number {
  return [...text].length;
}

/** Picks an option of a single-choice question, or sets a rating. */
export function choose(answers: SurveyAnswers, questionId: string, value: number): SurveyAnswers {
  return { ...answers, [questionId]: value };
}

/**
 * Ticks or unticks an option of a multiple-choice question. Ticking beyond `maxChoices` changes nothing (the page
 * says why); the options stay in order.
 */
export function toggle(answers: SurveyAnswers, question: SurveyQuestion, index: number): SurveyAnswers {
  if (question.kind !== 'multiple') return answers;
  const current = Array.isArray(answers[question.id]) ? (answers[question.id] as number[]) : [];
  if (current.includes(index)) return { ...answers, [question.id]: current.filter((i) => i !== index) };
  if (question.maxChoices && current.length >= question.maxChoices) return answers;
  return { ...answers, [question.id]: [...current, index].sort((a, b) => a - b) };
}

export function write(answers: SurveyAnswers, questionId: string, text: string): SurveyAnswers {
  return { ...answers, [questionId]: text };
}

/** What is wrong with each answer, by question id; empty when the form can be sent. */
export function surveyIssues(questions: readonly SurveyQuestion[], answers: SurveyAnswers): Record<string, string> {
  const issues: Record<string, string> = {};
  for (const question of questions) {
    const value = answers[question.id];
    if (isEmpty(value)) {
      if (question.required) issues[question.id] = question.kind === 'text' ? '请填写此题' : '请回答此题';
      continue;
    }
    switch (question.kind) {
      case 'single':
        if (typeof value !== 'number' || value < 0 || value >= question.options.length)
          issues[question.id] = '请选择一项';
        break;
      case 'multiple':
        if (!Array.isArray(value) || value.some((i) => i < 0 || i >= question.options.length)) {
          issues[question.id] = '请选择选项';
        } else if (question.maxChoices && value.length > question.maxChoices) {
          issues[question.id] = `最多选择 ${question.maxChoices} 项`;
        }
        break;
      case 'rating':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 5) {
          issues[question.id] = '请选择 1–5 分';
        }
        break;
      case 'text':
        if (typeof value !== 'string') issues[question.id] = '请填写文字';
        else if (length(value.trim()) > question.maxLength) issues[question.id] = `最多 ${question.maxLength} 字`;
        break;
    }
  }
  return issues;
}

/** The answers to send: texts trimmed, empty optional answers left out, unknown questions dropped. */
export function answersToSend(
  questions: readonly SurveyQuestion[],
  answers: SurveyAnswers,
): Record<string, SurveyAnswer> {
  const out: Record<string, SurveyAnswer> = {};
  for (const question of questions) {
    const value = answers[question.id];
    if (isEmpty(value)) continue;
    out[question.id] = typeof value === 'string' ? value.trim() : (value as SurveyAnswer);
  }
  return out;
}

/** The hint under a question: "（选填）", "最多选 2 项", "最多 500 字". */
export function questionHint(question: SurveyQuestion): string {
  const parts: string[] = [];
  if (!question.required) parts.push('选填');
  if (question.kind === 'multiple')
    parts.push(question.maxChoices ? `可多选，最多 ${question.maxChoices} 项` : '可多选');
  if (question.kind === 'text') parts.push(`最多 ${question.maxLength} 字`);
  return parts.join(' · ');
}

const RATING_WORDS = ['', '很不满意', '不满意', '一般', '满意', '非常满意'];

export function ratingText(value: number): string {
  return RATING_WORDS[value] ?? '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * The server's per-question reasons of a VALIDATION_FAILED answer (`answers.<id>` paths), in Chinese; empty when
 * the error is another one.
 */
export function serverSurveyIssues(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || error.code !== 'VALIDATION_FAILED' || !Array.isArray(error.details)) return {};
  const issues: Record<string, string> = {};
  for (const detail of error.details) {
    if (!isObject(detail) || typeof detail.path !== 'string' || !detail.path.startsWith('answers.')) continue;
    const id = detail.path.slice('answers.'.length);
    issues[id] =
      detail.code === 'required'
        ? '请回答此题'
        : detail.code === 'unknown_question'
          ? '问卷已更新，请刷新后重新填写'
          : '回答不符合要求';
  }
  return issues;
}
