/**
 * The meeting editor: a new meeting (a draft) or changes to one. Title, audience, description, time, venue and/or
 * online link, agenda, speakers, places and waitlist, sign-up deadline, the check-in window, and the survey's
 * questions. A change to material fields of a submitted, approved or published meeting sends it back for approval:
 * the editor says so before saving. Fees are not part of the meeting contract yet: meetings are free.
 */
import { useState } from 'react';
import { explainMeetingError, validationIssues } from '../meetings/errors';
import { FIELD_LABELS, MEETING_AUDIENCES, MEETING_AUDIENCE_LABELS, MEETING_STATUS_LABELS } from '../meetings/labels';
import {
  buildMeetingChanges,
  buildMeetingRequest,
  draftFromMeeting,
  emptyMeetingDraft,
  MEETING_LIMITS,
  needsNewApproval,
  type AgendaDraft,
  type MeetingDraft,
  type MeetingField,
  type SpeakerDraft,
} from '../meetings/meetingForm';
import { meetingsApi } from '../meetings/runtime';
import { moveItem, removeItem, replaceItem } from '../meetings/surveyBuilder';
import type { StaffMeeting } from '../meetings/types';
import { Field, FieldError, NumberField, OutcomeLine, SelectField, TextField, type Outcome } from '../shell/Field';
import { useDraft } from '../shell/useDraft';
import { MeetingSurveyBuilder } from './MeetingSurveyBuilder';

type Errors = Partial<Record<string, string>>;

function AgendaRows({
  rows,
  onChange,
  errors,
}: {
  rows: AgendaDraft[];
  onChange(next: AgendaDraft[]): void;
  errors: Errors;
}) {
  return (
    <div className="edit-rows" data-testid="meeting-agenda">
      {rows.map((row, index) => (
        <div key={index} className="edit-rows__row" data-testid="meeting-agenda-row">
          <input
            className="input edit-rows__time"
            aria-label="时间 Time"
            placeholder="14:00"
            data-testid="meeting-agenda-time"
            value={row.time}
            onChange={(event) => onChange(replaceItem(rows, index, { time: event.target.value }))}
          />
          <input
            className="input"
            aria-label="议题 Topic"
            placeholder="议题"
            data-testid="meeting-agenda-topic"
            value={row.topic}
            onChange={(event) => onChange(replaceItem(rows, index, { topic: event.target.value }))}
          />
          <input
            className="input edit-rows__short"
            aria-label="讲者 Speaker"
            placeholder="讲者（可选）"
            data-testid="meeting-agenda-speaker"
            value={row.speaker}
            onChange={(event) => onChange(replaceItem(rows, index, { speaker: event.target.value }))}
          />
          <button
            type="button"
            className="link-button"
            aria-label="上移"
            disabled={index === 0}
            onClick={() => onChange(moveItem(rows, index, -1))}
          >
            ↑
          </button>
          <button
            type="button"
            className="link-button link-button--danger"
            onClick={() => onChange(removeItem(rows, index))}
          >
            删除
          </button>
          <FieldError
            message={
              errors[`agenda.${index}.time`] ?? errors[`agenda.${index}.topic`] ?? errors[`agenda.${index}.speaker`]
            }
          />
        </div>
      ))}
      <button
        type="button"
        className="button button--small"
        data-testid="meeting-agenda-add"
        onClick={() => onChange([...rows, { time: '', topic: '', speaker: '' }])}
      >
        + 议程
      </button>
    </div>
  );
}

function SpeakerRows({
  rows,
  onChange,
  errors,
}: {
  rows: SpeakerDraft[];
  onChange(next: SpeakerDraft[]): void;
  errors: Errors;
}) {
  return (
    <div className="edit-rows" data-testid="meeting-speakers">
      {rows.map((row, index) => (
        <div key={index} className="edit-rows__row" data-testid="meeting-speaker-row">
          <input
            className="input edit-rows__short"
            aria-label="姓名 Name"
            placeholder="姓名"
            data-testid="meeting-speaker-name"
            value={row.name}
            onChange={(event) => onChange(replaceItem(rows, index, { name: event.target.value }))}
          />
          <input
            className="input edit-rows__short"
            aria-label="职称 Title"
            placeholder="职称"
            data-testid="meeting-speaker-title"
            value={row.title}
            onChange={(event) => onChange(replaceItem(rows, index, { title: event.target.value }))}
          />
          <input
            className="input"
            aria-label="医院 Hospital"
            placeholder="医院 / 机构"
            data-testid="meeting-speaker-hospital"
            value={row.hospital}
            onChange={(event) => onChange(replaceItem(rows, index, { hospital: event.target.value }))}
          />
          <button
            type="button"
            className="link-button link-button--danger"
            onClick={() => onChange(removeItem(rows, index))}
          >
            删除
          </button>
          <FieldError
            message={
              errors[`speakers.${index}.name`] ??
              errors[`speakers.${index}.title`] ??
              errors[`speakers.${index}.hospital`]
            }
          />
        </div>
      ))}
      <button
        type="button"
        className="button button--small"
        data-testid="meeting-speaker-add"
        onClick={() => onChange([...rows, { name: '', title: '', hospital: '' }])}
      >
        + 讲者
      </button>
    </div>
  );
}

export function MeetingEditor({
  meeting,
  onSaved,
}: {
  /** null: a new meeting. */
  meeting: StaffMeeting | null;
  onSaved(next: StaffMeeting, submitted: boolean): void;
}) {
  const { draft, errors, set, bind, setErrors, reset } = useDraft<MeetingDraft, MeetingField | 'form'>(() =>
    meeting ? draftFromMeeting(meeting) : emptyMeetingDraft(),
  );
  const [saving, setSaving] = useState<'save' | 'submit' | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const started = meeting ? Date.now() >= Date.parse(meeting.startsAt) : false;
  const surveyLocked = meeting && meeting.counts.surveyed > 0 ? '问卷已有作答，题目不能再修改。' : null;
  // The approval covers the fee: it changes only while a draft or rejected (and nobody has signed up).
  const feeLocked = meeting && !['draft', 'rejected'].includes(meeting.status) ? '（费用经审批后不能修改）' : null;

  const pending = meeting ? buildMeetingChanges(draft, meeting) : null;
  const material = pending?.ok ? pending.request.material : [];
  const warnApproval = meeting ? needsNewApproval(meeting.status, material) : false;

  const showServerErrors = (reason: unknown) => {
    const issues = validationIssues(reason);
    if (issues.length) {
      const mapped: Errors = {};
      for (const issue of issues) mapped[issue.path.replace(/^venue(\..*)?$/, 'venueName')] = issue.message;
      setErrors(mapped);
    }
  };

  const save = async (andSubmit: boolean) => {
    setOutcome(null);
    let write: () => Promise<StaffMeeting>;
    if (!meeting) {
      const built = buildMeetingRequest(draft);
      if (!built.ok) {
        setErrors(built.errors);
        setOutcome({ kind: 'error', text: '请先改正标红的内容。 Please fix the fields marked in red.' });
        return;
      }
      write = () => meetingsApi.create(built.request);
    } else {
      const built = buildMeetingChanges(draft, meeting);
      if (built.ok) {
        write = () => meetingsApi.update(meeting.id, built.request.request);
      } else if (andSubmit && Object.keys(built.errors).join() === 'form') {
        write = () => Promise.resolve(meeting);
      } else {
        setErrors(built.errors);
        setOutcome({
          kind: 'error',
          text: built.errors.form ?? '请先改正标红的内容。 Please fix the fields marked in red.',
        });
        return;
      }
    }
    setSaving(andSubmit ? 'submit' : 'save');
    const settle = (saved: StaffMeeting, submitted: boolean, result: Outcome) => {
      setOutcome(result);
      reset(draftFromMeeting(saved));
      onSaved(saved, submitted);
    };
    try {
      const saved = await write();
      const backToApproval = meeting && saved.status === 'submitted' && meeting.status !== 'submitted';
      if (!andSubmit || saved.status !== 'draft') {
        settle(saved, false, {
          kind: 'ok',
          text: backToApproval
            ? '已保存。改动了需审批的内容，会议已重新进入待审批。 Saved; awaiting approval again.'
            : meeting
              ? '已保存。 Saved.'
              : '已创建会议草稿。 Draft created.',
        });
        return;
      }
      try {
        const submitted = await meetingsApi.submit(saved.id);
        settle(submitted, true, { kind: 'ok', text: '已保存并提交审批，等待店长审批。 Submitted for approval.' });
      } catch (reason) {
        settle(saved, false, { kind: 'error', text: `已保存，但提交审批失败：${explainMeetingError(reason)}` });
      }
    } catch (reason) {
      showServerErrors(reason);
      setOutcome({ kind: 'error', text: explainMeetingError(reason) });
    } finally {
      setSaving(null);
    }
  };

  const e = errors as Errors;
  return (
    <form
      className="card meeting-editor"
      data-testid="meeting-editor"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save(false);
      }}
    >
      <h2 className="card__title">
        {meeting ? `编辑「${meeting.title}」` : '新建会议'}{' '}
        <span className="muted small">{meeting ? `Edit · 第 ${meeting.version} 版` : 'New meeting'}</span>
      </h2>
      {started ? (
        <p className="readonly-note small" role="note">
          会议已开始：只能修改名额、候补、报名截止、签到时间和问卷开放天数。 Started: only operational fields can
          change.
        </p>
      ) : null}
      <fieldset className="sched-form__fields" disabled={saving !== null}>
        <h3 className="section-title">基本信息 Basics</h3>
        <div className="form-grid">
          <TextField
            label="会议名称 Title"
            testId="meeting-title"
            maxLength={MEETING_LIMITS.title + 10}
            placeholder="如：种植修复新进展学术沙龙"
            {...bind('title')}
          />
          <SelectField
            label="对象 Audience"
            testId="meeting-audience"
            options={MEETING_AUDIENCES}
            labels={MEETING_AUDIENCE_LABELS}
            {...bind('audience')}
          />
          <Field label="介绍 Description" error={e.description} wide>
            <textarea
              className="input textarea"
              data-testid="meeting-description"
              rows={3}
              maxLength={MEETING_LIMITS.description + 10}
              value={draft.description}
              onChange={(event) => set('description', event.target.value)}
            />
          </Field>
          <TextField label="开始 Starts" testId="meeting-starts" type="datetime-local" {...bind('startsAt')} />
          <TextField label="结束 Ends" testId="meeting-ends" type="datetime-local" {...bind('endsAt')} />
          <TextField
            label="场地名称 Venue"
            hint="（场地或线上链接至少填一个）"
            testId="meeting-venue-name"
            placeholder="如：静安旗舰店 三楼会议室"
            {...bind('venueName')}
          />
          <TextField label="场地地址 Address" testId="meeting-venue-address" {...bind('venueAddress')} />
          <Field label="线上链接 Online link" hint="（https，只对已报名者显示）" error={e.onlineUrl} wide>
            <input
              className="input"
              data-testid="meeting-online-url"
              inputMode="url"
              placeholder="https://meeting.example.com/…"
              value={draft.onlineUrl}
              onChange={(event) => set('onlineUrl', event.target.value)}
            />
          </Field>
        </div>
        <h3 className="section-title">议程 Agenda</h3>
        <AgendaRows rows={draft.agenda} onChange={(rows) => set('agenda', rows)} errors={e} />
        <FieldError message={e.agenda} />
        <h3 className="section-title">讲者 Speakers</h3>
        <SpeakerRows rows={draft.speakers} onChange={(rows) => set('speakers', rows)} errors={e} />
        <FieldError message={e.speakers} />
        <h3 className="section-title">报名与签到 Sign-up and check-in</h3>
        <div className="form-grid">
          <NumberField label="名额 Places" testId="meeting-capacity" {...bind('capacity')} />
          <NumberField
            label="候补名额 Waitlist"
            hint="（0 为不设候补）"
            testId="meeting-waitlist"
            {...bind('waitlistLimit')}
          />
          <TextField
            label="报名截止 Sign-up deadline"
            hint="（空为开始前均可报名）"
            testId="meeting-deadline"
            type="datetime-local"
            {...bind('signUpDeadline')}
          />
          <NumberField
            label="费用 Fee"
            hint={feeLocked ?? '（0 为免费；报名后须在 15 分钟内微信支付，候补递补后 24 小时内）'}
            testId="meeting-fee"
            kind="decimal"
            suffix="元"
            disabled={feeLocked !== null}
            {...bind('feeYuan')}
          />
          <NumberField
            label="开始前多久开放签到（分钟）"
            testId="meeting-checkin-opens"
            {...bind('checkInOpensMinutesBefore')}
          />
          <NumberField
            label="结束后多久关闭签到（分钟）"
            testId="meeting-checkin-closes"
            {...bind('checkInClosesMinutesAfterEnd')}
          />
          <NumberField
            label="问卷开放天数 Survey open (days)"
            hint="（会议结束起）"
            testId="meeting-survey-days"
            {...bind('surveyOpenDays')}
          />
        </div>
        <h3 className="section-title">会后问卷 Survey</h3>
        <MeetingSurveyBuilder
          questions={draft.survey}
          onChange={(questions) => set('survey', questions)}
          errors={e}
          locked={surveyLocked}
        />
        <FieldError message={e.survey} />
      </fieldset>
      {warnApproval ? (
        <p className="readonly-note small" role="note" data-testid="meeting-reapproval-warning">
          修改了{material.map((field) => FIELD_LABELS[field] ?? field).join('、')}：保存后会议需重新审批
          {meeting?.status === 'published' ? '，在重新审批并发布前，小程序里看不到这个会议' : ''}。 These changes need a
          new approval.
        </p>
      ) : null}
      <div className="row sched-form__foot">
        <span className="muted small">
          {meeting
            ? `当前状态：${MEETING_STATUS_LABELS[meeting.status]}`
            : '创建后为草稿，提交后由另一位店长或管理员审批。 Created as a draft.'}
        </span>
        <div className="row">
          <button type="submit" className="button" data-testid="meeting-save" disabled={saving !== null}>
            {saving === 'save' ? '保存中…' : meeting ? '保存 Save' : '保存草稿 Save draft'}
          </button>
          {!meeting || meeting.status === 'draft' || meeting.status === 'rejected' ? (
            <button
              type="button"
              className="button button--primary"
              data-testid="meeting-save-submit"
              disabled={saving !== null}
              onClick={() => void save(true)}
            >
              {saving === 'submit' ? '提交中…' : '保存并提交审批 Submit for approval'}
            </button>
          ) : null}
        </div>
      </div>
      <OutcomeLine outcome={outcome} testId="meeting-editor-result" />
    </form>
  );
}
