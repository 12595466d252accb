/**
 * A meeting's results: attendance as bars (invited, signed up, waitlisted, checked in, surveyed), then the survey per
 * question — option counts as bars, the rating's distribution and average, the latest text answers. Loaded lazily
 * with echarts.
 */
import { useMemo } from 'react';
import { explainMeetingError } from '../meetings/errors';
import { QUESTION_KIND_LABELS } from '../meetings/labels';
import { meetingsApi } from '../meetings/runtime';
import {
  answeredLine,
  attendanceOption,
  questionChartHeight,
  questionChartOption,
  ratingAverage,
} from '../meetings/surveyResults';
import type { StaffMeeting, SurveyQuestionResult } from '../meetings/types';
import { formatDateTime } from '../profile/format';
import { useResource } from '../shell/useResource';
import ResultsChart from './ResultsChart';

function QuestionResult({ question, responses }: { question: SurveyQuestionResult; responses: number }) {
  const option = useMemo(() => questionChartOption(question), [question]);
  return (
    <section
      className="question-result"
      data-testid="survey-question"
      data-question-id={question.id}
      data-kind={question.kind}
    >
      <h4 className="question-result__title">
        {question.text} <span className="chip">{QUESTION_KIND_LABELS[question.kind]}</span>
      </h4>
      <p className="muted small">
        {answeredLine(question, responses)}
        {question.kind === 'rating' ? (
          <>
            {' '}
            · 平均 <strong data-testid="survey-rating-average">{ratingAverage(question)}</strong>
          </>
        ) : null}
      </p>
      {option && question.answered > 0 ? (
        <ResultsChart option={option} testId="survey-question-chart" height={questionChartHeight(question)} />
      ) : null}
      {question.kind === 'text' ? (
        question.texts?.length ? (
          <ul className="text-answers" data-testid="survey-texts">
            {question.texts.map((text, index) => (
              <li key={index}>{text}</li>
            ))}
          </ul>
        ) : (
          <p className="muted small">暂无文字回答。</p>
        )
      ) : null}
    </section>
  );
}

export default function MeetingSurveyResults({ meeting }: { meeting: StaffMeeting }) {
  const results = useResource(
    `survey-results:${meeting.id}`,
    () => meetingsApi.surveyResults(meeting.id),
    (reason) => explainMeetingError(reason),
  );
  const attendance = useMemo(() => attendanceOption(meeting.counts), [meeting.counts]);
  const opensAt = meeting.endsAt;
  const { state } = results;

  return (
    <div className="survey-results" data-testid="meeting-survey-results">
      <h3 className="section-title">
        参会情况 <span className="muted small">Attendance</span>
      </h3>
      <ResultsChart option={attendance} testId="meeting-attendance-chart" height={220} />
      <div className="day__head">
        <h3 className="section-title">
          会后问卷 <span className="muted small">Survey · 结束后（{formatDateTime(opensAt)}）开放</span>
        </h3>
        <button type="button" className="link-button" onClick={results.reload}>
          刷新
        </button>
      </div>
      {state.status === 'failed' ? (
        <p className="field-error" role="alert">
          问卷结果加载失败：{state.message}
        </p>
      ) : !results.data ? (
        <p className="muted">加载中… Loading</p>
      ) : !results.data.questions.length ? (
        <p className="muted">这个会议没有问卷。 No survey.</p>
      ) : (
        <>
          <p className="small">
            共 <strong data-testid="survey-responses">{results.data.responses}</strong> 份问卷 responses
          </p>
          {results.data.questions.map((question) => (
            <QuestionResult key={question.id} question={question} responses={results.data!.responses} />
          ))}
        </>
      )}
    </div>
  );
}
