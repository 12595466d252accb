/**
 * The post-meeting survey's questions: add a question of a kind (single or multiple choice, 1–5 rating, text), write
 * it, its options one per line, whether it is required, move it and remove it. Errors come from the form, by row.
 */
import { QUESTION_KIND_LABELS } from '../meetings/labels';
import { moveItem, newQuestion, removeItem, replaceItem, type QuestionDraft } from '../meetings/surveyBuilder';
import type { SurveyQuestionKind } from '../meetings/types';
import { FieldError } from '../shell/Field';

const KINDS = Object.keys(QUESTION_KIND_LABELS) as SurveyQuestionKind[];

export function MeetingSurveyBuilder({
  questions,
  onChange,
  errors,
  locked,
}: {
  questions: QuestionDraft[];
  onChange(next: QuestionDraft[]): void;
  /** The form's errors, keyed `survey.<index>.<field>`. */
  errors: Partial<Record<string, string>>;
  /** The survey has answers: the server refuses changes to its questions. */
  locked?: string | null;
}) {
  const change = (index: number, patch: Partial<QuestionDraft>) => onChange(replaceItem(questions, index, patch));
  return (
    <div className="survey-builder" data-testid="meeting-survey-builder">
      {locked ? <p className="readonly-note small">{locked}</p> : null}
      {questions.length === 0 ? (
        <p className="muted small">还没有问卷题目。会后问卷在会议结束后对已签到的参会者开放。 No questions yet.</p>
      ) : null}
      <ol className="survey-builder__list">
        {questions.map((question, index) => {
          const error = (field: string) => errors[`survey.${index}.${field}`];
          const choice = question.kind === 'single' || question.kind === 'multiple';
          return (
            <li
              key={index}
              className="survey-builder__question"
              data-testid="meeting-question"
              data-kind={question.kind}
            >
              <div className="row survey-builder__head">
                <span className="chip">{QUESTION_KIND_LABELS[question.kind]}</span>
                <input
                  className="input survey-builder__id"
                  aria-label="题号 Id"
                  data-testid="meeting-question-id"
                  value={question.id}
                  onChange={(event) => change(index, { id: event.target.value })}
                />
                <label className="check small">
                  <input
                    type="checkbox"
                    checked={question.required}
                    data-testid="meeting-question-required"
                    onChange={(event) => change(index, { required: event.target.checked })}
                  />
                  必答
                </label>
                <span className="survey-builder__tools">
                  <button
                    type="button"
                    className="link-button"
                    aria-label="上移 Move up"
                    disabled={index === 0}
                    onClick={() => onChange(moveItem(questions, index, -1))}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="link-button"
                    aria-label="下移 Move down"
                    disabled={index === questions.length - 1}
                    onClick={() => onChange(moveItem(questions, index, 1))}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="link-button link-button--danger"
                    data-testid="meeting-question-remove"
                    onClick={() => onChange(removeItem(questions, index))}
                  >
                    删除
                  </button>
                </span>
              </div>
              <FieldError message={error('id')} />
              <input
                className="input"
                aria-label="题目 Question"
                placeholder="题目，如：您对本次会议的总体评价"
                data-testid="meeting-question-text"
                value={question.text}
                onChange={(event) => change(index, { text: event.target.value })}
              />
              <FieldError message={error('text')} />
              {choice ? (
                <>
                  <textarea
                    className="input textarea"
                    aria-label="选项（每行一个） Options, one per line"
                    placeholder={'选项，每行一个\n例如：很有帮助\n一般'}
                    rows={3}
                    data-testid="meeting-question-options"
                    value={question.options}
                    onChange={(event) => change(index, { options: event.target.value })}
                  />
                  <FieldError message={error('options')} />
                </>
              ) : null}
              {question.kind === 'multiple' ? (
                <label className="row small">
                  最多可选
                  <input
                    className="input input--inline survey-builder__number"
                    inputMode="numeric"
                    placeholder="不限"
                    value={question.maxChoices}
                    onChange={(event) => change(index, { maxChoices: event.target.value })}
                  />
                  项
                  <FieldError message={error('maxChoices')} />
                </label>
              ) : null}
              {question.kind === 'text' ? (
                <label className="row small">
                  最多
                  <input
                    className="input input--inline survey-builder__number"
                    inputMode="numeric"
                    value={question.maxLength}
                    onChange={(event) => change(index, { maxLength: event.target.value })}
                  />
                  字
                  <FieldError message={error('maxLength')} />
                </label>
              ) : null}
              {question.kind === 'rating' ? <p className="muted small">参会者选择 1–5 分。</p> : null}
            </li>
          );
        })}
      </ol>
      <div className="row">
        <span className="muted small">添加题目：</span>
        {KINDS.map((kind) => (
          <button
            key={kind}
            type="button"
            className="button button--small"
            data-testid={`meeting-question-add-${kind}`}
            onClick={() => onChange([...questions, newQuestion(kind, questions)])}
          >
            + {QUESTION_KIND_LABELS[kind]}
          </button>
        ))}
      </div>
    </div>
  );
}
