import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import type { MeetingApi } from '../../../miniapp/src/meetings/api';
import { createMeetingDetail } from '../../../miniapp/src/meetings/detail';
import type { CustomerMeeting } from '../../../miniapp/src/meetings/types';
import { HOUR, MEETING_ID, STARTS, meeting, registration } from './meeting-fixtures';

/** The server's view of the meeting, changed by the test or by the fake's sign-up and cancel. */
function fakeMeetings(initial: CustomerMeeting) {
  let current = initial;
  const calls: string[] = [];
  let refuse: ApiError | null = null;
  const api: Pick<MeetingApi, 'meeting' | 'signUp' | 'cancel'> = {
    async meeting(id) {
      expect(id).toBe(MEETING_ID);
      calls.push('load');
      return current;
    },
    async signUp() {
      calls.push('sign-up');
      if (refuse) throw refuse;
      current = meeting({
        ...current,
        placesLeft: Math.max(0, current.placesLeft - 1),
        myRegistration:
          current.placesLeft > 0
            ? registration()
            : registration({ status: 'waitlisted', waitlistPosition: 1, checkInCode: null }),
      });
      return current;
    },
    async cancel() {
      calls.push('cancel');
      if (refuse) throw refuse;
      current = meeting({ ...current, myRegistration: registration({ status: 'cancelled', checkInCode: null }) });
      return current;
    },
  };
  return {
    api,
    calls,
    set: (next: CustomerMeeting) => {
      current = next;
    },
    refuseWith: (error: ApiError | null) => {
      refuse = error;
    },
  };
}

const now = () => STARTS - 48 * HOUR;

describe('a meeting’s page', () => {
  it('signs up, says so once, and then offers the reminder', async () => {
    const server = fakeMeetings(meeting());
    const detail = createMeetingDetail({ api: server.api, id: MEETING_ID, now });
    await detail.load();
    expect(detail.getState().notice).toBeNull(); // the first view says nothing
    await detail.signUp();
    expect(detail.getState()).toMatchObject({ notice: 'confirmed', signedUpHere: true, action: { status: 'idle' } });
    const shown = detail.getState().meeting;
    expect(shown.status === 'ready' && shown.value.myRegistration?.status).toBe('confirmed');
    detail.clearNotice();
    expect(detail.getState().notice).toBeNull();
  });

  it('joins the waitlist when the last place went meanwhile, and says the promotion when the page comes back', async () => {
    const server = fakeMeetings(meeting({ placesLeft: 0, waitlistOpen: true }));
    const detail = createMeetingDetail({ api: server.api, id: MEETING_ID, now });
    await detail.load();
    await detail.signUp();
    expect(detail.getState().notice).toBe('waitlisted');
    detail.clearNotice();
    // Someone cancelled: the first waitlisted person (us) got the place.
    server.set(meeting({ placesLeft: 0, myRegistration: registration() }));
    await detail.load();
    expect(detail.getState().notice).toBe('promoted');
  });

  it('explains a refused sign-up and shows the meeting as it is now', async () => {
    const server = fakeMeetings(meeting());
    const detail = createMeetingDetail({ api: server.api, id: MEETING_ID, now });
    await detail.load();
    server.refuseWith(new ApiError(409, 'MEETING_FULL', 'Every place and the waitlist are taken'));
    server.set(meeting({ placesLeft: 0, waitlistOpen: false, signUpOpen: false }));
    await detail.signUp();
    const state = detail.getState();
    expect(state.action).toMatchObject({ status: 'failed', problem: { code: 'MEETING_FULL', title: '名额已满' } });
    expect(state.meeting.status === 'ready' && state.meeting.value.placesLeft).toBe(0);
    expect(server.calls).toEqual(['load', 'sign-up', 'load']);
    expect(state.signedUpHere).toBe(false);
  });

  it('cancels a place', async () => {
    const server = fakeMeetings(meeting({ myRegistration: registration() }));
    const detail = createMeetingDetail({ api: server.api, id: MEETING_ID, now });
    await detail.load();
    await detail.cancel();
    expect(detail.getState().notice).toBe('cancelled');
  });

  it('keeps the lock reason of an HCP meeting for someone who is not a verified HCP', async () => {
    const api: Pick<MeetingApi, 'meeting' | 'signUp' | 'cancel'> = {
      meeting: async () => {
        throw new ApiError(403, 'HCP_ONLY', 'This meeting is for verified healthcare professionals only');
      },
      signUp: async () => meeting(),
      cancel: async () => meeting(),
    };
    const detail = createMeetingDetail({ api, id: MEETING_ID, now });
    await detail.load();
    expect(detail.getState().meeting.status).toBe('error');
    expect(detail.getState().loadProblem).toMatchObject({ code: 'HCP_ONLY', title: '仅限认证医生参加' });
  });
});
