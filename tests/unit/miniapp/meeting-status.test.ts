import { describe, expect, it } from 'vitest';
import { checkInPhase, showsCheckInCode, signUpAction, surveyPhase } from '../../../miniapp/src/meetings/status';
import { ENDS, HOUR, STARTS, meeting, registration } from './meeting-fixtures';

const beforeDeadline = STARTS - 48 * HOUR;

describe('the sign-up button', () => {
  it('signs up while places are left, and joins the waitlist once they are gone', () => {
    expect(signUpAction(meeting(), beforeDeadline)).toEqual({ kind: 'sign-up', label: '立即报名', waitlist: false });
    expect(signUpAction(meeting({ placesLeft: 0, waitlistOpen: true }), beforeDeadline)).toEqual({
      kind: 'sign-up',
      label: '加入候补',
      waitlist: true,
    });
  });

  it('says why sign-up is closed: full, past the deadline, started, over, cancelled', () => {
    const closed = { signUpOpen: false };
    expect(signUpAction(meeting({ ...closed, placesLeft: 0, waitlistOpen: false }), beforeDeadline)).toMatchObject({
      kind: 'closed',
      label: '名额已满',
    });
    expect(signUpAction(meeting(closed), STARTS - 2 * HOUR)).toMatchObject({ kind: 'closed', label: '报名已截止' });
    expect(signUpAction(meeting(closed), STARTS + HOUR)).toMatchObject({ label: '会议已开始' });
    expect(signUpAction(meeting(closed), ENDS + HOUR)).toMatchObject({ label: '会议已结束' });
    expect(signUpAction(meeting({ ...closed, status: 'cancelled' }), beforeDeadline)).toMatchObject({
      label: '会议已取消',
    });
    // The server's "open" is not trusted past the deadline on the device's clock either.
    expect(signUpAction(meeting(), STARTS - 2 * HOUR)).toMatchObject({ kind: 'closed', label: '报名已截止' });
  });

  it('offers to cancel a place or leave the waitlist until the start, and nothing after checking in', () => {
    expect(signUpAction(meeting({ myRegistration: registration() }), beforeDeadline)).toEqual({
      kind: 'cancel',
      label: '取消报名',
    });
    expect(
      signUpAction(
        meeting({ myRegistration: registration({ status: 'waitlisted', waitlistPosition: 2 }) }),
        beforeDeadline,
      ),
    ).toEqual({ kind: 'cancel', label: '退出候补' });
    expect(signUpAction(meeting({ myRegistration: registration() }), STARTS + HOUR)).toEqual({ kind: 'none' });
    expect(
      signUpAction(
        meeting({ myRegistration: registration({ checkedInAt: new Date(STARTS).toISOString() }) }),
        STARTS - HOUR / 2,
      ),
    ).toEqual({ kind: 'none' });
  });

  it('treats a cancelled registration as none: signing up again is offered', () => {
    expect(
      signUpAction(
        meeting({ myRegistration: registration({ status: 'cancelled', checkInCode: null }) }),
        beforeDeadline,
      ),
    ).toMatchObject({ kind: 'sign-up' });
  });
});

describe('check-in and survey phases', () => {
  it('follows the check-in window of a confirmed place', () => {
    const confirmed = meeting({ myRegistration: registration() });
    expect(checkInPhase(confirmed, STARTS - 2 * HOUR)).toBe('too-early');
    expect(checkInPhase(confirmed, STARTS - HOUR / 2)).toBe('open');
    expect(checkInPhase(confirmed, ENDS + 1)).toBe('closed');
    expect(checkInPhase(meeting({ myRegistration: registration({ checkedInAt: 'x' }) }), ENDS + HOUR)).toBe('done');
    expect(checkInPhase(meeting({ myRegistration: registration({ status: 'waitlisted' }) }), STARTS)).toBe(
      'waitlisted',
    );
    expect(checkInPhase(meeting(), STARTS)).toBe('not-registered');
  });

  it('opens the survey after the end to attendees who checked in, once', () => {
    const attended = meeting({ myRegistration: registration({ checkedInAt: new Date(STARTS).toISOString() }) });
    expect(surveyPhase(attended, ENDS - HOUR)).toBe('not-yet');
    expect(surveyPhase(attended, ENDS + HOUR)).toBe('open');
    expect(surveyPhase(attended, ENDS + 15 * 24 * HOUR)).toBe('closed');
    expect(
      surveyPhase(meeting({ myRegistration: registration({ checkedInAt: 'x', surveyAnswered: true }) }), ENDS + HOUR),
    ).toBe('answered');
    expect(surveyPhase(meeting({ myRegistration: registration() }), ENDS + HOUR)).toBe('not-attended');
    expect(surveyPhase(meeting({ survey: { ...meeting().survey, questionCount: 0 } }), ENDS + HOUR)).toBe('none');
  });

  it('shows the check-in code only for a confirmed place not yet checked in', () => {
    expect(showsCheckInCode(registration())).toBe(true);
    expect(showsCheckInCode(registration({ checkedInAt: 'x' }))).toBe(false);
    expect(showsCheckInCode(registration({ status: 'waitlisted', checkInCode: null }))).toBe(false);
    expect(showsCheckInCode(null)).toBe(false);
  });
});
