import { CreateMeetingRequest, MEETING_MATERIAL_FIELDS, SurveyQuestion, UpdateMeetingRequest } from '@careloop/shared';
import { describe, expect, it } from 'vitest';
import {
  buildMeetingChanges,
  buildMeetingRequest,
  draftFromMeeting,
  emptyMeetingDraft,
  MATERIAL_FIELDS,
  needsNewApproval,
  type MeetingDraft,
} from '../../../wecom-sidebar/src/meetings/meetingForm';
import {
  moveItem,
  newQuestion,
  nextQuestionId,
  questionFromDraft,
  questionToDraft,
} from '../../../wecom-sidebar/src/meetings/surveyBuilder';
import { staffMeeting } from './meetingFixtures';

const NOW = new Date('2026-03-01T02:00:00.000Z');
const errorsOf = <E>(result: { ok: true } | { ok: false; errors: E }): Partial<E> => (result.ok ? {} : result.errors);

const draft = (overrides: Partial<MeetingDraft> = {}): MeetingDraft => ({
  ...emptyMeetingDraft(NOW),
  title: '种植修复新进展学术沙龙',
  venueName: '静安旗舰店 三楼会议室',
  agenda: [
    { time: '14:00', topic: '签到与开场', speaker: '' },
    { time: '', topic: '', speaker: '' },
  ],
  speakers: [{ name: '吴建国', title: '主任医师', hospital: '上海市第九人民医院' }],
  survey: [
    { ...newQuestion('rating', []), text: '总体评价' },
    { ...newQuestion('single', [{ id: 'q1' }]), text: '对临床的帮助', options: '很有帮助\n一般\n\n没有帮助' },
  ],
  ...overrides,
});

describe('the meeting editor form', () => {
  it('builds a new meeting the BFF’s schema accepts: a week ahead, 14:00–17:00 Shanghai time, blank rows left out', () => {
    const result = buildMeetingRequest(draft(), { now: NOW });
    expect(result).toMatchObject({
      ok: true,
      request: {
        title: '种植修复新进展学术沙龙',
        audience: 'hcp',
        startsAt: '2026-03-08T06:00:00.000Z',
        endsAt: '2026-03-08T09:00:00.000Z',
        venue: { name: '静安旗舰店 三楼会议室', address: '' },
        onlineUrl: null,
        agenda: [{ time: '14:00', topic: '签到与开场', speaker: '' }],
        capacity: 50,
        waitlistLimit: 100,
        signUpDeadline: null,
        survey: [
          { id: 'q1', kind: 'rating', text: '总体评价', required: true },
          { id: 'q2', kind: 'single', text: '对临床的帮助', options: ['很有帮助', '一般', '没有帮助'], required: true },
        ],
      },
    });
    expect(CreateMeetingRequest.safeParse(result.ok && result.request).success).toBe(true);
  });

  it('needs a venue or an online link, an end after the start and a start in the future', () => {
    const errors = errorsOf(
      buildMeetingRequest(draft({ venueName: '', startsAt: '2026-02-28T10:00', endsAt: '2026-02-28T09:00' }), {
        now: NOW,
      }),
    );
    expect(Object.keys(errors).sort()).toEqual(['endsAt', 'startsAt', 'venueName']);
  });

  it('accepts an online meeting with an https link only', () => {
    expect(
      errorsOf(buildMeetingRequest(draft({ venueName: '', onlineUrl: 'http://meet.example.com/1' }), { now: NOW }))
        .onlineUrl,
    ).toContain('https');
    const result = buildMeetingRequest(draft({ venueName: '', onlineUrl: 'https://meet.example.com/1' }), { now: NOW });
    expect(result).toMatchObject({ ok: true, request: { venue: null, onlineUrl: 'https://meet.example.com/1' } });
  });

  it('refuses a sign-up deadline after the start', () => {
    expect(
      errorsOf(buildMeetingRequest(draft({ signUpDeadline: '2026-03-08T15:00' }), { now: NOW })).signUpDeadline,
    ).toBeDefined();
  });

  it('names the agenda row and the question that are wrong', () => {
    const errors = errorsOf(
      buildMeetingRequest(
        draft({
          agenda: [{ time: '2pm', topic: '开场', speaker: '' }],
          survey: [{ ...newQuestion('single', []), text: '选一个', options: '只有一个' }],
        }),
        { now: NOW },
      ),
    );
    expect(errors).toEqual({ 'agenda.0.time': expect.any(String), 'survey.0.options': expect.any(String) });
  });

  it('refuses places and windows out of range', () => {
    const errors = errorsOf(
      buildMeetingRequest(
        draft({ capacity: '0', waitlistLimit: '-1', checkInOpensMinutesBefore: '2000', surveyOpenDays: '0' }),
        {
          now: NOW,
        },
      ),
    );
    expect(Object.keys(errors).sort()).toEqual([
      'capacity',
      'checkInOpensMinutesBefore',
      'surveyOpenDays',
      'waitlistLimit',
    ]);
  });
});

describe('editing a meeting', () => {
  it('reads the meeting back into the form on the organisation’s clock, a deadline at the start as none', () => {
    const form = draftFromMeeting(staffMeeting());
    expect(form).toMatchObject({
      startsAt: '2026-03-12T14:00',
      endsAt: '2026-03-12T17:00',
      signUpDeadline: '',
      capacity: '50',
    });
    expect(form.survey).toEqual([
      { id: 'q1', kind: 'rating', text: '总体评价', required: true, options: '', maxChoices: '', maxLength: '500' },
    ]);
  });

  it('sends only what changed, and says which changes need a new approval', () => {
    const meeting = staffMeeting({ status: 'published' });
    const result = buildMeetingChanges(
      { ...draftFromMeeting(meeting), title: '种植修复学术沙龙（更新）', capacity: '80' },
      meeting,
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      request: { request: { title: '种植修复学术沙龙（更新）', capacity: 80 }, material: ['title'] },
    });
    expect(UpdateMeetingRequest.safeParse(result.ok && result.request.request).success).toBe(true);
    expect(needsNewApproval('published', ['title'])).toBe(true);
    expect(needsNewApproval('published', [])).toBe(false);
    expect(needsNewApproval('draft', ['title'])).toBe(false);
  });

  it('lets an operational field change after the start without asking for a future start', () => {
    const meeting = staffMeeting({ status: 'published' });
    const later = new Date('2026-03-12T07:00:00.000Z');
    const result = buildMeetingChanges(
      { ...draftFromMeeting(meeting), checkInClosesMinutesAfterEnd: '30' },
      meeting,
      later,
    );
    expect(result).toEqual({ ok: true, request: { request: { checkInClosesMinutesAfterEnd: 30 }, material: [] } });
  });

  it('says so when nothing changed', () => {
    const meeting = staffMeeting();
    expect(errorsOf(buildMeetingChanges(draftFromMeeting(meeting), meeting, NOW))).toEqual({
      form: expect.stringContaining('没有修改'),
    });
  });

  it('knows the same material fields as the shared contract', () => {
    expect([...MATERIAL_FIELDS]).toEqual([...MEETING_MATERIAL_FIELDS]);
  });
});

describe('the survey builder', () => {
  it('gives each new question the next free id', () => {
    expect(nextQuestionId([])).toBe('q1');
    expect(nextQuestionId([{ id: 'q1' }, { id: 'q3' }])).toBe('q4');
    expect(nextQuestionId([{ id: 'q2' }])).toBe('q3');
  });

  it('builds each kind of question the schema accepts', () => {
    const questions = [
      { ...newQuestion('single', []), text: '单选', options: 'A\nB' },
      { ...newQuestion('multiple', []), id: 'q2', text: '多选', options: 'A\nB\nC', maxChoices: '2' },
      { ...newQuestion('rating', []), id: 'q3', text: '评分', required: false },
      { ...newQuestion('text', []), id: 'q4', text: '建议', maxLength: '300' },
    ].map((question) => questionFromDraft(question).question);
    expect(questions.map((question) => question && SurveyQuestion.safeParse(question).success)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(questions[1]).toMatchObject({ kind: 'multiple', maxChoices: 2 });
    expect(questions[3]).toMatchObject({ kind: 'text', maxLength: 300 });
  });

  it('refuses duplicate options and more choices than options', () => {
    expect(
      questionFromDraft({ ...newQuestion('single', []), text: '单选', options: 'A\nA' }).errors.options,
    ).toBeDefined();
    expect(
      questionFromDraft({ ...newQuestion('multiple', []), text: '多选', options: 'A\nB', maxChoices: '3' }).errors
        .maxChoices,
    ).toBeDefined();
  });

  it('reads a stored question back into the builder unchanged', () => {
    const question = {
      id: 'q2',
      kind: 'multiple' as const,
      text: '多选',
      required: true,
      options: ['A', 'B', 'C'],
      maxChoices: 2,
    };
    expect(questionFromDraft(questionToDraft(question)).question).toEqual(question);
  });

  it('moves rows up and down and leaves the ends alone', () => {
    expect(moveItem(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
  });
});
