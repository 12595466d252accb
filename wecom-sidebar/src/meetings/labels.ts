/** Names of meeting states, audiences, workflow steps, attendee states and question kinds as the workbench shows them. */
import type { MeetingAttendee, MeetingAudience, MeetingHistoryEntry, MeetingStatus, SurveyQuestionKind } from './types';

export const MEETING_STATUS_LABELS: Record<MeetingStatus, string> = {
  draft: '草稿',
  submitted: '待审批',
  approved: '已批准',
  rejected: '已驳回',
  published: '已发布',
  finished: '已结束',
  cancelled: '已取消',
};

export const MEETING_STATUS_TONES: Record<MeetingStatus, 'pending' | 'ok' | 'done' | 'bad' | 'off'> = {
  draft: 'off',
  submitted: 'pending',
  approved: 'ok',
  rejected: 'bad',
  published: 'done',
  finished: 'off',
  cancelled: 'off',
};

export const MEETING_STATUSES = Object.keys(MEETING_STATUS_LABELS) as MeetingStatus[];

export const MEETING_AUDIENCE_LABELS: Record<MeetingAudience, string> = {
  hcp: '学术会议 · 仅认证医生',
  patient: '患者活动',
  public: '公开活动',
};

export const MEETING_AUDIENCES = Object.keys(MEETING_AUDIENCE_LABELS) as MeetingAudience[];

export const HISTORY_LABELS: Record<MeetingHistoryEntry['action'], string> = {
  created: '创建',
  edited: '修改',
  submitted: '提交审批',
  approved: '批准',
  rejected: '驳回',
  published: '发布',
  finished: '结束',
  cancelled: '取消',
};

export const ATTENDEE_STATUS_LABELS: Record<MeetingAttendee['status'], string> = {
  confirmed: '已报名',
  awaiting_payment: '待付款',
  waitlisted: '候补',
  cancelled: '已取消',
  invited: '已邀请',
};

export const ATTENDEE_STATUS_TONES: Record<MeetingAttendee['status'], 'pending' | 'ok' | 'done' | 'off'> = {
  confirmed: 'ok',
  awaiting_payment: 'pending',
  waitlisted: 'pending',
  cancelled: 'off',
  invited: 'off',
};

export const QUESTION_KIND_LABELS: Record<SurveyQuestionKind, string> = {
  single: '单选',
  multiple: '多选',
  rating: '评分 1–5',
  text: '文字',
};

/** The material fields in words (a change to them needs a new approval). */
export const FIELD_LABELS: Record<string, string> = {
  title: '标题',
  description: '介绍',
  audience: '对象',
  startsAt: '开始时间',
  endsAt: '结束时间',
  venue: '场地',
  onlineUrl: '线上链接',
  agenda: '议程',
  speakers: '讲者',
  survey: '问卷',
  capacity: '名额',
  waitlistLimit: '候补名额',
  signUpDeadline: '报名截止',
  checkInOpensMinutesBefore: '签到开放',
  checkInClosesMinutesAfterEnd: '签到关闭',
  surveyOpenDays: '问卷开放天数',
  feeFen: '费用',
};
