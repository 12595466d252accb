/**
 * The post-meeting survey. It opens at the meeting's end for `surveyOpenDays`; only attendees who checked in may
 * answer (the survey is about the meeting they attended; sign-ups who did not come would only add noise to a
 * compliance record), once each: the unique (meeting, customer) key of the answer makes a second one fail.
 * Answers are checked against the meeting's questions; results are aggregated per question.
 */
import type { MeetingSurvey, MeetingSurveyResults, SurveyQuestion } from '@careloop/shared';
import { AppError, notFound } from '../http/errors';
import { isDuplicateKey } from '../db/retry';
import { registerMergeStep } from '../identity/mergeSteps';
import { registerPrivacyContributor } from '../privacy/contributors';
import { meetingNow } from './clock';
import { MeetingModel, MeetingSurveyAnswerModel } from './model';
import {
  findMeeting,
  findRegistration,
  isCustomerVisible,
  recordMeetingEvent,
  surveyWindow,
  type MeetingDoc,
} from './store';

type AnswerValue = number | number[] | string;
type Issue = { in: 'body'; path: string; code: string; message: string };

const issue = (path: string, message: string, code = 'invalid_answer'): Issue => ({
  in: 'body',
  path: `answers.${path}`,
  code,
  message,
});

/** Checks answers against the questions; answers the stored form (texts trimmed, unanswered optional ones left out). */
export function checkAnswers(
  questions: SurveyQuestion[],
  answers: Record<string, AnswerValue>,
): { issues: Issue[]; stored: Record<string, AnswerValue> } {
  const issues: Issue[] = [];
  const stored: Record<string, AnswerValue> = {};
  const known = new Set(questions.map((question) => question.id));
  for (const id of Object.keys(answers))
    if (!known.has(id)) issues.push(issue(id, 'no such question', 'unknown_question'));
  for (const question of questions) {
    let value = answers[question.id];
    if (typeof value === 'string') value = value.trim();
    const empty = value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
    if (empty) {
      if (question.required) issues.push(issue(question.id, 'an answer is required', 'required'));
      continue;
    }
    const isIndex = (n: unknown) =>
      typeof n === 'number' && Number.isInteger(n) && n >= 0 && 'options' in question && n < question.options.length;
    switch (question.kind) {
      case 'single':
        if (!isIndex(value)) issues.push(issue(question.id, `choose one option: 0–${question.options.length - 1}`));
        break;
      case 'multiple':
        if (!Array.isArray(value) || !value.every(isIndex)) {
          issues.push(issue(question.id, `choose options among 0–${question.options.length - 1}`));
        } else if (new Set(value).size !== value.length) {
          issues.push(issue(question.id, 'each option at most once'));
        } else if (question.maxChoices && value.length > question.maxChoices) {
          issues.push(issue(question.id, `at most ${question.maxChoices} options`));
        }
        break;
      case 'rating':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 5) {
          issues.push(issue(question.id, 'a rating is a whole number from 1 to 5'));
        }
        break;
      case 'text':
        if (typeof value !== 'string') issues.push(issue(question.id, 'a text answer is a string'));
        else if ([...value].length > question.maxLength) {
          issues.push(issue(question.id, `at most ${question.maxLength} characters`));
        }
        break;
    }
    stored[question.id] = Array.isArray(value) ? [...value].sort((a, b) => a - b) : value!;
  }
  return { issues, stored };
}

function visibleMeeting(meeting: MeetingDoc | null): MeetingDoc {
  if (!meeting || !isCustomerVisible(meeting.status)) throw notFound('Meeting');
  return meeting;
}

async function describeSurvey(meeting: MeetingDoc, customerId: string, now: Date): Promise<MeetingSurvey> {
  const [reg, answer] = await Promise.all([
    findRegistration(meeting._id, customerId),
    MeetingSurveyAnswerModel.findOne({ meetingId: meeting._id, customerId }).lean(),
  ]);
  const window = surveyWindow(meeting);
  return {
    meetingId: String(meeting._id),
    title: meeting.title,
    questions: meeting.survey as SurveyQuestion[],
    opensAt: window.opensAt.toISOString(),
    closesAt: window.closesAt.toISOString(),
    open: meeting.survey.length > 0 && now >= window.opensAt && now < window.closesAt,
    eligible: Boolean(reg?.checkedInAt),
    answered: Boolean(answer),
    answers: (answer?.answers as Record<string, AnswerValue> | undefined) ?? null,
  };
}

export async function getSurvey(organisationId: string, customerId: string, meetingId: string, now = meetingNow()) {
  return describeSurvey(visibleMeeting(await findMeeting(organisationId, meetingId)), customerId, now);
}

export async function answerSurvey(
  organisationId: string,
  customerId: string,
  meetingId: string,
  answers: Record<string, AnswerValue>,
  now = meetingNow(),
): Promise<MeetingSurvey> {
  const meeting = visibleMeeting(await findMeeting(organisationId, meetingId));
  const window = surveyWindow(meeting);
  if (meeting.survey.length === 0 || now < window.opensAt || now >= window.closesAt) {
    throw new AppError(
      'SURVEY_NOT_OPEN',
      meeting.survey.length === 0 ? 'This meeting has no survey' : 'The survey is open after the meeting ends',
      { opensAt: window.opensAt.toISOString(), closesAt: window.closesAt.toISOString() },
    );
  }
  const reg = await findRegistration(meeting._id, customerId);
  if (!reg?.checkedInAt) {
    throw new AppError('MEETING_NOT_REGISTERED', 'Only attendees who checked in can answer the survey');
  }
  if (await MeetingSurveyAnswerModel.exists({ meetingId: meeting._id, customerId })) {
    throw new AppError('SURVEY_ALREADY_ANSWERED', 'You have answered this survey already');
  }
  const { issues, stored } = checkAnswers(meeting.survey as SurveyQuestion[], answers);
  if (issues.length) throw new AppError('VALIDATION_FAILED', 'Invalid answers', issues);
  let answerId;
  try {
    const created = await MeetingSurveyAnswerModel.create({
      organisationId,
      meetingId: meeting._id,
      customerId,
      answers: stored,
      answeredAt: now,
    });
    answerId = created._id;
  } catch (error) {
    if (isDuplicateKey(error)) throw new AppError('SURVEY_ALREADY_ANSWERED', 'You have answered this survey already');
    throw error;
  }
  await recordMeetingEvent({
    meeting,
    customerId,
    type: 'meeting.survey_answered',
    key: String(answerId),
    registrationId: reg._id,
    occurredAt: now,
  });
  return describeSurvey(meeting, customerId, now);
}

/** Per question: how many answered, and the counts, the rating distribution and average, or the latest texts. */
export async function surveyResults(organisationId: string, meetingId: string): Promise<MeetingSurveyResults> {
  const meeting = await findMeeting(organisationId, meetingId);
  if (!meeting) throw notFound('Meeting');
  const answers = await MeetingSurveyAnswerModel.find({ organisationId, meetingId: meeting._id })
    .sort({ answeredAt: -1 })
    .limit(20_000)
    .lean();
  const questions = (meeting.survey as SurveyQuestion[]).map((question) => {
    const values = answers
      .map((answer) => (answer.answers as Record<string, AnswerValue>)[question.id])
      .filter((value) => value !== undefined);
    const result = {
      id: question.id,
      kind: question.kind,
      text: question.text,
      answered: values.length,
      options: null as { label: string; count: number }[] | null,
      rating: null as { counts: number[]; average: number | null } | null,
      texts: null as string[] | null,
    };
    if (question.kind === 'single' || question.kind === 'multiple') {
      const counts = question.options.map(() => 0);
      for (const value of values)
        for (const index of [value].flat()) if (typeof index === 'number') counts[index]! += 1;
      result.options = question.options.map((label, index) => ({ label, count: counts[index]! }));
    } else if (question.kind === 'rating') {
      const counts = [0, 0, 0, 0, 0];
      for (const value of values) if (typeof value === 'number') counts[value - 1]! += 1;
      const total = counts.reduce((sum, count, index) => sum + count * (index + 1), 0);
      result.rating = { counts, average: values.length ? Math.round((total / values.length) * 100) / 100 : null };
    } else {
      result.texts = values.filter((value): value is string => typeof value === 'string').slice(0, 200);
    }
    return result;
  });
  return { meetingId: String(meeting._id), responses: answers.length, questions };
}

/** Who answered when, by customer id (attendee lists and exports). */
export async function surveyedAt(meetingId: string) {
  const docs = await MeetingSurveyAnswerModel.find({ meetingId }, { customerId: 1, answeredAt: 1 }).lean();
  return new Map(docs.map((doc) => [String(doc.customerId), doc.answeredAt]));
}

// A person answers once: where both profiles answered the same meeting, the survivor's answer is kept.
registerMergeStep({
  name: 'meeting-survey-answers',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    const moving = await MeetingSurveyAnswerModel.find({ organisationId, customerId: fromCustomerId }).lean();
    for (const answer of moving) {
      if (await MeetingSurveyAnswerModel.exists({ meetingId: answer.meetingId, customerId: intoCustomerId })) {
        await MeetingSurveyAnswerModel.deleteOne({ _id: answer._id });
      } else {
        await MeetingSurveyAnswerModel.updateOne({ _id: answer._id }, { $set: { customerId: intoCustomerId } });
      }
    }
  },
});

registerPrivacyContributor({
  name: 'meeting-survey-answers',
  async exportData({ organisationId, customerId }) {
    const answers = await MeetingSurveyAnswerModel.find({ organisationId, customerId }).lean();
    const meetings = await MeetingModel.find({ _id: { $in: answers.map((a) => a.meetingId) } }, { title: 1 }).lean();
    const titles = new Map(meetings.map((meeting) => [String(meeting._id), meeting.title]));
    return answers.map((answer) => ({
      meetingId: String(answer.meetingId),
      meeting: titles.get(String(answer.meetingId)) ?? null,
      answers: answer.answers,
      answeredAt: answer.answeredAt.toISOString(),
    }));
  },
  // Choices and ratings stay for the aggregate results; free-text answers are the personal part.
  async erase({ organisationId, customerId }) {
    const answers = await MeetingSurveyAnswerModel.find({ organisationId, customerId }).lean();
    for (const answer of answers) {
      const kept = Object.fromEntries(
        Object.entries(answer.answers as Record<string, AnswerValue>).filter(([, value]) => typeof value !== 'string'),
      );
      await MeetingSurveyAnswerModel.updateOne({ _id: answer._id }, { $set: { answers: kept } });
    }
  },
});
