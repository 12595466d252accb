import { describe, expect, it } from 'vitest';
import { registrationNotice } from '../../../miniapp/src/meetings/detail';
import { cancelledText, feeStatusText, registrationLabel } from '../../../miniapp/src/meetings/format';
import { offersReminder, signUpAction } from '../../../miniapp/src/meetings/status';
import { HOUR, STARTS, meeting, registration } from './meeting-fixtures';

const beforeDeadline = STARTS - 48 * HOUR;
const ZONE = 'Asia/Shanghai';
/** 2025-12-01 10:15 and 10:20 in Shanghai. */
const HOLD = '2025-12-01T02:15:00.000Z';
const LAPSED_AT = '2025-12-01T02:20:00.000Z';

const held = registration({ status: 'awaiting_payment', feeFen: 19_900, checkInCode: null, holdExpiresAt: HOLD });
const lapsed = registration({
  status: 'cancelled',
  feeFen: 19_900,
  checkInCode: null,
  holdExpiresAt: HOLD,
  cancelReason: 'unpaid',
  cancelledAt: LAPSED_AT,
});

describe('a cancelled registration in words', () => {
  it('says a hold not paid in time released the place, with the time it had to be paid by', () => {
    expect(cancelledText(lapsed, ZONE)).toBe('未在时限内支付，名额已释放（付款截止 12月1日 10:15）');
    expect(registrationLabel(lapsed)).toBe('付款超时');
    expect(feeStatusText(lapsed)).toBeNull(); // said once, by the note
  });

  it('says when I cancelled myself, and that the meeting was cancelled, each plainly', () => {
    const mine = registration({ status: 'cancelled', cancelReason: 'by_customer', cancelledAt: LAPSED_AT });
    expect(cancelledText(mine, ZONE)).toBe('你已于 12月1日 10:20 取消报名');
    expect(registrationLabel(mine)).toBe('已取消');
    expect(cancelledText({ ...mine, cancelReason: 'meeting_cancelled' }, ZONE)).toBe('会议已取消，你的报名随之取消');
    expect(cancelledText({ ...mine, cancelReason: null }, ZONE)).toBe('报名已取消');
  });

  it('says nothing of a registration that is not cancelled', () => {
    expect(cancelledText(held, ZONE)).toBeNull();
    expect(cancelledText(registration(), ZONE)).toBeNull();
  });

  it('names a lapse as such when the page sees the held place go', () => {
    const before = meeting({ feeFen: 19_900, myRegistration: held });
    expect(registrationNotice(before, meeting({ feeFen: 19_900, myRegistration: lapsed }))).toBe('lapsed');
    const cancelled = registration({ status: 'cancelled', cancelReason: 'by_customer' });
    expect(registrationNotice(before, meeting({ feeFen: 19_900, myRegistration: cancelled }))).toBe('cancelled');
  });
});

describe('after a cancelled registration', () => {
  it('offers to sign up again while sign-up is open', () => {
    expect(signUpAction(meeting({ feeFen: 19_900, myRegistration: lapsed }), beforeDeadline)).toEqual({
      kind: 'sign-up',
      label: '重新报名',
      waitlist: false,
    });
  });
});

describe('the meeting reminder', () => {
  it('is offered for a confirmed place only: not while awaiting payment or waitlisted, nor once checked in', () => {
    expect(offersReminder(registration())).toBe(true);
    expect(offersReminder(held)).toBe(false);
    expect(offersReminder(registration({ status: 'waitlisted', waitlistPosition: 1, checkInCode: null }))).toBe(false);
    expect(offersReminder(lapsed)).toBe(false);
    expect(offersReminder(registration({ checkedInAt: LAPSED_AT }))).toBe(false);
    expect(offersReminder(null)).toBe(false);
  });
});
