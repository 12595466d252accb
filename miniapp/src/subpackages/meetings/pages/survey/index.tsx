import { Button } from '@nutui/nutui-react-taro';
import { Text, Textarea, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useCallback, useEffect, useState } from 'react';
import AppError from '../../../../components/AppError';
import Gate from '../../../../components/Gate';
import { meetingApi } from '../../../../meetings/client';
import { meetingProblem, type MeetingProblem } from '../../../../meetings/errors';
import { shortDateTimeText } from '../../../../meetings/format';
import { meetingPage } from '../../../../meetings/routes';
import {
  answersToSend,
  choose,
  questionHint,
  ratingText,
  serverSurveyIssues,
  surveyIssues,
  toggle,
  write,
  type SurveyAnswers,
} from '../../../../meetings/survey';
import type { MeetingSurvey, SurveyQuestion } from '../../../../meetings/types';
import { usePageView } from '../../../../tracking';
import '../../meetings.scss';
import './index.scss';

/** The survey's times have no zone of their own here: the device's. */
const DEVICE_ZONE = '';

export default function SurveyPage() {
  usePageView('会后问卷');
  const { params } = useRouter();
  const id = params.id ?? '';
  return (
    <View className="page meeting-survey">
      <Gate>{id ? <Survey id={id} /> : <AppError title="问卷不存在" message="链接缺少会议编号" />}</Gate>
    </View>
  );
}

type Loaded =
  { status: 'loading' } | { status: 'ready'; survey: MeetingSurvey } | { status: 'failed'; problem: MeetingProblem };

function Survey({ id }: { id: string }) {
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  const load = useCallback(async () => {
    setLoaded({ status: 'loading' });
    try {
      setLoaded({ status: 'ready', survey: await meetingApi.survey(id) });
    } catch (error) {
      setLoaded({ status: 'failed', problem: meetingProblem(error, { action: 'load' }) });
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);

  if (loaded.status === 'loading') return <Text className="gate-note app-loading">正在加载问卷…</Text>;
  if (loaded.status === 'failed') {
    return (
      <AppError
        title={loaded.problem.title}
        message={loaded.problem.message}
        onRetry={loaded.problem.retry ? () => void load() : undefined}
      />
    );
  }
  const { survey } = loaded;
  return (
    <View className="meetings-body">
      <View className="meeting-section">
        <Text className="meeting-section__title survey-title" data-testid="survey-title">
          {survey.title}
        </Text>
        <Text className="meeting-hint">会后问卷 · 共 {survey.questions.length} 题 · 每人限提交一次</Text>
      </View>
      {survey.answered ? (
        <Answered survey={survey} />
      ) : !survey.eligible ? (
        <Closed id={id} title="仅限签到参会的嘉宾填写" message="问卷用于收集参会嘉宾的反馈，签到参会后即可填写。" />
      ) : !survey.open ? (
        <Closed
          id={id}
          title={Date.now() < Date.parse(survey.opensAt) ? '问卷尚未开放' : '问卷已关闭'}
          message={
            Date.now() < Date.parse(survey.opensAt)
              ? `问卷将在会议结束后（${shortDateTimeText(survey.opensAt, DEVICE_ZONE)}）开放`
              : `问卷已于 ${shortDateTimeText(survey.closesAt, DEVICE_ZONE)} 关闭，感谢关注`
          }
        />
      ) : (
        <Form survey={survey} onAnswered={(next) => setLoaded({ status: 'ready', survey: next })} />
      )}
    </View>
  );
}

function Closed({ id, title, message }: { id: string; title: string; message: string }) {
  return (
    <View className="meeting-section survey-closed" data-testid="survey-closed">
      <Text className="meeting-section__title">{title}</Text>
      <Text className="meeting-hint">{message}</Text>
      <Button fill="outline" onClick={() => void Taro.redirectTo({ url: meetingPage(id) })}>
        查看会议详情
      </Button>
    </View>
  );
}

function Answered({ survey }: { survey: MeetingSurvey }) {
  const answers = survey.answers ?? {};
  return (
    <View className="meeting-section survey-done" data-testid="survey-done">
      <Text className="survey-done__title">问卷已提交，感谢你的反馈</Text>
      {survey.questions.map((question, index) => (
        <View key={question.id} className="survey-done__row">
          <Text className="survey-done__question">
            {index + 1}. {question.text}
          </Text>
          <Text className="survey-done__answer">{answerText(question, answers[question.id])}</Text>
        </View>
      ))}
    </View>
  );
}

function answerText(question: SurveyQuestion, value: unknown): string {
  if (value === undefined || value === null || value === '') return '未作答';
  switch (question.kind) {
    case 'single':
      return typeof value === 'number' ? (question.options[value] ?? '') : '';
    case 'multiple':
      return Array.isArray(value) ? value.map((i: number) => question.options[i] ?? '').join('、') : '';
    case 'rating':
      return typeof value === 'number' ? `${value} 分 · ${ratingText(value)}` : '';
    default:
      return String(value);
  }
}

function Form({ survey, onAnswered }: { survey: MeetingSurvey; onAnswered: (survey: MeetingSurvey) => void }) {
  const [answers, setAnswers] = useState<SurveyAnswers>({});
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [submitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<MeetingProblem | null>(null);

  function update(next: SurveyAnswers, questionId: string) {
    setAnswers(next);
    if (issues[questionId]) {
      const { [questionId]: _fixed, ...rest } = issues;
      setIssues(rest);
    }
  }

  async function submit() {
    const found = surveyIssues(survey.questions, answers);
    setIssues(found);
    setProblem(null);
    if (Object.keys(found).length > 0) return;
    setSubmitting(true);
    try {
      onAnswered(await meetingApi.answerSurvey(survey.meetingId, answersToSend(survey.questions, answers)));
    } catch (error) {
      setIssues(serverSurveyIssues(error));
      const next = meetingProblem(error, { action: 'survey' });
      setProblem(next);
      // Answered already (another device, a retried tap): show those answers.
      if (next.code === 'SURVEY_ALREADY_ANSWERED') {
        void meetingApi.survey(survey.meetingId).then(onAnswered, () => undefined);
      }
    } finally {
      setSubmitting(false);
    }
  }

  const missing = Object.keys(issues).length;
  return (
    <View className="survey-form" data-testid="survey-form">
      {survey.questions.map((question, index) => (
        <Question
          key={question.id}
          index={index}
          question={question}
          value={answers[question.id]}
          issue={issues[question.id]}
          onChange={(next) => update(next(answers), question.id)}
        />
      ))}
      {missing > 0 && (
        <Text className="meeting-error" data-testid="survey-missing">
          还有 {missing} 题需要完善，请检查标红的题目
        </Text>
      )}
      {problem && (
        <Text className="meeting-error" data-testid="survey-error" data-code={problem.code}>
          {problem.title}：{problem.message}
        </Text>
      )}
      <Button
        className="survey-submit"
        data-testid="survey-submit"
        type="primary"
        block
        loading={submitting}
        onClick={() => void submit()}
      >
        提交问卷
      </Button>
    </View>
  );
}

interface QuestionProps {
  index: number;
  question: SurveyQuestion;
  value: SurveyAnswers[string];
  issue: string | undefined;
  onChange(update: (answers: SurveyAnswers) => SurveyAnswers): void;
}

function Question({ index, question, value, issue, onChange }: QuestionProps) {
  const hint = questionHint(question);
  return (
    <View
      className={`meeting-section survey-question ${issue ? 'survey-question--invalid' : ''}`}
      data-testid={`survey-question-${question.id}`}
      data-kind={question.kind}
    >
      <Text className="survey-question__text">
        {question.required && <Text className="survey-question__required">* </Text>}
        {index + 1}. {question.text}
      </Text>
      {hint && <Text className="meeting-hint">{hint}</Text>}
      {(question.kind === 'single' || question.kind === 'multiple') &&
        question.options.map((option, optionIndex) => {
          const selected =
            question.kind === 'single' ? value === optionIndex : Array.isArray(value) && value.includes(optionIndex);
          return (
            <View
              key={optionIndex}
              className={`survey-option ${selected ? 'survey-option--selected' : ''}`}
              data-testid={`survey-option-${question.id}-${optionIndex}`}
              onClick={() =>
                onChange((answers) =>
                  question.kind === 'single'
                    ? choose(answers, question.id, optionIndex)
                    : toggle(answers, question, optionIndex),
                )
              }
            >
              <View
                className={`survey-option__mark survey-option__mark--${question.kind === 'single' ? 'radio' : 'check'}`}
              >
                {selected && <Text>{question.kind === 'single' ? '●' : '✓'}</Text>}
              </View>
              <Text className="survey-option__label">{option}</Text>
            </View>
          );
        })}
      {question.kind === 'rating' && (
        <View className="survey-rating">
          <View className="survey-rating__stars">
            {[1, 2, 3, 4, 5].map((score) => (
              <View
                key={score}
                className={`survey-rating__star ${typeof value === 'number' && value >= score ? 'survey-rating__star--on' : ''}`}
                data-testid={`survey-rating-${question.id}-${score}`}
                onClick={() => onChange((answers) => choose(answers, question.id, score))}
              >
                <Text>★</Text>
              </View>
            ))}
          </View>
          <Text className="meeting-hint">
            {typeof value === 'number' ? `${value} 分 · ${ratingText(value)}` : '请打分'}
          </Text>
        </View>
      )}
      {question.kind === 'text' && (
        <View className="survey-text" data-testid={`survey-text-${question.id}`}>
          <Textarea
            className="survey-text__input"
            value={typeof value === 'string' ? value : ''}
            maxlength={question.maxLength}
            placeholder="请输入"
            onInput={(event) => {
              const text = event.detail.value;
              onChange((answers) => write(answers, question.id, text));
            }}
          />
          <Text className="survey-text__count">
            {typeof value === 'string' ? [...value].length : 0}/{question.maxLength}
          </Text>
        </View>
      )}
      {issue && (
        <Text className="meeting-error" data-testid={`survey-issue-${question.id}`}>
          {issue}
        </Text>
      )}
    </View>
  );
}
