import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import {
  answersToSend,
  choose,
  questionHint,
  serverSurveyIssues,
  surveyIssues,
  toggle,
  write,
} from '../../../miniapp/src/meetings/survey';
import { survey } from './meeting-fixtures';

const { questions } = survey();
const [rating, single, multiple, text] = questions as [
  (typeof questions)[number],
  (typeof questions)[number],
  (typeof questions)[number],
  (typeof questions)[number],
];

describe('the survey form', () => {
  it('asks for the required questions before sending, each with its own reason', () => {
    expect(surveyIssues(questions, {})).toEqual({ q1: '请回答此题', q2: '请回答此题' });
    expect(surveyIssues(questions, { q1: 5, q2: 1, q4: '   ' })).toEqual({});
  });

  it('ticks at most maxChoices options of a multiple-choice question, in order', () => {
    let answers = toggle({}, multiple, 2);
    answers = toggle(answers, multiple, 0);
    answers = toggle(answers, multiple, 1); // a third one: refused
    expect(answers.q3).toEqual([0, 2]);
    answers = toggle(answers, multiple, 2);
    expect(answers.q3).toEqual([0]);
    expect(toggle(answers, single, 1)).toBe(answers); // not a multiple-choice question
  });

  it('checks ratings, options and text length as the server does', () => {
    expect(surveyIssues(questions, { q1: 6, q2: 5 })).toEqual({ q1: '请选择 1–5 分', q2: '请选择一项' });
    expect(surveyIssues(questions, { q1: 3, q2: 0, q3: [0, 1, 2], q4: '一二三四五六七八九十十一' })).toEqual({
      q3: '最多选择 2 项',
      q4: '最多 10 字',
    });
  });

  it('sends texts trimmed and leaves out unanswered optional questions', () => {
    let answers = choose({}, rating.id, 4);
    answers = choose(answers, single.id, 0);
    answers = write(answers, text.id, '  希望多些病例  ');
    answers = toggle(answers, multiple, 1);
    answers = toggle(answers, multiple, 1); // unticked again: empty
    expect(answersToSend(questions, answers)).toEqual({ q1: 4, q2: 0, q4: '希望多些病例' });
  });

  it('says what each question allows', () => {
    expect(questionHint(rating)).toBe('');
    expect(questionHint(multiple)).toBe('选填 · 可多选，最多 2 项');
    expect(questionHint(text)).toBe('选填 · 最多 10 字');
  });

  it('reads the server’s per-question reasons', () => {
    const refusal = new ApiError(400, 'VALIDATION_FAILED', 'Invalid answers', [
      { in: 'body', path: 'answers.q1', code: 'required', message: 'an answer is required' },
      { in: 'body', path: 'answers.q2', code: 'invalid_answer', message: 'choose one option' },
    ]);
    expect(serverSurveyIssues(refusal)).toEqual({ q1: '请回答此题', q2: '回答不符合要求' });
    expect(serverSurveyIssues(new ApiError(409, 'SURVEY_NOT_OPEN', 'x'))).toEqual({});
  });
});
