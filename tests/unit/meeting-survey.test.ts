import { describe, expect, it } from 'vitest';
import { SurveyQuestion, meetingFieldIssues } from '@careloop/shared';
import { checkAnswers } from '../../bff/src/meetings/survey';

const questions = [
  { id: 'rate', kind: 'rating', text: '总体评价' },
  { id: 'one', kind: 'single', text: '是否有帮助', options: ['是', '否'] },
  { id: 'many', kind: 'multiple', text: '主题', options: ['A', 'B', 'C'], maxChoices: 2, required: false },
  { id: 'note', kind: 'text', text: '建议', required: false, maxLength: 5 },
].map((question) => SurveyQuestion.parse(question));

const paths = (answers: Record<string, number | number[] | string>) =>
  checkAnswers(questions, answers).issues.map((issue) => issue.path);

describe('survey answers', () => {
  it('accepts complete answers and stores them trimmed and sorted, leaving out empty optional ones', () => {
    expect(checkAnswers(questions, { rate: 5, one: 1, many: [2, 0], note: '  很好 ' })).toEqual({
      issues: [],
      stored: { rate: 5, one: 1, many: [0, 2], note: '很好' },
    });
    expect(checkAnswers(questions, { rate: 1, one: 0, many: [], note: '   ' }).stored).toEqual({ rate: 1, one: 0 });
  });

  it('requires the required questions', () => {
    expect(paths({ note: 'ok' })).toEqual(['answers.rate', 'answers.one']);
  });

  it.each([
    ['a rating outside 1–5', { rate: 0, one: 0 }, 'answers.rate'],
    ['a fractional rating', { rate: 4.5, one: 0 }, 'answers.rate'],
    ['an option index out of range', { rate: 3, one: 2 }, 'answers.one'],
    ['several options for a single choice', { rate: 3, one: [0, 1] }, 'answers.one'],
    ['an option chosen twice', { rate: 3, one: 0, many: [1, 1] }, 'answers.many'],
    ['more options than allowed', { rate: 3, one: 0, many: [0, 1, 2] }, 'answers.many'],
    ['a text longer than allowed', { rate: 3, one: 0, note: '太长的一段话' }, 'answers.note'],
    ['a number for a text question', { rate: 3, one: 0, note: 7 }, 'answers.note'],
    ['an unknown question', { rate: 3, one: 0, other: 1 }, 'answers.other'],
  ])('refuses %s', (_, answers, path) => {
    expect(paths(answers as Record<string, number | number[] | string>)).toEqual([path]);
  });
});

describe('meeting fields', () => {
  const valid = {
    startsAt: '2030-05-01T06:00:00Z',
    endsAt: '2030-05-01T08:00:00Z',
    signUpDeadline: null,
    venue: { name: '会议室' },
    onlineUrl: null,
    survey: [{ id: 'q1' }],
  };

  it('accepts a meeting with a venue that ends after it starts', () => {
    expect(meetingFieldIssues(valid)).toEqual([]);
  });

  it.each([
    ['an end before the start', { endsAt: '2030-05-01T05:00:00Z' }, 'endsAt'],
    ['a sign-up deadline after the start', { signUpDeadline: '2030-05-01T07:00:00Z' }, 'signUpDeadline'],
    ['neither a venue nor an online link', { venue: null }, 'venue'],
    ['two questions with one id', { survey: [{ id: 'q1' }, { id: 'q1' }] }, 'survey'],
  ])('refuses %s', (_, change, path) => {
    expect(meetingFieldIssues({ ...valid, ...change }).map((issue) => issue.path)).toEqual([path]);
  });
});
