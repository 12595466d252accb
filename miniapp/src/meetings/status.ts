/**
 * What a meeting page offers the customer now, from the server's view of the meeting and their registration: the
 * sign-up button, the check-in and the survey. The server decides in the end; these say what to show beforehand.
 */
import type { CustomerMeeting, MyRegistration } from './types';

export type SignUpAction =
  | { kind: 'sign-up'; label: string; waitlist: boolean }
  | { kind: 'cancel'; label: string }
  | { kind: 'closed'; label: string; reason: string }
  | { kind: 'none' };

/** A registration that counts (confirmed or waiting); a cancelled one is as good as none. */
export function activeRegistration(meeting: Pick<CustomerMeeting, 'myRegistration'>): MyRegistration | null {
  const registration = meeting.myRegistration;
  return registration && registration.status !== 'cancelled' ? registration : null;
}

/** Why nobody can sign up now, in words. */
export function signUpClosedReason(
  meeting: Pick<CustomerMeeting, 'status' | 'startsAt' | 'endsAt' | 'signUpDeadline' | 'placesLeft' | 'waitlistOpen'>,
  now: number,
): { label: string; reason: string } {
  if (meeting.status === 'cancelled') return { label: '会议已取消', reason: '会议已取消，报名关闭' };
  if (meeting.status === 'finished' || Date.parse(meeting.endsAt) <= now) {
    return { label: '会议已结束', reason: '会议已结束' };
  }
  if (Date.parse(meeting.startsAt) <= now) return { label: '会议已开始', reason: '会议已开始，报名已关闭' };
  if (Date.parse(meeting.signUpDeadline) <= now) return { label: '报名已截止', reason: '报名已截止' };
  if (meeting.placesLeft === 0 && !meeting.waitlistOpen) {
    return { label: '名额已满', reason: '名额和候补名额都已满' };
  }
  return { label: '暂不可报名', reason: '报名暂未开放' };
}

/** The main button of a meeting's page. */
export function signUpAction(meeting: CustomerMeeting, now: number): SignUpAction {
  const registration = activeRegistration(meeting);
  if (registration) {
    // Checked in, or started: the sign-up stands.
    if (registration.checkedInAt || Date.parse(meeting.startsAt) <= now || meeting.status !== 'published') {
      return { kind: 'none' };
    }
    return { kind: 'cancel', label: registration.status === 'waitlisted' ? '退出候补' : '取消报名' };
  }
  if (meeting.signUpOpen && Date.parse(meeting.signUpDeadline) > now) {
    // Cancelled before (by me, or a held place not paid in time): signing up again is a new attempt.
    const again = meeting.myRegistration?.status === 'cancelled';
    return meeting.waitlistOpen
      ? { kind: 'sign-up', label: '加入候补', waitlist: true }
      : { kind: 'sign-up', label: again ? '重新报名' : '立即报名', waitlist: false };
  }
  return { kind: 'closed', ...signUpClosedReason(meeting, now) };
}

export type CheckInPhase = 'not-registered' | 'waitlisted' | 'too-early' | 'open' | 'closed' | 'done';

/** Where the customer stands for the check-in, by the meeting's check-in window. */
export function checkInPhase(meeting: Pick<CustomerMeeting, 'myRegistration' | 'checkIn'>, now: number): CheckInPhase {
  const registration = activeRegistration(meeting);
  if (registration?.checkedInAt) return 'done';
  if (!registration) return 'not-registered';
  if (registration.status === 'waitlisted') return 'waitlisted';
  if (now < Date.parse(meeting.checkIn.opensAt)) return 'too-early';
  if (now > Date.parse(meeting.checkIn.closesAt)) return 'closed';
  return 'open';
}

export type SurveyPhase = 'none' | 'not-attended' | 'not-yet' | 'open' | 'answered' | 'closed';

/** The post-meeting survey: none, not for those who did not check in, not yet (before the end), open, done. */
export function surveyPhase(meeting: Pick<CustomerMeeting, 'myRegistration' | 'survey'>, now: number): SurveyPhase {
  if (meeting.survey.questionCount === 0) return 'none';
  const registration = activeRegistration(meeting);
  if (registration?.surveyAnswered) return 'answered';
  if (!registration?.checkedInAt) return 'not-attended';
  if (now < Date.parse(meeting.survey.opensAt)) return 'not-yet';
  if (now >= Date.parse(meeting.survey.closesAt)) return 'closed';
  return 'open';
}

/**
 * The meeting reminder is sent to confirmed places only: it is offered once the place is confirmed (paid, for a paid
 * meeting), not while it is held awaiting payment or waitlisted, nor once checked in.
 */
export function offersReminder(registration: MyRegistration | null | undefined): boolean {
  return registration?.status === 'confirmed' && !registration.checkedInAt;
}

/** Only a confirmed place that is not checked in yet shows its code for staff to scan. */
export function showsCheckInCode(registration: MyRegistration | null | undefined): registration is MyRegistration & {
  checkInCode: string;
} {
  return Boolean(
    registration && registration.status === 'confirmed' && !registration.checkedInAt && registration.checkInCode,
  );
}
