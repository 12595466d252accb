/**
 * Every error the customer's meeting routes answer, in plain Chinese. Some need the meeting for their sentence
 * (the check-in window's times in the meeting's zone, the waitlist position): pass what the page knows.
 */
import { ApiError } from '@careloop/shared/client';
import { NETWORK_ERROR, errorMessage } from '../lib/errors';
import { shortDateTimeText } from './format';
import type { MyRegistration } from './types';

export interface MeetingProblem {
  code: string;
  title: string;
  message: string;
  /** No answer came or the server failed: trying again may help. */
  retry: boolean;
}

export type MeetingAction = 'load' | 'sign-up' | 'cancel' | 'check-in' | 'survey';

export interface ProblemContext {
  action: MeetingAction;
  timeZone?: string;
  registration?: Pick<MyRegistration, 'status' | 'waitlistPosition'> | null;
  now?: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function windowTimes(details: unknown): { opensAt: string | null; closesAt: string | null } {
  if (!isObject(details)) return { opensAt: null, closesAt: null };
  return {
    opensAt: typeof details.opensAt === 'string' ? details.opensAt : null,
    closesAt: typeof details.closesAt === 'string' ? details.closesAt : null,
  };
}

export const HCP_ONLY_MESSAGE =
  '这场会议仅限通过认证的医疗专业人士参加。如果你是医生，请联系为你服务的工作人员完成医生认证。';

const TITLES: Record<MeetingAction, string> = {
  load: '会议加载失败',
  'sign-up': '报名失败',
  cancel: '取消失败',
  'check-in': '签到失败',
  survey: '提交失败',
};

export function meetingProblem(error: unknown, context: ProblemContext): MeetingProblem {
  const { action, timeZone = 'Asia/Shanghai', registration = null, now = Date.now() } = context;
  const problem = (code: string, title: string, message: string, retry = false): MeetingProblem => ({
    code,
    title,
    message,
    retry,
  });
  if (!(error instanceof ApiError)) return problem('ERROR', TITLES[action], errorMessage(error), true);
  const at = (iso: string | null) => (iso ? shortDateTimeText(iso, timeZone) : '');
  switch (error.code) {
    case 'NOT_FOUND':
      return action === 'check-in' || action === 'load'
        ? problem(error.code, '会议不存在', '会议不存在或已下线，请确认二维码或链接是否正确')
        : problem(error.code, TITLES[action], '没有找到你的报名记录，请刷新后重试');
    case 'HCP_ONLY':
      return problem(error.code, '仅限认证医生参加', HCP_ONLY_MESSAGE);
    case 'NOT_ELIGIBLE':
      return problem(error.code, '不符合报名条件', '这是面向患者的活动，医疗专业人士请关注医生专场会议');
    case 'MEETING_SIGNUP_CLOSED':
      return problem(error.code, '报名已关闭', '报名已截止或会议已开始、已结束、已取消，无法报名');
    case 'MEETING_FULL':
      return problem(error.code, '名额已满', '名额和候补名额都已报满，下次早点来哦');
    case 'MEETING_STATE_CONFLICT':
      if (action === 'cancel') {
        return problem(error.code, '无法取消', '会议已开始或你已签到，报名不能再取消');
      }
      return problem(error.code, TITLES[action], '会议信息刚刚有变化，请刷新后重试', true);
    case 'MEETING_CHECK_IN_CLOSED': {
      const { opensAt, closesAt } = windowTimes(error.details);
      if (opensAt && now < Date.parse(opensAt)) {
        return problem(error.code, '签到尚未开始', `签到将于 ${at(opensAt)} 开始，请届时再扫码签到`);
      }
      if (closesAt && now > Date.parse(closesAt)) {
        return problem(error.code, '签到已结束', `签到已于 ${at(closesAt)} 结束，如有疑问请联系现场工作人员`);
      }
      return problem(error.code, '不在签到时间内', '现在不在签到时间内，请在会议开始前后扫码签到');
    }
    case 'MEETING_NOT_REGISTERED':
      if (action === 'survey') {
        return problem(error.code, '无法填写问卷', '问卷仅限签到参会的嘉宾填写');
      }
      if (registration?.status === 'waitlisted') {
        const position = registration.waitlistPosition ? `（第 ${registration.waitlistPosition} 位）` : '';
        return problem(error.code, '仍在候补中', `你还在候补名单中${position}，尚未获得名额，无法签到`);
      }
      return problem(error.code, '未报名', '你还没有报名这场会议，请先报名');
    case 'SURVEY_NOT_OPEN': {
      const { opensAt, closesAt } = windowTimes(error.details);
      if (opensAt && now < Date.parse(opensAt)) {
        return problem(error.code, '问卷尚未开放', `问卷将在会议结束后（${at(opensAt)}）开放`);
      }
      if (closesAt && now >= Date.parse(closesAt)) {
        return problem(error.code, '问卷已关闭', `问卷已于 ${at(closesAt)} 关闭`);
      }
      return problem(error.code, '问卷未开放', '这场会议没有问卷，或问卷暂未开放');
    }
    case 'SURVEY_ALREADY_ANSWERED':
      return problem(error.code, '已提交过问卷', '你已经提交过这份问卷，每人只能提交一次，感谢参与');
    case 'VALIDATION_FAILED':
      return problem(
        error.code,
        TITLES[action],
        action === 'survey' ? '有题目的回答不符合要求，请检查后再提交' : '请求的内容不正确，请刷新后重试',
      );
    case NETWORK_ERROR:
      return problem(error.code, TITLES[action], '网络连接失败，请检查网络后重试', true);
    default:
      return problem(error.code, TITLES[action], errorMessage(error), error.status >= 500 || error.status === 0);
  }
}
