import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import { errorStatus } from '@careloop/shared';
import { meetingProblem } from '../../../miniapp/src/meetings/errors';
import { ENDS, HOUR, STARTS, registration } from './meeting-fixtures';

const error = (code: string, details?: unknown) =>
  new ApiError(errorStatus[code as keyof typeof errorStatus] ?? 500, code, `English: ${code}`, details);
const windowDetails = {
  opensAt: new Date(STARTS - HOUR).toISOString(),
  closesAt: new Date(ENDS).toISOString(),
};

describe('meeting errors in words', () => {
  it('says when check-in opens, in the meeting’s zone, to someone who scanned too early', () => {
    const problem = meetingProblem(error('MEETING_CHECK_IN_CLOSED', windowDetails), {
      action: 'check-in',
      timeZone: 'Asia/Shanghai',
      now: STARTS - 3 * HOUR,
    });
    expect(problem).toMatchObject({ title: '签到尚未开始', message: '签到将于 12月10日 13:00 开始，请届时再扫码签到' });
  });

  it('says check-in is over to someone who scanned after it closed', () => {
    const problem = meetingProblem(error('MEETING_CHECK_IN_CLOSED', windowDetails), {
      action: 'check-in',
      timeZone: 'Asia/Shanghai',
      now: ENDS + HOUR,
    });
    expect(problem.title).toBe('签到已结束');
    expect(problem.message).toContain('12月10日 17:00');
  });

  it('tells a waitlisted person they have no place yet, and anyone else that they have not signed up', () => {
    expect(
      meetingProblem(error('MEETING_NOT_REGISTERED'), {
        action: 'check-in',
        registration: registration({ status: 'waitlisted', waitlistPosition: 3 }),
      }).message,
    ).toBe('你还在候补名单中（第 3 位），尚未获得名额，无法签到');
    expect(meetingProblem(error('MEETING_NOT_REGISTERED'), { action: 'check-in' })).toMatchObject({
      title: '未报名',
      message: '你还没有报名这场会议，请先报名',
    });
    expect(meetingProblem(error('MEETING_NOT_REGISTERED'), { action: 'survey' }).message).toBe(
      '问卷仅限签到参会的嘉宾填写',
    );
  });

  it('explains the survey window and the once-only rule', () => {
    const survey = { opensAt: new Date(ENDS).toISOString(), closesAt: new Date(ENDS + 14 * 24 * HOUR).toISOString() };
    expect(
      meetingProblem(error('SURVEY_NOT_OPEN', survey), { action: 'survey', timeZone: 'Asia/Shanghai', now: STARTS })
        .message,
    ).toBe('问卷将在会议结束后（12月10日 17:00）开放');
    expect(
      meetingProblem(error('SURVEY_NOT_OPEN', survey), {
        action: 'survey',
        timeZone: 'Asia/Shanghai',
        now: ENDS + 20 * 24 * HOUR,
      }).title,
    ).toBe('问卷已关闭');
    expect(meetingProblem(error('SURVEY_ALREADY_ANSWERED'), { action: 'survey' }).title).toBe('已提交过问卷');
  });

  it('has a Chinese sentence for every error a customer’s meeting route answers', () => {
    const codes = [
      'NOT_FOUND',
      'HCP_ONLY',
      'NOT_ELIGIBLE',
      'MEETING_SIGNUP_CLOSED',
      'MEETING_FULL',
      'MEETING_STATE_CONFLICT',
      'MEETING_CHECK_IN_CLOSED',
      'MEETING_NOT_REGISTERED',
      'SURVEY_NOT_OPEN',
      'SURVEY_ALREADY_ANSWERED',
      'VALIDATION_FAILED',
    ];
    for (const action of ['load', 'sign-up', 'cancel', 'check-in', 'survey'] as const) {
      for (const code of codes) {
        const problem = meetingProblem(error(code), { action });
        expect(problem.code).toBe(code);
        expect(problem.message, `${action} ${code}`).toMatch(/[\u4e00-\u9fff]/);
        expect(problem.message).not.toContain('English');
      }
    }
  });

  it('offers a retry for a network failure, not for a refusal', () => {
    expect(meetingProblem(new ApiError(0, 'NETWORK_ERROR', 'offline'), { action: 'sign-up' })).toMatchObject({
      retry: true,
      message: '网络连接失败，请检查网络后重试',
    });
    expect(meetingProblem(error('MEETING_FULL'), { action: 'sign-up' }).retry).toBe(false);
    expect(meetingProblem(error('MEETING_STATE_CONFLICT'), { action: 'cancel' }).message).toBe(
      '会议已开始或你已签到，报名不能再取消',
    );
  });
});
